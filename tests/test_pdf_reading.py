"""PDF input: generated reports printed by a real headless Chromium, read back by gktagger.io.pdftext.

Four Chromium runs per session (a report whose table 3 crosses a page break, a two-column page, and
a picture of a page plus the image-only PDF made from it); every other PDF is derived from those
bytes (encrypted, truncated) or written here (a 2,000-page PDF, a decompression bomb).
Without Chromium these tests skip, except under ``CI=true``.
"""
from __future__ import annotations

import base64
import html
import io
import json
import os
import random
import shutil
import zlib
from pathlib import Path

import pytest

from pdfbytes import pdf_from_objects

from gktagger.cli import main as cli
from gktagger.io.pdftext import SCANNED, PdfError, PdfLimits, pages_of, read_pdf
from gktagger.io.reading import iter_documents, read_path
from gktagger.training import annotations as ann
from gktagger.training.synth import render

pytestmark = pytest.mark.browser

TABLE3_REPORT = (2026, 4)  # seed, index: a 2021 report whose table 3 runs from page 3 onto page 4


def _chromium():
    found = render.CHROMIUM if os.path.exists(render.CHROMIUM) else shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("headless Chromium is required under CI (apt-get install chromium fonts-wqy-microhei)")
    pytest.skip("headless Chromium not installed")


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory):
    """Rendered PDFs: {"table3": (path, generated_text, gold), "columns": path, "scanned": path}."""
    render.CHROMIUM = _chromium()
    out = tmp_path_factory.mktemp("pdfs")
    seed, i = TABLE3_REPORT
    source, text, gold = render.html_report(seed, i)
    table3 = render.render_pdf(render.with_css(source, render.print_css(random.Random(i))), out / "table3.pdf")
    columns = render.render_pdf(_two_column_html(), out / "columns.pdf")
    picture = render.render_png(f"<html><body style='font-size:20px'>{html.escape(text[:600])}</body></html>",
                                out / "page.png")
    image = base64.b64encode(picture.read_bytes()).decode()
    scanned = render.render_pdf(f"<html><body style='margin:0'><img style='width:100%' "
                                f"src='data:image/png;base64,{image}'></body></html>", out / "scanned.pdf")
    return {"table3": (table3, text, gold), "columns": columns, "scanned": scanned}


COLUMN_SENTENCES = [f"第{n}段：本机关坚持以公开为常态、不公开为例外，全年主动公开各类信息{n * 7}条，"
                    f"持续推进决策、执行、管理、服务、结果公开，做好政策解读与回应关切工作。" for n in range(1, 13)]


def _two_column_html() -> str:
    paragraphs = "".join(f"<p>{s}</p>" for s in COLUMN_SENTENCES)
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><style>@page{size:A4;margin:20mm}"
            "body{font-family:'WenQuanYi Micro Hei';font-size:11pt}.cols{column-count:2;column-gap:14mm}"
            "</style></head><body><h2>某县2023年政府信息公开工作年度报告</h2>"
            f"<div class='cols'>{paragraphs}</div><p>以上为本报告全文，数据截至2023年12月31日。</p></body></html>")


@pytest.fixture(scope="session")
def extractor():
    from gktagger.extract import Extractor

    return Extractor()


def _wrong_cells(gold_doc, record, prefix: str) -> list:
    gold = {k: v for k, v in ann.gold_values(gold_doc).items() if k.startswith(prefix)}
    fields = record["fields"]
    wrong = [(k, v.value, fields.get(k, {}).get("value")) for k, v in gold.items()
             if (fields.get(k, {}).get("value"), bool(fields.get(k, {}).get("na"))) != (v.value, v.na)]
    spurious = [k for k in fields if k.startswith(prefix) and k not in gold]
    return wrong + spurious


def test_table3_across_a_page_break_is_extracted_cell_for_cell(pdfs, extractor):
    path, text, gold = pdfs["table3"]
    doc = read_path(path)
    assert doc.kind == "pdf" and not doc.error
    projected = render.rendered_gold(gold, text, doc.text, str(path))
    assert len(projected.spans) == len(gold.spans)  # every gold span is in the text read from the PDF
    cells = [s for s in projected.spans if s.label.startswith("t3.") and not s.prose]
    assert len(cells) >= 100 and len({pages_of(doc, s.start) for s in cells}) >= 2  # it does cross
    record = extractor.extract([doc])[0]
    assert _wrong_cells(gold, record, "t3.") == []
    for fid, entry in record["fields"].items():
        assert doc.text[entry["start"]:entry["end"]] == entry["text"]
        assert entry["page"] == pages_of(doc, entry["start"]) and entry["page"] >= 1
    assert all(s["page"] >= 1 for s in record["sections"])
    from gktagger.review.show import render_show

    page = render_show(record, doc.text)
    assert f" · p. {record['fields']['t3.total.total']['page']}" in page  # show gives each span's page
    by_id = {s.label: s for s in cells}
    assert {record["fields"][f]["page"] for f in by_id if f in record["fields"]} == \
        {pages_of(doc, s.start) for s in cells}


def test_running_headers_footers_and_page_numbers_are_dropped(pdfs):
    path, _, _ = pdfs["table3"]
    doc = read_path(path)
    lines = doc.text.split("\n")
    assert len(doc.meta["page_starts"]) >= 4
    assert "政府信息公开工作年度报告" not in lines  # the running header Chromium printed on every page
    assert not [l for l in lines if l.strip().strip("-—第页 ").isdigit()]  # the page numbers


def test_two_column_page_reads_column_by_column(pdfs):
    text = read_path(pdfs["columns"]).text
    flat = "".join(text.split())
    positions = [flat.find("".join(s.split())) for s in COLUMN_SENTENCES]
    assert -1 not in positions, text[:400]
    assert positions == sorted(positions)
    assert flat.index("年度报告") < positions[0] and flat.index("以上为本报告全文") > positions[-1]
    assert "\t" not in text  # the gutter is not read as a table's column gap


def test_scanned_pdf_is_an_error_record(pdfs):
    with pytest.raises(PdfError, match=r"^no text layer \(scanned PDF\); OCR is not supported$"):
        read_pdf(pdfs["scanned"].read_bytes())
    [doc] = iter_documents([str(pdfs["scanned"])])
    assert doc.error == SCANNED


def test_encrypted_pdf(pdfs):
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(pdfs["table3"][0].read_bytes()))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(PdfError, match="^encrypted PDF: it needs a password to be read$"):
        read_pdf(buffer.getvalue())


def test_truncated_and_damaged_pdfs(pdfs):
    data = pdfs["table3"][0].read_bytes()
    with pytest.raises(PdfError, match="^truncated PDF"):
        read_pdf(data[: len(data) // 2])
    with pytest.raises(PdfError, match="^damaged PDF"):
        read_pdf(b"%PDF-1.7\n" + bytes(random.Random(1).randrange(256) for _ in range(4000)) + b"\n%%EOF\n")


def test_two_thousand_page_pdf_is_refused_within_its_limit():
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(2000):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(PdfError, match=r"^PDF has 2000 pages \(limit 500\)$"):
        read_pdf(buffer.getvalue())


def _one_page_pdf(content: bytes) -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"]
    return pdf_from_objects(objects)


def test_decompression_bomb_hits_the_memory_limit(pdfs):
    # 1 GiB of blanks in ~4 MB: one flushed deflate block repeated (the checksum is never reached)
    chunk = b" " * 2**20
    deflate = zlib.compressobj(1)
    head = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    bomb = _one_page_pdf(head + block * 1023 + b"\x03\x00\x00\x00\x00\x00")
    limits = PdfLimits(max_memory=640 * 2**20)
    assert read_pdf(pdfs["table3"][0].read_bytes(), limits).text  # a real report fits the same limit
    with pytest.raises(PdfError, match=r"^PDF needs more than 640 MiB to read \(limit\)$"):
        read_pdf(bomb, limits)


def test_time_limit(pdfs):
    with pytest.raises(PdfError, match=r"longer than 0.05 s"):
        read_pdf(pdfs["table3"][0].read_bytes(), PdfLimits(max_seconds=0.05))


def test_text_command_round_trips_offsets(pdfs, extractor, tmp_path, capfdbinary):
    from gktagger.training.synth.render import html_to_docx

    docx_path = tmp_path / "report.docx"
    source, _, _ = render.html_report(*TABLE3_REPORT)
    docx_path.write_bytes(html_to_docx(source))
    paths = [pdfs["table3"][0], pdfs["columns"], docx_path]
    docs = [read_path(p) for p in paths]
    for path, doc, record in zip(paths, docs, extractor.extract(docs)):
        assert cli(["text", str(path)]) == 0
        printed = capfdbinary.readouterr().out.decode("utf-8")
        assert printed == doc.text
        for entry in [*record["fields"].values(), *record["mentions"]]:
            assert printed[entry["start"]:entry["end"]] == entry["text"]
        for s in record["sections"]:
            assert printed[s["start"]:s["start"] + len(s["title"])] == s["title"]


def test_mixed_folder_gives_every_document_a_record(pdfs, tmp_path):
    from gktagger.run.batch import run_extract
    from gktagger.training.synth.render import html_to_docx

    folder = tmp_path / "in"
    folder.mkdir()
    source, text, _ = render.html_report(*TABLE3_REPORT)
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.html").write_text(source, encoding="utf-8")
    shutil.copy(pdfs["table3"][0], folder / "c.pdf")
    (folder / "d.docx").write_bytes(html_to_docx(source))
    (folder / "e.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    (folder / "f.wps").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    shutil.copy(pdfs["scanned"], folder / "g.pdf")
    (folder / "h.pdf").write_bytes(b"<html>not a pdf</html>")
    out = tmp_path / "out.jsonl"
    run_extract([str(folder)], str(out), quiet=True)
    records = {Path(r["id"]).name: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert sorted(records) == ["a.txt", "b.html", "c.pdf", "d.docx", "e.doc", "f.wps", "g.pdf", "h.pdf"]
    for name in ("a.txt", "b.html", "c.pdf", "d.docx"):
        assert records[name]["status"] in ("ok", "invalid") and len(records[name]["fields"]) > 100
    assert records["e.doc"]["error"] == "legacy Word .doc files are not supported: save it as .docx or PDF"
    assert records["f.wps"]["error"] == "WPS Office .wps files are not supported: save it as .docx or PDF"
    assert records["g.pdf"]["error"] == SCANNED
    assert records["h.pdf"]["error"] == "damaged PDF file: not a .pdf document"
    assert all(r["status"] == "error" for n, r in records.items() if n in ("e.doc", "f.wps", "g.pdf", "h.pdf"))
    assert "page" in next(iter(records["c.pdf"]["fields"].values()))
    assert "page" not in next(iter(records["d.docx"]["fields"].values()))


def test_pdf_and_word_bytes_in_jsonl_and_parquet_columns(pdfs, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from gktagger.training.synth.render import html_to_docx

    pdf = pdfs["table3"][0].read_bytes()
    word = html_to_docx(render.html_report(*TABLE3_REPORT)[0])
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text("\n".join(json.dumps({"id": k, "text": v}) for k, v in [
        ("pdf", base64.b64encode(pdf).decode()), ("docx", "data:application/octet-stream;base64,"
                                                  + base64.b64encode(word).decode()),
        ("plain", "一、总体情况")]) + "\n", encoding="utf-8")
    parquet = tmp_path / "c.parquet"
    pq.write_table(pa.table({"id": ["pdf", "docx"], "text": [pdf, word]}), parquet)
    for corpus in (jsonl, parquet):
        docs = {d.id: d for d in iter_documents([str(corpus)])}
        assert docs["pdf"].kind == "pdf" and docs["pdf"].text == read_path(pdfs["table3"][0]).text
        assert docs["docx"].kind == "docx" and "（七）总计" in docs["docx"].text
    assert docs["pdf"].meta["page_starts"][0] == 0
