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
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import numpy as np

from gktagger.config import DEFAULT_MODEL_DIR, WindowConfig
from gktagger.errors import ModelError
from gktagger.io.limits import DEFAULT_LIMITS, Limits
from gktagger.lexicon import NUMBER
from gktagger.tagging.encoder import Encoder
from gktagger.tagging.runtime import Runtime, resolve
from gktagger.tagging.tags import LABELS, TagSpan, tags_to_spans
from gktagger.tagging.windows import make_windows, owner_array

_BEGIN_IDS = [i for i, l in enumerate(LABELS) if l.startswith("B-")]

if TYPE_CHECKING:  # torch and transformers load when a model does: `gktagger --help`, validate… never pay for them
    from transformers import BertForTokenClassification


@lru_cache(maxsize=1)
def _begin_vector():
    """1.0 at the B- labels: the begin probability of a position is its distribution times this."""
    import torch

    vector = torch.zeros(len(LABELS))
    vector[_BEGIN_IDS] = 1.0
    return vector


def value_mask(text: str, limits: Limits = DEFAULT_LIMITS) -> np.ndarray:
    """Which characters belong to a value the decoder may re-tag (the tagger keeps their full distributions):
    those of values of at most ``limits.max_digit_run`` digits (counted as the value parser and the
    ``digits.overlong`` check count them), up to ``limits.max_value_chars`` characters in all.

    >>> text = "共1234567890件，又12件"
    >>> int(value_mask(text).sum()), int(value_mask(text, Limits(max_digit_run=8)).sum())
    (12, 2)
    >>> int(value_mask(text, Limits(max_value_chars=11)).sum())
    10
    >>> int(value_mask("共1,234,567,890件", Limits(max_digit_run=10)).sum())  # ten digits: within the bound
    13
    """
    mask = np.zeros(len(text), dtype=bool)
    budget = limits.max_value_chars
    for m in NUMBER.finditer(text):
        # the decoder costs ~7 KB per character of a value: runs longer than any cell, and values past
        # the budget (hostile pages), are left to the model's own tags (bounds.py reports the long runs)
        if sum(c.isdigit() for c in m.group()) <= limits.max_digit_run:
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


class _FolderConfig:
    """What the tagger reads of a model's ``config.json``, without loading transformers."""
    def __init__(self, folder: Path):
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.max_position_embeddings = config["max_position_embeddings"]
        self.id2label = {int(k): v for k, v in config["id2label"].items()}


def _torch_runner(path: Path, precision: str) -> Callable:
    """The logits on PyTorch: ``torchbert.py`` (the same operations as transformers, without importing
    it) at fp32 or under bf16 autocast (matrix products and attention in bfloat16, layer norms in fp32,
    logits returned as fp32); int8, or a config torchbert does not cover, through transformers."""
    import torch

    from gktagger.tagging.torchbert import TorchBert, UnsupportedConfig

    try:
        model = None if precision == "int8" else TorchBert.load(path, bf16_attention=precision == "bf16")
    except UnsupportedConfig:
        model = None
    if model is None:
        from transformers import BertForTokenClassification

        hf = BertForTokenClassification.from_pretrained(path).eval()
        hf = quantized(hf) if precision == "int8" else hf
        model = lambda input_ids, attention_mask: hf(input_ids=input_ids, attention_mask=attention_mask).logits  # noqa: E731
    if precision != "bf16":
        return model

    def run(input_ids, attention_mask):
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return model(input_ids, attention_mask).float()
    return run


def quantized(model: BertForTokenClassification) -> BertForTokenClassification:
    """The model with int8 weights in its linear layers (activations quantised on the fly)."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization announces its move to torchao
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


class Tagger:
    """The model and its tokenizer, windowing texts and stitching the windows' predictions together.

    ``model`` (a ``BertForTokenClassification``) may be left out when ``runner`` computes the logits
    (ONNX Runtime): the model folder ``folder`` then gives the labels and the tokenizer, and
    ``.model``/``.tokenizer`` load the PyTorch objects only if asked for (saving them, training)."""
    def __init__(self, model: BertForTokenClassification | None = None, tokenizer=None,
                 windows: WindowConfig = WindowConfig(), runner=None, folder: str | os.PathLike | None = None):
        if model is None and (runner is None or folder is None):
            raise ValueError("Tagger needs a model, or a runner and the model folder it came from")
        self._model = model.eval() if model is not None else None
        self._tokenizer = tokenizer
        self.folder = Path(folder) if folder is not None else Path(model.config.name_or_path)
        # what computes the logits: the model itself, or the same model on another runtime (onnxmodel.py)
        self.runner = runner or (lambda input_ids, attention_mask:
                                 self.model(input_ids=input_ids, attention_mask=attention_mask).logits)
        config = model.config if model is not None else _FolderConfig(self.folder)
        self._encoder = Encoder.of(tokenizer) if tokenizer is not None else Encoder.from_folder(self.folder)
        self.batch_size = windows.batch_size
        self.parallel_batches = 1  # forward passes at once (_outputs); a worker sets it to its cores
        self.window = min(windows.size, config.max_position_embeddings - 2)
        self.stride = min(windows.stride, self.window)
        self.align_lines = windows.align_lines
        self.slack = windows.slack
        self.runtime = Runtime("onnx" if runner is not None else "torch", "fp32")  # from_pretrained says which
        self.full_width = False  # pad every window to the model's width (bf16: see _run_batch)
        if [config.id2label.get(i) for i in range(len(LABELS))] != LABELS:
            raise ModelError("the model's label set differs from gktagger.schema: retrain it with "
                             "`python -m training.train`")

    @property
    def model(self) -> BertForTokenClassification:
        if self._model is None:
            from transformers import BertForTokenClassification

            self._model = BertForTokenClassification.from_pretrained(self.folder).eval()
        return self._model

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(self.folder)
        return self._tokenizer

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike | None = None, backend: str | None = None,
                        quantize: bool | None = None, precision: str | None = None, **kwargs) -> "Tagger":
        """Load a model directory written by ``training.train`` (default: the shipped model).

        ``backend`` (``"onnx"``, ``"torch"``) and ``precision`` (``"fp32"``, ``"bf16"``, ``"int8"``):
        default ``auto``, what :func:`gktagger.tagging.runtime.resolve` picks for this CPU and the
        ``GKTAGGER_*`` environment; ``quantize=True`` is ``precision="int8"``. Neither backend imports
        transformers at fp32 or bf16 (start-up of a worker); ``.model`` loads it when asked for."""
        path = Path(path) if path else DEFAULT_MODEL_DIR
        if not (path / "config.json").exists():
            raise ModelError(f"no gktagger model in {path}: pass --model DIR or train one with "
                                    "`python -m training.train --config configs/default.yaml`")
        runtime = resolve(backend, "int8" if quantize else precision)
        if runtime.backend == "onnx":
            from gktagger.tagging.onnxmodel import OnnxModel

            tagger = cls(runner=OnnxModel.load(path, int8=runtime.precision == "int8"), folder=path, **kwargs)
        else:
            tagger = cls(runner=_torch_runner(path, runtime.precision), folder=path, **kwargs)
            tagger.full_width = runtime.precision == "bf16"
        tagger.runtime = runtime
        return tagger

    def _hf_encoder(self) -> "Encoder":
        self._encoder = Encoder.of(self.tokenizer)  # a folder without tokenizer.json (an older tokenizer)
        return self._encoder

    @property
    def name(self) -> str:
        meta = self.folder / "gktagger.json"
        if meta.exists():
            return json.loads(meta.read_text(encoding="utf-8")).get("model_version", "gktagger")
        return "gktagger"

    def predict(self, text: str, limits: Limits = DEFAULT_LIMITS) -> Prediction:
        return self.predict_many([text], limits)[0]

    def predict_many(self, texts: list[str], limits: Limits = DEFAULT_LIMITS) -> list[Prediction]:
        """Predict several texts, batching their windows together. Label distributions are kept for the
        values :func:`value_mask` picks within ``limits`` (the pipeline config's)."""
        return list(self.iter_predictions(texts, limits))

    def iter_predictions(self, texts: list[str], limits: Limits = DEFAULT_LIMITS) -> Iterator[Prediction]:
        """The predictions of ``texts`` in order, each as soon as its last window is through the model, so
        that a caller can decode one text while the model runs on the next (``extract.py``). The batches
        are those of :meth:`predict_many`, so the probabilities are the same to the last bit.

        >>> tagger = Tagger.from_pretrained()
        >>> [len(p.tags) for p in tagger.iter_predictions(["一、总体情况\\n", "主动公开12条"])]
        [7, 7]
        """
        lengths = [len(text) for text in texts]
        # bodies end in a line break in training; one that lacks it (an HTML <pre> page, a JSONL text)
        # gets it here, so the last window, and what the model sees in it, is the same either way
        texts = [text if text.endswith("\n") else text + "\n" for text in texts]
        jobs = []  # (text index, window start, window end)
        windows_of = []
        for t, text in enumerate(texts):
            windows = make_windows(len(text), self.window, self.stride, text=text if self.align_lines else None,
                                   slack=self.slack)
            windows_of.append(windows)
            jobs += [(t, s, e) for s, e in windows]
        encoder = self._encoder or self._hf_encoder()
        ids_of = [encoder.ids(text) for text in texts]
        # per window only (tag, prob, begin) per character is kept, and the full label distribution
        # only for characters of numbers (what constrained decoding needs): 481 floats for every
        # character would be far too much for a huge page
        numeric = [value_mask(text, limits) for text in texts]
        results: dict[tuple[int, int], tuple] = {}
        waiting = [len(w) for w in windows_of]  # windows of each text not through the model yet
        done = 0  # texts already yielded
        # similar lengths together: less padding. Short last windows come first, then whole windows in
        # text order, so texts are complete one after another from the first batches on
        jobs.sort(key=lambda j: j[2] - j[1])
        batches = [jobs[b:b + self.batch_size] for b in range(0, len(jobs), self.batch_size)]
        wheres_of = [[np.flatnonzero(numeric[t][s:e]) for t, s, e in batch] for batch in batches]
        outputs = self._outputs(batches, ids_of, encoder, wheres_of)
        for batch, wheres in zip(batches + [[]], wheres_of + [[]]):  # the empty last one yields any text left
            if batch:
                top_i, top_p, begin, logps = next(outputs)
            for row, ((t, s, e), where, logp) in enumerate(zip(batch, wheres, logps if batch else ())):
                n = e - s
                # copies: a view of a torch tensor's array kept the batch's memory (~7.5 MB a batch: a
                # 200k-character page held 850 MB); label distributions only where needed
                results[(t, s)] = (top_i[row, 1:1 + n].copy(), top_p[row, 1:1 + n].copy(),
                                   begin[row, 1:1 + n].copy(), where, logp)
                waiting[t] -= 1
            while done < len(texts) and waiting[done] == 0:
                yield self._stitch(texts[done], lengths[done], windows_of[done], numeric[done],
                                   [results.pop((done, s)) for s, _ in windows_of[done]])
                done += 1

    def _outputs(self, batches: list, ids_of: list[np.ndarray], encoder: Encoder, wheres_of: list) -> Iterator[tuple]:
        """:meth:`_run_batch` of each batch, in order; ``parallel_batches`` of them at once, each on one
        thread of its own (``torch.set_num_threads(1)``): a model this small keeps two cores busier as two
        independent forward passes than as one pass split over two threads. Same windows, same widths:
        the same probabilities, to the bit, as one at a time."""
        jobs = zip(batches, wheres_of)
        if self.parallel_batches <= 1:
            yield from (self._run_batch(batch, ids_of, encoder, wheres) for batch, wheres in jobs)
            return
        with ThreadPoolExecutor(self.parallel_batches, thread_name_prefix="gktagger-forward") as pool:
            pending: deque = deque()
            for batch, wheres in jobs:
                pending.append(pool.submit(self._run_batch, batch, ids_of, encoder, wheres))
                if len(pending) > self.parallel_batches:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    def _run_batch(self, batch: list[tuple[int, int, int]], ids_of: list[np.ndarray], encoder: Encoder,
                   wheres: list[np.ndarray]) -> tuple:
        """(top label, its probability, begin probability) per position of each window, and per window the
        log-probability rows of its characters ``wheres`` (window offsets)."""
        import torch

        # bf16 kernels block their sums by the sequence length (0.06 apart in a logit between a window
        # padded to 302 and to 512): every window is padded to the full width, so that a text's
        # probabilities never depend on the texts it shares a batch with
        width = self.window + 2 if self.full_width else max(e - s for _, s, e in batch) + 2
        input_ids = np.full((len(batch), width), encoder.pad, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, (t, s, e) in enumerate(batch):
            ids = ids_of[t][s:e]
            input_ids[row, 0], input_ids[row, 1:1 + len(ids)], input_ids[row, 1 + len(ids)] = \
                encoder.cls, ids, encoder.sep
            mask[row, :len(ids) + 2] = 1
        with torch.inference_mode():  # per thread: _outputs may call this from a pool's
            logits = self.runner(torch.from_numpy(input_ids), torch.from_numpy(mask)).float()
            # one fused softmax, and the begin probability as a product with a 0/1 vector: half the CPU of a
            # log_softmax, its exp and a gather over 481 labels (~25% of a bf16 forward pass). Log-probabilities
            # (exact in the tails, where a softmax underflows) only for the value characters the decoder reads
            probs = torch.softmax(logits, -1)
            top_p, top_i = probs.max(-1)
            begin = probs @ _begin_vector()
            rows = torch.from_numpy(np.concatenate([np.full(len(w), r) for r, w in enumerate(wheres)]))
            at = torch.from_numpy(np.concatenate(wheres) + 1)
            logp = torch.log_softmax(logits[rows, at], -1).numpy()
            cuts = np.cumsum([len(w) for w in wheres])[:-1]
            return top_i.numpy(), top_p.numpy(), begin.numpy(), np.split(logp, cuts)

    @staticmethod
    def _stitch(text: str, length: int, windows: list[tuple[int, int]], numeric: np.ndarray,
                results: list[tuple]) -> Prediction:
        """One text's prediction from its windows': each character from the window that owns it."""
        n = len(text)
        owner = owner_array(n, windows)
        tags, probs, begin = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32)
        positions = np.nonzero(numeric)[0]
        logp = np.zeros((len(positions), len(LABELS)), dtype=np.float32)
        for w, ((s, e), (wt, wp, wb, where, wl)) in enumerate(zip(windows, results)):
            mine = np.nonzero(owner[s:e] == w)[0]
            tags[s + mine], probs[s + mine], begin[s + mine] = wt[mine], wp[mine], wb[mine]
            owned = owner[s + where] == w
            logp[np.searchsorted(positions, s + where[owned])] = wl[owned]
        return Prediction(tags[:length], probs[:length], begin[:length], positions, logp)
