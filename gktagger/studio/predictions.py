"""The full pipeline's spans for Label Studio: what ``extract`` writes, as labelled regions.

``push`` and the ML backend (:mod:`gktagger.studio.backend`) both pre-annotate with these spans, so
an annotator starts from exactly the record ``gktagger extract`` gives (table decoder, realign,
cues, splits and heading settling included), not from the raw model's tags.

A record's spans are its section headings (``title`` at ``start``), its fields and their other
mentions, each with the pipeline's score. A field left undecided (``candidates``: its run holds
several cells no identity splits) is no region: its cells would overlap, and the annotator cuts it:

>>> record = {"sections": [{"id": "overview", "title": "一、总体情况", "start": 0, "end": 20, "score": 0.9}],
...           "fields": {"t3.new.natural": {"value": 3, "text": "3", "start": 10, "end": 11, "score": 0.8}},
...           "mentions": [{"field": "t3.new.natural", "value": 3, "text": "3件", "start": 15, "end": 17,
...                         "score": 0.5}]}
>>> [(s.start, s.end, s.label, s.score) for s in record_spans(record, "一、总体情况" + "x" * 20)]
[(0, 6, 'overview', 0.9), (10, 11, 't3.new.natural', 0.8), (15, 17, 't3.new.natural', 0.5)]
>>> field_confidence(record)
0.8
>>> run = {"value": None, "ambiguous": True, "text": "46117380", "start": 0, "end": 8, "candidates": [[46, 117, 380]]}
>>> record_spans({"fields": {"t2.normative.issued": run, "t2.normative.repealed": run}}, "46117380")
[]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from gktagger.io.document import Document
from gktagger.training import annotations as ann

if TYPE_CHECKING:
    from gktagger.extract import Extractor

PREDICT_BATCH = 8


def record_spans(record: dict, text: str) -> list[ann.Span]:
    """The record's headings, fields and mentions as spans over the raw ``text``, by start offset.

    A span whose offsets do not index ``text`` is dropped (never shifted to fit).
    """
    found: dict[tuple[int, int, str], float] = {}

    def add(start, end, label, score) -> None:
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            key = (start, end, label)
            found[key] = max(found.get(key, 0.0), float(score if score is not None else 0.0))

    for s in record.get("sections", []):
        title = s.get("title") or ""
        add(s.get("start"), (s.get("start") or 0) + len(title), s.get("id"), s.get("score"))
    for fid, f in record.get("fields", {}).items():
        if not f.get("ambiguous"):
            add(f.get("start"), f.get("end"), fid, f.get("score"))
    for m in record.get("mentions", []):
        if not m.get("ambiguous"):
            add(m.get("start"), m.get("end"), m.get("field"), m.get("score"))
    return [ann.Span(start, end, text[start:end], label, score=round(score, 4))
            for (start, end, label), score in sorted(found.items())]


def field_confidence(record: dict) -> float:
    """Mean score of the record's fields; 0 when it has none (the pipeline surely missed something)."""
    scores = [f.get("score") or 0.0 for f in record.get("fields", {}).values()]
    return sum(scores) / len(scores) if scores else 0.0


@dataclass
class Predicted:
    """A document, the record ``extract`` gives it, and that record's spans."""
    doc: Document
    record: dict
    spans: list[ann.Span]


def predict_documents(extractor: Extractor, docs: Iterable[Document]) -> list[Predicted]:
    """Run the whole pipeline (:class:`gktagger.extract.Extractor`) over ``docs``, in batches."""
    docs = list(docs)
    out = []
    for b in range(0, len(docs), PREDICT_BATCH):
        batch = docs[b:b + PREDICT_BATCH]
        for doc, record in zip(batch, extractor.extract(batch)):
            out.append(Predicted(doc, record, record_spans(record, doc.text)))
    return out


def to_prediction(p: Predicted, model_version: str) -> dict:
    """A Label Studio prediction (``result`` regions, ``score`` = mean field score, ``model_version``)."""
    return {"model_version": model_version, "score": round(field_confidence(p.record), 4),
            "result": ann.to_label_studio_result(p.spans)}
