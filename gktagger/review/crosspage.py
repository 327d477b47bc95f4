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
from gktagger.review.page import esc, page

# the series' figures (``crosscheck.MAIN_FIGURES``), charted in this order
FIGURE_NAMES = {"received": "收到申请 received", "granted": "予以公开 granted",
                "refused": "不予公开+不予处理 refused", "appeals": "复议+诉讼 appeals"}

CROSS_CSS = """
body.cross main { max-width:1180px; margin:0 auto; padding:14px 20px 40px; }
section.body { border-top:1px solid var(--line); margin-top:14px; }
.multiples { display:flex; flex-wrap:wrap; gap:6px 16px; }
.multiples figure { margin:0; } .multiples figcaption { font-size:12px; color:var(--muted); }
svg.chart text { fill:#1d1d1f; }
table.pairs td.msg { font-family:ui-monospace, monospace; }
tr.fail td { background:#fff3f2; } tr.warn td { background:#fff8e0; }
.badge.fail { background:#ffd9d6; color:#8a1008; } .badge.warn { background:#ffefc2; color:#6b4a00; }
.badge.pass { background:#d7f5d2; color:#1a5d12; } .badge.unknown { background:#e2e2e6; color:#333; }
"""


def _pairs_table(pairs: list[dict]) -> str:
    shown = [p for p in pairs if p["status"] in ("fail", "warn")]
    if not shown:
        return '<p class="muted">No failing cross-year check.</p>'
    rows = "".join(f'<tr class="{esc(p["status"])}"><td>{esc(p["years"][0])}→{esc(p["years"][1])}</td>'
                   f'<td><span class="badge {esc(p["status"])}">{esc(p["status"])}</span></td>'
                   f'<td>{esc(p["rule"])} [{esc(p["scope"])}]</td><td class="msg">{esc(p["message"])}</td>'
                   f'<td>{esc(" / ".join(str(i) for i in p["ids"]))}</td></tr>' for p in shown)
    return (f'<table class="pairs"><tr><th>years</th><th>status</th><th>rule</th><th>arithmetic</th>'
            f'<th>reports</th></tr>{rows}</table>')


def _body_section(series: dict, pairs: list[dict], duplicates: list[dict]) -> str:
    marked = sorted({tuple(p["years"]) for p in pairs if p["status"] == "fail"})
    charts = []
    for name in FIGURE_NAMES:
        points = [(r["year"], r.get(name)) for r in series["reports"]]
        chart = year_chart(points, series["body"] + ": " + name, marked)
        charts.append(f'<figure data-figure="{esc(name)}">{chart}'
                      f'<figcaption>{esc(FIGURE_NAMES[name])}</figcaption></figure>')
    counts = Counter(p["status"] for p in pairs)
    years = ", ".join(str(r["year"]) for r in series["reports"])
    dup = "".join(f'<p class="dup"><span class="badge fail">duplicate</span> {esc(d["message"])}: '
                  f'{esc(", ".join(map(str, d["ids"])))}</p>' for d in duplicates)
    missing = (f' · no report for {esc(", ".join(map(str, series["missing_years"])))}'
               if series["missing_years"] else "")
    return (f'<section class="body" data-body="{esc(series["body"])}"><h2>{esc(series["body"])}</h2>'
            f'<p class="muted">reports {esc(years)}{missing} · cross-year results: '
            + " ".join(f'{s} {counts.get(s, 0)}' for s in ("pass", "fail", "warn", "unknown"))
            + f'</p>{dup}<div class="multiples">{"".join(charts)}</div>{_pairs_table(pairs)}</section>')


def render_crosscheck(lines: list[dict], source: str) -> str:
    pairs, dups = defaultdict(list), defaultdict(list)
    for l in lines:
        if l["type"] == "pair":
            pairs[l["body"]].append(l)
        elif l["type"] == "duplicate":
            dups[l["body"]].append(l)
    series = [l for l in lines if l["type"] == "series"]
    skipped = [l for l in lines if l["type"] == "skipped"]
    failing = sum(l["status"] == "fail" for ps in pairs.values() for l in ps)
    skipped_html = ("<h2>Not placed</h2><ul>" + "".join(f'<li>{esc(l["id"])}: {esc(l["message"])}</li>' for l in skipped)
                    + "</ul>") if skipped else ""
    body = (f'<main><h1>gktagger crosscheck · {esc(source)}</h1>'
            f'<p>{len(series)} reporting bodies · {failing} failing cross-year checks '
            '<span class="muted">(red bands: a pair of years whose check fails)</span></p>'
            + "".join(_body_section(s, pairs[s["body"]], dups[s["body"]]) for s in series)
            + skipped_html + "</main>")
    return page(f"gktagger crosscheck · {source}", body, CROSS_CSS, "cross")
