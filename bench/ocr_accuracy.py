"""How well OCR reads scanned reports: field F1 and OCR seconds per page on generated reports printed
by Chromium, turned into image-only PDFs (what a scanner gives), OCR'd and extracted.

    .venv/bin/python bench/ocr_accuracy.py --n 20 --seed 1019 --out runs/ocr

Per report: the html layout of a generated report is printed to PDF (as ``training.rendered`` does),
each page is rasterised at ``--dpi`` and the pictures alone make the "scanned" PDF; the text reader
must refuse it (no text layer). Then ``bench/ocr_reader.py`` reads it (tesseract, chi_sim) and the
pipeline extracts the OCR text. Fields are scored by value against the generator's gold
(``training.evaluate.score``): offsets of OCR text differ from the generator's. What OCR read of
each scan (characters and rules) is kept in ``--out`` (``*.ocr.json``), so a rerun rescoring the same scans skips the OCR.
Needs tesseract-ocr and tesseract-ocr-chi-sim (Debian) and Chromium.
"""
from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from gktagger.extract import Extractor
from gktagger.io.document import Document
from gktagger.io.pdftext import SCANNED, PdfError, read_pdf
from gktagger.training.evaluate import markdown
from gktagger.training.rendered import extract_and_score, render
from gktagger.training.synth.render import rendered_gold
from ocr_reader import ocr_pages, scan_pdf, scan_text  # bench/ocr_reader.py: python puts bench/ on the path


def _cpu() -> float:
    """CPU seconds of this process and its finished children (tesseract)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=20)
    p.add_argument("--seed", type=int, default=1019, help="generator seed (training uses 7 and 3)")
    p.add_argument("--dpi", type=int, default=300, help="resolution of the scans")
    p.add_argument("--out", default="runs/ocr")
    p.add_argument("--model", help="model directory (default: the shipped model)")
    a = p.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    golds, docs, pages_done, ocr_seconds, ocr_cpu = [], [], 0, 0.0, 0.0
    for i in range(a.n):
        path, text, gold_doc = render(a.seed, i, "pdf", out)
        scanned = out / f"{path.stem}.scan.pdf"
        if not scanned.exists():
            scanned.write_bytes(scan_pdf(path.read_bytes(), a.dpi))
        try:
            read_pdf(scanned.read_bytes())
            raise SystemExit(f"{scanned}: the text reader found a text layer in a scan")
        except PdfError as error:
            assert str(error) == SCANNED, error
        cache = out / f"{path.stem}.ocr.json"
        if cache.exists():
            pages = json.loads(cache.read_text(encoding="utf-8"))
        else:
            started, cpu = time.perf_counter(), _cpu()
            pages = ocr_pages(scanned.read_bytes(), page_seconds=600, total_seconds=3600)
            ocr_seconds += time.perf_counter() - started
            ocr_cpu += _cpu() - cpu
            pages_done += len(pages)
            cache.write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
        read = scan_text(scanned.read_bytes(), pages).text
        (out / f"{path.stem}.ocr.txt").write_text(read, encoding="utf-8")
        gold = rendered_gold(gold_doc, text, read, str(scanned))
        # fields are scored by value, so every gold field counts, found in the OCR text or not
        gold.spans = [s for s in gold.spans if s.is_section] + [s for s in gold_doc.spans if not s.is_section]
        golds.append(gold)
        docs.append(Document(id=str(scanned), text=read, kind="pdf"))
    scores = extract_and_score(Extractor(model=a.model), docs, golds, out)
    print(markdown(scores, f"OCR of scanned rendered reports, seed {a.seed}, n={a.n}, {a.dpi} dpi"))
    if pages_done:
        print(f"OCR: {ocr_seconds:.1f} s for {pages_done} pages = {ocr_seconds / pages_done:.2f} s/page wall-clock, "
              f"{ocr_cpu / pages_done:.2f} CPU s/page (render, rules, tesseract with one thread)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
