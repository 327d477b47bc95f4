"""Leave-one-source-out: how the model does on a layout family it has never seen.

    python -m training.loso --config configs/loso.yaml [--families pingtan kiro html seeds] [--out runs/loso] [--rescore]
    python -m training.loso --config configs/loso.yaml --layout wholeruns [mdfragments ...] [--n 30] [--seed 2024]

For each family, a model is trained with ``configs/loso.yaml`` on every other
annotated real document (plus the synthetic reports) and evaluated with
:mod:`training.evaluate` on the family's documents, which it never saw.

With ``--layout`` the held-out family is a layout of the generator instead: the fold model is
trained with that layout's weight set to 0 (``data.synthetic_layouts``, the config's other weights
kept) and scored on ``--n`` generated reports of it (:mod:`training.layouts`). ``--layout`` alone
holds out each of ``HELD_OUT_LAYOUTS`` in turn.
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
from gktagger.training.synth.options import HELD_OUT_LAYOUTS, LAYOUTS

FAMILIES = {
    "pingtan": "reports/pingtan_*",  # crawled city-portal pages: flattened tables, digits run together
    "kiro": "reports/kiro_*",  # markdown converted from PDF reports
    "html": "reports/*.html",  # HTML pages with rowspan/colspan tables
    "seeds": "seeds/*",  # other portals: prose-only, one cell per line, legacy
}


def family_documents(pattern: str, annotation_dirs: list[str]) -> list[str]:
    return [d.document for d in ann.load_dir(*annotation_dirs) if fnmatch.fnmatch(d.document, pattern)]


def layout_folds(args, cfg) -> int:
    """Train without each named generator layout, score the fold model on that layout."""
    from gktagger.extract import Extractor
    from gktagger.training.layouts import layout_scores, summary
    from gktagger.training.train import main as train

    layouts = args.layout or list(HELD_OUT_LAYOUTS)
    unknown = sorted(set(layouts) - set(LAYOUTS))
    if unknown:
        raise SystemExit(f"unknown layout {unknown[0]} (known: {', '.join(LAYOUTS)})")
    out, results = Path(args.out), {}
    for layout in layouts:
        model_dir = out / f"layout-{layout}"
        if args.rescore and not (model_dir / "gktagger.json").exists():
            raise SystemExit(f"no fold model in {model_dir}: run training.loso --layout {layout} without --rescore first")
        if not args.rescore:
            weights = json.dumps({**cfg.data.synthetic_layouts, layout: 0})
            if train(["--config", args.config, "--output", str(model_dir), "--set", f"data.synthetic_layouts={weights}"]):
                raise SystemExit(f"training the fold model without layout {layout} failed (see the error above)")
        results[layout] = layout_scores(Extractor(model=str(model_dir)), layout, args.n, args.seed)
        (model_dir / "scores.md").write_text(markdown(results[layout], f"held out: layout {layout}"), encoding="utf-8")
    table = summary(results, args.n)
    (out / "layouts.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


def main(argv: list[str] | None = None) -> int:
    from gktagger.training.train import main as train

    p = argparse.ArgumentParser(description="Leave-one-source-out training and evaluation.")
    p.add_argument("--config", default="configs/loso.yaml")
    p.add_argument("--families", nargs="*", default=list(FAMILIES))
    p.add_argument("--out", default="runs/loso")
    p.add_argument("--rescore", action="store_true",
                   help="score the fold models already in --out with the current pipeline instead of training them")
    p.add_argument("--layout", nargs="*", metavar="NAME",
                   help="hold out generator layouts instead of corpus families (none named: all held-out layouts)")
    p.add_argument("--n", type=int, default=30, help="with --layout: generated reports scored per layout")
    p.add_argument("--seed", type=int, default=2024, help="with --layout: seed of the scored reports")
    args = p.parse_args(argv)
    cfg = load_config(args.config)
    if args.layout is not None:
        return layout_folds(args, cfg)
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
