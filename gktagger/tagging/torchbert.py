"""The tagger's BERT forward pass for inference on PyTorch, read from the model folder without transformers.

The same operations, in the same order, as ``transformers.BertForTokenClassification`` in eval mode
with SDPA attention, on the same ``model.safetensors``: the logits are equal to the last bit, in
fp32 and under bf16 autocast (``tests/test_runtime.py``). The tagger's bf16 path computes attention
its own, faster way (``bf16_attention``: close to, not equal to, SDPA's; the field scores are measured
in bench/RESULTS.md). What it saves: ``import transformers``
(~1.6 s of every worker's start-up); ~1 ms of Python per forward pass, during which a thread holds
the GIL that the decoding thread beside it needs; and the attention mask expanded to every query,
which SDPA turns into floats in every layer (~20% of a bf16 pass; broadcast here, same logits).
Training, export and every other use load the model through transformers.

>>> from gktagger.config import DEFAULT_MODEL_DIR
>>> ids = torch.tensor([[2, 100, 200, 3]]); mask = torch.ones_like(ids)
>>> model = TorchBert.load(DEFAULT_MODEL_DIR)
>>> tuple(model(ids, mask).shape) == (1, 4, model.num_labels)
True
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
import torch.nn.functional as F


class UnsupportedConfig(ValueError):
    """A model folder this forward pass does not cover (the caller loads it through transformers)."""


class TorchBert:
    """Callable like ``BertForTokenClassification(...).logits``: (input_ids, attention_mask) -> logits."""
    def __init__(self, config: dict, weights: dict[str, torch.Tensor], bf16_attention: bool = False):
        if (config.get("model_type") != "bert" or config.get("hidden_act") != "gelu"
                or config.get("position_embedding_type", "absolute") != "absolute" or config.get("is_decoder")):
            raise UnsupportedConfig("not an encoder-only BERT with GELU and absolute positions")
        self.heads, self.layers = config["num_attention_heads"], config["num_hidden_layers"]
        self.eps, self.hidden = config["layer_norm_eps"], config["hidden_size"]
        self.w = {k.removeprefix("bert."): v for k, v in weights.items()}
        missing = [name for name in self._names() if name not in self.w]
        if missing:
            raise UnsupportedConfig(f"weights without {missing[0]}")
        self.num_labels = self.w["classifier.weight"].shape[0]
        self.bf16_attention = bf16_attention

    def _names(self) -> list[str]:
        layer = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                 "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"]
        return ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias",
                "classifier.weight", "classifier.bias"] + [
            f"encoder.layer.{i}.{name}.{part}" for i in range(self.layers) for name in layer for part in ("weight", "bias")]

    @classmethod
    def load(cls, folder, bf16_attention: bool = False) -> "TorchBert":
        from safetensors.torch import load_file

        folder = Path(folder)
        return cls(json.loads((folder / "config.json").read_text(encoding="utf-8")),
                   load_file(folder / "model.safetensors"), bf16_attention)

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.layer_norm(x, (self.hidden,), self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def _attention(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor,
                   padded: bool) -> torch.Tensor:
        """SDPA, as transformers; or (``bf16_attention``, under bf16 autocast) one window at a time in
        plain bf16 matrix products and softmax. Where the CPU has AVX512-BF16 but no AMX, SDPA's bf16
        kernel is no faster than fp32 (14 ms for 8 windows x 2 heads x 512 x 64), while a window's 1 MB
        score matrix stays in cache: 47 instead of 61 ms for a batch of 8 windows (AMD EPYC, 1 thread)."""
        if not self.bf16_attention:
            return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        q = q * (q.shape[-1] ** -0.5)
        out = torch.empty_like(q)
        for r in range(q.shape[0]):
            scores = torch.matmul(q[r], k[r].transpose(-1, -2))
            if padded:
                scores.masked_fill_(~mask[r], float("-inf"))
            torch.matmul(torch.softmax(scores, -1), v[r], out=out[r])
        return out

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        w, (batch, length) = self.w, input_ids.shape
        x = F.embedding(input_ids, w["embeddings.word_embeddings.weight"]) + w["embeddings.token_type_embeddings.weight"][0]
        x = self._norm(x + w["embeddings.position_embeddings.weight"][:length], "embeddings.LayerNorm")
        # broadcast over the queries, not expanded to (batch, 1, length, length) as transformers does
        mask = attention_mask[:, None, None, :].bool()
        padded = not bool(mask.all())
        split = (batch, length, self.heads, self.hidden // self.heads)
        for i in range(self.layers):
            layer = f"encoder.layer.{i}."
            q, k, v = (self._linear(x, layer + "attention.self." + n).view(split).transpose(1, 2)
                       for n in ("query", "key", "value"))
            context = self._attention(q, k, v, mask, padded).transpose(1, 2).reshape(batch, length, -1)
            x = self._norm(self._linear(context, layer + "attention.output.dense") + x, layer + "attention.output.LayerNorm")
            inner = F.gelu(self._linear(x, layer + "intermediate.dense"))
            x = self._norm(self._linear(inner, layer + "output.dense") + x, layer + "output.LayerNorm")
        return self._linear(x, "classifier")
