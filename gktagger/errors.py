"""gktagger's exceptions: one hierarchy, so callers can catch exactly what they mean.

The command line turns a :class:`UsageError` into one line and exit 2; a
:class:`DocumentError` (or any exception raised while one document is
processed) becomes that document's one-line error record, unless the
:class:`~gktagger.extract.Extractor` was built with ``on_error="raise"``.

>>> issubclass(UsageError, GktaggerError), issubclass(ReadError, DocumentError)
(True, True)
>>> one_line(ValueError("bad cell\\nsecond line"))
'ValueError: bad cell'
"""
from __future__ import annotations


class GktaggerError(Exception):
    """Every error gktagger raises on purpose."""


class UsageError(GktaggerError):
    """Bad arguments or settings: the CLI prints the message and exits 2."""


class ConfigError(UsageError, ValueError):
    """A pipeline or training setting that does not exist or has the wrong type."""


class ModelError(GktaggerError):
    """A model folder that is missing or does not fit this version's label set."""


class DocumentError(GktaggerError):
    """One document could not be processed; the batch goes on."""


class ReadError(DocumentError, ValueError):
    """A document's bytes could not be read as a report page."""


def one_line(error: BaseException) -> str:
    """``Type: first line of the message``, for an error record."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
