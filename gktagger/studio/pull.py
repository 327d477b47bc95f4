"""``studio pull``: completed Label Studio annotations → the standoff annotation files training reads.

One JSON file per annotated document (:mod:`gktagger.training.annotations` format), named
``<file name>-<8 hex>.json``, plus the project's export as Label Studio gave it,
``ls-export-<project>.json`` (``annotations.load_dir`` skips it). The latest submitted
annotation of a task counts; skipped tasks and tasks nobody annotated yet are left out.

- ``document``: the name under the shared corpus when the task's document is a corpus file with
  the same text (the text is not copied), else the task's document id with the text in ``text``.
- Spans keep their raw offsets. A span whose text differs from ``data.text[start:end]`` (or
  an unknown label, or a text whose sha256 changed) is reported and its document not written:
  nothing is shifted to make it fit.
- Field spans get ``prose: true`` where a measure word follows them, as the guidelines mark
  prose figures (the model's :func:`gktagger.decoding.fields.is_prose`).

Pulling again gives the same files, byte for byte (``created_ago`` is dropped from the export:
it is the only field that changes with the clock).

>>> annotation_file_name(ann.AnnotatedDoc("reports/a b.txt", "0" * 64, []))
'a_b.txt-fbbe5b68.json'
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from gktagger.decoding.fields import is_prose
from gktagger.io.reading import read_path
from gktagger.studio.server import Studio
from gktagger.training import annotations as ann

EXPORT_PREFIX = "ls-export-"
VOLATILE_KEYS = ("created_ago",)


@dataclass
class PullResult:
    project_id: int
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    not_annotated: int = 0
    export: Path | None = None


def safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name)[:80] or "_"


def annotation_file_name(doc: ann.AnnotatedDoc) -> str:
    """A stable file name: the document's file name, made safe, and a hash of its id and sha256."""
    return f"{safe_name(Path(doc.document).name)}-{ann.sha256_text(doc.document + doc.sha256)[:8]}.json"


def corpus_name(document: str, sha256: str) -> str | None:
    """``document``'s name under the shared corpus if it is a corpus file with this sha256, else None."""
    root = ann.corpus_root().resolve()
    path = Path(document)
    for candidate in ([path] if path.is_absolute() else [path, root / path]):
        try:
            name = candidate.resolve().relative_to(root)
        except (ValueError, OSError):
            continue
        if candidate.is_file() and read_path(candidate).sha256 == sha256:
            return name.as_posix()
    return None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def task_problem(task) -> str | None:
    """Why an exported task cannot be read (one line, naming the task), or None.

    >>> task_problem({"id": 3, "data": {"id": 7, "sha256": "0" * 64, "text": "abc"}})
    'task 3: data.id must be a string, not int'
    >>> task_problem({"id": 4, "data": {"id": "a", "sha256": "0" * 64, "text": "abc"}, "annotations": [
    ...     {"result": [{"type": "labels", "value": {"start": -1, "end": 2, "labels": ["x"]}}]}]})
    'task 4: span [-1, 2) must satisfy 0 <= start < end <= 3 (the text length), as integers'
    """
    if not isinstance(task, dict):
        return f"a task must be a JSON object, not {type(task).__name__}"
    name = f"task {task.get('id')}"
    data = task.get("data")
    if not isinstance(data, dict):
        return f"{name}: data must be an object"
    for key in ("id", "sha256", "text"):
        if key not in data:
            return f"{name}: data.{key} is missing"
        if not isinstance(data[key], str):
            return f"{name}: data.{key} must be a string, not {type(data[key]).__name__}"
    if not re.fullmatch(r"[0-9a-f]{64}", data["sha256"]):
        return f"{name}: data.sha256 is not a sha256 hex digest"
    annotations = task.get("annotations", [])
    if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
        return f"{name}: annotations must be a list of objects"
    n = len(data["text"])
    for a in annotations:
        result = a.get("result", [])
        if not isinstance(result, list):
            return f"{name}: an annotation's result must be a list"
        for r in result:
            if not isinstance(r, dict) or r.get("type") != "labels":
                continue
            v = r.get("value")
            if not isinstance(v, dict) or not isinstance(v.get("labels", []), list):
                return f"{name}: a labels result has no value with a list of labels"
            start, end = v.get("start"), v.get("end")
            if not (_is_int(start) and _is_int(end) and 0 <= start < end <= n):
                return f"{name}: span [{start!r}, {end!r}) must satisfy 0 <= start < end <= {n} (the text length), as integers"
    return None


def to_annotation(task: dict) -> tuple[ann.AnnotatedDoc | None, list[str]]:
    """The task's latest annotation as an :class:`AnnotatedDoc` (None if it has none), and its problems."""
    problem = task_problem(task)
    if problem:
        return None, [problem]
    try:
        doc = ann.from_label_studio_task(task)
    except ValueError:
        return None, []
    except (KeyError, TypeError, AttributeError) as e:
        return None, [f"task {task.get('id')}: malformed task ({type(e).__name__}: {e})"]
    text = task["data"].get("text", "")
    problems = [f"task {task.get('id')}: {p}" for p in doc.check(text)]
    if problems:
        return None, problems
    for s in doc.spans:
        s.score = None  # an annotator's span is gold; a score copied from the prediction means nothing
        s.prose = not s.is_section and is_prose(text, s.end)
    name = corpus_name(doc.document, doc.sha256)
    if name is not None:
        doc.document = name
    else:
        doc.text = text
    return doc, []


def stable_export(tasks: list[dict]) -> str:
    """The export as JSON text, without the keys that change with the clock."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in VOLATILE_KEYS}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return json.dumps(strip(tasks), ensure_ascii=False, indent=1) + "\n"


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def export_tasks(studio: Studio, project_id: int) -> list[dict]:
    """Every task with at least one annotation, as Label Studio's JSON export."""
    chunks = studio.client.projects.exports.download_sync(project_id, export_type="JSON", download_all_tasks=False,
                                                         download_resources=False)
    return json.loads(b"".join(chunks))


def pull(studio: Studio, title: str, out_dir: str | Path) -> PullResult:
    """Export the project, convert every completed annotation, then write the files (nothing before)."""
    project = studio.project(title)
    tasks = export_tasks(studio, project.id)
    result = PullResult(project.id)
    docs: dict[str, tuple[int, ann.AnnotatedDoc]] = {}
    if not isinstance(tasks, list):
        raise ValueError(f"the export of project {title!r} is not a list of tasks")
    for task in sorted(tasks, key=lambda t: str(t.get("id")) if isinstance(t, dict) else ""):
        doc, problems = to_annotation(task)
        result.problems += problems
        if doc is None:
            result.not_annotated += not problems
            continue
        name = annotation_file_name(doc)
        if name in docs:
            result.problems.append(f"task {task.get('id')}: {doc.document}: task {docs[name][0]} annotates the same "
                                   "document (same sha256); kept this later task: delete one in Label Studio")
        docs[name] = (task.get("id"), doc)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, (_, doc) in sorted(docs.items()):
        path = out / name
        if path.exists() and ann.load(path).to_json() == doc.to_json():
            result.unchanged.append(path)
        else:
            result.written.append(ann.save(doc, path))
    result.export = out / f"{EXPORT_PREFIX}{safe_name(title)}.json"
    write_atomic(result.export, stable_export(tasks))
    return result
