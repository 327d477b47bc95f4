"""Field F1 on generated reports as published: printed to PDF by Chromium, or written to .docx,
then read back by gktagger's own readers and extracted.

    python -m training.rendered --n 40 --seed 1017 --kind pdf --out runs/rendered [--model DIR]

The generator's seeds in the training configs are 7 (default, loso) and 3 (smoke): other seeds give
reports the model never trained on. Gold values are the generator's; gold section starts are moved
into the text read from the file (:func:`training.synth.render.project_spans`). ``--out`` keeps the
files, their records, the scores and the gold annotations in the read text (``gold/``, loadable with
``gktagger.training.annotations.load_dir``: a new layout family for training).
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from gktagger.extract import Extractor
from gktagger.io.reading import read_bytes, read_path
from gktagger.training.annotations import save

from gktagger.training.evaluate import markdown, score
from gktagger.training.synth.render import html_report, html_to_docx, print_css, render_pdf, rendered_gold, with_css

UNRULED_CSS = "table, td, th { border: none !important; } td, th { padding: 2pt 8pt; }"


def render(seed: int, i: int, kind: str, out: Path, unruled: bool = False) -> tuple[Path, str, object]:
    """Write report ``i`` of ``seed`` as a .pdf or .docx under ``out``; return (path, text_as_generated, gold).
    ``unruled``: tables printed without rules (cells told apart by their gaps only)."""
    source, text, doc = html_report(seed, i)
    path = out / f"{seed}_{i:05d}.{kind}"
    if kind == "pdf":
        rng = random.Random(f"{seed}/{i}/print")
        css = print_css(rng, size=rng.choice(["10.5pt", "12pt", "14pt"])) + (UNRULED_CSS if unruled else "")
        render_pdf(with_css(source, css), path)
    else:
        path.write_bytes(html_to_docx(source))
    return path, text, doc


def extract_and_score(extractor, docs: list, golds: list, out: Path) -> dict:
    """Extract ``docs``, score them against ``golds`` (same order), and write ``records.jsonl`` and
    ``scores.json`` to ``out``."""
    records = extractor.extract(docs)
    for gold, record in zip(golds, records):
        gold.document = record["id"]
    scores = score(golds, records)
    with open(out / "records.jsonl", "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out / "scores.json").write_text(json.dumps(scores, ensure_ascii=False, indent=1), encoding="utf-8")
    return scores


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.rendered", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=40)
    p.add_argument("--seed", type=int, default=1017)
    p.add_argument("--kind", choices=["pdf", "docx"], default="pdf")
    p.add_argument("--out", default="runs/rendered")
    p.add_argument("--model", help="model directory (default: the shipped model)")
    p.add_argument("--unruled", action="store_true", help="PDF tables without rules (column gaps only)")
    p.add_argument("--baseline", action="store_true",
                   help="also score the same reports read from their HTML source (what reading the file costs)")
    a = p.parse_args(argv)

    out = Path(a.out) / (a.kind + ("-unruled" if a.unruled else ""))
    (out / "gold").mkdir(parents=True, exist_ok=True)
    golds, docs, read_seconds = [], [], 0.0
    for i in range(a.n):
        path, text, doc = render(a.seed, i, a.kind, out, a.unruled)
        started = time.perf_counter()
        read = read_path(path)
        read_seconds += time.perf_counter() - started
        if read.error:
            raise SystemExit(f"{path}: {read.error}")
        gold = rendered_gold(doc, text, read.text, str(path))
        lost = len(doc.spans) - len(gold.spans)
        if lost:  # fields are scored by value: keep every gold field; sections by their projected start
            gold.spans = [s for s in gold.spans if s.is_section] + [s for s in doc.spans if not s.is_section]
        gold.notes += f" lost_spans={lost}"
        if not lost:  # a training annotation must point into the read text exactly
            save(gold, out / "gold" / f"{path.stem}.json")
        golds.append(gold)
        docs.append(read)
    scores = extract_and_score(Extractor(model=a.model), docs, golds, out)
    print(markdown(scores, f"Rendered {a.kind} reports{' (unruled tables)' if a.unruled else ''}, seed {a.seed}, n={a.n}"))
    print(f"reading: {read_seconds:.1f} s for {a.n} files; spans not projected: "
          f"{sum('lost_spans=0' not in g.notes for g in golds)} documents")
    if a.baseline:
        print(markdown(baseline(a.seed, a.n, Extractor(model=a.model)), "The same reports read from their HTML source"))
    return 0


def baseline(seed: int, n: int, extractor) -> dict:
    """Scores of the same reports read from the HTML they were printed from."""
    golds, docs = [], []
    for i in range(n):
        source, text, doc = html_report(seed, i)
        read = read_bytes(source.encode("utf-8"), id=f"{seed}_{i:05d}.html", suffix=".html")
        gold = rendered_gold(doc, text, read.text, read.id)
        if len(gold.spans) != len(doc.spans):
            gold.spans = [s for s in gold.spans if s.is_section] + [s for s in doc.spans if not s.is_section]
        for s in gold.spans:  # HTML records index the HTML source
            if s.is_section:
                s.start, s.end = read.to_source(s.start, s.end)
        golds.append(gold)
        docs.append(read)
    return score(golds, extractor.extract(docs))


if __name__ == "__main__":
    raise SystemExit(main())
