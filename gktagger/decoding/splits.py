"""Run-together digits: where cells of a table row are printed with no separator
(``640020470`` = 64,0,0,2,0,4,70), pick the split the table identities allow.

The model marks where each cell starts. When its split breaks an identity the
run takes part in — one wholly inside the run (a table-3 row's six applicant
columns summing to 总计, a table-4 block summing to its total) or one linking it
to other stated cells (the column balances of table 3) — every other split of
the run into the same number of cells is tried: numbers never start with a 0
unless they are 0, spaces always separate, the identities inside the run must
hold. Among those, the split that breaks the fewest linking identities wins,
then the most probable one by the model's start-of-span probabilities. Such
spans are marked inferred; nothing else is guessed.

>>> import numpy as np
>>> text = "640020470"
>>> labels = ["t3.new." + c for c in ("natural", "commercial", "research", "social", "legal", "other_org", "total")]
>>> begin = np.array([.9, .6, .7, .8, .9, .8, .9, .6, .1])  # the model hesitates between 6|4 and 64
>>> spans = [TagSpan(0, 1, labels[0]), TagSpan(1, 2, labels[1]), TagSpan(2, 3, labels[2]), TagSpan(3, 4, labels[3]),
...          TagSpan(4, 5, labels[4]), TagSpan(5, 6, labels[5]), TagSpan(6, 9, labels[6])]
>>> fixed, inferred = resolve_runs(text, spans, begin)
>>> [text[s.start:s.end] for s in fixed], sorted(inferred) == sorted(labels)
(['64', '0', '0', '2', '0', '4', '70'], True)
"""
from __future__ import annotations

import math
from itertools import combinations
from typing import Sequence

from gktagger.decoding.values import parse_value
from gktagger.identities import Identity, holds, table_identities
from gktagger.io.limits import DEFAULT_LIMITS
from gktagger.tagging.tags import TagSpan

_RUN_CHARS = set("0123456789 ")
_RULES = list(dict.fromkeys(table_identities("2021") + table_identities("2019")))


def _runs(text: str, spans: list[TagSpan]) -> list[list[int]]:
    """Groups of span indices whose spans touch through digits and spaces only."""
    order = sorted(range(len(spans)), key=lambda i: spans[i].start)
    groups, current = [], []
    for i in order:
        s = spans[i]
        if not text[s.start:s.end].isdigit():
            current = []
            continue
        if current and set(text[spans[current[-1]].end:s.start]) <= {" "}:
            current.append(i)
        else:
            current = [i]
            groups.append(current)
    return [g for g in groups if len(g) > 1]


def _rules_for(labels: set[str], known: set[str]) -> tuple[list[Identity], list[Identity]]:
    """Identities wholly inside the run, and those linking it to other stated cells."""
    inside = [r for r in _RULES if set(r.fields) <= labels]
    linking = [r for r in _RULES if set(r.fields) & labels and not set(r.fields) <= labels
               and set(r.fields) <= labels | known]
    return inside, linking


def _holds(rules: list[Identity], values: dict) -> bool:
    return all(holds(r, values) is not False for r in rules)


def _broken(rules: list[Identity], values: dict) -> int:
    return sum(holds(r, values) is False for r in rules)


def _log(p: float) -> float:
    return math.log(min(max(p, 1e-6), 1 - 1e-6))


def resolve_runs(text: str, spans: list[TagSpan], begin: Sequence[float],
                 max_candidates: int = 5_000, max_digit_run: int = DEFAULT_LIMITS.max_digit_run
                 ) -> tuple[list[TagSpan], set[str]]:
    """Spans with inferred splits applied (``by="split"``), and the labels whose span was re-split. A span
    of more than ``max_digit_run`` digits has no value."""
    spans = list(spans)
    inferred: set[str] = set()
    values = {}
    for s in spans:
        v = parse_value(text[s.start:s.end], max_digit_run=max_digit_run)
        if v is not None and not v.na:
            values.setdefault(s.label, v.value)
    for group in _runs(text, spans):
        cells = [spans[i] for i in group]
        labels = [c.label for c in cells]
        if len(set(labels)) < len(labels):
            continue
        inside, linking = _rules_for(set(labels), set(values) - set(labels))
        if not inside and not linking:
            continue
        if _holds(inside, values) and not _broken(linking, values):
            continue
        best = _best_split(text, cells[0].start, cells[-1].end, labels, inside, linking, values, begin, max_candidates)
        if best is None:
            continue
        for i, (s, e) in zip(group, best):
            if (spans[i].start, spans[i].end) != (s, e):
                inferred.add(spans[i].label)
                rule = ", ".join(f"{r.rule}[{r.scope}]" for r in inside + linking)
                spans[i] = TagSpan(s, e, spans[i].label, spans[i].score, "split", rule)
            values[spans[i].label] = int(text[s:e])
    return spans, inferred


def _best_split(text, start, end, labels, inside, linking, known, begin, max_candidates):
    digits = [i for i in range(start, end) if text[i] != " "]
    gaps = list(range(1, len(digits)))  # a boundary before digits[g]
    forced = [g for g in gaps if digits[g] - digits[g - 1] > 1]
    free = [g for g in gaps if g not in forced]
    extra = len(labels) - 1 - len(forced)
    if extra < 0 or extra > len(free) or math.comb(len(free), extra) > max_candidates:
        return None
    best, best_key = None, None
    values = dict(known)
    for chosen in combinations(free, extra):
        cuts = sorted(forced + list(chosen))
        bounds = [0, *cuts, len(digits)]
        parts = [(digits[a], digits[b - 1] + 1) for a, b in zip(bounds, bounds[1:])]
        if any(text[s] == "0" and e - s > 1 for s, e in parts):
            continue
        values.update({l: int(text[s:e]) for l, (s, e) in zip(labels, parts)})
        if not _holds(inside, values):
            continue
        cutset = set(chosen)
        score = sum(_log(begin[digits[g]]) if g in cutset else _log(1 - begin[digits[g]]) for g in free)
        key = (-_broken(linking, values), score)
        if best_key is None or key > best_key:
            best, best_key = parts, key
    return best
