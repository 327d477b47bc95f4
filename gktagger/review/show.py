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

from gktagger.decoding.values import parse_value
from gktagger.extract import Extractor
from gktagger.io.document import Document
from gktagger.io.outputs import read_records
from gktagger.io.reading import DOCUMENT_SUFFIXES, ReadError, iter_documents, read_path
from gktagger.io.sources import source_roots, unavailable, write_page
from gktagger.record import printed
from gktagger.record.build import status_of, to_source
from gktagger.record.validate import validate
from gktagger.review.page import fmt_value, page_name, render
from gktagger.review.tables import Cells, field_marks, other_fields, table2, table3, table4
from gktagger.run.batch import UsageError
from gktagger.schema import FIELDS, GROUPS, SECTIONS
from gktagger.text.body import BodyView
from gktagger.text.rows import printed_rows
from gktagger.training.annotations import gold_spans

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


def printed_row_cells(record: dict, raw: str) -> list[dict]:
    """The printed rows the reader saw in the report body (``rows.printed_rows``), each cell with the
    fields that took it (None for a blank cell): what the decoder had to work with."""
    view = BodyView.of(raw)
    taken = sorted((f["start"], fid) for fid, f in (record.get("fields") or {}).items() if isinstance(f.get("start"), int))
    out = []
    for row in printed_rows(view.text, view.folded_blanks(), min_cells=1):
        spans = [(s, e, *view.norm.to_raw(s + view.start, e + view.start)) if s < e else (s, e, None, None)
                 for s, e in row.cells]
        inside = [[fid for start, fid in taken if rs is not None and rs <= start < re_] for _, _, rs, re_ in spans]
        if len(spans) > 1 or len(inside[0]) > 1:  # a row of cells, or a run of digits holding several
            line_start = view.text.rfind("\n", 0, row.start) + 1
            cells = [None if s == e else {"text": raw[rs:re_], "fields": fids,
                                          "names": " ".join(f.split(".", 1)[-1] for f in fids) or "·"}
                     for (s, e, rs, re_), fids in zip(spans, inside)]
            out.append({"label": view.text[line_start:row.start].strip(" \t|")[-24:], "cells": cells})
    return out


def text_pieces(raw: str, marks: Iterable[Mark]) -> tuple[list[tuple[str, object]], list[Mark]]:
    """The text cut at the marks: ``("text", str)``, ``("open", Mark)``, ``("close", None)``; nested spans
    nest, partly overlapping ones are skipped (and returned)."""
    out, stack, pos, skipped = [], [], 0, []

    def close():
        nonlocal pos
        top = stack.pop()
        out.extend([("text", raw[pos:top.end]), ("close", None)])
        pos = top.end

    for m in sorted(marks, key=lambda m: (m.start, -m.end)):
        while stack and stack[-1].end <= m.start:
            close()
        if stack and m.end > stack[-1].end:
            skipped.append(m)
            continue
        out.extend([("text", raw[pos:m.start]), ("open", m)])
        pos = m.start
        stack.append(m)
    while stack:
        close()
    out.append(("text", raw[pos:]))
    return out, skipped


def _check_counts(record: dict) -> dict:
    every = record.get("checks") or []
    counts = {s: sum(c.get("status") == s for c in every) for s in ("pass", "fail", "unknown", "warn")}
    counts["inferred"] = sum(c.get("status") == "pass" and c.get("basis") == "inferred" for c in every)
    counts["all"] = len(every)
    return counts


def render_show(record: dict, raw: str | None, note: str = "") -> str:
    """The ``show`` page of one record; ``raw`` is the document text its offsets point into (None: unreadable)."""
    checks, failing, _ = _failing(record)
    marks, problems = collect_marks(record, raw) if raw is not None else ([], [])
    text, skipped = text_pieces(raw, marks) if raw is not None else (None, [])
    problems += [f"{m.field} [{m.start}:{m.end}] overlaps another span: not highlighted" for m in skipped]
    anchors = {m.anchor for m in marks} - {m.anchor for m in skipped}
    fmt = record.get("format") or "unknown"
    ctx = Cells(record.get("fields") or {}, failing, {a[len("span-"):] for a in anchors if a.startswith("span-")})
    tables = [("Table 2 · 主动公开政府信息情况", table2(fmt, ctx)),
              ("Table 3 · 收到和处理政府信息公开申请情况", table3(fmt, ctx)),
              ("Table 4 · 政府信息公开行政复议、行政诉讼情况", table4(fmt, ctx)),
              ("Other fields (prose and outside the tables)", other_fields(fmt, ctx))]
    sections = [{"id": s.get("id"), "name": s.get("title") or s.get("id"), "anchor": f"sec-{i}", "linked": f"sec-{i}" in anchors}
                for i, s in enumerate(record.get("sections") or [])]
    return render("show.html", record=record, status=record.get("status") or "?", fmt=fmt,
                  n_fields=len(record.get("fields") or {}), failing=checks, note=note, problems=problems,
                  counts=_check_counts(record), warns=[c for c in record.get("checks") or [] if c.get("status") == "warn"],
                  rows=printed_row_cells(record, raw) if raw is not None else None, text=text,
                  sections=sections, groups=GROUPS, tables=[(t, table) for t, table in tables if table],
                  layout="official" if fmt in ("2021", "2019") else "no official grid: only rows and columns with a stated field")


def gold_record(annotation, document: Document | str, record_id: str | None = None) -> dict:
    """A record (output contract) built from gold spans: what a perfect tagger would report, checks included.

    ``document`` is what the annotation indexes: the :class:`Document` as read (an HTML page's record
    then indexes its HTML source, as an extracted record does, and is shown with :func:`for_display`),
    or the text itself (offsets stay in that text). Used to review annotations and to test pages with
    realistic highlights.
    """
    doc = document if isinstance(document, Document) else Document(id=annotation.document, text=document)

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
    printed.annotate(record, doc.text, doc.source_text)
    record["checks"] = validate(record)
    record["status"] = status_of(record["checks"])
    to_source(record, doc)
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
