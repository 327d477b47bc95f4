"""From tagged spans (raw offsets) to the ``fields`` of a record.

A figure may be tagged several times (a table cell and a prose mention); the
table cell is the reported value (fields.md §5). A mention followed by a
measure word (件, 条 …) is prose; a bare number is a table cell.

>>> from gktagger.tagging.tags import TagSpan
>>> raw = "予以公开3件。予以公开\\t3"
>>> f, others = choose_fields(raw, [TagSpan(4, 5, "t3.granted.total", 0.9), TagSpan(12, 13, "t3.granted.total", 0.8)])
>>> f["t3.granted.total"]["start"], others[0]["start"]
(12, 4)
"""
from __future__ import annotations

from typing import Iterable

from dataclasses import dataclass, field as datafield, replace
from itertools import combinations
from math import comb

from gktagger.decoding.values import parse_value
from gktagger.identities import LEGACY_ROW, RunShape
from gktagger.io.limits import DEFAULT_LIMITS
from gktagger.lexicon import MEASURE_WORDS, NOT_A_COUNT, PAGE_FOOTER, WHOLE_FIGURE
from gktagger.schema import FIELDS
from gktagger.tagging.tags import TagSpan


def is_prose(raw: str, end: int) -> bool:
    """A mention is prose when a measure word follows it (spaces and a line wrap skipped)."""
    i = end
    while i < len(raw) and raw[i].isspace():
        i += 1
    return i < len(raw) and raw[i] in MEASURE_WORDS


def whole_figures(text: str, spans: list[TagSpan]) -> list[TagSpan]:
    """Field spans that cover part of a figure written as prose (a measure word after it: ``23816件``
    tagged ``2381``) or of a date (``结转至2024年`` tagged ``202``) widened to the whole figure with its
    approximation marks; of two spans that become one, the more confident stays. Table runs (no
    measure word after them) are left to the decoder.

    >>> text = "收到申请23816件,结转至2024年"
    >>> [(text[s.start:s.end], s.rule) for s in whole_figures(text, [TagSpan(4, 8, "requests.received"),
    ...                                                               TagSpan(14, 17, "t3.carried_forward.total")])]
    [('23816', 'whole figure'), ('2024', 'whole figure')]
    """
    out: dict[tuple[int, int], TagSpan] = {}
    for span in sorted(spans, key=lambda s: s.start):
        if span.label in FIELDS:
            figure = next((m for m in WHOLE_FIGURE.finditer(text, max(0, span.start - 20), span.end + 20)
                           if m.start() <= span.start and span.end <= m.end()), None)
            if figure and figure.span() != (span.start, span.end) and (
                    is_prose(text, figure.end()) or text[figure.end():figure.end() + 1] in NOT_A_COUNT):
                span = replace(span, start=figure.start(), end=figure.end(), rule="whole figure")
        key = (span.start, span.end)
        if key not in out or span.score > out[key].score:
            out[key] = span
    return list(out.values())


def outside_footers(text: str, spans: list[TagSpan]) -> list[TagSpan]:
    """``spans`` without those in a page footer a PDF left in the text (``— 6 —``, ``第 3 页``): never a figure.

    >>> text = "复议维持 2\\n—6—\\n"
    >>> [text[s.start:s.end] for s in outside_footers(text, [TagSpan(5, 6, "t4.review.upheld"), TagSpan(9, 10, "t4.review.other")])]
    ['2']
    """
    footers = [m.span() for m in PAGE_FOOTER.finditer(text)]
    return [s for s in spans if not any(a <= s.start < b for a, b in footers)]


def field_entry(raw: str, span: TagSpan, max_digit_run: int = DEFAULT_LIMITS.max_digit_run) -> dict | None:
    """The record entry of one tagged span, or None when its text holds no value (or one of more than
    ``max_digit_run`` digits: ``bounds.py`` reports that run)."""
    text = raw[span.start:span.end]
    after = raw[span.end:span.end + 3].lstrip()
    if after[:1] in NOT_A_COUNT:
        return None
    value = parse_value(text, FIELDS[span.label].kind, max_digit_run)
    if value is None:
        return None
    entry = {"value": value.value, "text": text, "start": span.start, "end": span.end,
             "score": round(float(span.score), 4), "by": getattr(span, "by", "model")}
    if getattr(span, "rule", None):
        entry["rule"] = span.rule
    if value.na:
        entry["na"] = True
    if value.approx:
        entry["approx"] = True
    if value.unit:
        entry["unit"] = value.unit
    if value.warn:
        entry["warn"] = value.warn
    return entry


def run_readings(digits: str, cells: int, limit: int) -> list[list[int]]:
    """Ways to read a run of digits as ``cells`` numbers (none but 0 starts with 0), most even first.

    >>> run_readings("11315", 3, 4)
    [[1, 13, 15], [11, 3, 15], [11, 31, 5], [1, 1, 315]]
    """
    if comb(len(digits) - 1, cells - 1) > 5_000:  # a run this long is no table row: nothing to list
        return []
    out = []
    for cuts in combinations(range(1, len(digits)), cells - 1):
        parts = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, len(digits)))]
        if all(p == "0" or not p.startswith("0") for p in parts):
            out.append((max(map(len, parts)) - min(map(len, parts)), [int(p) for p in parts]))
    return [p for _, p in sorted(out, key=lambda c: c[0])[:limit]]


def shape_readings(digits: str, shape: RunShape, limit: int) -> list[list[int]]:
    """Readings of a run of digits as the cells of ``shape`` that keep its relations, most even first.

    >>> shape_readings("291574310", LEGACY_ROW, 12)
    [[2915, 74310], [291, 574310], [29, 1574310], [2, 91574310]]
    """
    every = run_readings(digits, len(shape.cells), 5_000)
    return [r for r in every if shape.keeps(r)][:limit]


def ambiguous_runs(fields: dict[str, dict], max_cell_digits: int, max_prose_digits: int, limit: int) -> list[str]:
    """Fields whose figure is a run of more digits than one value of its kind holds (``518230417`` as a
    table-2 count; ``291574310``, a legacy 本年 and 累计 run together): the value is withdrawn
    (``value: null``), the run's text kept, and its readings as the cells of its template row, or as two
    figures for a prose field, listed in ``candidates``. Returns the fields changed."""
    changed = []
    for fid, entry in fields.items():
        field, text = FIELDS[fid], entry.get("text", "")
        bound = max_prose_digits if field.group == "prose" else max_cell_digits
        if field.kind != "count" or not text.isdigit() or len(text) <= bound:
            continue
        row = [f for f in FIELDS.values() if f.table and (f.table, f.row) == (field.table, field.row)]
        cells = len({f.col for f in row if set(f.formats) & set(field.formats)}) if field.table else 2
        if field.table:
            readings = run_readings(text, min(cells, len(text)), limit)
        else:  # a legacy 本年 | 累计 run
            readings = shape_readings(text, LEGACY_ROW, limit)
        entry.update(value=None, ambiguous=True, candidates=readings)
        changed.append(fid)
    return changed


@dataclass
class RowsRead:
    """What a stage read from printed rows (``legacy.py``, ``signed.py``): spans, the runs it left
    undecided (a span over the run, its readings), and the rows' extents, where it replaces the
    fields tagged before."""
    spans: list[TagSpan] = datafield(default_factory=list)
    undecided: list[tuple[TagSpan, list[list[int]]]] = datafield(default_factory=list)
    extents: list[tuple[int, int]] = datafield(default_factory=list)

    def inside(self, at: int) -> bool:
        return any(a <= at < b for a, b in self.extents)

    def replace(self, text: str, spans: list[TagSpan]) -> list[TagSpan]:
        """``spans`` with the fields tagged inside the rows replaced by the rows', and without any other
        table cell of a field the rows read (a field has one cell; its prose mentions and the headings stay)."""
        read = {s.label for s in self.spans} | {s.label for s, _ in self.undecided}
        return [s for s in spans if s.label not in FIELDS or not self.inside(s.start)
                and (s.label not in read or is_prose(text, s.end))] + self.spans


def undecided_fields(raw: str, fields: dict[str, dict], mentions: list[dict], runs) -> None:
    """Enter each undecided run (raw span, readings) as its field, the table cell the layout shows:
    ``value: null``, its run's text and offsets, ``candidates``. A prose entry it displaces becomes
    a mention.

    >>> from gktagger.text.body import RawSpan
    >>> fields, mentions = {"t4.review.total": {"value": 13, "text": "13", "start": 0, "end": 2, "prose": True}}, []
    >>> undecided_fields("13件 1383", fields, mentions, [(RawSpan(4, 8, "t4.review.total", 0.9), [[13, 83], [1, 383]])])
    >>> fields["t4.review.total"]["value"], fields["t4.review.total"]["candidates"], mentions[0]["text"]
    (None, [[13, 83], [1, 383]], '13')
    """
    for span, readings in runs:
        old = fields.get(span.label)
        if old is not None and not old.get("prose") and old["start"] < span.start:
            continue
        if old is not None:
            mentions.append({"field": span.label, **old})
        fields[span.label] = {"value": None, "ambiguous": True, "text": raw[span.start:span.end], "start": span.start,
                              "end": span.end, "score": round(float(span.score), 4), "by": span.by, "rule": span.rule,
                              "candidates": readings}
    mentions.sort(key=lambda m: m["start"])


def choose_fields(raw: str, spans: Iterable[TagSpan], max_digit_run: int = DEFAULT_LIMITS.max_digit_run,
                  prose: set[tuple[int, int, str]] | None = None) -> tuple[dict[str, dict], list[dict]]:
    """One entry per field ID (the first table mention, else the first prose mention), and the other mentions.
    A span of more than ``max_digit_run`` digits is neither. ``prose``: the spans (start, end, label) that
    are prose, as the normalised text shows it (``300余條``: a traditional measure word); else judged on ``raw``.

    The other mentions are kept so the validator can compare prose with tables.
    """
    in_prose = (lambda s: (s.start, s.end, s.label) in prose) if prose is not None else (lambda s: is_prose(raw, s.end))
    candidates: dict[str, list[tuple[bool, int, dict]]] = {}
    for span in spans:
        if span.label not in FIELDS:
            continue
        entry = field_entry(raw, span, max_digit_run)
        if entry is not None:
            candidates.setdefault(span.label, []).append((in_prose(span), span.start, entry))
    out, others = {}, []
    for label in sorted(candidates, key=lambda l: min(c[1] for c in candidates[l])):
        ranked = sorted(candidates[label], key=lambda c: (c[0], c[1]))
        for prose, _, entry in ranked:
            if prose:
                entry["prose"] = True
        out[label] = ranked[0][2]
        others += [{"field": label, **entry} for _, _, entry in ranked[1:]]
    return out, sorted(others, key=lambda m: m["start"])
