"""Table-2 rows whose cells are run together with no sign: ``行政规范性文件46117380`` is 本年制发件数,
本年废止件数 and 现行有效件数 in one run, as much 46 | 117 | 380 as 4 | 611 | 7380.

Table 2 has no identity, so only a cell's form (no leading zero but 0) narrows such a run: where one
reading is left (``规章000``) it decides the row's cells; where several are, every cell of the row
is left undecided (its run, the readings, no value) instead of the model's guess at the cuts. A row
whose cells stand apart (``规章 0 0 0``) is the decoder's, a signed one ``signed.py``'s, and a row of
one cell or with an amount (a decimal) is left as tagged.

>>> text = "规章000\\n行政规范性文件46117380\\n行政许可5\\n"
>>> rows = run_together_rows(text, "2021")
>>> [(text[s.start:s.end], s.label) for s in rows.spans]
[('0', 't2.regulations.issued'), ('0', 't2.regulations.repealed'), ('0', 't2.regulations.in_force')]
>>> [(text[s.start:s.end], s.label, len(c)) for s, c in rows.undecided][:2]
[('46117380', 't2.normative.issued', 12), ('46117380', 't2.normative.repealed', 12)]
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from gktagger.decoding.fields import RowsRead, is_prose, run_readings
from gktagger.lexicon import SIGNS
from gktagger.schema import FIELDS, template
from gktagger.tagging.tags import TagSpan

MAX_CANDIDATES = 12
_AFTER_RUN = rf"(?![\d.,])(?![ \t]*[{re.escape(SIGNS)}])(?![ \t|]*\d)"  # no fraction, sign or further cell


@lru_cache(maxsize=4)
def _rows(fmt: str) -> list[tuple[list[str], re.Pattern]]:
    """(cells, pattern) of each table-2 row of the template that runs its cells together: its label
    (which may wrap) and one run of digits right after it."""
    cells: dict[str, list[str]] = {}
    for fid in template(fmt):
        if FIELDS[fid].table == "t2":
            cells.setdefault(FIELDS[fid].row, []).append(fid)
    out = []
    for row, fids in cells.items():
        if len(fids) < 2 or any(FIELDS[f].kind == "decimal" for f in fids):
            continue
        words = FIELDS[fids[0]].label.split()[0]
        out.append((fids, re.compile(r"\s*".join(map(re.escape, words)) + rf"[ \t|]*(\d+){_AFTER_RUN}")))
    return out


def run_together_rows(text: str, fmt: str | None, score: Callable[[int, int, str], float] = lambda s, e, l: 1.0,
                      limit: int = MAX_CANDIDATES) -> RowsRead:
    """The run-together table-2 rows of ``text`` in the ``fmt`` template (2019 or 2021; none else)."""
    out = RowsRead()
    if fmt not in ("2019", "2021"):
        return out
    for fids, row in _rows(fmt):
        for m in row.finditer(text):
            start, end = m.span(1)
            if is_prose(text, end):
                continue
            readings = run_readings(m.group(1), len(fids), limit)
            if not readings:
                continue
            out.extents.append((m.start(), m.end()))
            if len(readings) == 1:
                at = start
                for fid, value in zip(fids, readings[0]):
                    width = len(str(value))
                    out.spans.append(TagSpan(at, at + width, fid, score(at, at + width, fid), "table2",
                                             "cells run together: one reading"))
                    at += width
            else:
                rule = "cells run together: several readings, no identity decides"
                out.undecided += [(TagSpan(start, end, fid, score(start, end, fid), "table2", rule), readings)
                                  for fid in fids]
    out.spans.sort(key=lambda s: s.start)
    out.undecided.sort(key=lambda u: u[0].start)
    return out
