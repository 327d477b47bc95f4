"""Tables 2, 3 and 4 rebuilt from a record's fields in the official layout of its format.

Rows, columns and labels come from the catalogue (:mod:`gktagger.schema`), filtered by the
format (2021 and 2019 differ in table 2 and in table 3's 其他处理 rows). Legacy and unknown
formats have no official grid: only the rows and columns that hold a stated field are drawn.

>>> ctx = Cells({"t3.new.natural": {"value": 2, "text": "2", "start": 5, "end": 6}}, linked={"t3.new.natural"})
>>> "2</a>" in table3("2021", ctx) and 'href="#span-t3.new.natural"' in table3("2021", ctx)
True
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gktagger.schema import FIELDS, T2_CELLS, T3_COLUMNS, T3_ROWS, T4_BLOCKS, T4_RESULTS
from gktagger.review.page import esc, fmt_value

STANDARD = ("2021", "2019")
# 《条例》第二十条 items of table 2: layout knowledge the catalogue does not carry
T2_ARTICLES = {"regulations": "（一）", "normative": "（一）", "licensing": "（五）", "other_services": "（五）",
               "penalty": "（六）", "coercion": "（六）", "fees": "（八）", "procurement": "（九）"}
T3_RESULTS_HEADING = "三、本年度办理结果"
CHINESE_ORDINALS = "一二三四五六七八九十"


def field_marks(entry: dict, failing: list[int] | None) -> tuple[list[str], list[str]]:
    """CSS classes and hover notes of a reported field, the same in the text and in the rebuilt table."""
    classes, notes = [], []
    if entry.get("split") == "inferred":
        classes.append("inferred-box")
        notes.append("split inferred")
    if entry.get("prose"):
        classes.append("prose-mark")
        notes.append("stated in prose")
    if failing:
        classes.append("fail-box")
        notes.append("failing check " + ", ".join(f"#{i + 1}" for i in failing))
    return classes, notes


@dataclass
class Cells:
    """What a table cell needs to know: the fields, which are in failing checks, which have a span to link."""
    fields: dict
    failing: dict[str, list[int]] = field(default_factory=dict)  # field ID -> indexes of failing checks
    linked: set[str] = field(default_factory=set)

    def td(self, fid: str) -> str:
        entry = self.fields.get(fid)
        label = FIELDS[fid].label
        if entry is None:
            classes = ["cell", "blank"] + (["fail-box"] if fid in self.failing else [])
            return f'<td id="cell-{esc(fid)}" class="{" ".join(classes)}" title="{esc(fid)} · {esc(label)} · not stated"></td>'
        marks, notes = field_marks(entry, self.failing.get(fid))
        classes = ["cell", f"g-{FIELDS[fid].group}", *marks]
        if entry.get("na"):
            notes.append("NA")
        title = f"{fid} = {fmt_value(entry)} · {label} · text {entry.get('text', '')!r}"
        title += "".join(f" · {n}" for n in notes)
        shown = esc(fmt_value(entry))
        inner = f'<a href="#span-{esc(fid)}">{shown}</a>' if fid in self.linked else shown
        return f'<td id="cell-{esc(fid)}" class="{" ".join(classes)}" title="{esc(title)}">{inner}</td>'

    def stated(self, fids) -> bool:
        return any(f in self.fields for f in fids)


def placed_fields(fmt: str, ctx: Cells) -> set[str]:
    """Every field ID that the rebuilt tables of this format show (the rest is listed apart)."""
    out = {f"t2.{item}.{measure}" for item, measure, *_ in _t2_cells(fmt)}
    rows, cols = _t3_grid(fmt, ctx)
    out |= {f"t3.{r}.{c}" for r in rows for c in cols}
    out |= {f"t4.{b}.{r}" for b in _t4_blocks(fmt, ctx) for r in T4_RESULTS}
    return out


def _t2_cells(fmt: str):
    return [c for c in T2_CELLS if fmt in c[3]]


def table2(fmt: str, ctx: Cells) -> str:
    """Table 2 (主动公开政府信息情况): one block per 第二十条 item, columns as the format prints them."""
    cells = _t2_cells(fmt)
    if not cells:
        return ""
    blocks: dict[str, dict] = {}
    for item, measure, label, _, _ in cells:
        item_label, measure_label = label.split(" ", 1)
        block = blocks.setdefault(T2_ARTICLES[item], {"items": {}, "measures": {}})
        block["items"].setdefault(item, item_label)
        block["measures"].setdefault(measure, measure_label)
    width = 1 + max(len(b["measures"]) for b in blocks.values())
    rows = []
    for article, block in blocks.items():
        rows.append(f'<tr><th colspan="{width}" class="article">第二十条第{esc(article)}项</th></tr>')
        pad = width - 1 - len(block["measures"])
        heads = "".join(f"<th>{esc(m)}</th>" for m in block["measures"].values())
        filler = '<td class="none"></td>' * pad
        rows.append(f"<tr><th>信息内容</th>{heads}{'<th></th>' * pad}</tr>")
        for item, item_label in block["items"].items():
            tds = "".join(ctx.td(f"t2.{item}.{m}") if fmt in getattr(FIELDS.get(f"t2.{item}.{m}"), "formats", ())
                          else '<td class="none"></td>' for m in block["measures"])
            rows.append(f'<tr><th class="rowhead">{esc(item_label)}</th>{tds}{filler}</tr>')
    return f'<table id="table2" class="rebuilt t2" data-format="{esc(fmt)}">{"".join(rows)}</table>'


def _t3_grid(fmt: str, ctx: Cells) -> tuple[list[str], list[str]]:
    if fmt in STANDARD:
        return [r for r, (_, _, formats) in T3_ROWS.items() if fmt in formats], list(T3_COLUMNS)
    rows = [r for r in T3_ROWS if ctx.stated(f"t3.{r}.{c}" for c in T3_COLUMNS)]
    cols = [c for c in T3_COLUMNS if ctx.stated(f"t3.{r}.{c}" for r in T3_ROWS)]
    return rows, cols


def _t3_parts(row: str) -> tuple[str, str, str]:
    """(top ordinal, sub-item, leaf label) of a table-3 row, e.g. ('三', '（三）不予公开', '1.属于国家秘密')."""
    label, short, _ = T3_ROWS[row]
    top, _, rest = short.partition("(")
    if not rest:
        return top, "", f"{top}、{label}"
    sub_ordinal, _, leaf_number = rest.partition(")")
    sub_label, _, leaf = label.partition(" ")
    if leaf_number:
        return top, f"（{sub_ordinal}）{sub_label}", leaf
    return top, f"（{sub_ordinal}）{label}", ""


def table3(fmt: str, ctx: Cells) -> str:
    """Table 3 (收到和处理政府信息公开申请情况) with the official two-level header and row groups."""
    rows, cols = _t3_grid(fmt, ctx)
    if not rows or not cols:
        return ""
    orgs = [c for c in cols if c not in ("natural", "total")]
    head1 = f'<tr><th rowspan="3" colspan="3"></th><th colspan="{len(cols)}">申请人情况</th></tr>'
    head2 = "<tr>"
    for c in cols:
        if c in orgs:
            if c == orgs[0]:
                head2 += f'<th colspan="{len(orgs)}">法人或其他组织</th>'
        else:
            head2 += f'<th rowspan="2">{esc(T3_COLUMNS[c])}</th>'
    head2 += "</tr>"
    head3 = "<tr>" + "".join(f"<th>{esc(T3_COLUMNS[c])}</th>" for c in orgs) + "</tr>"
    parts = {r: _t3_parts(r) for r in rows}
    out = [head1, head2, head3]
    seen_top, seen_sub = set(), set()
    for r in rows:
        top, sub, leaf = parts[r]
        heads = ""
        if top != "三":
            heads = f'<th colspan="3" class="rowhead">{esc(leaf)}</th>'
        else:
            if top not in seen_top:
                seen_top.add(top)
                span = sum(1 for p in parts.values() if p[0] == top)
                heads += f'<th rowspan="{span}" class="rowhead">{esc(T3_RESULTS_HEADING)}</th>'
            if not leaf:
                heads += f'<th colspan="2" class="rowhead">{esc(sub)}</th>'
            else:
                if sub not in seen_sub:
                    seen_sub.add(sub)
                    span = sum(1 for p in parts.values() if p[1] == sub)
                    heads += f'<th rowspan="{span}" class="rowhead">{esc(sub)}</th>'
                heads += f'<th class="rowhead leaf">{esc(leaf)}</th>'
        out.append(f'<tr data-row="{esc(r)}">{heads}{"".join(ctx.td(f"t3.{r}.{c}") for c in cols)}</tr>')
    return f'<table id="table3" class="rebuilt t3" data-format="{esc(fmt)}">{"".join(out)}</table>'


def _t4_blocks(fmt: str, ctx: Cells) -> list[str]:
    if fmt in STANDARD:
        return [b for b in T4_BLOCKS if fmt in FIELDS[f"t4.{b}.total"].formats]
    return [b for b in T4_BLOCKS if ctx.stated(f"t4.{b}.{r}" for r in T4_RESULTS)]


def table4(fmt: str, ctx: Cells) -> str:
    """Table 4 (行政复议、行政诉讼): one header group per block, one row of results."""
    blocks = _t4_blocks(fmt, ctx)
    if not blocks:
        return ""
    tops: list[tuple[str, list[tuple[str, str]]]] = []
    for b in blocks:
        top, _, sub = T4_BLOCKS[b].partition(" ")
        if tops and tops[-1][0] == top and sub:
            tops[-1][1].append((b, sub))
        else:
            tops.append((top, [(b, sub)]))
    n = len(T4_RESULTS)
    head1 = head2 = head3 = ""
    for top, subs in tops:
        if len(subs) == 1 and not subs[0][1]:
            head1 += f'<th colspan="{n}">{esc(top)}</th>'
            head2 += "".join(f'<th rowspan="2">{esc(v)}</th>' for v in T4_RESULTS.values())
        else:
            head1 += f'<th colspan="{n * len(subs)}">{esc(top)}</th>'
            for _, sub in subs:
                head2 += f'<th colspan="{n}">{esc(sub)}</th>'
                head3 += "".join(f"<th>{esc(v)}</th>" for v in T4_RESULTS.values())
    if not head3:
        head2 = head2.replace(' rowspan="2"', "")
    cells = "".join(ctx.td(f"t4.{b}.{r}") for b in blocks for r in T4_RESULTS)
    heads = f"<tr>{head1}</tr><tr>{head2}</tr>" + (f"<tr>{head3}</tr>" if head3 else "")
    return f'<table id="table4" class="rebuilt t4" data-format="{esc(fmt)}">{heads}<tr>{cells}</tr></table>'


def other_fields(fmt: str, ctx: Cells) -> str:
    """The stated fields no rebuilt table shows (prose figures, fields of another format)."""
    placed = placed_fields(fmt, ctx)
    rest = [f for f in FIELDS if f in ctx.fields and f not in placed]
    if not rest:
        return ""
    rows = "".join(f'<tr><th class="rowhead">{esc(FIELDS[f].label)}</th><td><code>{esc(f)}</code></td>{ctx.td(f)}</tr>'
                   for f in rest)
    return f'<table id="other-fields" class="rebuilt other"><tr><th>label</th><th>field</th><th>value</th></tr>{rows}</table>'
