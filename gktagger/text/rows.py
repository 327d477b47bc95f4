"""Printed rows: which cells of a flattened page the page prints as one row.

However a table was flattened (tabs, markdown pipes, one cell per line), cells
with nothing but separators between them were printed together: a tab or
markdown row, or one cell per line under a row label. That one relation is
defined here; the decoder (``decode.py``, which adds its own bound on rows that
span lines) and realign (``realign.py``, which moves whole rows) both group by
it, and ``gktagger show`` displays the rows of a body with :func:`printed_rows`.
Run-together digits (``640020470``) are one cell here: splitting them is the
decoder's and ``splits.py``'s business.

>>> body = "予以公开\\t12\\t\\t3\\n(二)部分公开\\n4\\n5\\n"
>>> [[body[s:e] or "_" for s, e in row.cells] for row in printed_rows(body)]
[['12', '_', '3'], ['4', '5']]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from gktagger.lexicon import NUMBER

SEPARATORS = " \t|\n"
RULES = SEPARATORS + "-:"  # what a markdown rule line (|---|:--:|) is made of
BLANK = re.compile(r"\t(?= *[\t\n])|\|(?= *\|)")  # where a row leaves a cell empty: \t\t, \t at a line end, | |


def blank_cells(text: str) -> list[int]:
    """Positions of the empty cells a row shows: ``\\t\\t``, ``\\t`` at the end of a line, ``| |``."""
    return [m.end() for m in BLANK.finditer(text)]


def bare_lines(text: str, offsets: Sequence[int]) -> list[tuple[int, int]]:
    """(start, end) of the lines holding ``offsets`` that print figures and nothing else (two or more
    cells, or one markdown cell) in a run of such lines with a digit among them; markdown rules and
    blank lines do not end a run. Such a line is a table row whose label the page printed elsewhere
    (a PDF converter's fragment, its labels floating before or after it), or none at all. A run of
    NA marks alone (``| - | - |`` under a header of its own) is no row of figures.

    >>> text = ("| 规章 | 3 | 0 |\\n| 5 | 1 | 40 |\\n|---|---|\\n| / | / | / |\\n"
    ...         "规章\\n| - | - |\\n行政规范性文件 12\\n7 8\\n")
    >>> [text[s:e] for s, e in bare_lines(text, [m.start() for m in NUMBER.finditer(text)])]
    ['| 5 | 1 | 40 |', '| / | / | / |', '7 8']
    """
    runs: list[list[tuple[int, int, bool]]] = []
    for start in sorted({text.rfind("\n", 0, i) + 1 for i in offsets}):
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        figures = NUMBER.findall(line)
        if NUMBER.sub("", line).strip(SEPARATORS) or not (len(figures) > 1 or line.lstrip().startswith("|")):
            continue
        cells = (start, start + len(line), any(f[-1].isdigit() for f in figures))
        if runs and not text[runs[-1][-1][1]:start].strip(RULES):
            runs[-1].append(cells)
        else:
            runs.append([cells])
    return [(s, e) for run in runs if any(digits for _, _, digits in run) for s, e, _ in run]


def group_rows(text: str, cells: Sequence[tuple[int, int]]) -> list[int]:
    """For cells in text order (``start == end`` for a blank cell), the index of the printed row each
    belongs to: a new row starts where anything but separators lies since the previous cell."""
    rows, row, prev = [], 0, None
    for start, end in cells:
        if prev is not None and prev < start and text[prev:start].strip(SEPARATORS):
            row += 1
        rows.append(row)
        prev = max(prev or 0, end)
    return rows


@dataclass(frozen=True)
class PrintedRow:
    cells: tuple[tuple[int, int], ...]  # (start, end) in the text's offsets; start == end for a blank cell

    @property
    def start(self) -> int:
        return self.cells[0][0]

    @property
    def end(self) -> int:
        return self.cells[-1][1]


def printed_rows(text: str, extra_blanks: Sequence[int] = (), min_cells: int = 2) -> list[PrintedRow]:
    """The rows of ``text``: its numbers and NA marks (``lexicon.NUMBER``) and blank cells, grouped by
    :func:`group_rows`; rows of fewer than ``min_cells`` cells are left out (prose figures).
    ``extra_blanks``: blank cells the text no longer shows (``BodyView.folded_blanks``)."""
    cells = sorted([m.span() for m in NUMBER.finditer(text)] + [(i, i) for i in [*blank_cells(text), *extra_blanks]])
    grouped: dict[int, list[tuple[int, int]]] = {}
    for cell, row in zip(cells, group_rows(text, cells)):
        grouped.setdefault(row, []).append(cell)
    return [PrintedRow(tuple(c)) for c in grouped.values() if len(c) >= min_cells]
