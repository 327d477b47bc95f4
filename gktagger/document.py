"""The document: one report page as read, before any normalisation.

``text`` is what every offset in gktagger points into (annotations, records,
Label Studio tasks): the decoded characters of a text/markdown file, or the
text an HTML page reduces to (rows on their own lines, cells tab-separated).
For HTML, ``source_offsets[i]`` is the index in the decoded HTML source of
``text[i]``, and ``source_text`` is that decoded HTML (None for other kinds).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def sha256_text(text: str) -> str:
    """The hex sha256 of a text's UTF-8 bytes: how annotations and records name a document's content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Document:
    id: str
    text: str
    source: str = ""
    encoding: str | None = None
    kind: str = "text"  # text | markdown | html
    source_offsets: list[int] | None = None
    error: str | None = None
    meta: dict = field(default_factory=dict)
    source_text: str | None = None

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)

    @classmethod
    def failed(cls, id: str, reason: str, source: str = "") -> "Document":
        """A document that could not be read; ``reason`` is one line for the user."""
        return cls(id=id, text="", source=source or id, error=reason)
