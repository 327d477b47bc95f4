"""The arithmetic identities of tables 3 and 4, declared as data.

Each :class:`Identity` says ``sum(lhs) == sum(rhs)`` over field IDs. The
annotation checks and the validator both evaluate these; nothing else writes
the identities cell by cell.

>>> rules = table_identities("2021")
>>> [r.rule for r in rules][:2]
['t3.balance', 't3.balance']
>>> r = rules[0]; r.scope, r.lhs, r.rhs
('natural', ('t3.new.natural', 't3.carried_over.natural'), ('t3.total.natural', 't3.carried_forward.natural'))
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from gktagger.schema import FIELDS, T3_APPLICANT_COLUMNS, T3_COLUMNS, T3_RESULT_ROWS, T3_ROWS, T4_RESULTS

T4_TABLE_BLOCKS = ("review", "suit_direct", "suit_after_review")


@dataclass(frozen=True)
class Identity:
    rule: str
    scope: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True)
class Outcome:
    rule: str
    scope: str
    status: str  # pass | fail | unknown
    message: str
    fields: tuple[str, ...]


def t3_result_rows(fmt: str | None) -> tuple[str, ...]:
    """Rows summed into 三（七）总计: the 2019 set has one 其他处理 row, 2021 three."""
    fmt = fmt if fmt in ("2019", "2021") else "2021"
    return tuple(r for r in T3_RESULT_ROWS if fmt in T3_ROWS[r][2])


def table_identities(fmt: str | None) -> list[Identity]:
    """Every identity of a 2019/2021 report's tables 3 and 4."""
    rules: list[Identity] = []
    for col in T3_COLUMNS:
        rules.append(Identity("t3.balance", col, (f"t3.new.{col}", f"t3.carried_over.{col}"),
                              (f"t3.total.{col}", f"t3.carried_forward.{col}")))
    for col in T3_COLUMNS:
        rules.append(Identity("t3.results", col, (f"t3.total.{col}",),
                              tuple(f"t3.{row}.{col}" for row in t3_result_rows(fmt))))
    for row in T3_ROWS:
        if fmt in ("2019", "2021") and fmt not in T3_ROWS[row][2]:
            continue
        rules.append(Identity("t3.applicants", row, tuple(f"t3.{row}.{c}" for c in T3_APPLICANT_COLUMNS),
                              (f"t3.{row}.total",)))
    for block in T4_TABLE_BLOCKS:
        rules.append(Identity("t4.sum", block, tuple(f"t4.{block}.{r}" for r in T4_RESULTS if r != "total"),
                              (f"t4.{block}.total",)))
    return rules


@lru_cache(maxsize=4096)  # a few hundred identities, each message built per record
def _term(field_id: str, identity: Identity) -> str:
    """Name a cell by the part that varies within the identity: the row (一, 三(七)…) or the column."""
    field = FIELDS[field_id]
    same_row = len({FIELDS[f].row for f in identity.fields}) == 1
    if field.table == "t3" and same_row:
        return T3_COLUMNS[field.col]
    return FIELDS[field_id].short or field_id


def _fmt_number(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def holds(identity: Identity, values: Mapping[str, float | int | None]) -> bool | None:
    """Whether the identity holds; None when a value is missing or NA (:func:`evaluate` without the message)."""
    try:
        return abs(sum(values[f] for f in identity.lhs) - sum(values[f] for f in identity.rhs)) < 1e-6
    except (KeyError, TypeError):
        return None


def evaluate(identity: Identity, values: Mapping[str, float | int | None]) -> Outcome:
    """Evaluate one identity; ``values`` maps field ID → number, None for NA, absent for not stated.

    >>> i = Identity("t3.balance", "natural", ("t3.new.natural", "t3.carried_over.natural"),
    ...              ("t3.total.natural", "t3.carried_forward.natural"))
    >>> evaluate(i, {"t3.new.natural": 3, "t3.carried_over.natural": 0,
    ...              "t3.total.natural": 2, "t3.carried_forward.natural": 0}).message
    '一+二 (3+0) ≠ 三(七)+四 (2+0)'
    """
    missing = [f for f in identity.fields if values.get(f) is None]
    if missing:
        return Outcome(identity.rule, identity.scope, "unknown",
                       "not stated or NA: " + ", ".join(missing), identity.fields)
    lhs = [values[f] for f in identity.lhs]
    rhs = [values[f] for f in identity.rhs]
    ok = abs(sum(lhs) - sum(rhs)) < 1e-6
    side = lambda ids, nums: "+".join(_term(f, identity) for f in ids) + " (" + "+".join(map(_fmt_number, nums)) + ")"
    message = f"{side(identity.lhs, lhs)} {'=' if ok else '≠'} {side(identity.rhs, rhs)}"
    return Outcome(identity.rule, identity.scope, "pass" if ok else "fail", message, identity.fields)


def check_tables(values: Mapping[str, float | int | None], fmt: str | None) -> list[Outcome]:
    """Evaluate every table identity whose fields the document states at least partly.

    Legacy reports have no table 3 grid (a stray prose row total is not one), so
    only their table-4 sums are evaluated.
    """
    out = []
    for identity in table_identities(fmt):
        if fmt not in ("2019", "2021") and identity.rule.startswith("t3."):
            continue
        if any(f in values for f in identity.fields):
            out.append(evaluate(identity, values))
    return out


# --- rows printed as one run of digits -------------------------------------------------------------

@dataclass(frozen=True)
class RunShape:
    """The cells a printed row runs together, in order, and the order relations every reading of such a
    run keeps (``at_most``: index pairs ``(i, j)``, cell i ≤ cell j). Where a shape declares no relation,
    as table 2's does, nothing but the printed cells' own form (no leading zero) narrows a run's readings.

    >>> LEGACY_ROW.keeps([2915, 74310]), LEGACY_ROW.keeps([29157, 4310]), T2_SIGNED_TAIL.keeps([24, 97])
    (True, False, True)
    """
    name: str
    cells: tuple[str, ...]
    at_most: tuple[tuple[int, int], ...] = ()

    def keeps(self, reading) -> bool:
        return all(reading[i] <= reading[j] for i, j in self.at_most)


LEGACY_ROW = RunShape("legacy.cumulative", ("本年度", "历年累计"), ((0, 1),))  # a year's figure ≤ the running total
T2_SIGNED_TAIL = RunShape("t2.change_decisions", ("本年增/减", "处理决定数量"))  # 2019 table 2: no identity
T2_SIGNED_END = RunShape("t2.change", ("本年增/减",))  # 行政事业性收费: the change ends its row


# --- which checks a pipeline step decided ---------------------------------------------------------

TABLE_RULES = frozenset(i.rule for i in table_identities("2021") + table_identities("2019"))
# A step that placed a field by making these identities hold (``splits.py`` picks the digit split,
# ``realign.py`` the row shift, ``blocks.py`` the cells of a sum) decided their outcome: a pass on such
# a field is inferred, not read.
STEP_IDENTITIES: dict[str, frozenset[str]] = {"split": TABLE_RULES, "realign": TABLE_RULES,
                                               "blocks": frozenset({"t4.sum", "t3.applicants"})}


# --- plausibility: values no identity covers -------------------------------------------------------
# ``severity`` is ``fail`` only where the rule is certain; a ``warn`` never makes a record invalid.

@dataclass(frozen=True)
class CountIsInteger:
    """Counts (and 本年增/减 changes) are integers; counts are not negative."""
    rule: str = "plausible.count"
    severity: str = "fail"


@dataclass(frozen=True)
class CountBound:
    """A count above ``limit`` in the fields starting with ``prefix`` (the longest prefix applies)."""
    prefix: str
    limit: float
    rule: str = "plausible.count_bound"
    severity: str = "warn"


@dataclass(frozen=True)
class NotAboveCumulative:
    """A legacy 本年度 figure is not larger than the 历年累计 figure printed beside it (``cumulative``)."""
    rule: str = "plausible.cumulative"
    severity: str = "warn"


@dataclass(frozen=True)
class MaxDecimals:
    """A decimal field printed with more than ``places`` decimals."""
    field: str
    places: int = 2
    rule: str = "plausible.decimals"
    severity: str = "warn"


@dataclass(frozen=True)
class TableVsProse:
    """Table 3's 一 总计 ``factor`` times (and ``margin`` more than) the prose's 收到申请 figure."""
    table: str = "t3.new.total"
    prose: str = "requests.received"
    factor: float = 5.0
    margin: float = 10.0
    rule: str = "plausible.t3_vs_prose"
    severity: str = "warn"


@dataclass(frozen=True)
class YearInRange:
    """The report year within ``first`` (the 条例 took effect in 2008) and the current year."""
    first: int = 2008
    rule: str = "plausible.year"
    severity: str = "fail"


@dataclass(frozen=True)
class PeriodMatchesTitle:
    """The statistics period (统计期限, record ``period``) within the title's year (record ``title``)."""
    rule: str = "plausible.period"
    severity: str = "warn"


T2_BOUNDS = {  # 件/项 per report: generous for a province, absurd for a digit-run misread
    "t2.regulations.": 1e4, "t2.normative.": 1e5, "t2.fees.": 1e4, "t2.procurement.items": 1e6,
    "t2.licensing.prev_items": 1e5, "t2.other_services.prev_items": 1e5, "t2.penalty.prev_items": 1e5,
    "t2.coercion.prev_items": 1e5,
    "t2.licensing.decisions": 1e8, "t2.other_services.decisions": 1e8, "t2.penalty.decisions": 1e8,
    "t2.coercion.decisions": 1e8,
}


def plausibility_rules(max_count: float = 1e6, t2_bounds: Mapping[str, float] | None = None) -> list:
    """The plausibility rules; ``max_count`` bounds table 3/4 cells, ``t2_bounds`` table 2's (by prefix).

    >>> [r.rule for r in plausibility_rules()][:3]
    ['plausible.count', 'plausible.count_bound', 'plausible.count_bound']
    """
    bounds = {"t3.": max_count, "t4.": max_count, "requests.received": max_count,
              "proactive.total": 10 * max_count, **(T2_BOUNDS if t2_bounds is None else t2_bounds)}
    return [CountIsInteger(), *[CountBound(p, v) for p, v in bounds.items()], NotAboveCumulative(),
            MaxDecimals("t2.fees.amount"), TableVsProse(), YearInRange(), PeriodMatchesTitle()]


# --- cross-year rules: one body's reports of two consecutive years ---------------------------------

@dataclass(frozen=True)
class Term:
    """``sign`` × the value of ``field`` in the report ``year`` (0 = this year, -1 = last year)."""
    year: int
    field: str
    name: str
    sign: int = 1


@dataclass(frozen=True)
class YearIdentity:
    """``sum(lhs) == sum(rhs)`` across two consecutive reports; ``formats``: both reports' formats."""
    rule: str
    scope: str
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    formats: tuple[str, ...]
    severity: str = "fail"

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.lhs + self.rhs


def cross_year_identities() -> list[YearIdentity]:
    """Each year's 上年结转 is last year's 结转下年度 (column by column); 2019's 上一年项目数量 is last
    year's plus its 本年增/减; 2021's 现行有效件数 moves with 本年制发 and 本年废止. The table-2 rules are
    ``warn``: items also lapse or are re-counted without a 废止 or a 增/减.

    >>> r = cross_year_identities()[0]; r.rule, r.scope, [t.field for t in r.terms]
    ('cross.carried', 'natural', ['t3.carried_forward.natural', 't3.carried_over.natural'])
    """
    rules = [YearIdentity("cross.carried", col, (Term(-1, f"t3.carried_forward.{col}", "结转下年度"),),
                          (Term(0, f"t3.carried_over.{col}", "上年结转"),), ("2019", "2021", "legacy"))
             for col in T3_COLUMNS]
    for item in ("licensing", "other_services", "penalty", "coercion", "fees"):
        rules.append(YearIdentity(
            "cross.prev_items", item,
            (Term(-1, f"t2.{item}.prev_items", "上一年项目数量"), Term(-1, f"t2.{item}.change", "本年增/减")),
            (Term(0, f"t2.{item}.prev_items", "上一年项目数量"),), ("2019",), "warn"))
    for item in ("regulations", "normative"):
        rules.append(YearIdentity(
            "cross.in_force", item,
            (Term(-1, f"t2.{item}.in_force", "现行有效件数"), Term(0, f"t2.{item}.issued", "本年制发件数"),
             Term(0, f"t2.{item}.repealed", "本年废止件数", -1)),
            (Term(0, f"t2.{item}.in_force", "现行有效件数"),), ("2021",), "warn"))
    return rules
