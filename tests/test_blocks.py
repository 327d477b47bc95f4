"""Figures printed alone, decided by the table identities (``decoding/blocks.py``), on synthetic rows."""
from gktagger.api import extract_text
from gktagger.decoding.blocks import T3_ROW_SHAPE, decided_cells, figure_runs, readings
from gktagger.record.validate import basis
from gktagger.tagging.tags import TagSpan

T4_HEADER = "四、行政复议、行政诉讼情况\n行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计\n"


def no_score(s, e, label):
    return 0.0


def placed(body, spans=()):
    return [(body[s.start:s.end], s.label) for s in decided_cells(body, list(spans), no_score)]


def test_table4_run_together_is_split_into_its_15_cells():
    body = T4_HEADER + "14251224100520103\n五、存在的主要问题"
    cells = placed(body)
    assert [c for c, _ in cells] == "14 2 5 1 22 4 1 0 0 5 2 0 1 0 3".split()
    assert cells[5] == ("4", "t4.suit_direct.upheld") and cells[-1] == ("3", "t4.suit_after_review.total")


def test_table4_one_figure_per_line_takes_the_template_order_over_the_models_tags():
    body = T4_HEADER + "\n".join("15 2 2 2 21 7 0 0 3 10 0 0 0 0 0".split())
    wrong = [TagSpan(body.index("21"), body.index("21") + 2, "t4.suit_direct.total")]
    cells = dict((f, c) for c, f in placed(body, wrong))
    assert cells["t4.review.total"] == "21" and cells["t4.suit_direct.total"] == "10"


def test_a_separated_number_is_one_cell():
    body = "三、本年度办理结果\n（一）予以公开 1203 17 0 0 41 2 1263\n"
    start = body.index("1203")
    cells = placed(body, [TagSpan(start, start + 1, "t3.granted.natural")])
    assert cells == [("1203", "t3.granted.natural"), ("17", "t3.granted.commercial"), ("0", "t3.granted.research"),
                     ("0", "t3.granted.social"), ("41", "t3.granted.legal"), ("2", "t3.granted.other_org"),
                     ("1263", "t3.granted.total")]


def test_a_table3_run_gets_the_cell_count_its_sum_decides_not_the_models():
    body = "（四）无法提供 1.本机关不掌握相关政府信息2400001252.没有现成信息"
    start = body.index("24")
    cells = placed(body, [TagSpan(start, start + 4, "t3.unable_not_held.natural"),
                          TagSpan(start + 4, start + 9, "t3.unable_not_held.total")])
    assert [c for c, _ in cells] == ["24", "0", "0", "0", "0", "1", "25"]  # the 2 of "2.没有" numbers the next row
    assert cells[-1][1] == "t3.unable_not_held.total"


def test_ambiguous_broken_or_unnamed_figures_are_left_as_they_were():
    assert len(readings(("1030212146",), T3_ROW_SHAPE, 7)) == 2  # 1,0,3,0,21,21,46 or 1,0,30,2,12,1,46
    span = [TagSpan(8, 18, "t3.new.natural")]
    for body in ("一、本年新收申请1030212146二、",  # two readings
                 "一、本年新收申请1030212147二、"):  # none: the sum breaks
        assert placed(body, span) == [(body[8:18], "t3.new.natural")]
    assert placed(T4_HEADER.replace("复议", "").replace("诉讼", "") + "14251224100520103") == []  # no table-4 header
    assert placed("一、本年新收申请640020470二、") == []  # no model tag says which row


def test_prose_figures_are_no_table_figures():
    assert figure_runs("收到申请15件，办结2件") == []


def test_a_sum_the_step_used_is_inferred_in_the_record():
    assert basis("t4.sum", ["t4.review.total"], {"t4.review.total": {"by": "blocks"}}) == "inferred"
    text = ("某区人民政府2021年政府信息公开工作年度报告\n" + T4_HEADER + "14251224100520103\n五、存在的主要问题及改进情况\n无。")
    record = extract_text(text)
    t4 = {k: v["value"] for k, v in record["fields"].items() if k.startswith("t4.")}
    assert t4["t4.review.total"] == 22 and t4["t4.suit_direct.total"] == 5 and t4["t4.suit_after_review.other"] == 1
    sums = [c for c in record["checks"] if c["rule"] == "t4.sum"]
    assert sums and all(c["status"] == "pass" and c["basis"] == "inferred" for c in sums)
