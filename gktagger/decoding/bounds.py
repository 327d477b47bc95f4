"""What the pipeline does not read as a value, said in the record: over-long digit runs, capped mentions.

A run of more digits than :attr:`Limits.max_digit_run` (longer than any table cell) is not a value of the
catalogue, and decoding it would cost memory per digit; it is reported as a mention with field
``digits.overlong`` instead of vanishing. Mentions past :attr:`Limits.max_mentions_per_field` per field
are dropped and counted in ``mentions_dropped``. :func:`warn_checks` turns these, and every field read
not quite as printed (its ``warn`` key), into checks with status ``warn``; the validator adds them, so
they survive ``gktagger validate``.

>>> record = {"fields": {}, "mentions": []}
>>> bound_record(record, "总数" + "1" * 40 + "件", Limits())["mentions"][0]["length"]
40
>>> [(c["rule"], c["status"]) for c in warn_checks(record)]
[('digits.overlong', 'warn')]
>>> overlong_runs("共1234567890件"), overlong_runs("共1234567890件", max_digit_run=8)
([], [(1, 11)])
"""
from __future__ import annotations

import re
from collections import Counter

from gktagger.io.limits import DEFAULT_LIMITS, Limits

OVERLONG = "digits.overlong"
SHOWN_DIGITS = 40


def overlong_runs(text: str, max_digit_run: int = DEFAULT_LIMITS.max_digit_run) -> list[tuple[int, int]]:
    """``(start, end)`` of each digit run (ASCII or full-width, thousands separators inside) of more
    than ``max_digit_run`` digits."""
    pattern = re.compile(r"[0-9０-９](?:[0-9０-９,，]*[0-9０-９])?")
    return [m.span() for m in pattern.finditer(text)
            if sum(c.isdigit() for c in m.group()) > max_digit_run]


def bound_record(record: dict, doc, limits: Limits = DEFAULT_LIMITS) -> dict:
    """``record`` with its over-long digit runs as mentions and its mentions capped per field (in place).
    ``doc``: the :class:`~gktagger.io.document.Document` (or its text); runs are found in the text the
    model reads and reported in the offsets of the record (an HTML page's source)."""
    mentions = list(record.get("mentions") or [])
    text_of = doc if isinstance(doc, str) else doc.text
    raw = doc if isinstance(doc, str) else doc.raw
    for start, end in overlong_runs(text_of, limits.max_digit_run):
        if not isinstance(doc, str) and doc.source_offsets is not None:
            start, end = doc.to_source(start, end)
        text = raw[start:end]
        mentions.append({"field": OVERLONG, "value": None, "start": start, "end": end, "length": end - start,
                         "text": text if len(text) <= SHOWN_DIGITS else text[:SHOWN_DIGITS] + "…"})
    kept, dropped = [], Counter()
    per_field = Counter()
    for m in sorted(mentions, key=lambda m: m.get("start") or 0):
        per_field[m.get("field")] += 1
        if per_field[m.get("field")] > limits.max_mentions_per_field:
            dropped[m.get("field")] += 1
        else:
            kept.append(m)
    record["mentions"] = kept
    if dropped:
        record["mentions_dropped"] = dict(dropped)
    return record


def warn_checks(record: dict) -> list[dict]:
    """Checks with status ``warn``: values read not quite as printed, digit runs not read, mentions dropped."""
    out = []
    for fid, entry in (record.get("fields") or {}).items():
        if isinstance(entry, dict) and entry.get("warn"):
            out.append({"rule": "value.read", "scope": fid, "status": "warn", "message": str(entry["warn"]),
                        "fields": [fid]})
    for m in record.get("mentions") or []:
        if isinstance(m, dict) and m.get("field") == OVERLONG:
            out.append({"rule": OVERLONG, "scope": f"@{m.get('start')}", "status": "warn",
                        "message": f"a run of {m.get('length')} digits at {m.get('start')} is longer than any "
                                   "table cell: not read as a value", "fields": []})
    dropped = record.get("mentions_dropped")
    if isinstance(dropped, dict):
        for fid, n in dropped.items():
            out.append({"rule": "mentions.capped", "scope": str(fid), "status": "warn",
                        "message": f"{n} more mentions of {fid} not kept", "fields": []})
    return out
