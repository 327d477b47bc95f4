"""Bounds on the work one document may cause, so a hostile or broken page costs an error record, not a run.

Every bound has a default sized for real reports (the longest page of the corpus is ~60k characters,
the longest real cell run a dozen digits) with a wide margin. A document over a bound gets a one-line
error record (``document too large: 25,000,000 characters > 5,000,000``) or, where the rest of the
page is still worth extracting (an over-long digit run, too many mentions), a check with status
``warn``.

:class:`Limits` is the ``limits`` section of the pipeline config (:class:`gktagger.config.PipelineConfig`,
saved in a model folder's ``pipeline.json``), so ``--set limits.pdf.max_pages=50`` changes one bound
for a run. The two bounds of the table decoder's own work, ``max_digit_run`` and ``max_value_chars``,
are settings too (``--set limits.max_digit_run=16``): the pipeline hands the one configured value to the
tagger (which values keep their label distributions), the value parser and the record's ``warn``
checks, so they agree on it.

>>> Limits().max_chars, Limits().pdf.max_pages, Limits().max_digit_run, Limits().max_value_chars
(5000000, 500, 32, 50000)
>>> Limits(max_chars=0)
Traceback (most recent call last):
...
gktagger.errors.ConfigError: max_chars must be more than 0, got 0
>>> too_large(25_000_000, Limits())
'document too large: 25,000,000 characters > 5,000,000'
>>> too_large(10, Limits()) is None
True
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from gktagger.errors import ConfigError


class _Positive:
    """Every number of a limits section is more than 0 (``may_be_zero``: 0 switches that bound off)."""
    may_be_zero: tuple[str, ...] = ()

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if value < 0 or value == 0 and f.name not in self.may_be_zero:
                    floor = "0 or more" if f.name in self.may_be_zero else "more than 0"
                    raise ConfigError(f"{f.name} must be {floor}, got {value!r}")


@dataclass(frozen=True)
class PdfLimits(_Positive):
    """What one PDF may cost. A PDF over a limit gets a one-line error record."""
    max_bytes: int = 64 * 2**20
    """File size read at all (64 MiB; published reports are well under 20 MiB)."""
    max_pages: int = 500
    """Page count (annual reports run 5-40 pages; a 2,000-page PDF is refused before any page is parsed)."""
    max_seconds: float = 120.0
    """Wall-clock time of the reading child process (reading runs at several pages per second, see
    ``bench/pdf_reading.py``)."""
    max_memory: int = 2 * 2**30
    """Address space of the reading child (a decompression bomb fails there)."""
    min_chars_per_page: int = 20
    """Fewer text characters per page than this on average means a scan without a text layer."""


@dataclass(frozen=True)
class DocxLimits(_Positive):
    """What one Word file may cost."""
    max_bytes: int = 64 * 2**20
    """File size."""
    max_xml_bytes: int = 256 * 2**20
    """Uncompressed size of the main document part (a zip bomb is refused before it is inflated)."""


@dataclass(frozen=True)
class Limits(_Positive):
    max_chars: int = 5_000_000
    """Characters of a document's text (after HTML reduction); more is an error record."""
    max_bytes: int = 64_000_000
    """Bytes read from one file; a larger (or endless, like ``/dev/zero``) file is an error record."""
    max_table_cells: int = 20_000
    """HTML table cells (td/th) of one page; a page with more is an error record (the 2021 template has
    fewer than 200 cells)."""
    max_mentions_per_field: int = 50
    """Other mentions kept per field ID in ``mentions``; the rest are counted in a ``warn`` check."""
    html_parse_seconds: float = 20.0
    """Wall-clock time to parse one HTML page; a slower page is an error record."""
    worker_memory_bytes: int = 8 * 1024 ** 3
    """Address space (``RLIMIT_AS``) of each worker process: a document that needs more fails alone
    (its worker gets ``MemoryError`` or dies and is replaced) instead of taking the machine down; 0: no limit."""
    document_seconds: float = 600.0
    """Wall-clock time for one document in a worker; a worker over it (its batch: this times the
    batch's size) is killed and replaced, and the batch retried document by document."""
    max_digit_run: int = 32
    """Digits in one run read as a value. A table-3 row of seven 4-digit cells printed without separators
    is 28; longer runs are not cells of any template and would cost the decoder a full label
    distribution per digit. They are no field: each is a ``digits.overlong`` mention with a ``warn``
    check. ``fields.max_cell_digits`` and ``fields.max_prose_digits`` may not exceed it."""
    max_value_chars: int = 50_000
    """Characters of values the table decoder re-tags in one document (~7 KB each while decoding); a real
    report has a few thousand. Values past it keep the model's tags."""
    pdf: PdfLimits = field(default_factory=PdfLimits)
    docx: DocxLimits = field(default_factory=DocxLimits)
    may_be_zero = ("worker_memory_bytes",)


DEFAULT_LIMITS = Limits()


def too_large(chars: int, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """The error of a document of ``chars`` characters, or None when it is within the limit."""
    if chars > limits.max_chars:
        return f"document too large: {chars:,} characters > {limits.max_chars:,}"
    return None
