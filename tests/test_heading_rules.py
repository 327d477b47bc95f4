"""Where a section starts when the tagger put its heading on a sub-heading or inside a statistics table,
and the shorter wordings the catalogue knows (``record/build.py``, synthetic texts)."""
from gktagger.record.build import missing_headings, settle_headings
from gktagger.tagging.tags import TagSpan

FILLER = "本机关围绕年度重点任务，持续推进政府信息公开标准化规范化建设，扎实做好各项工作。" * 3


def settled(text, *tagged):
    return [(text[h.start:h.start + 6], h.label) for h in settle_headings(text, [TagSpan(s, e, l) for s, e, l in tagged])]


def test_a_parenthesised_sub_heading_far_after_its_heading_is_no_section():
    text = "二、主动公开政府信息情况 （一）主动公开政府信息的数量 " + FILLER + "（二）主动公开政府信息的主要类别 " + FILLER
    sub = text.index("（二）") + 1
    assert len(text[:sub]) > 100  # farther back than a heading tagged just after its section's heading
    assert settled(text, (sub, sub + 8, "proactive")) == [("二、主动公开", "proactive")]


def test_a_sub_heading_after_another_sections_heading_stays_where_it_is():
    text = "二、主动公开政府信息情况 " + FILLER + "三、收到和处理政府信息公开申请情况 " + FILLER + "（二）主动公开情况"
    sub = text.index("（二）") + 1
    assert settled(text, (sub, sub + 6, "proactive")) == [("二）主动公开", "proactive")]


def test_a_heading_tagged_in_a_statistics_table_starts_at_the_tables_title():
    text = FILLER + " 二○一六年三月十日 附件1：某县人民政府2011年政府信息公开情况统计表 指标名称计量单位2011年度历年累计主动公开信息数条3120877"
    inside = text.index("年度历年")
    assert settled(text, (inside, inside + 6, "other")) == [("附件1：某县", "other")]
    text = FILLER + "七、某区政府信息公开情况统计表 指标名称计量单位2015年度历年累计"
    found = missing_headings(text, [TagSpan(0, 4, "overview")])
    assert [(text[h.start:h.end], h.label) for h in found] == [("七、某区政府信息公开情况统计表", "other")]


def test_a_mention_of_a_statistics_table_in_prose_is_no_title():
    text = FILLER + "相关数据详见附件统计表。" + FILLER
    assert missing_headings(text, [TagSpan(0, 4, "overview")]) == []


def test_shorter_wordings_of_a_heading_are_known():
    text = "一、概述\n" + FILLER + "\n二、依申请公开、不予公开及咨询政府信息情况\n" + FILLER + "\n三、存在的主要问题\n" + FILLER
    found = missing_headings(text, [TagSpan(0, 4, "overview")])
    assert [(text[h.start:h.start + 5], h.label) for h in found] == [("二、依申请", "requests"), ("三、存在的", "problems")]
