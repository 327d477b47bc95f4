"""Prose appeal and lawsuit figures take their result from the words before them."""
import re

from gktagger.decoding.cues import prose_results
from gktagger.tagging.tags import TagSpan


def _label(body: str, labels: list[str]) -> list[TagSpan]:
    """The figures of ``body`` (numbers before 件), in order, labelled as given."""
    return [TagSpan(m.start(), m.end(), label) for m, label in zip(re.finditer(r"\d+(?=件)", body), labels)]


def test_each_figure_takes_the_result_its_clause_names_and_keeps_the_model_block():
    body = "行政复议申请16件,其中结果维持2件,结果纠正6件,其他结果7件,尚未审结1件;行政诉讼23件,其中维持原判3件、撤销10件"
    wrong = ["t4.review.upheld", "t4.review.total", "t4.review.upheld", "t4.review.corrected", "t4.review.other",
             "t4.suit.corrected", "t4.suit.other", "t4.suit.pending"]
    got = [(body[s.start:s.end], s.label) for s in prose_results(body, _label(body, wrong))]
    assert got == [("16", "t4.review.total"), ("2", "t4.review.upheld"), ("6", "t4.review.corrected"),
                   ("7", "t4.review.other"), ("1", "t4.review.pending"), ("23", "t4.suit.total"),
                   ("3", "t4.suit.upheld"), ("10", "t4.suit.corrected")]


def test_a_figure_split_into_digits_becomes_one_whole_number():
    body = "行政诉讼23件"
    spans = [TagSpan(4, 5, "t4.suit.corrected"), TagSpan(5, 6, "t4.suit.upheld")]
    assert prose_results(body, spans) == [TagSpan(4, 6, "t4.suit.total", by="cue", rule="clause names total")]


def test_table_cells_and_other_fields_keep_their_labels():
    body = "结果维持\t5\t2\n予以公开33件\n结果维持\t4件\t其他"
    spans = [TagSpan(5, 6, "t4.review.corrected"), TagSpan(7, 8, "t4.review.other"),
             TagSpan(13, 15, "t3.granted.total")]
    assert prose_results(body, spans) == spans
    # a clause naming neither a result nor the block: the model's label stands
    body = "收到申请3件"
    assert prose_results(body, [TagSpan(4, 5, "t4.review.other")]) == [TagSpan(4, 5, "t4.review.other")]


def test_the_block_comes_from_the_sentence_when_it_names_one():
    body = "行政复议申请1件,结果维持1件;提起行政诉讼2件,其中复议后起诉1件。"
    labels = ["t4.review.total", "t4.review.total", "t4.review.pending", "t4.review.upheld"]
    got = [(body[s.start:s.end], s.label) for s in prose_results(body, _label(body, labels))]
    assert got == [("1", "t4.review.total"), ("1", "t4.review.upheld"), ("2", "t4.suit.total"),
                   ("1", "t4.suit_after_review.total")]


def test_a_whole_prose_count_is_the_figure_its_clause_names():
    """收到申请61件，涉及自然人57件: the model's 57 is a part of the count the sentence states; 61 is it."""
    from gktagger.decoding.cues import prose_counts

    def read(body, start, end, label="requests.received"):
        [span] = prose_counts(body, [TagSpan(start, end, label, 0.5)])
        return body[span.start:span.end], span.by

    body = "2022年,本机关涉及自然人申请57件,共收到申请61件,结转至2023年办理3件。"
    assert read(body, body.index("57"), body.index("57") + 2) == ("61", "cue")
    body = "本年度共收到政府信息公开申请61件,其中网上申请40件、信函申请21件。"
    assert read(body, body.index("61"), body.index("61") + 2) == ("61", "model")  # the model's figure is named
    assert read(body, body.index("40"), body.index("40") + 2) == ("61", "cue")
    body = "本年度主动公开政府信息1209条,其中公开规范性文件12条。"
    assert read(body, body.index("12条"), body.index("12条") + 2, "proactive.total") == ("1209", "cue")
    body = "收到申请61件,受理申请58件。"  # two figures named: nothing decides, the model's stays
    assert read(body, body.index("58"), body.index("58") + 2) == ("58", "model")


def test_a_prose_figure_whose_clause_names_a_table_3_row_is_its_total():
    from gktagger.decoding.cues import prose_row_totals

    body = "涉及自然人29件,同意公开6件,部分公开2件,结转至2024年办理4件。"
    read = [(body[s.start:s.end], s.label, s.by) for s in prose_row_totals(body, [])]
    assert read == [("6", "t3.granted.total", "cue"), ("2", "t3.partial.total", "cue"),
                    ("4", "t3.carried_forward.total", "cue")]
    body = "均在法定期限内予以答复。予以公开及部分公开258件,占33%。"  # both rows named: neither
    assert prose_row_totals(body, []) == []
    body = "行政复议结果维持2件,同意公开3件。"  # a table-4 figure the model tagged keeps its label
    spans = [TagSpan(body.index("3件"), body.index("3件") + 1, "t4.review.upheld")]
    assert prose_row_totals(body, spans) == spans


def _read(body, spans):
    return [(body[s.start:s.end], s.label) for s in spans]


def test_a_figure_written_in_chinese_numerals_is_a_whole_prose_figure():
    """五件, 二起, 十起 (issue 15: prose figures are whole numbers, whatever their script); 第二十条 is no figure."""
    from gktagger.decoding.cues import prose_row_totals, prose_t4_figures

    body = "本年度共发生行政复议案件2起(尚未审结二起)。行政诉讼案件十起,其中结果纠正十起。"
    assert _read(body, prose_t4_figures(body, [])) == [
        ("2", "t4.review.total"), ("二", "t4.review.pending"), ("十", "t4.suit.total"), ("十", "t4.suit.corrected")]
    body = "依据条例第二十条,予以公开五份,部分公开二份。"
    assert _read(body, prose_row_totals(body, [])) == [("五", "t3.granted.total"), ("二", "t3.partial.total")]


def test_an_untagged_appeal_figure_is_found_only_where_its_sentence_names_the_block():
    from gktagger.decoding.cues import prose_t4_figures

    body = "全年维持原有做法3件。"  # a result word with no block in the sentence
    assert prose_t4_figures(body, []) == []
    body = "行政诉讼10件,7件胜诉,向市高级人民法院上诉4件,维持1件。"  # an appeal to a higher court: no table-4 block
    assert _read(body, prose_t4_figures(body, [])) == [("10", "t4.suit.total")]
    body = "行政复议申请五件。"  # the model read 五 as a heading's ordinal: a counted figure is no heading
    [span] = prose_t4_figures(body, [TagSpan(6, 7, "problems")])
    assert (body[span.start:span.end], span.label) == ("五", "t4.review.total")


def test_the_row_a_figure_is_the_total_of_may_follow_it():
    """fields.md: 1件结转下年度继续办理 → t3.carried_forward.total."""
    from gktagger.decoding.cues import prose_row_totals

    body = "全年共收到申请70件,及时依法依规办结69件,1件结转下年度继续办理。"
    assert _read(body, prose_row_totals(body, [])) == [("69", "t3.total.total"), ("1", "t3.carried_forward.total")]
    body = "今年我局共受理审批事项117件,办结171件,办结率100%。"  # any office's casework is no table-3 row
    assert prose_row_totals(body, []) == []


def test_prose_that_is_no_figure_of_a_field_is_dropped():
    from gktagger.decoding.cues import not_figures

    body = "收到申请5件,较2022年减少3件,比上年增加2件,涉及4个部门,在15个工作日内答复,无结转至2024年办理的申请。"
    spans = [TagSpan(body.index(t), body.index(t) + len(t), "t4.suit.total") for t in ("5", "3", "2件", "4", "15", "无")]
    spans[2] = TagSpan(spans[2].start, spans[2].start + 1, "t4.suit.total")
    assert [body[s.start:s.end] for s in not_figures(body, spans)] == ["5"]
    body = "结果维持\t无\t2\n"  # an NA cell of a table stays
    spans = [TagSpan(5, 6, "t4.review.upheld")]
    assert not_figures(body, spans) == spans


def test_a_count_the_model_missed_is_the_figure_its_clause_names_and_a_part_never_is():
    from gktagger.decoding.cues import prose_counts

    body = "对39项政策文件进行解读。全年主动公开各类政府信息270多条,完成信息清理89条。"
    spans = [TagSpan(1, 3, "proactive.total", 0.9), TagSpan(25, 29, "proactive.total", 0.6)]
    assert _read(body, prose_counts(body, spans)) == [("270多", "proactive.total")]  # the other is named
    assert _read(body, prose_counts(body, spans[:1])) == [("39", "proactive.total")]  # nothing is named
    body = "本年度收到申请12件。"  # a count the model found nowhere
    assert _read(body, prose_counts(body, [])) == [("12", "requests.received")]
    body = "共公布政府信息2599条,(其中机构职能类信息25条,其他应主动公开政府信息856条)。"  # parts of a breakdown
    spans = [TagSpan(7, 11, "proactive.total", 0.5)]
    assert _read(body, prose_counts(body, spans)) == [("2599", "proactive.total")]
    body = "收到行政复议申请16件,其中结果维持2件。"  # an appeal is no request
    assert prose_counts(body, []) == []


def test_pdf_text_spaces_around_a_prose_figure_change_nothing():
    from gktagger.decoding.cues import not_figures, prose_row_totals, prose_t4_figures

    body = "本年度收到申请 5 件,上年结转 4 件,部分公开 1 件, 2 件结转下年度继续办理。"
    assert _read(body, prose_row_totals(body, [])) == [
        ("4", "t3.carried_over.total"), ("1", "t3.partial.total"), ("2", "t3.carried_forward.total")]
    body = "行政诉讼 9 件,其中纠正 3 件、其他 六 件,涉及 4 个部门。"
    assert _read(body, prose_t4_figures(body, [])) == [
        ("9", "t4.suit.total"), ("3", "t4.suit.corrected"), ("六", "t4.suit.other")]
    assert not_figures(body, [TagSpan(body.index("4"), body.index("4") + 1, "t4.suit.total")]) == []


def test_a_prose_row_total_the_wording_does_not_name_is_no_figure():
    """fields.md: t3.<row>.total only where the wording names that row unambiguously."""
    from gktagger.decoding.cues import prose_row_totals

    body = "其它公开答复数1条,予以公开3件。"
    spans = [TagSpan(body.index("1"), body.index("1") + 1, "t3.granted.total"),
             TagSpan(body.index("3"), body.index("3") + 1, "t3.granted.total")]
    assert _read(body, prose_row_totals(body, spans)) == [("3", "t3.granted.total")]
    table = "予以公开\t1\t2\t3\n"  # a table cell keeps the model's label
    assert prose_row_totals(table, [TagSpan(5, 6, "t3.granted.natural")]) == [TagSpan(5, 6, "t3.granted.natural")]
    body = "不予处理158件,其他处理0件。"  # a row whose wording the lexicon does not know keeps the model's label
    spans = [TagSpan(body.index("0件"), body.index("0件") + 1, "t3.other_processing.total")]
    assert prose_row_totals(body, spans) == spans


def test_a_pdf_line_wrap_inside_a_sentence_keeps_its_block():
    """A line opening with a clause mark or a measure word goes on with the sentence before it."""
    from gktagger.decoding.cues import prose_t4_figures
    for body in ("行政复议案件55件，其中维持0\n件、纠正16件；行政诉讼案件26件。",
                 "行政复议案件13件，其中结果维持8件\n，结果纠正16件；行政诉讼案件8件。"):
        start = body.index("16")
        [span] = prose_results(body, [TagSpan(start, start + 2, "t4.suit.corrected")])
        assert span.label == "t4.review.corrected"
    body = "行政诉讼15\n件，其中纠正9件、其他六件。"
    assert [(body[s.start:s.end], s.label) for s in prose_t4_figures(body, [])][-1] == ("六", "t4.suit.other")
    body = "四、行政诉讼情况\n纠正2件。"  # a heading's line break ends its sentence
    assert prose_results(body, [TagSpan(body.index("2"), body.index("2") + 1, "t4.review.total")])[0].label == \
        "t4.review.corrected"


def test_a_line_wrapped_inside_a_word_is_read_as_one_line():
    """A PDF wraps a line at the page's width, inside a word too: 纠\\n正 is 纠正, 诉\\n讼 is 诉讼."""
    body = "行政复议案件7件，其中维持0件、纠\n正6件；行政诉讼0件。"
    start = body.index("6件")
    assert prose_results(body, [TagSpan(start, start + 1, "t4.suit.other")])[0].label == "t4.review.corrected"
    body = "被提起行政诉\n讼8宗，其中结果维持0宗"
    start = body.index("8宗")
    assert prose_results(body, [TagSpan(start, start + 1, "t4.review.upheld")])[0].label == "t4.suit.total"
    # a line break after a heading, after 。 or before an indented line ends the sentence: the model's block stays
    for body in ("四、行政复议情况\n纠正2件", "行政复议情况如下\n\u3000\u3000纠正2件", "行政复议1件。\n纠正2件"):
        start = body.index("2件")
        assert prose_results(body, [TagSpan(start, start + 1, "t4.suit.total")])[0].label == "t4.suit.corrected", body
