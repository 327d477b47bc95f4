"""Rows printed as runs of digits that only a row's own constraint can split: legacy 本年度|历年累计 rows
(``legacy`` stage) and 2019 table-2 rows with a signed change (``signed`` stage). Issue 15, items 1 and 6."""
import numpy as np
import pytest

from gktagger.config import PipelineConfig
from gktagger.io.document import Document
from gktagger.pipeline import run_stages
from gktagger.run.batch import Summary
from gktagger.tagging.tagger import Prediction
from gktagger.tagging.tags import spans_to_tags
from gktagger.text.body import BodyView

LEGACY = "某县人民政府2015年政府信息公开工作年度报告\n一、概述\n{prose}五、其他需要报告的事项\n指标名称单位本年度历年累计\n{rows}"
SIGNED = "某县人民政府2019年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（六）项\n信息内容上一年项目数量本年增/减处理决定数量\n{rows}"


def extract(text: str, tagged: list[tuple], disabled: tuple[str, ...] = ()) -> dict:
    """The record of ``text`` as if the model had tagged each (figure, label): the figure's last
    occurrence, or its first with a third item ``"first"``."""
    view = BodyView.of(text)
    body = view.text
    at = [(body.index if t[2:] == ("first",) else body.rindex)(t[0]) for t in tagged]
    spans = [(a, a + len(t[0]), t[1]) for a, t in zip(at, tagged)]
    tags = np.array(spans_to_tags(len(body), spans))
    pred = Prediction(tags, np.ones(len(tags)), np.zeros(len(tags)))
    return run_stages(Document(id="x", text=text), view, pred, PipelineConfig(disabled=disabled)).record()


def test_a_legacy_run_with_one_reading_is_split_to_its_year_figure():
    text = LEGACY.format(prose="", rows="受理申请总数件728\n")  # 7 | 28: 72 | 8 has 本年 > 累计
    entry = extract(text, [("728", "requests.received")])["fields"]["requests.received"]
    assert (entry["value"], entry["text"], entry["by"]) == (7, "7", "split")
    assert entry["cumulative"]["value"] == 28
    assert extract(text, [("728", "requests.received")], ("legacy",))["fields"]["requests.received"]["value"] == 728


def test_a_legacy_run_with_several_readings_gets_no_value_but_its_run_and_candidates():
    text = LEGACY.format(prose="", rows="行政复议数件13832.行政诉讼数件00\n")  # 13 | 83 or 1 | 383, then row 2.
    record = extract(text, [("1383", "t4.review.total")])
    entry = record["fields"]["t4.review.total"]
    assert entry["value"] is None and entry["ambiguous"] and entry["text"] == "1383"
    assert entry["candidates"] == [[13, 83], [1, 383]] and text[entry["start"]:entry["end"]] == "1383"
    assert "cumulative" not in entry
    summary = Summary()
    summary.add(record, len(text))
    assert summary.undecided == {"table4": 1} and "undecided" in summary.table()


def test_the_figure_prose_states_picks_the_reading_of_a_legacy_run():
    text = LEGACY.format(prose="全年主动公开政府信息2915条。\n", rows="主动公开文件数条291574310\n")
    fields = extract(text, [("2915", "proactive.total", "first"), ("291574310", "proactive.total")])["fields"]
    entry = fields["proactive.total"]
    assert (entry["value"], entry["text"], entry["rule"]) == (2915, "2915", "本年 ≤ 累计 and the prose figure")
    alone = LEGACY.format(prose="", rows="主动公开文件数条291574310\n")  # 2915 | 74310, 291 | 574310, …
    assert extract(alone, [("291574310", "proactive.total")])["fields"]["proactive.total"]["value"] is None


def test_a_legacy_table_printed_apart_gives_the_first_figure_and_the_model_tags_there_yield():
    text = LEGACY.format(prose="", rows="主动公开信息数 条 425 1516\n其中：1.网站公开 条 418 1509\n行政诉讼数 件 0 0\n")
    wrong = [("1516", "proactive.total"), ("418", "t4.suit.total")]  # the cumulative column, a row with no field
    fields = extract(text, wrong)["fields"]
    assert {f: (e["value"], e["by"]) for f, e in fields.items()} == {
        "proactive.total": (425, "legacy"), "t4.suit.total": (0, "legacy")}
    assert extract(text, wrong, ("legacy",))["fields"]["proactive.total"]["value"] == 1516


def test_the_next_rows_ordinal_is_no_cell_of_a_legacy_row():
    text = LEGACY.format(prose="", rows="受理申请总数件2812.当面申请数件11\n"  # 2 | 81, then row 2.
                                        "其中：1.同意公开答复数 件 0 1 2、同意部分公开答复数 件 0 0\n")
    fields = extract(text, [])["fields"]
    assert fields["requests.received"]["value"] == 2 and fields["requests.received"]["cumulative"]["value"] == 81
    assert fields["t3.granted.total"]["value"] == 0 and fields["t3.granted.total"]["cumulative"]["value"] == 1
    assert fields["t3.partial.total"]["value"] == 0



def test_a_list_adds_up_to_at_most_its_total_in_both_columns():
    """答复 19 | 231 (1 | 9231 cannot hold 1 + 1 or 15); 部分公开 15 | 105 (1 | 5105 breaks 累计 231)."""
    rows = "对申请的答复总数件19231\n其中：1.同意公开答复数件117\n2.同意部分公开答复数件15105\n行政诉讼数件1241\n"
    fields = extract(LEGACY.format(prose="", rows=rows), [])["fields"]
    assert (fields["t3.partial.total"]["value"], fields["t3.partial.total"]["rule"]) == (15, "本年 ≤ 累计 and its 其中 list")
    assert fields["t3.granted.total"]["value"] == 1
    assert fields["t4.suit.total"]["candidates"] == [[12, 41], [1, 241]]  # no list: nothing to add up
    one_line = rows.replace("\n", "")  # a page whose text has no line breaks between rows
    assert extract(LEGACY.format(prose="", rows=one_line), [])["fields"]["t3.partial.total"]["value"] == 15


def test_a_list_that_adds_up_exactly_under_one_reading_is_read_so():
    """3239 | 38887 = (3047 + 192) | (36592 + 2295); 323 | 938887 with 304 | 736592 and 19 | 22295 keeps
    within its bound but adds up in 本年 only."""
    rows = "主动公开文件数条323938887\n其中：1.政府网站公开数条304736592\n2.政府公报公开数条1922295\n"
    assert extract(LEGACY.format(prose="", rows=rows), [])["fields"]["proactive.total"]["value"] == 3239

def test_a_page_footer_inside_a_table_does_not_end_its_list():
    rows = "对申请的答复总数件10007025\n第 6 页\n其中：1.同意公开答复数件6043642\n2.同意部分公开答复数件65331\n"
    fields = extract(LEGACY.format(prose="", rows=rows), [])["fields"]
    assert fields["t3.granted.total"]["value"] == 604 and fields["t3.partial.total"]["value"] == 65


def test_an_approximate_prose_figure_picks_the_reading_of_its_size():
    text = LEGACY.format(prose="全年主动公开政府信息160多条。\n", rows="主动公开信息数条169694\n")
    fields = extract(text, [("160多", "proactive.total", "first"), ("169694", "proactive.total")])["fields"]
    assert (fields["proactive.total"]["value"], fields["proactive.total"]["rule"]) == (
        169, "本年 ≤ 累计 and the prose figure's size")
    text = LEGACY.format(prose="全年主动公开政府信息约60条。\n", rows="主动公开信息数条169694\n")  # 16 and 169 out of size
    fields = extract(text, [("约60", "proactive.total", "first"), ("169694", "proactive.total")])["fields"]
    assert fields["proactive.total"]["value"] is None

@pytest.mark.parametrize("row,change,readings", [
    ("行政处罚58+2497", "+2497", [[24, 97], [2, 497], [249, 7]]),
    ("行政处罚58减310", "减310", [[-3, 10], [-31, 0]]),
])
def test_a_signed_table2_run_no_identity_decides_gets_no_value_but_candidates(row, change, readings):
    text = SIGNED.format(rows=row + "\n")
    model = [("58", "t2.penalty.prev_items"), (change[:2], "t2.penalty.change"),
             (change[2:], "t2.penalty.decisions")]  # the decoder's one confident split
    fields = extract(text, model)["fields"]
    assert (fields["t2.penalty.prev_items"]["value"], fields["t2.penalty.prev_items"]["text"]) == (58, "58")
    for fid in ("t2.penalty.change", "t2.penalty.decisions"):
        assert fields[fid]["value"] is None and fields[fid]["ambiguous"] and fields[fid]["text"] == change
        assert fields[fid]["candidates"] == readings
    assert extract(text, model, ("signed",))["fields"]["t2.penalty.decisions"]["value"] == int(change[2:])


def test_a_signed_run_with_one_reading_and_the_fees_row_are_read():
    text = SIGNED.format(rows="行政许可7增10\n第二十条第（八）项\n信息内容上一年项目数量本年增/减\n行政事业性收费21+11\n")
    fields = extract(text, [("/", "t2.fees.change")])["fields"]  # the model read the header's 增/减 as an NA cell
    assert {f: e["value"] for f, e in fields.items()} == {
        "t2.licensing.prev_items": 7, "t2.licensing.change": 1, "t2.licensing.decisions": 0,
        "t2.fees.prev_items": 21, "t2.fees.change": 11}


def test_a_table2_row_is_never_read_as_a_table3_cell():
    text = SIGNED.format(rows="行政处罚58+2497\n行政强制12-310\n")
    fields = extract(text, [("12", "t3.granted.total")])["fields"]
    assert "t3.granted.total" not in fields and fields["t2.coercion.prev_items"]["value"] == 12
    assert fields["t2.coercion.change"]["candidates"] == [[-3, 10], [-31, 0]]


def test_a_printed_pair_that_breaks_year_before_cumulative_is_left_as_tagged():
    text = LEGACY.format(prose="", rows="申请总数件56 5\n")  # 56 > 5: not the header's column order
    entry = extract(text, [("5", "requests.received")])["fields"]["requests.received"]
    assert (entry["value"], entry["by"]) == (5, "model")


def test_a_legacy_label_wrapped_over_two_lines_still_names_its_row():
    text = LEGACY.format(prose="", rows="其中：1.同\n意公开答复数件01\n行政诉\n讼数件 2 7\n")
    fields = extract(text, [])["fields"]
    assert fields["t3.granted.total"]["value"] == 0 and fields["t4.suit.total"]["value"] == 2


def test_the_issues_two_examples_with_the_shipped_model():
    from gktagger.api import extract_text
    head = "某县人民政府{}年政府信息公开工作年度报告\n一、总体情况\n本年度工作稳步推进。\n"
    signed = extract_text(head.format(2019) + "二、主动公开政府信息情况\n第二十条第（六）项\n信息内容上一年项目数量本年增/减"
                          "处理决定数量\n行政处罚58+2497\n行政强制12-310\n三、收到和处理政府信息公开申请情况\n无。\n")["fields"]
    assert signed["t2.penalty.prev_items"]["value"] == 58 and signed["t2.coercion.prev_items"]["value"] == 12
    assert all(signed[f]["value"] is None and signed[f]["candidates"] for f in (
        "t2.penalty.change", "t2.penalty.decisions", "t2.coercion.change", "t2.coercion.decisions"))
    assert not any(f.startswith("t3.") for f in signed)
    legacy = extract_text(head.format(2015) + "五、其他需要报告的事项\n附件：政府信息公开情况统计表\n指标名称单位本年度历年累计\n"
                          "主动公开文件数条291574310\n受理依申请公开信息总数件1296\n")["fields"]
    assert legacy["proactive.total"]["candidates"][0] == [2915, 74310] and legacy["proactive.total"]["value"] is None
    assert legacy["requests.received"]["candidates"] == [[12, 96], [1, 296]]


def test_a_traditional_prose_figure_does_not_displace_the_table_cell():
    """``300餘條``: 條 is 条, so the figure is prose and the table's 305 is the value reported (fields.md §5)."""
    text = ("某縣人民政府2016年政府信息公開工作年度報告\n一、概述\n全年主動公開政府信息300餘條。\n"
            "五、其他需要報告的事項\n指標名稱單位本年度歷年累計\n主動公開政府信息數條305 3683\n")
    fields = extract(text, [("300余", "proactive.total", "first"), ("305", "proactive.total")])["fields"]  # (the view is simplified)
    assert (fields["proactive.total"]["value"], fields["proactive.total"].get("prose")) == (305, None)
