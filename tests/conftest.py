import pytest

from gktagger.annotations import corpus_root


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
    from gktagger.annotations import REPO_ROOT
    from training.train import main

    out = tmp_path_factory.mktemp("smoke-model")
    assert main(["--config", str(REPO_ROOT / "configs" / "smoke.yaml"), "--output", str(out)]) == 0
    return out
