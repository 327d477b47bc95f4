"""Reading: encoding detection, HTML reduction with exact offsets, files/folders/JSONL/Parquet."""
from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from gktagger.io.htmltext import html_to_text
from gktagger.io.reading import ReadError, decode, iter_documents, read_bytes, read_path
from gktagger.training.annotations import corpus_files, corpus_root

SIMPLIFIED = "一、总体情况\n本年度共收到政府信息公开申请23件，予以公开15件，不予公开2件。\n二、主动公开政府信息情况\n"
TRADITIONAL = "一、總體情況\n本年度共收到政府資訊公開申請23件，予以公開15件，不予公開2件。\n二、主動公開政府資訊情況\n"


def assert_offsets_exact(html: str, text: str, offsets: list[int]) -> None:
    """Every output char comes from its source index: the char itself, an entity, or a tag."""
    assert len(text) == len(offsets)
    assert offsets == sorted(offsets)
    for i, (ch, at) in enumerate(zip(text, offsets)):
        src = html[at]
        if src == ch:
            continue
        if src == "&":
            entity = re.match(r"&#?[0-9A-Za-z]+;?", html[at:]).group()
            decoded = unescape(entity)
            assert ch in decoded or (ch == " " and decoded.isspace()), (i, ch, entity)
        elif ch in "\n\t":
            assert src == "<", (i, repr(ch), html[at:at + 10])
        elif ch == " ":
            assert src.isspace() or src == "<", (i, html[at:at + 10])
        else:
            raise AssertionError((i, ch, html[at:at + 10]))


# --- decode -------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_decode_gb_family(encoding):
    assert decode(SIMPLIFIED.encode(encoding)) == (SIMPLIFIED, "gb18030")


def test_decode_big5_traditional():
    text, encoding = decode(TRADITIONAL.encode("big5"))
    assert (text, encoding) == (TRADITIONAL, "big5")


def test_decode_gbk_traditional_is_not_taken_for_big5():
    assert decode(TRADITIONAL.encode("gbk")) == (TRADITIONAL, "gb18030")


@pytest.mark.parametrize("encoding, bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                           ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00")])
def test_decode_bom(encoding, bom):
    text, found = decode(bom + SIMPLIFIED.encode(encoding))
    assert text == SIMPLIFIED
    assert found == ("utf-8-sig" if encoding == "utf-8" else encoding)


def test_decode_plain_utf8():
    assert decode(SIMPLIFIED.encode("utf-8")) == (SIMPLIFIED, "utf-8")


@pytest.mark.parametrize("data", [b"", b"   \r\n\t ", b"\xef\xbb\xbf\n", "\u3000\n".encode("utf-8")])
def test_empty_input(data):
    with pytest.raises(ReadError, match=r"^empty document$"):
        decode(data)


@pytest.mark.parametrize("data", [b"abc\x00def" * 10, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)),
                                  bytes(range(1, 32)) * 20, bytes([0x81, 0x20, 0xff, 0x7f, 0x80]) * 50])
def test_binary_input(data):
    with pytest.raises(ReadError, match=r"^not text: binary content$"):
        decode(data)
    assert issubclass(ReadError, ValueError)


def test_decode_corpus_reencoded():
    """Every corpus text survives GB18030, GBK and (converted to traditional) Big5 round trips."""
    import opencc

    to_traditional = opencc.OpenCC("s2t")
    for path in corpus_files():
        if path.suffix not in (".txt", ".md"):
            continue
        text = path.read_text(encoding="utf-8")
        assert decode(text.encode("gb18030")) == (text, "gb18030"), path.name
        gbk = text.encode("gbk", errors="replace")
        assert decode(gbk) == (gbk.decode("gb18030"), "gb18030"), path.name
        big5 = to_traditional.convert(text).encode("big5", errors="replace")
        decoded, encoding = decode(big5)
        assert encoding in ("big5", "cp950", "big5hkscs"), (path.name, encoding)
        assert decoded == big5.decode("big5"), path.name


# --- HTML reduction -----------------------------------------------------------------------------

SPAN_TABLE = """<!DOCTYPE html><html><head><title>t</title><style>td{}</style></head><body>
<p>一、总体情况&nbsp;</p>
<table border="1"><tbody>
<tr><td colspan="3" rowspan="2"><p>说明</p></td><td colspan="2">申请人</td></tr>
<tr><td rowspan="2">自然<br/>人</td><td>商业<br>企业</td></tr>
<tr><td>一、新收</td><td>12</td><td>3</td><td>&#49;5</td></tr>
<tr><td></td><td>&nbsp;</td><td> 7 </td></tr>
</tbody></table>
<!-- a comment <p>hidden</p> --><script>document.write("<p>x</p>")</script>
<p>A &amp; B &lt;C&gt;  &#x4E00;</p></body></html>"""


def test_html_table_rows_and_cells():
    text, offsets = html_to_text(SPAN_TABLE)
    assert text.split("\n") == [
        "一、总体情况",
        "说明\t申请人",
        "自然人\t商业企业",
        "一、新收\t12\t3\t15",
        "\t\t7",
        "A & B <C> 一",
    ]
    assert_offsets_exact(SPAN_TABLE, text, offsets)


def test_html_entities_map_to_entity_start():
    html = "<p>x&nbsp;&nbsp;y&amp;z&#26376;&#x6708;</p>"
    text, offsets = html_to_text(html)
    assert text == "x y&z月月"
    assert [html[o] for o in offsets] == ["x", "&", "y", "&", "z", "&", "&"]
    assert_offsets_exact(html, text, offsets)


def test_html_nested_table_and_layout():
    html = ("<table><tr><td><p>正文一</p><p>正文二</p>"
            "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>"
            "</td><td>侧栏</td></tr></table>")
    text, offsets = html_to_text(html)
    assert text == "正文一\n正文二\n1\t2\n3\t4\n侧栏"
    assert_offsets_exact(html, text, offsets)


def test_html_blocks_and_blank_lines():
    html = "<div>a</div>\n\n<div>b<br><br><br>c</div><ul><li>d<li>e</ul><h2>f</h2>g <b>h</b>\n i"
    text, offsets = html_to_text(html)
    assert text == "a\nb\n\nc\nd\ne\nf\ng h i"
    assert_offsets_exact(html, text, offsets)


def test_html_offsets_with_crlf_and_multiline_tags():
    html = "<p\r\n class='x'>第一\r\n行</p>\r\n<table\n><tr><td\n>5</td><td>6</td></tr></table>"
    text, offsets = html_to_text(html)
    assert text == "第一 行\n5\t6"
    assert_offsets_exact(html, text, offsets)


@pytest.mark.parametrize("name", ["pingtan_zhq_2024_table.html", "shanghai_bgt_2019.html"])
def test_corpus_html(name):
    path = corpus_root() / "reports" / name
    doc = read_path(path)
    html = path.read_text(encoding="utf-8")
    assert doc.kind == "html" and doc.source_text == html and doc.error is None
    assert_offsets_exact(html, doc.text, doc.source_offsets)
    for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S):
        value = unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        if re.fullmatch(r"[\d.]+", value):  # a numeric cell is a whole tab-separated field
            assert re.search(rf"(^|\t){re.escape(value)}(\t|$)", doc.text, flags=re.M), value
    lines = doc.text.split("\n")
    row = next(line for line in lines if line.startswith("一、本年新收政府信息公开申请数量"))
    assert len(row.split("\t")) == 8
    assert "申请人情况" not in doc.text.split("三、收到和处理政府信息公开申请情况")[0]
    assert "\n\n\n" not in doc.text and doc.text == doc.text.strip()


# --- documents ----------------------------------------------------------------------------------

def test_read_bytes_kinds():
    assert read_bytes(b"# t\n", "a.md", suffix=".md").kind == "markdown"
    assert read_bytes(b"plain", "a.txt").kind == "text"
    doc = read_bytes("<p>甲</p><p>乙</p>".encode("gb18030"), "a.HTM", suffix=".HTM")
    assert (doc.kind, doc.text, doc.encoding) == ("html", "甲\n乙", "gb18030")
    sniffed = read_bytes(b"\n<!DOCTYPE html><html><p>x</p></html>", "page.txt")
    assert (sniffed.kind, sniffed.text) == ("html", "x")
    with pytest.raises(ReadError, match="^empty document$"):
        read_bytes(b"<html><head><title>only</title></head></html>", "e.html", suffix=".html")


def test_read_path_ids_and_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("sub").mkdir()
    Path("sub/r.txt").write_bytes(SIMPLIFIED.encode("gbk"))
    doc = read_path("./sub/r.txt")
    assert (doc.id, doc.source, doc.text, doc.encoding) == ("./sub/r.txt", "./sub/r.txt", SIMPLIFIED, "gb18030")
    assert read_path(Path("sub/r.txt"), id="x").id == "x"
    with pytest.raises(FileNotFoundError):
        read_path("sub/missing.txt")
    Path("sub/bin.txt").write_bytes(b"\x00\x01" * 10)
    with pytest.raises(ReadError, match="^not text: binary content$"):
        read_path("sub/bin.txt")


def test_iter_directory_recursive_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "z").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for rel in ["b/2.txt", "a/z/9.md", "a/1.htm", "a/10.html", "c.txt", "skip.png", ".hidden/h.txt"]:
        (tmp_path / rel).write_text("<p>x</p>" if "htm" in rel else "x", encoding="utf-8")
    (tmp_path / "d.txt").write_bytes(b"")
    docs = list(iter_documents([str(tmp_path)]))
    assert [d.id[len(str(tmp_path)) + 1:] for d in docs] == [
        "a/1.htm", "a/10.html", "a/z/9.md", "b/2.txt", "c.txt", "d.txt", "skip.png"]
    assert [d.error for d in docs[:6]] == [None] * 5 + ["empty document"]
    assert docs[6].error.startswith("unsupported format .png: documents are .txt")  # a record, not silence
    assert [d.kind for d in docs[:3]] == ["html", "html", "markdown"]


def test_iter_missing_input_raises_before_reading(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="nope"):
        iter_documents([tmp_path / "a.txt", tmp_path / "nope"])


def test_iter_jsonl(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [json.dumps({"id": "r1", "text": SIMPLIFIED}, ensure_ascii=False),
             '{"id": "r2", "text": "broken',
             "",
             json.dumps({"id": "r3", "body": "x"}),
             json.dumps({"text": "<html><body><table><tr><td>1</td><td>2</td></tr></table></body></html>"}),
             json.dumps({"id": 5, "text": "   "}),
             json.dumps(["not", "an", "object"]),
             json.dumps({"id": "r8", "text": None})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = list(iter_documents([str(path)]))
    assert [(d.id, d.error) for d in docs] == [
        ("r1", None),
        (f"{path}:2", "invalid JSON on line 2"),
        ("r3", 'no column "text"'),
        (f"{path}:5", None),
        ("5", "empty document"),
        (f"{path}:7", "line 7 is not a JSON object"),
        ("r8", 'column "text" is not text'),
    ]
    assert docs[0].text == SIMPLIFIED
    assert (docs[3].kind, docs[3].text) == ("html", "1\t2")


def test_iter_jsonl_custom_columns(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"doc": "d1", "content": "x"}) + "\n", encoding="utf-8")
    docs = list(iter_documents([path], text_column="content", id_column="doc"))
    assert [(d.id, d.text) for d in docs] == [("d1", "x")]


def test_iter_parquet_batches(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    import gktagger.io.reading as reading

    monkeypatch.setattr(reading, "PARQUET_BATCH_ROWS", 2)
    path = tmp_path / "c.parquet"
    table = pa.table({"id": ["a", None, "c", "d", "e"],
                      "text": [SIMPLIFIED, "x", "", "<!DOCTYPE html><p>y</p>", None],
                      "extra": [1, 2, 3, 4, 5]})
    pq.write_table(table, path, row_group_size=2)
    docs = list(iter_documents([path]))
    assert [(d.id, d.error) for d in docs] == [
        ("a", None), (f"{path}:1", None), ("c", "empty document"), ("d", None), ("e", 'column "text" is not text')]
    assert docs[3].kind == "html" and docs[3].text == "y"
    missing = list(iter_documents([path], text_column="body"))
    assert [d.error for d in missing] == ['no column "body"'] * 5


def test_iter_unreadable_files_become_failed_documents(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    (tmp_path / "bin.txt").write_bytes(b"\x00" * 40)
    docs = list(iter_documents([tmp_path / "bad.parquet", tmp_path / "bin.txt"]))
    assert docs[0].error.startswith("could not read: ")
    assert docs[1].error == "not text: binary content"


def test_every_corpus_document_reads():
    files = corpus_files()
    docs = list(iter_documents([str(p) for p in files]))
    assert len(docs) == len(files)
    for doc in docs:
        assert doc.error is None, (doc.id, doc.error)
        assert doc.text.strip()
        assert doc.kind == {".html": "html", ".md": "markdown", ".txt": "text"}[Path(doc.id).suffix]


def test_html_tag_soup_offsets_stay_exact():
    import random

    rng = random.Random(7)
    pieces = ["<p>", "</p>", "<div>", "</div>", "<br>", "<br/>", "<table>", "</table>", "<tr>", "</tr>",
              "<td>", "</td>", "<th colspan=2>", "<li>", "<span>", "</span>", "&nbsp;", "&amp;", "&#20844;",
              "&bogus;", "&", "<", " ", "\n", "\r\n", "\t", "公开", "12", "a b", "<!-- c -->", "<script>x<p>y</script>",
              "<b\nclass='x'>", "</b>", "< p>", "</td></tr></table>"]
    for _ in range(300):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        text, offsets = html_to_text(html)
        assert_offsets_exact(html, text, offsets)
        assert "\n\n\n" not in text and text == text.strip(" \n")


def test_html_unclosed_cells_and_deep_nesting():
    html = "<table><tr><td>a<td>b<tr><td>c<td>d</table><p>e"
    text, offsets = html_to_text(html)
    assert text == "a\tb\nc\td\ne"
    assert_offsets_exact(html, text, offsets)
    deep = "<font>" * 20000 + "x" + "<div>y" * 3000 + "</p>" * 3000
    assert html_to_text(deep)[0].split("\n")[:2] == ["x", "y"]


@pytest.mark.parametrize("word", ["公开", "本年度", "件", "年度报告"])
def test_decode_short_ambiguous_gb_prefers_gb18030(word):
    """These GB bytes are also valid common Big5; with no evidence the domain prior (GB) wins."""
    assert decode(word.encode("gb18030")) == (word, "gb18030")


def test_decode_tolerates_a_few_broken_bytes():
    text = (corpus_root() / "reports" / "pingtan_zhq_2021.txt").read_text(encoding="utf-8")
    cut = text.encode("utf-8")[:-2]  # last character cut in half
    decoded, encoding = decode(cut)
    assert (decoded, encoding) == (cut.decode("utf-8", errors="replace"), "utf-8")
    assert decoded.endswith("\ufffd")
    data = text.encode("gb18030")
    decoded, encoding = decode(data[:500] + b"\xff" + data[500:])
    assert encoding == "gb18030" and decoded.count("\ufffd") == 1 and decoded.replace("\ufffd", "") == text
