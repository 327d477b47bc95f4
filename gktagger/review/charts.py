"""Charts as inline SVG (no script, no font or image to fetch), and heat-map cell colours.

Each chart function computes the geometry; ``charts.html`` draws it (labels and values escaped).

>>> svg = hbar_chart([("t3.balance", 3), ("t4.sum", 1)], "failing checks")
>>> svg.startswith("<svg") and svg.count("<rect") == 2
True
>>> heat(0.0), heat(1.0)
('#f4f4f6', 'hsl(140, 55%, 52%)')
"""
from __future__ import annotations

from markupsafe import Markup

from gktagger.review.page import ENV, fmt_number

BAR = "#4a78c2"


def _draw(macro: str, **chart) -> Markup:
    return Markup(getattr(ENV.get_template("charts.html").module, macro)(dict(chart, bar=BAR)))


def hbar_chart(items: list[tuple[str, float]], title: str, width: int = 560, label_width: int = 230,
               notes: list[str] | None = None) -> Markup:
    """Horizontal bars, one per ``(label, value)``; ``notes`` are printed after each value."""
    row, top = 22, 6
    top_value = max((v for _, v in items), default=0) or 1
    span = width - label_width - 70
    bars = []
    for i, (label, value) in enumerate(items):
        y = top + i * row
        w = max(1.0, span * value / top_value) if value else 0.0
        bars.append({"label": label, "value": value, "note": f" {notes[i]}" if notes else "",
                     "label_x": label_width - 6, "text_y": y + 14, "bar_y": y + 3, "w": f"{w:.1f}",
                     "value_x": f"{label_width + w + 5:.1f}"})
    return _draw("hbar", title=title, width=width, height=top * 2 + row * len(items), x=label_width,
                 bar_height=row - 7, bars=bars)


def vbar_chart(items: list[tuple[str, float]], title: str, height: int = 170, bar: int = 34) -> Markup:
    """Vertical bars, one per ``(label, value)`` (e.g. documents per report year)."""
    top, bottom, gap = 18, 22, 8
    top_value = max((v for _, v in items), default=0) or 1
    plot = height - top - bottom
    bars = []
    for i, (label, value) in enumerate(items):
        x = gap + i * (bar + gap)
        h = plot * value / top_value
        y = height - bottom - h
        bars.append({"label": label, "value": value, "x": x, "y": f"{y:.1f}", "h": f"{h:.1f}",
                     "mid": x + bar / 2, "value_y": f"{y - 4:.1f}"})
    return _draw("vbar", title=title, width=gap + len(items) * (bar + gap), height=height, axis_y=height - bottom,
                 label_y=height - 6, bar_width=bar, bars=bars)


def heat(share: float) -> str:
    """Background colour of a coverage cell: grey when no document states it, greener as more do."""
    if share <= 0:
        return "#f4f4f6"
    return f"hsl(140, 55%, {92 - 40 * min(1.0, share):.0f}%)"


def year_chart(points: list[tuple[int, float | None]], title: str, marked: list[tuple[int, int]] = (),
               width: int = 230, height: int = 130) -> Markup:
    """One figure of one body over the years: dots joined between consecutive years, the value above
    each dot, a red band over each ``marked`` (year, next year) pair (a failing cross-year check).

    >>> svg = year_chart([(2021, 3), (2022, None), (2023, 5)], "received", marked=[(2022, 2023)])
    >>> svg.count("<circle"), svg.count('class="marked"')
    (2, 1)
    """
    years = [y for y, _ in points]
    if not years:
        return _draw("years", points=[])
    left, right, top, bottom = 12, 12, 20, 20
    first, last = min(years), max(years)
    top_value = max((v for _, v in points if v is not None), default=0) or 1
    x = lambda y: left + (width - left - right) * ((y - first) / (last - first) if last > first else 0.5)
    yv = lambda v: top + (height - top - bottom) * (1 - v / top_value)
    bands = [{"a": a, "b": b, "x": f"{x(a):.1f}", "w": f"{max(6.0, x(b) - x(a)):.1f}"} for a, b in marked]
    known = {y: v for y, v in points if v is not None}
    lines = [{"x1": f"{x(y):.1f}", "y1": f"{yv(known[y]):.1f}", "x2": f"{x(y + 1):.1f}", "y2": f"{yv(known[y + 1]):.1f}"}
             for y in sorted(known) if y + 1 in known]
    dots = [{"year": y, "value": None if v is None else fmt_number(v), "x": f"{x(y):.1f}",
             "y": None if v is None else f"{yv(v):.1f}", "value_y": None if v is None else f"{yv(v) - 6:.1f}"}
            for y, v in points]
    return _draw("years", title=title, width=width, height=height, axis=(left, height - bottom, width - right),
                 band_y=top - 14, band_height=height - bottom - top + 14, year_y=height - 5,
                 bands=bands, lines=lines, points=dots)
