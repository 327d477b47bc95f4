"""Reading documents: bytes → text (encoding detection), HTML reduction, files, folders, JSONL, Parquet.

>>> doc = read_bytes("一、总体情况".encode("gb18030"), id="a.txt")
>>> doc.text, doc.encoding, doc.kind
('一、总体情况', 'gb18030', 'text')
>>> read_bytes(b"<html><body><p>a</p><p>b</p></body></html>", id="x").text
'a\\nb'
"""
from __future__ import annotations

import base64
import binascii
import io
import json
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from gktagger.errors import ReadError
from gktagger.io.document import Document
from gktagger.io.docxtext import OLE2_MAGIC, DocxError, is_docx, legacy_format_error, read_docx
from gktagger.io.htmltext import HtmlLimitError, html_to_text
from gktagger.io.limits import DEFAULT_LIMITS, Limits, too_large
from gktagger.io.pdftext import PdfError, read_pdf

DOCUMENT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".doc", ".wps")
RECORD_SUFFIXES = (".jsonl", ".json", ".parquet")
PARQUET_BATCH_ROWS = 256

_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0",
                 b"\x1f\x8b", b"PAR1", b"Rar!", b"7z\xbc\xaf")
_CONTROL_BYTES = frozenset(set(range(0x00, 0x09)) | set(range(0x0E, 0x1B)) | set(range(0x1C, 0x20)))
_CONTROL_CHARS = frozenset(chr(b) for b in _CONTROL_BYTES) | {"\x7f"}
# A right decode of a report is mostly common hanzi; a wrong GB18030/Big5 guess yields rare chars,
# kana, box drawing or private-use chars instead.
MIN_COMMON_SHARE = 0.6
CLEAR_MARGIN = 0.15
MAX_REPLACED_SHARE = 0.01
SHORT_TIE_BYTES = 64


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    """GB2312 level-1 hanzi (common simplified) ∪ Big5 常用字 (common traditional)."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            if (lead, trail) > (0xC6, 0x7E):
                break
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def common_share(text: str) -> float:
    """Share of non-ASCII chars that are common hanzi or CJK/general punctuation (1.0 if none).

    >>> common_share("总体情况，abc")
    1.0
    """
    common = _common_chars()
    total = hits = 0
    for ch in text:
        if ch < "\x80" or ch.isspace():
            continue
        total += 1
        if ch in common or "\u2010" <= ch <= "\u206f" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef":
            hits += 1
    return hits / total if total else 1.0


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data:
        return True
    controls = sum(1 for b in data if b in _CONTROL_BYTES)
    return controls > max(3, len(data) // 50)


def _control_heavy(text: str) -> bool:
    controls = sum(1 for ch in text if ch in _CONTROL_CHARS)
    return controls > max(3, len(text) // 50)


def _strict(data: bytes, encodings: tuple[str, ...]) -> tuple[str, str] | None:
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def _normalizer_guess(data: bytes, encodings: list[str]) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=encodings).best() if encodings else from_bytes(data).best()
    return best.encoding if best is not None else None


def _decode_cjk(data: bytes) -> tuple[str, str] | None:
    """GB18030 vs Big5: strict decodes first, then lenient ones with a few broken bytes."""
    families = {"gb18030": ("gb18030",), "big5": ("big5", "cp950", "big5hkscs")}
    strict = {}
    for family, encodings in families.items():
        decoded = _strict(data, encodings)
        if decoded is not None:
            strict[family] = (decoded, common_share(decoded[0]))
    good = {f: v for f, v in strict.items() if v[1] >= MIN_COMMON_SHARE}
    if len(good) == 1:
        return next(iter(good.values()))[0]
    if len(good) == 2:
        (gb, gb_share), (big5, big5_share) = good["gb18030"], good["big5"]
        if abs(gb_share - big5_share) >= CLEAR_MARGIN:
            return gb if gb_share > big5_share else big5
        if sum(1 for b in data if b >= 0x80) < SHORT_TIE_BYTES:
            return gb  # too short for statistics: most reports are simplified, GB-encoded
        guess = _normalizer_guess(data, ["gb18030", "big5", "cp950"]) or ""
        return big5 if guess.replace("_", "").startswith(("big5", "cp950")) else gb
    lenient = []
    for encoding in ("utf-8", "gb18030", "cp950"):
        text = data.decode(encoding, errors="replace")
        replaced = text.count("\ufffd") / max(1, len(text))
        share = common_share(text.replace("\ufffd", ""))
        if replaced <= MAX_REPLACED_SHARE and share >= MIN_COMMON_SHARE:
            lenient.append((share - replaced, text, encoding))
    if lenient:
        _, text, encoding = max(lenient, key=lambda item: item[0])
        return text, encoding
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes; return ``(text, encoding)``. Raises ``ReadError``.

    Order: BOM, strict UTF-8, GB18030 vs Big5 (common-hanzi share, charset-normalizer to break
    ties), then whatever charset-normalizer finds.

    >>> decode("開放政府資訊".encode("big5"))
    ('開放政府資訊', 'big5')
    >>> decode(b"")
    Traceback (most recent call last):
    ...
    gktagger.errors.ReadError: empty document
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                break  # a BOM-like start of binary data
            return _checked(text.lstrip("\ufeff"), encoding)
    if not data.strip():
        raise ReadError("empty document")
    if _looks_binary(data):
        raise ReadError("not text: binary content")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    decoded = _decode_cjk(data)
    if decoded is None:
        guess = _normalizer_guess(data, [])
        if guess is None:
            raise ReadError("not text: binary content")
        decoded = data.decode(guess), guess
    return _checked(*decoded)


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if not text.strip():
        raise ReadError("empty document")
    if "\x00" in text or _control_heavy(text):
        raise ReadError("not text: binary content")
    return text, encoding


def looks_like_html(text: str) -> bool:
    """True when ``text`` is an HTML document (starts with ``<!DOCTYPE html`` or ``<html``)."""
    head = text.lstrip("\ufeff \t\r\n")[:20].lower()
    return head.startswith(("<!doctype html", "<html"))


def document_from_text(text: str, id: str, source: str = "", encoding: str | None = None,
                       suffix: str = ".txt", limits: Limits = DEFAULT_LIMITS) -> Document:
    """Build a Document from decoded text: HTML (by suffix or content) is reduced. Raises ``ReadError``."""
    suffix = suffix.lower()
    if not text.strip():
        raise ReadError("empty document")
    problem = too_large(len(text), limits)
    if problem:
        raise ReadError(problem)
    if suffix in (".html", ".htm") or looks_like_html(text):
        try:
            reduced, offsets = html_to_text(text, limits)
        except HtmlLimitError as error:
            raise ReadError(str(error)) from None
        if not reduced.strip():
            raise ReadError("empty document")
        return Document(id=id, text=reduced, source=source or id, encoding=encoding, kind="html",
                        source_offsets=offsets, source_text=text)
    kind = "markdown" if suffix == ".md" else "text"
    return Document(id=id, text=text, source=source or id, encoding=encoding, kind=kind)


def read_bytes(data: bytes, id: str, suffix: str = ".txt", source: str = "",
               limits: Limits = DEFAULT_LIMITS) -> Document:
    """Decode and, for HTML, reduce ``data``; PDF and Word by their own readers. Raises ``ReadError``
    (empty, binary, undecodable, damaged, over one of ``limits``)."""
    office = _read_office(data, id, suffix.lower(), source, limits)
    if office is not None:
        return office
    text, encoding = decode(data)
    return document_from_text(text, id=id, source=source, encoding=encoding, suffix=suffix, limits=limits)


# PDF and Word (issue 17): dispatch on magic bytes, the suffix only names what a damaged file claimed to be.
_BASE64_MAGIC = ("JVBERi0", "UEsDB", "0M8R4KGxGuE")  # %PDF-, PK\x03\x04, OLE2 in base64


def _read_office(data: bytes, id: str, suffix: str, source: str, limits: Limits) -> Document | None:
    try:
        if data.lstrip()[:5] == b"%PDF-" or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
            pdf = read_pdf(data, limits.pdf)
            return Document(id=id, text=pdf.text, source=source or id, kind="pdf",
                            meta={"page_starts": pdf.page_starts})
        if data.startswith(OLE2_MAGIC):
            raise ReadError(legacy_format_error(suffix))
        if is_docx(data):
            return Document(id=id, text=read_docx(data, limits.docx), source=source or id, kind="docx")
    except (PdfError, DocxError) as error:
        raise ReadError(str(error)) from None
    if suffix in (".pdf", ".docx"):
        raise ReadError(f"damaged {suffix[1:].upper()} file: not a {suffix} document")
    if suffix in (".doc", ".wps"):
        raise ReadError(legacy_format_error(suffix))
    return None


def _base64_document(value: str) -> bytes | None:
    """The bytes of a base64 PDF/Word column value (optionally a ``data:`` URL), else None."""
    head = value.lstrip()[:64]
    if head.startswith("data:") and ";base64," in head:
        value = value.split(";base64,", 1)[1]
    if not value.lstrip().startswith(_BASE64_MAGIC):
        return None
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def read_path(path: str | Path, id: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one file within ``limits``. ``id`` defaults to the path exactly as given.

    Raises ``FileNotFoundError`` for a missing path and ``ReadError`` for unreadable content.
    """
    name = path if isinstance(path, str) else str(path)
    data = read_file_bytes(path, limits.max_bytes)
    return read_bytes(data, id=name if id is None else id, suffix=Path(path).suffix, source=name, limits=limits)


def read_file_bytes(path: str | Path, max_bytes: int = DEFAULT_LIMITS.max_bytes) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; a FIFO, device (``/dev/zero``) or larger
    file raises ``ReadError`` without blocking or reading it. A symlink to a regular file is followed.

    >>> read_file_bytes("/dev/zero")
    Traceback (most recent call last):
    ...
    gktagger.errors.ReadError: not a regular file
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("not a regular file")
        if info.st_size > max_bytes:
            raise ReadError(f"file too large: {info.st_size:,} bytes > {max_bytes:,}")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ReadError(f"file too large: more than {max_bytes:,} bytes")
    return data


def iter_documents(inputs: list[str | Path], text_column: str = "text", id_column: str = "id",
                   keep_columns: list[str] = (), limits: Limits = DEFAULT_LIMITS) -> Iterator[Document]:
    """Documents from files, folders (recursive, sorted), JSONL/JSON and Parquet corpora, in order.

    A missing input raises ``FileNotFoundError`` at once (before anything is read); every other
    problem becomes a ``Document.failed(id, reason)`` so one bad page never stops a run.
    ``keep_columns`` of JSONL/Parquet rows are kept in ``doc.meta["columns"]`` (missing ones None).
    ``limits`` (the pipeline config's): a document over one gets its one-line error.
    """
    for item in inputs:
        if not Path(item).exists():
            raise FileNotFoundError(f"no such file or directory: {item}")
    if not keep_columns:
        return _iter(inputs, text_column, id_column, limits)
    return _with_columns(inputs, text_column, id_column, list(keep_columns), limits)


def _with_columns(inputs, text_column: str, id_column: str, keep: list[str], limits: Limits) -> Iterator[Document]:
    """Documents with their rows' ``keep`` columns: each JSONL/Parquet input is read again for them, row
    by row in step with its documents (files and folders have none)."""
    for item in inputs:
        rows = _column_rows(str(item), keep)
        for doc in _iter([item], text_column, id_column, limits):
            values = next(rows, None) if rows is not None else None
            doc.meta["columns"] = {c: (values or {}).get(c) for c in keep}
            yield doc


def _column_rows(name: str, keep: list[str]) -> Iterator[dict] | None:
    suffix = Path(name).suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(name)
        except Exception:  # noqa: BLE001 - the document reader reports the damaged file
            return None
        present = [c for c in keep if c in parquet.schema_arrow.names]
        if not present:
            return iter(lambda: {}, None)
        return (row for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=present)
                for row in batch.to_pylist())
    if suffix in (".jsonl", ".json"):
        return _json_rows(name)
    return None


def _json_rows(name: str) -> Iterator[dict]:
    """One dict per document ``_iter_json`` yields (blank lines skipped, bad lines as {})."""
    with open(name, "rb") as handle:
        first = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        handle.seek(0)
        if first.startswith(b"["):
            try:
                records = json.loads(handle.read().decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError):
                records = [{}]
            for r in records if isinstance(records, list) else [{}]:
                yield r if isinstance(r, dict) else {}
            return
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                r = json.loads(raw.decode("utf-8-sig" if line_no == 1 else "utf-8"))
            except (UnicodeDecodeError, ValueError):
                r = {}
            yield r if isinstance(r, dict) else {}


def documents_from_bytes(data: bytes, name: str, text_column: str = "text", id_column: str = "id",
                         limits: Limits = DEFAULT_LIMITS) -> Iterator[Document]:
    """The documents of one input file already in memory (a Ray Data ``read_binary_files`` row), with
    the ids, sources and error records ``iter_documents`` gives for the file ``name``.

    >>> [d.id for d in documents_from_bytes(b'{"id": "a", "text": "x"}\\n{bad', "c.jsonl")]
    ['a', 'c.jsonl:2']
    """

    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".json"):
        yield from _iter_json(name, text_column, id_column, limits, handle=io.BytesIO(data))
    elif suffix == ".parquet":
        import pyarrow as pa

        yield from _iter_parquet(name, text_column, id_column, limits, source=pa.BufferReader(data))
    else:
        try:
            yield read_bytes(data, id=name, suffix=suffix, source=name, limits=limits)
        except ReadError as error:
            yield Document.failed(name, str(error))


def _iter(inputs, text_column, id_column, limits: Limits) -> Iterator[Document]:
    for item in inputs:
        name = item if isinstance(item, str) else str(item)
        path = Path(item)
        if path.is_dir():
            for file_name in _walk(name):
                yield _read_file(file_name, limits) if file_name.lower().endswith(DOCUMENT_SUFFIXES) \
                    else _unsupported(file_name)
        elif path.suffix.lower() in (".jsonl", ".json"):
            yield from _iter_json(name, text_column, id_column, limits)
        elif path.suffix.lower() == ".parquet":
            yield from _iter_parquet(name, text_column, id_column, limits)
        else:
            yield _read_file(name, limits)


def _unsupported(name: str) -> Document:
    """The error record of a file in a folder whose format gktagger does not read (named, never skipped)."""
    suffix = Path(name).suffix.lower()
    return Document.failed(name, f"unsupported format {suffix or '(no extension)'}: documents are "
                                 f"{' '.join(DOCUMENT_SUFFIXES)} files")


def _walk(directory: str) -> list[str]:
    """Files under ``directory`` (hidden entries skipped), sorted by path components."""
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for file_name in files:
            if not file_name.startswith("."):
                found.append(os.path.join(root, file_name))
    base = len(os.path.join(directory, ""))
    return sorted(found, key=lambda p: Path(p[base:]).parts)


def _read_file(name: str, limits: Limits) -> Document:
    try:
        return read_path(name, limits=limits)
    except ReadError as error:
        return Document.failed(name, str(error))
    except OSError as error:
        return Document.failed(name, f"could not read: {error.strerror or error}")
    except Exception as error:  # noqa: BLE001 - a parser bug on one page must not stop the run
        return Document.failed(name, f"could not read: {type(error).__name__}: {_first_line(error)}")


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:300] if lines else ""


def _record_document(value, id: str, source: str, text_column: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    try:
        if isinstance(value, (bytes, bytearray)):
            return read_bytes(bytes(value), id=id, source=source, limits=limits)
        if not isinstance(value, str):
            return Document.failed(id, f'column "{text_column}" is not text', source=source)
        encoded = _base64_document(value)
        if encoded is not None:
            return read_bytes(encoded, id=id, source=source, limits=limits)
        text = value  # a leading BOM stays: offsets point into the text exactly as given
        if "\x00" in text or _control_heavy(text):
            raise ReadError("not text: binary content")
        return document_from_text(text, id=id, source=source, limits=limits)
    except ReadError as error:
        return Document.failed(id, str(error), source=source)
    except Exception as error:  # noqa: BLE001 - a parser bug on one record must not stop the run
        return Document.failed(id, f"could not read: {type(error).__name__}: {_first_line(error)}", source=source)


def _record_id(record: dict, id_column: str, fallback: str) -> str:
    value = record.get(id_column)
    return fallback if value is None or value == "" else str(value)


def _iter_json(name: str, text_column: str, id_column: str, limits: Limits, handle=None) -> Iterator[Document]:
    if handle is None:
        try:
            handle = open(name, "rb")
        except OSError as error:
            yield Document.failed(name, f"could not read: {error.strerror or error}")
            return
    with handle:
        first = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        handle.seek(0)
        if first.startswith(b"["):
            yield from _iter_json_array(handle, name, text_column, id_column, limits)
            return
        for line_no, raw in enumerate(handle, start=1):
            fallback = f"{name}:{line_no}"
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8-sig" if line_no == 1 else "utf-8"))
            except (UnicodeDecodeError, ValueError):
                yield Document.failed(fallback, f"invalid JSON on line {line_no}", source=fallback)
                continue
            yield _json_record(record, fallback, text_column, id_column, f"line {line_no}", limits)


def _iter_json_array(handle, name: str, text_column: str, id_column: str, limits: Limits) -> Iterator[Document]:
    try:
        records = json.loads(handle.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        yield Document.failed(name, f"invalid JSON: {error}")
        return
    for index, record in enumerate(records):
        yield _json_record(record, f"{name}:{index}", text_column, id_column, f"item {index}", limits)


def _json_record(record, fallback: str, text_column: str, id_column: str, where: str, limits: Limits) -> Document:
    if not isinstance(record, dict):
        return Document.failed(fallback, f"{where} is not a JSON object", source=fallback)
    id = _record_id(record, id_column, fallback)
    if text_column not in record:
        return Document.failed(id, f'no column "{text_column}"', source=fallback)
    return _record_document(record[text_column], id, fallback, text_column, limits)


def _iter_parquet(name: str, text_column: str, id_column: str, limits: Limits, source=None) -> Iterator[Document]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(name if source is None else source)
    except Exception as error:  # pyarrow raises ArrowInvalid/OSError variants for damaged files
        yield Document.failed(name, f"could not read: {str(error).splitlines()[0]}")
        return
    names = parquet.schema_arrow.names
    columns = [c for c in (text_column, id_column) if c in names]
    row = 0
    for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=columns or names[:1]):
        texts = batch.column(text_column).to_pylist() if text_column in names else None
        ids = batch.column(id_column).to_pylist() if id_column in names else [None] * batch.num_rows
        for index in range(batch.num_rows):
            fallback = f"{name}:{row}"
            id = fallback if ids[index] in (None, "") else str(ids[index])
            if texts is None:
                yield Document.failed(id, f'no column "{text_column}"', source=fallback)
            else:
                yield _record_document(texts[index], id, fallback, text_column, limits)
            row += 1
