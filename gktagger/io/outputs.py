"""Writing records: JSON Lines (the contract), and CSV / Parquet tables (one row per document).

Records always stream to a JSON Lines file first (``OUT`` itself, or
``OUT.partial.jsonl`` for tables), flushed per batch, so an interrupted run
loses only the documents in flight and ``--resume`` can finish it. The stream
is locked for the run (a second run on it stops at once), tables are written to
a temporary file and renamed into place, and a record line is always valid
UTF-8 JSON: strings with lone surrogates (undecodable file names, broken JSONL
texts) are written ``\\udcXX``-escaped, which reads back as the same string, so
ids match on ``--resume``; NaN and infinities are refused.

>>> record_line({"id": "a\\udcb9", "value": 1})
'{"id": "a\\\\udcb9", "value": 1}\\n'
>>> json.loads(record_line({"id": "a\\udcb9"}))["id"] == "a\\udcb9"
True
>>> neutralise("=1+2"), neutralise("-3"), neutralise("ok")
("'=1+2", "'-3", 'ok')
"""
from __future__ import annotations

import csv
import errno
import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from gktagger.schema import FIELDS

TABLE_SUFFIXES = {".csv", ".parquet"}
SUFFIXES = {".jsonl"} | TABLE_SUFFIXES
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OutputLocked(Exception):
    """Another run holds the output; the message is one line for the user."""


def stream_path(out: Path) -> Path:
    """Where records stream: ``OUT.jsonl`` itself; for Parquet the JSON Lines beside it (kept, so
    ``report``/``validate``/``show`` read the run); for CSV a partial file removed at the end."""
    if out.suffix == ".jsonl":
        return out
    if out.suffix == ".parquet":
        return out.with_suffix(".jsonl")
    return out.with_name(out.name + ".partial.jsonl")


def record_line(record: dict) -> str:
    """One JSONL line; raises ``ValueError`` for NaN or an infinity (not JSON)."""
    line = json.dumps(record, ensure_ascii=False, allow_nan=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: escape them (and only then everything non-ASCII)
        line = json.dumps(record, ensure_ascii=True, allow_nan=False)
    return line + "\n"


def read_records(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def complete_ids(path: Path) -> list[str]:
    """Ids of the complete records in a JSONL file (a torn last line, from a killed run or a full disk,
    is not one; ``JsonlSink(path, append=True)`` cuts it off)."""
    if not path.exists():
        return []
    data = path.read_bytes()
    keep = data.rfind(b"\n") + 1
    ids = []
    for line in data[:keep].decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            ids.append(json.loads(line)["id"])
        except (ValueError, KeyError, TypeError):
            continue  # a corrupt line is not a complete record: its document is extracted again
    return ids


def suffix_duplicates(ids: Iterable[str]) -> Iterator[str]:
    """The rule for duplicate ids in one run: the second ``a`` becomes ``a#2``, the third ``a#3``,
    skipping ids already taken. ``extract`` (and so ``--resume``) and ``report`` follow it.

    >>> list(suffix_duplicates(["a", "b", "a", "a#2", "a"]))
    ['a', 'b', 'a#2', 'a#2#2', 'a#3']
    """
    seen: set[str] = set()
    copies: dict[str, int] = {}
    for id in ids:
        new = id
        if id in seen:
            n = max(copies.get(id, 2), 2)
            while f"{id}#{n}" in seen:
                n += 1
            copies[id] = n + 1
            new = f"{id}#{n}"
        seen.add(new)
        yield new


class JsonlSink:
    """The record stream, locked (``flock``) for as long as it is open.

    Opening never truncates before the lock is held, so a second run on the same
    output raises ``OutputLocked`` and leaves the first run's records alone.
    """

    def __init__(self, path: Path, append: bool):
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputLocked(f"{path} is being written by another gktagger run") from None
            raise
        if append:  # after the last complete line: a torn one is cut off
            size = os.fstat(fd).st_size
            tail = os.pread(fd, min(size, 1 << 20), max(0, size - (1 << 20)))
            keep = size if tail.endswith(b"\n") or not size else _last_line_end(fd, size)
            os.ftruncate(fd, keep)
            os.lseek(fd, keep, os.SEEK_SET)
        else:
            os.ftruncate(fd, 0)
        self.file = os.fdopen(fd, "w", encoding="utf-8")

    def write(self, records: Iterable[dict]) -> None:
        for r in records:
            self.file.write(record_line(r))
        self.file.flush()

    def close(self) -> None:
        try:
            self.file.close()
        except OSError:
            pass  # a full disk: what was flushed stays, and --resume finishes it


def _last_line_end(fd: int, size: int) -> int:
    """Offset just after the last ``\\n`` of the file (0 when there is none)."""
    end, block = size, 1 << 20
    while end > 0:
        start = max(0, end - block)
        at = os.pread(fd, end - start, start).rfind(b"\n")
        if at >= 0:
            return start + at + 1
        end = start
    return 0


def neutralise(cell):
    """A CSV cell that a spreadsheet would run as a formula gets a leading ``'`` (OWASP's advice)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _printable(cell):
    if isinstance(cell, str):
        return cell.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates as \udcXX
    return cell


def atomic_write(out: Path, write) -> None:
    """Call ``write(tmp_path)`` on a temporary file beside ``out``, then rename it over ``out``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def table_row(record: dict) -> dict:
    failing = sum(c["status"] == "fail" for c in record.get("checks", []))
    row = {"id": record["id"], "source": record.get("source"), "status": record["status"],
           "error": record.get("error"), "format": record.get("format"), "year": record.get("year"),
           "failing_checks": failing}
    fields = record.get("fields", {})
    for fid in FIELDS:
        f = fields.get(fid)
        row[fid] = None if f is None else ("NA" if f.get("na") else f.get("value"))
    return row


def write_table(records: Iterable[dict], out: Path, keep_columns: Iterable[str] = (), long: bool = False) -> None:
    """CSV or Parquet with one column per field ID.

    CSV writes ``NA`` for a cell printed as not applicable; Parquet has a fixed typed schema
    (:mod:`gktagger.io.parquet`), lists those cells in ``na_fields`` and keeps spans, sections and checks.
    """
    if out.suffix == ".parquet":
        from gktagger.io.parquet import write_parquet

        atomic_write(out, lambda tmp: write_parquet(records, tmp, keep_columns, long))
        return
    keep_columns = list(keep_columns)
    rows = [{**{c: (r.get("columns") or {}).get(c) for c in keep_columns}, **table_row(r)} for r in records]
    atomic_write(out, lambda tmp: _write_csv(rows, tmp, keep_columns))


def _write_csv(rows: list[dict], out: Path, keep_columns: list[str]) -> None:
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[*keep_columns, *table_row({"id": "", "status": ""})])
        writer.writeheader()
        writer.writerows({k: neutralise(_printable(v)) for k, v in row.items()} for row in rows)
