"""A legacy statistics table's 其中 lists: ``受理申请总数``, then ``其中：1.当面申请数``, ``2.网上申请数`` …

The rows of a list break down the row before it, in both columns: their 本年 figures add up to at
most its 本年, their 累计 to at most its 累计 (a list may leave out a part, never count one twice).
Where rows are printed as runs, the readings of the list's rows that no reading of the others can
join under that bound are dropped; a list no joint reading keeps is left alone (the page misprints).
Where some joint readings add up exactly in both columns, only those are kept: a complete list
adds up, and an incomplete one that adds up in both columns under a wrong reading is a coincidence.

>>> text = "受理申请总数件19231\\n第2页\\n其中：1.当面申请数件117\\n2.网上申请数件15105\\n"
>>> rows = table_rows(text, 0, len(text))
>>> [(r.label.strip(), r.cells) for r in rows]
[('受理申请总数件', '19231'), ('其中：1.当面申请数件', '117'), ('2.网上申请数件', '15105')]
>>> part_lists(rows)
[[0, 1, 2]]
>>> readings = [[[19, 231], [1, 9231]], [[1, 17]], [[15, 105], [1, 5105]]]
>>> narrow(readings, part_lists(rows))
{0, 2}
>>> readings
[[[19, 231]], [[1, 17]], [[15, 105]]]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product
from math import prod

from gktagger.lexicon import PAGE_FOOTER

ORDINAL = r"[（(]?\d{1,2}[.、．)）]"
# After a row's label: its unit, then its figures up to the next label (or the next row's ordinal).
CELLS_AFTER_LABEL = (r"[ \t|]*(?:万元|元|条|件|个|项|次)?[ \t|]*(?P<cells>\d+?(?:[ \t|]+\d+?)*?)"
                     r"(?=[ \t|]*(?:\d[.、．]\D|[^\d \t|]|$))")
# A row: its label (a list's opening 其中, an ordinal, then words that may wrap), then its cells.
ROW = re.compile(rf"[ \t|\n]*(?:其中[：:]?[ \t]*)?(?:{ORDINAL}[ \t]*)?[^\d]{{1,40}}?" + CELLS_AFTER_LABEL)
LINE_END = re.compile(r"[ \t|]*\n")
OPENS = re.compile(r"\s*其中")
ITEM = re.compile(rf"\s*{ORDINAL}")
MAX_JOINT = 5_000  # joint readings of one list worth trying


@dataclass(frozen=True)
class Row:
    label: str  # with its unit
    at: int  # where its figures start
    cells: str


def table_rows(text: str, start: int, end: int) -> list[Row]:
    """The rows of the table printed from ``start``, up to the first text that is no row or ``end``."""
    rows, at = [], start
    while True:
        while (line := LINE_END.match(text, at, end)) and (footer := PAGE_FOOTER.match(text, line.end(), end)):
            at = footer.end()  # a page break inside the table
        m = ROW.match(text, at, end)
        if not m or m.end() == at:
            return rows
        rows.append(Row(text[m.start():m.start("cells")], m.start("cells"), m.group("cells")))
        at = m.end()


def part_lists(rows: list[Row]) -> list[list[int]]:
    """Each list as indices into ``rows``: its total (the row before ``其中``), then its items."""
    out = []
    for i, row in enumerate(rows):
        if i and OPENS.match(row.label):
            out.append([i - 1, i])
        elif out and out[-1][-1] == i - 1 and ITEM.match(row.label):
            out[-1].append(i)
    return out


def narrow(readings: list[list[list[int]] | None], lists: list[list[int]]) -> set[int]:
    """Drops, in place, the readings (per row; ``None``: a row not read) that no joint reading of a
    list keeps; returns the rows narrowed."""
    narrowed = set()
    for total, *items in lists:
        items = [i for i in items if readings[i]]
        rows = [total, *items]
        if not readings[total] or not items or prod(len(readings[i]) for i in rows) > MAX_JOINT:
            continue
        kept = [joint for joint in product(*(readings[i] for i in rows))
                if all(sum(item[c] for item in joint[1:]) <= joint[0][c] for c in (0, 1))]
        exact = [joint for joint in kept if all(sum(item[c] for item in joint[1:]) == joint[0][c] for c in (0, 1))]
        kept = exact or kept
        for k, i in enumerate(rows):
            left = [r for r in readings[i] if any(joint[k] == r for joint in kept)]
            if kept and len(left) < len(readings[i]):
                readings[i] = left
                narrowed.add(i)
    return narrowed

