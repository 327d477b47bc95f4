"""What the worker pool's fork server imports once, before any worker forks from it (``pool.py``).

A worker then starts without paying ``import torch`` and its runtime's imports again (~1.4 s of CPU
each with bf16, ~0.8 s with ONNX Runtime). Nothing here runs a model or starts a thread: a fork after
an OpenMP pool or the tokenizer's Rust threads have run would inherit locks that nobody will release.
"""
import torch  # noqa: F401

import gktagger.extract  # noqa: F401
from gktagger.tagging.runtime import resolve

_runtime = resolve()
if _runtime.backend == "onnx":
    import onnxruntime  # noqa: F401
elif _runtime.precision == "bf16":
    import torch.export  # noqa: F401
    from torch._export.serde import serialize  # noqa: F401 - what torch.export.load needs
else:
    from transformers import BertForTokenClassification  # noqa: F401
