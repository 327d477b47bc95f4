"""The reviewer pages go through one Jinja2 environment: autoescape on, StrictUndefined, and data that
looks like HTML or like a template stays inert text in every page type (show, report, crosscheck),
whether it comes in an id, a document text, a field value, a check or a file name."""
import json
from html.parser import HTMLParser

import pytest
from jinja2 import StrictUndefined, UndefinedError

from gktagger.cli import main as cli
from gktagger.review.crosspage import render_crosscheck
from gktagger.review.page import ENV, render, render_string
from gktagger.review.report import render_report
from gktagger.review.show import render_show

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(2)'
TEMPLATE = "{{ 7*7 }}{% include 'base.html' %}"
HOSTILE = f"{SCRIPT}{ATTRIBUTE}{TEMPLATE}'><img src=x onerror=alert(3)>"


class Parsed(HTMLParser):
    """Tags, attribute names and values, and text of a page as a browser would see them."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.values, self.text = [], [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        self.values += [value or "" for _, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


def assert_inert(html: str, where: list[str]):
    """No script, image or event handler came from the data, no template in it ran, and each hostile
    string is there whole, as text or as an attribute value (escaped, not dropped)."""
    page = Parsed(html)
    assert "script" not in page.tags and "img" not in page.tags
    assert not [a for a in page.attributes if a.startswith("on")]
    assert html.count("<!DOCTYPE html>") == 1, "a template expression from the data was evaluated"
    text = "".join(page.text)
    for value in where:
        assert value in text or any(value in v for v in page.values), value
    assert TEMPLATE in text  # shown literally: not rendered to 49 and an included page


def hostile_record(document: str) -> dict:
    start = document.index(HOSTILE)
    entry = {"value": HOSTILE, "text": HOSTILE, "start": start, "end": start + len(HOSTILE), "unit": HOSTILE}
    return {"id": f"reports/{HOSTILE}.txt", "source": HOSTILE, "status": HOSTILE, "error": HOSTILE,
            "format": HOSTILE, "year": HOSTILE, "seconds": HOSTILE,
            "sections": [{"id": HOSTILE, "title": "一、总体情况", "start": 0, "end": len(document)}],
            "fields": {"t3.new.natural": entry, HOSTILE: dict(entry)},
            "mentions": [{"field": "t3.new.total", **entry}],
            "checks": [{"rule": HOSTILE, "scope": f"t3.new.total@{start}", "status": "fail", "message": HOSTILE,
                        "fields": [HOSTILE, "t3.new.natural"]},
                       {"rule": HOSTILE, "scope": HOSTILE, "status": "warn", "message": HOSTILE}]}


def test_the_environment_autoescapes_every_template_and_a_missing_variable_raises():
    assert ENV.undefined is StrictUndefined
    for name in ENV.list_templates(extensions=["html"]):
        assert ENV.autoescape(name), name
    assert ENV.autoescape(None)  # templates from strings too
    assert render_string("{{ x }}", x=SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert render_string("{{ x }}", x=TEMPLATE) == TEMPLATE.replace("'", "&#39;")
    with pytest.raises(UndefinedError):
        render_string("{{ missing }}")
    with pytest.raises(UndefinedError):
        render_string("{{ record.missing }}", record=object())
    for page in ("show.html", "report.html", "crosscheck.html"):
        with pytest.raises(UndefinedError):
            render(page)


def test_show_page_escapes_hostile_ids_texts_values_checks_and_notes():
    document = f"一、总体情况\n本年新收申请{HOSTILE}件。\n"
    record = hostile_record(document)
    html = render_show(record, document, note=HOSTILE)
    assert_inert(html, [HOSTILE, record["id"], f"span-t3.new.natural"])
    assert 'id="span-t3.new.natural"' in html  # the hostile text is still highlighted


def test_report_page_escapes_hostile_ids_statuses_rules_links_and_file_names():
    record = {**hostile_record(f"一、总体情况\n{HOSTILE}"), "year": 2020}  # (years of mixed types do not sort)
    failing = {**record, "id": HOSTILE, "status": "invalid", "year": 2021}
    html = render_report([record, failing], f"/runs/{HOSTILE}/out.jsonl", {HOSTILE: 12},
                         links={HOSTILE: f"pages/{HOSTILE}.html"}, notes=[HOSTILE])
    assert_inert(html, [HOSTILE, f"pages/{HOSTILE}.html", f"/runs/{HOSTILE}/out.jsonl"])
    assert "<svg" in html and html.count('class="chart hbar"') == 2  # failing rules and largest documents


def test_crosscheck_page_escapes_hostile_bodies_ids_and_messages():
    reports = [{"id": f"{HOSTILE}{y}", "year": y, "received": 3} for y in (2021, 2022)]
    lines = [{"type": "series", "body": HOSTILE, "reports": reports, "missing_years": [HOSTILE]},
             {"type": "pair", "body": HOSTILE, "years": [2021, 2022], "status": "fail", "rule": HOSTILE,
              "scope": HOSTILE, "message": HOSTILE, "ids": [HOSTILE, HOSTILE]},
             {"type": "duplicate", "body": HOSTILE, "message": HOSTILE, "ids": [HOSTILE]},
             {"type": "skipped", "id": HOSTILE, "message": HOSTILE}]
    html = render_crosscheck(lines, HOSTILE)
    assert_inert(html, [HOSTILE, f"{HOSTILE}: received"])
    assert html.count('class="marked"') == 4  # the failing pair is still drawn on each figure


def test_hostile_file_names_through_the_cli(tmp_path, monkeypatch):
    """A document whose path holds the hostile strings (a folder ``…<script>alert(1)<`` and a file
    ``script>…``), its record, and the show, report and crosscheck pages the CLI writes for it."""
    folder = tmp_path / "x<script>alert(1)<"
    folder.mkdir()
    name = 'script>" onmouseover="alert(2) {{ 7*7 }}{% include \'base.html\' %}.txt'
    document = folder / name
    text = "一、总体情况\n本年新收政府信息公开申请3件。\n"
    document.write_text(text, encoding="utf-8")
    start = text.index("3件")
    record = {"id": str(document), "source": str(document), "status": "ok", "error": None, "format": "2021",
              "year": 2021, "sections": [], "checks": [], "mentions": [],
              "fields": {"t3.new.total": {"value": 3, "text": "3", "start": start, "end": start + 1}}}
    records = folder / f"{name}.jsonl"
    records.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    show, report, cross = tmp_path / "show.html", tmp_path / "site" / "report.html", tmp_path / "cross.html"
    assert cli(["show", "--record", str(records), "-o", str(show)]) == 0
    assert cli(["report", str(records), "-o", str(report), "--with-pages"]) == 0
    assert cli(["crosscheck", str(records), "-o", str(tmp_path / "cross.jsonl"), "--html", str(cross)]) == 0
    pages = [show, report, cross, *(p for p in report.parent.iterdir() if p != report)]
    assert len(pages) == 4
    for page in pages:
        assert_inert(page.read_text(encoding="utf-8"), [str(records) if page == cross else str(document)])
    assert 'id="span-t3.new.total"' in show.read_text(encoding="utf-8")
