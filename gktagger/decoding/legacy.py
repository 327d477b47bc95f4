"""Legacy (≤2018) statistics tables: 指标名称 | 单位 | 本年度 | 历年累计, one row per figure.

A row whose label has a field ID (``lexicon.LEGACY_ROW_WORDS``, wrapped or not) gives that field
its 本年度 cell (GUIDELINES: only the report year's column). Printed apart (``条 2915 74310``), the
first figure is it, unless the pair breaks 本年 ≤ 累计: then the page prints its columns in another
order than its header, or misprints, and the row is left as tagged. Run together (``条291574310``),
the digits are read as the cells of ``identities.LEGACY_ROW``: no cell but 0 starts with 0, and
本年 ≤ 累计. One reading decides the split; where several remain, the figure the same field states
in prose picks one of them (a figure stated twice has one value, fields.md §5), or an approximate one
(``160多``) the one of its size (a run's readings differ tenfold in 本年), and a 其中 list keeps the
readings under which it adds up to at most its total (``legacy_lists``); otherwise the field is left
undecided: its run and its readings, no value. A digit before ``.``/``、`` that opens the
next row's label is its ordinal, not a cell (``条002.同意…``). What the model tagged in a row read
is replaced, and so is any other table cell of its field.

>>> from gktagger.tagging.tags import TagSpan
>>> text = ("全年主动公开政府信息2915条。\\n指标名称单位本年度历年累计\\n主动公开文件数条291574310\\n"
...         "受理申请总数件728\\n行政复议数件1383\\n行政诉讼数件 3 28\\n")
>>> table = legacy_rows(text, [TagSpan(10, 14, "proactive.total"), TagSpan(39, 48, "proactive.total")])
>>> [(text[s.start:s.end], s.label, s.by, s.rule) for s in table.spans]  # doctest: +NORMALIZE_WHITESPACE
[('2915', 'proactive.total', 'split', '本年 ≤ 累计 and the prose figure'),
 ('7', 'requests.received', 'split', '本年 ≤ 累计: one reading'),
 ('3', 't4.suit.total', 'legacy', '本年度 column')]
>>> [(text[s.start:s.end], s.label, c) for s, c in table.undecided]
[('1383', 't4.review.total', [[13, 83], [1, 383]])]
>>> model = [TagSpan(10, 14, "proactive.total"), TagSpan(39, 48, "proactive.total")]
>>> [text[s.start:s.end] for s in table.replace(text, model)]
['2915', '2915', '7', '3']
"""
from __future__ import annotations

import re
from typing import Callable

from gktagger.decoding.fields import RowsRead, is_prose, shape_readings
from gktagger.decoding.legacy_lists import CELLS_AFTER_LABEL, Row, narrow, part_lists, table_rows
from gktagger.decoding.values import parse_value
from gktagger.identities import LEGACY_ROW
from gktagger.lexicon import HANZI, LEGACY_HEADER, LEGACY_ROW_WORDS
from gktagger.schema import FIELDS
from gktagger.tagging.tags import TagSpan

HEADER = re.compile(LEGACY_HEADER)
ROWS = [(fid, re.compile(re.sub(f"([{HANZI}])", r"\1\\n?", words), re.MULTILINE))  # a label may wrap
        for fid, words in LEGACY_ROW_WORDS]
CELLS = re.compile(CELLS_AFTER_LABEL)
TABLE_SPAN = 4_000  # characters after a header where its rows may be
MAX_CANDIDATES = 12


def _prose_figures(text: str, spans: list[TagSpan]) -> tuple[dict[str, set], dict[str, set]]:
    """The figures the prose states per field: exact ones, and approximate ones (``160多``)."""
    exact: dict[str, set] = {}
    approx: dict[str, set] = {}
    for s in spans:
        if s.label in FIELDS and is_prose(text, s.end):
            v = parse_value(text[s.start:s.end])
            if v is not None and v.value is not None:
                (approx if v.approx else exact).setdefault(s.label, set()).add(v.value)
    return exact, approx


def _rows(text: str, start: int, end: int):
    """(field ID, label start, cells start, cells) of each row with a field ID between ``start`` and ``end``."""
    for fid, words in ROWS:
        for m in words.finditer(text, start, end):
            cells = CELLS.match(text, m.end())
            if cells:
                yield fid, m.start(), cells.start("cells"), cells.group("cells")


def legacy_rows(text: str, spans: list[TagSpan], score: Callable[[int, int, str], float] = lambda s, e, l: 1.0,
                limit: int = MAX_CANDIDATES) -> RowsRead:
    """The field rows of every legacy statistics table in ``text`` (see the module docstring)."""
    out, (exact, approx) = RowsRead(), _prose_figures(text, spans)
    starts = [m.span() for m in HEADER.finditer(text)]
    for (_, end), (after, _) in zip(starts, starts[1:] + [(len(text), None)]):
        stop = min(after, end + TABLE_SPAN)
        fields = {at: (fid, label, cells) for fid, label, at, cells in _rows(text, end, stop)}
        rows = table_rows(text, end, stop)
        rows += [Row("", at, cells) for at, (_, _, cells) in fields.items() if at not in {r.at for r in rows}]
        fids = [fields[r.at][0] if r.at in fields else None for r in rows]
        read = [_readings(r.cells, limit, exact.get(fid, set()), approx.get(fid, set())) for r, fid in zip(rows, fids)]
        readings = [r for r, _ in read]
        rules = {i: "本年 ≤ 累计 and its 其中 list" for i in narrow(readings, part_lists(rows))}
        for i, row in enumerate(rows):
            if row.at in fields and readings[i]:
                fid, label, cells = fields[row.at]
                _enter(out, fid, row.at, cells, readings[i], rules.get(i, read[i][1]), score)
                out.extents.append((label, row.at + len(cells)))
    return out


def _readings(cells: str, limit: int, prose: set, approx: set):
    """(readings, the rule that leaves them) of a row's figures; no readings where it cannot be read."""
    figures = cells.split()
    if len(figures) == 2 and LEGACY_ROW.keeps([int(f) for f in figures]):
        return [[int(f) for f in figures]], "本年度 column"
    if len(figures) > 1:
        return None, ""
    readings = shape_readings(figures[0], LEGACY_ROW, limit)
    stated = [r for r in readings if r[0] in prose]
    if len(readings) > 1 and len(stated) == 1:
        return stated, "本年 ≤ 累计 and the prose figure"
    # readings differ tenfold in 本年: one within a factor of two of an approximate figure is the one stated
    near = [r for r in readings if any(a / 2 <= r[0] <= 2 * a for a in approx)]
    if len(readings) > 1 and len(near) == 1:
        return near, "本年 ≤ 累计 and the prose figure's size"
    return readings, "本年 ≤ 累计: one reading"


def _enter(out: RowsRead, fid: str, at: int, cells: str, readings: list, rule: str, score) -> None:
    """A field's row: its 本年 figure where one reading is left, else the run left undecided."""
    if rule == "本年度 column":
        end = at + len(cells.split()[0])
        out.spans.append(TagSpan(at, end, fid, score(at, end, fid), "legacy", rule))
    elif len(readings) == 1:
        end = at + len(str(readings[0][0]))
        out.spans.append(TagSpan(at, end, fid, score(at, end, fid), "split", rule))
    else:
        end = at + len(cells)
        out.undecided.append((TagSpan(at, end, fid, score(at, end, fid), "legacy",
                                      f"本年 ≤ 累计 leaves {len(readings)} readings"), readings))
