"""The local worker pool: persistent processes, each loading the model once, that never hang a run.

Batches go to idle workers; records come back in input order (:func:`ordered_results`).
A worker that dies (the kernel's out-of-memory killer sends SIGKILL) or runs past its
wall-clock limit is killed and replaced, and its batch is retried once document by
document; a document that brings a worker down twice gets the error record
``worker died: out of memory? …`` (or ``document took longer than … s``) and the run goes on.

Each worker runs under ``RLIMIT_AS`` (:attr:`Limits.worker_memory_bytes`), so an oversized
document usually fails alone with ``MemoryError`` before the machine runs out of memory.

A worker is one core: its model runs one single-threaded forward pass at a time, and where there
are no more workers than usable cores each worker is pinned to a core of its own, so ``--workers N``
uses N cores, no more (:func:`default_workers`: as many as the run may use).

This pool is one machine's; past one machine the Ray engine (issue #20) replaces it behind
the same ``ordered_results(batches, ...)`` contract: an iterator of ``(docs, records)`` in input order.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from multiprocessing.connection import wait
from typing import Iterable, Iterator

from gktagger.extract import Extractor
from gktagger.io.document import Document
from gktagger.io.limits import DEFAULT_LIMITS, Limits
from gktagger.run.guard import extract_guarded, failed, reason
from gktagger.tagging.runtime import Runtime
from gktagger.tagging.runtime import resolve as resolve_runtime

MAX_START_FAILURES = 3
MAX_WORKERS = 64
WORKER_MEMORY = 1 << 30  # what a worker may grow to on a long document (~0.5 GB with the model loaded)


def usable_cores() -> list[int]:
    """The CPUs this process may run on (its affinity; every CPU where the system has no such notion)."""
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return list(range(os.cpu_count() or 1))


def _cgroup_cpus(path: str = "/sys/fs/cgroup/cpu.max") -> float | None:
    """A container's CPU quota in CPUs (cgroup v2 ``cpu.max``: ``200000 100000`` is 2), None for none."""
    try:
        quota, period = open(path).read().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        return None


def _available_memory(path: str = "/proc/meminfo") -> int | None:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def default_workers() -> int:
    """One worker per core this run may use (its CPU affinity, and a container's quota), and no more
    than the available memory holds at :data:`WORKER_MEMORY` each."""
    n = len(usable_cores())
    quota = _cgroup_cpus()
    if quota is not None:
        n = min(n, max(1, int(quota)))
    memory = _available_memory()
    if memory is not None:
        n = min(n, max(1, memory // WORKER_MEMORY))
    return max(1, min(n, MAX_WORKERS))


class PoolError(RuntimeError):
    """Workers cannot start (the model does not load); the message is one line for the user."""


def worker_extractor(model: str | None, threads: int, runtime: Runtime, settings: tuple[str, ...] = ()) -> Extractor:
    """The extractor of a process that is ours alone (a local worker: one core; a Ray actor: the CPUs it
    asked for), given ``threads`` cores.

    The model runs ``threads`` forward passes at once, one thread each, beside the thread that decodes
    (``Tagger._outputs``, ``extract._Background``). PyTorch takes the GIL back after every operation, and
    by default a thread waits up to 5 ms for it while another runs Python: 20 bf16 forward passes took
    0.41 s alone and 4.65 s beside a Python loop; with a 0.1 ms switch interval, 0.57 s."""
    import torch

    sys.setswitchinterval(1e-4)
    torch.set_num_threads(1)
    runtime.export()  # the run's, given by its parent: a forked worker's environment is the fork server's
    extractor = Extractor(model=model, overrides=settings)
    extractor.tagger.parallel_batches = max(1, threads)
    return extractor


def _worker_main(conn, model: str | None, threads: int, limits: Limits, settings: tuple[str, ...],
                 runtime: Runtime, core: int | None = None) -> None:
    """A worker: load the model once, then extract the batches it is sent until told to stop."""
    # Ctrl-C reaches the whole process group: the parent stops the workers (``close``); a worker's own
    # KeyboardInterrupt would only print its traceback under the one-line message
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if core is not None:
        # its decoding thread and its model thread take turns on its core instead of spilling onto
        # another worker's: 2 pinned workers ran 300 documents in 20.9 s, unpinned in 21.4 s
        try:
            os.sched_setaffinity(0, {core})
        except OSError:
            pass
    try:
        if limits.worker_memory_bytes:

            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = limits.worker_memory_bytes if hard == resource.RLIM_INFINITY else min(hard, limits.worker_memory_bytes)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        # one "Loading weights" bar per (re)started worker would bury the run's own output; set before
        # transformers is imported (the PyTorch backend), which the ONNX backend never imports
        os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
        extractor = worker_extractor(model, threads, runtime, settings)
        # the run's limits, even when given apart from ``settings``: the decoder's digit bound must be
        # the one extract_guarded reports overlong runs by
        extractor.config = replace(extractor.config, limits=limits)
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which stops the run
        conn.send(("failed", f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        job, docs = message
        try:
            records = extract_guarded(extractor, docs, limits)
        except BaseException as error:  # noqa: BLE001 - extract_guarded catches Exception; this is the rest
            records = [failed(d, reason(error)) for d in docs]
        conn.send((job, records))


@dataclass
class _Job:
    seq: int  # the batch it belongs to
    indices: list[int]  # which documents of that batch
    docs: list[Document]
    alone: bool = False  # a retry of one document


@dataclass
class _Worker:
    process: mp.Process
    conn: object
    slot: int
    ready: bool = False
    job: _Job | None = None
    deadline: float = 0.0
    started: float = 0.0


@dataclass
class _Batch:
    docs: list[Document]
    records: list[dict | None]
    failures: list[int] = field(default_factory=list)


def _signal_name(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def _context():
    """Workers fork from a server that imported torch, the model's runtime and gktagger once
    (``preload.py``): start-up is paid once per run, not once per worker (nor per replaced worker)."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(["gktagger.run.preload"])
    return context


class WorkerPool:
    """``workers`` processes with the model loaded; see the module doc."""
    def __init__(self, workers: int, model: str | None = None, limits: Limits = DEFAULT_LIMITS,
                 threads: int | None = None, settings: tuple[str, ...] = (), runtime: Runtime | None = None):
        self.size = workers
        self.model = str(Path(model).resolve()) if model else None  # the fork server's directory may be another
        self.settings = tuple(settings)
        self.limits = limits
        self.threads = threads or 1
        cores = usable_cores()
        self.cores = cores if self.threads == 1 and workers <= len(cores) else None  # slot i runs on cores[i]
        self.runtime = runtime or resolve_runtime()
        self.context = _context()
        self.workers: list[_Worker] = []
        self.start_failures = 0
        for slot in range(workers):
            self._start(slot)

    def _start(self, slot: int) -> None:
        """A worker in ``slot`` (its core, when workers are pinned); a replacement takes the slot it frees."""
        parent, child = self.context.Pipe()
        core = self.cores[slot] if self.cores else None
        process = self.context.Process(target=_worker_main, daemon=True,
                                       args=(child, self.model, self.threads, self.limits, self.settings,
                                             self.runtime, core))
        process.start()
        child.close()
        self.workers.append(_Worker(process, parent, slot))

    def _remove(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self.workers.remove(worker)

    def close(self) -> None:
        for worker in list(self.workers):
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in list(self.workers):
            worker.process.join(timeout=5)
            self._remove(worker)

    def results(self, batches: Iterable[list[Document]]) -> Iterator[tuple[list[Document], list[dict]]]:
        """``(docs, records)`` per batch, in input order; at most two batches per worker in memory."""
        source = iter(batches)
        open_batches: dict[int, _Batch] = {}
        queue: deque[_Job] = deque()
        next_seq = head = 0
        exhausted = False
        while True:
            while not exhausted and len(open_batches) < 2 * self.size:
                docs = next(source, None)
                if docs is None:
                    exhausted = True
                    break
                open_batches[next_seq] = _Batch(docs, [None] * len(docs), [0] * len(docs))
                queue.append(_Job(next_seq, list(range(len(docs))), docs))
                next_seq += 1
            while head in open_batches and None not in open_batches[head].records:
                batch = open_batches.pop(head)
                head += 1
                yield batch.docs, batch.records
            if exhausted and not open_batches:
                return
            for worker in self.workers:
                if worker.ready and worker.job is None and queue:
                    job = queue.popleft()
                    worker.job, worker.started = job, time.monotonic()
                    worker.deadline = worker.started + self.limits.document_seconds * len(job.docs)
                    worker.conn.send((job.seq, job.docs))
            self._wait(open_batches, queue)

    def _wait(self, open_batches: dict[int, _Batch], queue: deque[_Job]) -> None:
        busy = [w.deadline for w in self.workers if w.job is not None]
        timeout = max(0.0, min(busy) - time.monotonic()) if busy else None
        by_handle = {}
        for worker in self.workers:
            by_handle[worker.conn] = worker
            by_handle[worker.process.sentinel] = worker
        ready = wait(list(by_handle), timeout)
        seen = set()
        for handle in ready:
            worker = by_handle[handle]
            if id(worker) in seen or worker not in self.workers:
                continue
            seen.add(id(worker))
            message = None
            if worker.conn.poll():
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError):
                    message = None
            if message is None:
                self._lost(worker, open_batches, queue, died=True)
            elif message[0] == "ready":
                worker.ready = True
                self.start_failures = 0
            elif message[0] == "failed":
                self._remove(worker)
                raise PoolError(f"a worker could not load the model: {message[1]}")
            else:
                job, worker.job = worker.job, None
                batch = open_batches[job.seq]
                for i, record in zip(job.indices, message[1]):
                    batch.records[i] = record
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.job is not None and now >= worker.deadline:
                self._lost(worker, open_batches, queue, died=False)

    def _lost(self, worker: _Worker, open_batches: dict[int, _Batch], queue: deque[_Job], died: bool) -> None:
        """A worker died or ran out of time: replace it, retry its documents alone, fail them the second time."""
        job = worker.job
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        exit_name = _signal_name(worker.process.exitcode)
        self._remove(worker)
        if not worker.ready:
            self.start_failures += 1
            if self.start_failures > MAX_START_FAILURES:
                raise PoolError(f"workers keep dying while loading the model ({exit_name})")
        self._start(worker.slot)
        if job is None:
            return
        batch = open_batches[job.seq]
        elapsed = time.monotonic() - worker.started
        retries = []
        for i, doc in zip(job.indices, job.docs):
            batch.failures[i] += 1
            if batch.failures[i] >= 2:
                why = (f"worker died: out of memory? ({exit_name})" if died else
                       f"document took longer than {self.limits.document_seconds:g} s")
                batch.records[i] = failed(doc, why, elapsed)
            else:
                retries.append(_Job(job.seq, [i], [doc], alone=True))
        queue.extendleft(reversed(retries))


def ordered_results(batches: Iterable[list[Document]], model: str | None, workers: int,
                    limits: Limits = DEFAULT_LIMITS, settings: tuple[str, ...] = (), runtime: Runtime | None = None
                    ) -> Iterator[tuple[list[Document], list[dict]]]:
    """(docs, records) per batch in input order, from a pool of ``workers`` persistent processes
    (``settings``: pipeline overrides, as ``--set`` takes them; ``runtime``: default, resolved here)."""
    pool = WorkerPool(workers, model, limits, settings=settings, runtime=runtime)
    try:
        yield from pool.results(batches)
    finally:
        pool.close()
