"""Generated reports as they are published: the html layout printed to PDF by headless Chromium,
and written to .docx with python-docx (merged cells as merged cells).

The gold spans of a rendered report are the generator's spans moved into the text gktagger reads
from the PDF or .docx (:func:`project_spans`: the two texts hold the same visible characters in
the same order; only whitespace and dropped page chrome differ).

>>> source, text, doc = html_report(1017, 0)
>>> source.startswith("<!DOCTYPE html>") and doc.format in ("2019", "2021")
True
"""
from __future__ import annotations

import io
import os
import random
import subprocess
import tempfile
from difflib import SequenceMatcher
from pathlib import Path

from gktagger.training.annotations import AnnotatedDoc, Span, sha256_text

from gktagger.training.synth.compose import compose
from gktagger.training.synth.options import SynthOptions

CHROMIUM = os.environ.get("GKTAGGER_CHROMIUM", "/usr/bin/chromium")
# Headless, no sandbox (containers), and nothing that talks to the network on its own.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-default-apps",
                  "--disable-extensions", "--no-first-run", "--disable-features=Translate,MediaRouter",
                  "--no-pdf-header-footer", "--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND")
RENDER_TIMEOUT = 120  # seconds per PDF (a shared 2-core machine can be slow)

# Running header and page-number footer as published reports print them (Chromium draws @page margin
# boxes), so the reader's chrome removal is exercised on every page.
PRINT_CSS = """@page { size: A4; margin: 20mm 18mm;
  @top-center { content: "%(header)s"; font-size: 9pt; }
  @bottom-center { content: %(footer)s; font-size: 9pt; } }
body { font-family: "WenQuanYi Micro Hei", sans-serif; font-size: %(size)s; line-height: 1.5; }
table { border-collapse: collapse; margin: 6pt 0; } td { padding: 2pt 4pt; }
"""
FOOTERS = ('"- " counter(page) " -"', '"第 " counter(page) " 页"', '"— " counter(page) " —"', "counter(page)")


def html_report(seed: int, i: int, formats=("2021", "2019"), options: SynthOptions | None = None,
                ) -> tuple[str, str, AnnotatedDoc]:
    """Report ``i`` of ``seed`` in the html layout: ``(html_source, text_as_read, gold)``."""
    opts = options or SynthOptions()
    rng = random.Random(f"{seed}/{i}")
    fmt = rng.choice(list(formats))
    name = f"synthetic/{seed}/{i:05d}"
    sources: dict = {}
    text, doc = compose(rng, opts, fmt, "html", name, sources=sources)
    return sources[name], text, doc


def print_css(rng: random.Random, header: str = "政府信息公开工作年度报告", size: str = "12pt") -> str:
    return PRINT_CSS % {"header": header.replace('"', ""), "footer": rng.choice(FOOTERS).replace("%", ""),
                        "size": size}


def with_css(source: str, css: str) -> str:
    """``source`` with a style sheet added to its head (the text it reads as is unchanged)."""
    style = f"<style>{css}</style>"
    if "</head>" in source:
        return source.replace("</head>", style + "</head>", 1)
    return style + source


def render_pdf(html: str, out: str | Path, timeout: float = RENDER_TIMEOUT) -> Path:
    """Print ``html`` to the PDF ``out`` with headless Chromium. Raises ``RuntimeError`` on failure."""
    out = Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix="gk-render-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        command = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}",
                   page.as_uri()]
        done = subprocess.run(command, capture_output=True, timeout=timeout)
    if not out.exists() or out.stat().st_size == 0:
        raise RuntimeError(f"chromium did not print {out}: {done.stderr.decode(errors='replace')[-300:]}")
    return out


def render_png(html: str, out: str | Path, size: tuple[int, int] = (900, 1200),
               timeout: float = RENDER_TIMEOUT) -> Path:
    """A screenshot of ``html`` (a picture of a page, for scanned-PDF tests)."""
    out = Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix="gk-render-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        command = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", f"--screenshot={out}",
                   f"--window-size={size[0]},{size[1]}", "--hide-scrollbars", page.as_uri()]
        subprocess.run(command, capture_output=True, timeout=timeout)
    if not out.exists() or out.stat().st_size == 0:
        raise RuntimeError(f"chromium did not write {out}")
    return out


def html_to_docx(html: str) -> bytes:
    """A .docx of an HTML page: block elements as paragraphs, tables as Word tables with their
    colspan/rowspan merged, in document order."""
    import docx
    import lxml.html

    root = lxml.html.document_fromstring(html)
    document = docx.Document()
    blocks = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "li"}

    def walk(node) -> None:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "table":
                _docx_table(document, child)
            elif child.tag in blocks and child.find(".//table") is None:
                text = " ".join(child.text_content().split())
                if text:
                    document.add_paragraph(text)
            else:
                walk(child)

    walk(root.body)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, table) -> None:
    rows = table.xpath("./tr|./tbody/tr|./thead/tr")
    placed: list[tuple[int, int, int, int, str]] = []  # row, column, rowspan, colspan, text
    taken: set[tuple[int, int]] = set()
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row.xpath("./td|./th"):
            while (r, c) in taken:
                c += 1
            rs, cs = int(cell.get("rowspan", 1) or 1), int(cell.get("colspan", 1) or 1)
            text = "".join(cell.text_content().split())
            placed.append((r, c, rs, cs, text))
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            c += cs
            width = max(width, c)
    height = max([r + rs for r, _, rs, _, _ in placed], default=0)
    if not height:
        return
    grid = document.add_table(rows=height, cols=width)
    grid.style = "Table Grid"
    for r, c, rs, cs, text in placed:
        cell = grid.cell(r, c)
        if rs > 1 or cs > 1:
            cell = cell.merge(grid.cell(min(height, r + rs) - 1, min(width, c + cs) - 1))
        cell.text = text


def project_spans(source_text: str, spans: list[Span], target: str) -> list[Span]:
    """``spans`` of ``source_text`` moved into ``target``, a text with the same visible characters in
    the same order (whitespace and a few dropped or added chars aside; difflib aligns the rest).
    A span whose characters are not all in ``target`` is dropped."""

    src_pos = [i for i, ch in enumerate(source_text) if not ch.isspace()]
    dst_pos = [i for i, ch in enumerate(target) if not ch.isspace()]
    src = "".join(source_text[i] for i in src_pos)
    dst = "".join(target[i] for i in dst_pos)
    mapping: dict[int, int] = {}
    for block in SequenceMatcher(None, src, dst, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            mapping[src_pos[block.a + k]] = dst_pos[block.b + k]
    out = []
    for s in spans:
        inside = [i for i in range(s.start, s.end) if not source_text[i].isspace()]
        if not inside or any(i not in mapping for i in inside):
            continue
        start, end = mapping[inside[0]], mapping[inside[-1]] + 1
        if "".join(target[start:end].split()) == "".join(s.text.split()):
            out.append(Span(start, end, target[start:end], s.label, s.prose))
    return out


def rendered_gold(doc: AnnotatedDoc, source_text: str, target: str, name: str) -> AnnotatedDoc:
    """The gold annotation of a rendered report, in the offsets of the text read from it."""
    spans = project_spans(source_text, doc.spans, target)
    return AnnotatedDoc(name, sha256_text(target), spans, doc.format, doc.year, (0, len(target)),
                        notes=doc.notes + " rendered", text=target)
