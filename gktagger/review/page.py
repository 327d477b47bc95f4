"""The page shell, escaping and file naming shared by ``show`` and ``report`` pages.

>>> esc('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
>>> page_name("reports/2021/shimen.txt")
'reports-2021-shimen-txt-d5205e.html'
>>> fmt_value({"value": 3.0}), fmt_value({"value": None, "na": True}), fmt_value({"value": 230, "approx": True})
('3', '/', '≈230')
"""
from __future__ import annotations

import hashlib
import html
import re

GROUP_NAMES = {"sections": "section heading", "table2": "table 2", "table3": "table 3",
               "table4": "table 4", "prose": "prose figure"}

BASE_CSS = """
:root { --sections:#ddc9f5; --table2:#c7e2ff; --table3:#c9efc4; --table4:#ffdcad; --prose:#fff09a;
        --fail:#d11; --ink:#1d1d1f; --muted:#6b6b70; --line:#d9d9de; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color:var(--ink); }
h1 { font-size:18px; margin:0 0 4px; word-break:break-all; }
h2 { font-size:15px; margin:18px 0 6px; }
h3 { font-size:13px; margin:12px 0 4px; }
a { color:#0b57d0; }
.muted { color:var(--muted); }
.badge { display:inline-block; padding:0 7px; border-radius:9px; font-size:12px; font-weight:600; }
.badge.ok { background:#d7f5d2; color:#1a5d12; } .badge.invalid { background:#ffd9d6; color:#8a1008; }
.badge.error { background:#e2e2e6; color:#333; }
table { border-collapse:collapse; font-size:12px; }
th, td { border:1px solid var(--line); padding:2px 5px; }
th { background:#f4f4f6; font-weight:600; }
.g-sections { background:var(--sections); } .g-table2 { background:var(--table2); }
.g-table3 { background:var(--table3); } .g-table4 { background:var(--table4); }
.g-prose { background:var(--prose); }
.swatch { display:inline-block; width:1.1em; height:1.1em; vertical-align:-2px; margin-right:4px;
          border:1px solid #bbb; }
.fail-box { outline:2px solid var(--fail); outline-offset:-1px; }
.inferred-box { outline:2px dotted #444; outline-offset:-2px; }
"""


def esc(text) -> str:
    """HTML-escape any value (quotes too: safe inside attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def page_name(record_id: str) -> str:
    """The file name of a document's ``show`` page: a readable slug of its id plus a short hash."""
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", record_id).strip("-")[-80:] or "document"
    return f"{slug}-{hashlib.sha1(record_id.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}.html"


def fmt_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fmt_value(entry: dict) -> str:
    """How a field's value is written in a table cell: ``/`` for NA, ``≈`` for approximate figures."""
    if entry.get("na"):
        return "/"
    if entry.get("value") is None:
        return "?"
    return ("≈" if entry.get("approx") else "") + fmt_number(entry["value"])


def legend(groups) -> str:
    items = "".join(f'<li><span class="swatch g-{g}"></span>{esc(GROUP_NAMES[g])}</li>' for g in groups)
    return (f'<ul class="legend">{items}'
            '<li><span class="swatch fail-box"></span>in a failing check</li>'
            '<li><span class="swatch inferred-box"></span>split inferred (cells run together)</li>'
            '<li><span class="prose-mark">12</span> stated in prose</li></ul>')


def page(title: str, body: str, css: str, body_class: str = "") -> str:
    """A complete, self-contained HTML document (no external resource of any kind)."""
    return ("<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n"
            f"<body class=\"{esc(body_class)}\">\n{body}\n</body>\n</html>\n")
