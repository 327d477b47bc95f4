"""``studio push``: documents → Label Studio tasks pre-annotated with the model's tags.

One task per document (a long document stays one task): ``data`` holds the raw text as read
(every offset indexes it), the document id and sha256, and the pipeline's format/year; the task's
prediction is the full pipeline's record as spans (:mod:`gktagger.studio.predictions`: the same
fields, mentions and headings ``gktagger extract`` writes, each with its score; ``model_version`` =
the model's name, the prediction's score = the mean field score). A document whose id and sha256 are already
in the project is not imported again. Label Studio pre-annotates with the predictions of the
project's ``model_version`` only, so a push makes its model the project's: tasks pushed earlier
by another model then show no pre-annotations unless that model is chosen again (project
Settings > Annotation > Prelabeling).

Sampling picks which documents to send: ``random`` (seeded), ``uncertain`` (lowest mean field score
of the extracted record first; a record with no field counts as 0) or ``invalid`` (only documents whose
extraction fails a validator check or, given ``crosscheck`` results, a cross-year check; most failing
checks first).

>>> docs = [Candidate(Document(f"d{i}", "x")) for i in range(5)]
>>> [c.doc.id for c in choose(docs, 2, "random", seed=1)], [c.doc.id for c in choose(docs, 2, "random", seed=2)]
(['d0', 'd1'], ['d0', 'd4'])
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gktagger.io.document import Document
from gktagger.studio.predictions import Predicted, field_confidence, predict_documents, to_prediction
from gktagger.studio.server import Studio
from gktagger.training import annotations as ann

if TYPE_CHECKING:
    from gktagger.extract import Extractor

STRATEGIES = ("random", "uncertain", "invalid")
IMPORT_BATCH = 100


@dataclass
class Candidate:
    """A document and, once predicted, the pipeline's record and its spans (raw offsets)."""
    doc: Document
    spans: list[ann.Span] = field(default_factory=list)
    record: dict | None = None
    cross_failures: int = 0  # failing cross-year checks naming this document (``gktagger crosscheck``)

    @property
    def confidence(self) -> float:
        """Mean field score of the record; 0 when it has no field (it is surely missing something)."""
        return field_confidence(self.record or {})

    @property
    def failed_checks(self) -> int:
        return sum(c["status"] == "fail" for c in (self.record or {}).get("checks", [])) + self.cross_failures


def cross_failures(lines: list[dict]) -> dict[str, int]:
    """Document id → how many failing cross-year checks (CROSS.jsonl ``pair`` lines) name it."""
    out: dict[str, int] = {}
    for line in lines:
        if line.get("type") == "pair" and line.get("status") == "fail":
            for doc_id in line.get("ids") or []:
                out[doc_id] = out.get(doc_id, 0) + 1
    return out


def predict(candidates: list[Candidate], extractor: Extractor) -> None:
    """Run the whole pipeline over every candidate, in place: its record and the record's spans."""
    for c, p in zip(candidates, predict_documents(extractor, [c.doc for c in candidates])):
        c.record, c.spans = p.record, p.spans


def choose(candidates: list[Candidate], n: int | None, strategy: str, seed: int = 0) -> list[Candidate]:
    """The documents to send, in the order annotators should see them (``n`` None: all that qualify)."""
    if strategy == "random":
        picked = random.Random(seed).sample(candidates, min(n, len(candidates))) if n is not None else candidates
        order = {id(c): i for i, c in enumerate(candidates)}
        return sorted(picked, key=lambda c: order[id(c)])
    if strategy == "uncertain":
        ranked = sorted(candidates, key=lambda c: c.confidence)
    elif strategy == "invalid":
        ranked = sorted((c for c in candidates if c.failed_checks), key=lambda c: -c.failed_checks)
    else:
        raise ValueError(f"unknown sampling strategy {strategy!r}: one of {', '.join(STRATEGIES)}")
    return ranked if n is None else ranked[:n]


def to_task(c: Candidate, model_version: str) -> dict:
    record = c.record or {}
    doc = ann.AnnotatedDoc(c.doc.id, c.doc.sha256, c.spans, record.get("format") or "unknown", record.get("year"))
    task = ann.to_label_studio_task(doc, c.doc.text, model_version=model_version)
    del task["annotations"]
    task["predictions"] = [to_prediction(Predicted(c.doc, record, c.spans), model_version)]
    return task


def ensure_project(studio: Studio, title: str, label_config: str) -> tuple[object, bool]:
    """The project titled ``title`` with this labeling config (created if missing), and whether it was created."""
    found = studio.find_project(title)
    if found is None:
        return studio.client.projects.create(title=title, label_config=label_config,
                                             description="gktagger: correct the model's tags, then submit"), True
    project = studio.client.projects.get(found.id)
    if project.label_config != label_config:  # the field catalogue changed since the project was made
        project = studio.client.projects.update(found.id, label_config=label_config)
    return project, False


def imported_keys(studio: Studio, project_id: int) -> set[tuple[str, str]]:
    """(document id, sha256) of every task already in the project."""
    tasks = studio.client.tasks.list(project=project_id, fields="task_only", include="id,data")
    return {(t.data.get("id"), t.data.get("sha256")) for t in tasks}


@dataclass
class PushResult:
    project_id: int
    created: bool
    pushed: list[str]
    already_there: int
    model_version: str


def push(studio: Studio, docs: list[Document], title: str, label_config: str, extractor: Extractor,
         sample: int | None = None, strategy: str = "random", seed: int = 0,
         cross: dict[str, int] | None = None) -> PushResult:
    """Create or reuse the project, then import the chosen new documents with predictions (``cross``:
    :func:`cross_failures` of a crosscheck, counted as failing checks by ``invalid``)."""
    project, created = ensure_project(studio, title, label_config)
    seen = imported_keys(studio, project.id)
    fresh = []
    for doc in docs:
        if (doc.id, doc.sha256) not in seen:
            seen.add((doc.id, doc.sha256))
            fresh.append(Candidate(doc, cross_failures=(cross or {}).get(doc.id, 0)))
    already = len(docs) - len(fresh)
    if strategy == "random":  # the model is needed only for the documents sent
        chosen = choose(fresh, sample, strategy, seed)
        predict(chosen, extractor)
    else:
        predict(fresh, extractor)
        chosen = choose(fresh, sample, strategy, seed)
    model_version = extractor.tagger.name
    tasks = [to_task(c, model_version) for c in chosen]
    for b in range(0, len(tasks), IMPORT_BATCH):
        studio.client.projects.import_tasks(project.id, request=tasks[b:b + IMPORT_BATCH])
    if tasks and studio.client.projects.get(project.id).model_version != model_version:
        studio.client.projects.update(project.id, model_version=model_version)
    return PushResult(project.id, created, [c.doc.id for c in chosen], already, model_version)
