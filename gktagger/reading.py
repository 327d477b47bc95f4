"""Reading documents from files, folders, JSONL and Parquet corpora (placeholder: UTF-8 files only)."""
from __future__ import annotations

from pathlib import Path

from .document import Document


def read_path(path: str | Path, id: str | None = None) -> Document:
    path = Path(path)
    return Document(id=id or str(path), text=path.read_text(encoding="utf-8"), source=str(path))
