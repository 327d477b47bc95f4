"""The Python API: one call per document, the same record ``gktagger extract`` writes.

>>> record = extract_text("三、收到和处理政府信息公开申请情况\\n本年新收政府信息公开申请12件。")
>>> record["status"] in ("ok", "invalid"), sorted(record)[:3]
(True, ['checks', 'error', 'fields'])

The model is loaded once per model folder and reused (``model=None``: the model shipped in the package).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from gktagger.extract import Extractor
from gktagger.io.document import Document
from gktagger.io.reading import ReadError, document_from_text, read_path


@lru_cache(maxsize=4)
def _extractor(model: str | None):
    return Extractor(model=model)


def _model_key(model: str | os.PathLike | None) -> str | None:
    return None if model is None else str(Path(model).resolve())


def extract_text(text: str, id: str = "text", model: str | os.PathLike | None = None) -> dict:
    """The record of one report given as text (plain, markdown or HTML source)."""
    extractor = _extractor(_model_key(model))
    return extractor.extract([document_from_text(text, id=id, limits=extractor.config.limits)])[0]


def extract_file(path: str | os.PathLike, model: str | os.PathLike | None = None) -> dict:
    """The record of one report file (``.txt .md .html .htm``); an unreadable file gives an error record."""
    extractor = _extractor(_model_key(model))
    try:
        doc = read_path(path, limits=extractor.config.limits)
    except ReadError as e:
        doc = Document.failed(str(path), str(e))
    except OSError as e:
        doc = Document.failed(str(path), f"could not read: {e.strerror or e}")
    return extractor.extract([doc])[0]
