"""The training pipeline: labels project exactly, a smoke run trains, a saved model reloads the same."""
import json

import numpy as np
import pytest
import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

from gktagger.io.reading import read_path
from gktagger.tagging.tagger import Tagger
from gktagger.tagging.tags import tags_to_spans
from gktagger.tagging.tokenizer import build_tokenizer
from gktagger.text.normalize import normalise
from gktagger.training import annotations as ann
from gktagger.training.config import load_config
from gktagger.training.data import to_example
from gktagger.training.model_init import new_model

ANNOTATIONS = ann.REPO_ROOT / "data" / "annotations" / "corpus"


@pytest.mark.parametrize("doc", ann.load_dir(ANNOTATIONS), ids=lambda d: d.name)
def test_labels_project_exactly_onto_the_model_text(corpus, doc):
    raw = read_path(corpus / doc.document).text
    example = to_example(raw, doc)
    norm = normalise(raw)
    got = set()
    for s in tags_to_spans(example.tags):
        got.add((*norm.to_raw(s.start + example.offset, s.end + example.offset), s.label))
    want = {(s.start, s.end, s.label) for s in doc.spans}
    assert got == want


def test_synthetic_labels_project_exactly():
    from gktagger.training.synth import generate

    for text, doc in generate(40, seed=5):
        example = to_example(text, doc)
        norm = normalise(text)
        got = {(*norm.to_raw(s.start + example.offset, s.end + example.offset), s.label)
               for s in tags_to_spans(example.tags)}
        assert got == {(s.start, s.end, s.label) for s in doc.spans}, doc.notes


def test_smoke_run_writes_a_standard_model_directory(smoke_model):
    for name in ("config.json", "model.safetensors", "tokenizer.json", "gktagger.json"):
        assert (smoke_model / name).exists(), name
    meta = json.loads((smoke_model / "gktagger.json").read_text())
    assert meta["model_version"].startswith("gktagger-")
    assert meta["dev_scores"]["fields"]["support"] > 0
    assert "reports/pingtan_zhq_2021.txt" not in meta["train_documents"]


def test_saved_model_reloads_and_predicts_the_same(smoke_model, corpus, tmp_path):
    text = normalise(read_path(corpus / "reports/pingtan_zhq_2021.txt").text).text
    first = Tagger.from_pretrained(smoke_model).predict(text)
    tagger = Tagger.from_pretrained(smoke_model)
    tagger.model.save_pretrained(tmp_path)
    tagger.tokenizer.save_pretrained(tmp_path)
    second = Tagger.from_pretrained(tmp_path).predict(text)
    assert (first.tags == second.tags).all()
    assert np.allclose(first.probs, second.probs, atol=1e-6)


def test_init_from_a_local_checkpoint_carries_character_embeddings(tmp_path):
    chars = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "公", "开", "7"]
    (tmp_path / "vocab.txt").write_text("\n".join(chars) + "\n", encoding="utf-8")
    BertTokenizer(str(tmp_path / "vocab.txt")).save_pretrained(tmp_path)
    source = BertForTokenClassification(BertConfig(vocab_size=len(chars), hidden_size=16, num_hidden_layers=1,
                                                   num_attention_heads=2, intermediate_size=32, num_labels=3))
    source.save_pretrained(tmp_path)
    cfg = load_config(ann.REPO_ROOT / "configs" / "smoke.yaml", [f"model.init_from={tmp_path}"])
    tokenizer = build_tokenizer()
    model = new_model(cfg.model, tokenizer)
    emb = model.get_input_embeddings().weight
    assert emb.shape[0] == len(tokenizer)
    assert torch.equal(emb[tokenizer.convert_tokens_to_ids("公")], source.get_input_embeddings().weight[5])
    assert model.config.num_labels == len(model.config.id2label) == 481


def test_shipped_model_loads_predicts_and_round_trips(corpus, tmp_path):
    from gktagger.tagging.tagger import DEFAULT_MODEL_DIR

    assert (DEFAULT_MODEL_DIR / "model.safetensors").stat().st_size < 40 * 2**20
    meta = json.loads((DEFAULT_MODEL_DIR / "gktagger.json").read_text())
    assert set(meta["config"]["data"]["dev_documents"]).isdisjoint(meta["train_documents"])
    tagger = Tagger.from_pretrained()
    text = normalise(read_path(corpus / "reports/pingtan_zhq_2023.txt").text).text
    pred = tagger.predict(text)
    assert len(pred.tags) == len(text) and pred.spans(), "the shipped model tags nothing"
    tagger.model.save_pretrained(tmp_path)
    tagger.tokenizer.save_pretrained(tmp_path)
    again = Tagger.from_pretrained(tmp_path).predict(text)
    assert (again.tags == pred.tags).all()


def test_leave_one_source_out_holds_the_family_out_and_rescores_the_same(corpus, tmp_path):
    """A fold never trains on its held-out family, and its training-time scores are the ones the
    evaluation pipeline gives (``--rescore``)."""
    from gktagger.training.loso import main as loso

    smoke = str(ann.REPO_ROOT / "configs" / "smoke.yaml")
    assert loso(["--config", smoke, "--families", "html", "--out", str(tmp_path)]) == 0
    meta = json.loads((tmp_path / "html" / "gktagger.json").read_text())
    held = sorted(meta["config"]["data"]["dev_documents"])
    assert held == ["reports/pingtan_zhq_2024_table.html", "reports/shanghai_bgt_2019.html"]
    assert not set(held) & set(meta["train_documents"])
    trained = (tmp_path / "loso.md").read_text()
    assert "| html (reports/*.html) | 2 |" in trained
    assert loso(["--config", smoke, "--families", "html", "--out", str(tmp_path), "--rescore"]) == 0
    assert (tmp_path / "loso.md").read_text() == trained
