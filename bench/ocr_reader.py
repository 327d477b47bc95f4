"""The OCR reader measured by ``bench/ocr_accuracy.py`` (not offered by gktagger: below the 0.95 field
F1 it had to reach, see ``bench/PDF_READING.md``). Each page of a scanned PDF is rendered
(pypdfium2, already a pdfplumber dependency) and read by tesseract with Debian's Chinese data
(``apt-get install tesseract-ocr tesseract-ocr-chi-sim``).

The drawn rules of the page are found in its picture (long straight dark runs) and painted out;
pdfplumber's table finder builds the ruled tables from them, and each cell is read on its own.
Tesseract's word boxes then go through gktagger's PDF line builder (:mod:`gktagger.io.pdftext`):
a table row is one line of tab-separated cells, other lines are rebuilt from positions, running
headers, footers and page numbers are dropped.

>>> words_from_tsv("level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n"
...                "5\\t1\\t1\\t1\\t1\\t1\\t10\\t20\\t30\\t40\\t96\\t总体\\n5\\t1\\t1\\t1\\t1\\t2\\t50\\t20\\t8\\t40\\t90\\t|\\n")
[{'text': '总体', 'x0': 10.0, 'x1': 40.0, 'top': 20.0, 'bottom': 60.0, 'size': 40.0}]
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import time

import numpy as np
import pdfplumber
import pypdfium2
from PIL import Image, ImageDraw, ImageOps

from gktagger.errors import ReadError
from gktagger.io.pdftext import PdfText, _page_lines, assemble, tables
from gktagger.lexicon import NA_MARKS

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
    """Tesseract's words (TSV level 5) as the char-like boxes :mod:`gktagger.io.pdftext` builds lines from;
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


def rule_masks(image, length: int = RULE_PIXELS):
    """Which pixels of ``image`` (grayscale PIL) are drawn rules: horizontal and vertical dark runs of
    at least ``length`` pixels (no stroke of a character is that long)."""
    dark = np.asarray(image.convert("L")) < DARK
    return _runs(dark, length), _runs(dark.T, length).T


def without_rules(image, masks=None):
    """``image`` with its drawn rules painted white: tesseract misreads the digits of a ruled cell, and
    drops some, next to a rule."""
    horizontal, vertical = rule_masks(image) if masks is None else masks
    pixels = np.asarray(image.convert("L")).copy()
    pixels[horizontal | vertical] = 255
    return Image.fromarray(pixels)


def rule_edges(masks, scale: float, top: float = 0.0) -> list[dict]:
    """The rules as pdfplumber line edges (centre lines, in points: pixels times ``scale``)."""
    edges = []
    for mask, orientation in zip(masks, ("h", "v")):
        for a0, a1, b0, b1 in _segments(mask if orientation == "h" else mask.T):
            x0, x1, y0, y1 = (a0, a1, b0, b1) if orientation == "h" else (b0, b1, a0, a1)
            x0, x1, y0, y1 = x0 * scale, x1 * scale, y0 * scale, y1 * scale
            if orientation == "h":
                y0 = y1 = (y0 + y1) / 2
            else:
                x0 = x1 = (x0 + x1) / 2
            edges.append({"object_type": "line", "orientation": orientation, "x0": x0, "x1": x1, "top": y0,
                          "bottom": y1, "width": x1 - x0, "height": y1 - y0, "doctop": top + y0})
    return edges


def _segments(mask) -> list[list[int]]:
    """Horizontal rules of ``mask``: ``[x0, x1, y0, y1]`` (ends exclusive) of runs in consecutive rows
    that overlap (a rule a few pixels thick).

    >>> m = np.zeros((6, 10), dtype=bool); m[1:3, 2:9] = True; m[5, 0:4] = True
    >>> _segments(m)
    [[2, 9, 1, 3], [0, 4, 5, 6]]
    """
    found, active = [], []
    for y in np.flatnonzero(mask.any(axis=1)):
        changes = np.flatnonzero(np.diff(np.concatenate(([0], mask[y].astype(np.int8), [0]))))
        found += [seg for seg in active if seg[3] < y]
        active = [seg for seg in active if seg[3] == y]
        grown = []
        for x0, x1 in zip(changes[::2].tolist(), changes[1::2].tolist()):
            touching = [s for s in active if x0 < s[1] and x1 > s[0]]  # a run may join two pieces of a rule
            active = [s for s in active if s not in touching]
            grown.append([min([x0] + [s[0] for s in touching]), max([x1] + [s[1] for s in touching]),
                          min([int(y)] + [s[2] for s in touching]), int(y) + 1])
        active += grown
    return found + active


def chars_of(words: list[dict], scale: float) -> list[dict]:
    """OCR'd words as one char-like box per character (a word's width shared evenly), in points."""
    chars = []
    for w in words:
        step = (w["x1"] - w["x0"]) / len(w["text"])
        for k, ch in enumerate(w["text"]):
            chars.append({"text": ch, "x0": (w["x0"] + k * step) * scale, "x1": (w["x0"] + (k + 1) * step) * scale,
                          "top": w["top"] * scale, "bottom": w["bottom"] * scale, "size": w["size"] * scale})
    return chars


def _runs(dark, length: int):
    """Pixels inside a horizontal run of at least ``length`` dark pixels."""
    height, width = dark.shape
    sums = np.pad(np.cumsum(dark, axis=1, dtype=np.int32), ((0, 0), (1, 0)))
    starts = np.zeros((height, width), dtype=np.int32)
    starts[:, :width - length + 1] = (sums[:, length:] - sums[:, :-length]) == length  # dark from column j on
    ends = np.pad(np.cumsum(starts, axis=1, dtype=np.int32), ((0, 0), (length, 0)))
    return (ends[:, length:] - ends[:, :width]) > 0  # a run starts at most length - 1 columns to the left


def tesseract_tsv(images: list, command: str, seconds: float, language: str = LANGUAGE) -> list[str]:
    """Tesseract's TSV of each picture (PIL), all read in one run within ``seconds``."""
    if not images:
        return []
    with tempfile.TemporaryDirectory(prefix="gk-ocr-") as tmp:
        paths = []
        for k, image in enumerate(images):
            paths.append(os.path.join(tmp, f"{k}.png"))
            image.save(paths[-1])
        listing = os.path.join(tmp, "pages.txt")
        with open(listing, "w", encoding="utf-8") as f:
            f.write("\n".join(paths) + "\n")
        try:
            done = subprocess.run([command, listing, "stdout", "-l", language, "--psm", "6", "tsv"],
                                  capture_output=True, timeout=seconds,
                                  env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        except subprocess.TimeoutExpired:
            raise OcrError(f"OCR of a page took longer than {seconds:g} s (limit)") from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise OcrError(f"OCR failed: {tail[0][:160]}")
    out = [[] for _ in images]
    for row in done.stdout.decode("utf-8", errors="replace").splitlines():
        cols = row.split("\t")
        if cols[0].isdigit() and len(cols) >= 12 and cols[1].isdigit() and 0 < int(cols[1]) <= len(images):
            out[int(cols[1]) - 1].append(row)
    return ["level\n" + "\n".join(rows) for rows in out]


def page_images(data: bytes, dpi: int = DPI):
    """Each page of a PDF rendered in grayscale at ``dpi`` (PIL images, one at a time)."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            yield page.render(scale=dpi / 72, grayscale=True).to_pil()
            page.close()
    finally:
        pdf.close()


SHORT_CELL = 6  # characters: a cell read this short may be a number chi_sim misread
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
CELL_MARGIN = 12  # pixels of white around a cell's picture: tesseract reads a lone "0" better with room
CELL_INSET = 6  # pixels of a cell's edge left out: what is left of its rules (anti-aliasing, JPEG noise)
DARK = 160  # gray level below which a pixel is ink
MIN_INK = 30  # ink pixels of a cell that holds anything (a "." at 10.5 pt has ~40)


def _misread(words: list[dict]) -> bool:
    """A short cell chi_sim read as hanzi that are no NA mark (``国国`` for ``00``), or as nothing though
    it holds ink: English data reads it again. A cell read as digits, or as an NA mark (``无``, ``—``),
    stays as read (English data reads 无 as 7).

    >>> _misread([{"text": "国国"}]), _misread([]), _misread([{"text": "无"}]), _misread([{"text": "12"}])
    (True, True, False, False)
    """
    text = "".join(w["text"] for w in words)
    return len(text) <= SHORT_CELL and text not in NA_MARKS and (not text or any(ch >= "\u2e80" for ch in text))


def ocr_page(image, page, command: str, seconds: float, find_tables) -> tuple[list[dict], list[dict]]:
    """One page picture (and its pdfplumber page): its characters and its rules, in points.

    The rules are found in the picture and painted out; each cell of a ruled table is read on its own
    (tesseract would run a cell's lines into its neighbours' when their baselines differ), the rest of
    the page as one block; one tesseract run for chi_sim, one with English data for short cells.
    ``find_tables(page, edges)``: the ruled tables of ``page`` with those rules
    (:func:`gktagger.io.pdftext.tables`)."""
    scale = 72 / DPI
    masks = rule_masks(image)
    edges = rule_edges(masks, scale)
    clean = without_rules(image, masks)
    rest = clean.copy()
    boxes = []
    for table in find_tables(page, edges):
        x0, y0, x1, y1 = (round(v / scale) for v in table.bbox)
        ImageDraw.Draw(rest).rectangle((x0, y0, x1, y1), fill=255)
        for cell in table.cells:
            x0, y0, x1, y1 = (round(v / scale) for v in cell)
            inset = CELL_INSET
            crop = clean.crop((x0 + inset, y0 + inset, max(x0 + inset + 1, x1 - inset),
                               max(y0 + inset + 1, y1 - inset))).point(lambda v: 255 if v >= DARK else v)
            if sum(crop.histogram()[:DARK]) >= MIN_INK:  # blank cells (rule residue aside) are not read at all
                boxes.append(((x0 + inset - CELL_MARGIN, y0 + inset - CELL_MARGIN),
                              ImageOps.expand(crop, CELL_MARGIN, fill=255)))
    started = time.monotonic()
    tsvs = tesseract_tsv([rest] + [crop for _, crop in boxes], command, seconds)
    words, cells = words_from_tsv(tsvs[0]), [words_from_tsv(tsv) for tsv in tsvs[1:]]
    # chi_sim reads a lone number in a cell as hanzi now and then (0 as 国); English data reads digits
    short = [k for k, found in enumerate(cells) if _misread(found)]
    digits = tesseract_tsv([boxes[k][1] for k in short], command, seconds - (time.monotonic() - started), "eng")
    for k, tsv in zip(short, digits):
        english = words_from_tsv(tsv)
        if english and all(NUMBER.fullmatch(w["text"]) for w in english):
            cells[k] = english
    for ((dx, dy), _), found in zip(boxes, cells):
        for w in found:
            words.append({**w, "x0": w["x0"] + dx, "x1": w["x1"] + dx, "top": w["top"] + dy,
                          "bottom": w["bottom"] + dy})
    return chars_of(words, scale), edges


def ocr_pages(data: bytes, page_seconds: float, total_seconds: float,
              find_tables=tables) -> list[tuple[list[dict], list[dict]]]:
    """Per page of a scanned PDF: its characters and rules in points (:func:`ocr_page`). Raises ``OcrError``."""
    command = check_tesseract()
    deadline = time.monotonic() + total_seconds
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for image, page in zip(page_images(data), pdf.pages):
            left = deadline - time.monotonic()
            if left <= 0:
                raise OcrError(f"OCR took longer than {total_seconds:g} s (limit)")
            pages.append(ocr_page(image, page, command, min(page_seconds, left), find_tables))
    return pages


def scan_text(data: bytes, pages: list[tuple[list[dict], list[dict]]]) -> PdfText:
    """The text of a scanned PDF from each page's OCR'd words (char-like boxes) and rules (edges), in
    PDF points: read like a PDF with a text layer (ruled tables from the rules found in the picture)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        lines = [_page_lines(page, chars, edges) for page, (chars, edges) in zip(pdf.pages, pages)]
        heights = [float(page.height) for page in pdf.pages]
    return assemble(lines, heights)


def scan_pdf(pdf: bytes, dpi: int = DPI) -> bytes:
    """An image-only PDF of ``pdf`` (what a scanner gives): every page a grayscale picture at ``dpi``."""
    images = list(page_images(pdf, dpi))
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buffer.getvalue()
