"""Which runtime runs the model (gktagger/tagging/runtime.py), and what the bf16 path must keep."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gktagger.extract import Extractor
from gktagger.io.reading import read_path
from gktagger.tagging import runtime as rt
from gktagger.tagging.runtime import Runtime, native_bf16, resolve
from gktagger.tagging.tagger import Tagger

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SAPPHIRE = "flags\t\t: fpu sse2 avx2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8\n"
SKYLAKE = "flags\t\t: fpu sse2 avx2 avx512f avx512bw\n"


@pytest.fixture(autouse=True)
def no_runtime_environment(monkeypatch):
    for name in ("GKTAGGER_BACKEND", "GKTAGGER_PRECISION", "GKTAGGER_INT8"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("cpuinfo, expected", [(SAPPHIRE, True), (SKYLAKE, False), (None, False)])
def test_native_bf16_is_read_from_the_cpu_flags(tmp_path, cpuinfo, expected):
    path = tmp_path / "cpuinfo"
    if cpuinfo is not None:
        path.write_text("processor\t: 0\n" + cpuinfo, encoding="ascii")
    assert native_bf16.__wrapped__(str(path)) is expected


@pytest.mark.parametrize("native, backend, precision, expected", [
    (True, None, None, Runtime("torch", "bf16")),
    (False, None, None, Runtime("onnx", "fp32")),
    (True, "onnx", None, Runtime("onnx", "fp32")),  # auto precision on ONNX Runtime: fp32
    (False, "torch", None, Runtime("torch", "fp32")),
    (False, None, "bf16", Runtime("torch", "bf16")),  # asked for: runs, emulated, with the same arithmetic
    (True, None, "int8", Runtime("onnx", "int8")),
    (True, "torch", "fp32", Runtime("torch", "fp32")),
])
def test_auto_takes_bf16_only_where_the_cpu_has_it(monkeypatch, native, backend, precision, expected):
    monkeypatch.setattr(rt, "native_bf16", lambda: native)
    assert resolve(backend, precision) == expected


def test_the_environment_pins_what_a_worker_runs(monkeypatch):
    monkeypatch.setattr(rt, "native_bf16", lambda: True)
    Runtime("onnx", "fp32").export()
    assert resolve() == Runtime("onnx", "fp32")
    monkeypatch.delenv("GKTAGGER_PRECISION")
    monkeypatch.delenv("GKTAGGER_BACKEND")
    monkeypatch.setenv("GKTAGGER_INT8", "1")
    assert resolve() == Runtime("onnx", "int8")


@pytest.mark.parametrize("backend, precision, message", [
    ("onnx", "bf16", "bf16 runs on the torch backend"),
    ("tensorrt", None, "backend must be one of"),
    (None, "fp8", "precision must be one of"),
])
def test_an_impossible_runtime_is_refused(backend, precision, message):
    with pytest.raises(ValueError, match=message):
        resolve(backend, precision)


def test_bf16_on_onnx_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "a.txt").write_text("主动公开政府信息12条。\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gktagger.cli", "extract", str(tmp_path / "a.txt"), "-o",
                           str(tmp_path / "o.jsonl"), "--backend", "onnx", "--precision", "bf16"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "gktagger: error: bf16 runs on the torch backend: use --backend torch (or auto), or --precision fp32"]


def test_bf16_probabilities_do_not_depend_on_the_batch_a_text_is_in():
    # bf16 kernels block their sums by sequence length: without padding every window to the model's
    # width, a text's scores (and values) changed with the texts it was batched with
    tagger = Tagger.from_pretrained(precision="bf16")
    text = read_path(EXAMPLES / "district_2019_flattened.txt").text
    alone = tagger.predict(text[:300])
    with_others = tagger.predict_many([text[:300], text[1000:1600], "主动公开12条\n"])[0]
    assert np.array_equal(alone.probs, with_others.probs) and np.array_equal(alone.logp, with_others.logp)


def test_bf16_reads_the_examples_as_fp32_does():
    docs = [read_path(p) for p in sorted(EXAMPLES.iterdir()) if p.suffix in (".txt", ".md", ".html")]
    fp32 = Extractor(tagger=Tagger.from_pretrained(precision="fp32")).extract(docs)
    bf16 = Extractor(tagger=Tagger.from_pretrained(precision="bf16")).extract(docs)
    values = [(r["id"], k, f["value"], f["start"]) for r in fp32 for k, f in r["fields"].items()]
    assert len(values) > 200
    assert values == [(r["id"], k, f["value"], f["start"]) for r in bf16 for k, f in r["fields"].items()]
    assert [r["checks"] for r in fp32] == [r["checks"] for r in bf16]


def test_workers_run_the_runtime_of_the_run_not_of_their_environment(monkeypatch):
    from gktagger.run.pool import ordered_results

    docs = [read_path(EXAMPLES / "county_2021_cells_per_line.txt")]
    monkeypatch.setenv("GKTAGGER_PRECISION", "bf16")  # what the fork server may have started with
    [(_, [record])] = list(ordered_results([docs], None, 1, runtime=Runtime("onnx", "fp32")))
    [expected] = Extractor(tagger=Tagger.from_pretrained(backend="onnx", precision="fp32")).extract(docs)
    scores = lambda r: {k: f["score"] for k, f in r["fields"].items()}  # noqa: E731
    assert scores(record) == scores(expected)


@pytest.mark.parametrize("bf16", [False, True])
def test_torchbert_computes_the_logits_of_transformers_to_the_last_bit(bf16):
    import torch
    from transformers import BertForTokenClassification

    from gktagger.config import DEFAULT_MODEL_DIR
    from gktagger.tagging.torchbert import TorchBert

    reference = BertForTokenClassification.from_pretrained(DEFAULT_MODEL_DIR).eval()
    ours = TorchBert.load(DEFAULT_MODEL_DIR)
    ids = torch.randint(5, 7000, (4, 96), generator=torch.Generator().manual_seed(3))
    mask = torch.ones_like(ids)
    mask[1, 40:], mask[3, 7:] = 0, 0  # padded windows, as the tagger batches them
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        expected = reference(input_ids=ids, attention_mask=mask).logits
        assert torch.equal(ours(ids, mask), expected)


def test_bf16_attention_stays_close_to_fp32_and_ignores_padding():
    import torch

    from gktagger.config import DEFAULT_MODEL_DIR
    from gktagger.tagging.torchbert import TorchBert

    fp32, bf16 = TorchBert.load(DEFAULT_MODEL_DIR), TorchBert.load(DEFAULT_MODEL_DIR, bf16_attention=True)
    ids = torch.randint(5, 7000, (3, 512), generator=torch.Generator().manual_seed(5))
    mask = torch.ones_like(ids)
    mask[1, 300:] = 0
    with torch.inference_mode():
        expected = fp32(ids, mask)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            got = bf16(ids, mask).float()
            alone = bf16(ids[1:2, :300], mask[1:2, :300]).float()
    assert (got - expected).abs().max() < 0.5
    assert (got.argmax(-1) == expected.argmax(-1)).float().mean() > 0.995
    # padding changes nothing but the rounding of sums: a key past the mask gets no weight at all
    assert (got[1, :300] - alone[0]).abs().max() < 0.1
    garbage = ids.clone()
    garbage[1, 300:] = 7
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
        assert torch.equal(bf16(garbage, mask)[1, :300], got[1, :300].to(torch.bfloat16))


def test_a_config_torchbert_does_not_cover_is_refused_for_transformers_to_load():
    from gktagger.tagging.torchbert import TorchBert, UnsupportedConfig

    config = {"model_type": "bert", "hidden_act": "gelu", "num_attention_heads": 2, "num_hidden_layers": 2,
              "layer_norm_eps": 1e-12, "hidden_size": 128}
    with pytest.raises(UnsupportedConfig, match="not an encoder-only BERT"):
        TorchBert({**config, "hidden_act": "relu"}, {})
    with pytest.raises(UnsupportedConfig, match="weights without embeddings.word_embeddings.weight"):
        TorchBert(config, {})


def test_a_torch_tagger_still_gives_its_transformers_model_for_saving():
    tagger = Tagger.from_pretrained(backend="torch", precision="fp32")
    assert type(tagger.model).__name__ == "BertForTokenClassification"
    assert tagger.runtime == Runtime("torch", "fp32")
