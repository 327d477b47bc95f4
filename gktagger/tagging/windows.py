"""Windows over long documents, and stitching their predictions back together.

Each character takes its prediction from the window in which it sits farthest
from an edge, so every character is predicted exactly once.

Given the text, windows start at line starts chosen by the lines' content
(:func:`make_windows` with ``text``): of the line starts in the last ``slack``
characters before the next nominal start, the one whose line hashes lowest. A
page that gains a navigation line, or loses one, gets the same windows over its
content after the first one or two, so the model sees the same contexts and tags
the same values (a fixed grid of offsets moved every window by the length of the
added line and changed up to 13 values of a report).

>>> make_windows(10, size=4, stride=3)
[(0, 4), (3, 7), (6, 10)]
>>> owner_windows(10, make_windows(10, size=4, stride=3))
[0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
>>> import random
>>> rng = random.Random(1)
>>> text = "".join("数" * rng.randint(3, 30) + "\\n" for _ in range(200))
>>> plain = make_windows(len(text), 120, 90, text=text)
>>> nav = "首页 > 政务公开 > 年报\\n"
>>> moved = [(s - len(nav), e - len(nav)) for s, e in make_windows(len(nav + text), 120, 90, text=nav + text)]
>>> len(plain), [w in moved for w in plain][:4]
(55, [False, False, True, True])
"""
from __future__ import annotations

import zlib
from bisect import bisect_left, bisect_right

HASHED_CHARS = 24  # of a line, for choosing where a window starts


def make_windows(length: int, size: int, stride: int, text: str | None = None,
                 slack: int | None = None) -> list[tuple[int, int]]:
    """Start/end of windows of ``size`` characters every ``stride`` or less, the last one flush with
    the end; with ``text``, each start after the first is a line start chosen by content (module doc),
    and the last window runs from the first line start that leaves it at most ``size`` long."""
    if stride <= 0 or stride > size:
        raise ValueError("stride must be in 1..size")
    if length <= size:
        return [(0, length)]
    if text is None:
        starts = list(range(0, length - size, stride)) + [length - size]
        return [(s, s + size) for s in starts]
    slack = stride // 2 if slack is None else slack
    line_starts = [i + 1 for i, c in enumerate(text[:length]) if c == "\n" and i + 1 < length]
    starts = [0]
    while starts[-1] + size < length:
        nominal = starts[-1] + stride
        lo, hi = bisect_left(line_starts, nominal - slack), bisect_right(line_starts, nominal)
        candidates = [s for s in line_starts[lo:hi] if s > starts[-1]]
        if candidates:
            nominal = min(candidates, key=lambda s: (zlib.crc32(text[s:s + HASHED_CHARS].encode("utf-8", "replace")), s))
        if nominal + size >= length:
            break
        starts.append(nominal)
    # the last window starts at a line start too (not flush with the end), so a trailing line break
    # more or less changes nothing but that character
    at = bisect_left(line_starts, length - size)
    fits = at < len(line_starts) and starts[-1] < line_starts[at] <= starts[-1] + stride  # no gap, overlap kept
    last = line_starts[at] if fits else length - size
    starts.append(last)
    return [(s, min(s + size, length)) for s in dict.fromkeys(starts)]


def owner_windows(length: int, windows: list[tuple[int, int]]) -> list[int]:
    """For each character, the index of the window where it is most central."""
    owner = [0] * length
    best = [-1] * length
    for w, (s, e) in enumerate(windows):
        for i in range(s, e):
            left = i - s if s > 0 else length  # a document edge is not a window edge
            right = e - 1 - i if e < length else length
            margin = min(left, right)
            if margin > best[i]:
                best[i], owner[i] = margin, w
    return owner
