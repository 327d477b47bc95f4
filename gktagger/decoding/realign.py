"""Whole rows moved to where the table identities hold.

The decoder (``decode.py``) places each printed row of a table by the model's
belief about its cells, and a weak belief can put a whole row one row too
early or too late (``(七)总计 767 35 … 805`` read as the end of the empty
``(六)其他处理`` row). A printed row of two or more cells (cells with nothing
but separators between them) keeps its cells together, so the repair is a
shift: every cell of the row moves by the same number of template places. A
shift is kept only when it leaves fewer broken identities and more holding
ones (``identities.table_identities``): a blank cell counts as 0 there, a field
no cell took as not stated. Values never change,
only the fields they are filed under; a source with a genuine arithmetic error
keeps its rows where the decoder put them unless a move mends more than it breaks.

>>> order = [f"t4.{b}.{r}" for b in ("review", "suit_direct") for r in ("upheld", "corrected", "other", "pending", "total")]
>>> body = "0\\t0\\t0\\t0\\n行政诉讼\\t5\\t0\\t0\\t2\\t7"  # the second row read one place early: 5 as 复议总计
>>> cells = [(0, 1, order[0]), (2, 3, order[1]), (4, 5, order[2]), (6, 7, order[3]),
...          (13, 14, order[4]), (15, 16, order[5]), (17, 18, order[6]), (19, 20, order[7]), (21, 22, order[8])]
>>> moved, shifts = realign_rows(body, cells, order, "2019")
>>> [f for s, e, f in moved if s >= 13], set(shifts[4:])
(['t4.suit_direct.upheld', 't4.suit_direct.corrected', 't4.suit_direct.other', 't4.suit_direct.pending', 't4.suit_direct.total'], {1})
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Sequence

from gktagger.decoding.values import parse_value
from gktagger.identities import Identity, holds, table_identities
from gktagger.io.limits import DEFAULT_LIMITS
from gktagger.text.rows import group_rows



def _value(body: str, s: int, e: int, max_digit_run: int):
    if s == e:
        return 0  # a blank cell
    v = parse_value(body[s:e], max_digit_run=max_digit_run)
    return None if v is None or v.na else v.value


def _tally(rules: list[Identity], values: dict) -> tuple[int, int]:
    """(broken, holding) identities among ``rules``; one with a value not stated counts as neither."""
    status = [holds(r, values) for r in rules]
    return status.count(False), status.count(True)


def _printed_rows(body: str, placed: list[list]) -> list[list[list]]:
    """Placed cells grouped as the page prints them (``rows.group_rows``: a tab row, a markdown row,
    a run of digits, one cell per line under a row label). A number no cell took ends a row."""
    cells = sorted(placed, key=lambda c: (c[0], c[1]))
    rows: dict[int, list[list]] = {}
    for cell, row in zip(cells, group_rows(body, [(s, e) for s, e, _ in cells])):
        rows.setdefault(row, []).append(cell)
    return list(rows.values())


def realign_rows(body: str, cells: Sequence[tuple[int, int, str]], order: Sequence[str],
                 fmt: str, max_shift: int = 7, max_digit_run: int = DEFAULT_LIMITS.max_digit_run
                 ) -> tuple[list[tuple[int, int, str]], list[int]]:
    """``cells`` (start, end, field; start == end for a blank cell that took a field) with whole printed
    rows shifted in ``order`` where that mends the identities of ``fmt``, and each cell's shift
    (template places; 0 for a cell that stayed). A cell of more than ``max_digit_run`` digits has no value."""
    index = {f: k for k, f in enumerate(order)}
    rules_of = defaultdict(list)
    for rule in table_identities(fmt):
        for f in rule.fields:
            rules_of[f].append(rule)
    placed = [[s, e, index[f]] for s, e, f in cells]
    original = [k for _, _, k in placed]
    value_at = {(s, e): _value(body, s, e, max_digit_run) for s, e, _ in placed}
    for line in _printed_rows(body, placed):
        own = [k for _, _, k in line]
        others = Counter(k for _, _, k in placed) - Counter(own)
        if len(line) < 2 or len(set(own)) < len(own) or others.keys() & set(own):
            continue  # a page printing a row twice (the decoder went back in the template): leave it
        rest = {k: (s, e) for s, e, k in placed if k in others}

        def tally(shift: int) -> tuple[int, int] | None:
            moved = [k + shift for k in own]
            if min(moved) < 0 or max(moved) >= len(order) or others.keys() & set(moved):
                return None
            values = {order[k]: value_at[cell] for k, cell in rest.items()}
            values.update({order[k]: value_at[s, e] for k, (s, e, _) in zip(moved, line)})
            rules = list({id(r): r for k in own + moved for r in rules_of[order[k]]}.values())
            return _tally(rules, values)

        best, best_tally = 0, tally(0)
        for shift in sorted(range(-max_shift, max_shift + 1), key=abs)[1:]:
            t = tally(shift)
            if t and t[0] < best_tally[0] and t[1] > best_tally[1]:
                best, best_tally = shift, t
        for cell in line:
            cell[2] += best
    return [(s, e, order[k]) for s, e, k in placed], [k - k0 for (_, _, k), k0 in zip(placed, original)]
