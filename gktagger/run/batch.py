"""Batch extraction over a corpus: ordered, flushed, resumable, parallel, never stopped by one document."""
from __future__ import annotations

import errno
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from gktagger.config import DEFAULT_MODEL_DIR, PipelineConfig
from gktagger.errors import GktaggerError, UsageError
from gktagger.io.document import Document
from gktagger.io.limits import Limits
from gktagger.io.outputs import (
                                 SUFFIXES,
                                 TABLE_SUFFIXES,
                                 JsonlSink,
                                 OutputLocked,
                                 complete_ids,
                                 read_records,
                                 record_line,
                                 stream_path,
                                 suffix_duplicates,
                                 write_table,
                                 )
from gktagger.io.reading import DOCUMENT_SUFFIXES, _walk, iter_documents
from gktagger.run.guard import failed, reason
from gktagger.run.pool import MAX_WORKERS, default_workers, ordered_results
from gktagger.schema import FIELDS

MAX_BATCH_SIZE = 1024


class OutputError(GktaggerError):
    """The output cannot be written any more (a full disk): one line, exit 1; ``--resume`` finishes the run."""


@dataclass
class Summary:
    status: Counter = field(default_factory=Counter)
    groups: Counter = field(default_factory=Counter)
    failing: Counter = field(default_factory=Counter)
    inferred: Counter = field(default_factory=Counter)  # passes whose inputs a split/realign step placed
    warnings: Counter = field(default_factory=Counter)
    undecided: Counter = field(default_factory=Counter)  # fields left without a value: runs no identity splits
    documents: int = 0
    characters: int = 0
    seconds: float = 0.0

    def add(self, record: dict, chars: int) -> None:
        self.documents += 1
        self.characters += chars
        self.status[record["status"]] += 1
        for fid, entry in record.get("fields", {}).items():
            self.groups[FIELDS[fid].group] += 1
            if entry.get("ambiguous"):
                self.undecided[FIELDS[fid].group] += 1
        for c in record.get("checks", []):
            if c["status"] == "fail":
                self.failing[c["rule"]] += 1
            elif c["status"] == "warn":
                self.warnings[c["rule"]] += 1
            elif c["status"] == "pass" and c.get("basis") == "inferred":
                self.inferred[c["rule"]] += 1

    def table(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        lines = [f"documents: {self.documents} in {self.seconds:.1f}s ({rate:.1f} docs/s)",
                 "  " + "  ".join(f"{s}: {self.status.get(s, 0)}" for s in ("ok", "invalid", "error")),
                 "fields found:", *[f"  {g:8s} {n}" for g, n in sorted(self.groups.items())],
                 "of them undecided (value null, candidates: cells run together, no identity to split them):",
                 *([f"  {g:8s} {n}" for g, n in sorted(self.undecided.items())] or ["  none"]),
                 "failing checks:", *([f"  {r:28s} {n}" for r, n in self.failing.most_common()] or ["  none"]),
                 "passing on inferred values (a split or realign made them hold):",
                 *([f"  {r:28s} {n}" for r, n in self.inferred.most_common()] or ["  none"]),
                 "warnings:", *([f"  {r:28s} {n}" for r, n in self.warnings.most_common()] or ["  none"])]
        return "\n".join(lines)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def check_arguments(inputs: list[str], out: str, workers: int | None = None, batch_size: int = 8) -> Path:
    """The output path, once every argument is checked; raises ``UsageError`` before anything is written."""
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be between 1 and {MAX_WORKERS}: {workers}")
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise UsageError(f"--batch-size must be between 1 and {MAX_BATCH_SIZE}: {batch_size}")
    for path in inputs:
        if not Path(path).exists():
            raise UsageError(f"input not found: {path}")
    out_path = Path(out)
    if out_path.suffix not in SUFFIXES:
        raise UsageError(f"output must end in {', '.join(sorted(SUFFIXES))}: {out}")
    if out_path.is_dir():
        raise UsageError(f"output is a directory: {out}")
    for target in (out_path, stream_path(out_path)):
        for path in inputs:
            given = Path(path)
            if _same_file(target, given) or target.resolve() == given.resolve() or \
                    (given.is_dir() and target.suffix.lower() in DOCUMENT_SUFFIXES and _inside(target, given)):
                raise UsageError(f"output {target} is one of the inputs: choose another output")
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(out_path.parent, os.W_OK):
            raise PermissionError(errno.EACCES, "Permission denied")
    except OSError as e:
        raise UsageError(f"cannot write output {out}: {e.strerror or e}") from None
    return out_path


def count_documents(inputs: list[str]) -> int | None:
    """How many documents the inputs hold, when that is cheap to know (None for a JSON array file)."""
    total = 0
    for item in inputs:
        path = Path(item)
        suffix = path.suffix.lower()
        if path.is_dir():
            total += len(_walk(str(item)))
        elif suffix == ".parquet":
            try:
                import pyarrow.parquet as pq

                total += pq.ParquetFile(str(item)).metadata.num_rows
            except Exception:  # noqa: BLE001 - a damaged file is one error record
                total += 1
        elif suffix in (".jsonl", ".json"):
            try:
                with open(item, "rb") as f:
                    head = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
                    if head.startswith(b"["):
                        return None
                    f.seek(0)
                    total += sum(1 for line in f if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total


def chunks(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def unique_ids(docs: Iterable[Document]) -> Iterator[Document]:
    """Documents with ids unique in the run (:func:`gktagger.io.outputs.suffix_duplicates`): the second
    document with id ``a`` becomes ``a#2``. Input order decides, so a resumed run names them the same way.

    >>> [d.id for d in unique_ids(Document(i, "x") for i in ["a", "b", "a"])]
    ['a', 'b', 'a#2']
    """
    docs = iter(docs)
    ids = suffix_duplicates(_ids_of(docs, held := []))
    for new_id in ids:
        doc = held.pop()
        yield doc if new_id == doc.id else replace(doc, id=new_id)


def _ids_of(docs: Iterator[Document], held: list) -> Iterator[str]:
    for doc in docs:
        held.append(doc)
        yield doc.id


_ordered_results = ordered_results  # the engine contract: (batches, model, workers, limits, settings) ->
# (docs, records) in input order


def _safe_lines(records: list[dict], docs: list[Document]) -> list[dict]:
    """Records that serialise, or the error record saying why one does not (NaN from a broken model)."""
    out = []
    for doc, record in zip(docs, records):
        try:
            record_line(record)
        except (ValueError, TypeError) as error:
            record = failed(doc, f"record is not valid JSON: {reason(error)}", record.get("seconds", 0.0))
        out.append(record)
    return out


def run_extract(inputs: list[str], out: str, model: str | None = None, workers: int | None = None, batch_size: int = 8,
                resume: bool = False, quiet: bool = False, text_column: str = "text",
                id_column: str = "id", settings: Sequence[str] = (), limits: Limits | None = None,
                keep_columns: Sequence[str] = (), long: bool = False) -> Summary:
    """``limits``: the run's bounds; default those of the model's pipeline config with ``settings``
    applied (``--set limits.pdf.max_pages=50``), for reading here and the workers alike; ``workers``:
    processes of one core each, default :func:`~gktagger.run.pool.default_workers`."""
    out_path = check_arguments(inputs, out, workers, batch_size)
    workers = workers or default_workers()
    settings = tuple(settings)
    config = PipelineConfig.load(model or DEFAULT_MODEL_DIR).override(settings)  # a typo is exit 2, before any work
    limits = config.limits if limits is None else limits
    stream = stream_path(out_path)
    try:
        sink = JsonlSink(stream, append=resume)
    except OutputLocked as e:
        raise UsageError(str(e)) from None
    except OSError as e:
        raise UsageError(f"cannot write output {out}: {e.strerror or e}") from None
    try:
        done = set(complete_ids(stream)) if resume else set()
        summary = _extract_into(sink, inputs, model, workers, batch_size, done, quiet, text_column, id_column,
                                limits, out, settings, tuple(keep_columns))
        if out_path.suffix in TABLE_SUFFIXES:
            try:
                write_table(read_records(stream), out_path, list(keep_columns), long)
            except OSError as e:
                raise OutputError(f"cannot write {out}: {e.strerror or e}; the records are in {stream}, "
                                  "rerun with --resume to write the table") from None
            if out_path.suffix == ".csv":  # a Parquet table keeps its JSONL beside it (report, validate, show)
                stream.unlink()
    finally:
        sink.close()
    return summary


def _extract_into(sink: JsonlSink, inputs, model, workers, batch_size, done, quiet, text_column, id_column,
                  limits, out, settings, keep_columns=()) -> Summary:
    summary = Summary()
    started = time.time()
    docs = (d for d in unique_ids(iter_documents(inputs, text_column=text_column, id_column=id_column,
                                                 keep_columns=list(keep_columns), limits=limits))
            if d.id not in done)
    progress = None
    if not quiet:
        from tqdm import tqdm

        total = count_documents(inputs)
        # --resume: the documents already done count as done, so the bar and its ETA are the whole job's
        progress = tqdm(unit="doc", file=sys.stderr, desc="extract", dynamic_ncols=True, total=total,
                        initial=min(len(done), total) if total is not None else len(done))
    try:
        for batch_docs, records in _ordered_results(chunks(docs, batch_size), model, workers, limits, settings):
            if keep_columns:  # the chosen input columns ride along in the record (an extra key)
                for d, r in zip(batch_docs, records):
                    r["columns"] = {c: d.meta.get("columns", {}).get(c) for c in keep_columns}
            records = _safe_lines(records, batch_docs)
            try:
                sink.write(records)
            except OSError as e:
                raise OutputError(f"cannot write {out}: {e.strerror or e}; rerun with --resume to finish "
                                  "(complete records are kept)") from None
            for d, r in zip(batch_docs, records):
                summary.add(r, len(d.text))
            if progress is not None:
                progress.update(len(records))
    finally:
        if progress is not None:
            progress.close()
    summary.seconds = time.time() - started
    return summary
