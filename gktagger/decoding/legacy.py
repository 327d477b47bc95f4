"""Legacy (≤2018) statistics tables: 指标名称 | 单位 | 本年度 | 历年累计, one row per figure.

A row whose label has a field ID (``lexicon.LEGACY_ROW_WORDS``, wrapped or not) gives that field
its 本年度 cell (GUIDELINES: only the report year's column). Printed apart (``条 2915 74310``), the
first figure is it, unless the pair breaks 本年 ≤ 累计: then the page prints its columns in another
order than its header, or misprints, and the row is left as tagged. Run together (``条291574310``),
the digits are read as the cells of ``identities.LEGACY_ROW``: no cell but 0 starts with 0, and
本年 ≤ 累计. One reading decides the split; where several remain, the figure the same field states
in prose picks one of them (a figure stated twice has one value, fields.md §5); otherwise the field
is left undecided: its run and its readings, no value. A digit before ``.``/``、`` that opens the
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
from gktagger.decoding.values import parse_value
from gktagger.identities import LEGACY_ROW
from gktagger.lexicon import HANZI, LEGACY_HEADER, LEGACY_ROW_WORDS
from gktagger.schema import FIELDS
from gktagger.tagging.tags import TagSpan

HEADER = re.compile(LEGACY_HEADER)
ROWS = [(fid, re.compile(re.sub(f"([{HANZI}])", r"\1\\n?", words), re.MULTILINE))  # a label may wrap
        for fid, words in LEGACY_ROW_WORDS]
# After a row's label: its unit, then its figures up to the next label (or the next row's ordinal).
CELLS = re.compile(r"[ \t|]*(?:万元|元|条|件|个|项|次)?[ \t|]*(\d+?(?:[ \t|]+\d+?)*?)"
                   r"(?=[ \t|]*(?:\d[.、．]\D|[^\d \t|]|$))")
TABLE_SPAN = 4_000  # characters after a header where its rows may be
MAX_CANDIDATES = 12


def _prose_figures(text: str, spans: list[TagSpan]) -> dict[str, set]:
    """Exact figures the prose states per field (approximate ones decide nothing)."""
    out: dict[str, set] = {}
    for s in spans:
        if s.label in FIELDS and is_prose(text, s.end):
            v = parse_value(text[s.start:s.end])
            if v is not None and v.value is not None and not v.approx:
                out.setdefault(s.label, set()).add(v.value)
    return out


def _rows(text: str, start: int, end: int):
    """(field ID, label start, cells start, cells) of each row with a field ID between ``start`` and ``end``."""
    for fid, words in ROWS:
        for m in words.finditer(text, start, end):
            cells = CELLS.match(text, m.end())
            if cells:
                yield fid, m.start(), cells.start(1), cells.group(1)


def legacy_rows(text: str, spans: list[TagSpan], score: Callable[[int, int, str], float] = lambda s, e, l: 1.0,
                limit: int = MAX_CANDIDATES) -> RowsRead:
    """The field rows of every legacy statistics table in ``text`` (see the module docstring)."""
    out, prose = RowsRead(), _prose_figures(text, spans)
    starts = [m.span() for m in HEADER.finditer(text)]
    for (_, end), (after, _) in zip(starts, starts[1:] + [(len(text), None)]):
        for fid, label, at, cells in _rows(text, end, min(after, end + TABLE_SPAN)):
            if _read_row(out, fid, at, cells, prose.get(fid, set()), score, limit):
                out.extents.append((label, at + len(cells)))
    return out


def _read_row(out: RowsRead, fid: str, at: int, cells: str, prose: set, score, limit: int) -> bool:
    """Whether the row could be read: as printed, split, or undecided."""
    figures = cells.split()
    first = figures[0]
    if len(figures) == 2 and LEGACY_ROW.keeps([int(f) for f in figures]):
        out.spans.append(TagSpan(at, at + len(first), fid, score(at, at + len(first), fid), "legacy", "本年度 column"))
        return True
    if len(figures) > 1:
        return False
    readings = shape_readings(first, LEGACY_ROW, limit)
    if len(readings) > 1 and len([r for r in readings if r[0] in prose]) == 1:
        readings, rule = [r for r in readings if r[0] in prose], "本年 ≤ 累计 and the prose figure"
    else:
        rule = "本年 ≤ 累计: one reading"
    if len(readings) == 1:
        end = at + len(str(readings[0][0]))
        out.spans.append(TagSpan(at, end, fid, score(at, end, fid), "split", rule))
    elif readings:
        end = at + len(first)
        out.undecided.append((TagSpan(at, end, fid, score(at, end, fid), "legacy",
                                      f"本年 ≤ 累计 leaves {len(readings)} readings"), readings))
    return bool(readings)
