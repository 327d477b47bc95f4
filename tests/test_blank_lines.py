"""Empty cells of a table printed one cell per line (``text/blanklines.py``): an empty line is an
empty cell only where the page prints its cells one line apart."""
from __future__ import annotations

from gktagger.text.body import BodyView

ROWS = "二、上年结转政府信息公开申请数量\n0\n0\n\n\n\n0\n0\n（一）予以公开\n4\n0\n0\n2\n\n0\n6\n本报告如下。\n"


def test_empty_lines_between_figures_printed_one_per_line_are_blank_cells():
    view = BodyView.of(ROWS)
    assert view.text.count("\n") == ROWS.count("\n") - 4  # normalisation folded the empty lines
    blanks = view.blank_lines()
    assert [view.text[p - 1] for p in blanks] == ["0", "0", "0", "2"]
    assert len(set(blanks)) == 2


def test_a_row_label_right_above_a_figure_shows_the_spacing_of_a_sparse_table():
    """No two figures stand on neighbouring lines; the row labels next to them do."""
    page = "一、本年新收政府信息公开申请数量\n3\n\n\n\n\n\n3\n二、上年结转政府信息公开申请数量\n0\n\n\n\n\n\n0\n"
    view = BodyView.of(page)
    assert [view.text[p - 1] for p in view.blank_lines()] == ["3"] * 5 + ["0"] * 5

def test_a_page_separating_every_cell_by_an_empty_line_shows_a_blank_cell_by_two_more_line_breaks():
    single, double = BodyView.of(ROWS), BodyView.of(ROWS.replace("\n", "\n\n"))
    assert double.text == single.text and double.blank_lines() == single.blank_lines()


def test_an_odd_gap_between_cells_two_line_breaks_apart_is_no_blank_cell():
    page = "二、上年结转政府信息公开申请数量\n\n0\n\n0\n\n\n0\n\n0\n"
    assert BodyView.of(page).blank_lines() == []


def test_empty_lines_around_prose_are_no_blank_cells():
    page = "一、总体情况\n\n本年度工作。\n\n共收到申请\n\n3\n\n件。\n"
    assert BodyView.of(page).blank_lines() == []


def test_the_decoder_gives_the_blank_lines_their_columns():
    """Row 二 of table 3 printed 0 0 (three empty) 0 0: the last two figures are 其他 and 总计."""
    from gktagger.extract import Extractor
    from gktagger.io.document import Document

    header = "申请人情况\n自然人\n法人或其他组织\n总计\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n"
    text = ("2022年度某某局政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + header +
            "一、本年新收政府信息公开申请数量\n3\n1\n0\n0\n0\n0\n4\n二、上年结转政府信息公开申请数量\n2\n0\n\n\n\n0\n2\n"
            "三、本年度办理结果\n（一）予以公开\n5\n1\n0\n0\n0\n0\n6\n")
    fields = Extractor().extract([Document(id="x", text=text)])[0]["fields"]
    assert fields["t3.carried_over.other_org"]["value"] == 0 and fields["t3.carried_over.total"]["value"] == 2
