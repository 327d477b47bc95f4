"""From tagged spans (raw offsets) to the ``fields`` of a record.

A figure may be tagged several times (a table cell and a prose mention); the
table cell is the reported value (fields.md §5). A mention followed by a
measure word (件, 条 …) is prose; a bare number is a table cell.

>>> from gktagger.tags import TagSpan
>>> raw = "予以公开3件。予以公开\\t3"
>>> f, others = choose_fields(raw, [TagSpan(4, 5, "t3.granted.total", 0.9), TagSpan(12, 13, "t3.granted.total", 0.8)])
>>> f["t3.granted.total"]["start"], others[0]["start"]
(12, 4)
"""
from __future__ import annotations

from typing import Iterable

from .lexicon import MEASURE_WORDS, NOT_A_COUNT
from .schema import FIELDS
from .tags import TagSpan
from .values import parse_value


def is_prose(raw: str, end: int) -> bool:
    """A mention is prose when a measure word follows it (spaces and a line wrap skipped)."""
    i = end
    while i < len(raw) and raw[i].isspace():
        i += 1
    return i < len(raw) and raw[i] in MEASURE_WORDS


def field_entry(raw: str, span: TagSpan) -> dict | None:
    """The record entry of one tagged span, or None when its text holds no value."""
    text = raw[span.start:span.end]
    after = raw[span.end:span.end + 3].lstrip()
    if after[:1] in NOT_A_COUNT:
        return None
    value = parse_value(text, FIELDS[span.label].kind)
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
    return entry


def choose_fields(raw: str, spans: Iterable[TagSpan]) -> tuple[dict[str, dict], list[dict]]:
    """One entry per field ID (the first table mention, else the first prose mention), and the other mentions.

    The other mentions are kept so the validator can compare prose with tables.
    """
    candidates: dict[str, list[tuple[bool, int, dict]]] = {}
    for span in spans:
        if span.label not in FIELDS:
            continue
        entry = field_entry(raw, span)
        if entry is not None:
            candidates.setdefault(span.label, []).append((is_prose(raw, span.end), span.start, entry))
    out, others = {}, []
    for label in sorted(candidates, key=lambda l: min(c[1] for c in candidates[l])):
        ranked = sorted(candidates[label], key=lambda c: (c[0], c[1]))
        for prose, _, entry in ranked:
            if prose:
                entry["prose"] = True
        out[label] = ranked[0][2]
        others += [{"field": label, **entry} for _, _, entry in ranked[1:]]
    return out, sorted(others, key=lambda m: m["start"])
