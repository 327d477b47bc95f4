"""OCR of scanned PDFs: each page rendered (pypdfium2, already a pdfplumber dependency) and read by
tesseract with Debian's Chinese data (``apt-get install tesseract-ocr tesseract-ocr-chi-sim``).

Tesseract's word boxes go through the PDF reader's own line builder (:mod:`gktagger.pdftext`): lines
from positions, a column gap becomes a tab, running headers, footers and page numbers are dropped.
The drawn rules of a table are not seen, so a scanned table reads like a table printed without rules.

>>> words_from_tsv("level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n"
...                "5\\t1\\t1\\t1\\t1\\t1\\t10\\t20\\t30\\t40\\t96\\t总体\\n5\\t1\\t1\\t1\\t1\\t2\\t50\\t20\\t8\\t40\\t90\\t|\\n")
[{'text': '总体', 'x0': 10.0, 'x1': 40.0, 'top': 20.0, 'bottom': 60.0, 'size': 40.0}]
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time

from .errors import ReadError

INSTALL = "OCR needs tesseract-ocr and tesseract-ocr-chi-sim: apt-get install tesseract-ocr tesseract-ocr-chi-sim"
LANGUAGE = "chi_sim"
DPI = 300
_RULE_GLYPHS = re.compile(r"[|｜\[\]_]+")  # what tesseract makes of a table's drawn rules


class OcrError(ReadError):
    """OCR could not run or took too long; the message is one line."""


def check_tesseract() -> str:
    """The tesseract command, or ``OcrError`` saying which Debian packages to install."""
    command = shutil.which("tesseract")
    if command is None:
        raise OcrError(INSTALL)
    try:
        langs = subprocess.run([command, "--list-langs"], capture_output=True, timeout=30).stdout.decode()
    except (OSError, subprocess.TimeoutExpired):
        raise OcrError(INSTALL) from None
    if LANGUAGE not in langs.split():
        raise OcrError(INSTALL)
    return command


def words_from_tsv(tsv: str) -> list[dict]:
    """Tesseract's words (TSV level 5) as the char-like boxes :mod:`gktagger.pdftext` builds lines from;
    table rules read as ``|`` and the like are dropped. Every word gets the page's median word height
    as its size (a comma's own box is tiny), so a column gap is measured in the text's em."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text or _RULE_GLYPHS.fullmatch(text):
            continue
        left, top, width, height = (float(v) for v in cols[6:10])
        words.append({"text": text, "x0": left, "x1": left + width, "top": top, "bottom": top + height,
                      "size": height})
    heights = sorted(w["size"] for w in words)
    for w in words:
        w["size"] = heights[len(heights) // 2]
    return words


RULE_PIXELS = 80  # at 300 dpi ~7 mm: longer straight dark runs are drawn rules, not strokes of a character


def without_rules(image, length: int = RULE_PIXELS):
    """``image`` (grayscale PIL) with its long horizontal and vertical dark runs, a table's drawn rules,
    painted white: tesseract misreads the digits of a ruled cell, and drops some, next to a rule."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image.convert("L")).copy()
    dark = pixels < 160
    rules = _runs(dark, length) | _runs(dark.T, length).T
    pixels[rules] = 255
    return Image.fromarray(pixels)


def _runs(dark, length: int):
    """Pixels inside a horizontal run of at least ``length`` dark pixels."""
    import numpy as np

    height, width = dark.shape
    sums = np.pad(np.cumsum(dark, axis=1, dtype=np.int32), ((0, 0), (1, 0)))
    starts = np.zeros((height, width), dtype=np.int32)
    starts[:, :width - length + 1] = (sums[:, length:] - sums[:, :-length]) == length  # dark from column j on
    ends = np.pad(np.cumsum(starts, axis=1, dtype=np.int32), ((0, 0), (length, 0)))
    return (ends[:, length:] - ends[:, :width]) > 0  # a run starts at most length - 1 columns to the left


def page_tsv(image, command: str, seconds: float) -> str:
    """Tesseract's TSV for one page image (PIL), within ``seconds``."""
    with tempfile.TemporaryDirectory(prefix="gk-ocr-") as tmp:
        path = os.path.join(tmp, "page.png")
        without_rules(image).save(path)
        try:
            done = subprocess.run([command, path, "stdout", "-l", LANGUAGE, "--psm", "6", "tsv"],
                                  capture_output=True, timeout=seconds,
                                  env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        except subprocess.TimeoutExpired:
            raise OcrError(f"OCR of a page took longer than {seconds:g} s (limit)") from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise OcrError(f"OCR failed: {tail[0][:160]}")
    return done.stdout.decode("utf-8", errors="replace")


def page_images(data: bytes, dpi: int = DPI):
    """Each page of a PDF rendered in grayscale at ``dpi`` (PIL images, one at a time)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            yield page.render(scale=dpi / 72, grayscale=True).to_pil()
            page.close()
    finally:
        pdf.close()


def ocr_pages(data: bytes, page_seconds: float, total_seconds: float) -> list[tuple[str, float, float]]:
    """Per page: tesseract's TSV, the width and height in pixels. Raises ``OcrError``."""
    command = check_tesseract()
    deadline = time.monotonic() + total_seconds
    pages = []
    for image in page_images(data):
        left = deadline - time.monotonic()
        if left <= 0:
            raise OcrError(f"OCR took longer than {total_seconds:g} s (limit)")
        pages.append((page_tsv(image, command, min(page_seconds, left)), float(image.width), float(image.height)))
    return pages
