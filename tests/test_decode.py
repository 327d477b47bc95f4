"""Constrained decoding: table cells take template fields in reading order."""
import re

import numpy as np
import pytest

from gktagger.config import DecoderConfig, PipelineConfig
from gktagger.decoding.decode import align_cells, decode_tables
from gktagger.decoding.realign import realign_rows
from gktagger.io.document import Document
from gktagger.pipeline import Extraction, decode, realign
from gktagger.record.build import detect_format, detect_year
from gktagger.schema import FIELDS, template
from gktagger.tagging.tagger import Prediction, value_mask
from gktagger.tagging.tags import LABEL_IDS, LABELS, OUTSIDE, TagSpan, spans_to_tags, tags_to_spans
from gktagger.text.body import BodyView
from gktagger.training.annotations import REPO_ROOT
from gktagger.training.data import corpus_examples, synthetic_examples

COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
RESULTS = ("upheld", "corrected", "other", "pending", "total")
ROW = [f"t3.granted.{c}" for c in ("natural", "commercial", "research", "social", "legal", "other_org", "total")]


def emissions(text: str, tags: list[int], p: float = 0.9):
    """Near one-hot log-probabilities for ``tags`` at every value character."""
    positions = np.nonzero(value_mask(text))[0]
    logp = np.full((len(positions), len(LABELS)), np.log((1 - p) / (len(LABELS) - 1)), dtype=np.float32)
    logp[np.arange(len(positions)), np.array(tags)[positions]] = np.log(p)
    return positions, logp


def spans(tags) -> set:
    return {(s.start, s.end, s.label) for s in tags_to_spans(list(tags))}


def retagged(text: str, tags, positions, logp) -> tuple[np.ndarray, str | None]:
    """Tags after the decoder and realign: its cells in place of the numbers it re-tags, and its format."""
    tags = np.array(tags)
    d = decode_tables(text, tags, positions, logp)
    if d is None:
        return tags, None
    cells, _ = realign_rows(text, d.cells, template(d.format), d.format)
    for s, e in d.replaced:
        tags[s:e] = OUTSIDE
    for s, e, f in cells:
        if s < e:
            tags[s], tags[s + 1:e] = LABEL_IDS["B-" + f], LABEL_IDS["I-" + f]
    return tags, d.format


def decoded(example) -> np.ndarray:
    tags = np.array(example.tags)
    positions, logp = emissions(example.text, example.tags)
    fields = {s.label: None for s in tags_to_spans(example.tags) if s.label in FIELDS}
    if detect_format(fields, detect_year(example.text)) == "legacy":
        return tags
    return retagged(example.text, tags, positions, logp)[0]


@pytest.mark.usefixtures("corpus")
def test_every_real_report_prints_its_tables_in_template_order():
    """Gold tags survive decoding on every annotated real page (one prints table 2 out of order:
    it costs a restart, not its cells)."""
    examples = corpus_examples([REPO_ROOT / "data/annotations/corpus"])
    assert len(examples) >= 21
    for ex in examples:
        assert spans(decoded(ex)) == spans(ex.tags), ex.document


def test_every_synthetic_layout_prints_its_tables_in_template_order():
    for ex in synthetic_examples(80, seed=5):
        assert spans(decoded(ex)) == spans(ex.tags), ex.document


def test_blank_cells_give_the_values_their_columns():
    text = "（一）予以公开\t258\t12\t\t\t1\t1\t\n"
    positions = np.nonzero(value_mask(text))[0]
    logp = np.full((len(positions), len(LABELS)), -12.0, dtype=np.float32)
    logp[:, OUTSIDE] = np.log(0.1)
    for f in ROW:  # the model knows the row, not the column
        logp[:, LABEL_IDS["B-" + f]] = logp[:, LABEL_IDS["I-" + f]] = np.log(0.12)
    cells = align_cells(text, np.zeros(len(text), dtype=np.int64), positions, logp, ROW)
    assert [(text[s:e], f.split(".")[-1]) for s, e, f in cells] == [
        ("258", "natural"), ("12", "commercial"), ("1", "legal"), ("1", "other_org")]


def test_a_number_alone_in_its_cell_is_never_split():
    text = "| 予以公开 | 252 | 12 |"
    tags = spans_to_tags(len(text), [(9, 10, ROW[0]), (10, 12, ROW[1]), (15, 17, ROW[2])])  # the model splits 252
    positions, logp = emissions(text, tags)
    cells = align_cells(text, np.zeros(len(text), dtype=np.int64), positions, logp, ROW)
    assert [text[s:e] for s, e, _ in cells] == ["252", "12"]


def test_run_together_digits_are_split_into_cells():
    text = "予以公开640020470（二）"
    cells = [(4, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 13)]
    tags = spans_to_tags(len(text), [(s, e, f) for (s, e), f in zip(cells, ROW)])
    positions, logp = emissions(text, tags, p=0.5)
    out = align_cells(text, np.zeros(len(text), dtype=np.int64), positions, logp, ROW)
    assert [(s, e) for s, e, _ in out] == cells


def test_prose_figures_keep_the_model_tags():
    text = "共收到申请41件。\n予以公开\t7\n"
    tags = spans_to_tags(len(text), [(5, 7, "t3.new.total"), (15, 16, "t3.granted.total")])
    positions, logp = emissions(text, tags)
    new, _ = retagged(text, tags, positions, logp)
    assert spans(new) == spans(tags)  # the prose figure is untouched, the cell kept


def test_the_template_that_fits_is_chosen():
    text = "其他处理\t3\n总计\t9\n"
    for fmt, label in (("2019", "t3.other_processing.total"), ("2021", "t3.other_misc.total")):
        tags = spans_to_tags(len(text), [(5, 6, label), (10, 11, "t3.total.total")])
        positions, logp = emissions(text, tags, p=0.6)
        new, chosen = retagged(text, np.zeros(len(text), dtype=np.int64), positions, logp)
        assert chosen == fmt and spans(new) == spans(tags)


def test_template_lists_each_table_cell_once_in_catalogue_order():
    for fmt in ("2021", "2019"):
        order = template(fmt)
        assert len(order) == len(set(order))
        assert [f for f in FIELDS if f in set(order)] == order
        assert {FIELDS[f].group for f in order} == {"table2", "table3", "table4"}


def test_legacy_reports_keep_the_model_tags():
    text = "2015年政府信息公开工作年度报告\n受理申请总数\t7\n"
    view = BodyView.of(text)
    tags = np.array(spans_to_tags(len(view.text), [(view.text.index("7"), view.text.index("7") + 1, "t3.new.natural")]))
    positions, logp = emissions(view.text, tags)
    pred = Prediction(tags, np.ones(len(tags), dtype=np.float32), np.zeros(len(tags), dtype=np.float32), positions, logp)
    for year, decoded in ((2015, False), (2021, True)):
        x = Extraction(Document(id="x", text=text), view, pred, PipelineConfig(), year=year)
        decode(x)
        assert (x.decoded is not None) == decoded


def test_realign_says_which_cells_it_moved():
    text = "(六)其他处理\n(七)总计\t767\t35\t\t\t2\t1\t805\n"  # the empty row's blanks folded into its line break
    view = BodyView.of(text)
    order = template("2019")
    start = order.index("t3.other_processing.natural")
    tabs = [i for i, c in enumerate(text) if c == "\t"]
    figures = [(m.start(), m.end()) for m in re.finditer(r"\d+", text)]
    read = [(text.index("\n"),) * 2] * 6 + figures[:2] + [(tabs[2] + 1,) * 2, (tabs[3] + 1,) * 2] + figures[2:]
    x = Extraction(Document(id="x", text=text), view, None, PipelineConfig())
    from gktagger.decoding.decode import Decoded
    x.decoded = Decoded("2019", [(s, e, order[start + k]) for k, (s, e) in enumerate(read)], [])
    realign(x)
    moved = {c[2]: c[3:] for c in x.decoded.cells if len(c) > 3}
    assert moved["t3.total.natural"] == ("realign", "row moved +1 in the template")
    assert len(moved) == 7


def test_blank_cells_folded_into_a_line_break_still_take_their_columns():
    raw = "1.属于国家秘密\t14\t\t\t\t\t\t\n2.其他法律\t3\t\t\t\t\t\t\n"
    view = BodyView.of(raw)
    body = view.text
    assert body == "1.属于国家秘密\t14\n2.其他法律\t3\n"
    blanks = view.folded_blanks()
    ends = [i for i, c in enumerate(body) if c == "\n"]
    assert blanks == [ends[0]] * 6 + [ends[1]] * 6
    columns = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
    order = [f"t3.denied_{row}.{c}" for row in ("secret", "law") for c in columns]
    positions = np.nonzero(value_mask(body))[0]
    logp = np.full((len(positions), len(LABELS)), -12.0, dtype=np.float32)
    logp[:, OUTSIDE] = np.log(0.01)
    for f in order:  # the model knows the rows and leans to their totals
        logp[:, LABEL_IDS["B-" + f]] = logp[:, LABEL_IDS["I-" + f]] = -1.5 if f.endswith("total") else -2.5
    zeros = np.zeros(len(body), dtype=np.int64)
    for given, column in (((), "total"), (blanks, "natural")):
        cells = align_cells(body, zeros, positions, logp, order, blanks=given)
        assert [(body[s:e], f) for s, e, f in cells] == [
            ("14", f"t3.denied_secret.{column}"), ("3", f"t3.denied_law.{column}")]


def test_row_numbers_and_dates_are_not_cells():
    from gktagger.decoding.decode import numbers

    body = "1.属于国家秘密00000002.其他法律\n2019年\n5、重复申请\t3\n| 3. 其他 | 142 |"
    tokens = [body[s:e] for s, e in numbers(body, np.zeros(len(body), dtype=np.int64))]
    assert tokens == ["0000000", "3", "142"]
    assert [body[s:e] for s, e in numbers(body, np.zeros(len(body), dtype=np.int64), with_marks=True)] == [
        "1", "00000002", "5", "3", "3", "142"]  # what the decoder clears before it re-tags


def _leaning(body: str, order: list[str], lean: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Emissions of a model that knows the table but not the columns: every field of ``order`` at
    -2.5 (``lean`` overrides some) and untagged at log 0.01, at every value character."""
    positions = np.nonzero(value_mask(body))[0]
    logp = np.full((len(positions), len(LABELS)), -12.0, dtype=np.float32)
    logp[:, OUTSIDE] = np.log(0.01)
    for f in order:
        logp[:, LABEL_IDS["B-" + f]] = logp[:, LABEL_IDS["I-" + f]] = lean.get(f, -2.5)
    return positions, logp


def _first_row_known(body: str, order: list[str], row: str) -> tuple[np.ndarray, np.ndarray]:
    """Emissions of a model that reads the first line's label (``row``, sure of it) and calls every later
    line no cells, spreading what doubt it has evenly over ``order``."""
    positions, logp = _leaning(body, order, {f: -0.1 if f".{row}." in f else -12.0 for f in order})
    later = positions > body.index("\n")
    logp[later, OUTSIDE] = np.log(0.99)
    for f in order:
        logp[later, LABEL_IDS["B-" + f]] = logp[later, LABEL_IDS["I-" + f]] = np.log(0.01 / 2 / len(order))
    return positions, logp


def test_a_row_that_shows_its_blank_cells_leaves_no_column_out():
    """予以公开 258 12 _ _ 1 1 _ (the page leaves the total blank): a model sure that a row's last
    figure is its total does not push the 1s one column right."""
    body = "(一)予以公开\t258\t12\t\t\t1\t1\t\n"
    positions, logp = _leaning(body, ROW, {"t3.granted.total": -0.5})
    zeros = np.zeros(len(body), dtype=np.int64)
    columns = lambda c=DecoderConfig(): [(body[s:e], f.split(".")[-1])
                                         for s, e, f in align_cells(body, zeros, positions, logp, ROW, c)]
    assert columns() == [("258", "natural"), ("12", "commercial"), ("1", "legal"), ("1", "other_org")]
    assert columns(DecoderConfig(row_skip_penalty=1.0))[-1] == ("1", "total")  # without the rule the model's lean wins


def test_a_line_of_cells_starts_at_the_first_column_of_its_row():
    order = [f"t4.{b}.{r}" for b in ("review", "suit_direct") for r in ("upheld", "corrected", "other", "pending", "total")]
    body = "总计\n5\t\t\t2\t7\t\t\t\t\t\n"  # 复议 5 _ _ 2 7, 直接起诉 all blank
    positions, logp = _leaning(body, order, {})
    row = {int(p): k for k, p in enumerate(positions)}
    logp[row[body.index("5")], LABEL_IDS["B-t4.review.corrected"]] = -1.0  # the model reads 5 as 纠正
    logp[row[body.index("7")], LABEL_IDS["B-t4.suit_direct.upheld"]] = -1.0
    zeros = np.zeros(len(body), dtype=np.int64)
    columns = lambda c=DecoderConfig(): [(body[s:e], f.split(".", 1)[1])
                                         for s, e, f in align_cells(body, zeros, positions, logp, order, c)]
    assert columns() == [("5", "review.upheld"), ("2", "review.pending"), ("7", "review.total")]
    assert columns(DecoderConfig(opener_penalty=0.0))[0] == ("5", "review.corrected")


def test_a_row_read_one_row_late_moves_to_where_the_identities_hold():
    """(六)其他处理 printed empty, (七)总计 767 35 _ _ 2 1 805 read as the end of 其他处理."""
    columns = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
    order = [f"t3.{row}.{c}" for row in ("other_processing", "total") for c in columns]
    body = "(六)其他处理\t\t\t\t\t\t\t\n(七)总计\t767\t35\t\t\t2\t1\t805\n"
    tabs = [i for i, c in enumerate(body) if c == "\t"]
    figures = [(m.start(), m.end()) for m in re.finditer(r"\d+", body)]
    blank = lambda k: (tabs[k] + 1, tabs[k] + 1)
    read = [blank(k) for k in range(6)] + figures[:2] + [blank(9), blank(10)] + figures[2:]
    cells = [(s, e, f) for (s, e), f in zip(read, order)]
    fixed = {f: body[s:e] for s, e, f in realign_rows(body, cells, order, "2019")[0]}
    assert [fixed.get(f"t3.total.{c}") for c in columns] == ["767", "35", "", "", "2", "1", "805"]
    assert "t3.other_processing.total" not in fixed


def test_a_row_that_lost_its_label_takes_the_next_row_of_the_template():
    """A PDF converter's markdown: 规章 and 行政规范性文件 float after their rows. The model reads both
    rows as 规章 (issue 15, mdfragments); the second one is the next row of the template."""
    body = ("| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n"
            "| 3 | 0 | 12 |\n| 5 | 1 | 40 |\n\n规章\n行政规范性文件\n")
    order = template("2021")[:6]
    positions, logp = _leaning(body, order, {f: -1.0 if ".regulations." in f else -9.0 for f in order})
    zeros = np.zeros(len(body), dtype=np.int64)
    read = lambda c=DecoderConfig(): {f: body[s:e] for s, e, f in align_cells(body, zeros, positions, logp, order, c)}
    assert read() == dict(zip(order, ["3", "0", "12", "5", "1", "40"]))
    assert "t2.normative.in_force" not in read(DecoderConfig(bare_rows=False))


def test_a_label_less_first_row_is_not_passed_over_before_the_table():
    """规章 lost its label (1 | 0 | 8), 行政规范性文件 kept it and the model misreads it as 规章. Figures
    before the template's first field are free to leave out, but not a label-less row's: the
    first row is 规章's, so the second is the next one."""
    body = ("| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n| 1 | 0 | 8 |\n\n规章\n\n"
            "| 行政规范性文件 | 0 | 38 | 84 |\n")
    order = template("2021")[:6]
    positions, logp = _leaning(body, order, {f: -1.0 if ".regulations." in f else -3.0 for f in order})
    logp[positions < body.index("\n\n"), OUTSIDE] = np.log(0.6)  # the model doubts the label-less row
    zeros = np.zeros(len(body), dtype=np.int64)
    read = {f: body[s:e] for s, e, f in align_cells(body, zeros, positions, logp, order)}
    assert read == dict(zip(order, ["1", "0", "8", "0", "38", "84"]))


def test_label_less_rows_never_go_back_in_the_template():
    """A 2019 table 2 whose four first rows lost their labels; the model reads 3 | 3 | 4 and 55 | 55 | 411
    in the columns of 行政许可 (上一年项目数量, 本年增/减, 处理决定数量), as it does the next two rows. Read
    again as 行政许可 and 其他对外管理服务事项 (the page printing rows out of order), the next two would
    leave 规章 and 规范性文件 empty; only a label could say a row is out of order."""
    body = ("| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n| 3 | 3 | 4 |\n| 55 | 55 | 411 |\n"
            "| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n| 243 | +17 | 226 |\n| 11 | +149 | 1 |\n")
    order = template("2019")[:12]
    positions, logp = _leaning(body, order, {f: -1.0 if FIELDS[f].row in ("licensing", "other_services") else -4.0
                                             for f in order})
    zeros = np.zeros(len(body), dtype=np.int64)
    read = {f: body[s:e] for s, e, f in align_cells(body, zeros, positions, logp, order)}
    assert read == dict(zip(order, ["3", "3", "4", "55", "55", "411", "243", "+17", "226", "11", "+149", "1"]))


def test_a_table_4_line_that_shows_its_blank_cells_is_read_in_template_order():
    """A converter's table 4: one markdown line of 15 cells, the first five blank. The model, which does
    not count blanks, reads 3 as 复议 结果维持; the line starts at 复议, so 3 is 直接起诉 结果维持."""
    order = [f"t3.carried_forward.{c}" for c in COLUMNS] + template("2021")[-15:]
    body = ("| 四、结转下年度继续办理 |  |  |  |  |  |  |  |\n| 行政复议 | 行政诉讼 |\n"
            "|  |  |  |  |  | 3 |  |  | 1 | 4 |  | 1 |  |  | 1 |\n")
    positions, logp = _leaning(body, order, {f: -0.5 if ".review." in f else -4.0 for f in order})
    zeros = np.zeros(len(body), dtype=np.int64)
    read = lambda c=DecoderConfig(): {f: body[s:e] for s, e, f in align_cells(body, zeros, positions, logp, order, c)
                                      if s < e}
    assert read() == {"t4.suit_direct.upheld": "3", "t4.suit_direct.pending": "1", "t4.suit_direct.total": "4",
                      "t4.suit_after_review.corrected": "1", "t4.suit_after_review.total": "1"}
    assert read(DecoderConfig(bare_rows=False)).get("t4.suit_direct.upheld") != "3"


def test_a_figure_with_a_decimal_point_is_no_count():
    """行政许可, 行政处罚, 行政强制 and 收费金额 printed without labels, one cell per row; the model reads
    every one of them in the 处理决定数量 column and doubts the 1. The amount 11918.904 is no count."""
    body = "| 22 |\n| 3652 |\n| 1 |\n| 11918.904 |\n"
    order = template("2021")[6:10]
    positions, logp = _leaning(body, order, {f: -3.0 if f == "t2.fees.amount" else -0.5 for f in order})
    logp[list(positions).index(body.index("| 1 |") + 2), OUTSIDE] = np.log(0.9)
    zeros = np.zeros(len(body), dtype=np.int64)
    read = {f: body[s:e] for s, e, f in align_cells(body, zeros, positions, logp, order)}
    assert read == dict(zip(order, ["22", "3652", "1", "11918.904"]))


def test_rows_that_lost_their_labels_are_cells_however_sure_the_model_is_they_are_not():
    """Five label-less rows of zeros after 本年新收: the model, far from any label, calls them no cells and
    spreads what doubt it has over every field. Each takes the next row of the template, not nothing
    (as it would if a cell were only as likely as its column: a 1 in 7 chance)."""
    rows = ("new", "carried_over", "granted", "partial", "denied_secret", "denied_law", "denied_safety",
            "denied_third_party")
    order = [f"t3.{row}.{c}" for row in rows for c in COLUMNS] + [f"t4.review.{c}" for c in RESULTS]
    body = "| 本年新收 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |\n" + "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n" * 5
    positions, logp = _first_row_known(body, order, "new")
    zeros = np.zeros(len(body), dtype=np.int64)
    read = lambda c=DecoderConfig(): [f for _, _, f in align_cells(body, zeros, positions, logp, order, c)]
    assert read() == order[:42]
    assert "t3.carried_over.natural" not in read(DecoderConfig(bare_rows=False))


def test_a_label_less_row_of_na_marks_keeps_its_place_among_rows_of_figures():
    """予以公开 3 / / / 1 / 4, then two label-less rows: all NA marks (部分公开), then 1 / … 1 (国家秘密).
    Alone, a line of NA marks says nothing (``| - | - |`` under a header of its own); among rows
    of figures it is a row, and the row after it is not pulled up into its place."""
    order = [f"t3.{row}.{c}" for row in ("granted", "partial", "denied_secret") for c in COLUMNS]
    body = ("| 予以公开 | 3 | / | / | / | 1 | / | 4 |\n| / | / | / | / | / | / | / |\n"
            "| 1 | / | / | / | / | / | 1 |\n")
    positions, logp = _first_row_known(body, order, "granted")
    zeros = np.zeros(len(body), dtype=np.int64)
    read = {f: body[s:e] for s, e, f in align_cells(body, zeros, positions, logp, order)}
    assert [read.get(f"t3.{row}.total") for row in ("granted", "partial", "denied_secret")] == ["4", "/", "1"]


def test_a_figure_between_cells_of_a_row_is_not_left_out():
    """没有现成信息 44 3 _ _ _ _ _: the model reads 3 as the row's total (or nothing); it is 商业企业."""
    body = "2.没有现成信息需要另行制作\t44\t3\t\t\t\t\t\n"
    order = [f"t3.unable_create.{c}" for c in ("natural", "commercial", "research", "social", "legal", "other_org", "total")]
    positions, logp = _leaning(body, order, {"t3.unable_create.natural": -0.5, "t3.unable_create.commercial": -6.0})
    logp[:, OUTSIDE] = -3.0
    logp[list(positions).index(body.index("\t3") + 1), LABEL_IDS["B-t3.unable_create.total"]] = -1.0
    zeros = np.zeros(len(body), dtype=np.int64)
    assert [(body[s:e], f.split(".")[-1]) for s, e, f in align_cells(body, zeros, positions, logp, order)] == [
        ("44", "natural"), ("3", "commercial")]


def test_an_empty_cell_after_a_rows_last_figure_is_not_a_column():
    """Markdown rows ending ``|  |`` (a column the template lacks): each row still starts at 自然人."""
    columns = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
    order = [f"t3.denied_{row}.{c}" for row in ("secret", "law", "safety") for c in columns]
    body = ("| 1.属于国家秘密 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |  |\n|---|---|\n"
            "| 2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |  |\n"
            "| 3.危及“三安全一稳定” | 1 | 0 | 0 | 0 | 0 | 0 | 1 |  |\n")
    positions, logp = _leaning(body, order, {})
    zeros = np.zeros(len(body), dtype=np.int64)
    read = lambda c=DecoderConfig(): {f: body[s:e] for s, e, f in align_cells(body, zeros, positions, logp, order, c)}
    assert [read().get(f"t3.denied_{row}.{c}") for row in ("secret", "safety") for c in ("natural", "total")] == [
        "4", "4", "1", "1"]
    without = DecoderConfig(trailing_blank_columns=False)
    assert read(without).get("t3.denied_secret.natural") != "4"  # without the rule the first row slips


def test_a_full_row_printed_one_cell_per_line_leaves_no_column_out():
    """上年结转 16 0 0 0 0 0 16, one cell per line (seeds/003): the second 16 is the row's total,
    however sure the model is that it opens the next row."""
    columns = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
    order = [f"t3.{row}.{c}" for row in ("carried_over", "granted") for c in columns]
    body = "二、上年结转政府信息公开申请数量\n16\n0\n0\n0\n0\n0\n16\n(一)予以公开\n33\n0\n0\n0\n0\n0\n33\n"
    positions, logp = _leaning(body, order, {})
    logp[list(positions).index(body.index("16\n(一)")), LABEL_IDS["B-t3.granted.natural"]] = -0.1
    logp[list(positions).index(body.index("33")), LABEL_IDS["B-t3.granted.commercial"]] = -0.1
    logp[list(positions).index(body.index("33") + 1), LABEL_IDS["I-t3.granted.commercial"]] = -0.1
    zeros = np.zeros(len(body), dtype=np.int64)
    read = lambda c=DecoderConfig(): {f: body[s:e] for s, e, f in align_cells(body, zeros, positions, logp, order, c)}
    assert read()["t3.carried_over.total"] == "16" and read()["t3.granted.natural"] == "33"
    assert read(DecoderConfig(full_row=100)).get("t3.carried_over.total") != "16"


def test_figures_separated_by_spaces_are_whole_cells():
    """PDF text: (一)予以公开 1203 17 0 0 41 2 1263. A model that splits 1203 (1 | 203) or tags only part
    of 1203 and 1263 still gets whole figures: a figure the page delimits is never cut."""
    text = "(一)予以公开 1203 17 0 0 41 2 1263\n"
    figures = [(m.start(), m.end()) for m in re.finditer(r"\d+", text)]
    whole = {text[s:e] for s, e in figures}
    split = [(figures[0][0], figures[0][0] + 1), (figures[0][0] + 1, figures[0][1])] + figures[1:6]
    partial = [(figures[0][0], figures[0][0] + 2)] + figures[1:6] + [(figures[6][0], figures[6][0] + 2)]
    read = {}
    for name, spans in (("split", split), ("partial", partial)):
        tags = spans_to_tags(len(text), [(s, e, f) for (s, e), f in zip(spans, ROW)])
        positions, logp = emissions(text, tags, p=0.5)
        read[name] = [(text[s:e], f.split(".")[-1]) for s, e, f in
                      align_cells(text, np.zeros(len(text), dtype=np.int64), positions, logp, ROW)]
        assert {t for t, _ in read[name]} <= whole, name
    assert read["partial"] == [("1203", "natural"), ("17", "commercial"), ("0", "research"), ("0", "social"),
                               ("41", "legal"), ("2", "other_org"), ("1263", "total")]
    # a run no cell can be is still split, spaces or not; a label's run after a space may hold several
    from gktagger.decoding.decode import _cuts
    assert _cuts("总计23 0 00 0 023", 2, 4) == [1] and _cuts("行政许可 11315\n", 5, 10) == [1, 2, 3, 4]
    assert _cuts(text, *figures[0]) == []


def test_a_page_footer_inside_a_table_is_no_cell():
    from gktagger.decoding.decode import numbers

    body = "(一)予以公开\t3\n— 5 —\n第 6 页 共 9 页\n- 7 -\n(二)部分公开\t4\n"
    assert [body[s:e] for s, e in numbers(body, np.zeros(len(body), dtype=np.int64))] == ["3", "4"]


def test_a_signed_figure_is_a_change_cell_in_a_run_of_table_2():
    """2019 table 2 run together with its signed change: 行政处罚58+2497 = 58 | +24 | 97."""
    order = [f"t2.{i}.{m}" for i in ("licensing", "penalty") for m in ("prev_items", "change", "decisions")]
    body = "行政许可\t0\t0\t3\n行政处罚58+2497\n"
    positions, logp = _leaning(body, order, {})  # a model that knows the rows, not the columns
    read = lambda: [(body[s:e], f.split(".")[-1]) for s, e, f in
                    align_cells(body, np.zeros(len(body), dtype=np.int64), positions, logp, order)][3:]
    (prev, _), (change, field), (_, last) = read()
    assert (prev, field, last) == ("58", "change", "decisions") and change.startswith("+")  # not 5 | 8 | +2497
    row = {int(p): k for k, p in enumerate(positions)}
    logp[row[body.index("97")], LABEL_IDS["B-t2.penalty.decisions"]] = -1.5  # the model sees a cell start at 9
    assert read() == [("58", "prev_items"), ("+24", "change"), ("97", "decisions")]


def test_table_4_printed_as_one_line_of_15_figures():
    order = [f for f in template("2021") if f.startswith("t4.")]
    body = "四、政府信息公开行政复议、行政诉讼情况\n14 2 5 1 22 4 1 0 0 5 2 0 1 0 3\n"
    positions, logp = _leaning(body, order, {})  # the model knows it is table 4, not which cell is which
    cells = align_cells(body, np.zeros(len(body), dtype=np.int64), positions, logp, order)
    assert [body[s:e] for s, e, _ in cells] == "14 2 5 1 22 4 1 0 0 5 2 0 1 0 3".split()
    assert [f for _, _, f in cells] == order


def test_table_4_printed_as_one_run_is_split_where_its_block_totals_hold():
    """A whole table 4 run together on its own line (``14251224100520103``): a delimited number with more
    digits than one cell holds is cells run together. The decoder cuts it into the 15 cells of table 4, and
    the block totals (review 14+2+5+1=22, …) decide the split."""
    from gktagger.extract import Extractor

    lines = (REPO_ROOT / "examples" / "county_2021_cells_per_line.txt").read_text(encoding="utf-8").split("\n")
    heading = next(i for i, line in enumerate(lines) if line.startswith("第四部分"))
    first = next(i for i in range(heading, len(lines)) if lines[i].isdigit())
    values = "14 2 5 1 22 4 1 0 0 5 2 0 1 0 3".split()
    text = "\n".join(lines[:first] + ["".join(values)] + lines[first + len(values):])
    [record] = Extractor().extract([Document("t4_run.txt", text)])
    t4 = [(f, e["value"]) for f, e in record["fields"].items() if f.startswith("t4.")]
    assert t4 == list(zip([f for f in template("2021") if f.startswith("t4.")], map(int, values)))


def test_a_printed_row_never_goes_back_in_the_template_mid_row():
    """A generated report of the held-out PDF-text layout prints table 4 as one line of 15 figures
    (`` 0 0 0 0 0 2 2 0 0 4 0 2 0 3 5``); the model, which never saw that layout, leans the third figure
    to 复议·结果维持 again, and the decoder used to start the table over in the middle of the row."""
    from itertools import islice

    from gktagger.extract import Extractor
    from gktagger.training import annotations as ann
    from gktagger.training.synth import generate

    text, gold = next(islice(generate(30, 2024, layouts=("pdfrows",)), 18, None))
    assert " 0 0 0 0 0 2 2 0 0 4 0 2 0 3 5\n" in text
    [record] = Extractor().extract([Document("pdfrows-18", text)])
    expected = {f: v.value for f, v in ann.gold_values(gold).items() if f.startswith("t4.")}
    assert {f: e["value"] for f, e in record["fields"].items() if f.startswith("t4.")} == expected


def test_a_rows_item_number_does_not_make_its_figures_cuttable():
    """``3.危及“三安全一稳定” 3 0 0 0 0 1 4``: the row number in the label is no figure of the row, so the
    row's figures stand between spaces and are whole cells; a label's number broken over a line
    (``（三）不予公开1⏎.属于国家秘密``) is no cell either."""
    from gktagger.decoding.decode import _spaced_row, numbers

    body = "3.危及“三安全一稳定” 3 0 0 0 0 1 4\n"
    assert _spaced_row(body, 0)
    body = "（三）不予公开1\n.属于国家秘密 3 0 0 0 0 1 4\n"
    assert [body[s:e] for s, e in numbers(body, np.zeros(len(body), dtype=np.int64))] == "3 0 0 0 0 1 4".split()


def test_a_page_footer_the_model_tags_is_no_figure():
    """PDF text: ``—6—`` between table rows is a page footer, whatever the model tags in it."""
    from gktagger.pipeline import figures

    body = "行政复议\n结果维持 2\n—6—\n"
    x = Extraction(Document("x", body), BodyView.of(body), prediction=None, config=PipelineConfig())
    x.spans = [TagSpan(body.index("2"), body.index("2") + 1, "t4.review.upheld"),
               TagSpan(body.index("6"), body.index("6") + 1, "t4.review.corrected")]
    figures(x)
    assert [body[s.start:s.end] for s in x.spans] == ["2"]


def test_the_shipped_pipeline_reads_a_table_fragment_whose_labels_float_after_it():
    """Issue 15's minimal case (a PDF converter's markdown): the 行政规范性文件 row, 5 | 1 | 40, is read."""
    from gktagger.api import extract_text

    text = ("某县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n本年度工作稳步推进。\n二、主动公开政府信息情况\n"
            "| 第二十条第（一）项 |\n|---|\n\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n"
            "| 3 | 0 | 12 |\n| 5 | 1 | 40 |\n\n规章\n行政规范性文件\n")
    fields = extract_text(text)["fields"]
    assert {f: fields[f]["value"] for f in template("2021")[:6] if f in fields} == dict(
        zip(template("2021")[:6], [3, 0, 12, 5, 1, 40]))


def test_a_heading_tag_on_a_figures_point_does_not_keep_the_figure_from_the_decoder():
    """The model ran the next (lost) heading's tag over the point of 5292.98; a heading tag on its digits keeps it."""
    from gktagger.decoding.decode import numbers

    body = "行政事业性收费\n5292.98\n本年度依申请公开政府信息情况如下。\n三、2022年\n"
    tags = np.zeros(len(body), dtype=np.int64)
    point = body.index(".")
    tags[point] = LABEL_IDS["I-requests"]
    assert [body[s:e] for s, e in numbers(body, tags)] == ["5292.98"]
    tags[point - 1] = LABEL_IDS["I-requests"]
    assert numbers(body, tags) == []


@pytest.mark.parametrize("name", ["county_2021_cells_per_line.txt", "district_2019_flattened.txt",
                                  "office_2019_table.html"])
def test_templates_side_by_side_align_as_each_alone(name):
    from gktagger.decoding import decode as D
    from gktagger.io.reading import read_path
    from gktagger.tagging.tagger import Tagger

    view = BodyView.of(read_path(REPO_ROOT / "examples" / name).text)
    pred = Tagger.from_pretrained(backend="onnx", precision="fp32").predict(view.text)
    config = PipelineConfig().decoder
    layout = D._layout(view.text, pred.tags, pred.positions, config, view.folded_blanks() + view.blank_lines())
    orders = [template(f) for f in config.formats] + [template("2019")[:40]]  # a shorter one too
    together = D._align(view.text, pred.positions, pred.logp, orders, config, layout)
    alone = [D._align(view.text, pred.positions, pred.logp, [order], config, layout)[0] for order in orders]
    assert together == alone
    assert sum(len(cells) for _, cells in together) > 50
