"""Parquet output: a fixed typed schema, spans/sections/checks kept, input columns carried, the JSONL
kept beside it, and shards of different runs (with and without errors) read together."""
from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq
import pytest

from gktagger.cli import main
from gktagger.io.parquet import long_schema, wide_schema
from gktagger.schema import FIELDS
from gktagger.training.annotations import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples"


def corpus_file(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Run A: two pages and a row whose text is not text (an error record); run B: one page, no error."""
    tmp = tmp_path_factory.mktemp("runs")
    text = lambda name: (EXAMPLES / name).read_text(encoding="utf-8")
    a = corpus_file(tmp / "a.jsonl", [
        {"id": "a1", "body": text("county_2021_cells_per_line.txt"), "site": "county", "url": "http://x/1"},
        {"id": "a2", "body": 12345, "site": "broken", "url": "http://x/2"},
        {"id": "a3", "body": text("district_2019_flattened.txt"), "site": "district"}])
    b = corpus_file(tmp / "b.jsonl", [{"id": "b1", "body": text("county_2014_legacy.txt"), "site": "legacy",
                                      "url": "http://y/1"}])
    shards = tmp / "shards"
    shards.mkdir()
    for name, src in (("part-0", a), ("part-1", b)):
        assert main(["extract", str(src), "-o", str(shards / f"{name}.parquet"), "--text-column", "body",
                     "--keep-columns", "site,url", "--quiet"]) == 0
    return shards


def test_two_runs_read_together_in_pandas_and_polars(two_runs):
    import pandas as pd
    import polars as pl

    files = sorted(two_runs.glob("*.parquet"))
    assert pq.read_schema(files[0]) == pq.read_schema(files[1]) == wide_schema(["site", "url"])
    df = pd.read_parquet(files)
    assert list(df["id"]) == ["a1", "a2", "a3", "b1"]
    assert list(df["status"] == "error") == [False, True, False, False]
    assert 'column "body" is not text' in df.loc[1, "error"] and df["error"][[0, 2, 3]].isna().all()
    assert list(df["site"]) == ["county", "broken", "district", "legacy"] and pd.isna(df.loc[2, "url"])
    plf = pl.read_parquet(files)
    assert plf.height == 4 and plf.schema["t3.new.natural"] == pl.Int64 and plf.schema["year"] == pl.Int32
    assert plf["id"].to_list() == ["a1", "a2", "a3", "b1"]


def test_rows_keep_typed_values_spans_sections_and_checks(two_runs):
    import polars as pl

    table = pl.read_parquet(sorted(two_runs.glob("*.parquet")))
    records = [json.loads(l) for f in sorted(two_runs.glob("*.jsonl")) for l in f.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == table["id"].to_list()  # the JSONL stays beside each Parquet file
    for record, row in zip(records, table.iter_rows(named=True)):
        assert len(row["fields"]) == len(record["fields"]) and len(row["sections"]) == len(record["sections"])
        assert len(row["checks"]) == len(record["checks"]) and row["failing_checks"] == sum(
            c["status"] == "fail" for c in record["checks"])
        for f in row["fields"]:
            entry = record["fields"][f["id"]]
            assert (f["text"], f["start"], f["end"]) == (entry["text"], entry["start"], entry["end"])
            if entry.get("value") is None:  # NA, or an ambiguous run (its readings in candidates)
                assert row[f["id"]] is None and f["value"] is None
                assert f["ambiguous"] == entry.get("ambiguous") and len(f["candidates"] or []) == len(
                    entry.get("candidates") or [])
            else:
                assert row[f["id"]] == entry["value"] and f["value"] == float(entry["value"])
        for fid in FIELDS:
            if fid not in record["fields"]:
                assert row[fid] is None
    assert sum(len(r["fields"]) for r in records) > 50


def test_long_layout_has_a_row_per_field_and_one_per_document_without(two_runs, tmp_path):
    import pandas as pd

    src = tmp_path / "a.jsonl"
    shutil.copy(two_runs.parent / "a.jsonl", src)
    assert main(["extract", str(src), "-o", str(tmp_path / "long.parquet"), "--text-column", "body", "--long",
                 "--keep-columns", "site", "--quiet"]) == 0
    assert pq.read_schema(tmp_path / "long.parquet") == long_schema(["site"])
    df = pd.read_parquet(tmp_path / "long.parquet")
    records = [json.loads(l) for l in (tmp_path / "long.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(df) == sum(max(1, len(r["fields"])) for r in records)
    error_rows = df[df["id"] == "a2"]
    assert len(error_rows) == 1 and error_rows["field"].isna().all() and (error_rows["site"] == "broken").all()
    assert set(df["field"].dropna()) == {f for r in records for f in r["fields"]}
