"""Constrained decoding: the cells of tables 2–4 follow the template's reading order.

However a page flattens its tables (one cell per line, pipes, markdown, digits
run together), the cells of a 2019 or 2021 report appear row by row, left to
right, in the order of the template (``schema.template``). Instead of taking
each character's most probable tag on its own, the numbers of the body are
re-tagged jointly: every number is split into cells or left untagged, and the
cells take template fields in increasing order. The chosen tagging maximises
the model's log-probabilities, minus a penalty per template field left out
(a blank cell takes its field for free) and a larger one for going back in the
template (a page printing rows out of order). A printed row that shows its
cells (tabs, pipes, blanks included; one cell per line only when all seven of
a table-3 row are there) starts at its first column and leaves no column out
between two of its cells: leaving one out there costs much more. A line of
figures alone (a PDF converter's table fragment whose row labels float before
or after it) says nothing the model can trust about its row: there the model
tells the column only, the template's order decides the row (never going back
in it), and leaving one out costs as much before the template's first field as
inside the tables. A signed figure (+24) is only ever a change, a figure with a
fraction (11918.904; 1.0 is a count, read with a warn) only an amount. Both templates are tried and the one
that fits better kept, and whole printed rows
are then moved where the table identities hold (the ``realign`` stage). Numbers
the model tags as prose figures or section headings keep their tags; legacy
reports, whose tables have no fixed layout, are not re-decoded (the ``decode``
stage of ``pipeline.py``). The costs are :class:`~gktagger.config.DecoderConfig`.

>>> import numpy as np
>>> from gktagger.tagging.tags import LABEL_IDS, OUTSIDE
>>> body = "自然人 64 法人 0"
>>> order = ["t3.new.natural", "t3.new.commercial"]
>>> lp = np.full((len(body), len(LABEL_IDS)), -9.0, dtype=np.float32)
>>> lp[:, OUTSIDE] = -0.1
>>> lp[4, LABEL_IDS["B-t3.new.natural"]] = -1.0     # "6": the model hesitates
>>> lp[5, LABEL_IDS["I-t3.new.natural"]] = -1.0     # "4" continues it
>>> lp[5, OUTSIDE] = -3.0
>>> lp[10, LABEL_IDS["B-t3.new.commercial"]] = -3.0  # "0": the model thinks it is untagged
>>> tags = np.zeros(len(body), dtype=np.int64)
>>> cells = align_cells(body, tags, np.arange(len(body)), lp, order, DecoderConfig(skip_penalty=4.0))
>>> [(body[s:e], f) for s, e, f in cells]
[('64', 't3.new.natural'), ('0', 't3.new.commercial')]
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from gktagger.config import DecoderConfig
from gktagger.decoding.fields import is_prose
from gktagger.lexicon import NA_MARKS, NOT_A_COUNT, NUMBER, PAGE_FOOTER, SIGNS, UNITS
from gktagger.schema import FIELDS, SECTIONS, template
from gktagger.tagging.tags import LABEL_IDS, OUTSIDE, TagSpan
from gktagger.text.rows import SEPARATORS, bare_lines, blank_cells, group_rows

CELL_EDGES = "\t|\n"
FIGURE_ENDS = frozenset("0123456789/—无")  # what a neighbouring figure or NA cell ends or starts with
LINE_BREAK = re.compile("\n")
ITEM_MARK = re.compile(r"[ \t]*\n?[ \t]*[.．、] ?[^\d\s]")  # "1.属于国家秘密", "2、重复申请", "3. 其他", a PDF's "1⏎.属于": a row's number, not a cell

_KEEP = {LABEL_IDS[f"{p}-{s}"] for s in SECTIONS for p in "BI"} | {
    LABEL_IDS[f"{p}-{f}"] for f, field in FIELDS.items() if field.group == "prose" for p in "BI"}


def _delimited(body: str, s: int, e: int) -> bool:
    """Whether a number sits alone between cell separators (tab, pipe, line break), or in a line whose
    figures the page separates by spaces, all of them (:func:`_spaced_row`): a whole cell."""
    a, b = s, e
    while a > 0 and body[a - 1] == " ":
        a -= 1
    while b < len(body) and body[b] == " ":
        b += 1
    if (a == 0 or body[a - 1] in CELL_EDGES) and (b == len(body) or body[b] in CELL_EDGES):
        return True
    return _spaced(body, s, e) and _spaced_row(body, body.rfind("\n", 0, s) + 1)


@lru_cache(maxsize=128)  # asked once per figure of the line: without it a long spaced line costs its length squared
def _spaced_row(body: str, line_start: int) -> bool:
    """Whether every figure of a line, after its label, can be one cell and stands between spaces: a PDF
    row (``予以公开 1203 17 0 0 41 2 1263``), whose figures are never cut. A line that also runs cells
    together (``21 10 000225``: spaces fall anywhere in such a flattened body) is not one, nor is a run
    after a label and a space (``行政许可 11315``)."""
    end = body.find("\n", line_start)
    figures = [m.span() for m in NUMBER.finditer(body, line_start, len(body) if end < 0 else end)
               if not ITEM_MARK.match(body, m.end())]  # the row's number in its label (3.危及…) is no figure
    return len(figures) > 1 and all(_spaced(body, fs, fe) for fs, fe in figures)


def _spaced(body: str, s: int, e: int) -> bool:
    """Whether a number stands between spaces beside another figure and can be one cell by itself."""
    before, after = s, e  # (scanned, not sliced: a slice of the body per figure made long pages quadratic)
    while before > 0 and body[before - 1] == " ":
        before -= 1
    while after < len(body) and body[after] == " ":
        after += 1
    figure_left = before < s and before > 0 and body[before - 1] in FIGURE_ENDS
    figure_right = after > e and after < len(body) and body[after] in FIGURE_ENDS
    left_ok = before < s or s == 0 or body[s - 1] in CELL_EDGES
    right_ok = after > e or e == len(body) or body[e] in CELL_EDGES
    return (figure_left or figure_right) and left_ok and right_ok and _cell_ok(body[s:e])


@lru_cache(maxsize=256)  # asked once per character of the number by the alignment
def _cut_set(body: str, s: int, e: int, max_cell_digits: int = 7) -> frozenset[int]:
    return frozenset(_cuts(body, s, e, max_cell_digits))


def _cuts(body: str, s: int, e: int, max_cell_digits: int = 7) -> list[int]:
    """Offsets inside a number where one cell may end and the next begin: between two digits of
    an integer part, and only where the page runs cells together: not in a delimited cell, unless it
    has more digits than one cell holds (a whole row or table printed as one run, ``14251224100520103``),
    nor in one printed between units (``政府集中采购1个318400元``: each cell with its own; a run before
    one unit, ``24668102531.75元``, is still cells run together)."""
    token = body[s:e]
    overlong = token.isdigit() and len(token) > max_cell_digits
    between_units = body.startswith(UNITS, e) and any(body.endswith(u, 0, s) for u in UNITS)
    if "," in token or (not overlong and (_delimited(body, s, e) or between_units)):
        return []
    point = token.find(".")
    limit = point if point >= 0 else len(token)
    return [k for k in range(1, limit) if token[k - 1].isdigit() and token[k].isdigit()]


def _fraction(cell: str) -> bool:
    """Whether a cell's number has a nonzero fraction (11918.904): then only a decimal field holds it.

    >>> _fraction("11918.904"), _fraction("1.0"), _fraction("12")
    (True, False, False)
    """
    whole, point, fraction = cell.partition(".")
    return bool(point) and fraction.strip("0０ \t") != ""


def _cell_ok(token: str) -> bool:
    digits = token.lstrip(SIGNS)
    if not digits or not digits[0].isdigit():
        return token in NA_MARKS
    return not (digits[0] == "0" and len(digits) > 1 and digits[1] != ".")


SIDE_BY_SIDE_SLOTS = 10_000  # above this many slots, _align takes one template at a time


def numbers(body: str, tags: np.ndarray, with_marks: bool = False) -> list[tuple[int, int]]:
    """The numbers the decoder may re-tag: not prose figures, dates or page footers, nor inside headings
    or prose tags.
    The number of the next row (``…0000002.其他…``: its last digit) is cut off, or kept when ``with_marks``
    (the decoder clears those tags too)."""
    out = []
    footers = [m.span() for m in PAGE_FOOTER.finditer(body)]  # a page footer inside a table is no cell
    for m in NUMBER.finditer(body):
        s, e = m.span()
        if footers and any(fs <= s < fe for fs, fe in footers):
            continue
        kept = any(int(tags[i]) in _KEEP for i in range(s, e) if body[i].isdigit())  # not a point a heading ran over
        if is_prose(body, e) or body[e:e + 1] in NOT_A_COUNT or kept:
            continue
        if ITEM_MARK.match(body, e) and not with_marks:
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _slots(body: str, tokens: list[tuple[int, int]], blanks: Sequence[int] = (),
           max_cell_digits: int = 7) -> list[tuple[int, int, int, bool]]:
    """The decoder's input in text order: one slot per character of a number (start, token start,
    token end, cell may start here) and one zero-width slot per blank cell (position, -1, -1, True)."""
    slots = [(i, -1, -1, True) for i in [*blank_cells(body), *blanks]]
    for s, e in tokens:
        cuts = _cut_set(body, s, e, max_cell_digits)
        slots += [(i, s, e, i == s or i - s in cuts) for i in range(s, e)]
    return sorted(slots)


def _printed_rows(body: str, slots: list, full_row: int) -> list[int]:
    """For each slot, the printed row it belongs to (``rows.group_rows``). Within a line that is a tab
    or markdown row; across lines (one cell per line under a row label) only when the row shows
    ``full_row`` cells, since pages that print one cell per line may drop the empty ones and then
    the columns are unknown."""
    rows = group_rows(body, [(i, i + 1 if s >= 0 else i) for i, s, _, _ in slots])
    starts = Counter(r for r, (i, s, _, _) in zip(rows, slots) if s < 0 or i == s)
    breaks = [m.start() for m in LINE_BREAK.finditer(body)]
    lines = np.searchsorted(breaks, [i for i, _, _, _ in slots]).tolist()
    first_line = {}
    for r, line in zip(rows, lines):
        first_line.setdefault(r, line)
    spans_lines = {r for r, line in zip(rows, lines) if line != first_line[r]}
    return [r if r not in spans_lines or starts[r] >= full_row else -1 - line for r, line in zip(rows, lines)]


def _cell_slots(body: str, slots: list, rows: list[int]) -> tuple[list[bool], list[bool]]:
    """For each slot: whether it starts a delimited cell (a blank, or a number alone between separators),
    and whether that cell comes right after another delimited cell of the same printed row
    (:func:`_printed_rows`): a row that shows its blank cells leaves no column out."""
    starts, neighbours = [False] * len(slots), [False] * len(slots)
    prev_end, prev_row = None, None
    for k, (i, s, e, _) in enumerate(slots):
        delimited = s < 0 or _delimited(body, s, e)
        if s < 0 or i == s:
            starts[k] = delimited
            neighbours[k] = (delimited and prev_end is not None and prev_row == rows[k]
                             and not body[prev_end:i].strip(SEPARATORS))
        if s < 0 or i == e - 1:
            prev_end, prev_row = (max(i, e), rows[k]) if delimited else (None, None)
    return starts, neighbours


def _row_openers(starts: list[bool], neighbours: list[bool], rows: list[int]) -> list[bool]:
    """Slots that open a printed row of two or more delimited cells: the page prints a row from its first column."""
    cells_in = Counter(row for row, c in zip(rows, starts) if c)
    return [c and not nb and cells_in[row] > 1 for c, nb, row in zip(starts, neighbours, rows)]


def _row_members(starts: list[bool], neighbours: list[bool], openers: list[bool], slots: list,
                 rows: list[int], trailing_blank_columns: bool = True) -> list[bool]:
    """Delimited cells that a row of figures cannot leave out: its numbers, and its blanks that have
    a number after them in the row (a blank after the last figure may be a column the template lacks,
    unless ``trailing_blank_columns`` is off)."""
    last_number = {}
    for (i, s, _, _), row in zip(slots, rows):
        if s >= 0:
            last_number[row] = i
    return [c and (nb or op) and (s >= 0 or not trailing_blank_columns or i < last_number.get(row, -1))
            for (i, s, _, _), row, c, nb, op in zip(slots, rows, starts, neighbours, openers)]


def _first_columns(order: Sequence[str]) -> np.ndarray:
    """Whether each template field is the first column of its row (``t3.granted.natural``)."""
    rows = [(FIELDS[f].table, FIELDS[f].row) for f in order]
    return np.array([k == 0 or rows[k] != rows[k - 1] for k in range(len(order))])


def _marked(body: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """For each offset of ``body`` (its end included), whether it lies in one of ``spans``."""
    mask = np.zeros(len(body) + 1, dtype=bool)
    for s, e in spans:
        mask[s:e] = True
    return mask


def row_blind(body: str, positions: np.ndarray, logp: np.ndarray, order: Sequence[str],
              lines: Sequence[tuple[int, int]]) -> np.ndarray:
    """``logp`` with the characters of ``lines`` (``rows.bare_lines``: figures whose row label the page
    printed elsewhere, or nowhere) blind to the row of tables 2 and 3: each field of ``order`` takes the
    model's probability of its column, any row, and being no cell becomes no likelier than the likeliest
    field (not than all fields together, which would still charge every cell of a long fragment the
    odds of its column). The template's order and the skip costs then decide which rows such lines
    are. Table 4's blocks (复议, 直接起诉, 复议后起诉) are rows of one line: blind to them only where the
    line shows its blank cells (pipes, tabs). In a PDF line of spaces the blanks are gone, and the
    model's reading of where the figures stand is all there is to place them.

    >>> body = "| 5 | 1 | 40 |"
    >>> order = ["t2.regulations.issued", "t2.normative.issued"]
    >>> lp = np.full((1, len(LABEL_IDS)), -20.0, dtype=np.float32)
    >>> ids = [OUTSIDE, *(LABEL_IDS[f"B-{f}"] for f in order)]
    >>> lp[0, ids] = np.log([0.9, 0.06, 0.04])
    >>> blind = row_blind(body, np.array([2]), lp, order, [(0, len(body))])
    >>> [round(float(p), 2) for p in np.exp(blind[0, ids])]
    [0.1, 0.1, 0.1]
    """
    at = np.asarray(positions)
    rows = np.nonzero(_marked(body, lines)[at])[0]
    if not len(rows):
        return logp
    showing_blanks = [(s, e) for s, e in lines if "|" in body[s:e] or "\t" in body[s:e]]
    rows_of = {"t2": rows, "t3": rows, "t4": np.nonzero(_marked(body, showing_blanks)[at])[0]}
    columns: dict[tuple, list[str]] = {}
    for f in order:
        if FIELDS[f].table in rows_of:
            columns.setdefault((FIELDS[f].table, FIELDS[f].col), []).append(f)
    out = logp.copy()
    for (table, _), fields in columns.items():
        for prefix in "BI":
            ids = [LABEL_IDS[f"{prefix}-{f}"] for f in fields]
            at_rows = np.ix_(rows_of[table], ids)
            out[at_rows] = np.logaddexp.reduce(logp[at_rows], axis=1)[:, None]
    likeliest = out[np.ix_(rows, [LABEL_IDS[f"{p}-{f}"] for f in order for p in "BI"])].max(axis=1)
    out[rows, OUTSIDE] = np.minimum(logp[rows, OUTSIDE], likeliest)
    return out


def align_cells(body: str, tags: np.ndarray, positions: np.ndarray, logp: np.ndarray, order: Sequence[str],
                config: DecoderConfig = DecoderConfig(), blanks: Sequence[int] = ()) -> list[tuple[int, int, str]]:
    """The best monotone assignment of the body's numbers to the template ``order``: (start, end, field) cells.

    ``logp[k]`` is the model's log-probability row for the character at ``positions[k]``. A blank
    cell may take a template field (no value): a field left out without one costs ``config.skip_penalty``.
    ``blanks``: positions of blank cells the body no longer shows (``BodyView.folded_blanks``).
    """
    cells = _align(body, positions, logp, [order], config, _layout(body, tags, positions, config, blanks))[0][1]
    return [c for c in cells if c[0] < c[1]]


@dataclass(frozen=True)
class _Layout:
    """What the alignment reads of a body whatever the template: its numbers' slots and printed rows."""
    row_of: dict
    bare: list
    slots: list
    rows: list
    figure_rows: set
    in_bare_line: np.ndarray
    cell_start: list
    row_neighbour: list
    row_opener: list
    row_member: list
    index: dict


def _layout(body: str, tags: np.ndarray, positions: np.ndarray, config: DecoderConfig, blanks: Sequence[int] = (),
            max_cell_digits: int = 7) -> _Layout | None:
    """The body's side of :func:`_align`, computed once for every template tried (None: no number)."""
    row_of = {int(p): k for k, p in enumerate(positions)}
    tokens = [(s, e) for s, e in numbers(body, tags) if all(i in row_of for i in range(s, e))]
    if not tokens:
        return None
    bare = bare_lines(body, [s for s, _ in tokens]) if config.bare_rows else []
    slots = _slots(body, tokens, blanks, max_cell_digits)
    rows = _printed_rows(body, slots, config.full_row)
    cell_start, row_neighbour = _cell_slots(body, slots, rows)
    row_opener = _row_openers(cell_start, row_neighbour, rows)
    return _Layout(row_of, bare, slots, rows, {row for row, (_, s, _, _) in zip(rows, slots) if s >= 0},
                   _marked(body, bare)[[i for i, _, _, _ in slots]], cell_start, row_neighbour, row_opener,
                   _row_members(cell_start, row_neighbour, row_opener, slots, rows, config.trailing_blank_columns),
                   {(i, s): k for k, (i, s, _, _) in enumerate(slots)})


def _align(body: str, positions: np.ndarray, logp: np.ndarray, orders: Sequence[Sequence[str]],
           config: DecoderConfig, layout: _Layout | None, max_cell_digits: int = 7) -> list[tuple[float, list]]:
    """:func:`align_cells` for each template of ``orders``, with the score of its assignment (log-probability
    gain over no cells at all), over the body's :func:`_layout` (computed once for every template).

    The templates run through one dynamic programme side by side, a row of states each (one numpy call
    per step for all of them: the steps' Python is most of a decoder's time). A shorter template's
    extra states are -inf and its extra fields can never be taken, so each row computes what it would
    alone, to the bit."""
    skip_penalty, restart_penalty, row_skip = config.skip_penalty, config.restart_penalty, config.row_skip_penalty
    if layout is None or not any(orders):
        return [(0.0, []) for _ in orders]
    row_of, slots, rows, figure_rows, index = layout.row_of, layout.slots, layout.rows, layout.figure_rows, layout.index
    in_bare_line, cell_start, row_neighbour = layout.in_bare_line, layout.cell_start, layout.row_neighbour
    row_opener, row_member = layout.row_opener, layout.row_member
    sizes = [len(order) for order in orders]
    n, T = max(sizes), len(orders)
    arange = np.arange(n)
    real = arange[None, :] < np.array(sizes)[:, None]  # (template, field): a field the template has
    real_state = np.concatenate([np.ones((T, 1), dtype=bool), real], axis=1)

    def per_field(values, pad, dtype) -> np.ndarray:
        out = np.full((T, n), pad, dtype=dtype)
        for t, v in enumerate(values):
            out[t, :len(v)] = v
        return out

    # the model's rows for each template's fields, taken once (a slot reads views of them)
    begin_lp = np.full((T, len(positions), n), -np.inf, dtype=logp.dtype)
    inside_lp, outside_lp = begin_lp.copy(), np.empty((T, len(positions)), dtype=logp.dtype)
    for t, order in enumerate(orders):
        blind = row_blind(body, positions, logp, order, layout.bare)
        begin_lp[t, :, :len(order)] = blind[:, [LABEL_IDS[f"B-{f}"] for f in order]]
        inside_lp[t, :, :len(order)] = blind[:, [LABEL_IDS[f"I-{f}"] for f in order]]
        outside_lp[t] = blind[:, OUTSIDE]
    states = np.arange(n + 1)[None, :]
    sizes_col = np.array(sizes)[:, None]
    mid_table = (states > 0) & (states < sizes_col)
    before_end = states < sizes_col
    not_first = per_field([np.where(_first_columns(o), 0.0, config.opener_penalty) for o in orders], 0.0, float)
    # a template's extra fields pass every test: their -inf scores are kept as they are
    is_change = per_field([[FIELDS[f].kind == "change" for f in o] for o in orders], True, bool)
    is_decimal = per_field([[FIELDS[f].kind == "decimal" for f in o] for o in orders], True, bool)
    N = len(slots)
    neg = -1e18
    dp = np.full((N + 1, T, n + 1), neg)
    dp[:, ~real_state] = -np.inf
    dp[0, :, 0] = 0.0
    # back-pointers: previous slot, previous j, field index or -1 (a template has at most a few hundred
    # fields: int16 keeps a 50,000-value page's pointers at 8 bytes a state)
    back_k = np.zeros((N + 1, T, n + 1), dtype=np.int32)
    back_j, back_f = (np.zeros((N + 1, T, n + 1), dtype=np.int16) for _ in range(2))
    every_j, no_field, each_field = np.arange(n + 1), np.full(n + 1, -1), np.concatenate([[-1], arange])
    ramps = {True: row_skip * arange, False: skip_penalty * arange}
    either_lp: dict[int, np.ndarray] = {}  # begin or inside, per row, as the alignment asks for it
    cand = np.empty((T, n + 1))  # a candidate row: no field (j = 0) is never a cell
    first_state = np.zeros((T, 1), dtype=np.int64)

    def relax(target: int, src: int, cand: np.ndarray, prev_j: np.ndarray, field: np.ndarray) -> None:
        better = cand > dp[target]
        if better.any():
            np.copyto(dp[target], cand, where=better)
            np.copyto(back_k[target], src, where=better)
            np.copyto(back_j[target], prev_j, where=better)
            np.copyto(back_f[target], field, where=better)

    def relax_cell(target: int, src: int, fits: np.ndarray, prev_j: np.ndarray) -> None:
        cand[:, 0], cand[:, 1:] = neg, fits
        relax(target, src, cand, prev_j, each_field)

    for k, (i, s, e, can_start) in enumerate(slots):
        row = dp[k]
        if row.max() <= neg / 2:
            continue
        # untagged, free relative to O: a blank, or a whole number (a run's digits are all cells or none);
        # a delimited cell of a row of figures left without a field costs
        if s < 0 or i == s:
            cost = row_skip if row_member[k] else config.blank_penalty
            charged = before_end if in_bare_line[k] else mid_table  # a label-less row before the first is no less a row
            pass_over = row - charged * cost if cell_start[k] and rows[k] in figure_rows else row
            after = k + 1 if s < 0 else index[(e - 1, s)] + 1
            relax(after, k, pass_over, every_j, no_field)
        if not can_start:
            continue
        # best state to come from for each target field j': max over j <= j' of dp[k][j] - penalty * (j' - j)
        ramp = ramps[bool(row_neighbour[k])]
        lifted = row[:, :n] + ramp
        running = np.maximum.accumulate(lifted, axis=1)
        best_j = np.maximum.accumulate(np.where(lifted == running, arange, 0), axis=1)
        start = running - ramp
        # going back in the template (a page that prints a table's rows out of order) costs a fixed price:
        # for field j', the best state j > j' to come back from. A printed row never goes back in the
        # template mid-row, nor a label-less one at all: only its label would tell that the page printed
        # it out of order
        if not row_neighbour[k] and not in_bare_line[k]:
            later = row[:, 1:][:, ::-1]
            later_run = np.maximum.accumulate(later, axis=1)
            later_max = later_run[:, ::-1] - restart_penalty
            later_j = n - np.maximum.accumulate(np.where(later == later_run, arange, 0), axis=1)[:, ::-1]
            use = later_max > start
            best_j, start = np.where(use, later_j, best_j), np.where(use, later_max, start)
        if row_opener[k]:
            start = start - not_first
        from_j = np.concatenate([first_state, best_j], axis=1)
        if s < 0:  # a blank cell takes the field, nothing is tagged
            relax_cell(k + 1, k, start, from_j)
            continue
        r = row_of[i]
        score = start + begin_lp[:, r] - outside_lp[:, r, None]
        if body[i] in SIGNS and i + 1 < e and body[i + 1].isdigit():  # +24, 减3: only a change cell is signed
            score = np.where(is_change, score, neg)
        cuts = _cut_set(body, s, e, max_cell_digits)
        for b in range(i + 1, min(e, i + config.max_cell) + 1):
            if b > i + 1:
                r = row_of[b - 1]
                # in a cell whose bounds are fixed, only the field matters: begin or inside alike
                if not cuts and r not in either_lp:
                    either_lp[r] = np.logaddexp(inside_lp[:, r], begin_lp[:, r])
                inside = inside_lp[:, r] if cuts else either_lp[r]
                score = score + inside - outside_lp[:, r, None]
            if (b == e or b - s in cuts) and _cell_ok(body[i:b]):
                target = index[(b, s)] if b < e else index[(b - 1, s)] + 1
                fits = np.where(is_decimal, score, neg) if _fraction(body[i:b]) else score  # 11918.904 counts nothing
                relax_cell(target, k, fits, from_j)
    return [_traceback(dp, back_k, back_j, back_f, t, len(order), skip_penalty, slots, order)
            for t, order in enumerate(orders)]


def _traceback(dp, back_k, back_j, back_f, t: int, n: int, skip_penalty: float, slots: list,
               order: Sequence[str]) -> tuple[float, list]:
    """Template ``t``'s best assignment and its score, read back from the programme's pointers."""
    N = len(slots)
    final = dp[N, t, :n + 1] - skip_penalty * (n - np.arange(n + 1))
    j = int(final.argmax())
    cells = []
    k = N
    while k > 0:
        prev_k, prev_j, f = int(back_k[k, t, j]), int(back_j[k, t, j]), int(back_f[k, t, j])
        i, s, _, _ = slots[prev_k]
        if f >= 0:  # a number's cell, or a blank cell (zero width) that took the field
            cells.append((i, slots[k - 1][0] + 1 if s >= 0 else i, order[f]))
        k, j = prev_k, prev_j
    return float(final[int(final.argmax())]), cells[::-1]


@dataclass
class Decoded:
    """The decoder's answer: the template that fits (``format``), its cells (a blank cell that took a
    field has ``start == end``), and the numbers whose model tags the cells replace."""
    format: str
    cells: list[tuple[int, int, str]]
    replaced: list[tuple[int, int]]


def decode_tables(body: str, tags: np.ndarray, positions: np.ndarray, logp: np.ndarray,
                  config: DecoderConfig = DecoderConfig(), blanks: Sequence[int] = (),
                  max_cell_digits: int = 7) -> Decoded | None:
    """The table cells in the template of ``config.formats`` that fits best (None when nothing can be
    decoded). ``blanks``: blank cells the body no longer shows (``BodyView.folded_blanks``);
    ``max_cell_digits``: an integer with more digits is cells run together (``FieldConfig``)."""
    if not config.formats or not len(positions):
        return None
    layout = _layout(body, tags, positions, config, blanks, max_cell_digits)
    orders = [template(f) for f in config.formats]
    # side by side, the templates' states are all in memory at once: a page of tens of thousands of
    # values (a hostile one) aligns them one after the other, in the memory of one (the same cells)
    groups = [orders] if layout is None or len(layout.slots) <= SIDE_BY_SIDE_SLOTS else [[o] for o in orders]
    aligned = [fit for group in groups for fit in _align(body, positions, logp, group, config, layout, max_cell_digits)]
    fits = [(score, cells, f) for (score, cells), f in zip(aligned, config.formats)]
    _, cells, fmt = max(fits, key=lambda fit: fit[0])
    decoded = set(int(p) for p in positions)
    replaced = [(s, e) for s, e in numbers(body, tags, with_marks=True) if all(i in decoded for i in range(s, e))]
    return Decoded(fmt, cells, replaced)


def cell_spans(cells: Sequence[tuple[int, int, str]], positions: np.ndarray, logp: np.ndarray,
               by: str = "decoder") -> list[TagSpan]:
    """Spans of the non-blank cells, scored like a tag sequence: the lowest probability of their
    characters' labels (``B-`` for the first, ``I-`` for the rest)."""
    row_of = {int(p): k for k, p in enumerate(positions)}
    out = []
    for s, e, f, *rest in cells:
        if s < e:
            out.append(TagSpan(s, e, f, label_score(row_of, logp, s, e, f), rest[0] if rest else by,
                               rest[1] if len(rest) > 1 else None))
    return out


def label_score(row_of: dict[int, int], logp: np.ndarray, s: int, e: int, label: str) -> float:
    """The lowest probability the model gives ``label`` over the characters of ``s:e`` it scored fully
    (``row_of``: character → row of ``logp``), ``B-`` for the first and ``I-`` for the rest."""
    probs = [float(np.exp(logp[row_of[i], LABEL_IDS[("B-" if i == s else "I-") + label]]))
             for i in range(s, e) if i in row_of]
    return min(probs, default=0.0)
