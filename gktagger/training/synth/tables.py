"""Tables as grids of cells in HTML reading order (a spanned cell appears once, in its first row).

>>> import random
>>> from .options import SynthOptions
>>> from .figures import report_values
>>> rng = random.Random(3); opts = SynthOptions()
>>> grid = table3(rng, "2021", report_values(rng, "2021", opts), CellStyle(rng, opts))
>>> sum(1 for row in grid for c in row if c.label and c.label.startswith("t3.")) <= 175
True
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from gktagger.identities import t3_result_rows
from gktagger.schema import T3_COLUMNS, T3_ROWS

from gktagger.training.synth.figures import print_change, print_count, print_decimal
from gktagger.training.synth.options import SynthOptions


@dataclass(slots=True)
class Cell:
    text: str
    label: str | None = None
    colspan: int = 1
    rowspan: int = 1
    suffix: str = ""  # unlabelled text after the value (万元)


Grid = list[list[Cell]]
NA_MARKS = ("/", "/", "-", "—", "无", "／")


class CellStyle:
    """Per-document choices of how zeros and values print (blank, NA marks, thousands separators)."""
    def __init__(self, rng: random.Random, opts: SynthOptions) -> None:
        self.rng, self.opts = rng, opts
        self.blank_rate = rng.choice([0.5, 0.9, 1.0]) if rng.random() < opts.p_blank_zeros else 0.0
        self.na_rate = rng.choice([0.3, 0.8, 1.0]) if rng.random() < opts.p_na_zeros else 0.0
        self.na_mark = rng.choice(NA_MARKS)
        self.blank_totals = bool(self.blank_rate) and rng.random() < opts.p_blank_totals

    def value(self, label: str, v, kind: str = "count") -> Cell:
        rng = self.rng
        if v == 0 and self.blank_rate and rng.random() < self.blank_rate:
            return Cell("")
        if v == 0 and self.na_rate and rng.random() < self.na_rate:
            return Cell(self.na_mark, label)
        if kind == "decimal":
            return Cell(print_decimal(rng, v), label)
        if kind == "change":
            return Cell(print_change(rng, v), label)
        return Cell(print_count(rng, v, self.opts), label)


def table2(rng: random.Random, fmt: str, v: dict, style: CellStyle) -> Grid:
    head = lambda item: [Cell(f"第二十条第（{item}）项", colspan=4)]
    g: Grid = []
    if fmt == "2021":
        g.append(head("一"))
        g.append([Cell("信息内容"), Cell("本年制发件数"), Cell("本年废止件数"), Cell("现行有效件数")])
        for item, name in (("regulations", "规章"), ("normative", "行政规范性文件")):
            g.append([Cell(name)] + [style.value(f"t2.{item}.{m}", v[f"t2.{item}.{m}"])
                                     for m in ("issued", "repealed", "in_force")])
        for item, rows in (("五", [("licensing", "行政许可")]), ("六", [("penalty", "行政处罚"), ("coercion", "行政强制")])):
            g.append(head(item))
            g.append([Cell("信息内容"), Cell("本年处理决定数量", colspan=3)])
            for key, name in rows:
                c = style.value(f"t2.{key}.decisions", v[f"t2.{key}.decisions"])
                c.colspan = 3
                g.append([Cell(name), c])
        g.append(head("八"))
        g.append([Cell("信息内容"), Cell(rng.choice(["本年收费金额（单位：万元）", "本年收费金额(单位:万元)"]), colspan=3)])
        c = style.value("t2.fees.amount", v["t2.fees.amount"], "decimal")
        c.colspan = 3
        g.append([Cell("行政事业性收费"), c])
        return g
    g.append(head("一"))
    g.append([Cell("信息内容"), Cell("本年新制作数量"), Cell("本年新公开数量"), Cell("对外公开总数量")])
    for item, name in (("regulations", "规章"), ("normative", "规范性文件")):
        g.append([Cell(name)] + [style.value(f"t2.{item}.{m}", v[f"t2.{item}.{m}"])
                                 for m in ("made", "published", "total_published")])
    for item, rows in (("五", [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")]),
                       ("六", [("penalty", "行政处罚"), ("coercion", "行政强制")])):
        g.append(head(item))
        g.append([Cell("信息内容"), Cell("上一年项目数量"), Cell("本年增/减"), Cell("处理决定数量")])
        for key, name in rows:
            g.append([Cell(name), style.value(f"t2.{key}.prev_items", v[f"t2.{key}.prev_items"]),
                      style.value(f"t2.{key}.change", v[f"t2.{key}.change"], "change"),
                      style.value(f"t2.{key}.decisions", v[f"t2.{key}.decisions"])])
    g.append(head("八"))
    g.append([Cell("信息内容"), Cell("上一年项目数量"), Cell("本年增/减", colspan=2)])
    c = style.value("t2.fees.change", v["t2.fees.change"], "change")
    c.colspan = 2
    g.append([Cell("行政事业性收费"), style.value("t2.fees.prev_items", v["t2.fees.prev_items"]), c])
    g.append(head("九"))
    g.append([Cell("信息内容"), Cell("采购项目数量"), Cell("采购总金额", colspan=2)])
    c = style.value("t2.procurement.amount", v["t2.procurement.amount"], "decimal")
    c.colspan = 2
    if c.label and rng.random() < 0.5:
        c.suffix = "万元"
    g.append([Cell("政府集中采购"), style.value("t2.procurement.items", v["t2.procurement.items"]), c])
    return g


_T3_LABELS = {
    "granted": "（一）予以公开", "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied": "（三）不予公开", "unable": "（四）无法提供", "refused": "（五）不予处理", "other": "（六）其他处理",
    "total": "（七）总计",
}


def _sub_label(row: str) -> str:
    return T3_ROWS[row][0].split(" ", 1)[-1]


def t3_groups(fmt: str) -> list[tuple[str, list[str]]]:
    """Rows 三（一）–（七） grouped under their heading (granted, partial, denied, …, total).

    >>> [(k, len(rows)) for k, rows in t3_groups("2019")][-3:]
    [('refused', 5), ('other', 1), ('total', 1)]
    """
    groups: list[tuple[str, list[str]]] = []
    for row in t3_result_rows(fmt) + ("total",):
        key = row.split("_")[0] if row not in ("other_processing",) else "other"
        if groups and groups[-1][0] == key:
            groups[-1][1].append(row)
        else:
            groups.append((key, [row]))
    return groups


def t3_cells(style: CellStyle, fmt: str, v: dict, row: str) -> list[Cell]:
    """The seven value cells of one table-3 row; the 总计 of rows 三（一）–（六） may be left blank."""
    cells = [style.value(f"t3.{row}.{col}", v[f"t3.{row}.{col}"]) for col in T3_COLUMNS]
    if style.blank_totals and row in t3_result_rows(fmt):
        cells[-1] = Cell("")
    return cells


def table3(rng: random.Random, fmt: str, v: dict, style: CellStyle) -> Grid:
    note = rng.choice(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                       "(本列数据的勾稽关系为:第一项加第二项之和等于第三项加第四项之和)", ""])
    g: Grid = [
        [Cell(note, colspan=3, rowspan=3), Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        [Cell(name) for col, name in T3_COLUMNS.items() if col not in ("natural", "total")],
    ]
    if rng.random() < 0.3:
        g[2][-2] = Cell(rng.choice(["法律服务机构", "法律服务机构"]))
    values = lambda row: t3_cells(style, fmt, v, row)
    g.append([Cell("一、本年新收政府信息公开申请数量", colspan=3)] + values("new"))
    g.append([Cell("二、上年结转政府信息公开申请数量", colspan=3)] + values("carried_over"))
    result_rows = len(t3_result_rows(fmt)) + 1
    first = True
    for key, members in t3_groups(fmt):
        for j, row in enumerate(members):
            cells: list[Cell] = []
            if first:
                cells.append(Cell("三、本年度办理结果", rowspan=result_rows))
                first = False
            if len(members) == 1 and key in ("granted", "partial", "total", "other"):
                cells.append(Cell(_T3_LABELS[key], colspan=2))
            else:
                if j == 0:
                    cells.append(Cell(_T3_LABELS[key], rowspan=len(members)))
                cells.append(Cell(_sub_label(row)))
            g.append(cells + values(row))
    g.append([Cell("四、结转下年度继续办理", colspan=3)] + values("carried_forward"))
    return g


def table4(rng: random.Random, fmt: str, v: dict, style: CellStyle) -> Grid:
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    g: Grid = [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [Cell(r, rowspan=2) for r in results] + [Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [Cell(r) for r in results] * 2,
        [style.value(f"t4.{b}.{r}", v[f"t4.{b}.{r}"])
         for b in ("review", "suit_direct", "suit_after_review")
         for r in ("upheld", "corrected", "other", "pending", "total")],
    ]
    return g


# (row names, unit, field ID or None); a 其中 list's rows follow their total
_LEGACY_ROWS = [
    (("主动公开政府信息数", "主动公开文件数", "主动公开信息数"), "条", "proactive.total"),
    (("其中：1.政府网站公开数",), "条", None),
    (("2.政府公报公开数",), "条", None),
    (("受理依申请公开信息总数", "受理政府信息公开申请总数", "申请总数"), "件", "requests.received"),
    (("其中：1.当面申请数",), "件", None),
    (("2.网上申请数",), "件", None),
    (("3.信函、传真申请数",), "件", None),
    (("对申请的答复总数",), "件", None),
    (("其中：1.同意公开答复数",), "件", "t3.granted.total"),
    (("2.同意部分公开答复数",), "件", "t3.partial.total"),
    (("3.否决公开答复数", "3.不予公开答复数"), "件", None),
    (("行政复议数",), "件", "t4.review.total"),
    (("行政诉讼数",), "件", "t4.suit.total"),
    (("申诉举报数", "接受行政诉讼、举报数"), "件", None),
]
_ANSWERS = ("t3.granted.total", "t3.partial.total", "3.否决公开答复数", "3.不予公开答复数")


def legacy_table(rng: random.Random, year: int, v: dict, style: CellStyle) -> Grid:
    """A ≤2018 statistics table: only the report year's column is labelled. 历年累计 is the report
    year's figure plus the earlier years', and the earlier years split their totals as the report year
    does, so a 其中 list's running totals add up to (answers: stay within) its total's, as on a real page
    (``SynthOptions.legacy_totals_add_up``; without it each row's 累计 is drawn on its own)."""
    g: Grid = [[Cell("指标名称"), Cell(rng.choice(["计量单位", "单位"])),
                Cell(rng.choice([f"{year}年度", "本年度", f"{year}年"])), Cell("历年累计")]]
    share = 0.6 + 0.4 * rng.random()

    def derived(proactive: int, received: int) -> dict:
        web = int(proactive * share)
        return {"其中：1.政府网站公开数": web, "2.政府公报公开数": proactive - web, "其中：1.当面申请数": received // 3,
                "2.网上申请数": received - received // 3 - received // 5, "3.信函、传真申请数": received // 5,
                "对申请的答复总数": received}
    this_year = derived(v["proactive.total"], v["requests.received"])
    adds_up = style.opts.legacy_totals_add_up
    earlier, answers_left = {}, (0, 0)  # (本年, earlier years) the answer rows may still count
    for names, unit, label in _LEGACY_ROWS:
        name = rng.choice(names)
        if label is None and name not in this_year and rng.random() < 0.5:
            continue
        n = v[label] if label else this_year.get(name, rng.choice([0, 0, 1]))
        if adds_up and label is None and name in _ANSWERS:  # (the labelled answers are within the total already)
            n = min(n, answers_left[0])
        cell = style.value(label, n) if label else Cell(print_count(rng, n, style.opts))
        before = n * (rng.randint(1, 12) - 1) + rng.randint(0, 30)  # the earlier years' figure
        if adds_up and name in this_year:
            before = derived(earlier.get("proactive.total", 0), earlier.get("requests.received", 0))[name]
            answers_left = (n, before) if name == "对申请的答复总数" else answers_left
        elif adds_up and (label or name) in _ANSWERS:
            before = min(before, answers_left[1])
            answers_left = (answers_left[0] - n, answers_left[1] - before)
        elif adds_up and label:
            earlier[label] = before
        g.append([Cell(name), Cell(unit), cell, Cell(str(n + before))])
    return g
