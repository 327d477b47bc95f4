"""Tables 2-4 as PDF → markdown converters print them: one small table per row or row group, under ``###``.

A value cell keeps the field of its template position whatever header is printed over it:
generic ``数据1…数据6``, the real column names, names shifted by one column, or a wrong header
(项目 | 本年新收件数 | …) over the last rows.

>>> import random
>>> from .options import SynthOptions
>>> from .figures import report_values
>>> rng = random.Random(2); opts = SynthOptions(p_blank_zeros=0)
>>> v = report_values(rng, "2021", opts)
>>> blocks = mini_table4(rng, "2021", v, CellStyle(rng, opts))
>>> blocks[0].heading, blocks[0].header, [c.label for c in blocks[0].rows[0]][:2]
('行政复议', ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计'], ['t4.review.upheld', 't4.review.corrected'])
>>> [(b.heading, b.header[1:2], len(b.rows)) for b in mini_table3(rng, "2021", v, CellStyle(rng, opts))][-3:]
[('(六) 其他处理', ['数据1'], 3), ('(七) 总计', ['数据1'], 1), (None, ['本年新收件数'], 1)]
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from gktagger.identities import T4_TABLE_BLOCKS
from gktagger.schema import T3_COLUMNS, T3_ROWS, T4_RESULTS

from gktagger.training.synth.tables import Cell, CellStyle, t3_cells, t3_groups, table2

ORDINALS = "一二三四五六七"
T3_HEADERS = [
    ["类别"] + [f"数据{i}" for i in range(1, 7)] + ["总计"],
    ["类别"] + list(T3_COLUMNS.values()),
    ["项目"] + list(T3_COLUMNS.values())[1:] + [""],  # names shifted one column to the left
]
NOTES = ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
         "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]
WRONG_HEADER = ["项目", "本年新收件数", "上年结转件数", "予以公开", "部分公开", "不予公开", "结转下年度", "总计"]
_GROUP_NAMES = {"granted": "予以公开", "partial": "部分公开（区分处理的，只计这一情形，不计其他情形）",
                "denied": "不予公开", "unable": "无法提供", "refused": "不予处理", "other": "其他处理", "total": "总计"}


@dataclass
class Block:
    heading: str | None  # the ``###`` line; None continues the table before it
    header: list[str] = field(default_factory=list)  # empty: a heading on its own
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""  # a line of text before the heading


def mini_table2(rng: random.Random, fmt: str, v: dict, style: CellStyle) -> list[Block]:
    """Table 2 cut at its 第二十条第（…）项 rows, each item a table with its own header."""
    blocks: list[Block] = []
    for row in table2(rng, fmt, v, style):
        if len(row) == 1:
            blocks.append(Block(row[0].text))
        elif not blocks[-1].header:
            blocks[-1].header = [c.text for c in row]
        else:
            blocks[-1].rows.append(row)
    return blocks


def _t3_plan(rng: random.Random, fmt: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(row name, row ID)]) in template order; 三、本年度办理结果 is a heading without rows."""
    half = rng.random() < 0.5  # (一) 予以公开, 1. 属于国家秘密 as the Shuyang page prints them
    paren, dot = ("({}) ", "{}. ") if half else ("（{}）", "{}.")
    name = lambda row: T3_ROWS[row][0]
    plan = [("一、" + name("new"), [(name("new"), "new")]),
            ("二、" + name("carried_over"), [(name("carried_over"), "carried_over")]), ("三、本年度办理结果", [])]
    for i, (key, members) in enumerate(t3_groups(fmt)):
        words = _GROUP_NAMES[key]
        if half:
            words = words.replace("（", " (").replace("，", ", ").replace("）", ")")
        rows = [(words, members[0])] if len(members) == 1 else []
        for row in members[len(rows):]:
            number, text = name(row).split(" ", 1)[-1].split(".", 1)
            rows.append((dot.format(number) + text, row))
        plan.append((paren.format(ORDINALS[i]) + words, rows))
    plan.append(("四、" + name("carried_forward"), [(name("carried_forward"), "carried_forward")]))
    return plan


def _placeholders() -> list[Block]:
    """The applicant-column headers, lost in conversion: three tables of ``-`` (not NA marks, never labelled)."""
    one = lambda who: Block(f"申请人情况 ({who})", ["(数据项目)", "数量"], [[Cell("-"), Cell("-")]])
    org = Block("申请人情况 (法人或其他组织)", ["商业企业", "科研机构", "社会公益", "法律服务机构", "其他"],
                [[Cell("-") for _ in range(5)]])
    return [one("自然人"), org, one("总计")]


def mini_table3(rng: random.Random, fmt: str, v: dict, style: CellStyle) -> list[Block]:
    """Table 3 row by row (a group such as 三（三） as one table), optionally a wrong header over the tail."""
    header = rng.choice(T3_HEADERS)
    plan = _t3_plan(rng, fmt)
    n_rows = sum(len(rows) for _, rows in plan)
    cut = n_rows - rng.randint(1, 5) if rng.random() < 0.3 else n_rows  # rows from here on sit under WRONG_HEADER
    blocks = _placeholders() if rng.random() < 0.7 else []
    if rng.random() < 0.6:
        blocks.insert(0, Block(None, note=rng.choice(NOTES)))
    tail = Block(None, WRONG_HEADER)
    i = 0
    for heading, rows in plan:
        if i >= cut:  # the whole group under the wrong header: its heading names (or starts) the first row
            first = heading if len(rows) == 1 else heading + " " + rows[0][0]
            rows = [(first, rows[0][1])] + rows[1:]
        else:
            blocks.append(Block(heading, header if rows else []))
        for row_name, row in rows:
            (tail if i >= cut else blocks[-1]).rows.append([Cell(row_name)] + t3_cells(style, fmt, v, row))
            i += 1
    return blocks + ([tail] if tail.rows else [])


def mini_table4(rng: random.Random, fmt: str, v: dict, style: CellStyle) -> list[Block]:
    """One table per block: 行政复议, 行政诉讼（未经复议直接起诉）, 行政诉讼（复议后起诉）."""
    paren = rng.choice(["（{}）", " ({})", "（{}）", "-{}"])
    names = {"review": "行政复议", "suit_direct": "行政诉讼" + paren.format("未经复议直接起诉"),
             "suit_after_review": "行政诉讼" + paren.format("复议后起诉")}
    header = list(T4_RESULTS.values())
    return [Block(names[b], header, [[style.value(f"t4.{b}.{r}", v[f"t4.{b}.{r}"]) for r in T4_RESULTS]])
            for b in T4_TABLE_BLOCKS]
