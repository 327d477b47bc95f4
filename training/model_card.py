"""Write MODEL_CARD.md from a trained model directory and (optionally) leave-one-source-out results.

    python -m training.model_card --model gktagger/model [--loso runs/loso/loso.md] [--bench bench/RESULTS.md]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gktagger.annotations import REPO_ROOT
from training.evaluate import markdown, score_documents


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
        "`python -m training.train --config configs/default.yaml --output gktagger/model`",
        "", "## Dev scores: real documents never trained on", "",
        "Measured when this card was written, with `python -m training.evaluate --model gktagger/model --dev` "
        "(field = right ID with the right value; section = right ID at the right start), on: "
        + ", ".join(f"`{x}`" for x in d["dev_documents"]) + ".", "",
        markdown(scores, "dev documents"),
    ]
    if extra and extra.exists():
        lines += [extra.read_text(encoding="utf-8")]
    if loso and loso.exists():
        from training.config import load_config

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
    p.add_argument("--model", type=Path, default=REPO_ROOT / "gktagger" / "model")
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
