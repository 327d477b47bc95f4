"""Batch extraction: every document gets a record, order is kept, runs resume, tables are written."""
import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from awkwardfiles import write_awkward_files

from gktagger.cli import main as cli
from gktagger.io.outputs import read_records



@pytest.fixture
def mixed_inputs(tmp_path, corpus):
    d = tmp_path / "in"
    d.mkdir()
    write_awkward_files(d, corpus)
    huge = (corpus / "reports/pingtan_zhq_2019.txt").read_text(encoding="utf-8")
    (d / "e_huge.txt").write_text(huge * 60, encoding="utf-8")  # ~380k characters
    lines = [json.dumps({"id": "j1", "text": "一、总体情况\n本年新收申请3件。"}, ensure_ascii=False),
             "{not json",
             json.dumps({"id": "j3", "body": "no text column"})]
    (tmp_path / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return d


def run(args):
    return cli(args)


def without_timing(path):
    """Records of a JSONL output with their (run-dependent) ``seconds`` removed."""
    return [{k: v for k, v in r.items() if k != "seconds"} for r in read_records(path)]


def test_a_mixed_batch_gets_a_record_for_every_document(mixed_inputs, smoke_model, tmp_path):
    out = tmp_path / "out.jsonl"
    records_file = mixed_inputs.parent / "records.jsonl"
    assert run(["extract", str(mixed_inputs), str(records_file), "-o", str(out), "--model", str(smoke_model),
                "--quiet"]) == 0
    records = list(read_records(out))
    ids = [r["id"] for r in records]
    assert len(ids) == 8
    by_name = {i.rsplit("/", 1)[-1]: r for i, r in zip(ids, records)}
    assert by_name["a_empty.txt"]["error"] == "empty document"
    assert by_name["b_binary.txt"]["error"] == "not text: binary content"
    assert by_name["c_gb18030.txt"]["status"] in ("ok", "invalid")
    assert by_name["d_page.html"]["status"] in ("ok", "invalid")
    assert by_name["e_huge.txt"]["status"] in ("ok", "invalid")
    by_id = {r["id"]: r for r in records}
    assert by_id[f"{records_file}:2"]["error"] == "invalid JSON on line 2"
    assert by_id["j3"]["error"] == 'no column "text"'
    assert by_id["j1"]["status"] in ("ok", "invalid")
    for r in records:
        assert set(r) >= {"id", "source", "status", "error", "format", "year", "sections", "fields", "checks"}
        assert r["status"] != "error" or "\n" not in r["error"]


def test_offsets_point_into_the_document_text(smoke_model, tmp_path, corpus):
    from gktagger.io.reading import read_path

    src = corpus / "reports/pingtan_zhq_2021.txt"
    out = tmp_path / "o.jsonl"
    run(["extract", str(src), "-o", str(out), "--model", str(smoke_model), "--quiet"])
    record = next(read_records(out))
    raw = read_path(src).text
    for f in record["fields"].values():
        assert raw[f["start"]:f["end"]] == f["text"]
    for s in record["sections"]:
        assert raw[s["start"]:s["start"] + len(s["title"])] == s["title"]


def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys):
    assert run(["extract", str(tmp_path / "missing"), "-o", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "input not found" in err
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    assert run(["extract", str(tmp_path / "x.txt"), "-o", "/proc/forbidden/o.jsonl"]) == 2
    assert "cannot write output" in capsys.readouterr().err


def test_resume_after_a_killed_run_gives_the_same_output(smoke_model, tmp_path, corpus):
    inputs = [str(corpus / "reports"), str(corpus / "seeds")]
    full = tmp_path / "full.jsonl"
    run(["extract", *inputs, "-o", str(full), "--model", str(smoke_model), "--quiet", "--batch-size", "2"])
    part = tmp_path / "part.jsonl"
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    part.write_text("".join(lines[:7]) + lines[7][: len(lines[7]) // 2], encoding="utf-8")  # killed mid-write
    run(["extract", *inputs, "-o", str(part), "--model", str(smoke_model), "--quiet", "--resume", "--batch-size", "2"])
    assert without_timing(part) == without_timing(full)


def test_a_killed_process_can_be_resumed(smoke_model, tmp_path, corpus):
    """A real interruption: the process is killed while writing; --resume finishes the same output."""
    import signal
    import time

    inputs = [str(corpus / "reports")]
    full = tmp_path / "full.jsonl"
    run(["extract", *inputs, "-o", str(full), "--model", str(smoke_model), "--quiet", "--batch-size", "1"])
    out = tmp_path / "killed.jsonl"
    cmd = [sys.executable, "-m", "gktagger.cli", "extract", *inputs, "-o", str(out), "--model", str(smoke_model),
           "--quiet", "--batch-size", "1"]
    proc = subprocess.Popen(cmd)
    deadline = time.time() + 60
    while time.time() < deadline and (not out.exists() or out.read_text(encoding="utf-8").count("\n") < 3):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert subprocess.run(cmd + ["--resume"]).returncode == 0
    assert without_timing(out) == without_timing(full)


def test_csv_and_parquet_outputs(smoke_model, tmp_path, corpus):
    src = str(corpus / "reports")
    run(["extract", src, "-o", str(tmp_path / "o.jsonl"), "--model", str(smoke_model), "--quiet"])
    records = list(read_records(tmp_path / "o.jsonl"))
    run(["extract", src, "-o", str(tmp_path / "o.csv"), "--model", str(smoke_model), "--quiet"])
    run(["extract", src, "-o", str(tmp_path / "o.parquet"), "--model", str(smoke_model), "--quiet"])
    import csv

    rows = list(csv.DictReader(open(tmp_path / "o.csv", encoding="utf-8")))
    table = pq.read_table(tmp_path / "o.parquet").to_pylist()
    assert [r["id"] for r in rows] == [r["id"] for r in table] == [r["id"] for r in records]
    assert "t3.new.natural" in rows[0] and "failing_checks" in rows[0]
    for rec, row, prow in zip(records, rows, table):
        assert row["status"] == prow["status"] == rec["status"]
        for fid, f in rec["fields"].items():
            if f.get("na"):
                assert row[fid] == "NA" and prow[fid] is None and fid in prow["na_fields"]
            elif f["value"] is None:  # a run no identity decides: value null, its candidates beside it
                assert row[fid] == "" and prow[fid] is None and f["candidates"]
            else:
                assert float(row[fid]) == prow[fid] == f["value"]
    assert not (tmp_path / "o.csv.partial.jsonl").exists()


def test_two_workers_give_the_same_records(smoke_model, tmp_path, corpus):
    src = str(corpus / "seeds")
    run(["extract", src, "-o", str(tmp_path / "one.jsonl"), "--model", str(smoke_model), "--quiet"])
    run(["extract", src, "-o", str(tmp_path / "two.jsonl"), "--model", str(smoke_model), "--quiet",
         "--workers", "2", "--batch-size", "1"])
    one = [r for r in read_records(tmp_path / "one.jsonl")]
    two = [r for r in read_records(tmp_path / "two.jsonl")]
    assert [r["id"] for r in one] == [r["id"] for r in two]
    assert [r["fields"].keys() for r in one] == [r["fields"].keys() for r in two]


def test_progress_bar_and_summary_are_shown(smoke_model, tmp_path, corpus, capsys):
    assert run(["extract", str(corpus / "seeds"), "-o", str(tmp_path / "o.jsonl"), "--model", str(smoke_model)]) == 0
    err = capsys.readouterr().err
    assert "doc" in err and "documents: 3" in err and "failing checks:" in err
