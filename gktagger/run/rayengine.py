"""The Ray Data engine: the same records as a local run, from a Ray cluster of any size.

    gktagger extract INPUT... -o OUT.jsonl --engine ray [--address auto|HOST:PORT] [--num-actors N]

Files are read with ``ray.data.read_binary_files`` (one row per file; a JSONL or Parquet corpus is
one shard, split into its documents by a task), documents go through ``map_batches`` on a pool of
actors that each load the model once, and the records stream back to this process, which writes
them exactly as a local run does (same file formats, same summary, same ``--resume``). Ray retries
the tasks of a node that dies, so every input still gets exactly one record.

Inside your own Ray Data pipeline, pass a Dataset of documents (``id`` + ``text`` columns, as
``read_parquet``/``read_json`` give, or ``bytes`` + ``path`` as ``read_binary_files(...,
include_paths=True)`` gives) to ``extract_dataset``; it returns a Dataset with one row per
document: ``id``, ``status``, ``characters`` and ``record`` (the record as JSON text)::

    import json, ray
    from gktagger.run.rayengine import extract_dataset

    docs = ray.data.read_parquet("s3://bucket/reports/")           # columns id, text
    records = extract_dataset(docs, num_actors=8)
    records.write_parquet("s3://bucket/records/")                  # or iterate:
    for row in records.iter_rows():
        record = json.loads(row["record"])
"""
from __future__ import annotations

import json
import logging
import os
import socket
import time
from dataclasses import asdict
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Iterable

from gktagger.config import DEFAULT_MODEL_DIR, PipelineConfig
from gktagger.errors import UsageError
from gktagger.io.document import Document
from gktagger.io.limits import DEFAULT_LIMITS, Limits
from gktagger.io.outputs import TABLE_SUFFIXES, JsonlSink, complete_ids, read_records, stream_path, write_table
from gktagger.io.reading import ReadError, _record_document, _walk, documents_from_bytes, read_bytes
from gktagger.run.batch import Summary, check_arguments
from gktagger.run.guard import extract_guarded
from gktagger.run.pool import worker_extractor
from gktagger.tagging.runtime import Runtime
from gktagger.tagging.runtime import resolve as resolve_runtime

INSTALL_HINT = "the Ray engine needs Ray: pip install 'gktagger[ray]'"
# Reading and splitting files reserve no CPU: when a node dies, its read blocks are rebuilt by
# re-running their read tasks, and a task that waits for a CPU the actors hold never runs.
READ_CPUS = 0
DOCUMENT_COLUMNS = [f.name for f in dataclass_fields(Document)]


def require_ray():
    """Import Ray, or raise ``UsageError`` naming the extra to install."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    return ray


def document_row(doc: Document) -> dict:
    """A Document as a Ray Data row (``meta`` as JSON text: Arrow wants one type per column)."""
    row = asdict(doc)
    row["meta"] = json.dumps(doc.meta, ensure_ascii=False)
    return row


def row_document(row: dict) -> Document:
    """The Document a ``document_row`` row came from.

    >>> d = Document(id="a", text="x", kind="html", source_offsets=[3], source_text="<p>x")
    >>> row_document(document_row(d)) == d
    True
    """
    values = {k: row.get(k) for k in DOCUMENT_COLUMNS}
    values["meta"] = json.loads(values["meta"]) if values.get("meta") else {}
    offsets = values.get("source_offsets")
    values["source_offsets"] = None if offsets is None else [int(o) for o in offsets]
    return Document(**values)


def file_documents(row: dict, names: dict[str, str], text_column: str, id_column: str,
                   skip: frozenset = frozenset(), limits: Limits = DEFAULT_LIMITS) -> list[dict]:
    """The document rows of one ``read_binary_files`` row, named by the input path as the user gave it."""
    name = names.get(os.path.abspath(row["path"]), row["path"])
    return [document_row(d) for d in documents_from_bytes(row["bytes"], name, text_column, id_column, limits)
            if d.id not in skip]


def user_documents(batch, text_column: str = "text", id_column: str = "id", limits: Limits = DEFAULT_LIMITS):
    """Rows of a user's Dataset (text, or bytes as read_binary_files gives) → document rows."""
    import pyarrow as pa


    out = []
    for n, row in enumerate(batch.to_pylist()):
        name = row.get("path") or ""
        raw_id = row.get(id_column)
        id = str(raw_id) if raw_id not in (None, "") else name or f"row:{n}"
        if text_column not in row and "bytes" in row:
            try:
                doc = read_bytes(row["bytes"], id=id, suffix=Path(name).suffix or ".txt", source=name or id,
                                 limits=limits)
            except ReadError as error:
                doc = Document.failed(id, str(error), source=name or id)
        elif text_column in row:
            doc = _record_document(row[text_column], id, name or id, text_column, limits)
        else:
            doc = Document.failed(id, f'no column "{text_column}"')
        out.append(document_row(doc))
    return pa.Table.from_pylist(out)


class ExtractActor:
    """One Ray actor: loads the model once, then extracts batches of document rows."""
    def __init__(self, model: str | None, runtime: Runtime | None = None, threads: int = 1,
                 settings: tuple[str, ...] = ()):
        # the driver's runtime (extract_documents), whatever this node's CPU
        self.extractor = worker_extractor(model, threads, runtime or resolve_runtime(), settings)

    def __call__(self, batch):
        import pyarrow as pa

        docs = [row_document(r) for r in batch.to_pylist()]
        records = extract_guarded(self.extractor, docs, self.extractor.config.limits)  # as a local worker runs it
        return pa.table({"id": [d.id for d in docs],
                         "status": [r["status"] for r in records],
                         "characters": [len(d.text) for d in docs],
                         "record": [json.dumps(r, ensure_ascii=False) for r in records]})


def extract_documents(documents, model: str | None = None, num_actors: int = 2, batch_size: int = 8,
                      threads: int = 1, runtime: Runtime | None = None, settings: tuple[str, ...] = ()):
    """Document rows (``document_row``) → record rows, on a pool of 1..``num_actors`` actors of
    ``threads`` CPUs each, all running the model as ``runtime`` says (default: resolved here, on the driver)."""
    import ray.data

    return documents.map_batches(
        ExtractActor, fn_constructor_kwargs={"model": model, "runtime": runtime or resolve_runtime(),
                                             "threads": threads, "settings": tuple(settings)},
        batch_size=batch_size, batch_format="pyarrow", num_cpus=threads,
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=num_actors))


def extract_dataset(ds, model: str | None = None, num_actors: int = 2, batch_size: int = 8,
                    text_column: str = "text", id_column: str = "id", threads: int = 1,
                    backend: str | None = None, precision: str | None = None, settings: tuple[str, ...] = ()):
    """A Dataset of documents → a Dataset of records (``id, status, characters, record`` JSON text).

    ``ds`` has a ``text`` column (``text_column``; ``read_parquet``/``read_json``) or a ``bytes``
    column (``read_binary_files``); ids come from ``id_column``, else ``path``. Records are the
    ones ``gktagger extract`` writes; a document that cannot be read gets an error record.
    ``backend``/``precision``: as ``gktagger extract`` takes them, resolved on the driver (default auto).
    """
    limits = PipelineConfig.load(model or DEFAULT_MODEL_DIR).override(settings).limits
    documents = ds.map_batches(user_documents, batch_format="pyarrow",
                               fn_kwargs={"text_column": text_column, "id_column": id_column, "limits": limits})
    return extract_documents(documents, model=model, num_actors=num_actors, batch_size=batch_size,
                             threads=threads, runtime=resolve_runtime(backend, precision), settings=settings)


def input_files(inputs: Iterable[str]) -> list[str]:
    """Every file a local run reads, in the same order and spelled the same way (its ids)."""
    files = []
    for item in inputs:
        files += _walk(item) if Path(item).is_dir() else [item]
    return files


def check_address(address: str | None) -> None:
    """A HOST:PORT that nothing answers on is a usage error at once (Ray would retry for a minute)."""
    if address in (None, "auto", "local") or address.startswith(("ray://", "anyscale://")):
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"--address must be auto or HOST:PORT, not {address!r}")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as e:
        raise UsageError(f"no Ray cluster at {address}: {e.strerror or e}") from None


def connect(ray, address: str | None, quiet: bool) -> None:
    check_address(address)
    if ray.is_initialized():
        return
    try:
        ray.init(address=address, logging_level="ERROR", log_to_driver=not quiet,
                 configure_logging=True, include_dashboard=False if address is None else None)
    except (ConnectionError, RuntimeError, ValueError) as e:
        raise UsageError(f"cannot connect to Ray at {address or 'a new local cluster'}: "
                         f"{str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}") from None


def run_extract_ray(inputs: list[str], out: str, model: str | None = None, address: str | None = None,
                    num_actors: int | None = None, batch_size: int = 8, resume: bool = False,
                    quiet: bool = False, text_column: str = "text", id_column: str = "id",
                    runtime: Runtime | None = None, settings: tuple[str, ...] = ()):
    """``gktagger extract --engine ray``: same outputs, summary and resume as ``batch.run_extract``."""
    ray = require_ray()
    out_path = check_arguments(inputs, out)
    config = PipelineConfig.load(model or DEFAULT_MODEL_DIR).override(settings)  # a typo is exit 2, before any work
    files = input_files(inputs)
    connect(ray, address, quiet)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # records in input order, as a local run writes
    if quiet:

        logging.getLogger("ray.data").setLevel(logging.ERROR)
    context.enable_progress_bars = not quiet
    if num_actors is None:
        num_actors = max(1, int(ray.cluster_resources().get("CPU", 2)) // 2)
    stream = stream_path(out_path)
    done = frozenset(complete_ids(stream)) if resume else frozenset()
    names = {os.path.abspath(f): f for f in files}
    summary = Summary()
    started = time.time()
    sink = JsonlSink(stream, append=resume)
    try:
        if files:
            read = ray.data.read_binary_files([os.path.abspath(f) for f in files], include_paths=True,
                                              num_cpus=READ_CPUS)
            documents = read.flat_map(file_documents, num_cpus=READ_CPUS,
                                      fn_kwargs={"names": names, "text_column": text_column,
                                                 "id_column": id_column, "skip": done,
                                                 "limits": config.limits})
            records = extract_documents(documents, model=str(Path(model).resolve()) if model else None,
                                        num_actors=num_actors, batch_size=batch_size, runtime=runtime,
                                        settings=tuple(settings))
            for batch in records.iter_batches(batch_format="pyarrow", batch_size=None):
                rows = batch.to_pylist()
                parsed = [json.loads(r["record"]) for r in rows]
                sink.write(parsed)
                for r, record in zip(rows, parsed):
                    summary.add(record, r["characters"])
    finally:
        sink.close()
    summary.seconds = time.time() - started
    if out_path.suffix in TABLE_SUFFIXES:
        write_table(read_records(stream), out_path)
        stream.unlink()
    return summary

