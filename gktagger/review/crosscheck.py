"""``gktagger crosscheck``: one reporting body's reports checked against each other, year by year.

    gktagger crosscheck OUT.jsonl... -o CROSS.jsonl [--html PAGE] [--body-column COL]

Records are grouped by reporting body: the body named in the report's title (``title`` of the
record, else found in its text), normalised by :func:`body_name`; or the ``--body-column`` of the
record or of its JSONL/Parquet corpus row. Each body's reports are ordered by year, and the
cross-year rules of :func:`gktagger.identities.cross_year_identities` run on every pair of
consecutive years. CROSS.jsonl holds one line per pair and rule (``type: pair``), one per body
(``type: series``: its reports and main figures per year), one per duplicate (two reports of one
body and year: flagged, both checked, never merged) and one per record that could not be placed.

>>> body_name("平潭綜合實驗區 2019年度 政府信息公開工作年度報告"), body_name("平潭县人民政府")
('平潭综合实验区', '平潭县')
>>> a = {"id": "a", "year": 2023, "format": "2021", "fields": {"t3.carried_forward.total": {"value": 3}}}
>>> b = {"id": "b", "year": 2024, "format": "2021", "fields": {"t3.carried_over.total": {"value": 2}}}
>>> [r["message"] for r in check_pair("x", a, b) if r["status"] != "unknown"]
['2023 结转下年度 (3) ≠ 2024 上年结转 (2)']
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from gktagger.errors import UsageError
from gktagger.identities import STEP_IDENTITIES, YearIdentity, cross_year_identities
from gktagger.record import printed
from gktagger.record.validate import provenance
from gktagger.review.crosspage import render_crosscheck
from gktagger.review.report import load_records
from gktagger.review.show import _corpus_of, iter_texts
from gktagger.schema import T3_ROWS

# a zone's 管委会 and a county's 人民政府 report as the zone or county itself (平潭综合实验区管委会 = 平潭综合实验区)
SAME_BODY_SUFFIXES = ("管理委员会", "管委会", "人民政府")
_NOT_NAME = re.compile(r"(?:19|20)\d\d\s*年?\s*度?|[〇○零一二三四五六七八九]{4}\s*年\s*度?"
                       r"|(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)|年度|\s+|[#《》“”\"'()（）:：,，。、|·]")

MAIN_FIGURES = {
    "received": ("t3.new.total", "requests.received"),  # the first one stated
    "granted": ("t3.granted.total",),
    "refused": tuple(f"t3.{r}.total" for r in T3_ROWS if r.startswith(("denied_", "refused_"))),  # summed
    "appeals": ("t4.review.total", "t4.suit_direct.total", "t4.suit_after_review.total", "t4.suit.total"),  # summed
}


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def body_name(text: str) -> str:
    """A reporting body's name as a grouping key: simplified, without the year, 年度, the report's
    name, punctuation, whitespace, or a trailing 管委会/人民政府."""
    name = _NOT_NAME.sub("", _t2s().convert(unicodedata.normalize("NFKC", text)))
    for suffix in SAME_BODY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[:-len(suffix)]
            break
    return name


def _value(record: dict, field: str):
    """A field's number, None for NA or no number, ``"absent"`` when not stated (or not a field entry)."""
    fields = record.get("fields")
    entry = fields.get(field) if isinstance(fields, dict) else None
    if not isinstance(entry, dict):
        return "absent"
    value = entry.get("value")
    return None if entry.get("na") or isinstance(value, bool) or not isinstance(value, (int, float)) else value


def _number(v) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def evaluate_pair(rule: YearIdentity, last: dict, this: dict) -> dict | None:
    """One rule on two consecutive reports; None when neither report states any of its fields."""
    if last.get("format") not in rule.formats or this.get("format") not in rule.formats:
        return None
    reports = {-1: last, 0: this}
    values = {t: _value(reports[t.year], t.field) for t in rule.terms}
    if all(v == "absent" for v in values.values()):
        return None
    year = lambda t: reports[t.year]["year"]
    involved = [[year(t), t.field] for t in rule.terms]
    missing = [f"{year(t)} {t.field}" for t, v in values.items() if not isinstance(v, (int, float))]
    if missing:
        return {"rule": rule.rule, "scope": rule.scope, "status": "unknown",
                "message": "not stated or NA: " + ", ".join(missing), "fields": involved}
    total = lambda terms: sum(t.sign * values[t] for t in terms)
    holds = abs(total(rule.lhs) - total(rule.rhs)) < 1e-6

    def side(terms):
        text = ""
        for k, t in enumerate(terms):
            sign = (" − " if t.sign < 0 else " + ") if k else ("−" if t.sign < 0 else "")
            text += f"{sign}{year(t)} {t.name} ({_number(values[t])})"
        return text

    status = "pass" if holds else ("fail" if rule.severity == "fail" else "warn")
    return {"rule": rule.rule, "scope": rule.scope, "status": status,
            "message": f"{side(rule.lhs)} {'=' if holds else '≠'} {side(rule.rhs)}", "fields": involved}


def _inferred_inputs(result: dict, last: dict, this: dict) -> list:
    """Fields of the pair that a split or a realign move placed (their values are the step's reading)."""
    by_year = {last["year"]: last, this["year"]: this}
    out = []
    for y, f in result["fields"]:
        entry = (by_year[y].get("fields") or {}).get(f)
        if isinstance(entry, dict) and provenance(entry) in STEP_IDENTITIES:
            out.append([y, f])
    return out


def check_pair(body: str, last: dict, this: dict, rules: list[YearIdentity] | None = None) -> list[dict]:
    """Every cross-year rule on one pair of reports (last year, this year) of ``body``."""
    out = []
    for rule in cross_year_identities() if rules is None else rules:
        result = evaluate_pair(rule, last, this)
        if result is None:
            continue
        result = {"type": "pair", "body": body, "years": [last["year"], this["year"]],
                  "ids": [last.get("id"), this.get("id")], **result}
        inferred = _inferred_inputs(result, last, this)
        if inferred:
            result["inferred_inputs"] = inferred
        out.append(result)
    return out


def main_figures(record: dict) -> dict:
    """The figures charted per body: received, granted, refused, appeals (None where not stated)."""
    out = {}
    for name, fields in MAIN_FIGURES.items():
        stated = [v for v in (_value(record, f) for f in fields) if isinstance(v, (int, float))]
        if name == "received":
            out[name] = stated[0] if stated else None
        else:
            out[name] = sum(stated) if stated else None
    return out


def crosscheck(records: list[dict], bodies: dict[str, str | None]) -> list[dict]:
    """The CROSS.jsonl lines of ``records``; ``bodies`` maps a record id to its body (None: unknown)."""
    out: list[dict] = []
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        body = bodies.get(r.get("id"))
        if r.get("status") == "error":
            out.append({"type": "skipped", "id": r.get("id"), "message": f"error record: {r.get('error')}"})
        elif not body:
            out.append({"type": "skipped", "id": r.get("id"),
                        "message": "no reporting body: no title found (pass --body-column)"})
        elif type(r.get("year")) is not int:
            out.append({"type": "skipped", "id": r.get("id"), "body": body, "message": "no report year"})
        else:
            groups[body].append(r)
    for body in sorted(groups):
        reports = sorted(groups[body], key=lambda r: (r["year"], str(r.get("id"))))
        by_year: dict[int, list[dict]] = defaultdict(list)
        for r in reports:
            by_year[r["year"]].append(r)
        for year, same in sorted(by_year.items()):
            if len(same) > 1:
                ids = [r.get("id") for r in same]
                out.append({"type": "duplicate", "body": body, "year": year, "ids": ids,
                            "message": f"{len(same)} reports of {body} for {year}: checked separately, not merged"})
        couples = [(last, this) for year in sorted(by_year) for last in by_year.get(year - 1, []) for this in by_year[year]]
        for last, this in couples:
            out += check_pair(body, last, this)
        years = sorted(by_year)
        out.append({"type": "series", "body": body, "pairs": [[a.get("id"), b.get("id")] for a, b in couples],
                    "reports": [{"year": r["year"], "id": r.get("id"), "format": r.get("format"),
                                 "status": r.get("status"), **main_figures(r)} for r in reports],
                    "missing_years": [y for y in range(years[0], years[-1] + 1) if y not in by_year]})
    return out


# --- where the body comes from ---

def _corpus_rows(path: str, column: str) -> dict[str, object]:
    """``source`` (``corpus.jsonl:LINE`` / ``corpus.json:INDEX`` / ``corpus.parquet:ROW``) → the column's value."""
    out: dict[str, object] = {}
    if path.lower().endswith(".parquet"):
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        if column in table.column_names:
            out = {f"{path}:{i}": v for i, v in enumerate(table.column(column).to_pylist())}
        return out
    with open(path, "rb") as f:
        first = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        f.seek(0)
        if first.startswith(b"["):
            rows = json.loads(f.read().decode("utf-8-sig"))
            return {f"{path}:{i}": r.get(column) for i, r in enumerate(rows) if isinstance(r, dict)}
        for n, line in enumerate(f, start=1):
            try:
                row = json.loads(line.decode("utf-8-sig"))
            except ValueError:
                continue
            if isinstance(row, dict):
                out[f"{path}:{n}"] = row.get(column)
    return out


def find_bodies(records: list[dict], body_column: str | None = None, text_column: str = "text") -> dict[str, str | None]:
    """Each record's body: ``body_column`` of the record or its corpus row, else its title (read from the
    record, or from its text when the record has none)."""

    bodies: dict[str, str | None] = {}
    if body_column:
        corpora: dict[str, dict] = {}
        for r in records:
            value = r.get(body_column)
            corpus = _corpus_of(str(r.get("source") or ""))
            if value is None and corpus:
                if corpus not in corpora:
                    corpora[corpus] = _corpus_rows(corpus, body_column)
                value = corpora[corpus].get(r.get("source"))
            if value not in (None, ""):
                bodies[r.get("id")] = body_name(str(value)) or str(value).strip()
    untitled = []
    for r in records:
        if r.get("id") in bodies or r.get("status") == "error":
            continue
        title = r["title"].get("body") if isinstance(r.get("title"), dict) else None
        if isinstance(title, str):
            bodies[r.get("id")] = body_name(title) or None
        else:
            untitled.append(r)
    for r, text, _ in iter_texts(untitled, text_column):
        found = printed.title(text) if text else None
        bodies[r.get("id")] = body_name(found["body"]) or None if found else None
    return bodies


def summary(lines: list[dict]) -> str:
    """One line: bodies, pairs of consecutive years, pairs with a rule to check and passing, rule results."""
    results = [l for l in lines if l["type"] == "pair"]
    status = Counter(l["status"] for l in results)
    series = [l for l in lines if l["type"] == "series"]
    couples = sum(len(l["pairs"]) for l in series)
    checked = {(l["body"], *l["ids"]) for l in results if l["status"] != "unknown"}
    failing = {(l["body"], *l["ids"]) for l in results if l["status"] in ("fail", "warn")}
    return (f"{len(series)} bodies, {couples} pairs of consecutive years, {len(checked)} with a rule to check, "
            f"{len(checked - failing)} of them passing every rule; rule results: "
            + ", ".join(f"{s} {status.get(s, 0)}" for s in ("pass", "fail", "warn", "unknown"))
            + f"; {sum(l['type'] == 'duplicate' for l in lines)} duplicates, "
              f"{sum(l['type'] == 'skipped' for l in lines)} records skipped")


def cmd_crosscheck(args) -> int:
    records = [r for path in args.inputs for r in load_records(path)]
    out = Path(args.output)
    if out.suffix.lower() != ".jsonl":
        raise UsageError(f"crosscheck writes JSON Lines: pass -o CROSS.jsonl (got {out})")
    if args.html and Path(args.html).suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--html writes an HTML page: pass --html PAGE.html (got {args.html})")
    lines = crosscheck(records, find_bodies(records, args.body_column, args.text_column))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(json.dumps(l, ensure_ascii=False) + "\n" for l in lines), encoding="utf-8")
        if args.html:

            Path(args.html).parent.mkdir(parents=True, exist_ok=True)
            Path(args.html).write_text(render_crosscheck(lines, ", ".join(args.inputs)), encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot write {e.filename}: {e.strerror or e}") from None
    print(summary(lines), file=sys.stderr)
    return 0


def add_parser(sub) -> None:
    c = sub.add_parser("crosscheck", help="check one body's reports against each other, year by year")
    c.add_argument("inputs", nargs="+", metavar="OUT.jsonl", help="records written by `gktagger extract`")
    c.add_argument("-o", "--output", required=True, metavar="CROSS.jsonl", help="results: pairs, series, duplicates")
    c.add_argument("--html", metavar="PAGE", help="also write a page of per-body charts, failing pairs highlighted")
    c.add_argument("--body-column", metavar="COL",
                   help="take the reporting body from this key of the record or of its JSONL/Parquet corpus row")
    c.add_argument("--text-column", default="text", help='text column when records came from a JSONL/Parquet corpus')
    c.set_defaults(run=cmd_crosscheck)
