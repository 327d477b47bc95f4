"""The report body as the model sees it, and the way back to the document's own offsets.

Three offset systems meet after reading: the **raw** text (what every record
offset indexes), the **normalised** text (``normalize.py``: simplified, folded,
whitespace collapsed) and the **body**, the slice of the normalised text that
holds the first complete copy of the report (``repeats.py``). The tagger and
every post-model stage work in body offsets (:class:`~gktagger.tagging.tags.TagSpan`);
:class:`BodyView` is the one place that converts them, into :class:`RawSpan`.

>>> from gktagger.tagging.tags import TagSpan
>>> view = BodyView.of("首页\\n根據(jù)　１２３件")
>>> view.text
'首页\\n根据 123件'
>>> raw = view.to_raw(TagSpan(6, 9, "proactive.total"))
>>> raw, view.raw[raw.start:raw.end]
(RawSpan(start=10, end=13, label='proactive.total', score=1.0, by='model', rule=None), '１２３')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from gktagger.text.blanklines import blank_line_cells
from gktagger.text.normalize import Normalised, normalise
from gktagger.text.repeats import find_body

if TYPE_CHECKING:  # the tagger's span type: the body view only reads its offsets
    from gktagger.tagging.tags import TagSpan

_LINE_BREAK = re.compile("\n")


@dataclass(frozen=True)
class RawSpan:
    """A labelled span in raw document offsets (what records report)."""
    start: int
    end: int
    label: str
    score: float = 1.0
    by: str = "model"
    rule: str | None = None


@dataclass(frozen=True)
class BodyView:
    """``raw`` text, its normalised view ``norm``, and the body ``norm.text[start:end]``."""
    raw: str
    norm: Normalised
    start: int
    end: int

    @classmethod
    def of(cls, raw: str) -> "BodyView":
        norm = normalise(raw)
        start, end = find_body(norm.text)
        return cls(raw, norm, start, end)

    @cached_property
    def text(self) -> str:
        return self.norm.text[self.start:self.end]

    def to_raw(self, span: TagSpan) -> RawSpan | None:
        """A body span in raw offsets, without the whitespace at its edges (None when nothing is left)."""
        start, end = self.norm.to_raw(span.start + self.start, span.end + self.start)
        while start < end and self.raw[start].isspace():
            start += 1
        while end > start and self.raw[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        return RawSpan(start, end, span.label, span.score, span.by, span.rule)

    @property
    def raw_end(self) -> int:
        """Where the body ends in raw offsets (the whole text when the body is empty)."""
        return self.norm.ends[self.end - 1] if self.end > self.start else len(self.raw)

    def folded_blanks(self) -> list[int]:
        """Blank cells that normalisation folded into a line break (``14\\t\\t\\t\\n`` reads ``14\\n``): the
        body offset of that line break, once per tab."""
        out = []
        for m in _LINE_BREAK.finditer(self.norm.text, self.start, self.end):
            run = self.raw[self.norm.starts[m.start()]:self.norm.ends[m.start()]]
            out += [m.start() - self.start] * run[:len(run) - len(run.lstrip(" \t"))].count("\t")
        return out

    def blank_lines(self) -> list[int]:
        """Blank cells of a table printed one cell per line, which normalisation folded with the empty
        lines that showed them (``blanklines.py``): body offsets of those line breaks, once per cell."""
        runs = [max(1, self.raw[self.norm.starts[m.start()]:self.norm.ends[m.start()]].count("\n"))
                for m in _LINE_BREAK.finditer(self.norm.text, self.start, self.end)]
        return blank_line_cells(self.text, runs)
