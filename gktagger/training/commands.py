"""The ML commands of the ``gktagger`` CLI: train, evaluate, package, info.

    gktagger train [--config default|smoke|FILE.yaml] [--output DIR] [--set KEY=VALUE ...]
    gktagger evaluate [--model DIR] [--annotations DIR ...] [--dev] [--out PREFIX]
    gktagger package MODEL_DIR -o OUT_DIR      # a model folder with its Hugging Face model card
    gktagger info [--model DIR] [--json]       # versions, the model, the pipeline settings

``train`` and ``evaluate`` are :mod:`gktagger.training.train` and :mod:`gktagger.training.evaluate`
(``python -m training.train`` in a checkout is the same); a wrong recipe, folder or name is one line
and exit 2.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from gktagger import __version__
from gktagger.config import DEFAULT_MODEL_DIR, PipelineConfig
from gktagger.errors import UsageError

MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "gktagger.json")


def passthrough(command: str, argv: list[str]) -> int:
    """``gktagger train|evaluate ARGS``: the training module's own parser gets every argument."""
    try:
        if command == "train":
            from gktagger.training.train import main
        else:
            from gktagger.training.evaluate import main
    except ImportError as e:
        raise UsageError(f"gktagger {command} needs the training extra ({e.name} is missing): "
                         "pip install 'gktagger[train]'") from None
    return main(argv)


PASSTHROUGH = ("train", "evaluate")


def cmd_passthrough(args) -> int:
    return passthrough(args.command, args.args)


def package(model: Path, out: Path) -> Path:
    """Copy a trained model folder to ``out`` (may be the same folder) with its model card ``README.md``
    and the tokenizer's ``model_max_length`` set to the model's window."""
    from gktagger.training.model_card import hf_card

    missing = [f for f in MODEL_FILES if not (model / f).is_file()]
    if missing:
        raise UsageError(f"{model} is not a gktagger model folder (missing {', '.join(missing)})")
    out.mkdir(parents=True, exist_ok=True)
    if out.resolve() != model.resolve():
        for f in MODEL_FILES:
            shutil.copyfile(model / f, out / f)
    window = json.loads((out / "config.json").read_text(encoding="utf-8"))["max_position_embeddings"] - 2
    tok_path = out / "tokenizer_config.json"
    tok = json.loads(tok_path.read_text(encoding="utf-8"))
    if tok.get("model_max_length") != window:
        tok["model_max_length"] = window
        tok_path.write_text(json.dumps(tok, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    meta = json.loads((out / "gktagger.json").read_text(encoding="utf-8"))
    (out / "README.md").write_text(hf_card(meta), encoding="utf-8")
    return out


def cmd_package(args) -> int:
    out = package(Path(args.model), Path(args.output))
    print(f"wrote {out} with its model card {out / 'README.md'}", file=sys.stderr)
    return 0


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def info(model: str | None = None) -> dict:
    """What runs: package versions, the model folder (version, size, window, dev scores), pipeline settings."""
    model_dir = Path(model) if model else DEFAULT_MODEL_DIR
    if not (model_dir / "config.json").is_file():
        raise UsageError(f"no gktagger model in {model_dir}")
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    meta_path = model_dir / "gktagger.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    window = config["max_position_embeddings"] - 2
    scores = meta.get("dev_scores") or {}
    out = {
        "gktagger": __version__, "python": sys.version.split()[0],
        "packages": {p: _version(p) for p in ("torch", "transformers", "tokenizers", "pyarrow", "label-studio-sdk",
                                               "fastapi", "uvicorn")},
        "model": {"path": str(model_dir.resolve()), "version": meta.get("model_version"),
                  "labels": len(config.get("id2label", {})), "layers": config.get("num_hidden_layers"),
                  "hidden_size": config.get("hidden_size"), "train_documents": len(meta.get("train_documents", [])),
                  "dev_field_f1": (scores.get("fields") or {}).get("f1"),
                  "dev_section_f1": (scores.get("sections") or {}).get("f1"),
                  "card": (model_dir / "README.md").is_file()},
        "pipeline": {"window": window, "stride": window * 3 // 4, "template_order": True},
    }
    try:  # the named pipeline settings, where this version has them


        out["pipeline"].update(asdict(PipelineConfig()))
    except Exception:  # noqa: BLE001 - older pipelines have only the window settings above
        pass
    return out


def cmd_info(args) -> int:
    data = info(args.model)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    print(f"gktagger {data['gktagger']} (Python {data['python']})")
    print("  " + ", ".join(f"{k} {v}" for k, v in data["packages"].items() if v))
    m = data["model"]
    print(f"model {m['version']} at {m['path']}")
    print(f"  {m['layers']} layers, hidden {m['hidden_size']}, {m['labels']} labels, trained on "
          f"{m['train_documents']} real documents; dev field F1 {m['dev_field_f1']}, section F1 {m['dev_section_f1']}; "
          f"model card: {'yes' if m['card'] else 'no (gktagger package)'}")
    print("pipeline " + ", ".join(f"{k}={v}" for k, v in data["pipeline"].items()))
    return 0


def add_parsers(sub) -> None:
    t = sub.add_parser("train", add_help=False, help="train a model from a YAML recipe (--help: its options)",
                       description="Runs gktagger.training.train with the arguments given.")
    t.add_argument("args", nargs=argparse.REMAINDER)
    t.set_defaults(run=cmd_passthrough)
    e = sub.add_parser("evaluate", add_help=False, help="score a model on annotated documents (--help: its options)")
    e.add_argument("args", nargs=argparse.REMAINDER)
    e.set_defaults(run=cmd_passthrough)
    p = sub.add_parser("package", help="write a model folder with its Hugging Face model card (README.md)")
    p.add_argument("model", help="a model folder written by gktagger train")
    p.add_argument("-o", "--output", required=True, help="folder to write (may be MODEL itself)")
    p.set_defaults(run=cmd_package)
    i = sub.add_parser("info", help="versions, the model and the pipeline settings")
    i.add_argument("--model", help="model directory (default: the model shipped in the package)")
    i.add_argument("--json", action="store_true", help="as JSON")
    i.set_defaults(run=cmd_info)
