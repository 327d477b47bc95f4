"""The pipeline after the model: gold tags in, gold records out (fields, values, sections, offsets)."""
import numpy as np
import pytest

from gktagger.config import PipelineConfig
from gktagger.io.reading import read_path
from gktagger.pipeline import run_stages
from gktagger.record.build import detect_year
from gktagger.tagging.tagger import Prediction
from gktagger.text.body import BodyView
from gktagger.training import annotations as ann
from gktagger.training.data import to_example
from gktagger.training.evaluate import score

DOCS = ann.load_dir(ann.REPO_ROOT / "data" / "annotations" / "corpus")


def oracle_record(d):
    """The record the pipeline builds when the model predicts exactly the gold tags."""
    doc = read_path(ann.corpus_root() / d.document, id=d.document)
    view = BodyView.of(doc.text)
    example = to_example(doc.text, d)
    tags = np.zeros(len(view.norm.text), dtype=np.int64)
    tags[example.offset:example.offset + len(example.tags)] = example.tags
    tags = tags[view.start:view.end]
    pred = Prediction(tags, np.ones(len(tags)), np.zeros(len(tags)))
    return doc, run_stages(doc, view, pred, PipelineConfig()).record()


def test_gold_tags_give_perfect_scores(corpus):
    docs, records = zip(*(oracle_record(d) for d in DOCS))
    scores = score(DOCS, list(records), list(docs))
    for group in ("fields", "sections", "table2", "table3", "table4", "prose"):
        assert scores[group]["f1"] == 1.0, group


@pytest.mark.parametrize("d", DOCS, ids=lambda d: d.name)
def test_oracle_record_follows_the_contract(corpus, d):
    doc, record = oracle_record(d)
    raw = doc.raw  # an HTML page's record indexes its source
    assert record["status"] == "ok" and record["error"] is None
    assert record["format"] == d.format and record["year"] == d.year
    for fid, f in record["fields"].items():
        assert raw[f["start"]:f["end"]] == f["text"]
    gold = [(s["id"], s["title"], s["start"], s["end"]) for s in d.sections()]
    got = [(s["id"], s["start"], s["end"]) for s in record["sections"]]
    assert got == [(i, doc.source_position(start), doc.source_position(end)) for i, _, start, end in gold]
    assert [s["title"] for s in record["sections"]] == [raw[doc.to_source(start, start + len(title))[0]:
                                                            doc.to_source(start, start + len(title))[1]]
                                                        for _, title, start, _ in gold]


@pytest.mark.parametrize("text,year", [
    ("平潭综合实验区2019年度政府信息公开工作年度报告", 2019),
    ("2020年度嵊州市人民政府办公室政府信息公开工作年度报告", 2020),
    ("本报告所列数据的统计期限自2015年1月1日起至2015年12月31日止", 2015),
    ("沭阳县人民政府2025年政府信息公开工作年度报告", 2025),
])
def test_year_detection(text, year):
    assert detect_year(text) == year


def test_fragments_join_only_when_touching_and_never_across_a_tab():
    from gktagger.tagging.tags import TagSpan, merge_fragments

    text = "26451\t1"
    spans = [TagSpan(0, 2, "proactive.total"), TagSpan(2, 4, "proactive.total"),
             TagSpan(4, 5, "t3.new.natural"), TagSpan(6, 7, "t3.new.natural")]
    assert [(s.start, s.end) for s in merge_fragments(spans, text)] == [(0, 4), (4, 5), (6, 7)]


@pytest.mark.parametrize("fields,year,fmt", [
    ({"t3.other_misc.total": 1, "t3.other_no_fee.total": 0, "t2.regulations.issued": 0}, 2022, "2021"),
    ({"t3.other_misc.total": 1}, 2020, "2019"),  # one stray 2021-only tag does not outvote the year
    ({"t2.licensing.change": 1, "t2.penalty.change": 2, "t3.other_processing.total": 0}, None, "2019"),
    ({}, 2015, "legacy"),
    ({}, None, "unknown"),
])
def test_format_detection(fields, year, fmt):
    from gktagger.record.build import detect_format

    assert detect_format(fields, year) == fmt


def test_years_shares_and_document_numbers_are_never_counts():
    from gktagger.decoding.fields import choose_fields
    from gktagger.tagging.tags import TagSpan

    raw = "2015年主动公开政府信息2949条，占19.6%，国务院令第711号"
    at = lambda text, label: TagSpan(raw.index(text), raw.index(text) + len(text), label)
    spans = [at("2015", "proactive.total"), at("2949", "proactive.total"), at("19.6", "requests.received"),
             at("711", "t3.new.total")]
    fields, others = choose_fields(raw, spans)
    assert {k: v["text"] for k, v in fields.items()} == {"proactive.total": "2949"} and not others


def test_a_lone_tagged_character_does_not_hide_a_catalogue_heading():
    """A one-character 'heading' the model tags mid-paragraph is noise: it neither becomes a section
    nor bounds the search for a heading the model missed (pingtan_zhq_2015, seeds/000)."""
    from gktagger.record.build import build_sections, missing_headings
    from gktagger.tagging.tags import TagSpan

    text = "一、概述\n采取措施。\n二、主动公开政府信息情况\n全年主动公开12条。\n三、收到和处理政府信息公开申请情况\n无。"
    spans = [TagSpan(0, 4, "overview", 0.9), TagSpan(text.index("施"), text.index("施") + 1, "problems", 0.5),
             TagSpan(text.index("三"), text.index("情况\n无"), "requests", 0.8)]
    found = missing_headings(text, spans)
    assert [(text[h.start:h.end], h.label) for h in found] == [("二、主动公开政府信息情况", "proactive")]
    sections = build_sections(text, spans + found, len(text))
    assert [s["id"] for s in sections] == ["overview", "proactive", "requests"]


def test_headings_open_a_line_or_follow_their_ordinal_and_take_the_wording_they_carry():
    """A table of contents naming the sections is not a heading; a heading the model names wrongly
    takes the section its wording names (seeds/000, pingtan pages in leave-one-source-out)."""
    from gktagger.record.build import build_sections, missing_headings, settle_headings
    from gktagger.tagging.tags import TagSpan

    text = ("本报告共分6个部分:总体情况、主动公开政府信息情况等。\n一、总体情况\n全年主动公开12条。\n"
            "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n无。")
    at = lambda words, label: TagSpan(text.index(words), text.index(words) + len(words), label, 0.9)
    spans = [at("总体情况", "overview"), at("主动公开政府信息情况\n三", "problems"), at("收到和处理", "requests")]
    settled = settle_headings(text, spans)
    assert [(text[h.start:h.end].split("\n")[0], h.label) for h in settled] == [
        ("二、主动公开政府信息情况", "proactive"), ("三、收到和处理", "requests")]
    found = missing_headings(text, settled)
    sections = build_sections(text, settled + found, len(text))
    assert [(s["id"], s["start"]) for s in sections] == [
        ("overview", text.index("一、")), ("proactive", text.index("二、")), ("requests", text.index("三、"))]
