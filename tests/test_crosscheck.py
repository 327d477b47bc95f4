"""crosscheck: bodies grouped across title variants, a generated 5-year series flags exactly the edited
pair, duplicates flagged, the CLI, and the real corpus's gold records."""
import json

import pytest

from gktagger.cli import main as cli
from gktagger.record import printed
from gktagger.review.crosscheck import body_name, crosscheck, find_bodies
from gktagger.review.show import gold_record
from gktagger.training.gold_records import gold_records
from gktagger.training.synth.series import series

YEARS = range(2021, 2026)


def fails(lines, status=("fail", "warn")):
    return sorted((tuple(l["years"]), l["rule"], l["scope"]) for l in lines if l["type"] == "pair" and l["status"] in status)


@pytest.fixture(scope="module")
def generated():
    return [(text, doc) for text, doc in series("青山区人民政府", YEARS, seed=11)]


def records_of(generated):
    return [gold_record(doc, text, f"series/{doc.year}.txt") for text, doc in generated]


def test_a_generated_series_is_consistent(generated):
    records = records_of(generated)
    lines = crosscheck(records, find_bodies(records))
    [s] = [l for l in lines if l["type"] == "series"]
    assert s["body"] == "青山区" and [r["year"] for r in s["reports"]] == list(YEARS) and len(s["pairs"]) == 4
    assert fails(lines) == []
    checked = {tuple(l["years"]) for l in lines if l["type"] == "pair" and l["status"] == "pass"
               and l["rule"] == "cross.carried"}
    assert checked == {(y, y + 1) for y in YEARS if y + 1 in YEARS}


def test_one_edited_carried_over_figure_flags_exactly_its_pair(generated):
    records = records_of(generated)
    k, col = next((k, c) for k in (2, 3, 1) for c in ("natural", "commercial", "legal", "other_org", "total")
                  if f"t3.carried_over.{c}" in records[k]["fields"]
                  and f"t3.carried_forward.{c}" in records[k - 1]["fields"])
    last, this = YEARS[k - 1], YEARS[k]
    before = records[k - 1]["fields"][f"t3.carried_forward.{col}"]["value"]
    records[k]["fields"][f"t3.carried_over.{col}"]["value"] = before + 1
    lines = crosscheck(records, find_bodies(records))
    assert fails(lines) == [((last, this), "cross.carried", col)]
    [bad] = [l for l in lines if l["type"] == "pair" and l["status"] == "fail"]
    assert bad["message"] == f"{last} 结转下年度 ({before}) ≠ {this} 上年结转 ({before + 1})"
    assert bad["ids"] == [f"series/{last}.txt", f"series/{this}.txt"]
    assert [last, f"t3.carried_forward.{col}"] in bad["fields"] and [this, f"t3.carried_over.{col}"] in bad["fields"]


def test_2019_items_and_2021_in_force_rules():
    last = {"id": "a", "year": 2019, "format": "2019", "fields": {
        "t2.licensing.prev_items": {"value": 396}, "t2.licensing.change": {"value": -5}}}
    this = {"id": "b", "year": 2020, "format": "2019", "fields": {"t2.licensing.prev_items": {"value": 391}}}
    lines = crosscheck([last, this], {"a": "x", "b": "x"})
    [r] = [l for l in lines if l["type"] == "pair"]
    assert r["status"] == "pass" and r["message"] == "2019 上一年项目数量 (396) + 2019 本年增/减 (-5) = 2020 上一年项目数量 (391)"
    this["fields"]["t2.licensing.prev_items"]["value"] = 400
    assert fails(crosscheck([last, this], {"a": "x", "b": "x"})) == [((2019, 2020), "cross.prev_items", "licensing")]
    last = {"id": "c", "year": 2023, "format": "2021", "fields": {"t2.normative.in_force": {"value": 470}}}
    this = {"id": "d", "year": 2024, "format": "2021", "fields": {
        "t2.normative.issued": {"value": 62}, "t2.normative.repealed": {"value": 33}, "t2.normative.in_force": {"value": 440}}}
    [r] = [l for l in crosscheck([last, this], {"c": "y", "d": "y"}) if l["type"] == "pair"]
    assert r["status"] == "warn"
    assert r["message"] == "2023 现行有效件数 (470) + 2024 本年制发件数 (62) − 2024 本年废止件数 (33) ≠ 2024 现行有效件数 (440)"


TITLES = ["平潭综合实验区2019年政府信息公开工作年度报告",
          "平潭綜合實驗區2020年度政府信息公開工作年度報告",
          "平潭综合实验区 2021 年度 政府信息公开工作年度报告",
          "平潭综合实验区２０２２年政府信息公开工作年度报告",
          "2023年度平潭综合实验区政府信息公开工作年度报告",
          "平潭综合实验区管委会2024年度政府信息公开工作年度报告"]


def test_bodies_are_grouped_across_title_variants():
    names = {body_name(printed.title(t)["body"]) for t in TITLES}
    assert names == {"平潭综合实验区"}
    assert body_name("平潭综合实验区地方税务局") != body_name("平潭综合实验区")
    assert body_name("上海市人民政府办公厅") == "上海市人民政府办公厅"
    records = [{"id": f"r{k}", "status": "ok", "year": 2019 + k, "format": "2019" if k < 2 else "2021",
                "title": printed.title("首页 > 年报 " + t), "fields": {}} for k, t in enumerate(TITLES)]
    lines = crosscheck(records, find_bodies(records))
    [s] = [l for l in lines if l["type"] == "series"]
    assert len(s["reports"]) == 6 and len(s["pairs"]) == 5


def test_duplicates_are_flagged_not_merged():
    mk = lambda i, y, v: {"id": i, "year": y, "format": "2021", "status": "ok",
                          "fields": {"t3.carried_over.total": {"value": v}, "t3.carried_forward.total": {"value": v}}}
    records = [mk("a23", 2023, 1), mk("a24", 2024, 1), mk("b24", 2024, 2)]
    lines = crosscheck(records, {r["id"]: "甲" for r in records})
    [dup] = [l for l in lines if l["type"] == "duplicate"]
    assert dup["year"] == 2024 and dup["ids"] == ["a24", "b24"]
    assert fails(lines) == [((2023, 2024), "cross.carried", "total")]
    assert {tuple(l["ids"]) for l in lines if l["type"] == "pair"} == {("a23", "a24"), ("a23", "b24")}


def test_cli_body_column_from_a_jsonl_corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{y}", "text": "无标题", "org": "甲市"}, ensure_ascii=False) + "\n"
                              for y in (2022, 2023)), encoding="utf-8")
    recs = [{"id": f"d{y}", "source": f"{corpus}:{n}", "status": "ok", "year": y, "format": "2021",
             "fields": {"t3.carried_forward.total": {"value": 2}, "t3.carried_over.total": {"value": 3}}}
            for n, y in ((1, 2022), (2, 2023))]
    (tmp_path / "out.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    assert cli(["crosscheck", "out.jsonl", "-o", "cross.jsonl", "--body-column", "org", "--html", "cross.html"]) == 0
    lines = [json.loads(l) for l in (tmp_path / "cross.jsonl").read_text(encoding="utf-8").splitlines()]
    assert fails(lines) == [((2022, 2023), "cross.carried", "total")]
    assert "2022 结转下年度 (2) ≠ 2023 上年结转 (3)" in (tmp_path / "cross.html").read_text(encoding="utf-8")
    # without the column the records have no title: skipped, one line each
    assert cli(["crosscheck", "out.jsonl", "-o", "cross2.jsonl"]) == 0
    lines = [json.loads(l) for l in (tmp_path / "cross2.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [l["type"] for l in lines] == ["skipped", "skipped"]
    assert cli(["crosscheck", "out.jsonl", "-o", "cross.csv"]) == 2


def test_corpus_gold_series():
    records = gold_records()
    lines = crosscheck(records, find_bodies(records))
    series_ = {l["body"]: l for l in lines if l["type"] == "series"}
    zhq = series_["平潭综合实验区"]
    assert [r["year"] for r in zhq["reports"]] == [2011, 2012, 2014, 2015, 2017, 2018, 2019, 2021, 2023, 2024, 2024]
    assert len(zhq["pairs"]) == 6  # 2023 → each of the two 2024 copies
    [dup] = [l for l in lines if l["type"] == "duplicate"]
    assert dup["ids"] == ["reports/pingtan_zhq_2024.txt", "reports/pingtan_zhq_2024_table.html"]
    assert fails(lines, ("fail",)) == []
    # the warn is in the source: 2023's 470 现行有效 + 62 制发 − 33 废止 is 499, 2024 prints 440 (both copies)
    assert fails(lines) == [((2023, 2024), "cross.in_force", "normative")] * 2


def test_studio_invalid_strategy_takes_cross_year_failures():
    from gktagger.io.document import Document
    from gktagger.studio.push import Candidate, choose, cross_failures

    lines = [{"type": "pair", "status": "fail", "ids": ["a23", "a24"]}, {"type": "pair", "status": "pass", "ids": ["c", "d"]},
             {"type": "pair", "status": "warn", "ids": ["e", "f"]}]
    cross = cross_failures(lines)
    assert cross == {"a23": 1, "a24": 1}
    docs = [Candidate(Document(i, "x"), record={"checks": []}, cross_failures=cross.get(i, 0)) for i in ("a23", "c", "a24")]
    assert [c.doc.id for c in choose(docs, None, "invalid")] == ["a23", "a24"]


def test_hostile_records_are_placed_or_skipped_never_crash():
    from gktagger.review.crosspage import render_crosscheck

    records = [
        {"id": "a", "status": "ok", "year": "2020", "format": "2021", "fields": {}},        # year not a number
        {"id": "b", "status": "ok", "year": True, "format": "2021", "fields": {}},          # bool is no year
        {"id": "c", "status": "error", "error": "unreadable", "fields": {}},
        {"id": "d", "status": "ok", "year": 2020, "format": "2021", "title": "not a dict",
         "fields": {"t3.carried_forward.total": "3", "t3.new.total": {"value": "x"}}},
        {"id": "e", "status": "ok", "year": 2021, "format": "2021", "title": {"body": "<script>alert(1)</script>甲"},
         "fields": {"t3.carried_over.total": {"value": 2, "split": "inferred"}}},
    ]
    bodies = find_bodies(records[:4] + [records[4]])
    bodies["d"] = bodies["e"]
    lines = crosscheck(records, bodies)
    assert sorted(l["id"] for l in lines if l["type"] == "skipped") == ["a", "b", "c"]
    [pair] = [l for l in lines if l["type"] == "pair"]
    assert pair["status"] == "unknown" and pair["inferred_inputs"] == [[2021, "t3.carried_over.total"]]
    html = render_crosscheck(lines, "x.jsonl")
    assert "<script>" not in html and "&lt;script&gt;" in html
