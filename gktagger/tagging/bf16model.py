"""The tagger's model at bfloat16 on PyTorch: an exported program, loaded without transformers.

``model.bf16.pt2`` beside the weights is the model under ``torch.autocast("cpu", bfloat16)`` (matrix
products in bfloat16, softmax, GELU and layer norms in fp32) exported with ``torch.export``
(``python -m gktagger.tagging.bf16model DIR``; ``training.train`` writes it, the shipped model has one).
Like ``model.onnx`` it names the weights it came from; a stale or missing one is exported in memory.
Loading it costs ~0.4 s and no ``import transformers`` (~1.6 s), which every worker would pay.

>>> from gktagger.config import DEFAULT_MODEL_DIR
>>> ids = torch.tensor([[2, 100, 200, 3]]); mask = torch.ones_like(ids)
>>> logits = Bf16Model.load(DEFAULT_MODEL_DIR)(ids, mask)
>>> logits.dtype, tuple(logits.shape[:2])
(torch.float32, (1, 4))
"""
from __future__ import annotations

import io
import json
import sys
import warnings
from pathlib import Path

import torch

from gktagger.tagging.onnxmodel import weights_digest

PT2_FILE = "model.bf16.pt2"


class _Bf16Logits(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).logits.float()


def export(model_dir: Path, target=None) -> bytes:
    """The model of ``model_dir`` at bf16 as ``torch.export`` bytes (batch and length dynamic); also
    written to ``target``."""
    from transformers import BertForTokenClassification

    model = BertForTokenClassification.from_pretrained(model_dir).eval()
    ids = torch.full((2, 16), 5, dtype=torch.long)
    batch = torch.export.Dim("batch")
    length = torch.export.Dim("length", min=2, max=model.config.max_position_embeddings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.export.export(_Bf16Logits(model), (ids, torch.ones_like(ids)),
                                      dynamic_shapes=({0: batch, 1: length}, {0: batch, 1: length}))
    buffer = io.BytesIO()
    torch.export.save(program, buffer)
    data = buffer.getvalue()
    if target is not None:
        Path(target).write_bytes(data)
        Path(str(target) + ".json").write_text(json.dumps({"weights_sha256": weights_digest(model_dir)}) + "\n")
    return data


class Bf16Model:
    """Callable like the PyTorch model's forward, returning fp32 logits."""
    def __init__(self, data: bytes):
        self.module = torch.export.load(io.BytesIO(data)).module()

    @classmethod
    def load(cls, model_dir) -> "Bf16Model":
        model_dir = Path(model_dir)
        path, meta = model_dir / PT2_FILE, model_dir / (PT2_FILE + ".json")
        fresh = path.exists() and meta.exists() and \
            json.loads(meta.read_text())["weights_sha256"] == weights_digest(model_dir)
        return cls(path.read_bytes() if fresh else export(model_dir))

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.module(input_ids, attention_mask)


if __name__ == "__main__":
    from gktagger.config import DEFAULT_MODEL_DIR

    directory = Path(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_MODEL_DIR)
    export(directory, directory / PT2_FILE)
    print(f"wrote {directory / PT2_FILE}")
