"""The field catalogue of ``shared/spec/fields.md`` in code.

One source of truth: the model's label set, the validator's identities and the
Label Studio config are all derived from the tables below.

>>> from gktagger import schema
>>> schema.FIELDS["t3.new.natural"].group
'table3'
>>> len(schema.SECTIONS), len(schema.FIELDS)
(7, 233)
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

FORMATS = ("2021", "2019", "legacy")
GROUPS = ("sections", "table2", "table3", "table4", "prose")


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    """One field ID; a table cell knows its ``table`` (t2, t3, t4), ``row`` and ``col`` (the ID's parts:
    item/measure in table 2, row/applicant column in table 3, block/result in table 4).

    >>> f = FIELDS["t3.denied_secret.natural"]
    >>> f.table, f.row, f.col
    ('t3', 'denied_secret', 'natural')
    """
    id: str
    group: str
    label: str
    formats: tuple[str, ...] = FORMATS
    kind: str = "count"  # count | decimal | change
    short: str = ""  # compact label used in validator messages

    # cached: the decoder and the validator ask a field for its parts hundreds of thousands of times
    @cached_property
    def table(self) -> str | None:
        return self.id.split(".")[0] if self.group.startswith("table") else None

    @cached_property
    def row(self) -> str:
        return self.id.split(".")[1] if self.table else self.id

    @cached_property
    def col(self) -> str | None:
        return self.id.split(".")[2] if self.table else None


# A heading's wording is matched as a prefix after its ordinal (三、存在的主要问题 is enough); the
# generator draws wordings by index (synth/compose.py), so a new one goes last.
SECTIONS: dict[str, Section] = {s.id: s for s in [
    Section("overview", "总体情况", ("概述", "基本情况", "主要工作概述", "基本工作情况")),
    Section("proactive", "主动公开政府信息情况", ("主动公开情况",)),
    Section("requests", "收到和处理政府信息公开申请情况",
            ("依申请公开情况", "政府信息依申请公开工作情况", "依申请公开和不予公开情况", "依申请公开")),
    Section("fees", "政府信息公开的收费及减免情况", ("收费及减免情况", "政府支出和收费情况")),
    Section("appeals", "政府信息公开行政复议、行政诉讼情况",
            ("因政府信息公开工作被申请行政复议、提起行政诉讼情况",
             "因政府信息公开申请行政复议、提起行政诉讼的情况")),
    Section("problems", "存在的主要问题及改进情况",
            ("政府信息公开工作存在的主要问题及改进情况", "存在的主要问题和改进措施", "主要问题和改进措施",
             "存在的主要问题")),
    Section("other", "其他需要报告的事项", ("需要说明的事项", "附表", "统计表")),
]}

T3_COLUMNS: dict[str, str] = {
    "natural": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social": "社会公益组织",
    "legal": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
T3_APPLICANT_COLUMNS = tuple(c for c in T3_COLUMNS if c != "total")

BOTH = ("2021", "2019")
# row id -> (label, short label for messages, formats)
T3_ROWS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "new": ("本年新收政府信息公开申请数量", "一", BOTH),
    "carried_over": ("上年结转政府信息公开申请数量", "二", BOTH),
    "granted": ("予以公开", "三(一)", BOTH),
    "partial": ("部分公开（区分处理的，只计这一情形，不计其他情形）", "三(二)", BOTH),
    "denied_secret": ("不予公开 1.属于国家秘密", "三(三)1", BOTH),
    "denied_law": ("不予公开 2.其他法律行政法规禁止公开", "三(三)2", BOTH),
    "denied_safety": ("不予公开 3.危及“三安全一稳定”", "三(三)3", BOTH),
    "denied_third_party": ("不予公开 4.保护第三方合法权益", "三(三)4", BOTH),
    "denied_internal": ("不予公开 5.属于三类内部事务信息", "三(三)5", BOTH),
    "denied_process": ("不予公开 6.属于四类过程性信息", "三(三)6", BOTH),
    "denied_enforcement": ("不予公开 7.属于行政执法案卷", "三(三)7", BOTH),
    "denied_query": ("不予公开 8.属于行政查询事项", "三(三)8", BOTH),
    "unable_not_held": ("无法提供 1.本机关不掌握相关政府信息", "三(四)1", BOTH),
    "unable_create": ("无法提供 2.没有现成信息需要另行制作", "三(四)2", BOTH),
    "unable_unclear": ("无法提供 3.补正后申请内容仍不明确", "三(四)3", BOTH),
    "refused_complaint": ("不予处理 1.信访举报投诉类申请", "三(五)1", BOTH),
    "refused_repeat": ("不予处理 2.重复申请", "三(五)2", BOTH),
    "refused_publication": ("不予处理 3.要求提供公开出版物", "三(五)3", BOTH),
    "refused_massive": ("不予处理 4.无正当理由大量反复申请", "三(五)4", BOTH),
    "refused_confirm": ("不予处理 5.要求行政机关确认或重新出具已获取信息", "三(五)5", BOTH),
    "other_processing": ("其他处理", "三(六)", ("2019",)),
    "other_no_correction": ("其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "三(六)1", ("2021",)),
    "other_no_fee": ("其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "三(六)2", ("2021",)),
    "other_misc": ("其他处理 3.其他", "三(六)3", ("2021",)),
    "total": ("总计", "三(七)", BOTH),
    "carried_forward": ("结转下年度继续办理", "四", BOTH),
}
T3_RESULT_ROWS = tuple(r for r in T3_ROWS if r not in ("new", "carried_over", "total", "carried_forward"))

T4_BLOCKS: dict[str, str] = {
    "review": "行政复议",
    "suit_direct": "行政诉讼 未经复议直接起诉",
    "suit_after_review": "行政诉讼 复议后起诉",
    "suit": "行政诉讼（未区分）",
}
T4_RESULTS: dict[str, str] = {
    "upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计",
}

# (item, measure, label, formats, kind)
T2_CELLS: list[tuple[str, str, str, tuple[str, ...], str]] = [
    ("regulations", "issued", "规章 本年制发件数", ("2021",), "count"),
    ("regulations", "repealed", "规章 本年废止件数", ("2021",), "count"),
    ("regulations", "in_force", "规章 现行有效件数", ("2021",), "count"),
    ("normative", "issued", "行政规范性文件 本年制发件数", ("2021",), "count"),
    ("normative", "repealed", "行政规范性文件 本年废止件数", ("2021",), "count"),
    ("normative", "in_force", "行政规范性文件 现行有效件数", ("2021",), "count"),
    ("regulations", "made", "规章 本年新制作数量", ("2019",), "count"),
    ("regulations", "published", "规章 本年新公开数量", ("2019",), "count"),
    ("regulations", "total_published", "规章 对外公开总数量", ("2019",), "count"),
    ("normative", "made", "规范性文件 本年新制作数量", ("2019",), "count"),
    ("normative", "published", "规范性文件 本年新公开数量", ("2019",), "count"),
    ("normative", "total_published", "规范性文件 对外公开总数量", ("2019",), "count"),
    ("licensing", "prev_items", "行政许可 上一年项目数量", ("2019",), "count"),
    ("licensing", "change", "行政许可 本年增/减", ("2019",), "change"),
    ("licensing", "decisions", "行政许可 处理决定数量", BOTH, "count"),
    ("other_services", "prev_items", "其他对外管理服务事项 上一年项目数量", ("2019",), "count"),
    ("other_services", "change", "其他对外管理服务事项 本年增/减", ("2019",), "change"),
    ("other_services", "decisions", "其他对外管理服务事项 处理决定数量", ("2019",), "count"),
    ("penalty", "prev_items", "行政处罚 上一年项目数量", ("2019",), "count"),
    ("penalty", "change", "行政处罚 本年增/减", ("2019",), "change"),
    ("penalty", "decisions", "行政处罚 处理决定数量", BOTH, "count"),
    ("coercion", "prev_items", "行政强制 上一年项目数量", ("2019",), "count"),
    ("coercion", "change", "行政强制 本年增/减", ("2019",), "change"),
    ("coercion", "decisions", "行政强制 处理决定数量", BOTH, "count"),
    ("fees", "amount", "行政事业性收费 本年收费金额（万元）", ("2021",), "decimal"),
    ("fees", "prev_items", "行政事业性收费 上一年项目数量", ("2019",), "count"),
    ("fees", "change", "行政事业性收费 本年增/减", ("2019",), "change"),
    ("procurement", "items", "政府集中采购 采购项目数量", ("2019",), "count"),
    ("procurement", "amount", "政府集中采购 采购总金额", ("2019",), "decimal"),
]


def _build_fields() -> dict[str, Field]:
    out: list[Field] = []
    for item, measure, label, formats, kind in T2_CELLS:
        out.append(Field(f"t2.{item}.{measure}", "table2", label, formats, kind))
    for row, (label, short, formats) in T3_ROWS.items():
        for col, col_label in T3_COLUMNS.items():
            out.append(Field(f"t3.{row}.{col}", "table3", f"{label} / {col_label}", formats + ("legacy",) * (col == "total"),
                             short=short))
    for block, block_label in T4_BLOCKS.items():
        formats = ("legacy",) if block == "suit" else FORMATS
        for result, result_label in T4_RESULTS.items():
            out.append(Field(f"t4.{block}.{result}", "table4", f"{block_label} {result_label}", formats,
                             short=result_label))
    out.append(Field("proactive.total", "prose", "主动公开政府信息数"))
    out.append(Field("requests.received", "prose", "收到政府信息公开申请数"))
    return {f.id: f for f in out}


FIELDS: dict[str, Field] = _build_fields()


def group_of(label: str) -> str:
    """The display/evaluation group of a section or field ID."""
    if label in SECTIONS:
        return "sections"
    try:
        return FIELDS[label].group
    except KeyError:
        raise KeyError(f"unknown label {label!r}: not a section or field ID of shared/spec/fields.md") from None


def entity_labels() -> list[str]:
    """Every taggable entity: section IDs first, then field IDs, in catalogue order."""
    return list(SECTIONS) + list(FIELDS)


def bio_labels() -> list[str]:
    """The model's label set: ``O`` then ``B-``/``I-`` for every entity label."""
    labels = ["O"]
    for name in entity_labels():
        labels += [f"B-{name}", f"I-{name}"]
    return labels


def template(fmt: str) -> list[str]:
    """The cells of tables 2–4 of a ``2019``/``2021`` report in reading order (row by row, left to right).

    >>> template("2021")[:3], len(template("2021")), len(template("2019"))
    (['t2.regulations.issued', 't2.regulations.repealed', 't2.regulations.in_force'], 200, 198)
    """
    return [f.id for f in FIELDS.values() if f.group in ("table2", "table3", "table4") and fmt in f.formats]
