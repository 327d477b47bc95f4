"""The whole pipeline over documents: read text → body view → model → stages → record.

>>> from pathlib import Path
>>> from gktagger.io.reading import read_path
>>> example = Path(__file__).resolve().parent.parent / "examples" / "county_2021_cells_per_line.txt"
>>> record = Extractor().extract([read_path(example)])[0]
>>> record["status"] in ("ok", "invalid"), record["format"], {f["by"] for f in record["fields"].values()} <= {
...     "model", "decoder", "realign", "blocks", "split", "cue", "legacy", "signed", "table2"}
(True, '2021', True)
"""
from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Iterator, Literal, Sequence

from gktagger.config import DEFAULT_MODEL_DIR, PipelineConfig
from gktagger.errors import one_line
from gktagger.io.document import Document
from gktagger.pipeline import Extraction, run_stages
from gktagger.record.build import Record, error_record
from gktagger.tagging.tagger import Prediction, Tagger
from gktagger.text.body import BodyView


class Extractor:
    """Runs the whole pipeline over batches of documents.

    ``config`` defaults to the pipeline the model folder pins (``pipeline.json``; defaults for an older
    folder), with ``overrides`` (``["decoder.skip_penalty=2"]``, as ``--set`` takes them) applied. With ``on_error="record"`` (the default, what the CLI uses) a failing document becomes a
    one-line error record and the batch goes on; ``on_error="raise"`` lets the exception through,
    for library users and debugging.
    """

    def __init__(self, tagger: Tagger | None = None, model: str | None = None, config: PipelineConfig | None = None,
                 on_error: Literal["record", "raise"] = "record", overrides: Sequence[str] = ()):
        if on_error not in ("record", "raise"):
            raise ValueError(f"on_error must be 'record' or 'raise', got {on_error!r}")
        folder = Path(model) if model else DEFAULT_MODEL_DIR
        config = config or (PipelineConfig.load(folder) if tagger is None else PipelineConfig())
        self.config = config.override(overrides)
        self.tagger = tagger or Tagger.from_pretrained(folder, windows=self.config.windows)
        self.on_error = on_error

    def extract(self, docs: list[Document]) -> list[Record]:
        """One record per document, in order. ``seconds`` is the document's own processing time plus
        its share (by characters) of the batch's model time (which overlaps the others' processing)."""
        return [x if isinstance(x, dict) else x.record() for x in self.run(docs)]

    def run(self, docs: list[Document]) -> list[Extraction | Record]:
        """Per document its finished :class:`~gktagger.pipeline.Extraction` (spans, cells and all, for
        inspection), or its error record."""
        out: list[Extraction | Record | None] = [None] * len(docs)
        views: list[tuple[int, BodyView]] = []
        seconds = [0.0] * len(docs)
        for i, doc in enumerate(docs):
            if doc.error:
                out[i] = error_record(doc)
                continue
            started = time.perf_counter()
            view = self._guard(doc, "could not normalise", lambda: BodyView.of(doc.text))
            if isinstance(view, BodyView):
                views.append((i, view))
            else:
                out[i] = view
            seconds[i] += time.perf_counter() - started
        texts = [v.text for _, v in views]
        model = _Background(self.tagger.iter_predictions(texts, self.config.limits) if texts else iter(()))
        assembled = []
        try:
            for (i, view), pred in zip(views, model):
                started = time.perf_counter()
                out[i] = self._guard(docs[i], "could not assemble", lambda: self.assemble(docs[i], view, pred))
                assembled.append((i, len(view.text), time.perf_counter() - started))
        finally:  # (Ctrl-C included: a process must not exit while the runtime's threads still run)
            model_seconds = model.finish()
        chars = sum(n for _, n, _ in assembled) or 1
        for i, n, own in assembled:
            seconds[i] += own + model_seconds * n / chars
        for x, s in zip(out, seconds):
            (x if isinstance(x, dict) else x.extra)["seconds"] = round(s, 4)
        return out

    def assemble(self, doc: Document, view: BodyView, prediction: Prediction) -> Extraction:
        """The stages after the model, for one document."""
        return run_stages(doc, view, prediction, self.config)

    def _guard(self, doc: Document, what: str, step):
        if self.on_error == "raise":
            return step()
        try:
            return step()
        except Exception as e:  # noqa: BLE001 - one bad document must not stop the batch
            return error_record(doc, f"{what}: {one_line(e)}")


class _Background:
    """Iterates ``items`` in a thread of its own, one step ahead of the consumer and more: the model
    (ONNX Runtime or torch, both outside the GIL) runs on the next documents while Python decodes this
    one, so one worker keeps both cores busy. An exception in the thread is raised to the consumer; a
    consumer that stops early stops the thread after its current item."""
    _END = object()

    def __init__(self, items: Iterator):
        self.items, self.queue, self.seconds, self.stop = items, queue.SimpleQueue(), 0.0, threading.Event()
        self.thread = threading.Thread(target=self._produce, name="gktagger-model", daemon=True)
        self.thread.start()

    def _produce(self) -> None:
        started = time.perf_counter()
        try:
            for item in self.items:
                if self.stop.is_set():
                    break
                self.queue.put((item, None))
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, who decides
            self.queue.put((None, error))
        finally:
            self.seconds = time.perf_counter() - started
            self.queue.put((self._END, None))

    def __iter__(self) -> Iterator:
        try:
            while True:
                item, error = self.queue.get()
                if error is not None:
                    raise error
                if item is self._END:
                    return
                yield item
        finally:
            self.stop.set()

    def finish(self) -> float:
        """Seconds the thread ran, once it has stopped (after the batch it is running, if told to stop early)."""
        self.stop.set()
        self.thread.join()
        return self.seconds
