"""Speed of PDF reading alone (no model): pages per second of gktagger's layout-aware reader.

    .venv/bin/python bench/pdf_reading.py [--n 12] [--seed 1017] [--repeat 2] [--out bench/PDF_READING.md]

``--n`` generated reports (html layout) are printed to PDF by headless Chromium once, then read
``--repeat`` times each way, in one run:

- ``read_pdf``: as ``gktagger extract`` reads a PDF (a bounded child process per file);
- ``extract`` in process: the same layout work without the child process;
- pdfminer's plain ``extract_text`` (the naive text layer, no tables or chrome removal), as the
  reference the ratios are given against.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gktagger.io.pdftext import extract, read_pdf  # noqa: E402
from gktagger.training.rendered import render  # noqa: E402


def timed(fn, datas: list[bytes], repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        for data in datas:
            fn(data)
    return time.perf_counter() - started


def naive(data: bytes) -> str:
    import io

    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=12)
    p.add_argument("--seed", type=int, default=1017)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--out", default=str(REPO / "bench" / "PDF_READING.md"))
    a = p.parse_args(argv)
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="gk-bench-pdf-") as tmp:
        datas = [render(a.seed, i, "pdf", Path(tmp))[0].read_bytes() for i in range(a.n)]
    pages = sum(len(extract(d).page_starts) for d in datas) * a.repeat
    rows = [("read_pdf (child process, as extract runs it)", timed(read_pdf, datas, a.repeat)),
            ("extract (same reader, in process)", timed(extract, datas, a.repeat)),
            ("pdfminer extract_text (naive, reference)", timed(naive, datas, a.repeat))]
    reference = rows[-1][1]
    lines = ["# PDF reading speed", "",
             f"Measured {time.strftime('%Y-%m-%d')} with `python bench/pdf_reading.py --n {a.n} --seed {a.seed} "
             f"--repeat {a.repeat}`: {a.n} generated reports printed by Chromium ({pages // a.repeat} pages), "
             f"each read {a.repeat}× per way in one run, on a shared 2-core machine. No model.", "",
             "| reader | seconds | pages/s | time vs naive text layer |", "|---|---|---|---|"]
    for name, seconds in rows:
        lines.append(f"| {name} | {seconds:.2f} | {pages / seconds:.1f} | {seconds / reference:.2f}× |")
    text = "\n".join(lines) + "\n"
    Path(a.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
