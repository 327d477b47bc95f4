"""Lines that name a section's topic: where a section whose heading line is lost starts (``build.py``),
and the overview's list of sub-headings, which names the later sections' topics without starting them
(一、总体情况 （一）主动公开 （二）依申请公开 （三）政府信息管理: the 2021 template's own list).

>>> text = "一、总体情况\\n（一）主动公开\\n全年主动公开信息9条。\\n（二）依申请公开\\n收到申请3件。\\n（三）平台建设\\n"
>>> [text[a:b] for a, b in topic_lists(text)]
['（一）主动公开\\n全年主动公开信息9条。\\n（二）依申请公开\\n收到申请3件。\\n（三）平台建设']
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from gktagger.lexicon import ORDINALS, SUB_ORDINAL, TOPIC_WORDS


@lru_cache(maxsize=None)
def topic_line(section_id: str) -> re.Pattern:
    """A line that names the section's topic near its start: its first sub-heading or sentence."""
    return re.compile(rf"(?m)^[ \t]*(?:{SUB_ORDINAL}[ \t]*)?[^\n]{{0,12}}?(?:{TOPIC_WORDS[section_id]})")


_SUB_HEADING = re.compile(rf"(?m)^[ \t]*(?:[(（]([{ORDINALS}]{{1,2}})[)）]|(\d{{1,2}})[.、．](?!\d)|([{ORDINALS}])是)")
# a section heading's line (二、 三 第三部分): a list of one section's sub-headings does not run past it
_SECTION_LINE = re.compile(rf"(?m)^[ \t]*(?:第[{ORDINALS}]{{1,2}}部分|[{ORDINALS}]{{1,2}}(?:[ \t]*[、.．]|[ \t]+))")


class SubHeading(NamedTuple):
    start: int
    end: int  # of its line
    style: int  # 1 （一）, 2 1., 3 一是
    number: int


def hanzi_number(numeral: str) -> int:
    """A sub-heading's number: 一 … 十, 十一 … 十九, 二十.

    >>> [hanzi_number(n) for n in ("三", "十", "十二", "二十")]
    [3, 10, 12, 20]
    """
    if len(numeral) == 1:
        return ORDINALS.index(numeral) + 1
    tens, ones = numeral
    return 10 + ORDINALS.index(ones) + 1 if tens == "十" else (ORDINALS.index(tens) + 1) * 10


def sub_headings(text: str, lo: int = 0, hi: int | None = None) -> list[SubHeading]:
    hi = len(text) if hi is None else hi
    out = []
    for m in _SUB_HEADING.finditer(text, lo, hi):
        style = next(k for k in (1, 2, 3) if m.group(k))
        number = int(m.group(2)) if style == 2 else hanzi_number(m.group(style))
        line_end = text.find("\n", m.end(), hi)
        out.append(SubHeading(m.start(), line_end if line_end >= 0 else hi, style, number))
    return out


def _named(text: str, at: int) -> set[str]:
    return {sid for sid in TOPIC_WORDS if topic_line(sid).match(text, at)}


def topic_lists(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Spans (first item to the end of the last item's line) of numbered sub-heading lists that name
    the topics of two sections or more. Items are numbered on (1, 2, 3; of one style where the list
    has one, as nested lists interleave) and do not run past a section heading's line or an item 1 of
    the same style (a new list: a lost section's own （一）)."""
    hi = len(text) if hi is None else hi
    subs = sub_headings(text, lo, hi)
    stops = [m.start() for m in _SECTION_LINE.finditer(text, lo, hi)]
    out = []
    for k, first in enumerate(subs):
        if first.number != 1:
            continue
        stop = next((s for s in stops if s > first.start), hi)
        items, rest = [first], [s for s in subs[k + 1:] if s.start < stop]
        while True:
            last = items[-1]
            after = [s for s in rest if s.start > last.start]
            restart = next((s.start for s in after if s.number == 1 and s.style == last.style), stop)
            following = [s for s in after if s.start < restart and s.number == last.number + 1]
            same = [s for s in following if s.style == last.style]
            if not following:
                break
            items.append((same or following)[0])
        if len(set().union(*(_named(text, s.start) for s in items))) >= 2:
            out.append((first.start, items[-1].end))
    return out


def in_lists(at: int, lists: list[tuple[int, int]]) -> bool:
    return any(a <= at < b for a, b in lists)
