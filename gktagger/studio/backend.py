"""The Label Studio ML backend model: full-pipeline predictions, and retraining on new annotations.

:class:`GktaggerBackend` follows the ``label-studio-ml`` conventions (``LabelStudioMLBase``):
``setup`` answers the model version, ``predict(tasks, context)`` returns one prediction per task,
``fit(event, data)`` handles the webhook events. It is served over Label Studio's ML backend HTTP
protocol by :mod:`gktagger.studio.app` (``gktagger studio backend``).

- ``predict`` runs the whole pipeline (:class:`gktagger.extract.Extractor`) on ``data.text``: the
  prediction's regions are the record ``gktagger extract`` writes (:mod:`gktagger.studio.predictions`).
- ``fit`` on ``ANNOTATION_CREATED``/``ANNOTATION_UPDATED``/``START_TRAINING`` queues a retrain
  (:class:`Retrainer`): pull the project's submitted annotations (``studio pull``), train with the
  configured recipe (``training.train --config C --set ...`` plus the pulled folder), then serve the
  new model. Events that arrive while a retrain runs are folded into one more retrain after it.

>>> from gktagger.io.document import Document
>>> backend = GktaggerBackend()                          # the shipped model, no retraining
>>> text = "一、总体情况\\n本机关共收到政府信息公开申请3件。"
>>> [prediction] = backend.predict([{"id": 1, "data": {"text": text}}])
>>> prediction["model_version"] == backend.model_version, isinstance(prediction["result"], list)
(True, True)
>>> backend.fit("PROJECT_UPDATED", {})["status"]
'ignored'
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gktagger.training.config import load_config

from gktagger.extract import Extractor
from gktagger.io.document import Document
from gktagger.studio.predictions import predict_documents, to_prediction
from gktagger.studio.pull import pull, safe_name
from gktagger.studio.server import connect, server_errors

log = logging.getLogger("gktagger.studio.backend")

TRAIN_EVENTS = ("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "START_TRAINING")


class GktaggerBackend:
    """Label Studio ML backend over the full gktagger pipeline (``LabelStudioMLBase`` conventions)."""
    def __init__(self, model: str | None = None, retrainer: "Retrainer | None" = None):
        self._lock = threading.Lock()
        self.model_dir = model
        self.load(model)
        self.retrainer = retrainer
        if retrainer is not None:
            retrainer.backend = self

    def load(self, model: str | None) -> None:
        """Serve the model in ``model`` (None: the shipped one) from the next prediction on."""
        extractor = Extractor(model=model)
        with self._lock:
            self.extractor, self.model_dir = extractor, model

    @property
    def model_version(self) -> str:
        return self.extractor.tagger.name

    def setup(self, **_: object) -> dict:
        return {"model_version": self.model_version}

    def predict(self, tasks: list[dict], context: dict | None = None, **_: object) -> list[dict]:
        """One prediction per task: the record's headings, fields and mentions as regions of ``data.text``."""
        docs = []
        for task in tasks:
            data = task.get("data") or {}
            text = data.get("text")
            doc_id = str(data.get("id") or task.get("id") or "")
            docs.append(Document(doc_id, text) if isinstance(text, str)
                        else Document(doc_id, "", error="the task has no text in data.text"))
        with self._lock:
            extractor = self.extractor
            predicted = predict_documents(extractor, docs)
        return [to_prediction(p, extractor.tagger.name) for p in predicted]

    def fit(self, event: str, data: dict, **_: object) -> dict:
        """Queue a retrain on an annotation event (see module docstring); other events are ignored."""
        if event not in TRAIN_EVENTS:
            return {"status": "ignored", "event": event}
        if self.retrainer is None:
            return {"status": "ignored", "event": event, "reason": "started with --no-train"}
        project = data.get("project") or {}
        if not isinstance(project, dict) or not project.get("title"):
            return {"status": "ignored", "event": event, "reason": "no project in the event"}
        return {"status": "queued", "event": event, "job": self.retrainer.request(project["title"])}


@dataclass
class Job:
    """One retrain: queued → pulling → training → done (the new model served) or failed (why)."""
    id: int
    project: str
    status: str = "queued"
    model_dir: str | None = None
    model_version: str | None = None
    error: str | None = None
    started: float | None = None
    seconds: float | None = None


@dataclass
class Retrainer:
    """Retrains one project at a time in a background thread, with the configured recipe.

    ``url``/``token`` reach Label Studio to pull the annotations; ``config`` and ``overrides`` are
    ``training.train``'s ``--config``/``--set``; models go to ``work_dir/models/<job>``.
    """
    url: str | None
    token: str | None
    config: str
    overrides: list[str]
    work_dir: Path
    backend: GktaggerBackend | None = None
    jobs: list[Job] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._wake = threading.Condition()
        self._pending: dict[str, Job] = {}
        threading.Thread(target=self._run, name="gktagger-retrain", daemon=True).start()

    def request(self, project: str) -> int:
        """Queue a retrain for ``project`` (one queued job per project: later events join it)."""
        with self._wake:
            job = self._pending.get(project)
            if job is None:
                job = Job(len(self.jobs) + 1, project)
                self.jobs.append(job)
                self._pending[project] = job
                self._wake.notify()
            return job.id

    def status(self) -> list[dict]:
        with self._wake:
            return [asdict(j) for j in self.jobs]

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending:
                    self._wake.wait()
                project, job = next(iter(self._pending.items()))
                del self._pending[project]
            job.started = time.time()
            try:
                self._retrain(job)
                job.status = "done"
            except Exception as e:  # noqa: BLE001 - a failed retrain is reported, the server keeps serving
                job.status, job.error = "failed", " ".join(str(e).split())[:500] or type(e).__name__
                log.error("retrain %d of %r failed: %s", job.id, job.project, job.error)
            job.seconds = round(time.time() - job.started, 1)

    def _retrain(self, job: Job) -> None:
        job.status = "pulling"
        studio = connect(self.url, self.token)
        pulled = self.work_dir / "annotations" / safe_name(job.project)
        with server_errors(studio.url):
            result = pull(studio, job.project, pulled)
        for problem in result.problems:
            log.warning("retrain %d: %s", job.id, problem)
        job.status = "training"
        out = self.work_dir / "models" / f"job-{job.id:04d}"
        annotations = [*self.base_annotations(), str(pulled.resolve())]
        command = [sys.executable, "-m", "gktagger.training.train", "--config", self.config, "--output", str(out),
                   "--set", *self.overrides, f"data.annotations={json.dumps(annotations)}"]
        log.info("retrain %d: %s", job.id, " ".join(command))
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
            raise RuntimeError(f"training exited {done.returncode}: {last}")
        self.backend.load(str(out))
        job.model_dir, job.model_version = str(out), self.backend.model_version
        log.info("retrain %d: now serving %s", job.id, job.model_version)

    def base_annotations(self) -> list[str]:
        """The recipe's own annotation folders (absolute, so the pulled folder can be added to them)."""
        cfg = load_config(self.config, self.overrides)
        return [str(Path(a).resolve()) for a in cfg.data.annotations]
