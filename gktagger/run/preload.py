"""What the worker pool's fork server imports once, before any worker forks from it (``pool.py``).

A worker then starts without paying ``import torch`` and its runtime's imports again (~0.8 s of CPU
each). Nothing here runs a model or starts a thread: a fork after an OpenMP pool or the tokenizer's
Rust threads have run would inherit locks that nobody will release.
"""
import torch  # noqa: F401

import gktagger.extract  # noqa: F401
from gktagger.tagging.runtime import resolve

_runtime = resolve()
if _runtime.backend == "onnx":
    import onnxruntime  # noqa: F401
else:
    import safetensors.torch  # noqa: F401

    import gktagger.tagging.torchbert  # noqa: F401
