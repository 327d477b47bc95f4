"""The Ray engine on a real two-node Ray cluster started on 127.0.0.1 (`make test-ray`).

Records must be the local engine's (ids, fields, checks; only ``seconds`` differs), one per input,
also when a worker node is killed mid-run, and after ``--resume``.
"""
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gktagger.io.outputs import read_records
from gktagger.training.annotations import corpus_files

pytestmark = pytest.mark.ray

sys.path.insert(0, str(Path(__file__).parent))
from awkwardfiles import write_awkward_files  # noqa: E402
from raycluster import Cluster  # noqa: E402



@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    pytest.importorskip("ray", reason="pip install -e '.[ray]' (make test-ray does)")
    # its own temp dir, not under pytest's: /tmp/pytest-of-USER is shared by every pytest run on the
    # machine, and a concurrent run prunes old numbered dirs (a live cluster's sockets and logs)
    with Cluster(cpus=(2, 2)) as c:
        yield c


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, corpus):
    """txt (GB18030, empty, binary), html, a JSONL and a Parquet corpus with broken rows."""
    root = tmp_path_factory.mktemp("mixed")
    d = root / "in"
    d.mkdir()
    write_awkward_files(d, corpus)
    text = (corpus / "reports/pingtan_lwt_2019.txt").read_text(encoding="utf-8")
    lines = [json.dumps({"id": "j1", "text": text}, ensure_ascii=False), "{not json",
             json.dumps({"id": "j3", "body": "no text column"})]
    (root / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pq.write_table(pa.table({"id": ["p1", None, "p3", "p4"],
                             "text": [text[:4000], "一、总体情况\n本年新收申请3件。", None, "\x00\x01\x02" * 50]}),
                   root / "records.parquet")
    return [str(d), str(root / "records.jsonl"), str(root / "records.parquet")]


def gktagger(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "gktagger.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


def without_timing(records):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in records]


@pytest.fixture(scope="module")
def local_mixed(mixed, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "local.jsonl"
    done = gktagger("extract", *mixed, "-o", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    return without_timing(read_records(out))


def test_records_are_the_local_engines(cluster, mixed, local_mixed, tmp_path):
    out = tmp_path / "ray.jsonl"
    done = gktagger("extract", *mixed, "-o", str(out), "--engine", "ray", "--address", cluster.address,
                    "--num-actors", "2", "--batch-size", "2")
    assert done.returncode == 0, done.stderr
    records = without_timing(read_records(out))
    assert records == local_mixed  # same ids, same order, same fields and checks
    assert len(records) == 11
    errors = {r["id"]: r["error"] for r in records if r["status"] == "error"}
    assert errors[f"{mixed[1]}:2"] == "invalid JSON on line 2"
    assert errors["p4"] == "not text: binary content"
    assert f"documents: {len(records)} in" in done.stderr  # the local run's summary


def test_parquet_output_and_resume_after_a_killed_run(cluster, mixed, local_mixed, tmp_path):
    out = tmp_path / "out.parquet"
    partial = tmp_path / "out.parquet.partial.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in local_mixed]
    partial.write_text("\n".join(lines[:5]) + "\n" + lines[5][:40], encoding="utf-8")  # torn last line
    done = gktagger("extract", *mixed, "-o", str(out), "--engine", "ray", "--address", cluster.address,
                    "--resume", "--quiet")
    assert done.returncode == 0, done.stderr
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == [r["id"] for r in local_mixed]
    assert table.column("status").to_pylist() == [r["status"] for r in local_mixed]


def test_python_entry_point_on_a_users_dataset(cluster, mixed, local_mixed):
    import ray

    from gktagger.run.rayengine import extract_dataset

    texts = [json.loads(line) for line in Path(mixed[1]).read_text(encoding="utf-8").splitlines()
             if line.startswith("{\"id\": \"j1\"")]
    ray.init(address=cluster.address, logging_level="ERROR", log_to_driver=False)
    try:
        ds = ray.data.from_items(texts + [{"id": "z", "text": "   "}])
        rows = extract_dataset(ds, num_actors=1).take_all()
    finally:
        ray.shutdown()
    by_id = {r["id"]: json.loads(r["record"]) for r in rows}
    assert len(rows) == 2
    local = {r["id"]: r for r in local_mixed}
    assert without_timing([by_id["j1"]])[0] == {**local["j1"], "source": "j1"}
    assert by_id["z"]["error"] == "empty document"


def test_a_worker_node_killed_mid_run_loses_and_duplicates_nothing(cluster, corpus, tmp_path):
    originals = corpus_files(corpus)
    folder = tmp_path / "corpus"
    folder.mkdir()
    for copy in range(4):
        for src in originals:
            shutil.copyfile(src, folder / f"{copy}_{src.name}")
    local = tmp_path / "local.jsonl"
    done = gktagger("extract", *[str(p) for p in originals], "-o", str(local), "--quiet")
    assert done.returncode == 0, done.stderr
    expected = {Path(r["id"]).name: r for r in without_timing(read_records(local))}

    out = tmp_path / "ray.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "gktagger.cli", "extract", str(folder), "-o", str(out),
                             "--engine", "ray", "--address", cluster.address, "--num-actors", "2",
                             "--batch-size", "2", "--quiet"], stderr=subprocess.PIPE, text=True)
    total = 4 * len(originals)
    deadline = time.time() + 600
    while time.time() < deadline and proc.poll() is None:
        written = out.read_text(encoding="utf-8").count("\n") if out.exists() else 0
        if written >= 4:
            break
        time.sleep(0.2)
    assert proc.poll() is None and written < total, "the run ended before the node could be killed"
    cluster.worker.kill()
    _, stderr = proc.communicate(timeout=900)
    assert proc.returncode == 0, stderr
    records = without_timing(read_records(out))
    ids = [r["id"] for r in records]
    assert ids == sorted(str(p) for p in folder.iterdir())  # a local run's order: by file name
    for r in records:
        name = Path(r["id"]).name.split("_", 1)[1]
        assert {**r, "id": name, "source": name} == {**expected[name], "id": name, "source": name}


def test_a_bad_address_is_one_line_and_exit_2(mixed, tmp_path):
    for address in ("127.0.0.1:1", "not-an-address"):
        done = gktagger("extract", *mixed, "-o", str(tmp_path / "x.jsonl"), "--engine", "ray",
                        "--address", address, timeout=120)
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert done.stderr.startswith("gktagger: error: ")


def test_without_ray_the_engine_says_what_to_install(mixed, tmp_path):
    code = ("import sys; sys.modules['ray'] = None; from gktagger.cli import main; "
            f"sys.exit(main(['extract', {mixed[0]!r}, '-o', {str(tmp_path / 'x.jsonl')!r}, '--engine', 'ray']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == "gktagger: error: the Ray engine needs Ray: pip install 'gktagger[ray]'"
