"""``gktagger report``: a corpus overview page of an extraction's records, charts in inline SVG.

    gktagger report out.jsonl -o report.html                 # links the show pages found beside it
    gktagger report out.jsonl -o site/report.html --with-pages   # also writes a show page per document

>>> records = [{"id": "a.txt", "status": "ok", "format": "2021", "year": 2021, "checks": [],
...             "fields": {"t3.new.total": {"value": 1}}, "sections": []}]
>>> page = render_report(records, "out.jsonl")
>>> "Documents by status and format" in page and "<svg" in page
True
"""
from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from gktagger.io.outputs import read_records, suffix_duplicates
from gktagger.io.sources import source_roots, write_page
from gktagger.review.charts import hbar_chart, heat, vbar_chart
from gktagger.review.page import page_name, render
from gktagger.review.show import iter_texts, render_show
from gktagger.review.tables import Cell, Row, Table, th
from gktagger.run.batch import UsageError
from gktagger.schema import FIELDS, SECTIONS, T2_CELLS, T3_COLUMNS, T3_ROWS, T4_BLOCKS, T4_RESULTS

STATUSES = ("ok", "invalid", "error")
FORMAT_ORDER = ("2021", "2019", "legacy", "unknown")
TOP_N = 15

def _fmt(record: dict) -> str:
    fmt = record.get("format")
    return fmt if fmt in FORMAT_ORDER else "unknown"


def _failing(record: dict) -> list[dict]:
    return [c for c in record.get("checks") or [] if c.get("status") == "fail"]


def status_table(records: list[dict]) -> Table:
    counts = Counter((r.get("status"), _fmt(r)) for r in records)
    formats = [f for f in FORMAT_ORDER if any(k[1] == f for k in counts)] or list(FORMAT_ORDER[:1])
    rows = [Row([th("status \\ format"), *(th(f) for f in formats), th("all")])]
    for s in STATUSES + tuple(sorted({k[0] for k in counts if k[0] not in STATUSES}, key=str)):
        total = sum(counts.get((s, f), 0) for f in formats)
        rows.append(Row([Cell(s, "th", badge=True), *(Cell(counts.get((s, f), 0)) for f in formats), Cell(total, bold=True)]))
    statuses = {k[0] for k in counts}
    rows.append(Row([th("all"), *(Cell(sum(counts.get((s, f), 0) for s in statuses), bold=True) for f in formats),
                     Cell(len(records), bold=True)]))
    return Table(rows, {"id": "by-status", "class": "status"})


def year_chart(records: list[dict]) -> str:
    years = Counter(r.get("year") for r in records if r.get("status") != "error")
    items = [(str(y), n) for y, n in sorted((y, n) for y, n in years.items() if y is not None)]
    if years.get(None):
        items.append(("?", years[None]))
    return vbar_chart(items, "documents per report year")


class Coverage:
    """How many documents state each field, out of the documents whose format has it."""
    def __init__(self, records: list[dict]):
        done = [r for r in records if r.get("status") != "error"]
        self.stated = Counter(f for r in done for f in (r.get("fields") or {}))
        self.sections = Counter(s.get("id") for r in done for s in {s.get("id"): s for s in r.get("sections") or []}.values())
        self.by_format = Counter(_fmt(r) for r in done)
        self.documents = len(done)

    def possible(self, fid: str) -> int:
        return sum(n for f, n in self.by_format.items() if f in FIELDS[fid].formats or f == "unknown")

    def td(self, fid: str | None) -> Cell:
        if fid is None or fid not in FIELDS:
            return Cell(attrs={"class": "none"})
        n, d = self.stated.get(fid, 0), self.possible(fid)
        title = f"{fid}: stated in {n} of {d} documents of formats {', '.join(FIELDS[fid].formats)}"
        return Cell(n, attrs={"data-field": fid, "style": f"background:{heat(n / d if d else 0)}", "title": title})


def coverage_tables(cov: Coverage) -> dict:
    """The coverage grids: ``t2``, ``t3``, ``t4``, ``prose``, ``sections`` (:class:`Table`), ``documents``."""
    items: dict[str, str] = {}
    measures: dict[str, str] = {}
    for item, measure, label, _, _ in T2_CELLS:
        item_label, measure_label = label.split(" ", 1)
        items.setdefault(item, item_label)
        measures.setdefault(measure, measure_label)
    d = cov.documents
    sections = [Row([th("section"), th("documents")])]
    for sid, s in SECTIONS.items():
        n = cov.sections.get(sid, 0)
        sections.append(Row([th(s.heading, muted=f"({sid})", class_="rowhead"),
                             Cell(n, attrs={"style": f"background:{heat(n / d if d else 0)}",
                                            "title": f"{sid}: found in {n} of {d} documents"})]))
    return {"documents": d,
            "t2": _grid("cov-table2", measures, [(label, [f"t2.{i}.{m}" for m in measures]) for i, label in items.items()], cov),
            "t3": _grid("cov-table3", T3_COLUMNS, [(f"{short} {label}", [f"t3.{r}.{c}" for c in T3_COLUMNS])
                                                   for r, (label, short, _) in T3_ROWS.items()], cov),
            "t4": _grid("cov-table4", T4_RESULTS, [(label, [f"t4.{b}.{r}" for r in T4_RESULTS]) for b, label in T4_BLOCKS.items()], cov),
            "prose": _grid("cov-prose", {"n": "documents"}, [(FIELDS[f].label + f" ({f})", [f]) for f in FIELDS
                                                              if FIELDS[f].group == "prose"], cov),
            "sections": Table(sections, {"id": "cov-sections", "class": "cov"})}


def _grid(table_id: str, columns: dict[str, str], rows: list[tuple[str, list[str]]], cov: Coverage) -> Table:
    head = Row([th(), *(th(c) for c in columns.values())])
    return Table([head, *(Row([th(label, class_="rowhead"), *(cov.td(f) for f in fids)]) for label, fids in rows)],
                 {"id": table_id, "class": "cov"})


def checks_chart(records: list[dict]):
    """The bars of failing checks per rule (None when no check fails)."""
    checks = Counter(c.get("rule") for r in records for c in _failing(r))
    docs = Counter(rule for r in records for rule in {c.get("rule") for c in _failing(r)})
    items = checks.most_common()
    notes = [f"({docs[rule]} doc{'s' if docs[rule] != 1 else ''})" for rule, _ in items]
    return hbar_chart(items, "failing checks by rule", notes=notes) if items else None


def honesty_table(records: list[dict]) -> Table:
    """Per rule: passes read as printed, passes inferred (a split or realign made them hold), warnings."""
    counts: dict[str, Counter] = {}
    for r in records:
        for c in r.get("checks") or []:
            status = c.get("status")
            key = "inferred" if status == "pass" and c.get("basis") == "inferred" else status
            counts.setdefault(c.get("rule"), Counter())[key] += 1
    head = Row([th(h) for h in ("rule", "pass as printed", "pass inferred", "fail", "warn", "unknown")])
    rows = [Row([th(rule, class_="rowhead"), *(Cell(n.get(k, 0)) for k in ("pass", "inferred", "fail", "warn", "unknown"))])
            for rule, n in sorted(counts.items(), key=lambda kv: str(kv[0]))]
    return Table([head, *rows], {"id": "checks-by-basis", "class": "status"})


def slowest(records: list[dict], chars: dict[str, int]) -> dict:
    """The slowest documents when records carry ``seconds``, else the largest: ``timed`` and ``chart``."""
    timed = [(r["id"], float(r["seconds"])) for r in records if isinstance(r.get("seconds"), (int, float))]
    if timed:
        top = sorted(timed, key=lambda t: -t[1])[:TOP_N]
        return {"timed": True, "chart": hbar_chart([(_short(i), round(s, 2)) for i, s in top], "seconds per document",
                                                   notes=["s"] * len(top))}
    top = sorted(chars.items(), key=lambda t: -t[1])[:TOP_N]
    return {"timed": False, "chart": hbar_chart([(_short(i), n) for i, n in top], "characters per document")}


def _short(record_id: str, keep: int = 34) -> str:
    return record_id if len(record_id) <= keep else "…" + record_id[-keep + 1:]


def documents(records: list[dict], chars: dict[str, int], links: dict[str, str]) -> list[dict]:
    """One row per record of the documents table."""
    rows = []
    for r in records:
        rid = str(r.get("id"))
        failing = Counter(c.get("rule") for c in _failing(r))
        rows.append({"id": rid, "link": links.get(rid), "status": r.get("status"), "error": r.get("error"),
                     "format": _fmt(r), "year": r.get("year") or "", "fields": len(r.get("fields") or {}),
                     "failing": ", ".join(f"{rule}×{n}" if n > 1 else str(rule) for rule, n in failing.items()),
                     "chars": chars.get(rid, ""), "seconds": r.get("seconds", "")})
    return rows


def render_report(records: list[dict], source: str, chars: dict[str, int] | None = None,
                  links: dict[str, str] | None = None, notes: list[str] | None = None) -> str:
    """The report page; ``chars`` maps ids to text lengths, ``links`` ids to their show pages (relative URLs)."""
    chars, links = chars or {}, links or {}
    status = Counter(r.get("status") for r in records)
    return render("report.html", records=records, source=source, source_name=Path(source).name,
                  summary=[(s, status.get(s, 0)) for s in STATUSES], notes=notes or [],
                  status_table=status_table(records), year_chart=year_chart(records), checks_chart=checks_chart(records),
                  slowest=slowest(records, chars), honesty_table=honesty_table(records),
                  coverage=coverage_tables(Coverage(records)), links=links,
                  timed=any("seconds" in r for r in records), documents=documents(records, chars, links))


def load_records(path: str) -> list[dict]:
    if not Path(path).is_file():
        raise UsageError(f"records file not found: {path}")
    try:
        records = list(read_records(Path(path)))
    except ValueError:
        raise UsageError(f"{path} is not JSON Lines records: pass the OUT.jsonl of `gktagger extract`") from None
    if not all(isinstance(r, dict) and "id" in r for r in records):
        raise UsageError(f"{path} holds lines that are not records (no \"id\"): pass the OUT.jsonl of `gktagger extract`")
    return records


def cmd_report(args) -> int:
    records = load_records(args.input)
    ids = list(suffix_duplicates(str(r["id"]) for r in records))
    records = [r if r["id"] == i else {**r, "id": i} for r, i in zip(records, ids)]
    out = Path(args.output or Path(args.input).with_suffix(".html"))
    pages = Path(args.pages) if args.pages else out.parent
    if out.resolve() == Path(args.input).resolve() or out.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"the report is an HTML page: pass -o REPORT.html (got {out})")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if args.with_pages:
            pages.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot create {e.filename}: {e.strerror or e}") from None
    chars: dict[str, int] = {}
    unreadable = []
    need_texts = args.with_pages or not any("seconds" in r for r in records)
    roots = source_roots(args.input, args.source_root)
    for record, raw, problem in (iter_texts(records, args.text_column, roots) if need_texts else ()):
        if raw is not None:
            chars[record["id"]] = len(raw)
        elif record.get("status") != "error":
            unreadable.append(problem)
        if args.with_pages and (raw is not None or record.get("status") == "error"):
            # a page of a text that cannot be read would show nothing to review: not written
            target = pages / page_name(record["id"])
            try:
                write_page(target, render_show(record, raw, problem))
            except OSError as e:
                raise UsageError(f"cannot write {target}: {e.strerror or e}") from None
    links = {}
    for r in records:
        target = pages / page_name(r["id"])
        if target.is_file():
            links[r["id"]] = quote(Path(_relative(target, out.parent)).as_posix())
    notes = [f"{len(unreadable)} document texts unreadable, e.g. {unreadable[0]}"] if unreadable else []
    try:
        write_page(out, render_report(records, args.input, chars, links, notes))
    except OSError as e:
        raise UsageError(f"cannot write {out}: {e.strerror or e}") from None
    written = len(records) - len(unreadable)
    made = f", {written} show pages in {pages}" if args.with_pages else f", {len(links)} show pages linked"
    print(f"wrote {out}{made}", file=sys.stderr)
    if args.with_pages and unreadable:
        print(f"gktagger: error: {len(unreadable)} show page(s) not written: document text unreadable, e.g. "
              f"{unreadable[0]} (run where extract ran, or pass the corpus's --text-column)", file=sys.stderr)
        return 1
    return 0


def _relative(target: Path, start: Path) -> str:
    return os.path.relpath(target.resolve(), start.resolve())


def add_parser(sub) -> None:
    r = sub.add_parser("report", help="corpus overview page of an extraction: status, coverage, failing checks")
    r.add_argument("input", metavar="OUT.jsonl", help="records written by `gktagger extract`")
    r.add_argument("-o", "--output", help="page to write (default: OUT.html beside the records)")
    r.add_argument("--pages", metavar="DIR", help="folder of the per-document show pages (default: the report's folder)")
    r.add_argument("--with-pages", action="store_true", help="also write a show page per document into the pages folder")
    r.add_argument("--text-column", default="text", help='text column when records came from a JSONL/Parquet corpus')
    r.add_argument("--source-root", action="append", metavar="DIR",
                   help="a folder records' sources may be read from (besides the records' folder and the "
                        "current folder); repeatable")
    r.set_defaults(run=cmd_report)
