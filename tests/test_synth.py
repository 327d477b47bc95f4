"""The synthetic report generator: exact labels, valid identities, every variant produced."""
from __future__ import annotations

import itertools
import re

import pytest

from gktagger.decoding.values import parse_value
from gktagger.identities import check_tables
from gktagger.schema import FIELDS, SECTIONS
from gktagger.training.annotations import gold_values, sha256_text
from gktagger.training.synth import LAYOUTS, SynthOptions, generate
from gktagger.training.synth.options import HELD_OUT_LAYOUTS

TEXT_LAYOUTS = tuple(l for l in LAYOUTS if l != "html")


@pytest.fixture(scope="module")
def sample():
    return list(generate(300, seed=7))


def test_spans_match_text_and_parse(sample):
    for text, doc in sample:
        assert doc.sha256 == sha256_text(text)
        assert doc.check(text) == []
        for s in doc.spans:
            assert text[s.start:s.end] == s.text, (doc.document, s)
            if s.label in SECTIONS:
                assert s.text.strip() == s.text and s.text
            else:
                assert parse_value(s.text, FIELDS[s.label].kind) is not None, (doc.document, s)


def test_spans_do_not_overlap_and_stay_in_body(sample):
    for text, doc in sample:
        spans = sorted(doc.spans, key=lambda s: s.start)
        for a, b in zip(spans, spans[1:]):
            assert a.end <= b.start, (doc.document, a, b)
        start, end = doc.body
        assert 0 <= start < end <= len(text)
        assert all(start <= s.start and s.end <= end for s in spans), doc.document


def test_identities_hold(sample):
    for _, doc in sample:
        failures = [o for o in check_tables({k: v.value for k, v in gold_values(doc).items()}, doc.format)
                    if o.status == "fail"]
        assert failures == [], (doc.document, failures)


def test_every_format_and_layout_appears(sample):
    assert {d.format for _, d in sample} == {"2021", "2019", "legacy"}
    assert {d.notes.split("layout=")[1].split()[0] for _, d in sample} == set(LAYOUTS) - set(HELD_OUT_LAYOUTS)
    layouts = {l: list(generate(3, seed=2, layouts=(l,))) for l in TEXT_LAYOUTS}
    assert all(len(docs) == 3 for docs in layouts.values())
    flat = layouts["flat"][0][0]
    assert "\n" not in flat[layouts["flat"][0][1].body[0]:layouts["flat"][0][1].body[1]]


def test_table_reports_have_full_tables(sample):
    full = [d for _, d in sample if d.format == "2021" and sum(s.label.startswith("t3.") for s in d.spans) >= 150]
    assert full, "no 2021 report with a labelled table 3"
    labels = {s.label for s in full[0].spans}
    assert {"t3.other_misc.total", "t4.suit_after_review.total", "t2.fees.amount"} <= labels
    assert any("t2.procurement.amount" in {s.label for s in d.spans} for _, d in sample if d.format == "2019")


def test_sections_in_order_with_overview_first(sample):
    for text, doc in sample:
        sections = doc.sections()
        if doc.format != "legacy":
            assert [s["id"] for s in sections] == ["overview", "proactive", "requests", "appeals", "problems", "other"]
        assert sections[-1]["end"] == doc.body[1]


def test_reproducible():
    a = [(t, d.to_json()) for t, d in generate(20, seed=11)]
    b = [(t, d.to_json()) for t, d in generate(20, seed=11)]
    c = [(t, d.to_json()) for t, d in generate(20, seed=12)]
    assert a == b and a != c
    assert a[:5] == [(t, d.to_json()) for t, d in generate(5, seed=11)]


def test_repeated_bodies_label_only_first_copy():
    opts = SynthOptions(p_repeat=1.0)
    for text, doc in generate(10, seed=3, options=opts, layouts=TEXT_LAYOUTS):
        start, end = doc.body
        assert text.count(text[start:end]) >= 2
        assert all(s.end <= end for s in doc.spans)


def test_variants_appear():
    opts = SynthOptions(p_traditional=1.0, p_pinyin=1.0, p_fullwidth=1.0)
    text, doc = next(generate(1, seed=4, options=opts, layouts=("lines",)))
    assert "(" in text and any("０" <= ch <= "９" for ch in text)
    assert any(w in text for w in ("報告", "情況", "總體", "據"))


def _table_spans(doc):
    return [s for s in sorted(doc.spans, key=lambda s: s.start) if s.label in FIELDS and not s.prose]


def _template(fmt):
    return [f.id for f in FIELDS.values() if f.group in ("table2", "table3", "table4") and fmt in f.formats]


def test_minitables_cells_carry_their_template_fields():
    opts = SynthOptions(p_tables_missing=0.0, p_repeat=0.0, p_traditional=0.0)
    docs = list(generate(30, seed=9, formats=("2021", "2019"), layouts=("minitables",), options=opts))
    for text, doc in docs:
        cells = _table_spans(doc)
        assert all(text[s.start:s.end] == s.text for s in cells)
        assert all(text[s.start - 2:s.start] == "| " and text[s.end:].startswith((" |", "万元 |")) for s in cells), doc.document
        labels = [s.label for s in cells]
        assert labels == [f for f in _template(doc.format) if f in set(labels)], doc.document
        assert "\n### 行政复议\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n" in text
        if "### 申请人情况 (自然人)" in text:  # placeholder header tables: their '-' cells are not NA marks
            assert all(s.start > text.index("### 一、本年新收") for s in cells if s.label.startswith("t3."))
    texts = [t for t, _ in docs]
    assert any("| 类别 | 数据1 | 数据2 |" in t for t in texts)
    assert any("| 类别 | 自然人 | 商业企业 |" in t for t in texts)
    assert any("| 项目 | 本年新收件数 | 上年结转件数 |" in t for t in texts)  # wrong header over the last rows
    assert any("### (三) 不予公开\n" in t or "### （三）不予公开\n" in t for t in texts)


def test_minitables_without_blanks_label_the_whole_template():
    opts = SynthOptions(p_tables_missing=0.0, p_blank_zeros=0.0)
    for text, doc in generate(6, seed=10, formats=("2021", "2019"), layouts=("minitables",), options=opts):
        assert [s.label for s in _table_spans(doc)] == _template(doc.format)


def test_blank_total_column_of_result_rows():
    from gktagger.identities import t3_result_rows

    opts = SynthOptions(p_blank_zeros=1.0, p_blank_totals=1.0, p_tables_missing=0.0, p_repeat=0.0, p_traditional=0.0)
    for layout in ("tabs", "html"):
        for text, doc in generate(4, seed=13, formats=("2021",), layouts=(layout,), options=opts):
            labels = {s.label for s in _table_spans(doc)}
            assert not labels & {f"t3.{row}.total" for row in t3_result_rows("2021")}
            row = next(line for line in text.splitlines() if "（一）予以公开\t" in line)
            assert row.endswith("\t") and len(row.split("\t")) == 9, (layout, row)  # empty cells keep their place
            outcomes = check_tables({k: v.value for k, v in gold_values(doc).items()}, doc.format)
            assert not [o for o in outcomes if o.status == "fail"]
            assert {o.status for o in outcomes if o.rule == "t3.results" and o.scope == "total"} <= {"unknown"}


def test_prose_only_reports_state_appeals_and_requests():
    opts = SynthOptions(p_tables_missing=1.0, p_repeat=0.0, p_traditional=0.0)
    seen = set()
    for text, doc in generate(40, seed=17, formats=("2021", "2019"), options=opts):
        spans = [s for s in sorted(doc.spans, key=lambda s: s.start) if s.label in FIELDS]
        assert all(s.prose for s in spans)
        assert not [s for s in spans if s.label.startswith(("t2.", "t4.suit_"))]
        by_label = {s.label: s for s in spans}
        seen |= set(by_label)
        review, suit = by_label.get("t4.review.total"), by_label.get("t4.suit.total")
        if review and suit:  # one sentence: 行政复议 with its results, then 行政诉讼 with its results
            assert review.start < suit.start and "行政诉讼" in text[review.end:suit.start]
            assert all(review.end < s.start < suit.start for s in spans if s.label.startswith("t4.review.")
                       and s is not review)
            assert all(suit.end < s.start < suit.end + 80 for s in spans if s.label.startswith("t4.suit.")
                       and s is not suit)
    assert {"requests.received", "proactive.total", "t3.carried_forward.total", "t4.review.upheld",
            "t4.review.pending", "t4.suit.total", "t4.suit.corrected"} <= seen


def test_held_out_layouts_are_never_drawn_for_training_but_generate_exactly():
    assert set(HELD_OUT_LAYOUTS) <= set(LAYOUTS)
    assert all(SynthOptions().layout_weights.get(l, 0) == 0 for l in HELD_OUT_LAYOUTS)
    for text, doc in generate(16, seed=9, layouts=HELD_OUT_LAYOUTS):  # their shapes: tests/test_layout_families.py
        assert doc.spans and all(text[s.start:s.end] == s.text for s in doc.spans)
    for text, doc in generate(4, seed=9, layouts=("pdfrows",)):
        tables = any(FIELDS[s.label].group == "table3" and not s.prose for s in doc.spans if s.label in FIELDS)
        assert re.search(r"\S \d+ \d+ \d+$", text, re.M) or not tables  # a row's figures after its label


def test_pdf_rows_print_a_legacy_table_in_its_column_order():
    """本年度 then 历年累计, each a figure of its own after the label and unit (the 累计 used to be glued to the label)."""
    rows = 0
    for text, doc in generate(30, seed=2024, layouts=("pdfrows",)):
        for s in doc.spans:
            line = text[text.rfind("\n", 0, s.start) + 1:text.find("\n", s.end)]
            if doc.format == "legacy" and not s.prose and s.label in FIELDS:
                assert re.fullmatch(rf"[^ ]+ {re.escape(s.text)} \d+", line), line
                rows += 1
    assert rows > 20


def test_a_legacy_tables_running_totals_add_up_as_its_year_figures_do():
    """A 其中 list's 历年累计 figures add up to at most its total's (they used to be drawn row by row, so
    a part's running total could exceed its total's, which no page prints), the channels' exactly, and
    its 本年 figures to at most its total's (a 否决 answer used to be drawn past it). The held-out layouts
    print such tables; the training recipe keeps the old ones, so its data stays the shipped model's."""
    import random

    from gktagger.training.synth.options import family_options
    from gktagger.training.synth.tables import CellStyle, legacy_table
    assert family_options(SynthOptions(), "legacyruns").legacy_totals_add_up
    assert not family_options(SynthOptions(), "lines").legacy_totals_add_up and not SynthOptions().legacy_totals_add_up
    lists = 0
    for seed in range(40):
        rng = random.Random(seed)
        received = rng.randint(0, 400)
        values = {"proactive.total": rng.randint(0, 3000), "requests.received": received, "t3.granted.total":
                  received // 2, "t3.partial.total": received - received // 2, "t4.review.total": 1, "t4.suit.total": 0}
        grid = legacy_table(rng, 2015, values, CellStyle(rng, SynthOptions(legacy_totals_add_up=True)))
        figure = lambda cell: getattr(parse_value(cell.text), "value", None) or 0  # (a blank or NA cell: none)
        rows = [(row[0].text, figure(row[2]), int(row[3].text)) for row in grid[1:]]
        for i, (name, _, _) in enumerate(rows):
            if name.startswith("其中"):
                items = [rows[i]] + list(itertools.takewhile(lambda r: re.match(r"\d\.", r[0]), rows[i + 1:]))
                (total, year, running), parts = rows[i - 1], sum(r[2] for r in items)
                assert parts == running if total != "对申请的答复总数" else parts <= running, (rows[i - 1], items)
                assert sum(r[1] for r in items) <= year, (rows[i - 1], items)
                lists += 1
    assert lists == 120
