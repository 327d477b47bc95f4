"""BIO tags over characters: from labelled spans to tag ids and back.

>>> ids = spans_to_tags(6, [(1, 3, "t3.new.total")])
>>> [LABELS[i] for i in ids]
['O', 'B-t3.new.total', 'I-t3.new.total', 'O', 'O', 'O']
>>> [(s.start, s.end, s.label) for s in tags_to_spans(ids)]
[(1, 3, 't3.new.total')]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from gktagger.schema import SECTIONS, bio_labels

LABELS: list[str] = bio_labels()
LABEL_IDS: dict[str, int] = {l: i for i, l in enumerate(LABELS)}
OUTSIDE = 0


@dataclass
class TagSpan:
    """A labelled span in the offsets of the text the tagger saw (the body), and the stage that made it."""
    start: int
    end: int
    label: str
    score: float = 1.0
    by: str = "model"  # model | decoder | realign | blocks | split | cue | legacy | signed | table2 | search
    rule: str | None = None  # what decided it, where a stage says more than its name


def spans_to_tags(length: int, spans: Iterable[tuple[int, int, str]],
                  dropped: list[tuple[int, int, str]] | None = None) -> list[int]:
    """Tag ids for ``length`` characters. A character has one tag: an empty span, or one overlapping
    an earlier span (in start order), is left out and appended to ``dropped`` when given."""
    tags = [OUTSIDE] * length
    for start, end, label in sorted(spans):
        if start >= end or any(tags[start:end]):
            if dropped is not None:
                dropped.append((start, end, label))
            continue
        tags[start] = LABEL_IDS[f"B-{label}"]
        for i in range(start + 1, end):
            tags[i] = LABEL_IDS[f"I-{label}"]
    return tags


def tags_to_spans(tags: Sequence[int], scores: Sequence[float] | None = None) -> list[TagSpan]:
    """Spans from tag ids; an ``I-`` that does not continue its label starts a new span.

    A span's score is the lowest per-character probability inside it.
    """
    spans: list[TagSpan] = []
    current: TagSpan | None = None
    for i, t in enumerate(tags):
        name = LABELS[t]
        p = 1.0 if scores is None else float(scores[i])
        if name == "O":
            current = None
            continue
        kind, label = name[0], name[2:]
        if kind == "B" or current is None or current.label != label or current.end != i:
            current = TagSpan(i, i + 1, label, p)
            spans.append(current)
        else:
            current.end = i + 1
            current.score = min(current.score, p)
    return spans


def merge_fragments(spans: list[TagSpan], text: str, max_gap: int = 0, heading_gap: int = 4) -> list[TagSpan]:
    """Join consecutive spans of one label that a tagger split apart (``26``+``45`` → ``2645``).

    For fields only touching fragments are joined (``max_gap`` spaces at most):
    a space, tab or line break may be all that separates two cells; a section
    heading's fragments are joined across up to
    ``heading_gap`` characters of the same line (``三、`` … ``收到和处理…``).

    >>> merge_fragments([TagSpan(0, 2, "proactive.total", .9), TagSpan(2, 4, "proactive.total", .8)], "2645")
    [TagSpan(start=0, end=4, label='proactive.total', score=0.8, by='model', rule=None)]
    """
    out: list[TagSpan] = []
    for s in sorted(spans, key=lambda s: s.start):
        prev = out[-1] if out else None
        gap = text[prev.end:s.start] if prev else ""
        joinable = prev and prev.label == s.label and (
            (len(gap) <= max_gap and not gap.strip(" "))
            or (prev.label in SECTIONS and len(gap) <= heading_gap and "\n" not in gap))
        if joinable:
            by, rule = (prev.by, prev.rule) if prev.by != "model" else (s.by, s.rule)
            out[-1] = TagSpan(prev.start, s.end, s.label, min(prev.score, s.score), by, rule)
        else:
            out.append(TagSpan(s.start, s.end, s.label, s.score, s.by, s.rule))
    return out
