"""``studio pull``: completed Label Studio annotations → the standoff annotation files training reads.

One JSON file per annotated document (:mod:`gktagger.annotations` format), named
``<file name>-<8 hex>.json``, plus the project's export as Label Studio gave it,
``ls-export-<project>.json`` (``annotations.load_dir`` skips it). The latest submitted
annotation of a task counts; skipped tasks and tasks nobody annotated yet are left out.

- ``document``: the name under the shared corpus when the task's document is a corpus file with
  the same text (the text is not copied), else the task's document id with the text in ``text``.
- Spans keep their raw offsets. A span whose text differs from ``data.text[start:end]`` (or
  an unknown label, or a text whose sha256 changed) is reported and its document not written:
  nothing is shifted to make it fit.
- Field spans get ``prose: true`` where a measure word follows them, as the guidelines mark
  prose figures (the model's :func:`gktagger.fields.is_prose`).

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

from .. import annotations as ann
from ..fields import is_prose
from .server import Studio

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
    from ..reading import read_path

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


def to_annotation(task: dict) -> tuple[ann.AnnotatedDoc | None, list[str]]:
    """The task's latest annotation as an :class:`AnnotatedDoc` (None if it has none), and its problems."""
    try:
        doc = ann.from_label_studio_task(task)
    except ValueError:
        return None, []
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
    for task in sorted(tasks, key=lambda t: t["id"]):
        doc, problems = to_annotation(task)
        result.problems += problems
        if doc is None:
            result.not_annotated += not problems
            continue
        name = annotation_file_name(doc)
        if name in docs:
            result.problems.append(f"task {task['id']}: {doc.document}: task {docs[name][0]} annotates the same "
                                   "document (same sha256); kept this later task: delete one in Label Studio")
        docs[name] = (task["id"], doc)
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
