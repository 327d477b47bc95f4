"""The validator: every rule evaluated on a record's fields, one place, rules as data.

Table identities come from :mod:`gktagger.identities`; the prose rules below
are soft: they fail only where no reading of the prose fits the tables.

>>> rec = {"format": "2021", "fields": {"requests.received": {"value": 5},
...        "t3.new.total": {"value": 3}, "t3.carried_over.total": {"value": 2}}}
>>> [c["status"] for c in validate(rec) if c["rule"] == "prose.requests_received"]
['pass']
"""
from __future__ import annotations

from dataclasses import dataclass

from .bounds import warn_checks
from .identities import Identity, Outcome, check_tables, evaluate
from .schema import FIELDS, T4_RESULTS


@dataclass(frozen=True)
class OneOf:
    """``field`` must equal one of several readings, each a sum of fields."""
    rule: str
    field: str
    readings: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class NonNegative:
    rule: str
    field: str


PROSE_RULES = [
    OneOf("prose.requests_received", "requests.received",
          (("t3.new.total",), ("t3.new.total", "t3.carried_over.total"))),
    *[Identity("prose.t4_suit", r, (f"t4.suit.{r}",), (f"t4.suit_direct.{r}", f"t4.suit_after_review.{r}"))
      for r in T4_RESULTS],
    NonNegative("prose.proactive_total", "proactive.total"),
]


def _values(fields: dict) -> dict:
    return {k: (None if v.get("na") else v.get("value")) for k, v in fields.items()}


def _check_one_of(rule: OneOf, values: dict) -> Outcome | None:
    if rule.field not in values:
        return None
    involved = (rule.field,) + tuple(dict.fromkeys(f for r in rule.readings for f in r))
    stated = values[rule.field]
    sums = [(r, sum(values[f] for f in r)) for r in rule.readings if all(values.get(f) is not None for f in r)]
    if stated is None or not sums:
        return Outcome(rule.rule, rule.field, "unknown", "no table value to compare with", involved)
    fits = [r for r, total in sums if abs(total - stated) < 1e-6]
    shown = " or ".join(f"{'+'.join(r)} ({total:g})" for r, total in sums)
    if fits:
        return Outcome(rule.rule, rule.field, "pass", f"{rule.field} ({stated:g}) = {'+'.join(fits[0])}", involved)
    return Outcome(rule.rule, rule.field, "fail", f"{rule.field} ({stated:g}) ≠ {shown}", involved)


def _check_prose_identity(rule: Identity, values: dict) -> Outcome | None:
    # only where the prose states the undivided figure and the table states at least one part
    if rule.lhs[0] not in values or not any(f in values for f in rule.rhs):
        return None
    return evaluate(rule, values)


def _check_non_negative(rule: NonNegative, values: dict) -> Outcome | None:
    if values.get(rule.field) is None:
        return None
    v = values[rule.field]
    return Outcome(rule.rule, rule.field, "pass" if v >= 0 else "fail", f"{rule.field} = {v:g}", (rule.field,))


def _check_mentions(mentions: list[dict], fields: dict) -> list[Outcome]:
    """A prose mention of a table-3 row total must agree with the table's cell."""
    out = []
    for m in mentions:
        fid = m["field"]
        table = fields.get(fid)
        if not (fid.startswith("t3.") and fid.endswith(".total") and m.get("prose")) \
                or table is None or table.get("prose") or m.get("value") is None:
            continue
        ok = table.get("value") is not None and abs(table["value"] - m["value"]) < 1e-6
        out.append(Outcome("prose.t3_total", f"{fid}@{m['start']}", "pass" if ok else "fail",
                           f"prose {m['text']} at {m['start']} {'=' if ok else '≠'} table {table.get('text')} "
                           f"at {table.get('start')}", (fid,)))
    return out


_CHECKERS = {OneOf: _check_one_of, Identity: _check_prose_identity, NonNegative: _check_non_negative}


def validate(record: dict) -> list[dict]:
    """All checks of a record, as the output contract's ``checks`` list."""
    fields = record.get("fields") or {}
    values = _values({k: v for k, v in fields.items() if k in FIELDS})
    outcomes = check_tables(values, record.get("format"))
    for rule in PROSE_RULES:
        o = _CHECKERS[type(rule)](rule, values)
        if o is not None:
            outcomes.append(o)
    outcomes += _check_mentions(record.get("mentions") or [], fields)
    return [{"rule": o.rule, "scope": o.scope, "status": o.status, "message": o.message, "fields": list(o.fields)}
            for o in outcomes] + warn_checks(record)


def revalidate(record: dict) -> dict:
    """Recompute ``checks`` and ``status`` of a (possibly hand-edited) record; error records stay as they are."""
    if record.get("status") == "error":
        return record
    record = dict(record)
    record["checks"] = validate(record)
    record["status"] = "invalid" if any(c["status"] == "fail" for c in record["checks"]) else "ok"
    return record


def _number_ok(value) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                             and value == value and value not in (float("inf"), float("-inf")))


def shape_problem(record) -> str | None:
    """Why a (hand-edited) record cannot be revalidated, in one line; None when it can.

    >>> shape_problem({"id": "a", "fields": {"t3.new.natural": {"value": "3"}}})
    't3.new.natural: value must be a number or null, not str'
    >>> shape_problem({"id": "a", "fields": [], "checks": []})
    'fields must be an object, not list'
    >>> shape_problem({"id": "a", "fields": {}, "mentions": [{"field": "x", "value": 1}]}) is None
    False
    """
    if not isinstance(record, dict):
        return f"a record must be a JSON object, not {type(record).__name__}"
    fields = record.get("fields", {})
    if not isinstance(fields, dict):
        return f"fields must be an object, not {type(fields).__name__}"
    entries = [(fid, e) for fid, e in fields.items()]
    mentions = record.get("mentions") or []
    if not isinstance(mentions, list):
        return f"mentions must be a list, not {type(mentions).__name__}"
    entries += [(f"mention {i + 1}", m) for i, m in enumerate(mentions)]
    for name, entry in entries:
        if not isinstance(entry, dict):
            return f"{name}: must be an object, not {type(entry).__name__}"
        if not _number_ok(entry.get("value")):
            return f"{name}: value must be a number or null, not {type(entry.get('value')).__name__}"
        for key in ("start", "end"):
            if key in entry and (not isinstance(entry[key], int) or isinstance(entry[key], bool)):
                return f"{name}: {key} must be an integer"
        if name.startswith("mention") and not isinstance(entry.get("start"), int):
            return f"{name}: start must be an integer"
        if name.startswith("mention") and not isinstance(entry.get("field"), str):
            return f"{name}: field must be a field ID"
    return None


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def revalidate_lines(lines, source: str):
    """``(record, problem)`` per non-empty line: the revalidated record, or an error record and why.
    A bad line never stops the others."""
    import json

    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line, parse_constant=_no_constants)
        except ValueError as e:
            why = f"line {n}: invalid JSON ({str(e).splitlines()[0][:80]})"
            yield {"id": f"{source}:{n}", "source": f"{source}:{n}", "status": "error", "error": why,
                   "format": "unknown", "year": None, "sections": [], "fields": {}, "checks": [], "mentions": []}, why
            continue
        problem = shape_problem(record)
        if problem is None:
            try:
                yield revalidate(record), None
                continue
            except Exception as e:  # noqa: BLE001 - one odd record must not stop the others
                problem = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        why = f"line {n}: {problem}"
        if isinstance(record, dict):
            yield {**record, "status": "error", "error": why}, why
        else:
            yield {"id": f"{source}:{n}", "source": f"{source}:{n}", "status": "error", "error": why,
                   "format": "unknown", "year": None, "sections": [], "fields": {}, "checks": [], "mentions": []}, why
