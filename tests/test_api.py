"""The public Python API, the Hugging Face view of the model folder, and an installed wheel."""
from __future__ import annotations

import doctest
import json
import subprocess
import sys
import venv

import pytest
import yaml

from gktagger.config import DEFAULT_MODEL_DIR
from gktagger.io.reading import read_path
from gktagger.training.annotations import REPO_ROOT

EXAMPLE = REPO_ROOT / "examples" / "county_2021_cells_per_line.txt"


def test_import_is_light_and_names_are_public():
    code = ("import sys, gktagger; assert 'torch' not in sys.modules and 'transformers' not in sys.modules; "
            "assert {'Extractor', 'extract_text', 'extract_file'} <= set(dir(gktagger)); "
            "from gktagger import Extractor, extract_text, extract_file; assert 'gktagger.extract' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT)


def test_extract_file_and_text_give_the_record_extract_writes(tmp_path):
    from gktagger import Extractor, extract_file, extract_text
    from gktagger.cli import main

    assert main(["extract", str(EXAMPLE), "-o", str(tmp_path / "out.jsonl"), "--quiet"]) == 0
    [written] = [json.loads(l) for l in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    strip = lambda r: {k: v for k, v in r.items() if k != "seconds"}
    assert strip(extract_file(EXAMPLE)) == strip(written)
    text = EXAMPLE.read_text(encoding="utf-8")
    assert strip(extract_text(text, id=str(EXAMPLE))) == strip(written)
    assert strip(Extractor().extract([read_path(EXAMPLE)])[0]) == strip(written)
    assert extract_file(tmp_path / "missing.txt")["status"] == "error"


def test_readme_examples_run():
    result = doctest.testfile(str(REPO_ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4 and result.failed == 0


def test_hf_pipeline_runs_on_a_full_page(corpus):
    """The model folder is a standard one: transformers' own pipeline windows a whole page (raw model tags)."""
    from transformers import AutoTokenizer, pipeline

    model = DEFAULT_MODEL_DIR
    assert AutoTokenizer.from_pretrained(model).model_max_length == 510
    text = read_path(corpus / "reports" / "pingtan_zhq_2021.txt").text
    assert len(text) > 3 * 510
    tagger = pipeline("token-classification", model=str(model), stride=128, aggregation_strategy="simple")
    spans = tagger(text)
    labels = {s["entity_group"] for s in spans}
    assert len(spans) > 50 and "overview" in labels and any(l.startswith("t3.") for l in labels)
    assert all(0 <= s["start"] < s["end"] <= len(text) for s in spans)
    assert max(s["end"] for s in spans) > 2 * 510  # past the first window


def test_training_writes_a_hugging_face_model_card(smoke_model):
    card = (smoke_model / "README.md").read_text(encoding="utf-8")
    _, front, body = card.split("---", 2)
    meta = yaml.safe_load(front)
    assert meta["language"] == ["zh"] and meta["pipeline_tag"] == "token-classification" and meta["license"]
    [result] = meta["model-index"][0]["results"]
    assert {m["name"] for m in result["metrics"]} == {"fields F1 (dev documents)", "sections F1 (dev documents)"}
    version = json.loads((smoke_model / "gktagger.json").read_text())["model_version"]
    assert meta["model-index"][0]["name"] == version and version in body
    from transformers import AutoTokenizer

    assert AutoTokenizer.from_pretrained(smoke_model).model_max_length == 126


@pytest.mark.slow
def test_wheel_installs_into_a_clean_venv_and_extracts(tmp_path):
    """`pip install torch==2.13.0` first (the CPU wheel), then the wheel: `from gktagger import extract_text`."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO_ROOT)],
                   check=True)
    [wheel] = dist.glob("gktagger-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    py = str(env_dir / "bin" / "python")
    subprocess.run([py, "-m", "pip", "install", "-q", "torch==2.13.0"], check=True)
    subprocess.run([py, "-m", "pip", "install", "-q", str(wheel)], check=True)
    code = ("import sys, gktagger\n"
            "from gktagger import extract_text\n"
            f"r = extract_text(open({str(EXAMPLE)!r}, encoding='utf-8').read())\n"
            "assert r['format'] == '2021' and len(r['fields']) > 50, r['status']\n"
            "import importlib.util; assert importlib.util.find_spec('training') is None or 'site-packages' not in "
            "importlib.util.find_spec('training').origin\n"
            "print(gktagger.__file__)")
    done = subprocess.run([py, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert str(env_dir) in done.stdout  # the installed copy, not the repository
