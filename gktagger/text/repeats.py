"""Repeated report bodies: scraped pages often hold the body 2–4 times (print view + main view, tabs).

:func:`find_body` returns the span of the first complete copy, or the whole text when the body
is not repeated. A copy is a long stretch (``MIN_COPY`` characters matched in order, small
differences allowed) that reappears later; it counts only when the copies cover most of the
page or read as running prose, so repeated menus, footers or ``||||`` rules never do. A first
copy that is a truncated teaser is skipped for the later complete one. Chrome that repeats
right before or after every copy (a title bar, a footer) may be part of the span. Works on raw
or normalised text; time is linear in practice (one dictionary of fixed-length substrings).

>>> body = "".join(f"第{i}条，本机关全年主动公开政府信息{i * 7}条，办理申请{i}件。" for i in range(40))
>>> page = "首页 | 政务公开\\n" + body + "\\n打印本页 关闭窗口\\n" + body + "\\n版权所有"
>>> start, end = find_body(page)
>>> page[start:end].strip() == body
True
>>> find_body("首页\\n" + body) == (0, len(body) + 3)
True
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

GRAM = 24  # matched stretches grow from shared substrings of this many characters
MIN_COPY = 400  # matched characters for a stretch to count as a copy of the body
SMALL_EDIT = 100  # a difference inside a copy (a date line, an edited sentence), in characters
MAX_GAP = 300  # how far a match may step back (a repeated table row) and still carry a copy on
LONG_GAP = 5000  # a stretch laid out differently in two copies (a table as cells vs flattened)
TOUCH = 50  # pieces of one copy closer than this are one copy
COMPLETE = 0.85  # a copy at least this share of the longest one is complete
MOST = 0.5  # copies covering this share of the page are a repeated body even without prose
PROSE_WINDOW = 200  # text after a copy that decides whether the body goes on beyond it
MAX_OPEN = 32  # chains followed at once; more only arise from many short coincidences
MIN_DISTINCT = 20  # different characters a copy of a body has at the least
MIN_MATCH_DISTINCT = 5  # and a single match
MIN_DENSITY = 0.5  # share of a later copy that matches the first (tables may differ in layout)
RELATED = 0.3  # repeats shorter than this share of the longest one are boilerplate, not copies
_SENTENCE_MARKS = re.compile("[，。；,;]")


@dataclass
class _Chain:
    """Text at ``[source_start, source_end)`` reappears at ``[target_start, target_end)``."""

    source_start: int
    source_end: int
    target_start: int
    target_end: int
    matched: int
    chars: set = field(default_factory=set)


def _common_prefix(text: str, a: int, b: int, limit: int) -> int:
    """How many characters ``text[a:]`` and ``text[b:]`` share, up to ``limit``, compared in blocks."""
    n, block = 0, 256
    while n < limit:
        size = min(block, limit - n)
        if text[a + n:a + n + size] == text[b + n:b + n + size]:
            n += size
        elif size > 8:
            block = max(8, size // 8)
        else:
            while n < limit and text[a + n] == text[b + n]:
                n += 1
            return n
    return n


def _matches(text: str) -> list[tuple[int, int, int]]:
    """Maximal matches ``(source, target, length)``: later stretches of at least ``GRAM`` characters
    that occurred earlier. A source never overlaps its target (so ``0 0 0 0`` runs are skipped) nor
    runs into an earlier target: a third copy is matched to the first, not to the end of the first
    plus the second (repeated rows inside one copy cut matches short; :func:`_chains` joins them)."""
    first: dict[str, int] = {}
    found = []
    target_starts: list[int] = []
    i, n = 0, len(text)
    while i <= n - GRAM:
        gram = text[i:i + GRAM]
        j = first.setdefault(gram, i)
        k = bisect_right(target_starts, j)
        limit = min(n - i, i - j, target_starts[k] - j if k < len(target_starts) else n)
        if limit < GRAM:
            i += 1
            continue
        length = GRAM + _common_prefix(text, j + GRAM, i + GRAM, limit - GRAM)
        if len(set(text[i:i + length])) >= MIN_MATCH_DISTINCT:  # not a run of ||| or 0 0 0
            found.append((j, i, length))
            target_starts.append(i)
        i += length - GRAM + 1
    return found


def _continues(chain: _Chain, source: int, target: int) -> bool:
    """Whether a match carries ``chain`` on: both sides move forward (a short step back is a
    repeated table row), the source stays before the target, and the two gaps are alike: nearly
    equal (an edit), or of comparable size (a table laid out differently in the two copies). A gap
    on one side only means the later text was pieced together from elsewhere."""
    source_gap, target_gap = source - chain.source_end, target - chain.target_end
    if min(source_gap, target_gap) < -MAX_GAP or source + GRAM > chain.target_start:
        return False
    wider, narrower = max(source_gap, target_gap), min(source_gap, target_gap)
    return wider - narrower <= SMALL_EDIT or (wider <= LONG_GAP and 3 * narrower >= wider)


def _chains(text: str, matches: list[tuple[int, int, int]]) -> list[_Chain]:
    """Matches joined in order into copies of one stretch. Kept: chains of ``MIN_COPY`` matched
    characters, most of their span matched (two years' reports share only their template),
    whose text is varied (a long run of ``0\\t0\\t`` or ``|||`` is not a body)."""
    open_chains: list[_Chain] = []
    closed: list[_Chain] = []
    for source, target, length in matches:
        fits = [c for c in open_chains if _continues(c, source, target)]
        if fits:
            chain = max(fits, key=lambda c: c.matched)
            # A match running from the end of one copy into the next belongs to the chain only up
            # to where the chain's own copy begins.
            length = min(length, chain.target_start - source)
            chain.matched += max(0, target + length - max(target, chain.target_end))
            chain.source_end = max(chain.source_end, source + length)
            chain.target_end = max(chain.target_end, target + length)
        else:
            chain = _Chain(source, source + length, target, target + length, length)
            open_chains.append(chain)
        chain.chars.update(text[target:target + length])
        closed += [c for c in open_chains if target - c.target_end > LONG_GAP]
        open_chains = [c for c in open_chains if target - c.target_end <= LONG_GAP]
        if len(open_chains) > MAX_OPEN:  # many short coincidences: keep the time linear
            open_chains.sort(key=lambda c: -c.matched)
            closed += open_chains[MAX_OPEN:]
            del open_chains[MAX_OPEN:]
    return [c for c in closed + open_chains if c.matched >= MIN_COPY and c.source_end <= c.target_start
            and len(c.chars) >= MIN_DISTINCT and c.matched >= MIN_DENSITY * (c.target_end - c.target_start)]


def _copies(chains: list[_Chain]) -> list[tuple[int, int]]:
    """Both sides of every chain in text order. Overlapping pieces are merged, and so are pieces
    that nearly touch unless they hold the same text (two copies may follow each other directly, and
    a match may run a character or two into the next copy: ``。\n`` ending one and opening the next)."""
    pieces = sorted([(c.source_start, c.source_end, c.source_start, c.source_end) for c in chains]
                    + [(c.target_start, c.target_end, c.source_start, c.source_end) for c in chains])
    merged: list[list] = []
    for start, end, content_start, content_end in pieces:
        last = merged[-1] if merged else None
        same_text = last and any(content_start < e - MAX_GAP and s < content_end - MAX_GAP for s, e in last[2])
        if last and (start < last[1] - TOUCH or (start <= last[1] + TOUCH and not same_text)):
            last[1] = max(last[1], end)
            last[2].append((content_start, content_end))
        else:
            merged.append([start, end, [(content_start, content_end)]])
    return [(s, e) for s, e, _ in merged]


def _prose_like(text: str) -> bool:
    """Running sentences, not a menu: sentence punctuation at least every 60 characters."""
    return bool(text) and len(_SENTENCE_MARKS.findall(text)) * 60 >= len(text)


def find_body(text: str) -> tuple[int, int]:
    """The span of the first complete copy of a repeated body, or ``(0, len(text))``."""
    whole = (0, len(text))
    chains = _chains(text, _matches(text))
    if not chains:
        return whole
    main = max(chains, key=lambda c: c.matched)
    copies = _copies(chains)
    longest = max(e - s for s, e in copies)
    copies = [(s, e) for s, e in copies if e - s >= RELATED * longest]
    covered = sum(e - s for s, e in copies)
    if covered < MOST * len(text) and not _prose_like(text[main.source_start:main.source_end]):
        return whole
    # A copy that stops where the text goes on as prose was cut short by the next copy or is the
    # beginning of the body that a teaser repeats: it runs on to the next copy (or the end).
    extents = []
    for k, (start, end) in enumerate(copies):
        following = copies[k + 1][0] if k + 1 < len(copies) else len(text)
        if _prose_like(text[end:min(following, end + PROSE_WINDOW)]):
            end = following
        extents.append((start, end))
    longest = max(e - s for s, e in extents)
    return next((s, e) for s, e in extents if e - s >= COMPLETE * longest)
