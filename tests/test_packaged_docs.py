"""The wheel carries the contract, the annotation guidelines and the training configs."""
from __future__ import annotations


import pytest

from gktagger.training.annotations import REPO_ROOT, corpus_root
from gktagger.training.config import CONFIG_DIR, load_config

DOCS = REPO_ROOT / "gktagger" / "docs"


@pytest.mark.parametrize("name", ["fields.md", "output.md"])
def test_packaged_spec_is_the_shared_spec(name):
    shared = corpus_root().parent / "spec" / name
    if not shared.exists():
        pytest.skip(f"no shared spec at {shared}")
    assert (DOCS / "spec" / name).read_bytes() == shared.read_bytes(), \
        f"gktagger/docs/spec/{name} is out of date: cp {shared} gktagger/docs/spec/"


def test_guidelines_and_configs_are_in_the_package():
    assert (DOCS / "GUIDELINES.md").read_text(encoding="utf-8").strip()
    assert (REPO_ROOT / "data" / "annotations" / "GUIDELINES.md").resolve() == (DOCS / "GUIDELINES.md").resolve()
    assert {p.stem for p in CONFIG_DIR.glob("*.yaml")} == {"default", "smoke", "loso"}
    assert (REPO_ROOT / "configs").resolve() == CONFIG_DIR
    assert load_config("smoke").train.max_steps == load_config(REPO_ROOT / "configs" / "smoke.yaml").train.max_steps
