"""The document: one report page as read, before any normalisation.

``text`` is what every offset in gktagger points into (annotations, records,
Label Studio tasks): the decoded characters of a text/markdown file, or the
text an HTML page reduces to (rows on their own lines, cells tab-separated).
For HTML, ``source_offsets[i]`` is the index in the decoded HTML source of
``text[i]``, and ``source_text`` is that decoded HTML (None for other kinds).
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from dataclasses import dataclass, field

_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


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

    @property
    def raw(self) -> str:
        """The document text as read, which record offsets index: the decoded HTML source of an HTML
        page, else ``text``."""
        return self.source_text if self.source_offsets is not None else self.text

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """A non-empty span of ``text`` as a span of :attr:`raw` (an entity counts whole: ``&amp;``).

        >>> from gktagger.io.reading import read_bytes
        >>> doc = read_bytes("<p>收到<b>12</b>件 &amp; 3</p>".encode(), id="x.html", suffix=".html")
        >>> s, e = doc.to_source(doc.text.index("12"), doc.text.index("12") + 2)
        >>> doc.raw[s:e], doc.to_source(doc.text.index("&"), doc.text.index("&") + 1)
        ('12', (16, 21))
        >>> doc.from_source(s, e) == (doc.text.index("12"), doc.text.index("12") + 2)
        True
        """
        if self.source_offsets is None:
            return start, end
        last = self.source_offsets[end - 1]
        entity = _ENTITY.match(self.source_text, last) if self.source_text[last] == "&" else None
        return self.source_offsets[start], entity.end() if entity else last + 1

    def source_position(self, i: int) -> int:
        """A position between characters of ``text`` (a section's end) as a position in :attr:`raw`."""
        if self.source_offsets is None:
            return i
        return self.source_offsets[i] if i < len(self.source_offsets) else len(self.source_text)

    def from_source(self, start: int, end: int) -> tuple[int, int]:
        """A span of :attr:`raw` as the span of ``text`` it holds (the inverse of :meth:`to_source`)."""
        if self.source_offsets is None:
            return start, end
        return bisect_left(self.source_offsets, start), bisect_left(self.source_offsets, end)

    @classmethod
    def failed(cls, id: str, reason: str, source: str = "") -> "Document":
        """A document that could not be read; ``reason`` is one line for the user."""
        return cls(id=id, text="", source=source or id, error=reason)
