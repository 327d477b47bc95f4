"""Bounds on the work one document may cause, so a hostile or broken page costs an error record, not a run.

Every bound has a default sized for real reports (the longest page of the corpus is ~60k characters,
the longest real cell run a dozen digits) with a wide margin. A document over a bound gets a one-line
error record (``document too large: 25,000,000 characters > 5,000,000``) or, where the rest of the
page is still worth extracting (an over-long digit run, too many mentions), a check with status
``warn``.

>>> Limits().max_chars
5000000
>>> too_large(25_000_000, Limits())
'document too large: 25,000,000 characters > 5,000,000'
>>> too_large(10, Limits()) is None
True
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_chars: int = 5_000_000
    """Characters of a document's text (after HTML reduction); more is an error record."""
    max_bytes: int = 64_000_000
    """Bytes read from one file; a larger (or endless, like ``/dev/zero``) file is an error record."""
    max_digit_run: int = 32
    """Digits in one run the table decoder considers. A table-3 row of seven 4-digit cells printed
    without separators is 28; longer runs are not cells of any template and would cost the decoder a
    full label distribution per digit. They are reported as mentions with a ``warn`` check instead."""
    max_value_chars: int = 50_000
    """Characters of values the table decoder re-tags in one document (~7 KB each while decoding); a
    real report has a few thousand. Values past it keep the model's tags."""
    max_table_cells: int = 20_000
    """HTML table cells (td/th) of one page; a page with more is an error record (the 2021 template has
    fewer than 200 cells)."""
    max_mentions_per_field: int = 50
    """Other mentions kept per field ID in ``mentions``; the rest are counted in a ``warn`` check."""
    html_parse_seconds: float = 20.0
    """Wall-clock time to parse one HTML page; a slower page is an error record."""
    worker_memory_bytes: int = 8 * 1024 ** 3
    """Address space (``RLIMIT_AS``) of each worker process: a document that needs more fails alone
    (its worker gets ``MemoryError`` or dies and is replaced) instead of taking the machine down."""
    document_seconds: float = 600.0
    """Wall-clock time for one document in a worker; a worker over it (its batch: this times the
    batch's size) is killed and replaced, and the batch retried document by document."""


DEFAULT_LIMITS = Limits()


def too_large(chars: int, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """The error of a document of ``chars`` characters, or None when it is within the limit."""
    if chars > limits.max_chars:
        return f"document too large: {chars:,} characters > {limits.max_chars:,}"
    return None
