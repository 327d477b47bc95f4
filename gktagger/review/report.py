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

from gktagger.run.batch import UsageError
from gktagger.review.charts import hbar_chart, heat, vbar_chart
from gktagger.review.page import esc, page, page_name
from gktagger.io.outputs import read_records, suffix_duplicates
from gktagger.schema import FIELDS, SECTIONS, T2_CELLS, T3_COLUMNS, T3_ROWS, T4_BLOCKS, T4_RESULTS
from gktagger.review.show import iter_texts, render_show
from gktagger.io.sources import source_roots, write_page

STATUSES = ("ok", "invalid", "error")
FORMAT_ORDER = ("2021", "2019", "legacy", "unknown")
TOP_N = 15

REPORT_CSS = """
body.report main { max-width:1180px; margin:0 auto; padding:14px 20px 40px; }
.grid2 { display:grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap:8px 28px; align-items:start; }
table.cov td { text-align:right; min-width:2.2em; font-variant-numeric:tabular-nums; }
table.cov td.none { background:repeating-linear-gradient(45deg,#fff,#fff 3px,#eee 3px,#eee 5px); }
table.cov th.rowhead, table.docs td.id { text-align:left; font-weight:normal; }
table.docs td { vertical-align:top; }
table.docs td.num { text-align:right; font-variant-numeric:tabular-nums; }
table.status td { text-align:right; min-width:3em; }
svg.chart text { fill:#1d1d1f; }
"""


def _fmt(record: dict) -> str:
    fmt = record.get("format")
    return fmt if fmt in FORMAT_ORDER else "unknown"


def _failing(record: dict) -> list[dict]:
    return [c for c in record.get("checks") or [] if c.get("status") == "fail"]


def status_table(records: list[dict]) -> str:
    counts = Counter((r.get("status"), _fmt(r)) for r in records)
    formats = [f for f in FORMAT_ORDER if any(k[1] == f for k in counts)] or list(FORMAT_ORDER[:1])
    head = "".join(f"<th>{esc(f)}</th>" for f in formats)
    rows = []
    for s in STATUSES + tuple(sorted({k[0] for k in counts if k[0] not in STATUSES}, key=str)):
        cells = "".join(f"<td>{counts.get((s, f), 0)}</td>" for f in formats)
        total = sum(counts.get((s, f), 0) for f in formats)
        rows.append(f'<tr><th><span class="badge {esc(s)}">{esc(s)}</span></th>{cells}<td><b>{total}</b></td></tr>')
    totals = "".join(f"<td><b>{sum(counts.get((s, f), 0) for s in {k[0] for k in counts})}</b></td>" for f in formats)
    return (f'<table id="by-status" class="status"><tr><th>status \\ format</th>{head}<th>all</th></tr>{"".join(rows)}'
            f'<tr><th>all</th>{totals}<td><b>{len(records)}</b></td></tr></table>')


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

    def td(self, fid: str | None) -> str:
        if fid is None or fid not in FIELDS:
            return '<td class="none"></td>'
        n, d = self.stated.get(fid, 0), self.possible(fid)
        title = f"{fid}: stated in {n} of {d} documents of formats {', '.join(FIELDS[fid].formats)}"
        return f'<td data-field="{esc(fid)}" style="background:{heat(n / d if d else 0)}" title="{esc(title)}">{n}</td>'


def coverage_tables(cov: Coverage) -> str:
    items: dict[str, str] = {}
    measures: dict[str, str] = {}
    for item, measure, label, _, _ in T2_CELLS:
        item_label, measure_label = label.split(" ", 1)
        items.setdefault(item, item_label)
        measures.setdefault(measure, measure_label)
    t2 = _grid("cov-table2", "", measures, [(label, [f"t2.{i}.{m}" for m in measures]) for i, label in items.items()], cov)
    t3 = _grid("cov-table3", "", T3_COLUMNS, [(f"{short} {label}", [f"t3.{r}.{c}" for c in T3_COLUMNS])
                                              for r, (label, short, _) in T3_ROWS.items()], cov)
    t4 = _grid("cov-table4", "", T4_RESULTS, [(label, [f"t4.{b}.{r}" for r in T4_RESULTS]) for b, label in T4_BLOCKS.items()], cov)
    prose = _grid("cov-prose", "", {"n": "documents"}, [(FIELDS[f].label + f" ({f})", [f]) for f in FIELDS
                                                         if FIELDS[f].group == "prose"], cov)
    d = cov.documents
    sec_rows = "".join(f'<tr><th class="rowhead">{esc(s.heading)} <span class="muted">({esc(sid)})</span></th>'
                       f'<td style="background:{heat(cov.sections.get(sid, 0) / d if d else 0)}" '
                       f'title="{esc(sid)}: found in {cov.sections.get(sid, 0)} of {d} documents">{cov.sections.get(sid, 0)}</td></tr>'
                       for sid, s in SECTIONS.items())
    sections = f'<table id="cov-sections" class="cov"><tr><th>section</th><th>documents</th></tr>{sec_rows}</table>'
    return (f'<p class="muted">Each cell: how many of the {d} extracted documents state the field; '
            'the colour is the share among documents whose format has it (hover for the numbers). '
            'Hatched: no such field.</p>'
            f'<h3>Table 3 · 收到和处理政府信息公开申请情况</h3>{t3}'
            f'<div class="grid2"><div><h3>Table 2 · 主动公开政府信息情况</h3>{t2}</div>'
            f'<div><h3>Table 4 · 行政复议、行政诉讼</h3>{t4}<h3>Prose figures</h3>{prose}'
            f'<h3>Sections</h3>{sections}</div></div>')


def _grid(table_id: str, corner: str, columns: dict[str, str], rows: list[tuple[str, list[str]]], cov: Coverage) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in columns.values())
    body = "".join(f'<tr><th class="rowhead">{esc(label)}</th>{"".join(cov.td(f) for f in fids)}</tr>'
                   for label, fids in rows)
    return f'<table id="{table_id}" class="cov"><tr><th>{esc(corner)}</th>{head}</tr>{body}</table>'


def checks_chart(records: list[dict]) -> str:
    checks = Counter(c.get("rule") for r in records for c in _failing(r))
    docs = Counter(rule for r in records for rule in {c.get("rule") for c in _failing(r)})
    items = checks.most_common()
    notes = [f"({docs[rule]} doc{'s' if docs[rule] != 1 else ''})" for rule, _ in items]
    if not items:
        return '<p id="failing-by-rule">No failing check.</p>'
    return f'<div id="failing-by-rule">{hbar_chart(items, "failing checks by rule", notes=notes)}</div>'


def honesty_table(records: list[dict]) -> str:
    """Per rule: passes read as printed, passes inferred (a split or realign made them hold), warnings."""
    counts: dict[str, Counter] = {}
    for r in records:
        for c in r.get("checks") or []:
            status = c.get("status")
            key = "inferred" if status == "pass" and c.get("basis") == "inferred" else status
            counts.setdefault(c.get("rule"), Counter())[key] += 1
    rows = "".join(f'<tr><th class="rowhead">{esc(rule)}</th><td>{n.get("pass", 0)}</td><td>{n.get("inferred", 0)}</td>'
                   f'<td>{n.get("fail", 0)}</td><td>{n.get("warn", 0)}</td><td>{n.get("unknown", 0)}</td></tr>'
                   for rule, n in sorted(counts.items(), key=lambda kv: str(kv[0])))
    return ('<table id="checks-by-basis" class="status"><tr><th>rule</th><th>pass as printed</th>'
            f'<th>pass inferred</th><th>fail</th><th>warn</th><th>unknown</th></tr>{rows}</table>')


def slowest(records: list[dict], chars: dict[str, int]) -> str:
    timed = [(r["id"], float(r["seconds"])) for r in records if isinstance(r.get("seconds"), (int, float))]
    if timed:
        top = sorted(timed, key=lambda t: -t[1])[:TOP_N]
        return ("<h2 id=\"slowest\">Slowest documents</h2>"
                + hbar_chart([(_short(i), round(s, 2)) for i, s in top], "seconds per document", notes=["s"] * len(top)))
    top = sorted(chars.items(), key=lambda t: -t[1])[:TOP_N]
    return ('<h2 id="slowest">Largest documents</h2><p class="muted">The records carry no timing '
            '(no <code>seconds</code> key), so these are the largest documents by character count, '
            'which dominate extraction time.</p>'
            + hbar_chart([(_short(i), n) for i, n in top], "characters per document"))


def _short(record_id: str, keep: int = 34) -> str:
    return record_id if len(record_id) <= keep else "…" + record_id[-keep + 1:]


def documents_table(records: list[dict], chars: dict[str, int], links: dict[str, str]) -> str:
    timed = any("seconds" in r for r in records)
    head = "<tr><th>document</th><th>status</th><th>format</th><th>year</th><th>fields</th><th>failing checks</th>" \
           f"<th>characters</th>{'<th>seconds</th>' if timed else ''}</tr>"
    rows = []
    for r in records:
        rid = str(r.get("id"))
        name = f'<a href="{esc(links[rid])}">{esc(rid)}</a>' if rid in links else esc(rid)
        failing = Counter(c.get("rule") for c in _failing(r))
        fail_text = ", ".join(f"{rule}×{n}" if n > 1 else str(rule) for rule, n in failing.items())
        if r.get("status") == "error":
            fail_text = f'<span class="muted">error: {esc(r.get("error"))}</span>'
        else:
            fail_text = esc(fail_text)
        secs = f'<td class="num">{esc(r.get("seconds", ""))}</td>' if timed else ""
        rows.append(f'<tr><td class="id">{name}</td><td><span class="badge {esc(r.get("status"))}">{esc(r.get("status"))}</span></td>'
                    f'<td>{esc(_fmt(r))}</td><td>{esc(r.get("year") or "")}</td><td class="num">{len(r.get("fields") or {})}</td>'
                    f'<td>{fail_text}</td><td class="num">{chars.get(rid, "")}</td>{secs}</tr>')
    return f'<table id="documents" class="docs">{head}{"".join(rows)}</table>'


def render_report(records: list[dict], source: str, chars: dict[str, int] | None = None,
                  links: dict[str, str] | None = None, notes: list[str] | None = None) -> str:
    """The report page; ``chars`` maps ids to text lengths, ``links`` ids to their show pages (relative URLs)."""
    chars, links = chars or {}, links or {}
    status = Counter(r.get("status") for r in records)
    summary = " · ".join(f'<span class="badge {esc(s)}">{esc(s)}</span> {status.get(s, 0)}' for s in STATUSES)
    note_html = "".join(f'<p class="muted">{esc(n)}</p>' for n in notes or [])
    body = (f'<main><h1>gktagger report · {esc(Path(source).name)}</h1>'
            f'<p>{len(records)} documents · {summary} · <span class="muted">records {esc(source)}</span></p>{note_html}'
            f'<div class="grid2"><div><h2>Documents by status and format</h2>{status_table(records)}</div>'
            f'<div><h2>Documents per report year</h2>{year_chart(records)}</div></div>'
            f'<div class="grid2"><div><h2>Failing checks by rule</h2>{checks_chart(records)}</div>'
            f'<div>{slowest(records, chars)}</div></div>'
            f'<h2>Checks by rule and basis</h2><p class="muted">A pass is <i>inferred</i> when a field of the check '
            'was placed by a step that made this very rule hold (a digit split, a row moved); warnings never '
            f'make a record invalid.</p>{honesty_table(records)}'
            f'<h2>Field coverage</h2>{coverage_tables(Coverage(records))}'
            f'<h2>Documents</h2><p class="muted">{len(links)} of {len(records)} documents link to their '
            f'<code>show</code> page.</p>{documents_table(records, chars, links)}</main>')
    return page(f"gktagger report · {source}", body, REPORT_CSS, "report")


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
