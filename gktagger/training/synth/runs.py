"""Layout families whose table cells run together, as PDF text extractors print them.

- ``legacyruns``: a ≤2018 statistics table, each row's label, unit, 本年 and 累计 in one run
  (``主动公开文件数条291574310`` = 2915 | 74310; 本年 ≤ 累计 decides the split);
- ``signedruns``: 2019 table 2, the rows with a signed change run together
  (``行政处罚58+2497`` = 58 | +24 | 97);
- ``wholeruns``: table 4's fifteen figures on one line, spaced or run together
  (``14251224100520103``), and in some reports table 3's rows run together too.

Other tables print as :class:`PdfRowWriter` prints them (label, then spaced figures).

>>> import random
>>> from .builder import Builder
>>> from .options import SynthOptions
>>> b = Builder(); w = LegacyRunWriter(b, random.Random(1), SynthOptions())
>>> w.table([[Cell("指标名称"), Cell("单位"), Cell("本年度"), Cell("历年累计")],
...          [Cell("主动公开文件数"), Cell("条"), Cell("2915", "proactive.total"), Cell("74310")]])
>>> b.render()[0].splitlines()
['指标名称单位本年度历年累计', '主动公开文件数条291574310']
"""
from __future__ import annotations

import random

from gktagger.training.synth.layouts import PdfRowWriter
from gktagger.training.synth.tables import Cell


def signed(c: Cell) -> Cell:
    """A change cell printed with its sign, as a run needs it (``24`` → ``+24``)."""
    return Cell("+" + c.text, c.label) if c.text[:1].isdigit() and c.text != "0" else c


def nonzero_changes(rng: random.Random, values: dict) -> None:
    """Every table-2 change of a ``signedruns`` report is signed, so none is 0."""
    for key in [k for k in values if k.endswith(".change") and values[k] == 0]:
        values[key] = rng.choice([1, -1]) * rng.randint(1, 60)


class RunWriter(PdfRowWriter):
    """A row of label and figures with no separator between them (``label`` wraps as in pdfrows)."""

    def run(self, row: list[Cell], joint: str = "") -> None:
        self.b.text(self.label(row))
        for k, c in enumerate(c for c in row if c.label):  # the family prints no blank cell
            self.b.text(joint if k else "")
            self.cell(c)
        self.b.text("\n")


class LegacyRunWriter(RunWriter):
    def row(self, row: list[Cell]) -> None:
        if self.kind != "legacy":
            return super().row(row)
        for c in row:  # label, unit, 本年, 累计: all printed, nothing between them
            self.cell(c)
        self.b.text("\n")


class SignedRunWriter(RunWriter):
    def row(self, row: list[Cell]) -> None:
        if self.kind == "t2" and any(c.label and c.label.endswith(".change") for c in row):
            return self.run([signed(c) if c.label and c.label.endswith(".change") else c for c in row])
        super().row(row)


class WholeRunWriter(RunWriter):
    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.t4_joint = self.rng.choice([" ", ""])
        self.t3_runs = self.rng.random() < 0.5

    def row(self, row: list[Cell]) -> None:
        if self.kind == "t4" and any(c.label for c in row):
            return self.run(row, self.t4_joint)
        if self.kind == "t3" and self.t3_runs and any(c.label for c in row):
            return self.run(row)
        super().row(row)
