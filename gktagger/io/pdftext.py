"""PDF → document text, rebuilt from where each character sits on the page (pdfplumber/pdfminer.six).

The text is what every offset of a PDF's record points into (``gktagger text FILE`` prints it):

- lines are rebuilt from character positions (top to bottom, left to right); a gap of more than
  ``TAB_GAP_EM`` character widths becomes a tab (a column gap), a smaller visible gap one space;
- a ruled table (pdfplumber's table finder on the drawn lines) puts each row on one line and its
  cells, tab-separated, in column order, like the HTML reader: a merged cell appears once (in its
  first row), an empty cell stays an empty field, and the lines inside a cell are joined (CJK
  directly, other text with a space), so a label broken over lines or set vertically reads whole;
- running headers and footers (the top or bottom lines of a page that repeat on other pages, digits
  aside) and page numbers (``- 5 -``, ``第 5 页``, ``5/12``) are dropped, so a table crossing a page
  reads as one table;
- a page printed in two columns is read column by column;
- pages are joined by a newline; ``page_starts[k]`` is the offset where page ``k + 1`` starts.

Reading runs in a child process with a wall-clock and an address-space limit
(:class:`~gktagger.io.limits.PdfLimits`, ``limits.pdf`` of the pipeline config),
so an encrypted, damaged, truncated or hostile PDF (thousands of pages, a decompression bomb)
costs one bounded, one-line error and never the batch.

>>> from gktagger.io.pdftext import is_page_number
>>> [is_page_number(s) for s in ("- 5 -", "第 5 页", "第5页 共12页", "5/12", "5件")]
[True, True, True, True, False]
"""
from __future__ import annotations

import bisect
import io
import json
import logging
import os
import re
import resource
import subprocess
import sys
from dataclasses import asdict, dataclass, field

from gktagger.errors import ReadError
from gktagger.io.limits import PdfLimits


DEFAULT_LIMITS = PdfLimits()
SCANNED = "no text layer (scanned PDF); OCR is not supported"  # measured below par: bench/PDF_READING.md
TAB_GAP_EM = 1.2  # a gap this many char widths wide separates columns
SPACE_GAP_EM = 0.25
BAND = 0.1  # top and bottom share of the page where running headers and footers sit
CHROME_LINES = 2  # per page and band: how many outermost lines may be chrome


class PdfError(ReadError):
    """A PDF that cannot be read; the message is one line for the user."""


@dataclass
class PdfText:
    text: str
    page_starts: list[int] = field(default_factory=list)

    def page_of(self, offset: int) -> int:
        """1-based page of ``offset``."""
        return bisect.bisect_right(self.page_starts, offset)


_PAGE_NUMBER = re.compile(r"[-—–－~\s]*[\d一二三四五六七八九十百〇]+[-—–－~\s]*"
                          r"|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+"
                          r"|(?:page|p\.)\s*\d+(?:\s*of\s*\d+)?", re.I)


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.fullmatch(line.strip()))


def pages_of(doc, offset: int) -> int | None:
    """1-based page of ``offset`` in a PDF document's text (None for other documents).

    >>> from gktagger.io.document import Document
    >>> doc = Document("a.pdf", "p1\\np2", kind="pdf", meta={"page_starts": [0, 3]})
    >>> pages_of(doc, 1), pages_of(doc, 3), pages_of(Document("a.txt", "x"), 0)
    (1, 2, None)
    """
    starts = (doc.meta or {}).get("page_starts")
    return bisect.bisect_right(starts, offset) if starts else None


def add_pages(record: dict, doc) -> dict:
    """``page`` (1-based) on every field, section and mention of a PDF's record (in place)."""
    if not (doc.meta or {}).get("page_starts"):
        return record
    for entry in [*record.get("sections", []), *record.get("fields", {}).values(), *record.get("mentions", [])]:
        if isinstance(entry.get("start"), int):
            entry["page"] = pages_of(doc, entry["start"])
    return record


# --- lines from characters -------------------------------------------------------------------------

@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    row: bool = False  # a ruled-table row
    cells: list = field(default_factory=list)  # a row's cells: (x0, x1, text)
    open_bottom: bool = False  # a row the page break cut: no rule under it

    def join_below(self, below: "_Line") -> None:
        """Add the rest of a row cut by a page break (``below``, first row of the next page)."""
        merged = []
        for x0, x1, text in self.cells:
            more = [t for a, b, t in below.cells if min(x1, b) - max(x0, a) > 0.5 * min(x1 - x0, b - a) and t]
            merged.append((x0, x1, _joined([text, *more])))
        self.cells, self.text = merged, "\t".join(t for _, _, t in merged)


def _is_cjk(ch: str) -> bool:
    return ch >= "\u2e80"


def _cluster(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into lines by vertical position, each line sorted left to right."""
    lines: list[list] = []  # [top, bottom, chars]
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        mid = (c["top"] + c["bottom"]) / 2
        for line in reversed(lines[-3:]):
            if line[0] <= mid <= line[1]:
                line[2].append(c)
                line[1] = max(line[1], c["bottom"])
                break
        else:
            lines.append([c["top"], c["bottom"], [c]])
    return [sorted(line[2], key=lambda c: c["x0"]) for line in lines]


def _join(chars: list[dict], tabs: bool) -> str:
    out = []
    for a, b in zip([None] + chars[:-1], chars):
        if a is not None:
            gap, em = b["x0"] - a["x1"], max(1.0, min(a["size"], b["size"]))
            if tabs and gap > TAB_GAP_EM * em:
                out.append("\t")
            elif gap > SPACE_GAP_EM * em and not (_is_cjk(a["text"][-1]) and _is_cjk(b["text"][0])):
                out.append(" ")
        out.append(b["text"])
    return "".join(out)


def _line(chars: list[dict]) -> _Line:
    """A line of free text; where it has column gaps, ``cells`` are the runs between them."""
    runs, run = [], [chars[0]]
    for a, b in zip(chars, chars[1:]):
        if b["x0"] - a["x1"] > TAB_GAP_EM * max(1.0, min(a["size"], b["size"])):
            runs.append(run)
            run = []
        run.append(b)
    runs.append(run)
    cells = [(r[0]["x0"], max(c["x1"] for c in r), _join(r, tabs=False)) for r in runs]
    return _Line(min(c["top"] for c in chars), max(c["bottom"] for c in chars), chars[0]["x0"],
                 max(c["x1"] for c in chars), "\t".join(t for _, _, t in cells), cells=cells)


MAX_LABEL_PART = 40  # characters of one line of a broken row label (table-3 labels run long)


def _join_labels(lines: list[_Line]) -> list[_Line]:
    """Rows of a table without rules whose label is broken over lines: the label's lines (short,
    untabbed, tight above or below the row, inside its first column) join the row's first cell."""
    def part(k: int, row: _Line) -> _Line | None:
        if not 0 <= k < len(lines) or k in used:
            return None
        f = lines[k]
        tight = min(abs(row.top - f.bottom), abs(f.top - row.bottom)) < 0.6 * (f.bottom - f.top)
        if f.row or len(f.cells) != 1 or len(f.text) > MAX_LABEL_PART or not tight:
            return None
        return f if f.x1 < row.cells[1][0] else None

    used: set[int] = set()
    out = []
    for k, row in enumerate(lines):
        if k in used:
            continue
        if row.row or len(row.cells) < 2:
            out.append(row)
            continue
        above, below = part(k - 1, row), part(k + 1, row)
        em = max(1.0, (row.bottom - row.top) * 0.8)
        first_x0, first_x1, first = row.cells[0]
        if above is not None and above.x1 < first_x0 - em or below is not None and below.x1 < first_x0 - em:
            label = [f for f in (above, below) if f is not None and f.x1 < first_x0 - em]
            cells = [(label[0].x0, max(f.x1 for f in label), _joined([f.text for f in label])), *row.cells]
        else:
            label = [f for f in (above, below) if f is not None and abs(f.x0 - first_x0) < em]
            if not label:
                out.append(row)
                continue
            parts = [f.text for f in label if f is above] + [first] + [f.text for f in label if f is below]
            cells = [(first_x0, first_x1, _joined(parts)), *row.cells[1:]]
        if above in label and out and out[-1] is above:
            out.pop()
        used.update(k + d for d, f in ((-1, above), (1, below)) if f is not None and f in label)
        out.append(_Line(min(row.top, *(f.top for f in label)), max(row.bottom, *(f.bottom for f in label)),
                         min(c[0] for c in cells), row.x1, "\t".join(c[2] for c in cells), cells=cells))
    return out


def _cell_text(chars: list[dict]) -> str:
    return _joined([_join(line, tabs=False) for line in _cluster(chars)])


def _joined(parts: list[str]) -> str:
    """Lines of one cell as one text: CJK joined directly, other text with a space."""
    text = ""
    for part in filter(None, parts):
        if text and not (_is_cjk(text[-1]) and _is_cjk(part[0])) and not text.endswith(("-", "/")):
            text += " "
        text += part
    return text


# --- tables -----------------------------------------------------------------------------------------

def _inside(c: dict, box) -> bool:
    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _closing_lines(page, edges: list[dict]) -> list[dict]:
    """Horizontal lines where a table's vertical rules stop without one: a table broken by a page
    break has no rule at the break, and its cells there would not close."""
    verticals = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 2]
    out = []
    for y, key in ((max((e["bottom"] for e in verticals), default=None), "bottom"),
                   (min((e["top"] for e in verticals), default=None), "top")):
        ends = [e for e in verticals if y is not None and abs(e[key] - y) < 1]
        if len(ends) >= 2:
            x0, x1 = min(e["x0"] for e in ends), max(e["x1"] for e in ends)
            out.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0,
                        "height": 0, "doctop": page.initial_doctop + y})
    return out


def tables(page, edges: list[dict] | None = None) -> list:
    """The page's ruled tables (pdfplumber), from its drawn lines or from ``edges`` (a scan's rules
    found in its picture), with closing rules where a page break cut a table."""
    settings = {"explicit_horizontal_lines": _closing_lines(page, page.edges if edges is None else edges)}
    if edges is not None:
        verticals = [e for e in edges if e["orientation"] == "v"]
        settings = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                    "explicit_vertical_lines": verticals,
                    "explicit_horizontal_lines": [e for e in edges if e["orientation"] == "h"]
                    + settings["explicit_horizontal_lines"]}
        if len(verticals) < 2 or len(settings["explicit_horizontal_lines"]) < 2:
            return []
    return [t for t in page.find_tables(settings)
            if len(t.rows) >= 2 or max((len(r.cells) for r in t.rows), default=0) >= 2]  # not a box around text


def _table_rows(page, chars: list[dict], edges: list[dict] | None = None) -> tuple[list[_Line], set[int]]:
    """Rows of the page's ruled tables (one line each, cells tab-separated) and the ids of the
    characters they hold. ``edges``: the rules, when they are not the page's drawn lines."""
    rows, claimed = [], set()
    rules = [e for e in (page.edges if edges is None else edges) if e["orientation"] == "h"]
    for table in tables(page, edges):
        in_table = [c for c in chars if _inside(c, table.bbox)]
        for row in table.rows:
            cells = [box for box in row.cells if box is not None]
            if not cells:
                continue
            texts = []
            for box in cells:
                held = [c for c in in_table if id(c) not in claimed and _inside(c, box)]
                claimed.update(id(c) for c in held)
                texts.append(_cell_text(held))
            if any(texts):
                top, bottom = min(b[1] for b in cells), max(b[3] for b in cells)
                open_bottom = sum(not _ruled_below(rules, b) for b in cells) > len(cells) / 2
                rows.append(_Line(top, bottom, min(b[0] for b in cells), max(b[2] for b in cells),
                                  "\t".join(texts), row=True, open_bottom=open_bottom,
                                  cells=[(b[0], b[2], t) for b, t in zip(cells, texts)]))
    return rows, claimed


def _ruled_below(rules: list[dict], box) -> bool:
    mid = (box[0] + box[2]) / 2
    return any(abs(e["top"] - box[3]) < 1.5 and e["x0"] <= mid <= e["x1"] for e in rules)


# --- reading order ----------------------------------------------------------------------------------

MIN_COLUMN_CHARS = 8  # a column of a two-column page holds running text, not a table's cells


def _gutter(lines: list[list[dict]], width: float) -> tuple[float, float] | None:
    """The blank vertical strip between two text columns, if the page has one."""
    if len(lines) < 6:
        return None
    lo, hi = int(width * 0.3), int(width * 0.7)
    cover = [0] * (hi - lo)
    for line in lines:
        for c in line:
            for x in range(max(lo, int(c["x0"])), min(hi, int(c["x1"]) + 1)):
                if x - lo < len(cover):
                    cover[x - lo] += 1
    crossing = max(1, len(lines) // 6)  # full-width lines (titles, a closing paragraph) may cross it
    free = [i for i, n in enumerate(cover) if n <= crossing]
    if not free:
        return None
    runs, start = [], free[0]
    for a, b in zip(free, free[1:] + [None]):
        if b != a + 1:
            runs.append((start, a))
            start = b
    s, e = max(runs, key=lambda r: r[1] - r[0])
    x0, x1 = lo + s, lo + e + 1
    both = [l for l in lines if sum(c["x1"] <= x0 for c in l) >= MIN_COLUMN_CHARS
            and sum(c["x0"] >= x1 for c in l) >= MIN_COLUMN_CHARS]
    em = max(1.0, sum(c["size"] for l in lines for c in l) / max(1, sum(len(l) for l in lines)))
    if x1 - x0 < em or len(both) < len(lines) * 0.3:
        return None
    return x0, x1


def _ordered(lines: list[list[dict]], width: float) -> list[_Line]:
    """Free-text lines in reading order: runs of lines that stay clear of a column gutter are read
    left column first, then right column."""
    gutter = _gutter(lines, width)
    if gutter is None:
        return [_line(l) for l in lines]
    x0, x1 = gutter
    out, left, right = [], [], []
    for chars in lines:
        if any(c["x0"] < x1 and c["x1"] > x0 for c in chars):  # crosses: a full-width line
            out += [_line(l) for l in left + right] + [_line(chars)]
            left, right = [], []
            continue
        l = [c for c in chars if c["x1"] <= x0]
        r = [c for c in chars if c["x0"] >= x1]
        left += [l] if l else []
        right += [r] if r else []
    return out + [_line(l) for l in left + right]


def _page_lines(page, chars: list[dict] | None = None, edges: list[dict] | None = None) -> list[_Line]:
    """The page's lines in reading order; ``chars`` and ``edges`` (rules) default to the page's own."""
    chars = page.chars if chars is None else chars
    chars = [c for c in chars if c["text"].strip() and not c["text"].startswith("(cid:")
             and 0 <= (c["x0"] + c["x1"]) / 2 <= page.width and 0 <= (c["top"] + c["bottom"]) / 2 <= page.height]
    rows, claimed = _table_rows(page, chars, edges) if chars else ([], set())
    free = _cluster([c for c in chars if id(c) not in claimed])
    lines = rows + _ordered(free, page.width)
    if rows:  # tables sit between text runs by position; a two-column run keeps its own order
        lines = sorted(lines, key=lambda l: l.top) if not _gutter(free, page.width) else lines
    return _join_labels(lines)


# --- running headers and footers ----------------------------------------------------------------------

def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _chrome(pages: list[list[_Line]], heights: list[float]) -> set[tuple[int, int]]:
    """(page, line) indexes of running headers, footers and page numbers."""
    candidates = []
    for p, (lines, height) in enumerate(zip(pages, heights)):
        free = [i for i, l in enumerate(lines) if not l.row]
        top = [i for i in free[:CHROME_LINES] if lines[i].bottom <= height * BAND]
        bottom = [i for i in free[-CHROME_LINES:] if lines[i].top >= height * (1 - BAND)]
        candidates += [(p, i, "top") for i in top] + [(p, i, "bottom") for i in bottom]
    seen: dict[tuple[str, str], set[int]] = {}
    for p, i, band in candidates:
        seen.setdefault((band, _shape(pages[p][i].text)), set()).add(p)
    repeat = max(2, (len(pages) + 1) // 2)
    return {(p, i) for p, i, band in candidates
            if is_page_number(pages[p][i].text) or len(seen[(band, _shape(pages[p][i].text))]) >= repeat}


# --- the reader ----------------------------------------------------------------------------------------

def _open_error(error: Exception, limits: PdfLimits) -> PdfError:
    names = {type(e).__name__ for e in _chain(error)}
    if "MemoryError" in names:
        return _memory_error(limits)
    if names & {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"}:
        return PdfError("encrypted PDF: it needs a password to be read")
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    return PdfError(f"damaged PDF: {message[:160]}")


def _memory_error(limits: PdfLimits) -> PdfError:
    return PdfError(f"PDF needs more than {limits.max_memory // 2**20} MiB to read (limit)")


def _chain(error: BaseException):
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def check_bytes(data: bytes, limits: PdfLimits = DEFAULT_LIMITS) -> None:
    """Refuse what needs no parsing to refuse: too large, not a PDF, truncated."""
    if len(data) > limits.max_bytes:
        raise PdfError(f"PDF too large: {len(data) // 2**20} MiB (limit {limits.max_bytes // 2**20} MiB)")
    if b"%PDF-" not in data[:1024]:
        raise PdfError("damaged PDF: no %PDF header")
    if b"%%EOF" not in data[-2048:]:
        raise PdfError("truncated PDF: it does not end with %%EOF")


def extract(data: bytes, limits: PdfLimits = DEFAULT_LIMITS) -> PdfText:
    """Read a PDF in this process (no time or memory bound: see :func:`read_pdf`). Raises ``PdfError``."""
    import pdfplumber
    from pdfminer.pdftypes import resolve1

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    check_bytes(data, limits)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count", 0))
    except Exception as error:  # noqa: BLE001 - pdfminer raises many kinds for damaged files
        raise _open_error(error, limits) from None
    if not isinstance(count, int) or count > limits.max_pages:
        raise PdfError(f"PDF has {count} pages (limit {limits.max_pages})")
    with pdf:
        try:
            pages = pdf.pages
            if len(pages) > limits.max_pages:
                raise PdfError(f"PDF has {len(pages)} pages (limit {limits.max_pages})")
            lines = [_page_lines(page) for page in pages]
            heights = [float(page.height) for page in pages]
        except PdfError:
            raise
        except Exception as error:  # noqa: BLE001
            raise _open_error(error, limits) from None
    if not pages:
        raise PdfError("PDF has no pages")
    result = assemble(lines, heights)
    if len(re.sub(r"\s", "", result.text)) < limits.min_chars_per_page * len(pages):
        raise PdfError(SCANNED)
    return result


def assemble(lines: list[list[_Line]], heights: list[float]) -> PdfText:
    """The text of pages of lines: running headers, footers and page numbers dropped, a table row cut
    by a page break joined with its rest, pages joined by a newline."""
    chrome = _chrome(lines, heights)
    lines = [[l for i, l in enumerate(page) if (p, i) not in chrome] for p, page in enumerate(lines)]
    for above, below in zip(lines, lines[1:]):
        if above and below and above[-1].row and above[-1].open_bottom and below[0].row:
            above[-1].join_below(below.pop(0))
    starts, parts, pos = [], [], 0
    for t in ("\n".join(l.text for l in page) for page in lines):
        starts.append(pos)
        parts.append(t)
        pos += len(t) + 1
    return PdfText("\n".join(parts), starts)


def read_pdf(data: bytes, limits: PdfLimits = DEFAULT_LIMITS) -> PdfText:
    """Read a PDF in a child process bounded by ``limits`` (time, memory). Raises ``PdfError``.

    >>> read_pdf(b"%PDF-1.7 not really")
    Traceback (most recent call last):
    ...
    gktagger.io.pdftext.PdfError: truncated PDF: it does not end with %%EOF
    """
    check_bytes(data, limits)
    command = [sys.executable, "-m", "gktagger.io.pdftext", json.dumps(asdict(limits))]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=limits.max_seconds,
                              env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    except subprocess.TimeoutExpired:
        raise PdfError(f"PDF took longer than {limits.max_seconds:g} s to read (limit)") from None
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except ValueError:
        tail = done.stderr.decode("utf-8", errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise PdfError(f"could not read PDF: reader failed ({tail[0][:160]})") from None
    if "error" in answer:
        raise PdfError(answer["error"])
    return PdfText(answer["text"], answer["page_starts"])


def _worker(limits_json: str) -> None:
    """The child process: PDF bytes on stdin, one JSON object on stdout."""
    limits = PdfLimits(**json.loads(limits_json))
    resource.setrlimit(resource.RLIMIT_AS, (limits.max_memory, limits.max_memory))
    data = sys.stdin.buffer.read()
    try:
        result = extract(data, limits)
        answer = {"text": result.text, "page_starts": result.page_starts}
    except PdfError as error:
        answer = {"error": str(error)}
    except MemoryError:
        answer = {"error": str(_memory_error(limits))}
    except RecursionError:
        answer = {"error": "damaged PDF: objects nested too deeply"}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":
    _worker(sys.argv[1])
