"""The writer of each layout: the base layouts' (``layouts.py``) and the held-out families'.

>>> import random
>>> from .builder import Builder
>>> from .options import FAMILIES, SynthOptions
>>> sorted(FAMILIES) == sorted(set(FAMILY_WRITERS))
True
>>> type(make_writer("legacyruns", Builder(), random.Random(0), SynthOptions())).__name__
'LegacyRunWriter'
"""
from __future__ import annotations

import random

from gktagger.training.synth import layouts
from gktagger.training.synth.builder import Builder
from gktagger.training.synth.layouts import Writer
from gktagger.training.synth.options import SynthOptions
from gktagger.training.synth.pdfpages import FragmentWriter, NoHeadingWriter, VerticalHeadWriter
from gktagger.training.synth.runs import LegacyRunWriter, SignedRunWriter, WholeRunWriter, nonzero_changes

FAMILY_WRITERS = {"mdfragments": FragmentWriter, "legacyruns": LegacyRunWriter, "signedruns": SignedRunWriter,
                  "wholeruns": WholeRunWriter, "verticalheads": VerticalHeadWriter, "noheadings": NoHeadingWriter,
                  "multiprose": Writer}


def make_writer(layout: str, b: Builder, rng: random.Random, opts: SynthOptions) -> Writer:
    if layout in FAMILY_WRITERS:
        return FAMILY_WRITERS[layout](b, rng, opts)
    return layouts.make_writer(layout, b, rng, opts)


def prepare_values(rng: random.Random, layout: str, values: dict) -> None:
    """Figures a family needs printed differently from the default draw (drawing only for it)."""
    if layout == "signedruns":
        nonzero_changes(rng, values)
