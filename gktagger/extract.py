"""The whole pipeline over documents: read text → body view → model → stages → record.

>>> from pathlib import Path
>>> from gktagger.io.reading import read_path
>>> example = Path(__file__).resolve().parent.parent / "examples" / "county_2021_cells_per_line.txt"
>>> record = Extractor().extract([read_path(example)])[0]
>>> record["status"] in ("ok", "invalid"), record["format"], {f["by"] for f in record["fields"].values()} <= {
...     "model", "decoder", "realign", "split", "cue", "legacy", "signed"}
(True, '2021', True)
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Literal, Sequence

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
        its share (by characters) of the batch's model time."""
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
        started = time.perf_counter()
        preds = self.tagger.predict_many([v.text for _, v in views]) if views else []
        model_time, chars = time.perf_counter() - started, sum(len(v.text) for _, v in views) or 1
        for (i, view), pred in zip(views, preds):
            started = time.perf_counter()
            out[i] = self._guard(docs[i], "could not assemble", lambda: self.assemble(docs[i], view, pred))
            seconds[i] += time.perf_counter() - started + model_time * len(view.text) / chars
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
