"""Sentences and clauses of prose as a PDF's text layer prints it: a line break may be a wrap.

A page's text breaks its lines at the page's width, inside a sentence and even inside a word
(``其中维持 0 件、纠\\n正 6 件``). A line break ends a sentence only where the line before it ends one
(。！？), where either line is a heading (an ordinal opens it) or where the next line is indented or
blank; any other is a wrap, which ends nothing and joins the words around it.

>>> body = ("四、行政复议情况\\n本年度发生行政复议 7 件，其中维持 0 件、纠\\n"
...         "正 6 件。\\n　　行政诉讼 1 件")
>>> [is_wrap(body, i) for i, c in enumerate(body) if c == "\\n"]
[False, True, False]
>>> clause_before(body, body.index("6 件"), 24), body[sentence_start(body, body.index("6 件"), 120):][:9]
('纠正 ', '本年度发生行政复议')
"""
from __future__ import annotations

import re

from gktagger.lexicon import MEASURE_WORDS, ORDINALS

HEADING_OPENS = re.compile(rf"[ \t]*(?:第[{ORDINALS}]+部分|[{ORDINALS}]+[、．.\s]|[（(][{ORDINALS}]+[)）]"
                           r"|\d{1,2}[.、．]\D)")
GOES_ON = re.compile(rf"[ \t]*[，,、；;{''.join(sorted(MEASURE_WORDS))}]")  # a clause mark or a measure word
INDENTED = re.compile(r"\u3000|[ \t]{2}")
SENTENCE_END = re.compile(r"。|\n")
CLAUSE_END = re.compile(r"[,;。:、\n]|\d+[ \t]*[件起宗个]")  # (PDF text: 申请 5 件)


def is_wrap(body: str, i: int) -> bool:
    """Whether the line break at ``body[i]`` wraps a line of prose."""
    line = body[body.rfind("\n", 0, i) + 1:i].rstrip()
    if GOES_ON.match(body, i + 1):
        return bool(line)
    nxt = body[i + 1:i + 2]
    return bool(line) and line[-1] not in "。！？!?" and nxt not in ("", "\n") and not INDENTED.match(body, i + 1) \
        and not HEADING_OPENS.match(line) and not HEADING_OPENS.match(body, i + 1)


def _ends(body: str, m: re.Match) -> bool:
    return m.group() != "\n" or not is_wrap(body, m.start())


def sentence_start(body: str, start: int, longest: int) -> int:
    """Where the sentence holding ``start`` starts (at most ``longest`` characters before it)."""
    lo = max(0, start - longest)
    ends = [m.end() for m in SENTENCE_END.finditer(body, lo, start) if _ends(body, m)]
    return ends[-1] if ends else lo


def sentence_end(body: str, end: int, longest: int) -> int:
    """Where the sentence holding ``end`` ends (at most ``longest`` characters after it)."""
    hi = min(len(body), end + longest)
    return next((m.start() for m in SENTENCE_END.finditer(body, end, hi) if _ends(body, m)), hi)


def clause_before(body: str, start: int, longest: int) -> str:
    """The words between the previous clause break (or the previous stated figure) and ``start``,
    wraps taken out."""
    lo = max(0, start - longest)
    ends = [m.end() for m in CLAUSE_END.finditer(body, lo, start) if _ends(body, m)]
    return unwrapped(body[ends[-1] if ends else lo:start])


def unwrapped(text: str) -> str:
    """``text`` (inside one sentence: any line break in it is a wrap) with its line breaks taken out."""
    return text.replace("\n", "")
