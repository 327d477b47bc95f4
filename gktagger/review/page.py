"""The one Jinja2 environment of the reviewer pages, and the value formatting and file naming they share.

Every page and fragment is a template of ``gktagger/review/templates``, rendered with autoescape on:
data (ids, texts, field values, file names) is escaped wherever it lands, and ``StrictUndefined``
turns a misspelt variable into an error instead of an empty string.

>>> render_string("<b>{{ name }}</b>", name='<script>alert("x")</script>')
'<b>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</b>'
>>> page_name("reports/2021/shimen.txt")
'reports-2021-shimen-txt-d5205e.html'
>>> fmt_value({"value": 3.0}), fmt_value({"value": None, "na": True}), fmt_value({"value": 230, "approx": True})
('3', '/', '≈230')
"""
from __future__ import annotations

import hashlib
import re

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

GROUP_NAMES = {"sections": "section heading", "table2": "table 2", "table3": "table 3",
               "table4": "table 4", "prose": "prose figure"}


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


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("gktagger.review", "templates"),
                      autoescape=select_autoescape(("html", "svg", "j2"), default_for_string=True, default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      finalize=lambda value: "" if value is None else value)  # a missing record value shows as nothing
    env.globals["GROUP_NAMES"] = GROUP_NAMES
    return env


ENV = _environment()


def render(template: str, **context) -> str:
    """Render a template of ``gktagger/review/templates`` (autoescaped; a missing variable raises)."""
    return ENV.get_template(template).render(**context)


def render_string(source: str, **context) -> str:
    """Render a template given as a string with the same environment (for tests and doctests)."""
    return ENV.from_string(source).render(**context)
