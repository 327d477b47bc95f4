"""Writers: one per layout, each putting paragraphs, headings and tables into a :class:`Builder`.

>>> import random
>>> from .builder import Builder
>>> from .options import SynthOptions
>>> b = Builder(); w = make_writer("pipes", b, random.Random(0), SynthOptions()); w.lead = False
>>> w.table([[Cell("规章"), Cell("3", "t2.regulations.issued")]]); b.render()[0].strip()
'规章 | 3 |'
"""
from __future__ import annotations

import random
import re

from gktagger.training.synth.builder import Builder
from gktagger.training.synth.minitables import Block
from gktagger.training.synth.options import SynthOptions
from gktagger.training.synth.tables import Cell, Grid

Part = str | tuple  # plain text, or (text, label, prose)


class Writer:
    """Line-oriented text: paragraphs and headings on their own lines."""

    def __init__(self, b: Builder, rng: random.Random, opts: SynthOptions) -> None:
        self.b, self.rng, self.opts = b, rng, opts
        self.para_sep = rng.choice(["\n", "\n", "\n\n"])
        self.indent = rng.choice(["", "", "  ", "　　"])
        self.page = rng.randint(1, 3)
        self.footers = rng.random() < opts.p_page_footers
        self.heading_prefix = ""
        self.pdf = False  # text extracted from a PDF: hard line wraps, spaces around numbers
        self.width = rng.randint(28, 36)

    def use_pdf_style(self) -> None:
        self.pdf = True
        self.para_sep = "\n"

    def parts(self, parts: list[Part]) -> None:
        if self.pdf:
            return self._pdf_parts(parts)
        for p in parts:
            if isinstance(p, str):
                self.b.text(p)
            else:
                self.b.field(p[0], p[1], p[2] if len(p) > 2 else True)

    def _pdf_parts(self, parts: list[Part]) -> None:
        column = 0
        for p in parts:
            if not isinstance(p, str):
                self.b.text(" ")
                self.b.field(p[0], p[1], p[2] if len(p) > 2 else True)
                self.b.text(" ")
                column += len(p[0]) + 2
                continue
            p = _DIGITS.sub(r" \1 ", p)
            while column + len(p) > self.width:
                cut = max(0, self.width - column)
                self.b.text(p[:cut] + "\n")
                p, column = p[cut:], 0
            self.b.text(p)
            column += len(p)

    def para(self, parts: list[Part]) -> None:
        self.b.text(self.indent)
        self.parts(parts)
        self.b.text(self.para_sep)
        if self.footers and self.rng.random() < 0.15:
            self.page_footer()

    def heading(self, ordinal: str, words: str, label: str | None, run_on: list[Part] | None = None) -> None:
        """A section or other top-level heading; ``run_on`` is text that follows on the same line."""
        self.b.text(self.heading_prefix)
        self.b.section(ordinal + words, label)
        if run_on:
            self.parts(run_on)
        self.b.text(self.para_sep)

    def sub_heading(self, text: str) -> None:
        self.b.text(self.indent + text + self.para_sep)

    def page_footer(self) -> None:
        self.b.text(self.rng.choice(["— {} —", "- {} -", "第{}页", "—{}—"]).format(self.page) + "\n")
        self.page += 1

    def cell(self, c: Cell) -> None:
        if c.label:
            self.b.field(c.text, c.label, False)
            self.b.text(c.suffix)
        else:
            self.b.text(c.text)

    def table(self, grid: Grid) -> None:
        sep = self.rng.choice(["\n", "\n", "\n\n"])
        for row in grid:
            for c in row:
                self.cell(c)
                self.b.text(sep)

    def chrome(self, line: str) -> None:
        self.b.text(line + "\n")


_DIGITS = re.compile(r"(?<![\d.,%-])(\d+)(?![\d.,%-])")


class PipeWriter(Writer):
    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.lead = self.rng.random() < 0.5

    def table(self, grid: Grid) -> None:
        for row in grid:
            self.b.text("| " if self.lead else "")
            for i, c in enumerate(row):
                self.cell(c)
                self.b.text(" |" if i == len(row) - 1 else " | ")
            self.b.text("\n")


class MarkdownWriter(Writer):
    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.heading_prefix = self.rng.choice(["", "## ", "# "])
        self.caption = self.rng.random() < 0.4

    def _row(self, row: list[Cell]) -> None:
        self.b.text("|")
        for c in row:
            self.b.text(" ")
            self.cell(c)
            self.b.text(" |")
        self.b.text("\n")

    def table(self, grid: Grid) -> None:
        self.b.text("\n")
        fragment_start = True
        for row in grid:
            self._row(row)
            if fragment_start:
                self.b.text("|" + "---|" * len(row) + "\n")
                fragment_start = False
            if self.footers and self.rng.random() < 0.06:
                self.b.text("\n")
                self.page_footer()
                if self.caption:
                    self.b.text(self.rng.choice(["## 表二：主动公开政府信息情况\n", "## 表三：收到和处理政府信息公开申请情况\n"]))
                fragment_start = True
        self.b.text("\n")


class MiniTableWriter(MarkdownWriter):
    """A PDF converted to markdown: ``##`` sections, tables 2-4 as runs of small tables under ``###`` lines."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.heading_prefix = "## "
        self.para_sep = "\n\n"
        self.indent = ""
        self.sub_prefix = self.rng.choice(["### ", "### ", ""])
        self.wide_rules = self.rng.random() < 0.3  # |----------|------| as wide as the header text

    def sub_heading(self, text: str) -> None:
        self.b.text(self.sub_prefix + text + self.para_sep)

    def blocks(self, blocks: list[Block]) -> None:
        for block in blocks:
            if block.note:
                self.b.text(block.note + "\n\n")
            if block.heading is not None:
                self.b.text(f"### {block.heading}\n")
            if block.header:
                self._row([Cell(h) for h in block.header])
                self.b.text("|" + "".join(("-" * (2 * len(h) + 2) if self.wide_rules else "---") + "|"
                                          for h in block.header) + "\n")
            for row in block.rows:
                self._row(row)
            if block.heading is not None or block.header:
                self.b.text("\n")


class TabWriter(Writer):
    def table(self, grid: Grid) -> None:
        for row in grid:
            for i, c in enumerate(row):
                if i:
                    self.b.text("\t")
                self.cell(c)
            self.b.text("\n")


class FlatWriter(Writer):
    """The whole body on one line, table cells run together (crawled page text)."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.para_sep = self.rng.choice(["", "", " "])
        self.indent = ""
        self.stray = self.rng.random() < self.opts.p_stray_spaces

    def page_footer(self) -> None:
        pass

    def heading(self, ordinal, words, label, run_on=None) -> None:
        self.b.text(self.rng.choice(["", "", " "]))
        self.b.section(ordinal + words, label)
        if run_on:
            self.parts(run_on)
        else:
            self.b.text(self.rng.choice(["", "", " "]))

    def sub_heading(self, text: str) -> None:
        self.b.text(text)

    def table(self, grid: Grid) -> None:
        self.b.text(self.rng.choice(["", " "]))
        for row in grid:
            for c in row:
                self.cell(c)
                if self.stray and self.rng.random() < 0.08:
                    self.b.text(" ")
        self.b.text(self.rng.choice(["", " "]))

    def chrome(self, line: str) -> None:
        self.b.text(line + " ")


class HtmlWriter(Writer):
    """An HTML page; labels are in source offsets until projected through the reader's offset map."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.tag = self.rng.choice(["p", "p", "div"])
        self.cell_p = self.rng.random() < 0.25  # <td><p>…</p></td> as word processors export it
        self.heading_tag = self.rng.choice(["p", "h3", "strong"])

    def para(self, parts) -> None:
        self.b.raw(f"<{self.tag}>")
        self.parts(parts)
        self.b.raw(f"</{self.tag}>\n")

    def heading(self, ordinal, words, label, run_on=None) -> None:
        tag = self.heading_tag if not run_on else self.tag
        self.b.raw(f"<{tag}>")
        self.b.section(ordinal + words, label)
        if run_on:
            self.parts(run_on)
        self.b.raw(f"</{tag}>\n")

    def sub_heading(self, text: str) -> None:
        self.b.raw(f"<{self.tag}>")
        self.b.text(text)
        self.b.raw(f"</{self.tag}>\n")

    def page_footer(self) -> None:
        pass

    def cell(self, c: Cell) -> None:
        rng = self.rng
        if c.label:
            wrap = rng.random() < 0.2
            self.b.raw('<span style="font-size:14px">' if wrap else "")
            self.b.field(c.text, c.label, False)
            self.b.raw("</span>" if wrap else "")
            self.b.text(c.suffix)
        elif not c.text:
            self.b.raw(rng.choice(["", "&nbsp;", " "]))
        elif 4 <= len(c.text) <= 6 and rng.random() < 0.3:
            cut = rng.randint(2, len(c.text) - 2)
            self.b.text(c.text[:cut])
            self.b.raw("<br>")
            self.b.text(c.text[cut:])
        else:
            self.b.text(c.text)

    def table(self, grid: Grid) -> None:
        self.b.raw('<table border="1"><tbody>')
        for row in grid:
            self.b.raw("<tr>")
            for c in row:
                attrs = (f' colspan="{c.colspan}"' if c.colspan > 1 else "") + (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "")
                self.b.raw(f"<td{attrs}><p>" if self.cell_p else f"<td{attrs}>")
                self.cell(c)
                self.b.raw("</p></td>" if self.cell_p else "</td>")
            self.b.raw("</tr>")
        self.b.raw("</tbody></table>\n")

    def chrome(self, line: str) -> None:
        self.b.raw("<div>")
        self.b.text(line)
        self.b.raw("</div>\n")


_FIGURE = re.compile(r"[\d,.]+")  # an unlabelled cell that is a figure, not a label (a legacy table's 历年累计)


class PdfRowWriter(Writer):
    """Text a naive PDF extractor gives: each table row on one line, its label then its figures
    separated by single spaces (blank cells vanish), long labels broken over lines with the figures
    on the last, and page footers (``- 5 -``) falling inside tables."""

    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.use_pdf_style()
        self.footers = True

    def table(self, grid: Grid) -> None:
        self.kind = grid_kind(grid)
        breaks = {self.rng.randrange(1, len(grid))} if len(grid) > 2 and self.rng.random() < 0.5 else set()
        for k, row in enumerate(grid):
            if k in breaks:
                self.page_footer()
            self.row(row)

    def row(self, row: list[Cell]) -> None:
        first = next((k for k, c in enumerate(row) if c.label or k and _FIGURE.fullmatch(c.text)), len(row))
        self.b.text(self.label(row[:first]))
        for c in row[first:]:  # figures in column order, an unlabelled one too (a legacy table's 历年累计)
            if c.text:
                self.b.text(" ")
                self.cell(c) if c.label else self.b.text(c.text)
        self.b.text("\n")

    def label(self, row: list[Cell], joint: str = "") -> str:
        """The row's label cells; a long one wraps, its figures then follow its last line."""
        label = joint.join(c.text for c in row if not c.label)
        if len(label) > 12 and self.rng.random() < 0.5:
            cut = self.rng.randint(6, len(label) - 4)
            label = label[:cut] + "\n" + label[cut:]
        return label


def grid_kind(grid: Grid) -> str:
    """``t2``, ``t3``, ``t4`` or ``legacy`` (the 本年度/历年累计 statistics table), by the grid's cells.

    >>> grid_kind([[Cell("指标名称"), Cell("单位")]]), grid_kind([[Cell("规章"), Cell("3", "t2.regulations.issued")]])
    ('legacy', 't2')
    """
    if grid and grid[0] and grid[0][0].text == "指标名称":
        return "legacy"
    return next((c.label.split(".")[0] for row in grid for c in row if c.label), "")


_PDF_STYLE = 0.3


_WRITERS = {"lines": Writer, "pipes": PipeWriter, "markdown": MarkdownWriter, "tabs": TabWriter,
            "flat": FlatWriter, "html": HtmlWriter, "minitables": MiniTableWriter, "pdfrows": PdfRowWriter}


def make_writer(layout: str, b: Builder, rng: random.Random, opts: SynthOptions) -> Writer:
    w = _WRITERS[layout](b, rng, opts)
    if layout in ("lines", "markdown") and rng.random() < _PDF_STYLE:
        w.use_pdf_style()
    return w
