"""Reduce an HTML page to plain text, keeping for every output char its index in the HTML.

The reduced text is what gktagger tags and what annotation offsets point into, so
its layout is a contract:

- script, style, head, comments and declarations are dropped;
- block elements (p, div, h1-h6, li, br, table, …) start a new line; the only empty
  lines come from ``<br><br>`` (at most one in a row); no leading/trailing blank lines;
- a data table puts every ``<tr>`` on one line and separates its cells (td/th) with
  one ``\\t``; each cell appears once, in source order (rowspan/colspan add nothing);
  empty cells stay as empty fields so columns keep their position; inside a cell a
  ``<br>`` or paragraph break joins CJK text directly ("商业<br>企业" → "商业企业")
  and other text with one space;
- a layout table (one that contains another table, or has at most one cell per
  row, or a cell of more than 1000 chars) is treated like nested divs: its rows
  and cells are blocks;
- inside ``<pre>`` (outside table cells) a line break ends the line (two in a row make one empty
  line, as ``<br><br>``) and a tab separates cells, as in a text file;
- entities are decoded (``&nbsp;`` is whitespace), whitespace runs become one
  space, and lines and cells are stripped.

``offsets[i]`` is the index in ``html`` of ``text[i]``; a decoded entity maps to
its ``&``, and a line break or tab the reducer adds maps to the ``<`` of the tag
that caused it.

>>> text, offsets = html_to_text("<p>A&amp;B</p><table><tr><td>1</td><td>2</td></tr></table>")
>>> text
'A&B\\n1\\t2'
>>> offsets[:4]
[3, 4, 9, 10]
"""
from __future__ import annotations

import re
import time
from html import unescape
from html.parser import HTMLParser

from gktagger.io.limits import DEFAULT_LIMITS, Limits

DROPPED = frozenset({"script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                  "source", "track", "wbr", "basefont", "frame", "keygen"})
BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "ul",
})
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "dfn", "em", "font", "i",
                    "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub",
                    "sup", "time", "tt", "u", "var", "o:p", "nobr"})
CELLS = frozenset({"td", "th"})
STRUCTURE = frozenset({"table", "tr", "td", "th"})
LAYOUT_CELL_CHARS = 1000

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]")


class _Node:
    __slots__ = ("tag", "start", "children", "cells_in_row", "max_cells", "has_table", "cell_chars", "layout",
                 "table", "first_cell", "end")

    def __init__(self, tag: str, start: int):
        self.tag = tag
        self.start = start
        self.children: list = []
        self.cells_in_row = 0  # for tr
        self.max_cells = 0  # for table
        self.has_table = False  # for table: contains a nested table
        self.cell_chars = 0  # for td/th; for table: longest cell
        self.layout = False  # for table
        self.table: _Node | None = None  # for td/th: the enclosing table
        self.first_cell = True  # for td/th: opens its row
        self.end: int | None = None  # index of the "<" of the tag that ends it


class _Text:
    __slots__ = ("chars", "offsets")

    def __init__(self, chars: str, offsets: list[int]):
        self.chars = chars
        self.offsets = offsets


class HtmlLimitError(ValueError):
    """A page over a bound of :class:`Limits` (parse time, table cells); the message is one line."""


class _TreeBuilder(HTMLParser):
    """A forgiving tree builder that records the source index of every text char and tag."""

    def __init__(self, html: str, limits: Limits = DEFAULT_LIMITS):
        super().__init__(convert_charrefs=False)
        self.limits = limits
        self.deadline = time.monotonic() + limits.html_parse_seconds
        self.events = 0
        self.cells = 0
        self.html = html
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.root = _Node("#root", 0)
        self.stack: list[_Node] = [self.root]
        # Where each open tag sits in the stack, and the nearest non-inline element at or below each
        # stack index: every lookup is O(1), so deep tag soup stays linear (240 KB of nested tables,
        # unclosed <font>s before thousands of <hr>s or stray end tags took 6-24 s when scanned).
        self.positions: dict[str, list[int]] = {}
        self.block_at: list[int] = [0]
        self.structure: list[_Node] = []  # open table/tr/td/th

    def pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _tick(self) -> None:
        self.events += 1
        if self.events % 1024 == 0 and time.monotonic() > self.deadline:
            raise HtmlLimitError(f"HTML parsing took longer than {self.limits.html_parse_seconds:g} s")

    def parse_marked_section(self, i, report=1):
        """``<![ x]>`` and other malformed marked sections are bogus comments, as in browsers
        (``html.parser`` raises ``AssertionError`` on them)."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i, report=0)

    # --- structure -------------------------------------------------------------
    def _pop_to(self, index: int) -> None:
        here = self.pos()  # an implicitly closed element ends where the tag that closes it starts
        for node in reversed(self.stack[index:]):
            if node.end is None:
                node.end = here
            self._closed(node)
            self.positions[node.tag].pop()
            if node.tag in STRUCTURE:
                self.structure.pop()
        del self.stack[index:]
        del self.block_at[index:]

    def _closed(self, node: _Node) -> None:
        if node.tag in CELLS:
            table = self._nearest("table")
            if table is not None:
                table.cell_chars = max(table.cell_chars, node.cell_chars)
        elif node.tag == "table":
            node.layout = node.has_table or node.max_cells <= 1 or node.cell_chars > LAYOUT_CELL_CHARS

    def _top(self, tags) -> int:
        """Stack index of the innermost open element among ``tags`` (0, the root, when none is open)."""
        return max((self.positions[t][-1] for t in tags if self.positions.get(t)), default=0)

    def _nearest(self, tag: str) -> _Node | None:
        at = self.positions.get(tag)
        return self.stack[at[-1]] if at else None

    def _close_implied(self, tag: str) -> None:
        """Close what a new ``tag`` implicitly ends (unclosed p, li, td, tr, …)."""
        if tag in BLOCK:
            below = self.block_at[-1]  # only inline elements above it
            if below and self.stack[below].tag == "p":
                self._pop_to(below)
        scopes = {"li": ({"li"}, {"ul", "ol", "table"}), "dt": ({"dt", "dd"}, {"dl", "table"}),
                  "dd": ({"dt", "dd"}, {"dl", "table"}), "td": (CELLS, {"tr", "table"}),
                  "th": (CELLS, {"tr", "table"}), "tr": ({"tr"}, {"table"}),
                  "tbody": ({"tbody", "thead", "tfoot"}, {"table"}),
                  "thead": ({"tbody", "thead", "tfoot"}, {"table"}),
                  "tfoot": ({"tbody", "thead", "tfoot"}, {"table"})}
        if tag not in scopes:
            return
        targets, boundary = scopes[tag]
        target = self._top(targets)
        if target and target > self._top(boundary):
            self._pop_to(target)

    def handle_starttag(self, tag, attrs):
        self._tick()
        self._close_implied(tag)
        node = _Node(tag, self.pos())
        self.stack[-1].children.append(node)
        if tag in VOID:
            return
        if tag == "table":
            # only the innermost open table: its ancestors were marked when it opened (linear, not
            # quadratic, in the nesting depth)
            outer = self._nearest("table")
            if outer is not None:
                outer.has_table = True
        elif tag in CELLS:
            self.cells += 1
            if self.cells > self.limits.max_table_cells:
                raise HtmlLimitError(f"too many table cells: more than {self.limits.max_table_cells:,}")
            row = self._nearest("tr")
            table = self._nearest("table")
            node.table = table
            if row is not None:
                row.cells_in_row += 1
                node.first_cell = row.cells_in_row == 1
                if table is not None:
                    table.max_cells = max(table.max_cells, row.cells_in_row)
        self.stack.append(node)
        self.positions.setdefault(tag, []).append(len(self.stack) - 1)
        self.block_at.append(self.block_at[-1] if tag in INLINE else len(self.stack) - 1)
        if tag in STRUCTURE:
            self.structure.append(node)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        self._tick()
        at = self.positions.get(tag)
        # a stray end tag must not close what is outside the table
        if at and (tag == "table" or at[-1] > self._top(("table",))):
            self._pop_to(at[-1])

    # --- text -----------------------------------------------------------------
    def _add_text(self, chars: str, offsets: list[int]) -> None:
        self.stack[-1].children.append(_Text(chars, offsets))
        if self.structure and self.structure[-1].tag in CELLS:
            self.structure[-1].cell_chars += len(chars)

    def handle_data(self, data):
        self._tick()
        start = self.pos()
        self._add_text(data, list(range(start, start + len(data))))

    def _add_reference(self, prefix: str, name: str) -> None:
        start = self.pos()
        end = start + len(prefix) + len(name)
        if self.html.startswith(";", end):
            end += 1
        source = self.html[start:end]
        chars = unescape(source)
        if chars == source:  # not a known entity: the text stands for itself
            self._add_text(chars, list(range(start, end)))
        else:
            self._add_text(chars, [start] * len(chars))

    def handle_entityref(self, name):
        self._add_reference("&", name)

    def handle_charref(self, name):
        self._add_reference("&#", name)

    def close(self):
        super().close()
        self._pop_to(1)


class _Writer:
    """Accumulates output chars with lazily emitted separators (so nothing trails)."""

    def __init__(self):
        self.chars: list[str] = []
        self.offsets: list[int] = []
        self.newlines: list[int] = []  # pending line breaks (source index of each)
        self.space: int | None = None  # pending inline space
        self.soft: int | None = None  # pending in-cell join (CJK: nothing, else space)
        self.after_br = False  # the pending line break comes from a <br>

    def _line_empty(self) -> bool:
        return not self.chars or self.chars[-1] == "\n"

    def _emit(self, ch: str, offset: int) -> None:
        self.chars.append(ch)
        self.offsets.append(offset)

    def _flush_newlines(self) -> None:
        if self.newlines and self.chars:
            for offset in self.newlines:
                self._emit("\n", offset)
            self.space = self.soft = None
        self.newlines = []

    def block_break(self, offset: int) -> None:
        if not self.newlines and not self._line_empty():
            self.newlines = [offset]
            self.after_br = False

    def hard_break(self, offset: int) -> None:
        """``<br>``: ends the line; only a second ``<br>`` in a row makes an empty line."""
        if not self.newlines:
            if not self._line_empty():
                self.newlines = [offset]
                self.after_br = True
        elif self.after_br and len(self.newlines) == 1:
            self.newlines.append(offset)

    def soft_break(self, offset: int) -> None:
        if self.soft is None:
            self.soft = offset

    def tab(self, offset: int) -> None:
        self._flush_newlines()
        self.space = self.soft = None
        self._emit("\t", offset)

    def text(self, chars: str, offsets: list[int]) -> None:
        for ch, offset in zip(chars, offsets):
            if ch.isspace():
                if self.space is None:
                    self.space = offset
                continue
            self._flush_newlines()
            at_edge = self._line_empty() or self.chars[-1] == "\t"
            if not at_edge:
                if self.soft is not None:
                    if not (_CJK.match(self.chars[-1]) and _CJK.match(ch)):
                        self._emit(" ", self.space if self.space is not None and self.space < self.soft
                                   else self.soft)
                elif self.space is not None:
                    self._emit(" ", self.space)
            self.space = self.soft = None
            self._emit(ch, offset)


def _render(root: _Node, out: _Writer) -> None:
    # Iterative walk: badly nested pages (thousands of unclosed <font>) must not hit the recursion limit.
    stack: list = [(root, False, False, False)]
    while stack:
        node, closing, in_cell, in_pre = stack.pop()
        if isinstance(node, _Text):
            if in_pre and not in_cell:
                _preformatted(node, out)
            else:
                out.text(node.chars, node.offsets)
            continue
        tag = node.tag
        data_cell = tag in CELLS and (node.table is None or not node.table.layout)
        if closing:
            if tag in BLOCK and not data_cell:
                (out.soft_break if in_cell else out.block_break)(node.end)
            continue
        if tag in DROPPED:
            continue
        child_in_cell = in_cell
        if tag == "br":
            (out.soft_break if in_cell else out.hard_break)(node.start)
        elif data_cell:
            if node.first_cell:
                out.block_break(node.start)
            else:
                out.tab(node.start)
            child_in_cell = True
        elif tag in BLOCK:
            (out.soft_break if in_cell else out.block_break)(node.start)
        stack.append((node, True, in_cell, in_pre))
        child_in_pre = in_pre or tag == "pre"
        for child in reversed(node.children):
            stack.append((child, False, child_in_cell, child_in_pre))


def _preformatted(node: _Text, out: _Writer) -> None:
    """Text inside ``<pre>``: its line breaks end lines and its tabs separate cells, as in a text file."""
    start = 0
    for i, ch in enumerate(node.chars):
        if ch in "\n\t":
            out.text(node.chars[start:i], node.offsets[start:i])
            (out.hard_break if ch == "\n" else out.tab)(node.offsets[i])
            start = i + 1
    out.text(node.chars[start:], node.offsets[start:])


def html_to_text(html: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str, list[int]]:
    """Reduce ``html`` to text; return ``(text, offsets)`` with ``html[offsets[i]]`` producing ``text[i]``.
    Raises ``HtmlLimitError`` past the parse time or table cells of ``limits``.

    >>> html_to_text("<tr><td>a</td><td rowspan=2>b</td></tr><tr><td>c</td></tr>")[0]
    'a\\tb\\nc'
    >>> html_to_text("<p>1</p><![ x]><p>2</p>")[0]
    '1\\n2'
    >>> html_to_text("<pre>一、总体情况\\n予以公开\\t3\\t4\\n</pre>")[0]
    '一、总体情况\\n予以公开\\t3\\t4'
    """
    builder = _TreeBuilder(html, limits)
    builder.feed(html)
    builder.close()
    out = _Writer()
    _render(builder.root, out)
    return "".join(out.chars), out.offsets
