import pytest

from gktagger.annotations import corpus_root


@pytest.fixture(scope="session")
def corpus():
    root = corpus_root()
    if not (root / "reports").is_dir():
        pytest.fail(f"the shared corpus is missing at {root}: check out ../shared beside the repository "
                    "or set GKTAGGER_CORPUS")
    return root
