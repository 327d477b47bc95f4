"""The post-model stage: named steps from the model's tags to a checked record.

Each stage reads and writes fields of one :class:`Extraction` (the document on
its way through, in the spirit of a spaCy ``Doc``) and says so in its
docstring. ``STAGES`` lists them in order; any stage marked optional can be
switched off by name (``PipelineConfig(disabled=("cues",))`` or
``--set disabled=[cues]``), which is how an ablation or a test leaves a rule out.

>>> [s.name for s in STAGES]
['year', 'decode', 'realign', 'spans', 'figures', 'blocks', 'cues', 'legacy', 'signed', 'table2', 'splits', 'headings', 'search', 'fields', 'sections', 'checks', 'source']
>>> [s.name for s in STAGES if s.optional]
['decode', 'realign', 'figures', 'blocks', 'cues', 'legacy', 'signed', 'table2', 'splits', 'headings', 'search']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from gktagger.config import PipelineConfig
from gktagger.decoding.blocks import decided_cells
from gktagger.decoding.cues import not_figures, prose_counts, prose_results, prose_row_totals, prose_t4_figures
from gktagger.decoding.decode import Decoded, cell_spans, decode_tables, label_score
from gktagger.decoding.fields import (ambiguous_runs, choose_fields, is_prose, outside_footers, undecided_fields,
                                      whole_figures)
from gktagger.decoding.legacy import legacy_rows
from gktagger.decoding.realign import realign_rows
from gktagger.decoding.signed import signed_rows
from gktagger.decoding.splits import resolve_runs
from gktagger.decoding.table2 import run_together_rows
from gktagger.errors import ConfigError
from gktagger.io.document import Document
from gktagger.io.pdftext import add_pages
from gktagger.record import printed
from gktagger.record.build import (Record, build_record, build_sections, detect_format, detect_year, missing_headings,
                                   settle_headings, to_source as record_to_source)
from gktagger.record.validate import validate
from gktagger.schema import FIELDS, SECTIONS, template
from gktagger.tagging.tagger import Prediction
from gktagger.tagging.tags import OUTSIDE, TagSpan, merge_fragments
from gktagger.text.body import BodyView, RawSpan


@dataclass
class Extraction:
    """One document between the model and its record. Body offsets until ``fields``, raw after."""
    doc: Document
    view: BodyView
    prediction: Prediction
    config: PipelineConfig
    year: int | None = None
    decoded: Decoded | None = None
    spans: list[TagSpan] = field(default_factory=list)
    raw_spans: list[RawSpan] = field(default_factory=list)
    format: str = "unknown"
    fields: dict = field(default_factory=dict)
    mentions: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # keys the record carries beyond the contract (``seconds``)
    undecided: list[tuple[TagSpan, list]] = field(default_factory=list)  # runs read as no value: span, readings

    def record(self) -> Record:
        record = build_record(self.doc, format=self.format, year=self.year, sections=self.sections,
                              fields=self.fields, mentions=self.mentions, checks=self.checks)
        record.update(self.extra)
        add_pages(record, self.doc)  # issue 17: `page` on the spans of a PDF (gktagger/io/pdftext.py)
        return record


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Extraction], None]
    optional: bool = False


def find_year(x: Extraction) -> None:
    """Reads the body; writes ``year`` (title, else statistics period, else first year named)."""
    x.year = detect_year(x.view.text)


def decode(x: Extraction) -> None:
    """Reads the prediction and ``year``; writes ``decoded``: table cells in the 2019 or 2021 template,
    whichever fits (``decode.py``). Legacy reports, whose tables have no template, are left to the model."""
    pred = x.prediction
    if pred.logp is None:
        return
    model_fields = {s.label: None for s in pred.spans() if s.label in FIELDS}
    if detect_format(model_fields, x.year, x.config.headings.min_format_evidence) == "legacy":
        return
    x.decoded = decode_tables(x.view.text, pred.tags, pred.positions, pred.logp, x.config.decoder,
                              blanks=x.view.folded_blanks() + x.view.blank_lines(), max_cell_digits=x.config.fields.max_cell_digits)


def realign(x: Extraction) -> None:
    """Reads and rewrites ``decoded.cells``: whole printed rows moved where the table identities
    then hold better (``realign.py``); a moved cell says ``by="realign"`` and its shift."""
    if x.decoded is None:
        return
    d = x.decoded
    cells, shifts = realign_rows(x.view.text, [c[:3] for c in d.cells], template(d.format), d.format,
                                 x.config.realign.max_shift, x.config.limits.max_digit_run)
    d.cells = [(s, e, f, "realign", f"row moved {k:+d} in the template") if k else old
               for (s, e, f), k, old in zip(cells, shifts, d.cells)]


def spans(x: Extraction) -> None:
    """Reads the prediction and ``decoded``; writes ``spans``: the model's spans, with the numbers the
    decoder re-tagged replaced by its cells, and fragments of one label joined."""
    pred = x.prediction
    tags, found = pred.tags, []
    if x.decoded is not None:
        tags = tags.copy()
        for s, e in x.decoded.replaced:
            tags[s:e] = OUTSIDE
        found = cell_spans(x.decoded.cells, pred.positions, pred.logp)
    x.spans = merge_fragments(pred.spans_of(tags) + found, x.view.text)


def figures(x: Extraction) -> None:
    """Rewrites ``spans``: a prose figure or a date tagged in part becomes the whole figure, and a page
    footer is no figure (``fields.py``)."""
    x.spans = whole_figures(x.view.text, outside_footers(x.view.text, x.spans))


def scorer(x: Extraction) -> Callable[[int, int, str], float]:
    """The model's probability of a label over a span a rule placed (0 without the model's scores)."""
    pred = x.prediction
    row_of = {int(p): k for k, p in enumerate(pred.positions)} if pred.logp is not None else {}
    return lambda s, e, label: label_score(row_of, pred.logp, s, e, label) if row_of else 0.0


def blocks(x: Extraction) -> None:
    """Rewrites ``spans``: table 4 and table-3 rows printed as figures alone (separated or run together),
    placed as cells where exactly one reading makes their sums hold (``blocks.py``)."""
    x.spans = decided_cells(x.view.text, x.spans, scorer(x), x.config.fields.max_cell_digits)


def cues(x: Extraction) -> None:
    """Rewrites ``spans``: prose mentions that are no figure dropped; prose appeal/lawsuit figures, whole
    prose counts and table-3 row totals named by the words around them, tagged or not (``cues.py``)."""
    body, score = x.view.text, scorer(x)
    spans = prose_results(body, not_figures(body, x.spans))
    spans = prose_counts(body, prose_t4_figures(body, spans, score), score)
    x.spans = prose_row_totals(body, spans, score)


def legacy(x: Extraction) -> None:
    """Rewrites ``spans`` and adds to ``undecided``: the rows of legacy statistics tables (本年度 | 历年累计),
    run-together cells split where 本年 ≤ 累计 (or the prose figure) leaves one reading (``legacy.py``)."""
    rows = legacy_rows(x.view.text, x.spans, scorer(x), x.config.fields.max_candidates)
    x.spans, x.undecided = rows.replace(x.view.text, x.spans), x.undecided + rows.undecided


def signed(x: Extraction) -> None:
    """Rewrites ``spans`` and adds to ``undecided``: 2019 table-2 rows whose signed change runs into the
    decisions count (``行政处罚58+2497``), split only where one reading is left (``signed.py``)."""
    rows = signed_rows(x.view.text, scorer(x), x.config.fields.max_candidates)
    x.spans, x.undecided = rows.replace(x.view.text, x.spans), x.undecided + rows.undecided


def table2(x: Extraction) -> None:
    """Rewrites ``spans`` and adds to ``undecided``: table-2 rows whose cells run together unsigned
    (``行政规范性文件46117380``), split only where one reading is left (``table2.py``)."""
    rows = run_together_rows(x.view.text, x.decoded.format if x.decoded else None, scorer(x),
                             x.config.fields.max_candidates)
    x.spans, x.undecided = rows.replace(x.view.text, x.spans), x.undecided + rows.undecided


def splits(x: Extraction) -> None:
    """Rewrites ``spans``: run-together cells split where the table identities decide (``splits.py``)."""
    x.spans, _ = resolve_runs(x.view.text, x.spans, x.prediction.begin, x.config.splits.max_candidates,
                              x.config.limits.max_digit_run)


def headings(x: Extraction) -> None:
    """Rewrites ``spans``: headings start at their ordinal and take the section their wording names."""
    x.spans = settle_headings(x.view.text, x.spans)


def search(x: Extraction) -> None:
    """Adds to ``spans`` the headings of sections the model missed, found by the catalogue's wording."""
    x.spans += missing_headings(x.view.text, x.spans, x.config.headings.min_heading)


def to_fields(x: Extraction) -> None:
    """Reads ``spans``; writes ``raw_spans`` (raw offsets), ``fields``, ``mentions`` and ``format``: the
    report's format is decided here, once, from the cells found (the decoder only says which template
    its cells follow: on a page without tables that is no evidence)."""
    raw = [(s, x.view.to_raw(s)) for s in x.spans]
    x.raw_spans = [r for _, r in raw if r is not None]
    prose = {(r.start, r.end, r.label) for s, r in raw if r is not None and is_prose(x.view.text, s.end)}
    x.fields, x.mentions = choose_fields(x.view.raw, x.raw_spans, x.config.limits.max_digit_run, prose)
    f = x.config.fields
    ambiguous_runs(x.fields, f.max_cell_digits, f.max_prose_digits, f.max_candidates)
    undecided_fields(x.view.raw, x.fields, x.mentions,
                     [(r, c) for r, c in ((x.view.to_raw(s), c) for s, c in x.undecided) if r is not None])
    for f in x.fields.values():
        if f["by"] == "split":
            f["split"] = "inferred"
    x.format = detect_format(x.fields, x.year, x.config.headings.min_format_evidence)


def to_sections(x: Extraction) -> None:
    """Reads ``raw_spans``; writes ``sections`` (each to the next heading, the last to the body's end)."""
    x.sections = build_sections(x.view.raw, [s for s in x.raw_spans if s.label in SECTIONS], x.view.raw_end,
                                x.config.headings.min_heading)


def checks(x: Extraction) -> None:
    """Reads ``format``, ``year``, ``fields`` and ``mentions``; writes what the checks read beside the
    fields (``printed.py``: ``title`` and ``period`` in ``extra``, a legacy field's ``cumulative``) and
    ``checks`` (``validate.py``)."""
    beside = printed.annotate({"format": x.format, "fields": x.fields}, x.view.raw, x.doc.source_text)
    x.extra.update({k: beside[k] for k in ("title", "period") if k in beside})
    x.checks = validate({"format": x.format, "year": x.year, "fields": x.fields, "mentions": x.mentions,
                         **{k: beside[k] for k in ("title", "period") if k in beside}})


def to_source(x: Extraction) -> None:
    """For a page read from HTML, rewrites the offsets of ``fields``, ``mentions``, ``sections``,
    ``title``/``period`` and the checks' scopes to the HTML source (:func:`gktagger.record.build.to_source`)."""
    record_to_source({"fields": x.fields, "mentions": x.mentions, "sections": x.sections, "checks": x.checks,
                      "title": x.extra.get("title"), "period": x.extra.get("period")}, x.doc)


STAGES: tuple[Stage, ...] = (
    Stage("year", find_year),
    Stage("decode", decode, optional=True),
    Stage("realign", realign, optional=True),
    Stage("spans", spans),
    Stage("figures", figures, optional=True),
    Stage("blocks", blocks, optional=True),
    Stage("cues", cues, optional=True),
    Stage("legacy", legacy, optional=True),
    Stage("signed", signed, optional=True),
    Stage("table2", table2, optional=True),
    Stage("splits", splits, optional=True),
    Stage("headings", headings, optional=True),
    Stage("search", search, optional=True),
    Stage("fields", to_fields),
    Stage("sections", to_sections),
    Stage("checks", checks),
    Stage("source", to_source),
)


def active_stages(config: PipelineConfig) -> list[Stage]:
    """The stages ``config`` leaves on; a name that is no optional stage is an error."""
    optional = {s.name for s in STAGES if s.optional}
    unknown = set(config.disabled) - optional
    if unknown:
        raise ConfigError(f"cannot switch off stage {sorted(unknown)[0]!r}: optional stages are "
                          f"{', '.join(s.name for s in STAGES if s.optional)}")
    return [s for s in STAGES if s.name not in config.disabled]


def run_stages(doc: Document, view: BodyView, prediction: Prediction, config: PipelineConfig) -> Extraction:
    """``doc`` through every active stage; the finished :class:`Extraction` (``.record()`` is the record)."""
    x = Extraction(doc, view, prediction, config)
    for stage in active_stages(config):
        stage.run(x)
    return x
