"""Windows over long documents, and stitching their predictions back together.

Each character takes its prediction from the window in which it sits farthest
from an edge, so every character is predicted exactly once.

>>> make_windows(10, size=4, stride=3)
[(0, 4), (3, 7), (6, 10)]
>>> owner_windows(10, make_windows(10, size=4, stride=3))
[0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
"""
from __future__ import annotations


def make_windows(length: int, size: int, stride: int) -> list[tuple[int, int]]:
    """Start/end of windows of ``size`` characters every ``stride``, the last one flush with the end."""
    if stride <= 0 or stride > size:
        raise ValueError("stride must be in 1..size")
    if length <= size:
        return [(0, length)]
    starts = list(range(0, length - size, stride)) + [length - size]
    return [(s, s + size) for s in starts]


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
