"""Random figures of one report that satisfy the table identities, and how numbers are printed.

>>> import random
>>> from gktagger.identities import check_tables
>>> v = report_values(random.Random(1), "2021", SynthOptions())
>>> [o for o in check_tables(v, "2021") if o.status != "pass"]
[]
"""
from __future__ import annotations

import random
from collections import Counter

from gktagger.identities import T4_TABLE_BLOCKS, t3_result_rows
from gktagger.schema import T3_APPLICANT_COLUMNS, T4_RESULTS

from gktagger.training.synth.options import SynthOptions

_COLUMN_ACTIVE = {"natural": 0.95, "commercial": 0.45, "research": 0.08, "social": 0.1, "legal": 0.2, "other_org": 0.2}
_ROW_WEIGHT = {"granted": 8, "partial": 3, "unable_not_held": 6, "unable_create": 1, "unable_unclear": 1,
               "denied_process": 1, "denied_internal": 1, "denied_third_party": 1, "refused_complaint": 2,
               "refused_repeat": 1.5, "other_processing": 2, "other_misc": 2, "other_no_correction": 1.5}


def _count(rng: random.Random, scale: int) -> int:
    """A skewed count: mostly small, occasionally near ``scale``."""
    return int(scale * rng.random() ** 2.5)


def t3_values(rng: random.Random, fmt: str, opts: SynthOptions) -> dict[str, int]:
    rows = t3_result_rows(fmt)
    values: dict[str, int] = {}
    all_zero = rng.random() < opts.p_all_zero
    scale = rng.choice([3, 10, 30, 80]) if rng.random() >= opts.p_large else rng.choice([300, 800, 1500])
    weights = [_ROW_WEIGHT.get(r, 0.3) * (0.1 + rng.random()) for r in rows]
    for col in T3_APPLICANT_COLUMNS:
        active = not all_zero and rng.random() < _COLUMN_ACTIVE[col]
        col_scale = scale if col == "natural" else max(2, scale // rng.choice([3, 10, 30]))
        new = _count(rng, col_scale) + (1 if col == "natural" else 0) if active else 0
        carried = _count(rng, max(1, new // 4)) if active and rng.random() < 0.4 else 0
        forward = _count(rng, max(1, (new + carried) // 4)) if active and rng.random() < 0.4 else 0
        forward = min(forward, new + carried)
        handled = Counter(rng.choices(rows, weights, k=new + carried - forward))
        values[f"t3.new.{col}"] = new
        values[f"t3.carried_over.{col}"] = carried
        values[f"t3.carried_forward.{col}"] = forward
        values[f"t3.total.{col}"] = new + carried - forward
        for r in rows:
            values[f"t3.{r}.{col}"] = handled[r]
    for r in ("new", "carried_over", "total", "carried_forward") + rows:
        values[f"t3.{r}.total"] = sum(values[f"t3.{r}.{c}"] for c in T3_APPLICANT_COLUMNS)
    return values


def t4_values(rng: random.Random, blocks=T4_TABLE_BLOCKS) -> dict[str, int]:
    values: dict[str, int] = {}
    scale = rng.choice([0, 0, 2, 4, 10, 40])
    for block in blocks:
        results = [_count(rng, scale) if rng.random() < 0.5 else 0 for _ in range(4)]
        for name, v in zip(("upheld", "corrected", "other", "pending"), results):
            values[f"t4.{block}.{name}"] = v
        values[f"t4.{block}.total"] = sum(results)
    assert set(T4_RESULTS) == {"upheld", "corrected", "other", "pending", "total"}
    return values


def t2_values(rng: random.Random, fmt: str) -> dict[str, int | float]:
    big = lambda: _count(rng, rng.choice([10, 500, 5000, 50000, 700000]))
    v: dict[str, int | float] = {}
    if fmt == "2021":
        for item, scale in (("regulations", 4), ("normative", 80)):
            issued = _count(rng, scale)
            v[f"t2.{item}.issued"] = issued
            v[f"t2.{item}.repealed"] = _count(rng, scale // 2 + 1)
            v[f"t2.{item}.in_force"] = issued + _count(rng, scale * 8)
        for item in ("licensing", "penalty", "coercion"):
            v[f"t2.{item}.decisions"] = big()
        v["t2.fees.amount"] = round(rng.random() ** 3 * 30000, rng.choice([0, 2, 2, 3, 4])) if rng.random() < 0.6 else 0
    else:
        for item, scale in (("regulations", 4), ("normative", 60)):
            made = _count(rng, scale)
            v[f"t2.{item}.made"] = made
            v[f"t2.{item}.published"] = made
            v[f"t2.{item}.total_published"] = made + _count(rng, scale * 6)
        for item in ("licensing", "other_services", "penalty", "coercion"):
            v[f"t2.{item}.prev_items"] = _count(rng, 1200)
            v[f"t2.{item}.change"] = rng.choice([0, 0, 1, -1]) * _count(rng, 400)
            v[f"t2.{item}.decisions"] = big()
        v["t2.fees.prev_items"] = _count(rng, 90)
        v["t2.fees.change"] = rng.choice([0, 0, 0, 1, -1]) * _count(rng, 10)
        v["t2.procurement.items"] = _count(rng, 300)
        v["t2.procurement.amount"] = round(rng.random() ** 2 * 80000, rng.choice([0, 2, 2, 4]))
    return v


def legacy_values(rng: random.Random, opts: SynthOptions) -> dict[str, int]:
    large = rng.random() < opts.p_large
    received = _count(rng, 1500 if large else rng.choice([5, 20, 80]))
    granted = _count(rng, received + 1) if received else 0
    partial = _count(rng, received - granted + 1) if received - granted > 0 else 0
    v = {"proactive.total": 20 + _count(rng, rng.choice([500, 3000, 20000])), "requests.received": received,
         "t3.granted.total": granted, "t3.partial.total": partial}
    v.update(t4_values(rng, ("review", "suit")))
    return v


def report_values(rng: random.Random, fmt: str, opts: SynthOptions) -> dict[str, int | float]:
    """Every figure the report states (its table cells and prose-only figures)."""
    if fmt == "legacy":
        return legacy_values(rng, opts)
    v: dict[str, int | float] = {}
    v.update(t2_values(rng, fmt))
    v.update(t3_values(rng, fmt, opts))
    v.update(t4_values(rng))
    for result in T4_RESULTS:  # 行政诉讼 as prose states it, not split into direct / after review
        v[f"t4.suit.{result}"] = v[f"t4.suit_direct.{result}"] + v[f"t4.suit_after_review.{result}"]
    v["proactive.total"] = 20 + _count(rng, rng.choice([300, 3000, 30000]))
    v["requests.received"] = v["t3.new.total"]
    return v


# --- printing numbers ---

_HANZI = "零一二三四五六七八九十"


def print_count(rng: random.Random, n: int, opts: SynthOptions, prose: bool = False, approx_ok: bool = False) -> str:
    """How a count is printed: 1209, 1,209, 230余, 近百, 三."""
    if prose and approx_ok and n >= 20 and rng.random() < opts.p_prose_approx:
        if 90 <= n <= 110 and rng.random() < 0.5:
            return rng.choice(["近百", "百余"])
        step = 10 ** max(1, len(str(n)) - 2)
        return f"{n // step * step}{rng.choice(['余', '余', '多'])}"
    if prose and 0 < n <= 10 and rng.random() < 0.15:
        return _HANZI[n]
    if n >= 1000 and rng.random() < opts.p_thousands:
        return f"{n:,}"
    return str(n)


def print_decimal(rng: random.Random, x: float) -> str:
    if x == 0:
        return rng.choice(["0", "0", "0.00"])
    s = f"{x:.{rng.choice([2, 2, 3, 4])}f}" if rng.random() < 0.8 else str(x)
    return s


def print_change(rng: random.Random, n: int) -> str:
    if n == 0:
        return "0"
    if n > 0:
        return rng.choice([f"+{n}", f"+{n}", f"增{n}", str(n)])
    return rng.choice([f"-{-n}", f"-{-n}", f"减{-n}"])
