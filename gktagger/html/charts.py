"""Charts as inline SVG (no script, no font or image to fetch), and heat-map cell colours.

>>> svg = hbar_chart([("t3.balance", 3), ("t4.sum", 1)], "failing checks")
>>> svg.startswith("<svg") and svg.count("<rect") == 2
True
>>> heat(0.0), heat(1.0)
('#f4f4f6', 'hsl(140, 55%, 52%)')
"""
from __future__ import annotations

from .page import esc

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
