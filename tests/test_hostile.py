"""Issue 16, nothing lost, nothing leaked: one test per finding (each failed before the fix).

The pipeline runs the model shipped in the package (the batches spawn real worker processes).
"""
import json
import os
import random
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gktagger.cli import main as cli
from gktagger.io.document import Document
from gktagger.io.limits import Limits
from gktagger.training.annotations import REPO_ROOT

EXAMPLE = REPO_ROOT / "examples" / "county_2021_cells_per_line.txt"
CELL = 3869  # the table-3 cell "1" of 予以公开/总计 in EXAMPLE
SHORT = "一、总体情况\n本年新收政府信息公开申请3件。"


def extract(*args):
    return cli(["extract", *map(str, args), "--quiet"])


def jsonl(path: Path, rows: list[dict]) -> Path:
    # ensure_ascii: a lone surrogate can only be written escaped, as a broken exporter does
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def records_of(path: Path) -> list[dict]:
    data = path.read_bytes()
    data.decode("utf-8")  # valid UTF-8, whatever the ids held
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def without_seconds(records):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in records]


@pytest.fixture(scope="module")
def extractor():
    from gktagger.extract import Extractor

    return Extractor()


# --- one document kills the run ---------------------------------------------------------------------

def test_bad_documents_get_one_record_each_and_resume_skips_them(tmp_path):
    rows = [{"id": "good1", "text": SHORT},
            {"id": "marked-section", "text": "<html><body><![ x]><p>本年新收申请3件。</p></body></html>"},
            {"id": "surrogate-text", "text": "本年新收申请\ud800 3件。"},
            {"id": "surrogate-id\ud800", "text": SHORT},
            {"id": "good2", "text": SHORT}]
    corpus = jsonl(tmp_path / "in.jsonl", rows)
    folder = tmp_path / "pages"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/" + "报告".encode("gbk") + b".txt", "wb") as f:  # not UTF-8
        f.write(SHORT.encode("utf-8"))
    out = tmp_path / "out.jsonl"
    assert extract(corpus, folder, "-o", out) == 0
    records = records_of(out)
    ids = [r["id"] for r in records]
    assert ids[:5] == [r["id"] for r in rows] and len(ids) == 6
    assert ids[5] == os.fsdecode(os.fsencode(folder) + b"/" + "报告".encode("gbk") + b".txt")
    assert all(r["status"] in ("ok", "invalid") for r in records), [r.get("error") for r in records]
    before = out.read_bytes()
    assert extract(corpus, folder, "-o", out, "--resume") == 0
    assert out.read_bytes() == before  # the same ids on resume: nothing extracted twice


def test_a_failing_step_is_that_documents_error_record(extractor):
    from gktagger.run.guard import extract_guarded

    class Exploding:
        def extract(self, docs):
            if any("boom" in d.text for d in docs):
                raise MemoryError("cannot allocate")
            return extractor.extract(docs)

    records = extract_guarded(Exploding(), [Document("a", SHORT), Document("b", "boom 3件"), Document("c", SHORT)])
    assert [r["status"] != "error" for r in records] == [True, False, True]
    assert records[1]["error"] == "MemoryError: cannot allocate"


# --- data destroyed ---------------------------------------------------------------------------------

def test_an_output_that_is_an_input_is_refused_untouched(tmp_path, capsys):
    corpus = jsonl(tmp_path / "x.jsonl", [{"id": "a", "text": SHORT}])
    before = corpus.read_bytes()
    assert extract(corpus, "-o", corpus) == 2
    link = tmp_path / "link.jsonl"
    link.symlink_to(corpus)
    assert extract(corpus, "-o", link) == 2
    assert corpus.read_bytes() == before
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all("is one of the inputs" in line for line in err)


def test_a_second_run_on_a_locked_output_exits_2_and_changes_nothing(tmp_path, capsys):
    from gktagger.io.outputs import JsonlSink

    corpus = jsonl(tmp_path / "x.jsonl", [{"id": "a", "text": SHORT}])
    out = tmp_path / "o.jsonl"
    out.write_text('{"id": "kept"}\n', encoding="utf-8")
    first = JsonlSink(out, append=True)  # what a running extraction holds
    try:
        assert extract(corpus, "-o", out) == 2
        assert extract(corpus, "-o", tmp_path / "o.csv") == 0  # another output is free
        first_csv = JsonlSink(tmp_path / "p.csv.partial.jsonl", append=True)
        try:
            assert extract(corpus, "-o", tmp_path / "p.csv") == 2
        finally:
            first_csv.close()
    finally:
        first.close()
    assert out.read_text(encoding="utf-8") == '{"id": "kept"}\n'
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all("another gktagger run" in line for line in err)


def test_tables_are_written_atomically(tmp_path):
    from gktagger.io.outputs import write_table

    out = tmp_path / "o.csv"
    write_table([{"id": "a", "status": "ok"}], out)
    before = out.read_bytes()

    class DiskFull:  # the disk fills up while the table is being written
        def __str__(self):
            raise OSError(28, "No space left on device")

    rows = [{"id": f"r{i}", "status": "ok"} for i in range(1000)]
    rows.append({"id": "b", "status": "ok", "fields": {"t3.new.natural": {"value": DiskFull()}}})
    with pytest.raises(OSError):
        write_table(rows, out)
    assert out.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["o.csv"]


def test_duplicate_ids_are_suffixed_and_resume_and_report_follow(tmp_path, monkeypatch):
    from gktagger.review.page import page_name

    rows = [{"id": "dup", "text": SHORT}, {"id": "dup", "text": SHORT.replace("3", "5")},
            {"id": "other", "text": SHORT}]
    corpus = jsonl(tmp_path / "in.jsonl", rows)
    full = tmp_path / "full.jsonl"
    assert extract(corpus, "-o", full, "--batch-size", "1") == 0
    assert [r["id"] for r in records_of(full)] == ["dup", "dup#2", "other"]
    part = tmp_path / "part.jsonl"
    part.write_text(full.read_text(encoding="utf-8").splitlines(keepends=True)[0], encoding="utf-8")
    assert extract(corpus, "-o", part, "--resume") == 0
    assert without_seconds(records_of(part)) == without_seconds(records_of(full))
    # a records file with duplicates (an older run, a hand merge): one page each
    merged = tmp_path / "merged.jsonl"
    merged.write_text("".join(json.dumps({**r, "id": "dup"}) + "\n" for r in records_of(full)[:2]), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli(["report", str(merged), "-o", str(tmp_path / "site" / "r.html"), "--with-pages"]) == 0
    pages = {page_name("dup"), page_name("dup#2")}
    assert pages <= {p.name for p in (tmp_path / "site").iterdir()}


def _full_disk(limit_bytes):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, like ENOSPC
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return limit


def test_a_full_disk_is_one_line_and_the_stream_resumes(tmp_path):
    inputs = [str(REPO_ROOT / "examples")]
    full = tmp_path / "full.jsonl"
    assert extract(*inputs, "-o", full, "--batch-size", "1") == 0
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "gktagger.cli", "extract", *inputs, "-o", str(out), "--quiet", "--batch-size", "1"]
    proc = subprocess.run(cmd, preexec_fn=_full_disk(full.stat().st_size // 2), capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 1
    err = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(err) == 1 and "rerun with --resume" in err[0], proc.stderr
    assert subprocess.run(cmd + ["--resume"], timeout=600).returncode == 0
    assert without_seconds(records_of(out)) == without_seconds(records_of(full))


# --- hangs and unbounded resources ------------------------------------------------------------------

def _kill_when(pool, wanted, kills: list, stop: threading.Event):
    """Kill (SIGKILL) a worker as soon as it holds a job with a document ``wanted`` accepts."""
    while not stop.is_set():
        for worker in list(pool.workers):
            job = worker.job
            if job is not None and any(wanted(d) for d in job.docs) and worker.process.pid not in kills:
                time.sleep(0.05)  # mid-batch
                kills.append(worker.process.pid)
                os.kill(worker.process.pid, signal.SIGKILL)
        time.sleep(0.01)


def _run_pool(docs, batch_size, wanted, limits=Limits()):
    from gktagger.run.batch import chunks
    from gktagger.run.pool import WorkerPool

    pool = WorkerPool(2, None, limits)
    kills, stop = [], threading.Event()
    killer = threading.Thread(target=_kill_when, args=(pool, wanted, kills, stop), daemon=True)
    killer.start()
    try:
        out = [r for _, records in pool.results(chunks(iter(docs), batch_size)) for r in records]
    finally:
        stop.set()
        killer.join()
        pool.close()
    return out, kills


def test_a_worker_killed_mid_batch_is_replaced_and_every_record_comes_once():
    text = EXAMPLE.read_text(encoding="utf-8")  # long enough to be killed while extracting
    docs = [Document(f"d{i}", text) for i in range(12)]
    once = []
    records, kills = _run_pool(docs, 3, lambda d: d.id == "d4" and not once and not once.append(1))
    assert len(kills) == 1
    assert [r["id"] for r in records] == [d.id for d in docs]
    assert all(r["status"] != "error" for r in records)


def _allowed(pid: int) -> str:
    with open(f"/proc/{pid}/status") as f:
        return next(line.split()[1] for line in f if line.startswith("Cpus_allowed_list:"))


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="CPU affinity is Linux's")
def test_workers_are_one_core_each_and_a_replacement_takes_the_core_it_frees():
    from gktagger.run.pool import WorkerPool, usable_cores

    cores = usable_cores()
    if len(cores) < 2:
        pytest.skip("needs 2 cores")
    pool = WorkerPool(2, None)
    try:
        list(pool.results([[Document("a", SHORT)], [Document("b", SHORT)]]))
        assert sorted(_allowed(w.process.pid) for w in pool.workers) == sorted(str(c) for c in cores[:2])
        first = pool.workers[0]
        core = _allowed(first.process.pid)
        os.kill(first.process.pid, signal.SIGKILL)
        records = [r for _, rs in pool.results([[Document("c", SHORT)], [Document("d", SHORT)]]) for r in rs]
        assert [r["id"] for r in records] == ["c", "d"]
        assert first not in pool.workers and core in {_allowed(w.process.pid) for w in pool.workers}
    finally:
        pool.close()
    more = WorkerPool(len(cores) + 1, None)  # more workers than cores: none is pinned
    try:
        assert more.cores is None
    finally:
        more.close()


def test_the_default_worker_count_follows_cores_quota_and_memory(monkeypatch, tmp_path):
    import gktagger.run.pool as pool

    read_quota, read_memory = pool._cgroup_cpus, pool._available_memory
    quota, meminfo = tmp_path / "cpu.max", tmp_path / "meminfo"
    quota.write_text("250000 100000\n")
    meminfo.write_text("MemTotal:       24000000 kB\nMemAvailable:    3145728 kB\n")
    assert read_quota(str(quota)) == 2.5 and read_memory(str(meminfo)) == 3 << 30
    quota.write_text("max 100000\n")
    assert read_quota(str(quota)) is None and read_quota(str(tmp_path / "none")) is None
    monkeypatch.setattr(pool, "usable_cores", lambda: list(range(8)))
    monkeypatch.setattr(pool, "_cgroup_cpus", lambda: None)
    monkeypatch.setattr(pool, "_available_memory", lambda: 64 << 30)
    assert pool.default_workers() == 8
    monkeypatch.setattr(pool, "_cgroup_cpus", lambda: 2.5)  # a container limited to 2.5 CPUs
    assert pool.default_workers() == 2
    monkeypatch.setattr(pool, "_cgroup_cpus", lambda: None)
    monkeypatch.setattr(pool, "_available_memory", lambda: 3 * pool.WORKER_MEMORY + 1)
    assert pool.default_workers() == 3
    monkeypatch.setattr(pool, "_available_memory", lambda: 100)
    assert pool.default_workers() == 1


def test_a_document_that_kills_its_worker_twice_gets_an_error_record():
    text = EXAMPLE.read_text(encoding="utf-8")
    docs = [Document(f"d{i}", SHORT) for i in range(6)] + [Document("poison", text)] + [Document("last", SHORT)]
    records, kills = _run_pool(docs, 4, lambda d: d.id == "poison")
    assert len(kills) == 2  # its batch, then the document alone
    assert [r["id"] for r in records] == [d.id for d in docs]
    by_id = {r["id"]: r for r in records}
    assert by_id["poison"]["status"] == "error" and by_id["poison"]["error"].startswith("worker died: out of memory?")
    assert all(r["status"] != "error" for r in records if r["id"] != "poison")


def test_a_document_over_the_wall_clock_limit_gets_an_error_record():
    from gktagger.run.pool import ordered_results

    rng = random.Random(16)  # ~300k characters that do not repeat (a repeated body is read once)
    big = "\n".join("".join(rng.choice("政府信息公开申请予以部分不属于") for _ in range(30)) + str(rng.randint(0, 9999))
                    for _ in range(10_000))
    docs = [Document("small", SHORT), Document("big", big), Document("after", SHORT)]
    limits = Limits(document_seconds=1.0)
    records = [r for _, rs in ordered_results(([d] for d in docs), None, 1, limits) for r in rs]
    assert [r["id"] for r in records] == ["small", "big", "after"]
    assert records[1]["error"] == "document took longer than 1 s"
    assert records[0]["status"] != "error" and records[2]["status"] != "error"


def test_a_long_digit_run_costs_no_memory_per_digit(tmp_path):
    """200k digits needed ~1.4 GB in the decoder (7 KB per digit), and the tagger kept ~7.5 MB per batch
    of windows (850 MB for this page). Now the run is a mention with a warn check, and the largest
    process of the run stays under 1 GiB resident (~0.55 GB measured). Resident memory, not an
    address-space cap: what threads and arenas reserve varies with the machine, what is used does not."""
    corpus = jsonl(tmp_path / "in.jsonl", [{"id": "digits", "text": "本年新收申请" + "7" * 200_000 + "件。"}])
    out = tmp_path / "o.jsonl"
    # the largest resident set of the CLI and of the workers it waited for (RUSAGE_CHILDREN of a wrapper)
    wrapper = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "gktagger.cli", "extract", str(corpus),
                           "-o", str(out), "--quiet"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    peak_bytes = int(proc.stdout.split()[-1]) * 1024
    assert peak_bytes < 2 ** 30, f"{peak_bytes / 2 ** 20:.0f} MiB resident for one page of digits"
    record = records_of(out)[0]
    assert record["status"] != "error", record["error"]
    long = [m for m in record["mentions"] if m["field"] == "digits.overlong"]
    assert long and long[0]["length"] == 200_000 and long[0]["start"] == 6
    assert any(c["rule"] == "digits.overlong" and c["status"] == "warn" for c in record["checks"])


def _parse_seconds(html: str) -> float:
    """Best of three, without the garbage collector (whose passes grow with the heap)."""
    import gc

    from gktagger.io.htmltext import html_to_text

    best = float("inf")
    gc.disable()
    try:
        for _ in range(3):
            started = time.perf_counter()
            html_to_text(html, Limits(max_table_cells=10 ** 9, html_parse_seconds=10 ** 6))
            best = min(best, time.perf_counter() - started)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize("unit,tail", [("<table><tr><td>", ""), ("<div>", "</b>"), ("<font>", "<hr>"),
                                       ("<table>", "<td>x")])
def test_html_nesting_parses_in_linear_time(unit, tail):
    """Ratio of two sizes measured in one run: quadratic parsing (240 KB took 6-24 s) gives ~16 for 4x."""
    def page(n):
        return ("<b><table>" if tail == "</b>" else "") + unit * n + tail * n

    _parse_seconds(page(500))  # warm up
    small, large = _parse_seconds(page(4000)), _parse_seconds(page(16000))
    assert large / small < 8, (small, large)


def test_too_many_table_cells_is_an_error_record():
    from gktagger.io.reading import read_bytes

    html = "<html><body><table>" + "<tr>" + "<td>1</td>" * 100_000 + "</tr></table></body></html>"
    doc = next(iter([_read(html)]))
    assert doc.error == "too many table cells: more than 20,000"
    assert read_bytes(b"<html><table><tr><td>1</td><td>2</td></tr></table></html>", id="ok").text == "1\t2"


def _read(html):
    from gktagger.io.reading import _record_document

    return _record_document(html, "cells", "cells", "text")


def test_a_document_over_the_character_limit_is_an_error_record(tmp_path):
    corpus = jsonl(tmp_path / "in.jsonl", [{"id": "huge", "text": "一" * 5_000_001}, {"id": "a", "text": SHORT}])
    out = tmp_path / "o.jsonl"
    assert extract(corpus, "-o", out) == 0
    records = records_of(out)
    assert records[0]["error"] == "document too large: 5,000,001 characters > 5,000,000"
    assert records[1]["status"] != "error"


def test_devices_and_fifos_are_error_records_not_hangs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "a.txt").write_text(SHORT, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = subprocess.run([sys.executable, "-m", "gktagger.cli", "extract", str(folder), "-o", str(out), "--quiet"],
                          timeout=300)
    assert proc.returncode == 0
    by_name = {Path(r["id"]).name: r for r in records_of(out)}
    assert by_name["pipe.txt"]["error"] == by_name["zero.txt"]["error"] == "not a regular file"
    assert by_name["a.txt"]["status"] != "error"


def test_worker_and_batch_arguments_are_range_checked(tmp_path, capsys):
    corpus = jsonl(tmp_path / "x.jsonl", [{"id": "a", "text": SHORT}])
    assert extract(corpus, "-o", tmp_path / "o.jsonl", "--workers", "0") == 2
    assert extract(corpus, "-o", tmp_path / "o.jsonl", "--batch-size", "-1") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "--workers must be" in err[0] and "--batch-size must be" in err[1]
    assert not (tmp_path / "o.jsonl").exists()
    # the Ray engine has actors, not workers: said before Ray is even looked for
    assert extract(corpus, "-o", tmp_path / "o.jsonl", "--engine", "ray", "--workers", "2") == 2
    assert capsys.readouterr().err.strip() == (
        "gktagger: error: --workers is the local engine's: with --engine ray, give --num-actors")


# --- silent wrong values ----------------------------------------------------------------------------

def _with_cell(text: str) -> str:
    raw = EXAMPLE.read_text(encoding="utf-8")
    assert raw[CELL] == "1"
    return raw[:CELL] + text + raw[CELL + 1:]


@pytest.mark.parametrize("mark", ["\u200b", "\u200d", "\u00ad", "\u200e", "\u202e", "\u2066", "\ufeff"])
def test_an_invisible_character_inside_a_number_is_folded(extractor, mark):
    plain = extractor.extract([Document("p", _with_cell("81"))])[0]["fields"]["t3.granted.total"]
    odd = extractor.extract([Document("o", _with_cell("8" + mark + "1"))])[0]["fields"]["t3.granted.total"]
    assert plain["value"] == odd["value"] == 81
    assert odd["text"] == "8" + mark + "1" and odd["end"] == plain["end"] + 1


def test_an_overlong_digit_run_is_a_mention_with_a_warn(extractor):
    from gktagger.run.guard import extract_guarded

    for n in (40, 400):
        record = extract_guarded(extractor, [Document("d", _with_cell("1" * n))])[0]
        long = [m for m in record["mentions"] if m["field"] == "digits.overlong"]
        assert [(m["start"], m["length"]) for m in long] == [(CELL, n)]
        assert [c["status"] for c in record["checks"] if c["rule"] == "digits.overlong"] == ["warn"]


def test_a_count_written_1_0_is_read_as_1_with_a_warn(extractor):
    from gktagger.record.validate import validate

    record = extractor.extract([Document("d", _with_cell("1.0"))])[0]
    entry = record["fields"]["t3.granted.total"]
    assert entry["value"] == 1 and isinstance(entry["value"], int) and entry["text"] == "1.0"
    warns = [{k: c[k] for k in ("rule", "scope", "status", "message", "fields")} for c in validate(record)]
    assert {"rule": "value.read", "scope": "t3.granted.total", "status": "warn",
            "message": "count 1.0 read as 1", "fields": ["t3.granted.total"]} in warns


def test_a_jsonl_text_bom_stays_in_the_offsets(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    corpus = jsonl(tmp_path / "in.jsonl", [{"id": "bom", "text": "\ufeff" + text}, {"id": "plain", "text": text}])
    out = tmp_path / "o.jsonl"
    assert extract(corpus, "-o", out) == 0
    bom, plain = records_of(out)
    assert bom["fields"] and all(("\ufeff" + text)[f["start"]:f["end"]] == f["text"] for f in bom["fields"].values())
    assert {k: f["start"] - 1 for k, f in bom["fields"].items()} == {k: f["start"] for k, f in plain["fields"].items()}


def test_nan_is_never_written_and_rejected_per_record(tmp_path, capsys):
    from gktagger.run.batch import _safe_lines

    record = {"id": "a", "status": "ok", "fields": {"t3.new.natural": {"value": float("nan")}}}
    assert _safe_lines([record], [Document("a", "x")])[0]["status"] == "error"
    edited = tmp_path / "edited.jsonl"
    edited.write_text('{"id": "n", "status": "ok", "fields": {"t3.new.natural": {"value": NaN}}}\n'
                      '{"id": "i", "status": "ok", "fields": {"t3.new.natural": {"value": Infinity}}}\n'
                      '{"id": "good", "status": "ok", "fields": {"t3.new.natural": {"value": 3}}}\n', encoding="utf-8")
    assert cli(["validate", str(edited), "-o", str(tmp_path / "o.jsonl")]) == 1
    out = [json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} written"))
           for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in out] == ["error", "error", "ok"]


# --- reading files a record names -------------------------------------------------------------------

def _show(tmp_path, source, *extra):
    records = tmp_path / "run" / "out.jsonl"
    records.parent.mkdir(exist_ok=True)
    records.write_text(json.dumps({"id": "x", "source": str(source), "status": "ok", "fields": {}, "checks": [],
                                   "sections": [], "mentions": []}) + "\n", encoding="utf-8")
    page = tmp_path / "page.html"
    assert cli(["show", "--record", str(records), "--id", "x", "-o", str(page), *extra]) == 0
    return page.read_text(encoding="utf-8")


def test_show_reads_a_source_only_inside_the_allowed_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "root:x:0:0" not in (page := _show(tmp_path, "/etc/passwd")) and "unavailable" in page
    (tmp_path / "run" / "leak.txt").symlink_to("/etc/passwd")
    assert "root:x:0:0" not in _show(tmp_path, tmp_path / "run" / "leak.txt")
    os.mkfifo(tmp_path / "run" / "pipe.txt")
    assert "not a regular file" in _show(tmp_path, tmp_path / "run" / "pipe.txt")
    assert "unavailable" in _show(tmp_path, "/dev/zero")
    (tmp_path / "run" / "doc.txt").write_text("本年新收申请42件", encoding="utf-8")
    assert "本年新收申请42件" in _show(tmp_path, tmp_path / "run" / "doc.txt")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-root"
    elsewhere.mkdir()
    (elsewhere / "d.txt").write_text("本年新收申请43件", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "run")
    assert "本年新收申请43件" not in _show(tmp_path, elsewhere / "d.txt")
    assert "本年新收申请43件" in _show(tmp_path, elsewhere / "d.txt", "--source-root", str(elsewhere))


def test_report_pages_replace_a_planted_symlink_instead_of_following_it(tmp_path, monkeypatch):
    from gktagger.review.page import page_name

    monkeypatch.chdir(tmp_path)
    records = jsonl(tmp_path / "out.jsonl", [{"id": "a", "source": "a.txt", "status": "ok", "fields": {},
                                              "checks": [], "sections": [], "mentions": []}])
    (tmp_path / "a.txt").write_text(SHORT, encoding="utf-8")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / page_name("a")).symlink_to(victim)
    assert cli(["report", str(records), "-o", str(site / "r.html"), "--with-pages"]) == 0
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (site / page_name("a")).is_symlink() and "<html" in (site / page_name("a")).read_text(encoding="utf-8")


def test_csv_cells_that_spreadsheets_would_run_are_neutralised(tmp_path):
    import csv

    corpus = jsonl(tmp_path / "in.jsonl", [{"id": i, "text": SHORT} for i in ("=1+2", "+1", "-1", "@SUM(A1)", "ok")])
    out = tmp_path / "o.csv"
    assert extract(corpus, "-o", out) == 0
    ids = [row["id"] for row in csv.DictReader(open(out, encoding="utf-8"))]
    assert ids == ["'=1+2", "'+1", "'-1", "'@SUM(A1)", "ok"]


# --- crashes where one line is due ------------------------------------------------------------------

def test_validate_reports_malformed_edits_per_record_and_writes_the_good_ones(tmp_path, capsys):
    lines = [{"id": "string", "status": "ok", "fields": {"t3.new.natural": {"value": "3"}}},
             {"id": "mention", "status": "ok", "fields": {}, "mentions": [{"field": "t3.new.natural", "value": 1}]},
             {"id": "list", "status": "ok", "fields": []},
             {"id": "good", "status": "ok", "format": "2021", "fields": {"t3.new.natural": {"value": 3}}}]
    edited = jsonl(tmp_path / "edited.jsonl", lines)
    assert cli(["validate", str(edited), "-o", str(tmp_path / "o.jsonl")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and "line 1: t3.new.natural: value must be a number" in err[0]
    out = records_of(tmp_path / "o.jsonl")
    assert [r["id"] for r in out] == ["string", "mention", "list", "good"]
    assert [r["status"] for r in out] == ["error", "error", "error", "ok"]
    assert out[0]["fields"] == lines[0]["fields"]  # the edit is kept for fixing


def test_studio_pull_reports_malformed_tasks_by_id():
    from gktagger.studio.pull import to_annotation

    def task(id, data, start=0, end=1):
        return {"id": id, "data": data, "annotations": [{"id": 1, "result": [
            {"type": "labels", "value": {"start": start, "end": end, "text": "本", "labels": ["t3.new.natural"]}}]}]}

    good = {"id": "a.txt", "sha256": "0" * 64, "text": "本年"}
    cases = {1: task(1, {**good, "id": 7}), 2: task(2, {k: v for k, v in good.items() if k != "sha256"}),
             3: task(3, good, -1, 1), 4: task(4, good, 0.5, 1), 5: task(5, good, "x", 1), 6: task(6, good, 0, 3)}
    for id, t in cases.items():
        doc, problems = to_annotation(t)
        assert doc is None and len(problems) == 1 and problems[0].startswith(f"task {id}: "), problems
