"""Writing records: JSON Lines (the contract), and CSV / Parquet tables (one row per document).

Records always stream to a JSON Lines file first (``OUT`` itself, or
``OUT.partial.jsonl`` for tables), flushed per batch, so an interrupted run
loses only the documents in flight and ``--resume`` can finish it.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Iterable, Iterator

from .schema import FIELDS

TABLE_SUFFIXES = {".csv", ".parquet"}
SUFFIXES = {".jsonl"} | TABLE_SUFFIXES


def stream_path(out: Path) -> Path:
    """Where records stream: ``OUT.jsonl`` itself; for Parquet the JSON Lines beside it (kept, so
    ``report``/``validate``/``show`` read the run); for CSV a partial file removed at the end."""
    if out.suffix == ".jsonl":
        return out
    if out.suffix == ".parquet":
        return out.with_suffix(".jsonl")
    return out.with_name(out.name + ".partial.jsonl")


def read_records(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def complete_ids(path: Path) -> list[str]:
    """Ids of the complete records in a JSONL file; a torn last line (killed run) is cut off."""
    if not path.exists():
        return []
    data = path.read_bytes()
    keep = data.rfind(b"\n") + 1
    if keep < len(data):
        with open(path, "r+b") as f:
            f.truncate(keep)
    return [json.loads(line)["id"] for line in data[:keep].decode("utf-8").splitlines() if line.strip()]


class JsonlSink:
    def __init__(self, path: Path, append: bool):
        self.file = open(path, "a" if append else "w", encoding="utf-8")

    def write(self, records: Iterable[dict]) -> None:
        for r in records:
            self.file.write(json.dumps(r, ensure_ascii=False) + "\n")
        self.file.flush()

    def close(self) -> None:
        self.file.close()


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
    (:mod:`gktagger.tables`), lists those cells in ``na_fields`` and keeps spans, sections and checks.
    """
    if out.suffix == ".parquet":
        from .tables import write_parquet

        write_parquet(records, out, keep_columns, long)
        return
    keep_columns = list(keep_columns)
    rows = [{**{c: (r.get("columns") or {}).get(c) for c in keep_columns}, **table_row(r)} for r in records]
    if out.suffix == ".csv":
        with open(out, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=[*keep_columns, *table_row({"id": "", "status": ""})])
            writer.writeheader()
            writer.writerows(rows)
        return
