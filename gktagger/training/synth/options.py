"""How often each variant appears; pass a changed :class:`SynthOptions` to ``generate``.

>>> SynthOptions().format_weights["2021"] > 0
True
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

FAMILIES = ("mdfragments", "legacyruns", "signedruns", "wholeruns", "verticalheads", "noheadings", "multiprose")
LAYOUTS = ("lines", "pipes", "markdown", "tabs", "flat", "html", "minitables", "pdfrows") + FAMILIES
# Never trained on (weight 0 unless a config weights them): they measure layouts the model never saw.
HELD_OUT_LAYOUTS = ("pdfrows",) + FAMILIES

# A family shows a failure class of one template, so it fixes the report format where it needs one.
FAMILY_FORMATS = {"legacyruns": ("legacy",), "signedruns": ("2019",), "wholeruns": ("2021", "2019"),
                  "verticalheads": ("2021", "2019"), "mdfragments": ("2021", "2019"), "noheadings": ("2021", "2019")}
_RUNS = {"p_thousands": 0.0, "p_blank_zeros": 0.0, "p_na_zeros": 0.0, "p_tables_missing": 0.0}
# In a run of digits a blank cell, an NA mark or a thousands separator would be another layout.
FAMILY_OPTIONS = {
    "legacyruns": {**_RUNS, "p_legacy_table": 1.0}, "signedruns": _RUNS, "wholeruns": _RUNS,
    "verticalheads": {"p_tables_missing": 0.0}, "mdfragments": {"p_tables_missing": 0.0},
    "multiprose": {"p_tables_missing": 1.0, "p_legacy_table": 0.0, "p_prose_approx": 0.5},
}


@dataclass
class SynthOptions:
    format_weights: dict[str, float] = field(default_factory=lambda: {"2021": 0.4, "2019": 0.3, "legacy": 0.3})
    layout_weights: dict[str, float] = field(default_factory=lambda: {
        "lines": 1.0, "pipes": 0.8, "markdown": 1.0, "tabs": 0.7, "flat": 1.3, "html": 1.0, "minitables": 0.7})
    p_traditional: float = 0.1
    p_pinyin: float = 0.5  # of traditional documents
    p_fullwidth: float = 0.07
    p_repeat: float = 0.12  # body printed 2-4 times
    p_chrome: float = 0.85  # page header / breadcrumb / footer around the body
    p_tables_missing: float = 0.15  # 2019/2021 report without tables 2-4 (figures only in prose)
    p_all_zero: float = 0.2  # table 3 all zeros
    p_large: float = 0.15  # hundreds to thousands of applications
    p_blank_zeros: float = 0.2  # zero cells printed blank
    p_blank_totals: float = 0.3  # of those: the 总计 column of table-3 rows 三（一）–（六） left blank
    p_na_zeros: float = 0.1  # zero cells printed as / - — 无
    p_page_footers: float = 0.35  # — 4 — page footers (inside markdown tables and prose)
    p_stray_spaces: float = 0.3  # flat layout: occasional spaces between run-together cells
    p_thousands: float = 0.15  # 1,209
    p_prose_approx: float = 0.2  # 230余, 近百
    p_legacy_table: float = 0.6  # legacy statistics table (本年度/历年累计)
    p_unmapped_heading: float = 0.35  # headings that are no section (二、重点领域政府信息公开情况)
    # A legacy table's 历年累计 as a real page prints it: its 其中 lists add up. Off in the training recipe
    # only to keep the shipped model's training data (and so its weights) reproducible; the held-out
    # layouts have it on; the next retrain should turn it on for all.
    legacy_totals_add_up: bool = False


def family_options(opts: SynthOptions, layout: str) -> SynthOptions:
    """``opts`` with the settings a layout family needs (the same ``opts`` for trained layouts).

    >>> family_options(SynthOptions(), "legacyruns").p_legacy_table, family_options(SynthOptions(), "lines").p_legacy_table
    (1.0, 0.6)
    """
    if layout in HELD_OUT_LAYOUTS:
        opts = replace(opts, legacy_totals_add_up=True)
    return replace(opts, **FAMILY_OPTIONS[layout]) if layout in FAMILY_OPTIONS else opts


def family_format(rng, layout: str, fmt: str) -> str:
    """The report format of a family that fixes it; ``fmt`` otherwise (drawing from ``rng`` only then)."""
    allowed = FAMILY_FORMATS.get(layout)
    return fmt if allowed is None or fmt in allowed else rng.choice(allowed)
