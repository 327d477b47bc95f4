"""The extraction pipeline: document → normalised body → tags → fields and sections → checks → record.

>>> from gktagger.reading import read_path
>>> from gktagger.annotations import REPO_ROOT
>>> record = Extractor().extract([read_path(REPO_ROOT / "examples" / "county_2021_cells_per_line.txt")])[0]
>>> record["status"] in ("ok", "invalid"), record["format"]
(True, '2021')
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

from .cues import prose_results
from .decode import decode_tables, line_end_blanks
from .document import Document
from .fields import choose_fields
from .normalize import normalise
from .pdftext import add_pages
from .record import (build_sections, detect_format, detect_year, error_record, make_record, missing_headings,
                     settle_headings)
from .repeats import find_body
from .schema import FIELDS, SECTIONS
from .splits import resolve_runs
from .tagger import Prediction, Tagger
from .tags import TagSpan, merge_fragments
from .validate import validate


@dataclass
class Prepared:
    doc: Document
    norm: object
    start: int
    end: int

    @property
    def body(self) -> str:
        return self.norm.text[self.start:self.end]


def prepare(doc: Document) -> Prepared:
    norm = normalise(doc.text)
    start, end = find_body(norm.text)
    return Prepared(doc, norm, start, end)


def constrained(p: Prepared, pred: Prediction, year: int | None) -> Prediction:
    """The prediction with table cells re-decoded in the 2019 or 2021 template, whichever fits
    (legacy reports, whose tables have no fixed layout, keep the model's tags)."""
    if pred.logp is None:
        return pred
    if detect_format({s.label: None for s in pred.spans() if s.label in FIELDS}, year) == "legacy":
        return pred
    blanks = line_end_blanks(p.doc.text, p.norm, p.start, p.end)
    tags, probs, _ = decode_tables(p.body, pred.tags, pred.probs, pred.positions, pred.logp, blanks=blanks)
    return replace(pred, tags=tags, probs=probs)


def raw_spans(p: Prepared, pred: Prediction) -> tuple[list[TagSpan], set[str]]:
    """Predicted spans (prose appeal figures named by their words, run-together cells resolved, headings
    settled and missing ones found) moved from the normalised body to raw offsets."""
    spans = prose_results(p.body, merge_fragments(pred.spans(), p.body))
    spans, inferred = resolve_runs(p.body, spans, pred.begin)
    spans = settle_headings(p.body, spans)
    spans += missing_headings(p.body, spans)
    out = []
    raw = p.doc.text
    for s in spans:
        start, end = p.norm.to_raw(s.start + p.start, s.end + p.start)
        while start < end and raw[start].isspace():
            start += 1
        while end > start and raw[end - 1].isspace():
            end -= 1
        if start < end:
            out.append(TagSpan(start, end, s.label, s.score))
    return out, inferred


def assemble(p: Prepared, pred: Prediction, template_order: bool = True) -> dict:
    raw = p.doc.text
    year = detect_year(p.body)
    spans, inferred = raw_spans(p, constrained(p, pred, year) if template_order else pred)
    fields, mentions = choose_fields(raw, spans)
    for label in inferred & fields.keys():
        fields[label]["split"] = "inferred"
    body_end = p.norm.ends[p.end - 1] if p.end > p.start else len(raw)
    sections = build_sections(raw, [s for s in spans if s.label in SECTIONS], body_end)
    fmt = detect_format(fields, year)
    record = make_record(p.doc, sections, fields, fmt, year, mentions)
    record["checks"] = validate(record)
    record["status"] = "invalid" if any(c["status"] == "fail" for c in record["checks"]) else "ok"
    add_pages(record, p.doc)  # issue 17: `page` on fields/sections of a PDF (gktagger/pdftext.py)
    return record


class Extractor:
    """Runs the whole pipeline over batches of documents; a failing document never stops the batch."""

    def __init__(self, tagger: Tagger | None = None, model: str | None = None, template_order: bool = True):
        self.tagger = tagger or Tagger.from_pretrained(model)
        self.template_order = template_order  # constrained decoding of table cells (decode.py)

    def extract(self, docs: list[Document]) -> list[dict]:
        """One record per document, in order. ``seconds`` is the document's own processing time plus
        its share (by characters) of the batch's model time."""
        records: list[dict | None] = [None] * len(docs)
        ready: list[tuple[int, Prepared]] = []
        seconds = [0.0] * len(docs)
        for i, doc in enumerate(docs):
            if doc.error:
                records[i] = error_record(doc)
                continue
            started = time.perf_counter()
            try:
                ready.append((i, prepare(doc)))
            except Exception as e:  # noqa: BLE001 - one bad document must not stop the batch
                records[i] = error_record(doc, f"could not normalise: {type(e).__name__}: {e}".splitlines()[0])
            seconds[i] += time.perf_counter() - started
        started = time.perf_counter()
        preds = self.tagger.predict_many([p.body for _, p in ready]) if ready else []
        model_time, chars = time.perf_counter() - started, sum(len(p.body) for _, p in ready) or 1
        for (i, p), pred in zip(ready, preds):
            started = time.perf_counter()
            try:
                records[i] = assemble(p, pred, self.template_order)
            except Exception as e:  # noqa: BLE001
                records[i] = error_record(p.doc, f"could not assemble: {type(e).__name__}: {e}".splitlines()[0])
            seconds[i] += time.perf_counter() - started + model_time * len(p.body) / chars
        for record, s in zip(records, seconds):
            record["seconds"] = round(s, 4)
        return records
