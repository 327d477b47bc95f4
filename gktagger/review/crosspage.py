"""The ``crosscheck --html`` page: per reporting body, small multiples of its main figures over the
years (inline SVG), the failing cross-year pairs highlighted in the charts and listed with their
arithmetic. Self-contained: no script, nothing fetched.

>>> from gktagger.review.crosscheck import crosscheck
>>> recs = [{"id": f"r{y}", "year": y, "format": "2021", "status": "ok",
...          "fields": {"t3.carried_over.total": {"value": 1}, "t3.carried_forward.total": {"value": 1}}}
...         for y in (2021, 2022)]
>>> html = render_crosscheck(crosscheck(recs, {"r2021": "甲", "r2022": "甲"}), "out.jsonl")
>>> html.count('class="body"'), "<script" in html
(1, False)
"""
from __future__ import annotations

from collections import Counter, defaultdict

from gktagger.review.charts import year_chart
from gktagger.review.page import render

# the series' figures (``crosscheck.MAIN_FIGURES``), charted in this order
FIGURE_NAMES = {"received": "收到申请 received", "granted": "予以公开 granted",
                "refused": "不予公开+不予处理 refused", "appeals": "复议+诉讼 appeals"}

def _body(series: dict, pairs: list[dict], duplicates: list[dict]) -> dict:
    marked = sorted({tuple(p["years"]) for p in pairs if p["status"] == "fail"})
    charts = [(name, caption, year_chart([(r["year"], r.get(name)) for r in series["reports"]], series["body"] + ": " + name, marked))
              for name, caption in FIGURE_NAMES.items()]
    counts = Counter(p["status"] for p in pairs)
    return {"series": series, "duplicates": duplicates, "charts": charts,
            "counts": {s: counts.get(s, 0) for s in ("pass", "fail", "warn", "unknown")},
            "shown": [p for p in pairs if p["status"] in ("fail", "warn")]}


def render_crosscheck(lines: list[dict], source: str) -> str:
    pairs, dups = defaultdict(list), defaultdict(list)
    for l in lines:
        if l["type"] == "pair":
            pairs[l["body"]].append(l)
        elif l["type"] == "duplicate":
            dups[l["body"]].append(l)
    series = [l for l in lines if l["type"] == "series"]
    return render("crosscheck.html", source=source,
                  bodies=[_body(s, pairs[s["body"]], dups[s["body"]]) for s in series],
                  failing=sum(l["status"] == "fail" for ps in pairs.values() for l in ps),
                  skipped=[l for l in lines if l["type"] == "skipped"])
