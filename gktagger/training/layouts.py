"""Field and section F1 on generator layouts the model never trained on.

    python -m training.layouts [--layouts pdfrows] [--n 40] [--seed 2024] [--model DIR] [--out PREFIX]

``training.synth.options.HELD_OUT_LAYOUTS`` have weight 0 in every training config, so a score on
them says how the whole pipeline does on a layout nobody annotated and the model never saw. Other
layouts can be named too; for those the number only says how well the model fits its training
distribution (seeds other than the training configs' 7 and 3 give unseen reports, not unseen layouts).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gktagger.io.document import Document
from gktagger.extract import Extractor

from gktagger.training.evaluate import markdown, score
from gktagger.training.synth import generate
from gktagger.training.synth.options import HELD_OUT_LAYOUTS


def layout_scores(extractor, layout: str, n: int, seed: int) -> dict:
    """Scores of ``extractor`` on ``n`` generated reports of one layout (gold from the generator)."""
    pairs = list(generate(n, seed, layouts=(layout,)))
    golds = [doc for _, doc in pairs]
    records = extractor.extract([Document(id=doc.document, text=text, source=doc.document) for text, doc in pairs])
    return score(golds, records)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.layouts", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--layouts", nargs="+", default=list(HELD_OUT_LAYOUTS))
    p.add_argument("--n", type=int, default=40)
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--model", help="model directory (default: the shipped model)")
    p.add_argument("--out", help="write PREFIX-<layout>.md")
    a = p.parse_args(argv)
    extractor = Extractor(model=a.model)
    for layout in a.layouts:
        md = markdown(layout_scores(extractor, layout, a.n, a.seed),
                      f"{a.model or 'shipped model'} on {a.n} generated '{layout}' reports (seed {a.seed})")
        print(md)
        if a.out:
            Path(f"{a.out}-{layout}.md").write_text(md, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
