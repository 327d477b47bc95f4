"""Every Chinese wording the pipeline and the generator rely on, in one leaf module.

Section headings and field names belong to the field catalogue (``schema.py``);
what is here is the vocabulary *around* the figures: how a count, an NA cell,
an approximate figure or a table-4 result is written. The decoder, the value
parser, the cue stage and ``training/synth`` all import it, so a wording added
here is both read and generated.

>>> NUMBER.findall("予以公开 1,203 件, 增12, 不适用 | / |")
['1,203', '增12', '不适用', '/']
>>> "件" in MEASURE_WORDS, "年" in NOT_A_COUNT
(True, True)
"""
from __future__ import annotations

import re

HANZI = "\u4e00-\u9fff"  # the basic CJK block: what a heading or a sentence is written in
CJK = rf"\u3400-\u4dbf{HANZI}\uf900-\ufaff\U00020000-\U0003134f"  # with extensions and compatibility forms
ORDINALS = "一二三四五六七八九十"  # section ordinals: 一、 … 十、

MEASURE_WORDS = frozenset("件条个项次份人家起宗批")  # after a number: a figure in prose, not a table cell
NOT_A_COUNT = frozenset("年月日%％号")  # after a number: a date, a share or a document number, never a count
UNITS = ("万元", "亿元", "元", "件", "条", "个", "项", "次", "万")  # longest first where they share a tail
APPROX_MARKS = ("余", "餘", "多", "近", "约", "約", "超")
NA_MARKS = ("/", "-", "—", "－", "／", "––", "——", "无", "無", "不适用", "不適用", "--")  # a cell not applicable
SIGNS = "+-增减"  # a change in table 2 (2019 template): +3, -2, 增3, 减2
HANZI_NUMERALS = "零〇一二两三四五六七八九十百千"
# A figure as prose writes it, whole: digits with separators and decimals, or Chinese numerals counting cases,
# applications or items (五件, 十余起; never an ordinal: 第二十条), with its approximation marks.
WHOLE_FIGURE = re.compile(rf"(?:约|近|超|逾)?(?:\d[\d,]*(?:\.\d+)?"
                          rf"|(?<![{HANZI_NUMERALS}万第])[{HANZI_NUMERALS}]+(?=(?:余|多)?\s*[件起份宗条]))(?:余|多)?")

# An NA mark as it stands in the normalised text (full-width and traditional forms folded), longest first.
_NA_NORMALISED = sorted({m for m in NA_MARKS if m.isascii() or m in "—无" or m in ("––", "——", "不适用")},
                        key=len, reverse=True)

# A value as a table prints it: a signed change, a number with thousands separators, a plain number
# (decimals allowed), or an NA mark standing alone in its cell.
NUMBER = re.compile(r"[+\-增减]\d+(?:\.\d+)?"
                    r"|(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])"
                    r"|(?<![\d.,])\d+(?:\.\d+)?"
                    rf"|(?:(?<=[\s|])|^)(?:{'|'.join(map(re.escape, _NA_NORMALISED))})(?=[\s|]|$)")


# What a section is about, as its first sub-heading or sentence names it when the heading itself is lost.
TOPIC_WORDS = {
    "overview": "总体情况|概述|基本情况",
    "proactive": "主动公开",
    "requests": "依申请|收到[^。\n]{0,6}申请",
    "fees": "收费|减免",
    "appeals": "行政复议|行政诉讼",
    "problems": "存在的?[^。\n]{0,4}问题|不足|改进",
    "other": "其他需要报告|其他事项|需要说明",
}
SUB_ORDINAL = rf"(?:[(（][{ORDINALS}]{{1,2}}[)）]|\d{{1,2}}[.、．]|[{ORDINALS}]是)"  # (一) 1. 一是

# A page footer a PDF leaves in the text, on a line of its own: — 5 —, - 5 -, 第5页, 第 5 页 共 12 页, 5/12.
PAGE_FOOTER = re.compile(r"^[ \t]*(?:[—\-－–]+[ \t]*\d{1,4}[ \t]*[—\-－–]+|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,，/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?"
                         r"|\d{1,4}[ \t]*/[ \t]*\d{1,4})[ \t]*$", re.MULTILINE)

# The whole count a prose field states, as the words before it in its clause name it (``cues.py``), and the
# words of a clause that gives only a part of it (a breakdown: 其中网上申请40件, 涉及自然人57件).
PROSE_COUNT_WORDS = {
    "requests.received": r"(?:收到|受理|接收|新收|共收)[^,，;；。、\n]{0,12}申请|申请[^,，;；。\n]{0,4}(?:总数|总量|共计|合计)",
    "proactive.total": r"主动公开[^,，;；。、\n]{0,12}(?:信息|文件)",
}
PART_WORDS = r"其中|其他|涉及|包括|网上|当面|信函|传真|自然人|法人|企业|同比|增长|减少|办理|结转|答复|公开[^,，;；。\n]{0,3}(?:网站|公报)"
# An open bracket whose breakdown has begun: every clause up to its closing bracket gives a part (（其中…，…）).
BREAKDOWN = r"[(（]其中[^)）]*$"

# Table-3 rows whose total prose states in so many words (``cues.py``): the clause before the figure names it.
T3_ROW_WORDS = (
    ("carried_over", r"上一?年度?结转|结转上一?年度?"),
    ("carried_forward", r"结转(?:至|到)?(?:下一?年度?|\d{4}年(?:度)?)(?:继续)?办理"),
    ("partial", r"部分公开"),
    ("granted", r"(?<!部分)(?:予以公开|同意公开|全部公开)"),
    ("total", r"(?<![未尚])办结(?!率)"),  # 已办结171件: the results' 总计, which leaves out what is carried forward
)
# A row whose words are any office's casework (审批事项办结171件) names it only in a sentence about these requests.
T3_ROW_CONTEXT = {"total": r"申请"}
# ... and the words right after it (the measure word included): 1件结转下年度继续办理 (fields.md).
T3_ROW_WORDS_AFTER = (
    ("carried_forward", r"\s*[件份条个]\s*(?:结转|转入)(?:至|到)?(?:下一?年度?|\d{4}年度?)"),
)
# A prose figure in a clause that states a change from another year is no field: fields.md has no prose change.
CHANGE_WORDS = r"(?:较|比|同比|环比)[^,，;；。、\n]{0,10}?(?:增加|减少|增长|下降|上升|提高|降低|持平|多|少)"
# After a prose figure: it counts something that no field counts (涉及4个部门, 15个工作日).
NOT_CASE_WORDS = r"\s*[个项家](?:部门|单位|乡镇|街道|社区|政府信息|信息|工作日|网站|平台|栏目)"

# A legacy (≤2018) statistics table's header: 指标名称 | (计量)单位 | 本年度 or 2013年度 | 历年累计 (``legacy.py``).
LEGACY_HEADER = r"单位[\s|]*(?:本年度?|\d{4}[\s|]*年度?)[\s|]*(?:历年)?累计"
# Its rows that have a field ID (GUIDELINES: the legacy mapping), by the wording of their label; the
# channel breakdowns, 答复总数, 否决/不予公开 and 申诉举报 rows have none. (``legacy.py`` lets a label wrap
# after any of its characters: no look-behind here may hold one.)
LEGACY_ROW_WORDS = (
    ("proactive.total", r"主动公开(?:政府)?(?:信息|文件)数"),
    ("requests.received", r"受理[^\d\n]{0,12}?申请[^\d\n]{0,4}?总数|(?:^|(?<=[\s|\d：:]))申请总数"),
    ("t3.granted.total", r"同意公开答复数"),
    ("t3.partial.total", r"同意部分公开答复数"),
    ("t4.review.total", r"行政复议数"),
    ("t4.suit.total", r"行政诉讼数"),  # not 接受行政诉讼、举报数
)

# Table-4 results and blocks as prose names them (``cues.py``): the first result that matches names
# it (尚未审结 before the result words, 其他 last); the last block named before a figure is its block.
RESULT_WORDS = (
    ("pending", "未审结|未结|审理中|未办结"),
    ("upheld", "维持|驳回"),
    ("corrected", "纠正|撤销|变更|确认违法"),
    ("other", "其他|其它|终止|撤诉|撤回"),
)
BLOCK_WORDS = (  # longer wordings first
    ("second_instance", "上诉"),  # an appeal to a higher court: no block of table 4, its figures are no field
    ("suit_after_review", "复议后起诉|复议后提起|经复议"),
    ("suit_direct", "直接起诉|未经复议"),
    ("suit", "诉讼|起诉"),
    ("review", "复议"),
)
