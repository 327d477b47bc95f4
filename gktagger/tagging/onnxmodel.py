"""The tagger's model on ONNX Runtime: the same logits as PyTorch, in less CPU time.

``model.onnx`` beside the weights is exported from them (``python -m gktagger.tagging.onnxmodel DIR``; the
shipped model has one) and names the weights it came from in ``model.onnx.json``; a model directory
without one, or with one exported from other weights (a retrained model), is exported in memory when
it is loaded. ``int8=True`` quantises the linear layers' weights to int8 (dynamic quantisation).

>>> from gktagger.tagging.tagger import DEFAULT_MODEL_DIR
>>> import torch
>>> from transformers import BertForTokenClassification
>>> ids = torch.tensor([[2, 100, 200, 3]]); mask = torch.ones_like(ids)
>>> reference = BertForTokenClassification.from_pretrained(DEFAULT_MODEL_DIR).eval()(input_ids=ids, attention_mask=mask).logits
>>> bool(torch.allclose(OnnxModel.load(DEFAULT_MODEL_DIR)(ids, mask), reference, atol=1e-4))
True
"""
from __future__ import annotations

import hashlib
import io
import json
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch

ONNX_FILE = "model.onnx"
OPSET = 17


def weights_digest(model_dir: Path) -> str:
    return hashlib.sha256((Path(model_dir) / "model.safetensors").read_bytes()).hexdigest()


class _Logits(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


def export(model_dir: Path, target=None) -> bytes:
    """The model of ``model_dir`` as ONNX bytes (batch and length dynamic); also written to ``target``."""
    from transformers import BertForTokenClassification

    model = BertForTokenClassification.from_pretrained(model_dir).eval()
    ids = torch.full((2, 16), 5, dtype=torch.long)
    buffer = io.BytesIO()
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # the TorchScript exporter's notes about traced branches
        torch.onnx.export(_Logits(model), (ids, torch.ones_like(ids)), buffer, dynamo=False, opset_version=OPSET,
                          input_names=["input_ids", "attention_mask"], output_names=["logits"],
                          dynamic_axes={name: {0: "batch", 1: "length"}
                                        for name in ("input_ids", "attention_mask", "logits")})
    data = buffer.getvalue()
    if target is not None:
        Path(target).write_bytes(data)
        Path(str(target) + ".json").write_text(json.dumps({"weights_sha256": weights_digest(model_dir)}) + "\n")
    return data


def _quantised(data: bytes) -> bytes:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        src.write_bytes(data)
        quantize_dynamic(src, dst, weight_type=QuantType.QInt8)
        return dst.read_bytes()


class OnnxModel:
    """Callable like the PyTorch model's forward, returning the logits as a torch tensor."""
    def __init__(self, data: bytes, threads: int | None = None):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])

    @classmethod
    def load(cls, model_dir, int8: bool = False, threads: int | None = None) -> "OnnxModel":
        model_dir = Path(model_dir)
        path, meta = model_dir / ONNX_FILE, model_dir / (ONNX_FILE + ".json")
        fresh = path.exists() and meta.exists() and \
            json.loads(meta.read_text())["weights_sha256"] == weights_digest(model_dir)
        data = path.read_bytes() if fresh else export(model_dir)
        return cls(_quantised(data) if int8 else data, threads=threads)

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        logits, = self.session.run(None, {"input_ids": input_ids.numpy(),
                                          "attention_mask": attention_mask.numpy()})
        return torch.from_numpy(np.asarray(logits))


if __name__ == "__main__":
    from gktagger.config import DEFAULT_MODEL_DIR

    directory = Path(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_MODEL_DIR)
    export(directory, directory / ONNX_FILE)
    print(f"wrote {directory / ONNX_FILE}")
