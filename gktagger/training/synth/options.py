"""How often each variant appears; pass a changed :class:`SynthOptions` to ``generate``.

>>> SynthOptions().format_weights["2021"] > 0
True
"""
from __future__ import annotations

from dataclasses import dataclass, field

LAYOUTS = ("lines", "pipes", "markdown", "tabs", "flat", "html", "minitables", "pdfrows")
HELD_OUT_LAYOUTS = ("pdfrows",)  # never trained on (weight 0): they measure layouts the model never saw


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
