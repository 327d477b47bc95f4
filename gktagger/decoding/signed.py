"""Signed table-2 rows run together: ``行政处罚58+2497`` is 上一年项目数量 58, then 本年增/减 and 处理决定数量
in ``+2497``, as much +2 | 497 as +24 | 97 (2019 template).

The count before the sign is one cell: the label ends before it and the sign after it. The digits
after the sign are two cells, read as ``identities.T2_SIGNED_TAIL``: table 2 has no identity, so
only a cell's form (no leading zero but 0) narrows them. One reading decides both cells; where
several remain, the change and the decisions are left undecided (their run, its readings with the
sign, no value). The fees row ends with its change (``T2_SIGNED_END``): nothing to decide there.
A row whose decisions stand apart (``58+24 97``) is the decoder's. Whatever was tagged in such a
row before (a table-3 cell, a split of the run) is replaced.

>>> text = "行政处罚58+2497\\n行政强制12-310\\n行政许可7增10\\n行政事业性收费21+11\\n"
>>> rows = signed_rows(text)
>>> [(text[s.start:s.end], s.label, s.by) for s in rows.spans]  # doctest: +NORMALIZE_WHITESPACE
[('58', 't2.penalty.prev_items', 'signed'), ('12', 't2.coercion.prev_items', 'signed'),
 ('7', 't2.licensing.prev_items', 'signed'), ('增1', 't2.licensing.change', 'split'),
 ('0', 't2.licensing.decisions', 'split'), ('21', 't2.fees.prev_items', 'signed'),
 ('+11', 't2.fees.change', 'signed')]
>>> [(text[s.start:s.end], s.label, c) for s, c in rows.undecided][:3]  # doctest: +NORMALIZE_WHITESPACE
[('+2497', 't2.penalty.change', [[24, 97], [2, 497], [249, 7]]),
 ('+2497', 't2.penalty.decisions', [[24, 97], [2, 497], [249, 7]]),
 ('-310', 't2.coercion.change', [[-3, 10], [-31, 0]])]
"""
from __future__ import annotations

import re
from typing import Callable

from gktagger.decoding.fields import RowsRead, shape_readings
from gktagger.identities import T2_SIGNED_END, T2_SIGNED_TAIL
from gktagger.lexicon import SIGNS
from gktagger.schema import FIELDS
from gktagger.tagging.tags import TagSpan

# The items whose row has a change; their label as the catalogue words it.
ITEMS = {f.row: f.label.split()[0] for f in FIELDS.values() if f.table == "t2" and f.col == "change"}
_SIGN = "[" + re.escape(SIGNS) + "]"
ROWS = [(item, re.compile(r"\s*".join(map(re.escape, words))  # a label may wrap
                          + rf"[ \t|]*(\d+)?[ \t]*({_SIGN})(\d+)(?![\d.,])(?![ \t|]*\d)"))
        for item, words in ITEMS.items()]
MAX_CANDIDATES = 12


def signed_rows(text: str, score: Callable[[int, int, str], float] = lambda s, e, l: 1.0,
                limit: int = MAX_CANDIDATES) -> RowsRead:
    """The signed rows of ``text``: spans read, undecided runs, and each row's extent."""
    out = RowsRead()
    for item, row in ROWS:
        for m in row.finditer(text):
            if not _read_tail(out, item, m.start(2), m.group(2), m.group(3), score, limit):
                continue  # one digit after the sign: no reading as two cells, the row stays as tagged
            out.extents.append((m.start(), m.end()))
            if m.group(1):
                s, e, fid = *m.span(1), f"t2.{item}.prev_items"
                out.spans.append(TagSpan(s, e, fid, score(s, e, fid), "signed", "the count before the sign"))
    out.spans.sort(key=lambda s: s.start)
    out.undecided.sort(key=lambda u: u[0].start)
    return out


def _read_tail(out: RowsRead, item: str, at: int, sign: str, digits: str, score, limit: int) -> bool:
    """The cells after the sign: the change and the decisions count, or the change alone (fees)."""
    measures = ("change", "decisions") if f"t2.{item}.decisions" in FIELDS else ("change",)
    shape = T2_SIGNED_TAIL if len(measures) == 2 else T2_SIGNED_END
    negative = sign in "-减"
    readings = [[-r[0] if negative else r[0], *r[1:]] for r in shape_readings(digits, shape, limit)]
    fids, end = [f"t2.{item}.{m}" for m in measures], at + 1 + len(digits)
    if len(readings) == 1:
        widths = [1 + len(str(abs(readings[0][0]))), *(len(str(v)) for v in readings[0][1:])]
        by = "split" if len(fids) > 1 else "signed"
        for fid, width in zip(fids, widths):
            out.spans.append(TagSpan(at, at + width, fid, score(at, at + width, fid), by, f"{shape.name}: one reading"))
            at += width
    elif readings:
        rule = f"sign between digits: {len(readings)} readings, no identity decides"
        out.undecided += [(TagSpan(at, end, fid, score(at, end, fid), "signed", rule), readings) for fid in fids]
    return bool(readings)
