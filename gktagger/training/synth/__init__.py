"""Synthetic 政府信息公开工作年度报告 with exact span labels, for training the tagger.

>>> from gktagger.training.synth import generate
>>> docs = list(generate(3, seed=1, formats=("2019",), layouts=("pipes",)))
>>> [(d.format, d.document) for _, d in docs][:1]
[('2019', 'synthetic/1/00000')]
"""
from __future__ import annotations

import random
from typing import Iterator

from gktagger.training.annotations import AnnotatedDoc

from gktagger.training.synth.compose import compose
from gktagger.training.synth.options import LAYOUTS, SynthOptions, family_format, family_options

__all__ = ["generate", "SynthOptions", "LAYOUTS"]


def generate(n: int, seed: int, formats=("2021", "2019", "legacy"), layouts=None,
             options: SynthOptions | None = None) -> Iterator[tuple[str, AnnotatedDoc]]:
    """Yield ``n`` (text, annotation) pairs; document ``i`` depends only on ``seed`` and ``i``."""
    opts = options or SynthOptions()
    formats = [f for f in formats if opts.format_weights.get(f, 0) > 0] or list(formats)
    layouts = list(layouts or [l for l in LAYOUTS if opts.layout_weights.get(l, 0) > 0])
    fw = [opts.format_weights.get(f, 1.0) for f in formats]
    lw = [opts.layout_weights.get(l, 1.0) for l in layouts]
    for i in range(n):
        rng = random.Random(f"{seed}/{i}")
        fmt = rng.choices(formats, fw)[0]
        layout = rng.choices(layouts, lw)[0]
        fmt = family_format(rng, layout, fmt)
        yield compose(rng, family_options(opts, layout), fmt, layout, f"synthetic/{seed}/{i:05d}")
