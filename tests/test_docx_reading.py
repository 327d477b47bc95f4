"""Word input: generated reports written to .docx with python-docx (merged cells as Word merges),
read back by gktagger.io.docxtext and extracted with the shipped model."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest

from gktagger.io.docxtext import DocxError, DocxLimits, read_docx
from gktagger.io.reading import ReadError, read_bytes
from gktagger.training import annotations as ann
from gktagger.training.synth.render import html_report, html_to_docx, rendered_gold

REPORTS = [(2026, 1), (2026, 4)]  # a 2019 and a 2021 report, both with tables 2-4


@pytest.fixture(scope="module")
def reports():
    out = []
    for seed, i in REPORTS:
        source, text, gold = html_report(seed, i)
        out.append((html_to_docx(source), text, gold))
    return out


def test_docx_with_merged_cells_is_extracted_cell_for_cell(reports):
    from gktagger.extract import Extractor

    docs = [read_bytes(data, id=f"r{k}.docx", suffix=".docx") for k, (data, _, _) in enumerate(reports)]
    records = Extractor().extract(docs)
    for (data, text, gold), doc, record in zip(reports, docs, records):
        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        assert 'w:vMerge w:val="restart"' in xml and "w:gridSpan" in xml  # real Word merges
        assert doc.kind == "docx"
        assert len(rendered_gold(gold, text, doc.text, doc.id).spans) == len(gold.spans)
        truth = ann.gold_values(gold)
        wrong = [(k, v.value, record["fields"].get(k, {}).get("value")) for k, v in truth.items()
                 if k.startswith(("t2.", "t3.", "t4.")) and
                 (record["fields"].get(k, {}).get("value"), bool(record["fields"].get(k, {}).get("na"))) != (v.value, v.na)]
        assert wrong == []
        for entry in record["fields"].values():
            assert doc.text[entry["start"]:entry["end"]] == entry["text"] and "page" not in entry


def test_merged_cells_appear_once_like_the_html_reader():
    from gktagger.io.htmltext import html_to_text

    page = ("<table border=1><tr><td rowspan=2>三、本年度办理结果</td><td colspan=2>（一）予以公开</td><td>5</td></tr>"
            "<tr><td>（二）</td><td>部分公开</td><td>1</td></tr></table><p>结束</p>")
    assert read_docx(html_to_docx(page)) == html_to_text(page)[0]


def test_paragraphs_and_tables_in_document_order():
    d = docx.Document()
    d.add_paragraph("一、总体情况")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).paragraphs[0].text = "商业"
    t.cell(0, 0).add_paragraph("企业")
    t.cell(0, 1).text = "3"
    d.add_paragraph("二、主动公开政府信息情况")
    buffer = io.BytesIO()
    d.save(buffer)
    assert read_docx(buffer.getvalue()) == "一、总体情况\n商业企业\t3\n二、主动公开政府信息情况"


def test_damaged_and_oversized_word_files():
    with pytest.raises(ReadError, match="^damaged DOCX file"):
        read_bytes(b"PK\x03\x04 broken zip", id="x.docx", suffix=".docx")
    d = docx.Document()
    d.add_paragraph("一" * 5000)
    buffer = io.BytesIO()
    d.save(buffer)
    with pytest.raises(DocxError, match="inflates to"):
        read_docx(buffer.getvalue(), DocxLimits(max_xml_bytes=1000))
    with pytest.raises(ReadError, match=r"^legacy Word \.doc files are not supported"):
        read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), id="old.doc", suffix=".doc")
