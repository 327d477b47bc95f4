"""Charts as inline SVG (no script, no font or image to fetch), and heat-map cell colours.

>>> svg = hbar_chart([("t3.balance", 3), ("t4.sum", 1)], "failing checks")
>>> svg.startswith("<svg") and svg.count("<rect") == 2
True
>>> heat(0.0), heat(1.0)
('#f4f4f6', 'hsl(140, 55%, 52%)')
"""
from __future__ import annotations

from gktagger.review.page import esc, fmt_number

BAR = "#4a78c2"


def hbar_chart(items: list[tuple[str, float]], title: str, width: int = 560, label_width: int = 230,
               notes: list[str] | None = None) -> str:
    """Horizontal bars, one per ``(label, value)``; ``notes`` are printed after each value."""
    if not items:
        return '<p class="muted">none</p>'
    row, top = 22, 6
    top_value = max(v for _, v in items) or 1
    span = width - label_width - 70
    parts = []
    for i, (label, value) in enumerate(items):
        y = top + i * row
        w = max(1.0, span * value / top_value) if value else 0.0
        note = f" {notes[i]}" if notes else ""
        parts.append(f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end">{esc(label)}</text>'
                     f'<rect x="{label_width}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" fill="{BAR}">'
                     f'<title>{esc(label)}: {esc(value)}{esc(note)}</title></rect>'
                     f'<text x="{label_width + w + 5:.1f}" y="{y + 14}">{esc(value)}{esc(note)}</text>')
    height = top * 2 + row * len(items)
    return (f'<svg class="chart hbar" role="img" aria-label="{esc(title)}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-size="12">{"".join(parts)}</svg>')


def vbar_chart(items: list[tuple[str, float]], title: str, height: int = 170, bar: int = 34) -> str:
    """Vertical bars, one per ``(label, value)`` (e.g. documents per report year)."""
    if not items:
        return '<p class="muted">none</p>'
    top, bottom, gap = 18, 22, 8
    top_value = max(v for _, v in items) or 1
    plot = height - top - bottom
    width = gap + len(items) * (bar + gap)
    parts = [f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#999"/>']
    for i, (label, value) in enumerate(items):
        x = gap + i * (bar + gap)
        h = plot * value / top_value
        y = height - bottom - h
        parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{BAR}">'
                     f'<title>{esc(label)}: {esc(value)}</title></rect>'
                     f'<text x="{x + bar / 2}" y="{y - 4:.1f}" text-anchor="middle">{esc(value)}</text>'
                     f'<text x="{x + bar / 2}" y="{height - 6}" text-anchor="middle">{esc(label)}</text>')
    return (f'<svg class="chart vbar" role="img" aria-label="{esc(title)}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-size="12">{"".join(parts)}</svg>')


def heat(share: float) -> str:
    """Background colour of a coverage cell: grey when no document states it, greener as more do."""
    if share <= 0:
        return "#f4f4f6"
    return f"hsl(140, 55%, {92 - 40 * min(1.0, share):.0f}%)"


def year_chart(points: list[tuple[int, float | None]], title: str, marked: list[tuple[int, int]] = (),
               width: int = 230, height: int = 130) -> str:
    """One figure of one body over the years: dots joined between consecutive years, the value above
    each dot, a red band over each ``marked`` (year, next year) pair (a failing cross-year check).

    >>> svg = year_chart([(2021, 3), (2022, None), (2023, 5)], "received", marked=[(2022, 2023)])
    >>> svg.count("<circle"), svg.count('class="marked"')
    (2, 1)
    """
    years = [y for y, _ in points]
    if not years:
        return '<p class="muted">none</p>'
    left, right, top, bottom = 12, 12, 20, 20
    first, last = min(years), max(years)
    top_value = max((v for _, v in points if v is not None), default=0) or 1
    x = lambda y: left + (width - left - right) * ((y - first) / (last - first) if last > first else 0.5)
    yv = lambda v: top + (height - top - bottom) * (1 - v / top_value)
    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#999"/>']
    for a, b in marked:
        parts.append(f'<rect class="marked" x="{x(a):.1f}" y="{top - 14}" width="{max(6.0, x(b) - x(a)):.1f}" '
                     f'height="{height - bottom - top + 14}" fill="#d11" fill-opacity="0.15">'
                     f'<title>{esc(a)}→{esc(b)}: a cross-year check fails</title></rect>')
    known = {y: v for y, v in points if v is not None}
    for y in sorted(known):
        if y + 1 in known:
            parts.append(f'<line x1="{x(y):.1f}" y1="{yv(known[y]):.1f}" x2="{x(y + 1):.1f}" y2="{yv(known[y + 1]):.1f}" '
                         f'stroke="{BAR}" stroke-width="1.5"/>')
    for y, v in points:
        parts.append(f'<text x="{x(y):.1f}" y="{height - 5}" text-anchor="middle" font-size="10">{esc(y)}</text>')
        if v is not None:
            parts.append(f'<circle cx="{x(y):.1f}" cy="{yv(v):.1f}" r="3.5" fill="{BAR}"><title>{esc(y)}: {esc(fmt_number(v))}</title>'
                         f'</circle><text x="{x(y):.1f}" y="{yv(v) - 6:.1f}" text-anchor="middle" font-size="10">{esc(fmt_number(v))}</text>')
    return (f'<svg class="chart years" role="img" aria-label="{esc(title)}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-size="11">{"".join(parts)}</svg>')
