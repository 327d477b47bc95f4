"""The ML loop fails loudly: a wrong folder, name or key is one line and exit 2, never a model of nothing;
dev documents are held out of training by the sha256 of their text, whatever their name."""
from __future__ import annotations

import json

import pytest

from gktagger.training import annotations as ann
from gktagger.training.data import split_documents

SMOKE = str(ann.REPO_ROOT / "configs" / "smoke.yaml")
CORPUS_ANNOTATIONS = ann.REPO_ROOT / "data" / "annotations" / "corpus"
DEV_DOC = "reports/pingtan_zhq_2021.txt"  # the smoke recipe's dev document


def one_error_line(capsys, prefix: str) -> str:
    err = [l for l in capsys.readouterr().err.splitlines() if l.strip()]
    assert len(err) == 1 and err[0].startswith(prefix), err
    return err[0]


@pytest.mark.parametrize("overrides, message", [
    (["data.annotations=[data/annotations/corpuss]"], "annotation folder not found: data/annotations/corpuss"),
    (["train.max_step=3"], "unknown config key train.max_step (did you mean train.max_steps?)"),
    (["train.max_steps"], "--set takes KEY=VALUE"),
    (["data.dev_documents=[reports/no_such_page.txt]"], "in none of the annotation folders, e.g. reports/no_such_page.txt"),
])
def test_train_refuses_a_wrong_recipe_with_one_line_and_exit_2(overrides, message, tmp_path, capsys):
    from gktagger.training.train import main as train

    out = tmp_path / "model"
    assert train(["--config", SMOKE, "--output", str(out), "--set", *overrides]) == 2
    assert message in one_error_line(capsys, "train: error: ")
    assert not out.exists()


def test_train_refuses_an_empty_folder_and_a_missing_config(tmp_path, capsys):
    from gktagger.training.train import main as train

    (tmp_path / "empty").mkdir()
    assert train(["--config", SMOKE, "--output", str(tmp_path / "m"), "--set", f"data.annotations=[{tmp_path / 'empty'}]"]) == 2
    assert "no annotations (*.json) in" in one_error_line(capsys, "train: error: ")
    assert train(["--config", str(tmp_path / "nope.yaml")]) == 2
    assert "config not found" in one_error_line(capsys, "train: error: ")


def test_evaluate_on_a_mistyped_folder_or_nothing_exits_2(tmp_path, capsys):
    from gktagger.training.evaluate import main as evaluate

    assert evaluate(["--annotations", "data/annotations/corpuss"]) == 2
    assert "annotation folder not found: data/annotations/corpuss" in one_error_line(capsys, "evaluate: error: ")
    assert evaluate(["--documents", "reports/no_such_page.txt"]) == 2
    assert "in none of the annotation folders" in one_error_line(capsys, "evaluate: error: ")
    (tmp_path / "empty").mkdir()
    assert evaluate(["--annotations", str(tmp_path / "empty")]) == 2
    one_error_line(capsys, "evaluate: error: no annotations")


def renamed_copy_of_dev_page(corpus, folder):
    """The smoke recipe's dev page, as `studio pull` writes a page pulled under another name (text carried)."""
    from gktagger.io.reading import read_path

    [dev] = [d for d in ann.load_dir(CORPUS_ANNOTATIONS) if d.document == DEV_DOC]
    raw = read_path(corpus / DEV_DOC).text
    assert ann.sha256_text(raw) == dev.sha256
    copy = ann.AnnotatedDoc("pulled/another_name.txt", dev.sha256, dev.spans, dev.format, dev.year, text=raw)
    folder.mkdir()
    ann.save(copy, folder / "another_name.json")
    return copy


def test_a_dev_page_under_another_name_is_not_trained_on(corpus, tmp_path):
    from gktagger.training.train import main as train

    pulled = tmp_path / "pulled"
    renamed_copy_of_dev_page(corpus, pulled)
    docs = split_documents([CORPUS_ANNOTATIONS, pulled], [DEV_DOC])
    assert docs.held_copies == ["pulled/another_name.txt"]
    assert [d.document for d in docs.dev] == [DEV_DOC]
    assert not {DEV_DOC, "pulled/another_name.txt"} & {d.document for d in docs.train}

    out = tmp_path / "model"
    assert train(["--config", SMOKE, "--output", str(out), "--set", f"data.annotations=[{CORPUS_ANNOTATIONS},{pulled}]",
                  "train.max_steps=1", "train.eval_every=1000", "data.synthetic_n=2"]) == 0
    trained_on = json.loads((out / "gktagger.json").read_text())["train_documents"]
    assert trained_on and DEV_DOC not in trained_on and "pulled/another_name.txt" not in trained_on


def test_gktagger_ml_commands(tmp_path, capsys, smoke_model):
    from gktagger.cli import main

    assert main(["evaluate", "--annotations", "data/annotations/corpuss"]) == 2
    one_error_line(capsys, "evaluate: error: annotation folder not found")
    assert main(["train", "--config", "smoke", "--set", "train.max_step=1"]) == 2
    one_error_line(capsys, "train: error: unknown config key train.max_step")
    out = tmp_path / "packaged"
    assert main(["package", str(smoke_model), "-o", str(out)]) == 0
    assert (out / "README.md").read_text(encoding="utf-8").startswith("---\nlanguage:")
    assert {p.name for p in out.iterdir()} >= {"config.json", "model.safetensors", "tokenizer.json", "gktagger.json"}
    assert main(["package", str(tmp_path), "-o", str(tmp_path / "x")]) == 2
    capsys.readouterr()
    assert main(["info", "--model", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["model"]["version"] == json.loads((out / "gktagger.json").read_text())["model_version"]
    assert info["model"]["card"] and info["packages"]["torch"] and info["pipeline"]["window"] == 126
