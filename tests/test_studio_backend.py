"""``gktagger studio backend``: a real Label Studio connected to the real backend, both on 127.0.0.1.

Label Studio asks the backend for predictions when a task is opened (project setting
"evaluate predictions automatically", as the UI's "Use predictions to prelabel tasks" does) and
sends it the annotation webhook; the backend answers with the full pipeline's record and retrains.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import labelstudio_server
from gktagger.io.document import Document
from gktagger.studio.config import labeling_config
from gktagger.studio.predictions import record_spans
from gktagger.training import annotations as ann

SMOKE_CONFIG = ann.REPO_ROOT / "configs" / "smoke.yaml"
BACKEND_START_TIMEOUT = 180.0
RETRAIN_TIMEOUT = 600.0


def backend_get(url: str) -> dict | list:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture
def backend(labelstudio, tagging_model, tmp_path):
    """``gktagger studio backend`` on a free port, retraining with a 2-step smoke recipe."""
    port = labelstudio_server.free_port()
    log = tmp_path / "backend.log"
    command = [sys.executable, "-m", "gktagger.cli", "studio", "backend", "--port", str(port),
               "--model", str(tagging_model), "--train-config", str(SMOKE_CONFIG), "--train-set",
               "train.max_steps=2", "train.eval_every=1000", "data.dev_documents=[]", "data.synthetic_n=2",
               "--work-dir", str(tmp_path / "work"), "--url", labelstudio.url, "--token", labelstudio.token]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + BACKEND_START_TIMEOUT
    try:
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if backend_get(f"{url}/health")["status"] == "UP":
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()  # our own backend, by its PID
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.labelstudio
@pytest.mark.slow
def test_label_studio_gets_the_full_pipeline_from_the_backend_and_an_annotation_retrains(
        labelstudio, client, backend, tagging_model, tmp_path):
    from gktagger.extract import Extractor
    from gktagger.training.synth import generate

    text, gold = next(generate(1, seed=43, formats=("2021",), layouts=["lines"]))
    doc_id = "pages/county_2021_backend.txt"
    project = client.projects.create(title="backend", label_config=labeling_config(),
                                     evaluate_predictions_automatically=True)
    client.projects.import_tasks(project.id, request=[{"data": {"text": text, "id": doc_id,
                                                                "sha256": ann.sha256_text(text)}}])
    ml = client.ml.create(project=project.id, url=backend, title="gktagger", is_interactive=False)
    assert client.ml.get(ml.id).state == "CO", "Label Studio did not connect to the backend"

    [task] = list(client.tasks.list(project=project.id, fields="task_only"))
    status, body = labelstudio_server.get(f"{labelstudio.url}/api/tasks/{task.id}", labelstudio.token)
    assert status == 200, body
    [prediction] = json.loads(body)["predictions"]  # asked from the backend when the task was opened

    record = Extractor(model=str(tagging_model)).extract([Document(doc_id, text)])[0]
    expected = record_spans(record, text)
    version = json.loads((tagging_model / "gktagger.json").read_text())["model_version"]
    assert prediction["model_version"] == version
    got = sorted((r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in prediction["result"])
    assert got == [(s.start, s.end, s.label) for s in expected] and len(record["fields"]) >= 10
    assert all(r["value"]["text"] == text[r["value"]["start"]:r["value"]["end"]] for r in prediction["result"])
    assert {(f["start"], f["end"], fid) for fid, f in record["fields"].items()} <= set(got)  # extract's fields

    # the annotator submits the gold spans: Label Studio's webhook makes the backend retrain
    result = ann.to_label_studio_result(gold.spans)
    client.annotations.create(id=task.id, result=result, was_cancelled=False, ground_truth=False, lead_time=3.0)
    deadline = time.monotonic() + RETRAIN_TIMEOUT
    while True:
        jobs = backend_get(f"{backend}/jobs")
        if jobs and jobs[-1]["status"] in ("done", "failed"):
            break
        assert time.monotonic() < deadline, jobs
        time.sleep(1.0)
    assert jobs[0]["project"] == "backend" and jobs[-1]["status"] == "done", jobs
    retrained = Path(jobs[-1]["model_dir"])
    meta = json.loads((retrained / "gktagger.json").read_text())
    assert doc_id in meta["train_documents"]  # the submitted annotation was trained on
    assert backend_get(f"{backend}/health")["model_version"] == meta["model_version"] == jobs[-1]["model_version"]
    assert meta["model_version"] != version
