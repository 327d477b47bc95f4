"""Field and section F1 on generator layouts the model never trained on.

    python -m training.layouts [--layout pdfrows wholeruns ...] [--n 30] [--seed 2024] [--model DIR] [--out PREFIX]
        [--set KEY=VALUE ...]

``training.synth.options.HELD_OUT_LAYOUTS`` (``pdfrows`` and the families of ``FAMILIES``) have
weight 0 in every training config, so a score on them says how the whole pipeline does on a layout
nobody annotated and the model never saw; without ``--layout`` every one of them is scored. Other
layouts can be named too; for those the number only says how well the model fits its training
distribution (seeds other than the training configs' 7 and 3 give unseen reports, not unseen layouts).
Prints one table, a row per layout (``-`` where the layout's reports hold no item of a group).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gktagger.extract import Extractor
from gktagger.io.document import Document

from gktagger.training.evaluate import markdown, score
from gktagger.training.synth import generate
from gktagger.training.synth.options import HELD_OUT_LAYOUTS, LAYOUTS

COLUMNS = ("fields", "sections", "table2", "table3", "table4", "prose")


def layout_scores(extractor, layout: str, n: int, seed: int) -> dict:
    """Scores of ``extractor`` on ``n`` generated reports of one layout (gold from the generator)."""
    pairs = list(generate(n, seed, layouts=(layout,)))
    golds = [doc for _, doc in pairs]
    records = extractor.extract([Document(id=doc.document, text=text, source=doc.document) for text, doc in pairs])
    return score(golds, records)


def summary(results: dict[str, dict], n: int) -> str:
    """One markdown row per layout: its F1 per group.

    >>> print(summary({"x": {g: {"f1": 1.0, "support": 3} for g in COLUMNS}}, 3).splitlines()[2])
    | x | 3 | 1.0000 | 1.0000 | 1.0000 | 1.0000 | 1.0000 | 1.0000 |
    """
    f1 = lambda s: f"{s['f1']:.4f}" if s["support"] else "-"
    lines = ["| layout | reports | " + " | ".join(f"{c} F1" for c in COLUMNS) + " |",
             "|---|---|" + "---|" * len(COLUMNS)]
    lines += [f"| {name} | {n} | " + " | ".join(f1(s[c]) for c in COLUMNS) + " |" for name, s in results.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.layouts", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--layout", "--layouts", dest="layouts", nargs="+", default=list(HELD_OUT_LAYOUTS),
                   choices=LAYOUTS, metavar="NAME", help=f"layouts to score (default: {' '.join(HELD_OUT_LAYOUTS)})")
    p.add_argument("--n", type=int, default=30, help="generated reports per layout")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--model", help="model directory (default: the shipped model)")
    p.add_argument("--out", help="write PREFIX-<layout>.md per layout and PREFIX.md (the summary)")
    p.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                   help="pipeline settings for this run, as `gktagger extract --set` takes them")
    a = p.parse_args(argv)
    extractor = Extractor(model=a.model, overrides=a.set)
    title = f"{a.model or 'shipped model'} on {a.n} generated reports per layout (seed {a.seed})"
    results = {}
    for layout in a.layouts:
        results[layout] = layout_scores(extractor, layout, a.n, a.seed)
        if a.out:
            md = markdown(results[layout], f"{a.model or 'shipped model'} on {a.n} generated '{layout}' reports (seed {a.seed})")
            Path(f"{a.out}-{layout}.md").write_text(md, encoding="utf-8")
        print(f"{layout}: fields {results[layout]['fields']['f1']:.4f} sections {results[layout]['sections']['f1']:.4f}",
              file=sys.stderr, flush=True)
    table = f"## {title}\n\n" + summary(results, a.n)
    print(table)
    if a.out:
        Path(f"{a.out}.md").write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
