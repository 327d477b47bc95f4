"""The synthetic report generator: exact labels, valid identities, every variant produced."""
from __future__ import annotations

import time

import pytest

from gktagger.annotations import gold_values, sha256_text
from gktagger.identities import check_tables
from gktagger.schema import FIELDS, SECTIONS
from gktagger.values import parse_value
from training.synth import LAYOUTS, SynthOptions, generate

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
    assert {d.notes.split("layout=")[1].split()[0] for _, d in sample} == set(LAYOUTS)
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


def test_speed():
    t = time.perf_counter()
    n = sum(1 for _ in generate(100, seed=5, layouts=TEXT_LAYOUTS))
    assert n / (time.perf_counter() - t) > 100
