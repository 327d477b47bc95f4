"""Label Studio's ML backend HTTP protocol over :class:`~gktagger.studio.backend.GktaggerBackend`.

``gktagger studio backend --port 9090`` serves it (uvicorn). The routes are the ones Label Studio
calls (``label_studio/ml/api_connector.py`` of Label Studio 1.23):

- ``GET /health`` (and ``/``): ``{"status": "UP", "model_class": ..., "model_version": ...}``
- ``POST /setup``: ``{"model_version": ...}`` (Label Studio calls it before predicting)
- ``POST /predict`` ``{"tasks": [...], "project": ..., "label_config": ..., "params": {"context": ...}}``:
  ``{"results": [one prediction per task], "model_version": ...}``
- ``POST /webhook`` ``{"action": "ANNOTATION_CREATED", "project": {...}, ...}``: the backend's ``fit``
  (answers at once; the retrain runs in the background)
- ``POST /train``: a retrain of the project, as ``START_TRAINING``
- ``GET /jobs``: the retrains so far (status, model version, error) -- gktagger's own route
- ``POST /versions``, ``GET /metrics``: the model version, ``{}``

Why not the ``label-studio-ml`` package: its last PyPI release (1.0.9, January 2023) pins Flask
1.1.2, Jinja2 3.0.3 and Werkzeug 2.0.2 (gktagger renders HTML with Jinja2 3.1) and imports ``redis``
and ``rq`` without requiring them; the maintained version lives only in its Git repository. The
protocol is small and documented, so it is served here with FastAPI.

>>> from fastapi.testclient import TestClient
>>> from gktagger.studio.backend import GktaggerBackend
>>> client = TestClient(create_app(GktaggerBackend()))
>>> client.get("/health").json()["status"]
'UP'
>>> client.post("/webhook", json={"action": "PROJECT_UPDATED"}).json()["status"]
'ignored'
"""
from __future__ import annotations

from fastapi import Body, FastAPI

from gktagger.studio.backend import GktaggerBackend


def create_app(backend: GktaggerBackend) -> FastAPI:
    app = FastAPI(title="gktagger Label Studio ML backend")

    @app.get("/")
    @app.get("/health")
    def health() -> dict:
        return {"status": "UP", "model_class": type(backend).__name__, "model_version": backend.model_version}

    @app.post("/setup")
    def setup(request: dict = Body(default_factory=dict)) -> dict:
        return backend.setup(**request)

    @app.post("/predict")
    def predict(request: dict = Body(...)) -> dict:
        params = request.get("params") or {}
        results = backend.predict(request.get("tasks") or [], context=params.get("context"))
        return {"results": results, "model_version": backend.model_version}

    @app.post("/webhook", status_code=201)
    def webhook(request: dict = Body(...)) -> dict:
        return backend.fit(str(request.get("action")), request)

    @app.post("/train", status_code=201)
    def train(request: dict = Body(default_factory=dict)) -> dict:
        project = request.get("project")
        return backend.fit("START_TRAINING", {"project": project if isinstance(project, dict) else {}})

    @app.get("/jobs")
    def jobs() -> list[dict]:
        return backend.retrainer.status() if backend.retrainer else []

    @app.post("/versions")
    @app.get("/versions")
    def versions() -> dict:
        return {"versions": [backend.model_version]}

    @app.get("/metrics")
    def metrics() -> dict:
        return {}

    return app


def serve(backend: GktaggerBackend, host: str, port: int, quiet: bool = False) -> None:
    import uvicorn

    uvicorn.run(create_app(backend), host=host, port=port, log_level="warning" if quiet else "info")
