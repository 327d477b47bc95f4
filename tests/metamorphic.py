"""Metamorphic variants of a document, and how many extracted values survive them.

A report's figures do not change when the page gains a navigation line, uses CRLF line
ends, has trailing spaces, or is wrapped in ``<pre>``; neither should the extraction.

>>> variants("一、总体情况\\n3件")["crlf"]
'一、总体情况\\r\\n3件'
>>> unchanged_share({"a": {"x": 1, "y": 2}}, {"a": {"x": 1, "y": 3}})
(1, 2)
"""
from __future__ import annotations

from html import escape

NAV_LINE = "网站首页"


def variants(text: str) -> dict[str, str]:
    """The transformed texts of a plain-text document, by name."""
    return {
        "nav_line": f"{NAV_LINE}\n{text}",
        "crlf": text.replace("\r\n", "\n").replace("\n", "\r\n"),
        "trailing_spaces": "\n".join(line + "  " for line in text.split("\n")),
        "pre": f"<html><body><pre>{escape(text, quote=False)}</pre></body></html>",
    }


def values_of(record: dict) -> dict[str, object]:
    """Field ID → extracted value (NA as the string ``NA``)."""
    return {fid: ("NA" if f.get("na") else f.get("value")) for fid, f in (record.get("fields") or {}).items()}


def unchanged_share(original: dict[str, dict], changed: dict[str, dict]) -> tuple[int, int]:
    """``(unchanged, total)`` over every (document, field) either run extracted: a value that differs,
    appears or disappears counts as changed."""
    same = total = 0
    for doc, values in original.items():
        other = changed.get(doc, {})
        for fid in values.keys() | other.keys():
            total += 1
            same += fid in values and fid in other and values[fid] == other[fid]
    return same, total
