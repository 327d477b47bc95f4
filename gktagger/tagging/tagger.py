"""The tagger: a character-level ``BertForTokenClassification`` over the normalised text.

>>> tagger = Tagger.from_pretrained()            # the model shipped in the package
>>> text = "三、收到和处理政府信息公开申请情况"
>>> pred = tagger.predict(text)
>>> len(pred.tags) == len(text), all(0 <= s.start < s.end <= len(text) for s in pred.spans())
(True, True)
"""
from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gktagger.config import DEFAULT_MODEL_DIR, WindowConfig
from gktagger.errors import ModelError
from gktagger.lexicon import NUMBER
from gktagger.io.limits import MAX_DIGIT_RUN, MAX_VALUE_CHARS
from gktagger.tagging.tags import LABELS, TagSpan, tags_to_spans
from gktagger.tagging.windows import make_windows, owner_windows

BACKENDS = ("onnx", "torch")
DEFAULT_BACKEND = "onnx"
_BEGIN_IDS = [i for i, l in enumerate(LABELS) if l.startswith("B-")]

if TYPE_CHECKING:  # torch and transformers load when a model does: `gktagger --help`, validate… never pay for them
    from transformers import BertForTokenClassification


def value_mask(text: str) -> np.ndarray:
    """Which characters belong to a value the decoder may re-tag (the tagger keeps their full distributions)."""
    mask = np.zeros(len(text), dtype=bool)
    budget = MAX_VALUE_CHARS
    for m in NUMBER.finditer(text):
        # the decoder costs ~7 KB per character of a value: runs longer than any cell, and values past
        # the budget (hostile pages), are left to the model's own tags (bounds.py reports the long runs)
        if m.end() - m.start() <= MAX_DIGIT_RUN:
            budget -= m.end() - m.start()
            if budget < 0:
                break
            mask[m.start():m.end()] = True
    return mask


@dataclass
class Prediction:
    """Per-character predictions over one text."""
    tags: np.ndarray  # label id per character
    probs: np.ndarray  # probability of that label
    begin: np.ndarray  # probability that a span starts at the character (sum over B- labels)
    positions: np.ndarray | None = None  # characters of the values in the text (decode.value_mask)
    logp: np.ndarray | None = None  # the full log-probability row of each of those characters

    def spans(self) -> list[TagSpan]:
        return self.spans_of(self.tags)

    def spans_of(self, tags: np.ndarray) -> list[TagSpan]:
        """Spans of ``tags`` (the model's, or an edited copy) scored by the model's probabilities."""
        return tags_to_spans(tags.tolist(), self.probs.tolist())


def quantized(model: BertForTokenClassification) -> BertForTokenClassification:
    """The model with int8 weights in its linear layers (activations quantised on the fly)."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization announces its move to torchao
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


class Tagger:
    def __init__(self, model: BertForTokenClassification, tokenizer, windows: WindowConfig = WindowConfig(),
                 runner=None):
        self.model = model.eval()
        # what computes the logits: the model itself, or the same model on another runtime (onnxmodel.py)
        self.runner = runner or (lambda input_ids, attention_mask:
                                 self.model(input_ids=input_ids, attention_mask=attention_mask).logits)
        self.tokenizer = tokenizer
        self.batch_size = windows.batch_size
        self.window = min(windows.size, model.config.max_position_embeddings - 2)
        self.stride = min(windows.stride, self.window)
        self.align_lines = windows.align_lines
        if [model.config.id2label.get(i) for i in range(len(LABELS))] != LABELS:
            raise ModelError("the model's label set differs from gktagger.schema: retrain it with "
                             "`python -m training.train`")

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike | None = None, backend: str | None = None,
                        quantize: bool | None = None, **kwargs) -> "Tagger":
        """Load a model directory written by ``training.train`` (default: the shipped model).

        ``backend``: ``"onnx"`` (ONNX Runtime, gktagger/tagging/onnxmodel.py) or ``"torch"``; default
        ``$GKTAGGER_BACKEND``, else onnx. ``quantize``: int8 dynamic quantisation of the linear
        layers (default ``$GKTAGGER_INT8``; opt-in, see bench/RESULTS.md for what it gains)."""
        path = Path(path) if path else DEFAULT_MODEL_DIR
        if not (path / "config.json").exists():
            raise ModelError(f"no gktagger model in {path}: pass --model DIR or train one with "
                                    "`python -m training.train --config configs/default.yaml`")
        backend = backend or os.environ.get("GKTAGGER_BACKEND") or DEFAULT_BACKEND
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
        if quantize is None:
            quantize = os.environ.get("GKTAGGER_INT8", "") not in ("", "0")
        from transformers import AutoTokenizer, BertForTokenClassification

        model = BertForTokenClassification.from_pretrained(path)
        runner = None
        if backend == "onnx":
            from gktagger.tagging.onnxmodel import OnnxModel

            runner = OnnxModel.load(path, int8=quantize)
        elif quantize:
            model = quantized(model)
        tokenizer = AutoTokenizer.from_pretrained(path)
        return cls(model, tokenizer, runner=runner, **kwargs)

    @property
    def name(self) -> str:
        meta = Path(self.model.config.name_or_path) / "gktagger.json"
        if meta.exists():
            return json.loads(meta.read_text(encoding="utf-8")).get("model_version", "gktagger")
        return "gktagger"

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        """Predict several texts, batching their windows together."""
        import torch

        with torch.inference_mode():
            return self._predict_many(texts)

    def _predict_many(self, texts: list[str]) -> list[Prediction]:
        import torch

        lengths = [len(text) for text in texts]
        # bodies end in a line break in training; one that lacks it (an HTML <pre> page, a JSONL text)
        # gets it here, so the last window, and what the model sees in it, is the same either way
        texts = [text if text.endswith("\n") else text + "\n" for text in texts]
        jobs = []  # (text index, window start, window end)
        windows_of = []
        for t, text in enumerate(texts):
            windows = make_windows(len(text), self.window, self.stride, text=text if self.align_lines else None)
            windows_of.append(windows)
            jobs += [(t, s, e) for s, e in windows]
        ids_of = [self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"] for text in texts]
        # per window only (tag, prob, begin) per character is kept, and the full label distribution
        # only for characters of numbers (what constrained decoding needs): 481 floats for every
        # character would be far too much for a huge page
        numeric = [value_mask(text) for text in texts]
        results: dict[tuple[int, int], tuple] = {}
        jobs.sort(key=lambda j: j[2] - j[1])  # similar lengths together: less padding
        for b in range(0, len(jobs), self.batch_size):
            batch = jobs[b:b + self.batch_size]
            width = max(e - s for _, s, e in batch) + 2
            input_ids = torch.full((len(batch), width), self.tokenizer.pad_token_id, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, (t, s, e) in enumerate(batch):
                ids = [self.tokenizer.cls_token_id] + ids_of[t][s:e] + [self.tokenizer.sep_token_id]
                input_ids[row, :len(ids)] = torch.tensor(ids)
                mask[row, :len(ids)] = 1
            logp = torch.log_softmax(self.runner(input_ids, mask).float(), -1)
            probs = logp.exp()
            top_p, top_i = probs.max(-1)
            begin = probs[..., _BEGIN_IDS].sum(-1)
            for row, (t, s, e) in enumerate(batch):
                n = e - s
                where = np.nonzero(numeric[t][s:e])[0]
                results[(t, s)] = (top_i[row, 1:1 + n].numpy(), top_p[row, 1:1 + n].numpy(),
                                   begin[row, 1:1 + n].numpy(), where, logp[row, 1 + where].numpy())
        out = []
        for t, text in enumerate(texts):
            n = len(text)
            windows = windows_of[t]
            owner = np.array(owner_windows(n, windows), dtype=np.int64)
            tags, probs, begin = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32)
            positions = np.nonzero(numeric[t])[0]
            logp = np.zeros((len(positions), len(LABELS)), dtype=np.float32)
            for w, (s, e) in enumerate(windows):
                mine = np.nonzero(owner[s:e] == w)[0]
                wt, wp, wb, where, wl = results[(t, s)]
                tags[s + mine], probs[s + mine], begin[s + mine] = wt[mine], wp[mine], wb[mine]
                owned = owner[s + where] == w
                logp[np.searchsorted(positions, s + where[owned])] = wl[owned]
            n = lengths[t]
            out.append(Prediction(tags[:n], probs[:n], begin[:n], positions, logp))
        return out
