"""Standoff annotations: a document's file name and sha256, spans in raw offsets, labels.

One JSON file per document (``data/annotations/<set>/<name>.json``)::

    {"document": "reports/pingtan_zhq_2019.txt", "sha256": "…", "format": "2019", "year": 2019,
     "body": [0, 6307],
     "spans": [{"start": 1197, "end": 1203, "text": "一、总体情况", "label": "overview"},
               {"start": 3580, "end": 3582, "text": "23", "label": "t3.new.natural"},
               {"start": 999, "end": 1003, "text": "2599", "label": "proactive.total", "prose": true}],
     "defects": [{"rule": "t3.balance", "scope": "natural", "note": "…"}],
     "notes": "…"}

Offsets index the document text as read (decoded, not normalised). A section's
span covers its heading; the section itself runs to the next heading or to the
end of ``body``. ``prose: true`` marks a mention in running text of a figure
that a table may also state (the table's cell is the reported value).

``document`` names a file under the shared corpus (:func:`corpus_root`). An annotation of a
document that is not a corpus file (e.g. pulled from Label Studio by ``gktagger studio pull``)
carries the document's text itself in a ``text`` key; :func:`document_text` reads either.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from gktagger.decoding.values import Value, parse_value
from gktagger.identities import check_tables
from gktagger.io.document import Document, sha256_text
from gktagger.io.limits import DEFAULT_LIMITS, Limits
from gktagger.io.reading import read_path
from gktagger.schema import FIELDS, SECTIONS, group_of

REPO_ROOT = Path(__file__).resolve().parents[2]


def corpus_root() -> Path:
    """Where the shared corpus lives: ``$GKTAGGER_CORPUS`` or ``../shared/corpus`` beside the checkout."""
    env = os.environ.get("GKTAGGER_CORPUS")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "corpus"


def corpus_files(root: Path | None = None) -> list[Path]:
    """Every report page of the shared corpus (``reports/`` and ``seeds/``), sorted.

    Raises FileNotFoundError when the corpus is not there, saying where it was looked for.
    """
    root = root or corpus_root()
    files = sorted(p for sub in ("reports", "seeds") if (root / sub).is_dir() for p in (root / sub).iterdir()
                   if p.suffix in (".txt", ".md", ".html", ".htm"))
    if not files:
        raise FileNotFoundError(f"no corpus documents under {root}: put shared/ beside the repository "
                                "or set GKTAGGER_CORPUS")
    return files


@dataclass
class Span:
    start: int
    end: int
    text: str
    label: str
    prose: bool = False
    score: float | None = None

    @property
    def is_section(self) -> bool:
        return self.label in SECTIONS

    def to_json(self) -> dict:
        d = {"start": self.start, "end": self.end, "text": self.text, "label": self.label}
        if self.prose:
            d["prose"] = True
        if self.score is not None:
            d["score"] = round(self.score, 4)
        return d


@dataclass
class AnnotatedDoc:
    document: str
    sha256: str
    spans: list[Span]
    format: str = "unknown"
    year: int | None = None
    body: tuple[int, int] | None = None
    defects: list[dict] = field(default_factory=list)
    notes: str = ""
    text: str | None = None  # the document text, when it is not a corpus file

    @property
    def name(self) -> str:
        return Path(self.document).name

    def sections(self) -> list[dict]:
        """Sections as in the output contract: heading start to the next heading (or body end)."""
        heads = sorted((s for s in self.spans if s.is_section), key=lambda s: s.start)
        body_end = self.body[1] if self.body else None
        out = []
        for i, h in enumerate(heads):
            end = heads[i + 1].start if i + 1 < len(heads) else (body_end if body_end is not None else h.end)
            out.append({"id": h.label, "title": h.text, "start": h.start, "end": end})
        return out

    def fields(self) -> list[Span]:
        return [s for s in self.spans if not s.is_section]

    def check(self, text: str) -> list[str]:
        """Problems with this annotation against the document text; empty when it is consistent."""
        problems = []
        if sha256_text(text) != self.sha256:
            problems.append(f"{self.document}: sha256 differs from the annotated version")
        for s in self.spans:
            if text[s.start:s.end] != s.text:
                problems.append(f"{self.document}: span {s.label} [{s.start}:{s.end}] is {text[s.start:s.end]!r}, annotated {s.text!r}")
            try:
                group_of(s.label)
            except KeyError as e:
                problems.append(f"{self.document}: {e.args[0]}")
        return problems

    def to_json(self) -> dict:
        return {
            "document": self.document, "sha256": self.sha256, "format": self.format, "year": self.year,
            "body": list(self.body) if self.body else None,
            "spans": [s.to_json() for s in sorted(self.spans, key=lambda s: (s.start, s.end))],
            "defects": self.defects, "notes": self.notes,
        } | ({"text": self.text} if self.text is not None else {})

    @classmethod
    def from_json(cls, d: dict) -> "AnnotatedDoc":
        spans = [Span(s["start"], s["end"], s["text"], s["label"], bool(s.get("prose", False)), s.get("score"))
                 for s in d["spans"]]
        body = tuple(d["body"]) if d.get("body") else None
        return cls(d["document"], d["sha256"], spans, d.get("format", "unknown"), d.get("year"), body,
                   list(d.get("defects", [])), d.get("notes", ""), d.get("text"))


def document_text(doc: AnnotatedDoc) -> str:
    """The text ``doc`` annotates: its own ``text``, else its corpus file as gktagger reads it (for an
    HTML page, the reduced text: annotations index what the tagger and Label Studio show)."""
    return read_document(doc).text


def read_document(doc: AnnotatedDoc, limits: Limits = DEFAULT_LIMITS) -> Document:
    """The document ``doc`` annotates, read as ``gktagger extract`` reads it (an HTML page keeps its
    source), within ``limits``."""
    if doc.text is not None:
        return Document(id=doc.document, text=doc.text, source=doc.document)
    return read_path(corpus_root() / doc.document, id=doc.document, limits=limits)


def save(doc: AnnotatedDoc, path: str | Path) -> Path:
    """Write ``doc`` to ``path`` whole or not at all (a temporary file renamed over it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def load(path: str | Path) -> AnnotatedDoc:
    return AnnotatedDoc.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def load_dir(*dirs: str | Path) -> list[AnnotatedDoc]:
    """Every ``*.json`` annotation under the given folders, sorted by document name."""
    docs = []
    for d in dirs:
        docs += [load(p) for p in sorted(Path(d).rglob("*.json")) if not p.name.startswith("ls-export")]
    return sorted(docs, key=lambda a: a.document)


# --- Label Studio JSON (tasks with annotations/predictions; value.start/end/text/labels) ---

FROM_NAME, TO_NAME = "label", "text"


def to_label_studio_result(spans: Iterable[Span]) -> list[dict]:
    out = []
    for i, s in enumerate(spans):
        item = {"id": f"s{i}", "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
                "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.label]}}
        if s.score is not None:
            item["score"] = s.score
        out.append(item)
    return out


def to_label_studio_task(doc: AnnotatedDoc, text: str, as_prediction: bool = False,
                         model_version: str | None = None) -> dict:
    """A Label Studio task holding the raw text and these spans as an annotation (or prediction)."""
    result = to_label_studio_result(doc.spans)
    task = {"data": {"text": text, "id": doc.document, "sha256": doc.sha256,
                     "format": doc.format, "year": doc.year}}
    if as_prediction:
        scores = [s.score for s in doc.spans if s.score is not None]
        task["predictions"] = [{"model_version": model_version or "gktagger", "result": result,
                                "score": min(scores) if scores else None}]
    else:
        task["annotations"] = [{"result": result}]
    return task


def spans_from_label_studio(result: Iterable[dict]) -> list[Span]:
    spans = []
    for r in result:
        if r.get("type") != "labels":
            continue
        v = r["value"]
        for label in v.get("labels", []):
            spans.append(Span(int(v["start"]), int(v["end"]), v.get("text", ""), label, score=r.get("score")))
    return sorted(spans, key=lambda s: (s.start, s.end))


def from_label_studio_task(task: dict) -> AnnotatedDoc:
    """The latest non-cancelled annotation of an exported task as an :class:`AnnotatedDoc`."""
    data = task["data"]
    annotations = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
    if not annotations:
        raise ValueError(f"task {task.get('id')} ({data.get('id')}) has no completed annotation")
    latest = max(annotations, key=lambda a: (a.get("updated_at") or a.get("created_at") or "", a.get("id") or 0))
    spans = spans_from_label_studio(latest["result"])
    return AnnotatedDoc(data["id"], data["sha256"], spans, data.get("format") or "unknown", data.get("year"))


# --- gold values and identity checks ---

def gold_spans(doc: AnnotatedDoc) -> dict[str, Span]:
    """The span that states each field's reported value: a table cell over a prose mention, first wins."""
    chosen: dict[str, Span] = {}
    for s in sorted(doc.fields(), key=lambda s: (s.prose, s.start)):
        chosen.setdefault(s.label, s)
    return chosen


def gold_values(doc: AnnotatedDoc) -> dict[str, Value]:
    """Field ID → parsed :class:`~gktagger.decoding.values.Value` of its reported span."""
    out = {}
    for label, span in gold_spans(doc).items():
        v = parse_value(span.text, FIELDS[label].kind)
        if v is None:
            raise ValueError(f"{doc.document}: {label} span {span.text!r} at {span.start} holds no value")
        out[label] = v
    return out


def unexplained_failures(doc: AnnotatedDoc) -> list[str]:
    """Table identities that fail and are not listed in ``defects`` (rule + scope)."""
    values = {k: v.value for k, v in gold_values(doc).items()}
    listed = {(d.get("rule"), d.get("scope")) for d in doc.defects}
    return [f"{o.rule}[{o.scope}]: {o.message}" for o in check_tables(values, doc.format)
            if o.status == "fail" and (o.rule, o.scope) not in listed]
