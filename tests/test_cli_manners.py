"""CLI manners: --version, --help examples, --quiet is quiet, a progress total (and --resume counting
what is done), Ctrl-C is one line, --fail-on, unsupported files named, validate and report per item."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from gktagger.cli import main
from gktagger.run.batch import count_documents
from gktagger.training.annotations import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples"


def run_cli(*args, timeout=600, **kw):
    return subprocess.run([sys.executable, "-m", "gktagger.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO_ROOT, **kw)


def test_version_and_help_with_examples(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.startswith("gktagger 0.")
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "gktagger extract reports/ -o out.jsonl" in out and "exit codes:" in out


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Two example pages and a picture gktagger does not read."""
    d = tmp_path_factory.mktemp("pages")
    for name in ("county_2021_cells_per_line.txt", "district_2019_flattened.txt"):
        shutil.copy(EXAMPLES / name, d / name)
    (d / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    return d


def test_quiet_is_silent_unsupported_files_get_a_record_and_fail_on_sets_the_exit(folder, tmp_path):
    out = tmp_path / "out.jsonl"
    done = run_cli("extract", folder, "-o", out, "--quiet")
    assert done.returncode == 0 and done.stderr == "", done.stderr  # no bars, no library logging
    records = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in records][-1] == "error" and len(records) == 3
    assert records[-1]["id"].endswith("scan.png") and "unsupported format .png" in records[-1]["error"]
    failing = run_cli("extract", folder, "-o", out, "--quiet", "--fail-on", "error")
    assert failing.returncode == 1 and failing.stderr.strip().splitlines() == [
        "gktagger: --fail-on error: 1 error"]


def test_progress_has_a_total_and_resume_counts_what_is_done(folder, tmp_path):
    assert count_documents([str(folder)]) == 3
    out = tmp_path / "out.jsonl"
    first = run_cli("extract", folder / "county_2021_cells_per_line.txt", "-o", out)
    assert first.returncode == 0 and "1/1" in first.stderr
    again = run_cli("extract", folder, "-o", out, "--resume")
    assert again.returncode == 0 and "1/3" in again.stderr and "3/3" in again.stderr, again.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def _ctrl_c_as_in_a_terminal() -> None:
    """A test run started in the background (``make test &``) ignores SIGINT, and so would its children."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_is_one_line_and_resume_finishes(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(60):
        shutil.copy(EXAMPLES / "district_2019_flattened.txt", pages / f"{i:02d}.txt")
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen([sys.executable, "-m", "gktagger.cli", "extract", str(pages), "-o", str(out), "--quiet",
                                "--batch-size", "2"], cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=_ctrl_c_as_in_a_terminal)
    deadline = time.monotonic() + 300
    while not (out.exists() and out.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert err.strip().splitlines() == [
        "gktagger: interrupted (records written so far are kept: run again with --resume)"], err
    done = len(out.read_text(encoding="utf-8").splitlines())
    assert 0 < done < 60
    assert run_cli("extract", pages, "-o", out, "--quiet", "--resume").returncode == 0
    assert sorted(json.loads(l)["id"] for l in out.read_text(encoding="utf-8").splitlines()) == sorted(
        str(p) for p in pages.iterdir())


def test_validate_reports_each_bad_record_and_flags_empty_ones(tmp_path, capsys):
    good = {"id": "a", "status": "ok", "format": "2021", "fields": {"t3.new.natural": {"value": 3}}}
    typed = {"id": "b", "status": "ok", "format": "2021", "fields": {"t3.new.natural": {"value": "81"}}}
    empty = {"id": "c", "status": "ok", "format": "2021", "fields": {}}
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in (good, typed, empty)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["validate", str(src), "-o", str(out)]) == 1  # a malformed record is an error (issue 16)
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"gktagger: {src}: line 2: t3.new.natural: value must be a number or null, not str"
    assert err[1] == f"gktagger: {src}: c: no fields: nothing was checked"
    assert "1 without fields, 1 with errors" in err[2]
    assert [json.loads(l)["id"] for l in out.read_text(encoding="utf-8").splitlines()] == ["a", "b", "c"]
    src.write_text("".join(json.dumps(r) + "\n" for r in (good, empty)), encoding="utf-8")
    assert main(["validate", str(src), "-o", str(out)]) == 0  # an empty record is flagged, not an error
    assert main(["validate", str(src), "-o", str(out), "--fail-on", "error"]) == 0
    assert main(["validate", str(src), "-o", str(out), "--fail-on", "invalid"]) == 0


def test_report_writes_no_page_for_an_unreadable_text(tmp_path, capsys):
    record = {"id": "gone", "source": str(tmp_path / "gone.txt"), "status": "ok", "error": None, "format": "2021",
              "year": 2021, "sections": [], "fields": {}, "checks": [], "mentions": []}
    records = tmp_path / "out.jsonl"
    records.write_text(json.dumps(record) + "\n", encoding="utf-8")
    site = tmp_path / "site"
    assert main(["report", str(records), "-o", str(site / "index.html"), "--with-pages"]) == 1
    assert "1 show page(s) not written: document text unreadable" in capsys.readouterr().err
    assert [p.name for p in site.iterdir()] == ["index.html"]
