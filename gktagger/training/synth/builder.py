"""Build a document piece by piece so every labelled span's offsets are known exactly.

>>> b = Builder()
>>> b.text("一、"); b.section("总体情况", "overview"); b.text("收到申请"); b.field("70", "requests.received", prose=True); b.text("件")
>>> text, spans = b.render()
>>> text, [(s.text, s.label, s.prose) for s in spans]
('一、总体情况收到申请70件', [('总体情况', 'overview', False), ('70', 'requests.received', True)])
"""
from __future__ import annotations

from typing import Callable

from gktagger.training.annotations import Span

PLAIN, SECTION, FIELD, RAW = 0, 1, 2, 3


class Builder:
    """Pieces of text, each plain, a section heading, a field value, or raw markup (never transformed)."""

    def __init__(self) -> None:
        self.pieces: list[tuple[str, int, str | None, bool]] = []
        self.marks: dict[str, int] = {}

    def text(self, s: str) -> None:
        if s:
            self.pieces.append((s, PLAIN, None, False))

    def raw(self, s: str) -> None:
        self.pieces.append((s, RAW, None, False))

    def section(self, s: str, label: str | None) -> None:
        self.pieces.append((s, SECTION if label else PLAIN, label, False))

    def field(self, s: str, label: str | None, prose: bool = False) -> None:
        self.pieces.append((s, FIELD if label else PLAIN, label, prose))

    def mark(self, name: str) -> None:
        """Remember the current position (e.g. ``body_start``); resolved to an offset by :meth:`render`."""
        self.marks[name] = len(self.pieces)

    def copy_unlabelled(self, start: int, end: int) -> None:
        """Append pieces ``start:end`` again with their labels removed (a repeated body)."""
        for s, kind, _label, _prose in self.pieces[start:end]:
            self.pieces.append((s, RAW if kind == RAW else PLAIN, None, False))

    def render(self, plain: Callable[[str], str] | None = None, number: Callable[[str], str] | None = None,
               ) -> tuple[str, list[Span]]:
        """Join the pieces; ``plain`` transforms plain text and headings, ``number`` field texts."""
        out: list[str] = []
        spans: list[Span] = []
        pos = 0
        offsets = []
        for s, kind, label, prose in self.pieces:
            offsets.append(pos)
            if kind in (PLAIN, SECTION) and plain is not None:
                s = plain(s)
            elif kind == FIELD and number is not None:
                s = number(s)
            if label is not None:
                spans.append(Span(pos, pos + len(s), s, label, prose))
            out.append(s)
            pos += len(s)
        offsets.append(pos)
        self.offsets = {name: offsets[i] for name, i in self.marks.items()}
        return "".join(out), spans
