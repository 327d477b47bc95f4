"""Cells printed as figures alone: the table identities, not the model, say how many and which.

A PDF or a flattened page often prints a table's cells with nothing but separators
between them, one per line, in one row, or with their digits run together. Two
shapes carry an identity that can decide such figures on its own:

- the 15 cells of table 4, three blocks of 维持 / 纠正 / 其他 / 尚未审结 / 总计 whose
  four results sum to the total (``30104240002400000`` = 3,0,1,0,4 | 24,0,0,0,24 |
  0,0,0,0,0), after a header that names 复议 or 诉讼;
- the 7 cells of a table-3 row, six applicant columns summing to 总计
  (``640020470`` = 64,0,0,2,0,4,70), in the row its printed label names (``3.其他``,
  ``（七）总计``), else in the row most of the model's tags there name.

Where exactly one reading of the figures as that many cells makes every sum hold,
they take the template's fields in order, whatever the model split or tagged: a
model unsure of the cell count or the column (one that has never seen the
layout) would otherwise place them one by one. A separated figure is one cell;
only a run of digits holds several, and a cell never starts with 0 unless it is
0. Figures with no such reading, or with several, are left as they were.
Table-4 cells the model placed elsewhere give way to a decided table 4.

>>> body = "四、行政复议、行政诉讼情况\\n维持\\n纠正\\n其他\\n未审结\\n总计\\n" + "\\n".join(
...     "15 2 2 2 21 7 0 0 3 10 0 0 0 0 0".split())
>>> found = decided_cells(body, [], lambda s, e, label: 0.0)
>>> [(body[s.start:s.end], s.label) for s in found][4:6]
[('21', 't4.review.total'), ('7', 't4.suit_direct.upheld')]
>>> body = "一、本年新收政府信息公开申请数量640020470二、"
>>> found = decided_cells(body, [TagSpan(16, 20, "t3.new.natural")], lambda s, e, label: 0.0)
>>> [body[s.start:s.end] for s in found]
['64', '0', '0', '2', '0', '4', '70']
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from functools import lru_cache
from typing import Callable

from gktagger.decoding.fields import is_prose
from gktagger.schema import FIELDS, T3_ROWS, template
from gktagger.tagging.tags import TagSpan
from gktagger.text.rows import SEPARATORS

Shape = tuple[int, ...]  # cells per block; in each block the last cell is the sum of the others
T4_FIELDS = tuple(f for f in template("2021") if f.startswith("t4."))
T3_ROW_FIELDS = {row: tuple(f for f in dict.fromkeys(template("2021") + template("2019")) if f.startswith(f"t3.{row}."))
                 for row in T3_ROWS}  # (三(六) 其他处理 has cells in the 2019 template only)
T4_SHAPE: Shape = (5, 5, 5)  # identities.py: t4.sum
T3_ROW_SHAPE: Shape = (7,)  # identities.py: t3.applicants
FIGURES = re.compile(r"(?<![\d.,，])\d+(?![\d,，]|\.\d)")
ITEM_NUMBER = re.compile(r"[.．、][^\d\s]")  # "2.没有现成信息": the run's last digit numbers the next row
GAP = re.compile(rf"(?:[{re.escape(SEPARATORS)}\r\u3000]|:?-{{3,}}:?)*")  # separators, a markdown rule line
T4_HEADER = re.compile("复议|诉讼")
HEADER_WINDOW = 300  # characters before the figures: table 4's header, its column names included
MAX_DIGITS_PER_CELL = 4  # a longer run than that many digits per cell is no such table
MAX_STEPS = 20_000  # readings tried per run: a bound on the work a crafted run can cause
RULE = {T4_SHAPE: "table 4 read as 15 figures whose block sums hold",
        T3_ROW_SHAPE: "table-3 row read as 7 figures whose applicant columns sum to 总计"}
LABEL_BEFORE = 120  # characters before a row's figures that may hold its label
NOT_WORDS = re.compile(r"[^\u4e00-\u9fff\d]")  # what a wrapped or reformatted label may have lost or gained
ROW_NAMES = {row: NOT_WORDS.sub("", label.split()[-1]) for row, (label, _, _) in T3_ROWS.items()}
Score = Callable[[int, int, str], float]
Figure = tuple[int, int]  # start, end in the body


def figure_runs(body: str) -> list[list[Figure]]:
    """Whole table figures (no measure word after them) with only separators between them, in runs."""
    runs: list[list[Figure]] = [[]]
    for m in FIGURES.finditer(body):
        start, end = m.span()
        if ITEM_NUMBER.match(body, end):
            end -= 1
        if end == start or is_prose(body, end):
            runs.append([])
        elif runs[-1] and GAP.fullmatch(body, runs[-1][-1][1], start):
            runs[-1].append((start, end))
        else:
            runs.append([(start, end)])
        if end < m.end():
            runs.append([])
    return [r for r in runs if r]


def readings(tokens: tuple[str, ...], shape: Shape, max_digits: int, limit: int = 2) -> list[tuple[int, ...]]:
    """Up to ``limit`` ways to read the tokens as ``sum(shape)`` cells, a token one cell or several run
    together, such that in every block the last cell is the sum of the others.

    >>> readings(("42107000001532020",), T4_SHAPE, 7)
    [(4, 2, 1, 0, 7, 0, 0, 0, 0, 0, 15, 3, 2, 0, 20)]
    >>> readings(("500000", "5"), T3_ROW_SHAPE, 7)
    [(5, 0, 0, 0, 0, 0, 5)]
    """
    digits = "".join(tokens)
    edges = {sum(map(len, tokens[:k])) for k in range(1, len(tokens))}  # a separator is always a cell edge

    def cells_at(i: int) -> list[tuple[int, int]]:
        """(value, end) of the cells that can start at ``i``."""
        out = []
        for j in range(i + 1, min(len(digits), i + max_digits) + 1):
            if j > i + 1 and digits[i] == "0":
                break
            out.append((int(digits[i:j]), j))
            if j in edges:
                break
        return out

    steps = [MAX_STEPS]

    @lru_cache(maxsize=None)
    def rest(i: int, block: int) -> tuple[tuple[int, ...], ...]:
        if block == len(shape):
            return ((),) if i == len(digits) else ()
        later = sum(shape[block + 1:])
        found: list[tuple[int, ...]] = []
        stack: list[tuple[int, tuple[int, ...]]] = [(i, ())]
        while stack and len(found) < limit:
            at, parts = stack.pop()
            steps[0] -= 1
            # the cells still to come need a digit each, the block's total as many as its sum has
            if steps[0] < 0 or len(digits) - at < shape[block] - 1 - len(parts) + len(str(sum(parts))) + later:
                continue
            if len(parts) == shape[block] - 1:
                total = str(sum(parts))
                end = at + len(total)
                if digits.startswith(total, at) and not any(at < e < end for e in edges):
                    found += [(*parts, int(total), *more) for more in rest(end, block + 1)][:limit - len(found)]
                continue
            stack += [(j, (*parts, v)) for v, j in reversed(cells_at(at))]
        return tuple(found)

    found = list(rest(0, 0))
    return found if steps[0] >= 0 else []  # a search cut short proves nothing


def _cells(body: str, run: list[Figure], fields: tuple[str, ...], shape: Shape,
           max_digits: int) -> list[tuple[int, int, str]] | None:
    """(start, end, field) of the cells of ``run`` when exactly one reading places them, else None."""
    digits = sum(e - s for s, e in run)
    if len(run) > len(fields) or not len(fields) <= digits <= MAX_DIGITS_PER_CELL * len(fields):
        return None
    found = readings(tuple(body[s:e] for s, e in run), shape, max_digits)
    if len(found) != 1:
        return None
    offsets = [i for s, e in run for i in range(s, e)]
    cells, at = [], 0
    for value, field in zip(found[0], fields):
        width = len(str(value))
        cells.append((offsets[at], offsets[at + width - 1] + 1, field))
        at += width
    return cells


def _table4(body: str, run: list[Figure], max_digits: int):
    if T4_HEADER.search(body, max(0, run[0][0] - HEADER_WINDOW), run[0][0]):
        return _cells(body, run, T4_FIELDS, T4_SHAPE, max_digits)
    return None


def named_row(body: str, start: int, after: int = 0) -> str | None:
    """The table-3 row whose label is printed last before ``start`` (not before ``after``), if one is.

    >>> named_row("| 3.其他 | 264 | 12", 9), named_row("（七）总计\\n1139", 6), named_row("其他 | 5", 5)
    ('other_misc', 'total', None)
    >>> named_row("| 法律服务机构 | 总计 |\\n|---|---|\\n| 705 | 3", 35)  # a header row names no row
    """
    lines = body[max(after, start - LABEL_BEFORE):start].split("\n")
    if NOT_WORDS.sub("", lines[-1]):  # the row's own line: its last cell before the figures
        label = NOT_WORDS.sub("", [c for c in lines[-1].split("|") if NOT_WORDS.sub("", c)][-1])
    elif len(lines) > 1 and "|" not in lines[-2]:  # a label alone on the line before (not a table's header row)
        label = NOT_WORDS.sub("", lines[-2])
    else:
        return None
    rows = [row for row, name in ROW_NAMES.items() if label.endswith(name)]
    return max(rows, key=lambda r: len(ROW_NAMES[r])) if rows else None


class _Tagged:
    """The model's table-3 spans, sorted, to ask which rows it tagged inside a run (no scan per run)."""

    def __init__(self, spans: list[TagSpan]):
        t3 = sorted((s.start, s.end, FIELDS[s.label].row) for s in spans
                    if s.label in FIELDS and FIELDS[s.label].table == "t3")
        self.starts, self.spans = [s for s, _, _ in t3], t3
        self.longest = max((e - s for s, e, _ in t3), default=0)

    def rows(self, start: int, end: int) -> Counter:
        lo, hi = bisect_left(self.starts, start - self.longest), bisect_left(self.starts, end)
        return Counter(row for s, e, row in self.spans[lo:hi] if start < e)


def _t3_row(body: str, run: list[Figure], tagged: _Tagged, max_digits: int, after: int):
    """The cells of the table-3 row that ``run`` prints: the row its label names, else the row of most
    of the model's table-3 tags in it (None without any)."""
    start, end = run[0][0], run[-1][1]
    rows = tagged.rows(start, end)
    if not rows:
        return None
    (row, n), = rows.most_common(1)
    row = named_row(body, start, after) or (row if 2 * n > rows.total() else None)
    if row is None:
        return None
    return _cells(body, run, T3_ROW_FIELDS[row], T3_ROW_SHAPE, max_digits)


def decided_cells(body: str, spans: list[TagSpan], score: Score, max_digits: int = 7) -> list[TagSpan]:
    """``spans`` with the figures that one reading decides (see above) placed as table cells;
    ``max_digits``: the most digits of one cell."""
    decided: list[list[tuple[int, int, str]]] = []
    after, tagged = 0, _Tagged(spans)
    for run in figure_runs(body):
        cells = _table4(body, run, max_digits) or _t3_row(body, run, tagged, max_digits, after)
        if cells:
            decided.append(cells)
        after = run[-1][1]
    if not decided:
        return spans
    taken = [(cells[0][0], cells[-1][1]) for cells in decided]  # disjoint, in document order
    starts = [s for s, _ in taken]
    table4 = any(cells[0][2] in T4_FIELDS for cells in decided)

    def replaced(span: TagSpan) -> bool:
        k = bisect_left(starts, span.end) - 1
        inside = k >= 0 and taken[k][1] > span.start
        return inside or (table4 and span.label.startswith("t4.") and not is_prose(body, span.end))

    placed = [TagSpan(s, e, f, score(s, e, f), "blocks", RULE[T4_SHAPE if f in T4_FIELDS else T3_ROW_SHAPE])
              for cells in decided for s, e, f in cells]
    return sorted([s for s in spans if not replaced(s)] + placed, key=lambda s: (s.start, s.end))
