"""Table-2 rows whose cells run together without a sign (``decoding/table2.py``), and figures with a unit."""
from gktagger.decoding.decode import _cuts
from gktagger.decoding.table2 import run_together_rows
from gktagger.tagging.tags import TagSpan

HEADER_2021 = "信息内容 本年制发件数 本年废止件数 现行有效件数\n"
HEADER_2019 = "信息内容 上一年项目数量 本年增/减 处理决定数量\n"


def test_a_run_no_identity_decides_is_undecided_for_every_cell_of_its_row():
    text = HEADER_2021 + "规章000行政规范性文件46117380第二十条第（五）项"
    rows = run_together_rows(text, "2021")
    undecided = {s.label: (text[s.start:s.end], readings) for s, readings in rows.undecided}
    assert set(undecided) == {"t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force"}
    run, readings = undecided["t2.normative.repealed"]
    assert run == "46117380" and [46, 117, 380] in readings and [4, 611, 7380] in readings
    assert [(text[s.start:s.end], s.label) for s in rows.spans] == [
        ("0", "t2.regulations.issued"), ("0", "t2.regulations.repealed"), ("0", "t2.regulations.in_force")]


def test_a_2019_row_reads_its_own_columns_and_replaces_the_models_cuts():
    text = HEADER_2019 + "行政许可12417其他对外管理服务事项000"
    rows = run_together_rows(text, "2019")
    assert {s.label for s, _ in rows.undecided} == {"t2.licensing.prev_items", "t2.licensing.change",
                                                    "t2.licensing.decisions"}
    at = text.index("12417")
    model = [TagSpan(at, at + 1, "t2.licensing.prev_items"), TagSpan(at + 1, at + 5, "t2.licensing.decisions")]
    assert rows.replace(text, model) == rows.spans  # the model's guess at the cuts is gone
    assert [s.label for s in rows.spans] == ["t2.other_services.prev_items", "t2.other_services.change",
                                             "t2.other_services.decisions"]


def test_separated_signed_prose_one_cell_and_amount_rows_are_left_alone():
    for text in ("规章 0 0 0", "规章 | 22 | 235 |", "行政处罚58+2497", "规章3件", "行政许可5"):
        rows = run_together_rows(text, "2021" if "处罚" not in text else "2019")
        assert not rows.spans and not rows.undecided, text
    assert not run_together_rows("政府集中采购1357539", "2019").undecided  # items + a decimal amount
    assert not run_together_rows("规章000", None).spans  # no template: nothing to read


def test_a_number_printed_between_units_is_never_cut():
    body = "政府集中采购1个318400元"
    at = body.index("318400")
    assert _cuts(body, at, at + 6) == []
    assert _cuts("政府集中采购1318400", 6, 13) != []  # without its unit, a run the decoder may cut
    assert _cuts("政府集中采购24668102531.75元", 6, 20) != []  # items and amount run together before one unit
