"""Parquet output with a fixed, explicit Arrow schema, written as records stream in.

The schema depends only on the field catalogue and the ``--keep-columns`` names, never on the data:
shards of different runs (with or without errors, any fields found) read together in pandas,
polars or any Arrow reader.

**Wide** (default): one row per document.

- ``id, source, status, error, format`` (string), ``year`` (int32), ``failing_checks`` (int32),
  ``seconds`` (float64), then the kept input columns (string, ``--keep-columns site,url``);
- one typed column per field ID: ``int64`` for counts, ``float64`` for decimals and changes; null
  when the field was not found or is printed as not applicable (listed in ``na_fields``);
- ``fields``: list of struct ``{id, value, text, start, end, score, na, approx, prose, unit, split, by,
  rule, ambiguous, candidates}`` (every key a field entry of the contract may have; ``candidates``, the
  readings of an ambiguous run of digits, as lists of float64);
- ``mentions``: the same structs with the other mentions of a field;
- ``sections``: list of struct ``{id, title, start, end, score}``;
- ``checks``: list of struct ``{rule, scope, status, message, fields}``.

**Long** (``--long``): one row per document and field: the document columns above, then ``field``,
``group`` and the entry's keys as columns; a document without fields (an error) has one row with
``field`` null, so every document is in the table.

>>> import pyarrow.parquet as pq, tempfile, os
>>> record = {"id": "a", "source": "a.txt", "status": "ok", "error": None, "format": "2021", "year": 2021,
...           "sections": [], "checks": [], "mentions": [],
...           "fields": {"t3.new.natural": {"value": 3, "text": "3", "start": 5, "end": 6, "score": 0.9}}}
>>> path = os.path.join(tempfile.mkdtemp(), "out.parquet")
>>> with ParquetSink(path) as sink:
...     sink.write([record])
>>> table = pq.read_table(path)
>>> table.column("t3.new.natural").to_pylist(), table.schema.field("t3.new.natural").type
([3], DataType(int64))
>>> table.column("fields").to_pylist()[0][0]["text"]
'3'
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from gktagger.schema import FIELDS

SECTION = pa.struct([("id", pa.string()), ("title", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
                     ("score", pa.float64())])
ENTRY_KEYS = [("value", pa.float64()), ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
              ("score", pa.float64()), ("na", pa.bool_()), ("approx", pa.bool_()), ("prose", pa.bool_()),
              ("unit", pa.string()), ("split", pa.string()), ("by", pa.string()), ("rule", pa.string()),
              ("ambiguous", pa.bool_()), ("candidates", pa.list_(pa.list_(pa.float64())))]
FIELD = pa.struct([("id", pa.string()), *ENTRY_KEYS])
CHECK = pa.struct([("rule", pa.string()), ("scope", pa.string()), ("status", pa.string()),
                   ("message", pa.string()), ("fields", pa.list_(pa.string()))])
DOCUMENT = [("id", pa.string()), ("source", pa.string()), ("status", pa.string()), ("error", pa.string()),
            ("format", pa.string()), ("year", pa.int32()), ("failing_checks", pa.int32()), ("seconds", pa.float64())]
ROWS_PER_GROUP = 512


def value_type(fid: str) -> pa.DataType:
    return pa.int64() if FIELDS[fid].kind == "count" else pa.float64()


def wide_schema(keep_columns: Iterable[str] = ()) -> pa.Schema:
    """One row per document (see the module docstring)."""
    return pa.schema([*DOCUMENT, *[(c, pa.string()) for c in keep_columns],
                      *[(fid, value_type(fid)) for fid in FIELDS],
                      ("na_fields", pa.list_(pa.string())), ("fields", pa.list_(FIELD)),
                      ("mentions", pa.list_(FIELD)), ("sections", pa.list_(SECTION)), ("checks", pa.list_(CHECK))])


def long_schema(keep_columns: Iterable[str] = ()) -> pa.Schema:
    """One row per document and field (see the module docstring)."""
    return pa.schema([*DOCUMENT, *[(c, pa.string()) for c in keep_columns],
                      ("field", pa.string()), ("group", pa.string()), *ENTRY_KEYS])


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _typed(fid: str, value) -> int | float | None:
    """The field's value as its column's type (a count that is not whole stays only in ``fields``)."""
    number = _number(value)
    if number is None or FIELDS[fid].kind != "count":
        return number
    return int(number) if number.is_integer() else None


def _text(value) -> str | None:
    return None if value is None else str(value)


def _entry(fid: str | None, entry: dict) -> dict:
    out = {"id": fid} if fid is not None else {}
    for key, type_ in ENTRY_KEYS:
        v = entry.get(key)
        if key == "value":
            v = _number(v)
        elif key == "candidates":  # readings of an ambiguous run of digits: lists of cell values
            v = [[_number(x) for x in r] for r in v if isinstance(r, (list, tuple))] if isinstance(v, list) else None
        elif pa.types.is_boolean(type_):
            v = bool(v) if v is not None else None
        elif pa.types.is_integer(type_):
            v = v if isinstance(v, int) and not isinstance(v, bool) else None
        elif pa.types.is_floating(type_):
            v = _number(v)
        else:
            v = _text(v)
        out[key] = v
    return out


def _document(record: dict, keep_columns: list[str]) -> dict:
    year = record.get("year")
    seconds = record.get("seconds")
    row = {"id": _text(record.get("id")), "source": _text(record.get("source")), "status": _text(record.get("status")),
           "error": _text(record.get("error")), "format": _text(record.get("format")),
           "year": year if isinstance(year, int) and not isinstance(year, bool) else None,
           "failing_checks": sum(c.get("status") == "fail" for c in record.get("checks") or []),
           "seconds": _number(seconds)}
    columns = record.get("columns") or {}
    for c in keep_columns:
        row[c] = _text(columns.get(c))
    return row


def wide_row(record: dict, keep_columns: list[str] = ()) -> dict:
    row = _document(record, keep_columns)
    fields = record.get("fields") or {}
    for fid in FIELDS:
        f = fields.get(fid)
        row[fid] = None if f is None or f.get("na") else _typed(fid, f.get("value"))
    row["na_fields"] = [fid for fid in FIELDS if (fields.get(fid) or {}).get("na")]
    row["fields"] = [_entry(fid, f) for fid, f in fields.items() if isinstance(f, dict)]
    row["mentions"] = [_entry(m.get("field"), m) for m in record.get("mentions") or [] if isinstance(m, dict)]
    row["sections"] = [{"id": _text(s.get("id")), "title": _text(s.get("title")), "start": s.get("start"),
                        "end": s.get("end"), "score": _number(s.get("score"))}
                       for s in record.get("sections") or [] if isinstance(s, dict)]
    row["checks"] = [{"rule": _text(c.get("rule")), "scope": _text(c.get("scope")), "status": _text(c.get("status")),
                      "message": _text(c.get("message")), "fields": [str(f) for f in c.get("fields") or []]}
                     for c in record.get("checks") or [] if isinstance(c, dict)]
    return row


def long_rows(record: dict, keep_columns: list[str] = ()) -> list[dict]:
    doc = _document(record, keep_columns)
    rows = []
    for fid, f in (record.get("fields") or {}).items():
        group = FIELDS[fid].group if fid in FIELDS else None
        rows.append({**doc, "field": fid, "group": group, **_entry(None, f)})
    return rows or [{**doc, "field": None, "group": None, **{k: None for k, _ in ENTRY_KEYS}}]


class ParquetSink:
    """Streams records into a Parquet file (a row group every ``ROWS_PER_GROUP`` rows)."""

    def __init__(self, path: str | Path, keep_columns: Iterable[str] = (), long: bool = False):
        self.keep_columns = list(keep_columns)
        self.long = long
        self.schema = long_schema(self.keep_columns) if long else wide_schema(self.keep_columns)
        self.writer = pq.ParquetWriter(str(path), self.schema)
        self.rows: list[dict] = []

    def write(self, records: Iterable[dict]) -> None:
        for r in records:
            if self.long:
                self.rows += long_rows(r, self.keep_columns)
            else:
                self.rows.append(wide_row(r, self.keep_columns))
        if len(self.rows) >= ROWS_PER_GROUP:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()

    def __enter__(self) -> "ParquetSink":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_parquet(records: Iterable[dict], out: str | Path, keep_columns: Iterable[str] = (),
                  long: bool = False) -> None:
    """Write ``records`` (e.g. the run's JSON Lines, read back) as a Parquet table; the JSONL is kept."""
    with ParquetSink(out, keep_columns, long) as sink:
        for r in records:
            sink.write([r])
