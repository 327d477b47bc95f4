"""Batch extraction over a corpus: ordered, flushed, resumable, parallel, never stopped by one document."""
from __future__ import annotations

import multiprocessing as mp
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .document import Document
from .config import DEFAULT_MODEL_DIR, PipelineConfig
from .errors import UsageError
from .outputs import SUFFIXES, TABLE_SUFFIXES, JsonlSink, complete_ids, read_records, stream_path, write_table
from .reading import iter_documents
from .schema import FIELDS


@dataclass
class Summary:
    status: Counter = field(default_factory=Counter)
    groups: Counter = field(default_factory=Counter)
    failing: Counter = field(default_factory=Counter)
    inferred: Counter = field(default_factory=Counter)  # passes whose inputs a split/realign step placed
    warnings: Counter = field(default_factory=Counter)
    documents: int = 0
    characters: int = 0
    seconds: float = 0.0

    def add(self, record: dict, chars: int) -> None:
        self.documents += 1
        self.characters += chars
        self.status[record["status"]] += 1
        for fid in record.get("fields", {}):
            self.groups[FIELDS[fid].group] += 1
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
                 "failing checks:", *([f"  {r:28s} {n}" for r, n in self.failing.most_common()] or ["  none"]),
                 "passing on inferred values (a split or realign made them hold):",
                 *([f"  {r:28s} {n}" for r, n in self.inferred.most_common()] or ["  none"]),
                 "warnings:", *([f"  {r:28s} {n}" for r, n in self.warnings.most_common()] or ["  none"])]
        return "\n".join(lines)


def check_arguments(inputs: list[str], out: str) -> Path:
    for path in inputs:
        if not Path(path).exists():
            raise UsageError(f"input not found: {path}")
    out_path = Path(out)
    if out_path.suffix not in SUFFIXES:
        raise UsageError(f"output must end in {', '.join(sorted(SUFFIXES))}: {out}")
    if out_path.is_dir():
        raise UsageError(f"output is a directory: {out}")
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        with open(stream_path(out_path), "a", encoding="utf-8"):
            pass
    except OSError as e:
        raise UsageError(f"cannot write output {out}: {e.strerror or e}") from None
    return out_path


def chunks(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_worker_extractor = None


def _init_worker(model: str | None, threads: int, settings: tuple[str, ...] = ()) -> None:
    global _worker_extractor
    import torch

    from .extract import Extractor

    torch.set_num_threads(threads)
    _worker_extractor = Extractor(model=model, overrides=settings)


def _extract_in_worker(docs: list[Document]) -> list[dict]:
    return _worker_extractor.extract(docs)


def _ordered_results(batches: Iterator[list[Document]], model: str | None, workers: int,
                     settings: tuple[str, ...] = ()):
    """(docs, records) per batch in input order; at most 2 batches per worker in flight (bounded memory)."""
    if workers <= 1:
        _init_worker(model, 2, settings)
        for docs in batches:
            yield docs, _extract_in_worker(docs)
        return
    with mp.get_context("spawn").Pool(workers, initializer=_init_worker, initargs=(model, 1, settings)) as pool:
        pending = deque()
        for docs in batches:
            pending.append((docs, pool.apply_async(_extract_in_worker, (docs,))))
            if len(pending) >= 2 * workers:
                d, r = pending.popleft()
                yield d, r.get()
        while pending:
            d, r = pending.popleft()
            yield d, r.get()


def run_extract(inputs: list[str], out: str, model: str | None = None, workers: int = 1, batch_size: int = 8,
                resume: bool = False, quiet: bool = False, text_column: str = "text",
                id_column: str = "id", settings: Sequence[str] = ()) -> Summary:
    out_path = check_arguments(inputs, out)
    settings = tuple(settings)
    PipelineConfig.load(model or DEFAULT_MODEL_DIR).override(settings)  # a typo is exit 2, before any work
    stream = stream_path(out_path)
    done = set(complete_ids(stream)) if resume else set()
    sink = JsonlSink(stream, append=resume)
    summary = Summary()
    started = time.time()
    docs = (d for d in iter_documents(inputs, text_column=text_column, id_column=id_column) if d.id not in done)
    progress = None
    if not quiet:
        from tqdm import tqdm

        progress = tqdm(unit="doc", file=sys.stderr, desc="extract", dynamic_ncols=True)
    try:
        for batch_docs, records in _ordered_results(chunks(docs, batch_size), model, workers, settings):
            sink.write(records)
            for d, r in zip(batch_docs, records):
                summary.add(r, len(d.text))
            if progress is not None:
                progress.update(len(records))
    finally:
        sink.close()
        if progress is not None:
            progress.close()
    summary.seconds = time.time() - started
    if out_path.suffix in TABLE_SUFFIXES:
        write_table(read_records(stream), out_path)
        stream.unlink()
    return summary
