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
from typing import Mapping

from .schema import FIELDS, T3_APPLICANT_COLUMNS, T3_COLUMNS, T3_RESULT_ROWS, T3_ROWS, T4_RESULTS

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
