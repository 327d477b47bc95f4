"""Sections whose heading line a PDF lost, and headings the tagger started in the wrong place
(``record/build.py``, ``record/topics.py``): one test per rule, on synthetic text."""
from __future__ import annotations

from gktagger.record.build import missing_headings, settle_headings
from gktagger.record.topics import topic_lists
from gktagger.tagging.tags import TagSpan

OVERVIEW_LIST = ("一、总体情况\n本年度工作如下。\n（一）主动公开方面\n全年主动公开政府信息50余条。\n"
                 "（二）依申请公开方面\n全年收到申请8件。\n（三）平台建设\n网站运行平稳。\n")


def tagged(text: str, *heads: tuple[str, str]) -> list[TagSpan]:
    return [TagSpan(text.index(words), text.index(words) + len(words), sid) for words, sid in heads]


def headings(text: str, spans: list[TagSpan]) -> list[tuple[str, str]]:
    return [(text[h.start:text.find("\n", h.start)], h.label) for h in spans]


def test_a_heading_tagged_after_its_part_ordinal_moves_back_to_it():
    text = "工作。\n第二部分 主动公开政府信息情况\n第五部分 存在的主要问题及改进情况\n"
    settled = settle_headings(text, [TagSpan(text.index("主动"), text.index("主动") + 5, "proactive")])
    assert headings(text, settled) == [("第二部分 主动公开政府信息情况", "proactive")]


def test_a_heading_whose_ordinal_a_space_or_a_part_follows_is_found_by_its_wording():
    text = "一、总体情况\n工作。\n二 主动公开政府信息情况\n三 收到和处理政府信息公开申请情况\n第四部分 政府信息公开行政复议、行政诉讼情况\n"
    found = tagged(text, ("一、总体情况", "overview"), ("三 收到和处理政府信息公开申请情况", "problems"))
    settled = settle_headings(text, found)
    assert headings(text, settled) == [("一、总体情况", "overview"), ("三 收到和处理政府信息公开申请情况", "requests")]
    assert headings(text, missing_headings(text, settled)) == [
        ("二 主动公开政府信息情况", "proactive"), ("第四部分 政府信息公开行政复议、行政诉讼情况", "appeals")]


def test_a_heading_tagged_on_a_table_header_moves_back_to_the_line_naming_its_topic():
    text = "一、总体情况\n工作。\n本年度主动公开政府信息情况如下。\n第二十条第（一）项\n信息内容\n本年制发件数\n"
    header = text.index("信息内容")
    settled = settle_headings(text, tagged(text, ("一、总体情况", "overview")) + [TagSpan(header, header + 2, "proactive")])
    assert headings(text, settled)[1] == ("本年度主动公开政府信息情况如下。", "proactive")


def test_the_overview_list_of_sub_headings_names_topics_but_starts_no_section():
    text = OVERVIEW_LIST + "本年度主动公开政府信息情况如下。\n规章\n0\n三、收到和处理政府信息公开申请情况\n"
    assert [text[a:b].split("\n")[-1] for a, b in topic_lists(text)] == ["（三）平台建设"]
    spans = tagged(text, ("一、总体情况", "overview"), ("（一）主动公开方面", "proactive"),
                   ("三、收到和处理政府信息公开申请情况", "requests"))
    settled = settle_headings(text, spans)
    assert [h.label for h in settled] == ["overview", "requests"]
    assert headings(text, missing_headings(text, settled)) == [("本年度主动公开政府信息情况如下。", "proactive")]


def test_a_list_of_one_sections_sub_headings_is_no_overview_list():
    text = "（一）存在的主要问题\n人员不足。\n（二）改进措施\n加强培训。\n"
    assert topic_lists(text) == []


def test_a_lost_section_found_by_the_tagger_without_an_ordinal_counts_among_the_skipped():
    text = ("三、收到和处理政府信息公开申请情况\n申请人情况\n0\n（一）行政复议、行政诉讼情况\n行政复议\n0\n"
            "政府信息公开工作还存在一些问题和不足。\n人员不足。\n六、其他需要报告的事项\n无。\n")
    spans = tagged(text, ("三、收到和处理政府信息公开申请情况", "requests"), ("（一）行政复议、行政诉讼情况", "appeals"),
                   ("六、其他需要报告的事项", "other"))
    assert headings(text, missing_headings(text, spans)) == [("政府信息公开工作还存在一些问题和不足。", "problems")]


def test_a_figure_with_decimals_on_its_own_line_is_no_list_item():
    text = OVERVIEW_LIST + "（四）监督保障\n加强考核。\n本年收费金额（单位：万元）\n5.00\n本年度依申请公开政府信息情况如下。\n"
    assert [text[a:b].split("\n")[-1] for a, b in topic_lists(text)] == ["（四）监督保障"]


def test_a_list_ends_where_its_style_starts_again_at_one():
    """The lost section's own （一） starts a list of its own: the overview's does not run on into it."""
    text = OVERVIEW_LIST + "（一）收到申请情况\n收到申请3件。\n（四）其他\n"
    assert [text[a:b].split("\n")[-1] for a, b in topic_lists(text)] == ["（三）平台建设"]
