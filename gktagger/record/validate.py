"""The validator: every rule evaluated on a record's fields, one place, rules as data.

Table identities and the plausibility rules come from :mod:`gktagger.identities`;
the prose rules below are soft: they fail only where no reading of the prose
fits the tables. A check's ``status`` is ``pass``, ``fail``, ``unknown`` (a value
missing or NA) or ``warn`` (a plausibility rule that is not certain: it never
makes a record invalid). Its ``basis`` says whether its fields were read as
printed or placed by a step that made this very rule hold (``inferred``).

>>> rec = {"format": "2021", "fields": {"requests.received": {"value": 5},
...        "t3.new.total": {"value": 3}, "t3.carried_over.total": {"value": 2}}}
>>> [c["status"] for c in validate(rec) if c["rule"] == "prose.requests_received"]
['pass']
"""
from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass

from gktagger.decoding.bounds import warn_checks
from gktagger.decoding.values import fold
from gktagger.identities import (
                                 STEP_IDENTITIES,
                                 CountBound,
                                 CountIsInteger,
                                 Identity,
                                 MaxDecimals,
                                 NotAboveCumulative,
                                 Outcome,
                                 PeriodMatchesTitle,
                                 TableVsProse,
                                 YearInRange,
                                 check_tables,
                                 evaluate,
                                 plausibility_rules,
                                 )
from gktagger.record.build import status_of
from gktagger.schema import FIELDS, T4_RESULTS


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


# --- plausibility ---------------------------------------------------------------------------------
# Each checker returns (fields it looked at, findings); a finding is (scope, message, fields).

def _stated(record: dict):
    """(field ID, entry, value) of every catalogue field with a number."""
    for fid, e in (record.get("fields") or {}).items():
        if fid in FIELDS and not e.get("na") and isinstance(e.get("value"), (int, float)):
            yield fid, e, e["value"]


def _count_is_integer(rule: CountIsInteger, record: dict):
    looked, found = [], []
    for fid, _, v in _stated(record):
        kind = FIELDS[fid].kind
        if kind == "decimal":
            continue
        looked.append(fid)
        if not float(v).is_integer():
            found.append((fid, f"{fid} = {v:g}: a {'本年增/减' if kind == 'change' else 'count'} is a whole number", (fid,)))
        elif kind == "count" and v < 0:
            found.append((fid, f"{fid} = {v:g}: a count is never negative", (fid,)))
    return looked, found


def _bound_of(fid: str, rules: list) -> CountBound | None:
    fitting = [r for r in rules if isinstance(r, CountBound) and fid.startswith(r.prefix)]
    return max(fitting, key=lambda r: len(r.prefix), default=None)


def _count_bound(rule: CountBound, record: dict, bound_of: dict):
    looked, found = [], []
    for fid, _, v in _stated(record):
        if FIELDS[fid].kind == "decimal" or bound_of[fid] is not rule:
            continue
        looked.append(fid)
        if abs(v) > rule.limit:
            found.append((fid, f"{fid} = {v:g} > {rule.limit:g}: more than any report plausibly counts "
                               "(digits of neighbouring cells run together?)", (fid,)))
    return looked, found


def _not_above_cumulative(rule: NotAboveCumulative, record: dict):
    looked, found = [], []
    for fid, e, v in _stated(record):
        cum = e.get("cumulative") or {}
        if not isinstance(cum.get("value"), (int, float)):
            continue
        looked.append(fid)
        if v > cum["value"]:
            found.append((fid, f"{fid}: 本年度 {e.get('text')} > 历年累计 {cum.get('text')} printed beside it", (fid,)))
    return looked, found


_DECIMALS = re.compile(r"\.(\d+)")


def _max_decimals(rule: MaxDecimals, record: dict):
    e = (record.get("fields") or {}).get(rule.field) or {}
    if e.get("na") or e.get("value") is None:
        return [], []
    m = _DECIMALS.search(fold(str(e.get("text") or e["value"])))
    places = len(m.group(1)) if m else 0
    if places <= rule.places:
        return [rule.field], []
    return [rule.field], [(rule.field, f"{rule.field} {e.get('text') or e['value']}: {places} decimals, more than "
                                       f"{rule.places} (万元 to the 100 yuan)", (rule.field,))]


def _table_vs_prose(rule: TableVsProse, record: dict):
    values = _values({k: v for k, v in (record.get("fields") or {}).items() if k in FIELDS})
    table, prose = values.get(rule.table), values.get(rule.prose)
    if table is None or prose is None:
        return [], []
    if table > rule.factor * prose and table - prose > rule.margin:
        ratio = f"{table / prose:.0f}×" if prose else "more than"
        return [rule.table, rule.prose], [(rule.table, f"table 3 一 总计 ({table:g}) is {ratio} the prose's "
                                                       f"收到申请 ({prose:g})", (rule.table, rule.prose))]
    return [rule.table, rule.prose], []


def _year_in_range(rule: YearInRange, record: dict):
    year = record.get("year")
    if not isinstance(year, int):
        return [], []
    last = datetime.date.today().year
    if rule.first <= year <= last:
        return ["year"], []
    return ["year"], [("year", f"report year {year} outside {rule.first}–{last}", ())]


def _period_matches_title(rule: PeriodMatchesTitle, record: dict):
    period, title = record.get("period") or {}, record.get("title") or {}
    years = [y for y in (period.get("from"), period.get("to")) if isinstance(y, int)]
    if not years or not isinstance(title.get("year"), int):
        return [], []
    if all(y == title["year"] for y in years):
        return ["period"], []
    return ["period"], [("period", f"统计期限 {period.get('text')} ≠ the title's year {title['year']} "
                                   f"({title.get('text')})", ())]


_PLAUSIBILITY = {CountIsInteger: _count_is_integer, NotAboveCumulative: _not_above_cumulative,
                 MaxDecimals: _max_decimals, TableVsProse: _table_vs_prose, YearInRange: _year_in_range,
                 PeriodMatchesTitle: _period_matches_title}


def check_plausibility(record: dict, rules: list | None = None) -> list[Outcome]:
    """One ``fail``/``warn`` per finding; a rule that finds nothing in what it looked at is one ``pass``."""
    rules = plausibility_rules() if rules is None else rules
    looked: dict[str, list[str]] = {}
    out = []
    bound_of = {fid: _bound_of(fid, rules) for fid, _, _ in _stated(record)}  # once, not once per bound
    for rule in rules:
        if isinstance(rule, CountBound):
            seen, found = _count_bound(rule, record, bound_of)
        else:
            seen, found = _PLAUSIBILITY[type(rule)](rule, record)
        looked.setdefault(rule.rule, []).extend(seen)
        out += [Outcome(rule.rule, scope, rule.severity, message, tuple(fields)) for scope, message, fields in found]
    for name, seen in looked.items():
        if seen and not any(o.rule == name for o in out):
            out.append(Outcome(name, "all", "pass", f"{len(seen)} checked", ()))
    return out


# --- basis: read as printed, or made to hold ------------------------------------------------------

def provenance(entry: dict) -> str | None:
    """The pipeline step that placed a field: its ``by`` key, or the older ``"split": "inferred"``.

    >>> provenance({"by": "realign"}), provenance({"split": "inferred"}), provenance({"value": 3})
    ('realign', 'split', None)
    """
    if entry.get("by"):
        return entry["by"]
    return "split" if entry.get("split") == "inferred" else None


def basis(rule: str, field_ids, fields: dict) -> str:
    """``inferred`` when a field of the check was placed by a step that used this rule, else ``as_printed``.

    >>> basis("t3.balance", ["t3.new.total"], {"t3.new.total": {"split": "inferred"}})
    'inferred'
    >>> basis("prose.requests_received", ["t3.new.total"], {"t3.new.total": {"split": "inferred"}})
    'as_printed'
    """
    for fid in field_ids:
        step = provenance(fields.get(fid) or {})
        if step and rule in STEP_IDENTITIES.get(step, ()):
            return "inferred"
    return "as_printed"


def validate(record: dict, plausibility: list | None = None) -> list[dict]:
    """All checks of a record, as the output contract's ``checks`` list (``plausibility``: the rules of
    :func:`gktagger.identities.plausibility_rules`, e.g. with another ``max_count``)."""
    fields = record.get("fields") or {}
    values = _values({k: v for k, v in fields.items() if k in FIELDS})
    outcomes = check_tables(values, record.get("format"))
    for rule in PROSE_RULES:
        o = _CHECKERS[type(rule)](rule, values)
        if o is not None:
            outcomes.append(o)
    outcomes += _check_mentions(record.get("mentions") or [], fields)
    outcomes += check_plausibility(record, plausibility)
    return [{"rule": o.rule, "scope": o.scope, "status": o.status, "message": o.message, "fields": list(o.fields),
             "basis": basis(o.rule, o.fields, fields)} for o in outcomes] + \
        [{**c, "basis": "as_printed"} for c in warn_checks(record)]


def revalidate(record: dict, plausibility: list | None = None) -> dict:
    """Recompute ``checks`` and ``status`` of a (possibly hand-edited) record; error records stay as they are."""
    if record.get("status") == "error":
        return record
    record = dict(record)
    record["checks"] = validate(record, plausibility)
    record["status"] = status_of(record["checks"])
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


def revalidate_lines(lines, source: str, plausibility: list | None = None):
    """``(record, problem)`` per non-empty line: the revalidated record, or an error record and why.
    A bad line never stops the others."""

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
                yield revalidate(record, plausibility), None
                continue
            except Exception as e:  # noqa: BLE001 - one odd record must not stop the others
                problem = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        why = f"line {n}: {problem}"
        if isinstance(record, dict):
            yield {**record, "status": "error", "error": why}, why
        else:
            yield {"id": f"{source}:{n}", "source": f"{source}:{n}", "status": "error", "error": why,
                   "format": "unknown", "year": None, "sections": [], "fields": {}, "checks": [], "mentions": []}, why
