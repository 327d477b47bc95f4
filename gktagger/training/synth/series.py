"""One reporting body's reports over consecutive years, each year's 上年结转 equal to the year
before's 结转下年度 (column by column) and, in the 2021 format, 现行有效件数 moving with 本年制发 and
本年废止: what ``gktagger crosscheck`` expects of a consistent series.

>>> docs = list(series("青山区人民政府", range(2021, 2024), seed=3))
>>> [d.year for _, d in docs], all("青山区" in text for text, _ in docs)
([2021, 2022, 2023], True)
"""
from __future__ import annotations

import random
from typing import Iterable, Iterator

from gktagger.identities import t3_result_rows
from gktagger.schema import T3_APPLICANT_COLUMNS, T3_ROWS
from gktagger.training.annotations import AnnotatedDoc

from gktagger.training.synth.compose import Report, compose
from gktagger.training.synth.options import SynthOptions


def _chain_t3(v: dict, last: dict, fmt: str) -> None:
    rows = t3_result_rows(fmt)
    for col in T3_APPLICANT_COLUMNS:
        carried = last[f"t3.carried_forward.{col}"]
        v[f"t3.carried_over.{col}"] = carried
        available = v[f"t3.new.{col}"] + carried
        v[f"t3.carried_forward.{col}"] = min(v[f"t3.carried_forward.{col}"], available)
        total = available - v[f"t3.carried_forward.{col}"]
        v[f"t3.total.{col}"] = total
        extra = total - sum(v[f"t3.{r}.{col}"] for r in rows)
        for r in rows:  # take away from the rows in order, or add to 予以公开
            if extra >= 0:
                break
            cut = min(v[f"t3.{r}.{col}"], -extra)
            v[f"t3.{r}.{col}"] -= cut
            extra += cut
        v[f"t3.granted.{col}"] += max(extra, 0)
    for row in T3_ROWS:
        if f"t3.{row}.natural" in v:
            v[f"t3.{row}.total"] = sum(v[f"t3.{row}.{c}"] for c in T3_APPLICANT_COLUMNS)
    v["requests.received"] = v["t3.new.total"]


def _chain_t2(v: dict, last: dict) -> None:
    for item in ("regulations", "normative"):
        before = last.get(f"t2.{item}.in_force")
        if before is None or f"t2.{item}.in_force" not in v:
            continue
        v[f"t2.{item}.repealed"] = min(v[f"t2.{item}.repealed"], before + v[f"t2.{item}.issued"])
        v[f"t2.{item}.in_force"] = before + v[f"t2.{item}.issued"] - v[f"t2.{item}.repealed"]


def series(org: str, years: Iterable[int], seed: int, fmt: str = "2021", layout: str | None = None,
           options: SynthOptions | None = None) -> Iterator[tuple[str, AnnotatedDoc]]:
    """(text, annotation) of ``org``'s report for each year, figures chained year to year."""
    opts = options or SynthOptions()
    last = None
    for k, year in enumerate(years):
        rng = random.Random(f"series/{seed}/{k}")
        r = Report(rng, opts, fmt, layout or rng.choice(["lines", "tabs", "pipes"]))
        r.year, r.org = year, org
        if last is not None and fmt != "legacy":
            _chain_t3(r.values, last, fmt)
            _chain_t2(r.values, last)
        last = r.values
        yield compose(rng, opts, fmt, r.layout, f"synthetic/series/{seed}/{year}", report=r)
