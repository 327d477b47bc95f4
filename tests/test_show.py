"""The show and report pages' content: highlights at the right offsets, tables rebuilt cell by cell,
failing checks outlined, document text escaped, the CLI (no browser needed here)."""
import json
import re
from html.parser import HTMLParser

import pytest

from gktagger.cli import main as cli
from gktagger.io.reading import read_path
from gktagger.record.validate import revalidate
from gktagger.review.page import page_name
from gktagger.review.report import render_report
from gktagger.review.show import gold_record, render_show
from gktagger.schema import FIELDS, T3_COLUMNS, T3_ROWS
from gktagger.training import annotations as ann

ANNOTATIONS = ann.REPO_ROOT / "data" / "annotations" / "corpus"


class Page(HTMLParser):
    """Marks (with their text, nested marks included), table cells by id, rows of table 3, failing checks."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.marks, self.cells, self.rows, self.checks, self.tags = [], {}, {}, [], []
        self._open_marks, self._cell, self._row, self._check = [], None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "mark":
            self._open_marks.append({**a, "text": ""})
        elif tag == "td" and a.get("id", "").startswith("cell-"):
            self._cell = {**a, "text": "", "href": None}
            self.cells[a["id"][len("cell-"):]] = self._cell
            if self._row is not None:
                self._row.append(a["id"][len("cell-"):])
        elif tag == "a" and self._cell is not None:
            self._cell["href"] = a.get("href")
        elif tag == "tr" and "data-row" in a:
            self._row = self.rows.setdefault(a["data-row"], [])
        elif tag == "li" and "check" in a.get("class", ""):
            self._check = {**a, "text": ""}
            self.checks.append(self._check)

    def handle_endtag(self, tag):
        if tag == "mark":
            self.marks.append(self._open_marks.pop())
        elif tag == "td":
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "li":
            self._check = None

    def handle_data(self, data):
        for m in self._open_marks:
            m["text"] += data
        if self._cell is not None:
            self._cell["text"] += data
        if self._check is not None:
            self._check["text"] += data


def gold(name, corpus):
    annotation = ann.load(ANNOTATIONS / f"{name}.json")
    raw = read_path(corpus / annotation.document).text
    return gold_record(annotation, raw), raw


def shown(value_entry):
    v = value_entry["value"]
    if value_entry.get("na"):
        return "/"
    return str(int(v)) if float(v).is_integer() else str(v)


@pytest.mark.parametrize("name", ["pingtan_zhq_2021.txt", "pingtan_zhq_2019.txt", "shanghai_bgt_2019.html",
                                  "kiro_shuyang_county_2025.md", "pingtan_zhq_2014.txt"])
def test_every_highlight_covers_exactly_its_span(name, corpus):
    record, raw = gold(name, corpus)
    page = Page(render_show(record, raw))
    assert page.marks, "no highlight at all"
    for m in page.marks:
        start, end = int(m["data-start"]), int(m["data-end"])
        assert m["text"] == raw[start:end], (m["id"], start, end)
    by_id = {m["id"]: m for m in page.marks}
    for fid, entry in record["fields"].items():
        mark = by_id[f"span-{fid}"]
        assert (int(mark["data-start"]), int(mark["data-end"])) == (entry["start"], entry["end"])
        assert f"g-{FIELDS[fid].group}" in mark["class"].split()
        assert fid in mark["title"] and shown(entry) in mark["title"]
    for i, section in enumerate(record["sections"]):
        assert by_id[f"sec-{i}"]["text"] == section["title"] and "g-sections" in by_id[f"sec-{i}"]["class"]
    index = [a["href"] for tag, a in page.tags if tag == "a" and a.get("href", "").startswith("#sec-")]
    assert index == [f"#sec-{i}" for i in range(len(record["sections"]))]


def rows_of(fmt):
    return [r for r, (_, _, formats) in T3_ROWS.items() if fmt in formats]


@pytest.mark.parametrize("name,fmt", [("pingtan_zhq_2021.txt", "2021"), ("pingtan_zhq_2019.txt", "2019")])
def test_table3_is_rebuilt_cell_by_cell_in_the_official_layout(name, fmt, corpus):
    record, raw = gold(name, corpus)
    assert record["format"] == fmt
    page = Page(render_show(record, raw))
    assert list(page.rows) == rows_of(fmt)
    assert len(page.rows) == {"2021": 25, "2019": 23}[fmt]
    for row, cells in page.rows.items():
        assert cells == [f"t3.{row}.{col}" for col in T3_COLUMNS], row
    for fid, entry in record["fields"].items():
        if fid.startswith(("t2.", "t3.", "t4.")) and fid in page.cells:
            cell = page.cells[fid]
            assert cell["text"] == shown(entry), fid
            assert cell["href"] == f"#span-{fid}"
    html = render_show(record, raw)
    if fmt == "2021":
        assert "其他处理" in html and "3.其他" in html and "本年制发件数" in html and "t3.other_processing.total" not in page.cells
    else:
        assert "t3.other_processing.total" in page.cells and "t3.other_misc.total" not in page.cells
        assert "本年新制作数量" in html and "政府集中采购" in html and "本年制发件数" not in html


def test_table2_and_table4_cells_sit_under_their_headers(corpus):
    record, raw = gold("pingtan_zhq_2019.txt", corpus)
    html = render_show(record, raw)
    t2 = html[html.index('<table id="table2"'):html.index("</table>", html.index('<table id="table2"'))]
    block = t2[t2.index("第二十条第（九）项"):]
    assert block.index("采购项目数量") < block.index("采购总金额") < block.index('id="cell-t2.procurement.items"') \
        < block.index('id="cell-t2.procurement.amount"')
    t4 = html[html.index('<table id="table4"'):]
    order = [m.group(1) for m in re.finditer(r'id="cell-(t4\.[^"]+)"', t4)]
    assert order == [f"t4.{b}.{r}" for b in ("review", "suit_direct", "suit_after_review")
                     for r in ("upheld", "corrected", "other", "pending", "total")]


def test_blank_na_and_inferred_cells(corpus):
    record, raw = gold("pingtan_zhq_2021.txt", corpus)
    del record["fields"]["t3.new.research"]
    record["fields"]["t3.granted.legal"].update(value=None, na=True)
    record["fields"]["t3.partial.natural"]["split"] = "inferred"
    page = Page(render_show(record, raw))
    blank = page.cells["t3.new.research"]
    assert blank["text"] == "" and blank["href"] is None and "blank" in blank["class"]
    assert page.cells["t3.granted.legal"]["text"] == "/"
    assert "inferred-box" in page.cells["t3.partial.natural"]["class"]
    assert "inferred-box" in next(m for m in page.marks if m["id"] == "span-t3.partial.natural")["class"]
    assert "inferred-box" not in page.cells["t3.partial.legal"]["class"]


def test_failing_checks_are_listed_and_their_cells_outlined(corpus):
    record, raw = gold("pingtan_zhq_2021.txt", corpus)
    record["fields"]["t3.new.natural"]["value"] += 1
    record = revalidate(record)
    failing = [c for c in record["checks"] if c["status"] == "fail"]
    assert len(failing) == 2
    page = Page(render_show(record, raw))
    assert [c["data-rule"] for c in page.checks] == [c["rule"] for c in failing]
    for item, check in zip(page.checks, failing):
        assert check["message"] in item["text"]
    involved = {f for c in failing for f in c["fields"]}
    assert "t3.carried_forward.natural" in involved
    for fid, cell in page.cells.items():
        assert ("fail-box" in cell["class"].split()) == (fid in involved), fid
    for m in page.marks:
        if m["id"].startswith("span-") and "@" not in m["id"]:
            assert ("fail-box" in m["class"].split()) == (m["data-field"] in involved), m["id"]


def test_a_clean_record_has_no_outline(corpus):
    record, raw = gold("pingtan_zhq_2021.txt", corpus)
    page = Page(render_show(record, raw))
    assert not page.checks and "No failing check." in render_show(record, raw)
    assert not any("fail-box" in c["class"] for c in page.cells.values())


def test_document_text_and_record_strings_are_escaped():
    raw = '一、总体情况\n<script>document.title="pwned"</script><img src=x onerror="alert(1)">予以公开3件'
    start = raw.index("3件")
    record = {"id": 'x"><script>alert(2)</script>', "source": "<b>", "status": "ok", "format": "2021", "year": 2021,
              "sections": [{"id": "overview", "title": "一、总体情况", "start": 0, "end": len(raw)}],
              "fields": {"t3.granted.total": {"value": 3, "text": "3", "start": start, "end": start + 1, "prose": True}},
              "checks": [{"rule": "t3.results", "scope": "total", "status": "fail", "message": "<i>1</i> ≠ 2",
                          "fields": ["t3.granted.total"]}]}
    html = render_show(record, raw)
    assert "<script" not in html and "<img" not in html and "<i>" not in html and "<code><b>" not in html
    assert "<code>&lt;b&gt;</code>" in html and "&lt;i&gt;1&lt;/i&gt; ≠ 2" in html
    assert "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;" in html
    assert Page(html).marks[-1]["text"] == "3"


def test_spans_that_do_not_match_the_text_are_reported_not_highlighted(corpus):
    record, raw = gold("pingtan_zhq_2021.txt", corpus)
    edited = raw[:10] + "插入" + raw[10:]
    html = render_show(record, edited)
    page = Page(html)
    assert "spans not highlighted" in html
    for m in page.marks:
        assert m["text"] == edited[int(m["data-start"]):int(m["data-end"])]
    unlinked = [fid for fid, c in page.cells.items() if fid in record["fields"] and c["href"] is None]
    assert unlinked and all(f"span-{fid}" not in {m["id"] for m in page.marks} for fid in unlinked)


def external_references(html):
    """Attribute values and CSS that would make a browser fetch something."""
    found = re.findall(r'\b(?:src|srcset|poster|data|action|formaction)\s*=', html, re.I)
    found += [h for h in re.findall(r'\bhref\s*=\s*"([^"]*)"', html) if re.match(r"[a-z][a-z0-9+.-]*:|//", h, re.I)]
    found += re.findall(r"url\s*\(|@import", html, re.I)
    return found


def test_pages_reference_nothing_outside(corpus, tmp_path):
    record, raw = gold("pingtan_zhq_2021.txt", corpus)
    assert "https://www.pingtan.gov.cn" in raw  # URLs in the text stay text
    assert external_references(render_show(record, raw)) == []
    assert external_references(render_report([record], "out.jsonl", {record["id"]: len(raw)},
                                             {record["id"]: page_name(record["id"])})) == []
    assert external_references('<img src="http://x/y.png"><a href="https://x">') != []


def gold_jsonl(corpus, path, names):
    with open(path, "w", encoding="utf-8") as f:
        for name in names:
            record, _ = gold(name, corpus)
            record["source"] = str(corpus / record["source"])
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


NAMES = ["pingtan_zhq_2021.txt", "pingtan_zhq_2019.txt", "shanghai_bgt_2019.html", "pingtan_zhq_2014.txt"]


def test_report_counts_and_charts(corpus):
    records = [gold(n, corpus)[0] for n in NAMES]
    records[0]["fields"]["t3.new.natural"]["value"] += 1
    records[0] = revalidate(records[0])
    records.append({"id": "broken.txt", "source": "broken.txt", "status": "error", "error": "empty document",
                    "format": "unknown", "year": None, "sections": [], "fields": {}, "checks": []})
    html = render_report(records, "out.jsonl", {"reports/pingtan_zhq_2019.txt": 6307})
    status = html[html.index('id="by-status"'):html.index("</table>", html.index('id="by-status"'))]
    assert re.search(r'invalid</span></th><td>1</td><td>0</td><td>0</td><td>0</td><td><b>1</b>', status)
    assert re.search(r'error</span></th><td>0</td><td>0</td><td>0</td><td>1</td><td><b>1</b>', status)
    chart = html[html.index('id="failing-by-rule"'):]
    assert chart.index("t3.balance") < chart.index("</svg>") and chart.count("<rect") >= 2
    # denominator: the 2019 and legacy documents (the catalogue gives the total column to legacy too)
    assert re.search(r'data-field="t3.other_processing.total"[^>]*title="t3.other_processing.total: stated in 2 of 3 ', html)
    assert re.search(r'data-field="t3.new.natural"[^>]*>3<', html)  # 2021, 2019, shanghai 2019 (legacy has no such cell)
    assert "Largest documents" in html and "no <code>seconds</code> key" in html
    records[1]["seconds"] = 2.5
    assert "Slowest documents" in render_report(records, "out.jsonl")


def test_report_with_pages_writes_and_links_a_show_page_per_document(corpus, tmp_path):
    records = tmp_path / "gold.jsonl"
    gold_jsonl(corpus, records, NAMES)
    out = tmp_path / "site" / "report.html"
    # the sources are in the shared corpus: outside the records' folder and the current folder (issue 16)
    assert cli(["report", str(records), "-o", str(out), "--with-pages", "--source-root", str(corpus)]) == 0
    html = out.read_text(encoding="utf-8")
    links = re.findall(r'<td class="id"><a href="([^"]+)"', html)
    assert len(links) == len(NAMES)
    for link in links:
        page = Page((out.parent / link).read_text(encoding="utf-8"))
        assert page.marks and page.cells
    assert cli(["report", str(records), "-o", str(tmp_path / "bare.html")]) == 0
    assert "0 of 4 documents link" in (tmp_path / "bare.html").read_text(encoding="utf-8")


def test_show_from_a_record_reads_the_text_from_its_source(corpus, tmp_path):
    records = tmp_path / "gold.jsonl"
    gold_jsonl(corpus, records, NAMES)
    out = tmp_path / "one.html"
    assert cli(["show", "--record", str(records), "--id", "reports/pingtan_zhq_2019.txt", "-o", str(out)]) == 0
    assert "unavailable" in out.read_text(encoding="utf-8")  # the corpus is no allowed source root by default
    assert cli(["show", "--record", str(records), "--id", "reports/pingtan_zhq_2019.txt", "-o", str(out),
                "--source-root", str(corpus)]) == 0
    page = Page(out.read_text(encoding="utf-8"))
    assert len(page.marks) > 150 and page.cells["t3.new.total"]["href"] == "#span-t3.new.total"


def test_show_finds_text_of_a_record_from_a_jsonl_corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus.jsonl").write_text(
        json.dumps({"id": "a", "text": "其他"}) + "\n\n" + json.dumps({"id": "b", "text": "主动公开政府信息12条"}) + "\n",
        encoding="utf-8")
    record = {"id": "b", "source": "corpus.jsonl:3", "status": "ok", "format": "2021", "year": 2021, "sections": [],
              "fields": {"proactive.total": {"value": 12, "text": "12", "start": 8, "end": 10, "prose": True}},
              "checks": []}
    (tmp_path / "out.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert cli(["show", "--record", "out.jsonl", "-o", "b.html"]) == 0
    assert Page((tmp_path / "b.html").read_text(encoding="utf-8")).marks[0]["text"] == "12"


@pytest.mark.parametrize("argv,message", [
    (["show"], "nothing to show"),
    (["show", "a.txt", "--record", "r.jsonl"], "not both"),
    (["show", "--record", "missing.jsonl"], "records file not found"),
    (["show", "--record", "r.jsonl"], "holds no record"),
    (["show", "--record", "a.txt"], "is not JSON Lines records"),
    (["show", "missing.txt"], "input not found"),
    (["show", "."], "show takes one document"),
    (["show", "a.txt", "--id", "x"], "--id selects a record"),
    (["report", "missing.jsonl"], "records file not found"),
    (["report", "r.jsonl", "-o", "r.jsonl"], "pass -o REPORT.html"),
])
def test_bad_arguments_exit_2_with_one_line(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("一、总体情况", encoding="utf-8")
    (tmp_path / "r.jsonl").write_text("", encoding="utf-8")
    assert cli(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_show_several_records_needs_an_id(corpus, tmp_path, capsys):
    records = tmp_path / "gold.jsonl"
    gold_jsonl(corpus, records, NAMES)
    assert cli(["show", "--record", str(records)]) == 2
    assert "holds 4 records: pass --id ID (e.g. --id reports/pingtan_zhq_2021.txt)" in capsys.readouterr().err
    assert cli(["show", "--record", str(records), "--id", "nope"]) == 2
    assert "no record with id 'nope'" in capsys.readouterr().err


def test_show_extracts_a_document_with_a_model(smoke_model, tmp_path):
    src = ann.REPO_ROOT / "examples" / "district_2019_flattened.txt"
    out = tmp_path / "page.html"
    assert cli(["show", str(src), "-o", str(out), "--model", str(smoke_model)]) == 0
    html = out.read_text(encoding="utf-8")
    raw = read_path(src).text
    page = Page(html)
    assert "Document text" in html and len(page.cells) >= 23 * 7  # the tables are drawn even when empty
    for m in page.marks:
        assert m["text"] == raw[int(m["data-start"]):int(m["data-end"])]



def test_show_gives_each_span_its_stage_and_the_rows_the_reader_saw():
    from gktagger.review.show import render_show

    raw = "三、收到和处理政府信息公开申请情况\n(一)予以公开\t12\t\t3\n行政许可87402\n"
    fields = {"t3.granted.natural": {"value": 12, "text": "12", "start": raw.index("12"), "end": raw.index("12") + 2,
                                     "score": 0.9, "by": "realign", "rule": "row moved +1 in the template"},
              "t2.licensing.prev_items": {"value": 87, "text": "87", "start": raw.index("87"),
                                          "end": raw.index("87") + 2, "score": 0.5, "by": "split"},
              "t2.licensing.decisions": {"value": 402, "text": "402", "start": raw.index("402"),
                                         "end": raw.index("402") + 3, "score": 0.5, "by": "split"}}
    record = {"id": "x", "source": "x", "status": "ok", "error": None, "format": "2021", "year": 2021,
              "sections": [], "fields": fields, "checks": [], "mentions": []}
    html = render_show(record, raw)
    assert "· by realign (row moved +1 in the template)" in html
    rows = html[html.index('<details id="rows">'):html.index("</details>")]
    assert rows.count("<tr>") == 2  # the tab row, and the run holding two fields
    assert '<td class="blank">_</td>' in rows and ">3<br><small>·</small>" in rows
    assert "licensing.prev_items licensing.decisions" in rows


def test_html_records_index_the_html_source_and_show_highlights_them(corpus):
    """output.md: for an HTML page the offsets index the decoded HTML source (the file as downloaded)."""
    from gktagger.extract import Extractor
    from gktagger.io.reading import read_path
    from gktagger.review.show import for_display, render_show

    pages = [p for p in ann.corpus_files() if p.suffix == ".html"]
    assert pages
    docs = [read_path(p) for p in pages]
    for doc, record in zip(docs, Extractor().extract(docs)):
        raw = doc.raw
        assert raw == read_path(doc.source).source_text and "<" in raw
        assert record["fields"] and record["sections"]
        for entry in [*record["fields"].values(), *record["mentions"]]:
            assert raw[entry["start"]:entry["end"]] == entry["text"]
        for s in record["sections"]:
            assert raw[s["start"]:s["start"] + len(s["title"])] == s["title"] and s["start"] < s["end"] <= len(raw)
        shown, text = for_display(record, doc)
        assert text == doc.text
        html = render_show(shown, text)
        assert "not highlighted" not in html
        assert html.count('<mark id="span-') >= len(record["fields"])


HTML_ANNOTATIONS = sorted(p.name[:-len(".json")] for p in ANNOTATIONS.glob("*.json")
                          if p.name.endswith((".html.json", ".htm.json")))


@pytest.mark.parametrize("name", HTML_ANNOTATIONS)
def test_gold_record_of_an_html_page_is_shown_with_every_field_on_its_gold_text(name, corpus):
    """A gold record (training.gold_records, the JSONL `show --record` and `report` read) of an HTML page
    indexes the HTML source like an extracted record, so its page highlights each gold span."""
    from gktagger.training.annotations import gold_spans
    from gktagger.review.show import iter_texts
    from gktagger.training.gold_records import gold_records

    annotation = ann.load(ANNOTATIONS / f"{name}.json")
    doc = ann.read_document(annotation)
    [record] = [r for r in gold_records() if r["id"] == annotation.document]
    for entry in [*record["fields"].values(), *record["mentions"]]:
        assert doc.raw[entry["start"]:entry["end"]] == entry["text"]
    record = {**json.loads(json.dumps(record, ensure_ascii=False)), "source": str(corpus / annotation.document)}
    [(shown, text, problem)] = iter_texts([record], roots=[corpus])
    assert problem == "" and text == doc.text
    html = render_show(shown, text)
    marks = {m["id"]: m for m in Page(html).marks}
    gold = gold_spans(annotation)
    assert len(gold) == len(record["fields"]) > 20
    for fid, span in gold.items():
        mark = marks[f"span-{fid}"]
        assert (int(mark["data-start"]), int(mark["data-end"]), mark["text"]) == (span.start, span.end, span.text), fid
    assert "not highlighted" not in html
