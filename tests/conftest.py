import os

import pytest

import labelstudio_server

from gktagger.training.annotations import corpus_root


@pytest.fixture(scope="session")
def corpus():
    root = corpus_root()
    if not (root / "reports").is_dir():
        pytest.fail(f"the shared corpus is missing at {root}: check out ../shared beside the repository "
                    "or set GKTAGGER_CORPUS")
    return root


@pytest.fixture(scope="session")
def smoke_model(tmp_path_factory, corpus):
    """A tiny model trained end to end with configs/smoke.yaml (the same run CI makes)."""
    from gktagger.training.annotations import REPO_ROOT
    from gktagger.training.train import main

    out = tmp_path_factory.mktemp("smoke-model")
    assert main(["--config", str(REPO_ROOT / "configs" / "smoke.yaml"), "--output", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def labelstudio(tmp_path_factory):
    """A running Label Studio (``.url``, ``.token``), stopped by PID at the end of the session."""
    if not labelstudio_server.LS_BIN.exists():
        reason = f"Label Studio is not installed at {labelstudio_server.LS_BIN}: run `make .venv-ls`"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    server = labelstudio_server.start(tmp_path_factory.mktemp("labelstudio") / "data")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tagging_model(tmp_path_factory, corpus):
    """A tiny model that does tag something (~30 s of training).

    ``smoke_model`` (30 steps) tags every character O, so its predictions are empty and there would
    be nothing to correct; 200 steps with a low O weight give spans with varied scores.
    """
    from gktagger.training.annotations import REPO_ROOT
    from gktagger.training.train import main as train

    out = tmp_path_factory.mktemp("tagging-model")
    assert train(["--config", str(REPO_ROOT / "configs" / "smoke.yaml"), "--output", str(out), "--set",
                  "train.max_steps=200", "train.learning_rate=0.005", "train.outside_weight=0.1",
                  "train.eval_every=1000", "data.dev_documents=[]"]) == 0
    return out


@pytest.fixture(scope="session")
def client(labelstudio):
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=labelstudio.url, api_key=labelstudio.token)
