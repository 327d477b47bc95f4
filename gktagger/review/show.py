"""``gktagger show``: one document as a self-contained HTML page for reviewers.

The page holds the document text with every tagged span highlighted (colour by group, field ID
and value on hover), an index of sections, the failing checks with their arithmetic, and tables
2–4 rebuilt from the fields with each cell linked to its span.

    gktagger show report.txt -o report.html --model runs/smoke
    gktagger show --record out.jsonl --id reports/a.txt -o a.html

>>> record = {"id": "a.txt", "status": "ok", "format": "2021", "year": 2021, "checks": [],
...           "sections": [{"id": "overview", "title": "一、总体情况", "start": 0, "end": 12}],
...           "fields": {"proactive.total": {"value": 5, "text": "5", "start": 12, "end": 13, "prose": True}}}
>>> page = render_show(record, "一、总体情况\\n公开<b>5</b>条")
>>> 'id="span-proactive.total"' in page, "&lt;b&gt;" in page
(True, True)
"""
from __future__ import annotations

import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from gktagger.record import printed
from gktagger.training.annotations import gold_spans
from gktagger.run.batch import UsageError
from gktagger.text.body import BodyView
from gktagger.extract import Extractor
from gktagger.review.page import esc, fmt_value, legend, page, page_name
from gktagger.review.tables import Cells, field_marks, other_fields, table2, table3, table4
from gktagger.io.outputs import read_records
from gktagger.io.reading import DOCUMENT_SUFFIXES, ReadError, iter_documents, read_path
from gktagger.record.build import status_of
from gktagger.text.rows import printed_rows
from gktagger.schema import FIELDS, GROUPS, SECTIONS
from gktagger.io.sources import source_roots, unavailable, write_page
from gktagger.record.validate import validate
from gktagger.decoding.values import parse_value

SHOW_CSS = """
.layout { display:grid; grid-template-columns: 210px minmax(0, 1fr) minmax(0, 640px); gap:0; min-height:100vh; }
nav#index { position:sticky; top:0; height:100vh; overflow:auto; padding:12px; background:#f7f7f9;
            border-right:1px solid var(--line); font-size:13px; }
nav#index ol, nav#index ul { padding-left:18px; margin:4px 0; }
nav#index ul.legend { list-style:none; padding-left:0; }
main { padding:12px 18px; min-width:0; }
aside#tables { position:sticky; top:0; height:100vh; overflow:auto; padding:12px; border-left:1px solid var(--line); }
pre.doc { white-space:pre-wrap; word-break:break-all; font:14px/1.7 system-ui, "Noto Sans CJK SC", sans-serif;
          margin:0; }
mark.hl { color:inherit; border-radius:2px; padding:0 1px; box-shadow:inset -1px 0 0 rgba(0,0,0,.28); }
mark.hl.fail-box { outline-offset:0; }
mark.hl.inferred-box { outline-offset:0; }
mark.mention { background:transparent; }
.prose-mark { text-decoration:underline dashed #8a7500; text-underline-offset:3px; }
td.prose-mark { font-style:italic; }
mark:target, td:target { animation: flash 1.6s ease-out; }
@keyframes flash { 0% { box-shadow:0 0 0 4px #ff0; } 100% { box-shadow:0 0 0 0 #ff0; } }
ol.checks { padding-left:22px; margin:4px 0; }
ol.checks li { margin:3px 0; }
ol.checks .msg { font-family:ui-monospace, monospace; background:#fff3f2; padding:0 4px; }
.banner { padding:6px 10px; border-radius:4px; margin:6px 0; }
.banner.warn { background:#fff5d6; border:1px solid #e7c75a; }
.banner.error { background:#ffe3e0; border:1px solid #e58a80; }
table.rebuilt { margin:4px 0 10px; }
table.rebuilt td.cell { text-align:right; min-width:2.4em; }
table.rebuilt td.cell a { color:inherit; text-decoration:none; display:block; }
table.rebuilt td.blank { background:#fff; }
table.rebuilt td.none { background:repeating-linear-gradient(45deg,#fff,#fff 3px,#eee 3px,#eee 5px); }
table.rebuilt th.rowhead { text-align:left; font-weight:normal; }
table.rebuilt th.article { text-align:left; background:#e9e9ef; }
table.t3 th.leaf { max-width:18em; }
details#rows { margin:1em 0; } table.rows td, table.rows th { border:1px solid #ddd; padding:1px 4px; font-size:.85em; text-align:center; }
table.rows th.label { text-align:right; font-weight:normal; color:#555; } table.rows td.free { background:#fff3e0; } table.rows td.blank { color:#aaa; }
@media (max-width: 1100px) { .layout { grid-template-columns: 1fr; } nav#index, aside#tables { position:static; height:auto; } }
"""


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    anchor: str
    classes: str
    title: str
    field: str


def _failing(record: dict) -> tuple[list[dict], dict[str, list[int]], dict[tuple[str, int], list[int]]]:
    """Failing checks, field ID → their indexes, and (field, start) of failing prose mentions → indexes."""
    checks = [c for c in record.get("checks") or [] if c.get("status") == "fail"]
    by_field: dict[str, list[int]] = {}
    by_mention: dict[tuple[str, int], list[int]] = {}
    for i, c in enumerate(checks):
        scope = str(c.get("scope", ""))
        if "@" in scope:  # prose.t3_total: the mention at that offset disagrees with the table
            fid, _, start = scope.partition("@")
            by_mention.setdefault((fid, int(start) if start.isdigit() else -1), []).append(i)
        for fid in c.get("fields") or []:
            by_field.setdefault(fid, []).append(i)
    return checks, by_field, by_mention


def _page(entry: dict) -> str:
    """`` · p. 3`` for a span of a PDF (records of PDFs carry ``page``)."""
    return f" · p. {entry['page']}" if isinstance(entry.get("page"), int) else ""


def collect_marks(record: dict, raw: str) -> tuple[list[Mark], list[str]]:
    """Every span of the record that matches the text, and a note for each one that does not."""
    marks, problems = [], []
    _, failing, failing_mentions = _failing(record)

    def add(start, end, expected, anchor, group, title, fid, extra=()):
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(raw)) \
                or raw[start:end] != expected:
            problems.append(f"{fid} [{start}:{end}] {expected!r} does not match the text")
            return
        classes = ["hl", f"g-{group}", *extra]
        marks.append(Mark(start, end, anchor, " ".join(classes), title, fid))

    for i, s in enumerate(record.get("sections") or []):
        title = s.get("title") or ""
        add(s.get("start"), (s.get("start") or 0) + len(title), title, f"sec-{i}", "sections",
            f"{s['id']} · {SECTIONS[s['id']].heading if s['id'] in SECTIONS else '?'}" + _page(s), s["id"], ("heading",))
    for fid, entry in (record.get("fields") or {}).items():
        if fid not in FIELDS:
            problems.append(f"{fid}: not a field ID of the catalogue")
            continue
        extra, notes = field_marks(entry, failing.get(fid))
        title = (f"{fid} = {fmt_value(entry)} · {FIELDS[fid].label}" + "".join(f" · {n}" for n in notes)
                 + _made_by(entry) + _page(entry))
        add(entry.get("start"), entry.get("end"), entry.get("text"), f"span-{fid}", FIELDS[fid].group,
            title, fid, extra)
    for m in record.get("mentions") or []:
        fid = m.get("field")
        if fid not in FIELDS:
            continue
        extra = ["mention", "prose-mark"]
        note = "another mention (the reported value is the table cell)"
        if (fid, m.get("start")) in failing_mentions:
            extra.append("fail-box")
            note += " · disagrees with the table: failing check " + ", ".join(
                f"#{i + 1}" for i in failing_mentions[(fid, m.get("start"))])
        add(m.get("start"), m.get("end"), m.get("text"), f"span-{fid}@{m.get('start')}", FIELDS[fid].group,
            f"{fid} = {fmt_value(m)} · {note}", fid, extra)
    return marks, problems


def _made_by(entry: dict) -> str:
    """`` · by decoder (rule)``: the pipeline stage that produced a field (records before 0.2 have none)."""
    by = entry.get("by")
    if not by:
        return ""
    rule = entry.get("rule")
    return f" · by {by}" + (f" ({rule})" if rule else "")


def _rows_html(record: dict, raw: str | None) -> str:
    """The printed rows the reader saw in the report body (``rows.printed_rows``), each cell with the
    field that took it: what the decoder had to work with."""
    if raw is None:
        return ""
    view = BodyView.of(raw)
    taken = sorted((f["start"], fid) for fid, f in (record.get("fields") or {}).items() if isinstance(f.get("start"), int))
    items, rows = [], []
    for row in printed_rows(view.text, view.folded_blanks(), min_cells=1):
        spans = [(s, e, *view.norm.to_raw(s + view.start, e + view.start)) if s < e else (s, e, None, None)
                 for s, e in row.cells]
        inside = [[fid for start, fid in taken if rs is not None and rs <= start < re_] for _, _, rs, re_ in spans]
        if len(spans) > 1 or len(inside[0]) > 1:  # a row of cells, or a run of digits holding several
            rows.append((row, spans, inside))
    for k, (row, spans, inside) in enumerate(rows):
        cells = []
        for (s, e, rs, re_), fids in zip(spans, inside):
            if s == e:
                cells.append('<td class="blank">_</td>')
                continue
            names = " ".join(f.split(".", 1)[-1] for f in fids) or "·"
            cells.append(f'<td title="{esc(" ".join(fids) or "no field")}" class="{"took" if fids else "free"}">'
                         f'{esc(raw[rs:re_])}<br><small>{esc(names)}</small></td>')
        line_start = view.text.rfind("\n", 0, row.start) + 1
        label = view.text[line_start:row.start].strip(" \t|")[-24:]
        items.append(f'<tr><th>{k + 1}</th><th class="label">{esc(label)}</th>{"".join(cells)}</tr>')
    table = f'<table class="rows">{"".join(items)}</table>' if items else '<p class="muted">no row of two or more cells</p>'
    return (f'<details id="rows"><summary>Printed rows the reader saw ({len(rows)})</summary>'
            f'<p class="muted">cells with only separators between them, in body order (runs of digits as one '
            f'cell); blank cells as _; under each figure the fields filed from it</p>{table}</details>')


def render_text(raw: str, marks: Iterable[Mark]) -> tuple[str, list[Mark]]:
    """The escaped text with ``<mark>`` elements; nested spans nest, partly overlapping ones are skipped."""
    out, stack, pos, skipped = [], [], 0, []
    for m in sorted(marks, key=lambda m: (m.start, -m.end)):
        while stack and stack[-1].end <= m.start:
            top = stack.pop()
            out.append(esc(raw[pos:top.end]) + "</mark>")
            pos = top.end
        if stack and m.end > stack[-1].end:
            skipped.append(m)
            continue
        out.append(esc(raw[pos:m.start]))
        out.append(f'<mark id="{esc(m.anchor)}" class="{esc(m.classes)}" data-field="{esc(m.field)}" '
                   f'data-start="{m.start}" data-end="{m.end}" title="{esc(m.title)}">')
        pos = m.start
        stack.append(m)
    while stack:
        top = stack.pop()
        out.append(esc(raw[pos:top.end]) + "</mark>")
        pos = top.end
    out.append(esc(raw[pos:]))
    return "".join(out), skipped


def _checks_html(record: dict, checks: list[dict]) -> str:
    every = record.get("checks") or []
    counts = {s: sum(c.get("status") == s for c in every) for s in ("pass", "fail", "unknown", "warn")}
    inferred = sum(c.get("status") == "pass" and c.get("basis") == "inferred" for c in every)
    warns = "".join(f'<li class="warn" data-rule="{esc(c.get("rule"))}"><b>{esc(c.get("rule"))}</b> '
                    f'[{esc(c.get("scope"))}] <span class="msg">{esc(c.get("message"))}</span></li>'
                    for c in every if c.get("status") == "warn")
    summary = (f'<p class="muted" id="check-counts">{len(every)} checks: {counts["pass"]} pass '
               f'({counts["pass"] - inferred} as printed, {inferred} inferred: a split or realign made them hold), '
               f'{counts["fail"]} fail, {counts["warn"]} warn, {counts["unknown"]} unknown (a value missing or NA)</p>'
               + (f'<h3>Warnings ({counts["warn"]})</h3><ol class="warns">{warns}</ol>' if warns else ""))
    if not checks:
        return f'<section id="checks"><h2>Failing checks</h2><p>No failing check.</p>{summary}</section>'
    items = []
    for i, c in enumerate(checks):
        links = " ".join(f'<a href="#cell-{esc(f)}">{esc(f)}</a>' for f in c.get("fields") or [])
        items.append(f'<li id="check-{i + 1}" class="check fail" data-rule="{esc(c.get("rule"))}">'
                     f'<b>{esc(c.get("rule"))}</b> [{esc(c.get("scope"))}] <span class="msg">{esc(c.get("message"))}</span>'
                     f'<br><span class="muted">cells:</span> {links}</li>')
    return f'<section id="checks"><h2>Failing checks ({len(checks)})</h2><ol class="checks">{"".join(items)}</ol>{summary}</section>'


def _index_html(record: dict, linked_sections: set[str]) -> str:
    items = []
    for i, s in enumerate(record.get("sections") or []):
        name = esc(s.get("title") or s.get("id"))
        inner = f'<a href="#sec-{i}">{name}</a>' if f"sec-{i}" in linked_sections else name
        items.append(f'<li data-section="{esc(s.get("id"))}">{inner}</li>')
    sections = f'<ol id="section-index">{"".join(items)}</ol>' if items else '<p class="muted">no section found</p>'
    return (f'<nav id="index"><h2>Sections</h2>{sections}<h2>Jump to</h2><ul>'
            '<li><a href="#checks">failing checks</a></li><li><a href="#tables">rebuilt tables</a></li>'
            f'<li><a href="#text">document text</a></li></ul><h2>Legend</h2>{legend(GROUPS)}</nav>')


def render_show(record: dict, raw: str | None, note: str = "") -> str:
    """The ``show`` page of one record; ``raw`` is the document text its offsets point into (None: unreadable)."""
    checks, failing, _ = _failing(record)
    marks, problems = collect_marks(record, raw) if raw is not None else ([], [])
    body, skipped = render_text(raw, marks) if raw is not None else ("", [])
    problems += [f"{m.field} [{m.start}:{m.end}] overlaps another span: not highlighted" for m in skipped]
    anchors = {m.anchor for m in marks} - {m.anchor for m in skipped}
    fmt = record.get("format") or "unknown"
    ctx = Cells(record.get("fields") or {}, failing, {a[len("span-"):] for a in anchors if a.startswith("span-")})
    tables = [("Table 2 · 主动公开政府信息情况", table2(fmt, ctx)),
              ("Table 3 · 收到和处理政府信息公开申请情况", table3(fmt, ctx)),
              ("Table 4 · 政府信息公开行政复议、行政诉讼情况", table4(fmt, ctx)),
              ("Other fields (prose and outside the tables)", other_fields(fmt, ctx))]
    layout = "official" if fmt in ("2021", "2019") else "no official grid: only rows and columns with a stated field"
    tables_html = "".join(f"<h3>{esc(t)}</h3>{h}" for t, h in tables if h) or '<p class="muted">no field found</p>'
    status = record.get("status") or "?"
    n_fields = len(record.get("fields") or {})
    banners = ""
    if record.get("error"):
        banners += f'<div class="banner error">error: {esc(record["error"])}</div>'
    if note:
        banners += f'<div class="banner warn">{esc(note)}</div>'
    if problems:
        items = "".join(f"<li>{esc(p)}</li>" for p in problems[:50])
        banners += (f'<div class="banner warn">{len(problems)} spans not highlighted (was the document changed '
                    f'after extraction?)<ul>{items}</ul></div>')
    header = (f'<header><h1>{esc(record.get("id"))}</h1><p class="meta"><span class="badge {esc(status)}">{esc(status)}</span> '
              f'format <b>{esc(fmt)}</b> · year <b>{esc(record.get("year") or "?")}</b> · {n_fields} fields · '
              f'{len(checks)} failing checks · source <code>{esc(record.get("source"))}</code></p>{banners}</header>')
    text_html = (f'<section id="text"><h2>Document text</h2><pre class="doc">{body}</pre></section>'
                 if raw is not None else '<section id="text"><h2>Document text</h2><p class="muted">not available</p></section>')
    aside = (f'<aside id="tables"><h2>Rebuilt tables <span class="muted">({esc(fmt)} format, {esc(layout)})</span></h2>'
             f'{tables_html}</aside>')
    main = f"<main>{header}{_checks_html(record, checks)}{_rows_html(record, raw)}{text_html}</main>"
    body_html = f'<div class="layout">{_index_html(record, anchors)}{main}{aside}</div>'
    return page(f"{record.get('id')} · gktagger show", body_html, SHOW_CSS, "show")


def gold_record(annotation, text: str, record_id: str | None = None) -> dict:
    """A record (output contract) built from gold spans: what a perfect tagger would report, checks included.

    Used to review annotations and to test pages with realistic highlights.
    """

    def entry(span) -> dict:
        v = parse_value(span.text, FIELDS[span.label].kind)
        e = {"value": v.value, "text": span.text, "start": span.start, "end": span.end, "score": 1.0}
        e.update({k: True for k in ("na", "approx") if getattr(v, k)})
        if v.unit:
            e["unit"] = v.unit
        if span.prose:
            e["prose"] = True
        return e

    chosen = gold_spans(annotation)
    fields = {fid: entry(s) for fid, s in sorted(chosen.items(), key=lambda kv: kv[1].start)}
    mentions = [{"field": s.label, **entry(s)} for s in annotation.fields() if chosen.get(s.label) is not s]
    record = {"id": record_id or annotation.document, "source": record_id or annotation.document, "status": "ok",
              "error": None, "format": annotation.format, "year": annotation.year, "sections": annotation.sections(),
              "fields": fields, "checks": [], "mentions": sorted(mentions, key=lambda m: m["start"])}
    printed.annotate(record, text)
    record["checks"] = validate(record)
    record["status"] = status_of(record["checks"])
    return record


# --- the document text behind a record ---

_CORPUS_ROW = re.compile(r"(.+):(\d+)")


def _corpus_of(source: str) -> str | None:
    """``corpus.jsonl`` for a record read from line/row ``corpus.jsonl:12`` (None for a plain file)."""
    if Path(source).exists():
        return None
    m = _CORPUS_ROW.fullmatch(source)
    if m and Path(m.group(1)).is_file() and m.group(1).lower().endswith((".jsonl", ".json", ".parquet")):
        return m.group(1)
    return None


def for_display(record: dict, doc) -> tuple[dict, str]:
    """The record and the text to show it on: an HTML page's record indexes the HTML source, and is
    shown on the text it reduces to (offsets mapped back with ``Document.from_source``)."""
    if doc.source_offsets is None:
        return record, doc.text
    record = copy.deepcopy(record)
    back = lambda s, e: doc.from_source(s, e) if isinstance(s, int) and isinstance(e, int) else (s, e)
    for entry in [*(record.get("fields") or {}).values(), *(record.get("mentions") or [])]:
        if isinstance(entry, dict):
            entry["start"], entry["end"] = back(entry.get("start"), entry.get("end"))
            if isinstance(entry["start"], int) and entry["start"] < entry["end"]:
                entry["text"] = doc.text[entry["start"]:entry["end"]]
    for section in record.get("sections") or []:
        start = section.get("start")
        if isinstance(start, int) and isinstance(section.get("title"), str):
            title_end = back(start, start + len(section["title"]))[1]
            section["start"], section["end"] = back(start, section.get("end") if isinstance(section.get("end"), int) else start)
            section["title"] = doc.text[section["start"]:max(section["start"], title_end)]
    for check in record.get("checks") or []:
        field_id, at, offset = str(check.get("scope", "")).partition("@")
        if at and offset.isdigit():
            check["scope"] = f"{field_id}@{back(int(offset), int(offset))[0]}"
    return record, doc.text


def iter_texts(records: list[dict], text_column: str = "text",
               roots: list[Path] | None = None) -> Iterator[tuple[dict, str | None, str]]:
    """``(record, text, problem)`` for each record, reading each corpus file once; text None when unreadable
    or not allowed (:func:`gktagger.io.sources.unavailable`; ``roots`` default to the current folder)."""

    roots = roots if roots is not None else [Path.cwd().resolve()]
    by_corpus: dict[str, list[dict]] = {}
    for r in records:
        source = r.get("source") or r.get("id") or ""
        if not isinstance(source, str) or not source or "\x00" in source:
            yield r, None, "source unavailable: the record names none"
            continue
        corpus = _corpus_of(source)
        problem = unavailable(corpus or source, roots)
        if problem:
            yield r, None, problem
            continue
        if corpus:
            by_corpus.setdefault(corpus, []).append(r)
            continue
        try:
            yield (*for_display(r, read_path(source)), "")
        except FileNotFoundError:
            yield r, None, f"source {source} not found: run from the folder where `gktagger extract` ran"
        except (ReadError, OSError) as e:
            yield r, None, f"source {source} unreadable: {e}"
        except Exception as e:  # noqa: BLE001 - one odd source must not stop the pages
            yield r, None, f"source {source} unreadable: {type(e).__name__}"
    for corpus, wanted in by_corpus.items():
        waiting = {}
        for r in wanted:
            waiting.setdefault(r.get("source"), []).append(r)
        for doc in iter_documents([corpus], text_column=text_column):
            for r in waiting.pop(doc.source, []):
                yield (*for_display(r, doc), "") if not doc.error else (r, None, f"source {doc.source} unreadable: {doc.error}")
        for rs in waiting.values():
            for r in rs:
                yield r, None, f"source {r.get('source')} not found in {corpus}"


def find_record(path: str, record_id: str | None) -> dict:
    """The record with ``record_id`` in a JSONL file (the only record when no id is given)."""
    if not Path(path).is_file():
        raise UsageError(f"records file not found: {path}")
    count, first_ids, only = 0, [], None
    try:
        for r in read_records(Path(path)):
            if not isinstance(r, dict):
                raise ValueError("not a record")
            if record_id is not None and r.get("id") == record_id:
                return r
            count, only = count + 1, r
            if len(first_ids) < 3:
                first_ids.append(str(r.get("id")))
    except ValueError:
        raise UsageError(f"{path} is not JSON Lines records: pass the OUT.jsonl of `gktagger extract`") from None
    if count == 0:
        raise UsageError(f"{path} holds no record: run `gktagger extract INPUT -o {path}` first")
    if record_id is None and count == 1:
        return only
    if record_id is None:
        raise UsageError(f"{path} holds {count} records: pass --id ID (e.g. --id {first_ids[0]})")
    raise UsageError(f"no record with id {record_id!r} in {path} (ids look like {', '.join(first_ids)})")


def cmd_show(args) -> int:
    if args.input and args.record:
        raise UsageError("give a document (gktagger show INPUT) or a record (--record OUT.jsonl --id ID), not both")
    if not args.input and not args.record:
        raise UsageError("nothing to show: give a document (gktagger show INPUT) or --record OUT.jsonl --id ID")
    if args.id and not args.record:
        raise UsageError("--id selects a record: use it with --record OUT.jsonl")
    if args.record:

        record = find_record(args.record, args.id)
        record, raw, problem = next(iter_texts([record], args.text_column, source_roots(args.record, args.source_root)))
    else:
        record, raw, problem = _extract_one(args.input, args.model)
    out = Path(args.output or page_name(str(record.get("id"))))
    try:

        out.parent.mkdir(parents=True, exist_ok=True)
        write_page(out, render_show(record, raw, problem))
    except OSError as e:
        raise UsageError(f"cannot write {out}: {e.strerror or e}") from None
    print(f"wrote {out}" + (f" ({problem})" if problem else ""), file=sys.stderr)
    return 0


def _extract_one(path: str, model: str | None) -> tuple[dict, str | None, str]:
    p = Path(path)
    if not p.exists():
        raise UsageError(f"input not found: {path}")
    if p.is_dir() or not p.name.lower().endswith(DOCUMENT_SUFFIXES):
        raise UsageError(f"show takes one document ({' '.join(DOCUMENT_SUFFIXES)}): for a corpus run "
                         "`gktagger extract` then `gktagger report OUT.jsonl --with-pages`")
    extractor = Extractor(model=model)
    try:
        doc = read_path(path, limits=extractor.config.limits)
    except ReadError as e:
        raise UsageError(f"cannot read {path}: {e}") from None
    record = extractor.extract([doc])[0]
    return (*for_display(record, doc), "")


def add_parser(sub) -> None:
    s = sub.add_parser("show", help="one document as an HTML page: highlights, rebuilt tables, failing checks")
    s.add_argument("input", nargs="?", help="a document (.txt .md .html .htm .pdf .docx) to extract and show")
    s.add_argument("-o", "--output", help="page to write (default: a slug of the document id + .html)")
    s.add_argument("--model", help="model directory (default: the model shipped in the package)")
    s.add_argument("--record", metavar="OUT.jsonl", help="show an existing record instead of extracting")
    s.add_argument("--id", help="the record's id in --record (needed when it holds several)")
    s.add_argument("--text-column", default="text", help='text column when the record came from a JSONL/Parquet corpus')
    s.add_argument("--source-root", action="append", metavar="DIR",
                   help="a folder the record's source may be read from (besides the records' folder and the "
                        "current folder); repeatable")
    s.set_defaults(run=cmd_show)
