"""Blank cells of a table printed one cell per line: an empty line where a cell is empty.

A page that prints each cell on a line of its own (``13⏎0⏎⏎⏎0⏎7``) shows an empty cell as an empty
line; normalisation folds those lines into one line break, so the decoder would no longer see them.
The spacing of the neighbouring cells (a figure line and the row label or figure next to it) says
how many line breaks stand between two cells: one where any of them stands one line apart, two where
all of them are an even number apart (a page separating every cell by an empty line: ``79⏎⏎4⏎⏎⏎⏎⏎⏎85``
has two blanks). Elsewhere an empty line says nothing about empty cells.

>>> lines = ["二、上年结转", "0", "0", "", "", "", "0", "0", "三、本年度办理结果"]
>>> folded = "\\n".join(line for line in lines if line)
>>> runs = [1, 1, 1, 4, 1, 1]  # the line breaks each break of the folded text stands for
>>> [folded[p - 1] for p in blank_line_cells(folded, runs)]
['0', '0', '0']
"""
from __future__ import annotations

import re

from gktagger.lexicon import NUMBER

NEIGHBOURS = 8  # line breaks on each side whose cells show the spacing
_LABEL_END = "。；;！？"  # a line ending a sentence is prose, not a row label


def _figure_line(line: str) -> bool:
    line = line.strip()
    return bool(line) and bool(NUMBER.fullmatch(line))


def blank_line_cells(text: str, runs: list[int]) -> list[int]:
    """Positions (the line break, once per empty cell) of the empty lines that are cells. ``runs[k]``:
    how many line breaks the ``k``-th line break of ``text`` stood for before normalisation."""
    breaks = [m.start() for m in re.finditer("\n", text)]
    lines = text.split("\n")
    figure = [_figure_line(line) for line in lines]
    label = [bool(line.strip()) and len(line) <= 60 and line.rstrip()[-1] not in _LABEL_END for line in lines]
    in_table = [(figure[k] and label[k + 1]) or (label[k] and figure[k + 1]) for k in range(len(breaks))]
    out = []
    for k, (at, run) in enumerate(zip(breaks, runs)):
        if run < 2 or not in_table[k]:
            continue
        near = [runs[j] for j in range(max(0, k - NEIGHBOURS), min(len(breaks), k + NEIGHBOURS + 1)) if in_table[j]]
        spacing = 1 if 1 in near else 2 if all(r % 2 == 0 for r in near) else 0
        if spacing and run % spacing == 0:
            out += [at] * (run // spacing - 1)
    return out
