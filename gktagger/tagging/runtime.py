"""Which runtime computes the model's logits, and at which precision.

``backend``: ``onnx`` (ONNX Runtime, ``onnxmodel.py``) or ``torch``. ``precision``: ``fp32``,
``bf16`` (PyTorch autocast: matrix products and attention in bfloat16, layer norms in fp32; torch only)
or ``int8`` (dynamic quantisation of the linear layers; opt-in). Left to ``auto``, a CPU that
multiplies bfloat16 natively (AMX or AVX-512 BF16: Sapphire Rapids, Cooper Lake, Zen 4 and later)
runs torch at bf16: about half the CPU of an fp32 forward pass, dev and corpus field F1 0.0008 and
0.0003 higher (bench/RESULTS.md, session 10); any other CPU runs ONNX Runtime at fp32, where emulated
bfloat16 would be slower. A run resolves ``auto`` once, in the process that starts it, and hands the result to its
workers (``export``), so every record of a run comes from the same arithmetic.

>>> resolve("onnx", "fp32")
Runtime(backend='onnx', precision='fp32')
>>> resolve("auto", "bf16")
Runtime(backend='torch', precision='bf16')
>>> resolve("onnx", "bf16")
Traceback (most recent call last):
...
ValueError: bf16 runs on the torch backend: use --backend torch (or auto), or --precision fp32
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BACKENDS = ("onnx", "torch")
PRECISIONS = ("fp32", "bf16", "int8")
_BF16_FLAGS = {"amx_bf16", "avx512_bf16"}


@dataclass(frozen=True)
class Runtime:
    backend: str
    precision: str

    def export(self) -> None:
        """Pin this runtime for the worker processes this one starts (they read the environment)."""
        os.environ["GKTAGGER_BACKEND"], os.environ["GKTAGGER_PRECISION"] = self.backend, self.precision

    def __str__(self) -> str:
        return f"{self.backend} {self.precision}"


@lru_cache(maxsize=1)
def native_bf16(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (its ``flags`` name AMX-BF16 or AVX512-BF16)."""
    try:
        text = Path(cpuinfo).read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return any(_BF16_FLAGS & set(line.split(":", 1)[1].split())
               for line in text.splitlines() if line.startswith("flags") and ":" in line)


def resolve(backend: str | None = None, precision: str | None = None) -> Runtime:
    """The runtime for ``backend``/``precision`` (``None`` or ``"auto"``: ``$GKTAGGER_BACKEND`` and
    ``$GKTAGGER_PRECISION``, ``$GKTAGGER_INT8=1`` meaning int8, then what this CPU runs fastest)."""
    backend = backend or os.environ.get("GKTAGGER_BACKEND") or "auto"
    if not precision or precision == "auto":
        precision = os.environ.get("GKTAGGER_PRECISION") or (
            "int8" if os.environ.get("GKTAGGER_INT8", "") not in ("", "0") else "auto")
    if backend not in BACKENDS + ("auto",):
        raise ValueError(f"backend must be one of auto, {', '.join(BACKENDS)}, not {backend!r}")
    if precision not in PRECISIONS + ("auto",):
        raise ValueError(f"precision must be one of auto, {', '.join(PRECISIONS)}, not {precision!r}")
    if precision == "auto":
        precision = "bf16" if backend in ("auto", "torch") and native_bf16() else "fp32"
    if precision == "bf16" and backend == "onnx":
        raise ValueError("bf16 runs on the torch backend: use --backend torch (or auto), or --precision fp32")
    if backend == "auto":
        backend = "torch" if precision == "bf16" else "onnx"
    return Runtime(backend, precision)


def parse(spec: str) -> Runtime:
    """``auto`` or ``BACKEND:PRECISION`` (``onnx:fp32``, ``torch:bf16``, ``torch``) as :func:`resolve` takes them.

    >>> parse("onnx:int8")
    Runtime(backend='onnx', precision='int8')
    """
    backend, _, precision = spec.partition(":")
    return resolve(backend, precision or None)
