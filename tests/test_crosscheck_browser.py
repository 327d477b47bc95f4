"""The crosscheck page rendered by real headless Chromium: one section of small multiples per body,
failing pairs highlighted, nothing requested from the network (same harness as test_browser.py)."""
import pytest

from gktagger.review.crosscheck import crosscheck, find_bodies
from gktagger.review.crosspage import render_crosscheck
from gktagger.review.show import gold_record
from test_browser import EXTERNAL_IN_DOM, browser, outside  # noqa: F401 - browser is a fixture
from gktagger.training.gold_records import gold_records
from gktagger.training.synth.series import series

pytestmark = pytest.mark.browser


def test_the_page_charts_every_figure_of_the_series():
    from gktagger.review.crosscheck import MAIN_FIGURES
    from gktagger.review.crosspage import FIGURE_NAMES

    assert list(FIGURE_NAMES) == list(MAIN_FIGURES)


def lines_with_one_failing_pair():
    generated = list(series("青山区人民政府", range(2021, 2026), seed=11))
    records = [gold_record(doc, text, f"series/{doc.year}.txt") for text, doc in generated]
    records[3]["fields"]["t3.carried_over.total"]["value"] += 1  # 2024 no longer carries 2023's 结转下年度
    records += gold_records()
    return crosscheck(records, find_bodies(records))


def test_crosscheck_page_in_chromium(browser, tmp_path):
    lines = lines_with_one_failing_pair()
    series_ = [l for l in lines if l["type"] == "series"]
    failing = [l for l in lines if l["type"] == "pair" and l["status"] == "fail"]
    assert [(l["body"], l["years"]) for l in failing] == [("青山区", [2023, 2024])]
    page = tmp_path / "cross.html"
    page.write_text(render_crosscheck(lines, "gold+series.jsonl"), encoding="utf-8")
    assert browser.open(page.as_uri()) == "complete"

    bodies = browser.evaluate("[...document.querySelectorAll('section.body')].map(s => s.dataset.body)")
    assert bodies == [s["body"] for s in series_] and "平潭综合实验区" in bodies
    charts = browser.evaluate("""[...document.querySelectorAll('section.body')].map(s =>
        [...s.querySelectorAll('svg.chart.years')].map(c => c.getBoundingClientRect().width > 0 ? 1 : 0))""")
    assert all(c == [1, 1, 1, 1] for c in charts)
    dots = browser.evaluate("""document.querySelector('section.body[data-body="青山区"] figure[data-figure="received"]')
                               .querySelectorAll('circle').length""")
    assert dots == 5
    marked = browser.evaluate("""[...document.querySelectorAll('section.body')].map(s =>
        [s.dataset.body, s.querySelectorAll('rect.marked').length])""")
    assert {b: n for b, n in marked if n} == {"青山区": 4}  # one band per chart of the failing body
    band = browser.evaluate("""(() => { const r = document.querySelector('rect.marked').getBoundingClientRect();
                                        return [r.width, r.height]; })()""")
    assert band[0] > 0 and band[1] > 0
    rows = browser.evaluate("[...document.querySelectorAll('tr.fail')].map(r => r.textContent)")
    assert len(rows) == 1 and failing[0]["message"] in rows[0]
    warn_rows = browser.evaluate("[...document.querySelectorAll('tr.warn')].map(r => r.textContent)")
    assert any("现行有效件数 (470)" in r for r in warn_rows)  # the corpus's own 2023→2024 in_force warn

    assert outside(browser.requested_urls()) == []
    assert browser.evaluate(EXTERNAL_IN_DOM) == []
    assert browser.evaluate("document.querySelectorAll('script').length") == 0
    png = browser.screenshot(tmp_path / "crosscheck.png", full_page=False)
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
