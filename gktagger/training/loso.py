"""Leave-one-source-out: how the model does on a layout family it has never seen.

    python -m training.loso --config configs/loso.yaml [--families pingtan kiro html seeds] [--out runs/loso] [--rescore]

For each family, a model is trained with ``configs/loso.yaml`` on every other
annotated real document (plus the synthetic reports) and evaluated with
:mod:`training.evaluate` on the family's documents, which it never saw.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from pathlib import Path

from gktagger.training import annotations as ann
from gktagger.training.config import load_config
from gktagger.training.evaluate import markdown, score_documents

FAMILIES = {
    "pingtan": "reports/pingtan_*",  # crawled city-portal pages: flattened tables, digits run together
    "kiro": "reports/kiro_*",  # markdown converted from PDF reports
    "html": "reports/*.html",  # HTML pages with rowspan/colspan tables
    "seeds": "seeds/*",  # other portals: prose-only, one cell per line, legacy
}


def family_documents(pattern: str, annotation_dirs: list[str]) -> list[str]:
    return [d.document for d in ann.load_dir(*annotation_dirs) if fnmatch.fnmatch(d.document, pattern)]


def main(argv: list[str] | None = None) -> int:
    from gktagger.training.train import main as train

    p = argparse.ArgumentParser(description="Leave-one-source-out training and evaluation.")
    p.add_argument("--config", default="configs/loso.yaml")
    p.add_argument("--families", nargs="*", default=list(FAMILIES))
    p.add_argument("--out", default="runs/loso")
    p.add_argument("--rescore", action="store_true",
                   help="score the fold models already in --out with the current pipeline instead of training them")
    args = p.parse_args(argv)
    cfg = load_config(args.config)
    out = Path(args.out)
    results = {}
    for family in args.families:
        docs = family_documents(FAMILIES[family], cfg.data.annotations)
        model_dir = out / family
        if args.rescore:
            if not (model_dir / "gktagger.json").exists():
                raise SystemExit(f"no fold model in {model_dir}: run training.loso without --rescore first")
            scores = score_documents(model_dir, docs, cfg.data.annotations)
        else:
            held = json.dumps(docs, ensure_ascii=False)
            train(["--config", args.config, "--output", str(model_dir),
                   "--set", f"data.dev_documents={held}", f"data.exclude_documents={held}"])
            meta = json.loads((model_dir / "gktagger.json").read_text(encoding="utf-8"))
            scores = {**meta["dev_scores"], "documents": meta["dev_documents_scores"]}
        results[family] = scores
        (model_dir / "scores.md").write_text(markdown(scores, f"held out: {family}"), encoding="utf-8")
    lines = ["| held-out family | documents | field F1 | table3 F1 | section F1 |", "|---|---|---|---|---|"]
    for family, s in results.items():
        lines.append(f"| {family} ({FAMILIES[family]}) | {len(s['documents'])} | {s['fields']['f1']:.4f} | "
                     f"{s['table3']['f1']:.4f} | {s['sections']['f1']:.4f} |")
    table = "\n".join(lines) + "\n"
    (out / "loso.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
