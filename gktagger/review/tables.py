"""Tables 2, 3 and 4 rebuilt from a record's fields in the official layout of its format.

Rows, columns and labels come from the catalogue (:mod:`gktagger.schema`), filtered by the
format (2021 and 2019 differ in table 2 and in table 3's 其他处理 rows). Legacy and unknown
formats have no official grid: only the rows and columns that hold a stated field are drawn.
The layout is computed here as :class:`Table` data; ``macros.html`` writes it (escaped).

>>> from gktagger.review.page import render_string
>>> ctx = Cells({"t3.new.natural": {"value": 2, "text": "2", "start": 5, "end": 6}}, linked={"t3.new.natural"})
>>> html = render_string('{% import "macros.html" as m %}{{ m.table(t) }}', t=table3("2021", ctx))
>>> "2</a>" in html and 'href="#span-t3.new.natural"' in html
True
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gktagger.review.page import fmt_value
from gktagger.schema import FIELDS, T2_CELLS, T3_COLUMNS, T3_ROWS, T4_BLOCKS, T4_RESULTS

STANDARD = ("2021", "2019")
# 《条例》第二十条 items of table 2: layout knowledge the catalogue does not carry
T2_ARTICLES = {"regulations": "（一）", "normative": "（一）", "licensing": "（五）", "other_services": "（五）",
               "penalty": "（六）", "coercion": "（六）", "fees": "（八）", "procurement": "（九）"}
T3_RESULTS_HEADING = "三、本年度办理结果"


@dataclass(frozen=True)
class Cell:
    """One ``<td>``/``<th>``: its text and attributes; the text linked to ``href``, or set in ``<code>``,
    in bold, or as a status badge; ``muted`` follows the text in grey."""
    text: object = ""
    tag: str = "td"
    attrs: dict = field(default_factory=dict)
    href: str = ""
    code: bool = False
    bold: bool = False
    badge: bool = False
    muted: str = ""


def th(text="", muted: str = "", **attrs) -> Cell:
    """A header cell; ``class_`` stands for ``class``."""
    return Cell(text, "th", {k.rstrip("_"): v for k, v in attrs.items()}, muted=muted)


@dataclass
class Row:
    cells: list[Cell]
    attrs: dict = field(default_factory=dict)


@dataclass
class Table:
    rows: list[Row]
    attrs: dict = field(default_factory=dict)


NONE = Cell(attrs={"class": "none"})


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

    def td(self, fid: str) -> Cell:
        entry = self.fields.get(fid)
        label = FIELDS[fid].label
        if entry is None:
            classes = ["cell", "blank"] + (["fail-box"] if fid in self.failing else [])
            return Cell(attrs={"id": f"cell-{fid}", "class": " ".join(classes), "title": f"{fid} · {label} · not stated"})
        marks, notes = field_marks(entry, self.failing.get(fid))
        classes = ["cell", f"g-{FIELDS[fid].group}", *marks]
        if entry.get("na"):
            notes.append("NA")
        title = f"{fid} = {fmt_value(entry)} · {label} · text {entry.get('text', '')!r}"
        title += "".join(f" · {n}" for n in notes)
        return Cell(fmt_value(entry), attrs={"id": f"cell-{fid}", "class": " ".join(classes), "title": title},
                    href=f"#span-{fid}" if fid in self.linked else "")

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


def table2(fmt: str, ctx: Cells) -> Table | None:
    """Table 2 (主动公开政府信息情况): one block per 第二十条 item, columns as the format prints them."""
    cells = _t2_cells(fmt)
    if not cells:
        return None
    blocks: dict[str, dict] = {}
    for item, measure, label, _, _ in cells:
        item_label, measure_label = label.split(" ", 1)
        block = blocks.setdefault(T2_ARTICLES[item], {"items": {}, "measures": {}})
        block["items"].setdefault(item, item_label)
        block["measures"].setdefault(measure, measure_label)
    width = 1 + max(len(b["measures"]) for b in blocks.values())
    rows = []
    for article, block in blocks.items():
        rows.append(Row([th(f"第二十条第{article}项", colspan=width, class_="article")]))
        pad = width - 1 - len(block["measures"])
        rows.append(Row([th("信息内容"), *(th(m) for m in block["measures"].values()), *[th()] * pad]))
        for item, item_label in block["items"].items():
            tds = [ctx.td(f"t2.{item}.{m}") if fmt in getattr(FIELDS.get(f"t2.{item}.{m}"), "formats", ()) else NONE
                   for m in block["measures"]]
            rows.append(Row([th(item_label, class_="rowhead"), *tds, *[NONE] * pad]))
    return Table(rows, {"id": "table2", "class": "rebuilt t2", "data-format": fmt})


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


def table3(fmt: str, ctx: Cells) -> Table | None:
    """Table 3 (收到和处理政府信息公开申请情况) with the official two-level header and row groups."""
    rows, cols = _t3_grid(fmt, ctx)
    if not rows or not cols:
        return None
    orgs = [c for c in cols if c not in ("natural", "total")]
    head1 = Row([th(rowspan=3, colspan=3), th("申请人情况", colspan=len(cols))])
    head2 = Row([])
    for c in cols:
        if c in orgs:
            if c == orgs[0]:
                head2.cells.append(th("法人或其他组织", colspan=len(orgs)))
        else:
            head2.cells.append(th(T3_COLUMNS[c], rowspan=2))
    head3 = Row([th(T3_COLUMNS[c]) for c in orgs])
    parts = {r: _t3_parts(r) for r in rows}
    out = [head1, head2, head3]
    seen = set()

    def spanning(label: str, level: int, key: str) -> list:
        """The heading cell over every row whose ``level``-th part is ``key``, on the first such row only."""
        if (level, key) in seen:
            return []
        seen.add((level, key))
        return [th(label, rowspan=sum(1 for p in parts.values() if p[level] == key), class_="rowhead")]

    for r in rows:
        top, sub, leaf = parts[r]
        heads = []
        if top != "三":
            heads.append(th(leaf, colspan=3, class_="rowhead"))
        else:
            heads += spanning(T3_RESULTS_HEADING, 0, top)
            if not leaf:
                heads.append(th(sub, colspan=2, class_="rowhead"))
            else:
                heads += spanning(sub, 1, sub)
                heads.append(th(leaf, class_="rowhead leaf"))
        out.append(Row([*heads, *(ctx.td(f"t3.{r}.{c}") for c in cols)], {"data-row": r}))
    return Table(out, {"id": "table3", "class": "rebuilt t3", "data-format": fmt})


def _t4_blocks(fmt: str, ctx: Cells) -> list[str]:
    if fmt in STANDARD:
        return [b for b in T4_BLOCKS if fmt in FIELDS[f"t4.{b}.total"].formats]
    return [b for b in T4_BLOCKS if ctx.stated(f"t4.{b}.{r}" for r in T4_RESULTS)]


def table4(fmt: str, ctx: Cells) -> Table | None:
    """Table 4 (行政复议、行政诉讼): one header group per block, one row of results."""
    blocks = _t4_blocks(fmt, ctx)
    if not blocks:
        return None
    tops: list[tuple[str, list[tuple[str, str]]]] = []
    for b in blocks:
        top, _, sub = T4_BLOCKS[b].partition(" ")
        if tops and tops[-1][0] == top and sub:
            tops[-1][1].append((b, sub))
        else:
            tops.append((top, [(b, sub)]))
    n = len(T4_RESULTS)
    head1, head2, head3 = [], [], []
    for top, subs in tops:
        if len(subs) == 1 and not subs[0][1]:
            head1.append(th(top, colspan=n))
            head2 += [th(v, rowspan=2) for v in T4_RESULTS.values()]
        else:
            head1.append(th(top, colspan=n * len(subs)))
            for _, sub in subs:
                head2.append(th(sub, colspan=n))
                head3 += [th(v) for v in T4_RESULTS.values()]
    if not head3:
        head2 = [th(c.text, **{k: v for k, v in c.attrs.items() if k != "rowspan"}) for c in head2]
    cells = [ctx.td(f"t4.{b}.{r}") for b in blocks for r in T4_RESULTS]
    rows = [Row(head1), Row(head2), *([Row(head3)] if head3 else []), Row(cells)]
    return Table(rows, {"id": "table4", "class": "rebuilt t4", "data-format": fmt})


def other_fields(fmt: str, ctx: Cells) -> Table | None:
    """The stated fields no rebuilt table shows (prose figures, fields of another format)."""
    placed = placed_fields(fmt, ctx)
    rest = [f for f in FIELDS if f in ctx.fields and f not in placed]
    if not rest:
        return None
    rows = [Row([th("label"), th("field"), th("value")])]
    rows += [Row([th(FIELDS[f].label, class_="rowhead"), Cell(f, code=True), ctx.td(f)]) for f in rest]
    return Table(rows, {"id": "other-fields", "class": "rebuilt other"})
