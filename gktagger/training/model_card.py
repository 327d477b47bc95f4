"""Model cards: the model folder's Hugging Face ``README.md`` (:func:`hf_card`, written by training and
``gktagger package``), and the repository's MODEL_CARD.md with leave-one-source-out results.

    python -m training.model_card --model gktagger/weights [--loso runs/loso/loso.md] [--bench bench/RESULTS.md]

>>> meta = {"model_version": "gktagger-abc", "step": 5, "train_documents": ["a"],
...         "config": {"data": {"dev_documents": ["d"], "synthetic_n": 3, "window": 126},
...                    "model": {"num_hidden_layers": 1, "hidden_size": 32}},
...         "dev_scores": {"fields": {"precision": 0.5, "recall": 0.4, "f1": 0.44, "support": 9},
...                        "sections": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}}}
>>> print(hf_card(meta).split("---")[1].strip().splitlines()[:4])
['language:', '- zh', 'license: other', 'pipeline_tag: token-classification']
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from gktagger.training.annotations import REPO_ROOT
from gktagger.training.config import load_config
from gktagger.training.evaluate import markdown, score_documents

LICENSE = "other"  # the repository states no licence yet


def hf_card(meta: dict) -> str:
    """The model folder's ``README.md``: Hugging Face metadata (YAML) and what the model is, from its
    ``gktagger.json`` (dev scores as measured when training kept the checkpoint)."""

    cfg = meta["config"]
    data, model = cfg["data"], cfg["model"]
    scores = meta.get("dev_scores") or {}
    metrics = [{"type": "f1", "name": f"{k} F1 (dev documents)", "value": scores[k]["f1"]}
               for k in ("fields", "sections") if k in scores]
    header = {"language": ["zh"], "license": LICENSE, "pipeline_tag": "token-classification", "library_name": "transformers",
              "tags": ["gktagger", "government-information-disclosure", "character-level"],
              "metrics": ["f1", "precision", "recall"],
              "model-index": [{"name": meta["model_version"], "results": [{
                  "task": {"type": "token-classification", "name": "Token classification"},
                  "dataset": {"type": "gktagger-dev", "name": f"{len(data['dev_documents'])} annotated real reports "
                                                              "never trained on"},
                  "metrics": metrics}]}] if metrics else []}
    lines = ["---", yaml.safe_dump(header, allow_unicode=True, sort_keys=False).strip(), "---", "",
             f"# {meta['model_version']}", "",
             "A character-level BERT token classifier that tags the section headings and numeric fields of Chinese "
             "government information-disclosure annual reports (政府信息公开工作年度报告), written by gktagger's "
             "training (`gktagger train`).", "",
             f"- {model.get('num_hidden_layers')} layers, hidden size {model.get('hidden_size')}, trained from "
             f"scratch on {len(meta.get('train_documents', []))} annotated real reports and "
             f"{data.get('synthetic_n')} synthetic ones; {meta.get('step')} steps kept.",
             f"- One token per character; windows of {data.get('window')} characters.", "",
             "## Use", "",
             "The full pipeline (normalisation, the table decoder, the validator) is gktagger's:", "",
             "```python", "from gktagger import extract_text", 'record = extract_text(text, model="THIS_FOLDER")',
             "```", "",
             '`transformers.pipeline("token-classification", model="THIS_FOLDER", stride=128)` gives the raw '
             "model's tags on the text as given (no normalisation, no table decoding, no checks).", "",
             "## Dev scores", "",
             "Field = the right ID with the right value; section = the right ID at the right start; measured by "
             "the full pipeline of the training run, when it kept this checkpoint (`gktagger evaluate --model "
             "THIS_FOLDER --dev` measures them with the current pipeline), on: "
             + ", ".join(f"`{d}`" for d in data["dev_documents"]) + ".", "",
             "| | precision | recall | F1 | gold items |", "|---|---|---|---|---|"]
    for k in ("fields", "sections", "table2", "table3", "table4", "prose"):
        if k in scores:
            s = scores[k]
            lines.append(f"| {k} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {s['support']} |")
    if not scores:
        lines.append("| (no dev documents: not measured) | | | | |")
    return "\n".join(lines) + "\n"


def card(model_dir: Path, loso: Path | None, bench: Path | None, extra: Path | None = None) -> str:
    meta = json.loads((model_dir / "gktagger.json").read_text(encoding="utf-8"))
    cfg = meta["config"]
    m, d, t = cfg["model"], cfg["data"], cfg["train"]
    size = (model_dir / "model.safetensors").stat().st_size / 2**20
    scores = score_documents(model_dir, d["dev_documents"], d["annotations"])
    lines = [
        "# gktagger default model", "",
        f"- version: `{meta['model_version']}` (sha256 of the weights), {size:.1f} MiB safetensors",
        f"- architecture: BERT token classification trained from scratch, {m['num_hidden_layers']} layers, "
        f"hidden {m['hidden_size']}, {m['num_attention_heads']} heads, intermediate {m['intermediate_size']}, "
        f"windows of {d['window']} characters (stride {d['stride']}), character tokens, 481 BIO labels",
        f"- data: {len(meta['train_documents'])} annotated real documents (oversampled x{d['real_repeat']}) + "
        f"{d['synthetic_n']} synthetic reports (seed {d['synthetic_seed']})",
        f"- training: {meta['step']} steps kept (best dev checkpoint), batch {t['batch_size']}, lr {t['learning_rate']}, "
        f"O-tag weight {t['outside_weight']}; reproduce with "
        "`python -m training.train --config configs/default.yaml --output gktagger/weights`",
        "", "## Dev scores: real documents never trained on", "",
        "Measured when this card was written, with `python -m training.evaluate --model gktagger/weights --dev` "
        "(field = right ID with the right value; section = right ID at the right start), on: "
        + ", ".join(f"`{x}`" for x in d["dev_documents"]) + ".", "",
        markdown(scores, "dev documents"),
    ]
    if extra and extra.exists():
        lines += [extra.read_text(encoding="utf-8")]
    if loso and loso.exists():
        lc = load_config(REPO_ROOT / "configs" / "loso.yaml")
        lines += ["## Leave-one-source-out", "",
                  "`python -m training.loso --config configs/loso.yaml`: the default architecture trained without "
                  f"a layout family's real pages ({lc.train.max_steps} steps, {lc.data.synthetic_n} synthetic reports, "
                  "last checkpoint kept), tested on them (`--rescore` scores the fold models again with the current "
                  "pipeline).", "", loso.read_text(encoding="utf-8")]
    if bench and bench.exists():
        lines += ["## Speed", "", bench.read_text(encoding="utf-8")]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Write MODEL_CARD.md for a trained model.")
    p.add_argument("--model", type=Path, default=REPO_ROOT / "gktagger" / "weights")
    p.add_argument("--loso", type=Path, default=REPO_ROOT / "runs" / "loso" / "loso.md")
    p.add_argument("--bench", type=Path, default=REPO_ROOT / "bench" / "RESULTS.md")
    p.add_argument("--extra", type=Path, default=REPO_ROOT / "docs" / "model-ablation.md",
                   help="hand-written status and ablation, inserted after the dev scores")
    p.add_argument("--out", type=Path, default=REPO_ROOT / "MODEL_CARD.md")
    args = p.parse_args(argv)
    args.out.write_text(card(args.model, args.loso, args.bench, args.extra), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
