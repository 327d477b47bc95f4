"""Word (.docx) → document text with python-docx: paragraphs and tables in document order.

Like the HTML reader, every paragraph is a line and every table row one line with its cells
tab-separated; a merged cell appears once (a horizontal merge is one cell, a vertical merge keeps
its text in the first row and adds nothing below); an empty cell stays an empty field; the
paragraphs inside a cell are joined (CJK directly, other text with a space); a table nested in a
cell is read as lines after its row. Headers, footers and text boxes are not read.

Legacy binary Word (.doc) and WPS (.wps) files are OLE2 containers python-docx cannot read: they
get a one-line error that names the format.

>>> import io, docx
>>> d = docx.Document(); _ = d.add_paragraph("一、总体情况"); t = d.add_table(rows=2, cols=3)
>>> t.cell(0, 0).text, t.cell(0, 2).text, t.cell(1, 1).text = "信息内容", "数量", "7"
>>> merged = t.cell(0, 0).merge(t.cell(0, 1))
>>> buffer = io.BytesIO(); d.save(buffer); read_docx(buffer.getvalue())
'一、总体情况\\n信息内容\\t数量\\n\\t7\\t'
"""
from __future__ import annotations

import io
import zipfile

from gktagger.errors import ReadError
from gktagger.io.limits import DocxLimits

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
DEFAULT_LIMITS = DocxLimits()


class DocxError(ReadError):
    """A Word file that cannot be read; the message is one line for the user."""


def is_docx(data: bytes) -> bool:
    """A zip whose main part is a Word document."""
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        return "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def legacy_format_error(suffix: str) -> str:
    """The error for an OLE2 (pre-2007 Office) file, naming its format by suffix."""
    name = {".doc": "legacy Word .doc", ".wps": "WPS Office .wps", ".xls": "legacy Excel .xls",
            ".et": "WPS .et", ".ppt": "legacy PowerPoint .ppt"}.get(suffix.lower(), "legacy Office (OLE2)")
    return f"{name} files are not supported: save it as .docx or PDF"


def _is_cjk(ch: str) -> bool:
    return ch >= "\u2e80"


def _joined(parts: list[str]) -> str:
    text = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if text and not (_is_cjk(text[-1]) and _is_cjk(part[0])):
            text += " "
        text += part
    return text


def _paragraph_text(p) -> str:
    return " ".join(p.text.split())


def _table_lines(table, out: list[str]) -> None:
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph

    for tr in table._tbl.tr_lst:
        cells, nested = [], []
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                continue  # the rest of a vertically merged cell: its text is in the first row
            cell = _Cell(tc, table)
            cells.append(_joined([_paragraph_text(Paragraph(p, cell)) for p in tc.p_lst]))
            nested += cell.tables
        out.append("\t".join(cells))
        for inner in nested:
            _table_lines(inner, out)


def read_docx(data: bytes, limits: DocxLimits = DEFAULT_LIMITS) -> str:
    """The document text of a .docx. Raises ``DocxError``."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if len(data) > limits.max_bytes:
        raise DocxError(f"Word file too large: {len(data) // 2**20} MiB (limit {limits.max_bytes // 2**20} MiB)")
    try:
        part = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise DocxError("damaged Word file: not a .docx package") from None
    if part.file_size > limits.max_xml_bytes:
        raise DocxError(f"Word file too large: its text part inflates to {part.file_size / 2**20:.1f} MiB "
                        f"(limit {limits.max_xml_bytes / 2**20:.1f} MiB)")
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(_paragraph_text(Paragraph(child, document)))
            elif tag == "tbl":
                _table_lines(Table(child, document), lines)
    except Exception as error:  # noqa: BLE001 - lxml/zip/python-docx raise many kinds for damaged files
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DocxError(f"damaged Word file: {message[:160]}") from None
    text = "\n".join(line for line in lines if line.strip())
    if not text.strip():
        raise DocxError("empty document")
    return text
