"""The Python API: one call per document, the same record ``gktagger extract`` writes.

>>> record = extract_text("三、收到和处理政府信息公开申请情况\\n本年新收政府信息公开申请12件。")
>>> record["status"] in ("ok", "invalid"), sorted(record)[:3]
(True, ['checks', 'error', 'fields'])

The model is loaded once per model folder and reused (``model=None``: the model shipped in the package).
``config`` replaces the pipeline config the model folder pins (``pipeline.json``), as ``--set`` changes it:

>>> from gktagger.config import PipelineConfig
>>> strict = PipelineConfig().override(["limits.max_digit_run=8"])
>>> [m["field"] for m in extract_text("本年新收申请1234567890件。", config=strict)["mentions"]]
['digits.overlong']
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from gktagger.config import PipelineConfig
from gktagger.extract import Extractor
from gktagger.io.document import Document
from gktagger.io.reading import ReadError, document_from_text, read_path
from gktagger.run.guard import extract_guarded


@lru_cache(maxsize=4)
def _extractor(model: str | None, config: PipelineConfig | None):
    return Extractor(model=model, config=config)


def _model_key(model: str | os.PathLike | None) -> str | None:
    return None if model is None else str(Path(model).resolve())


def _record(extractor: Extractor, doc: Document) -> dict:
    """What a worker of ``gktagger extract`` makes of ``doc``: over-long digit runs and capped mentions included."""
    return extract_guarded(extractor, [doc], extractor.config.limits)[0]


def extract_text(text: str, id: str = "text", model: str | os.PathLike | None = None,
                 config: PipelineConfig | None = None) -> dict:
    """The record of one report given as text (plain, markdown or HTML source)."""
    extractor = _extractor(_model_key(model), config)
    return _record(extractor, document_from_text(text, id=id, limits=extractor.config.limits))


def extract_file(path: str | os.PathLike, model: str | os.PathLike | None = None,
                 config: PipelineConfig | None = None) -> dict:
    """The record of one report file (``.txt .md .html .htm``); an unreadable file gives an error record."""
    extractor = _extractor(_model_key(model), config)
    try:
        doc = read_path(path, limits=extractor.config.limits)
    except ReadError as e:
        doc = Document.failed(str(path), str(e))
    except OSError as e:
        doc = Document.failed(str(path), f"could not read: {e.strerror or e}")
    return _record(extractor, doc)
