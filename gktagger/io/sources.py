"""Reading the document a record names, and writing pages, without leaving where the user pointed.

A record's ``source`` is data from a file anyone may have edited. ``show --record`` and
``report --with-pages`` read it only when it is a regular file inside one of the allowed roots
(the records' folder, the current folder, ``--source-root``), after resolving symlinks, and no
larger than :attr:`Limits.max_bytes`; otherwise the page says the source is unavailable.

>>> import tempfile, os
>>> root = Path(tempfile.mkdtemp())
>>> unavailable("/etc/passwd", [root])
'source /etc/passwd unavailable: outside the records folder, the current folder and --source-root'
>>> unavailable("/dev/zero", [Path("/dev")])
'source /dev/zero unavailable: not a regular file'
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from gktagger.io.limits import DEFAULT_LIMITS, Limits
from gktagger.io.outputs import atomic_write


def source_roots(records_file: str | Path, extra: list[str] | None = None) -> list[Path]:
    """The folders a record's source may be read from: the records' folder, the current folder, ``extra``."""
    roots = [Path(records_file).resolve().parent, Path.cwd().resolve()]
    roots += [Path(r).resolve() for r in extra or []]
    return roots


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def unavailable(source: str, roots: list[Path], limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Why ``source`` may not be read (one line), or None when it may."""
    try:
        real = Path(os.path.realpath(source))
    except (OSError, ValueError) as e:
        return f"source {source} unavailable: {e}"
    if not any(_inside(real, Path(os.path.realpath(root))) for root in roots):  # a root reached through a link too
        return f"source {source} unavailable: outside the records folder, the current folder and --source-root"
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return f"source {source} not found: run from the folder where `gktagger extract` ran or pass --source-root"
    except OSError as e:
        return f"source {source} unavailable: {e.strerror or e}"
    if not stat.S_ISREG(info.st_mode):
        return f"source {source} unavailable: not a regular file"
    if info.st_size > limits.max_bytes:
        return f"source {source} unavailable: {info.st_size:,} bytes > {limits.max_bytes:,}"
    return None


def write_page(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it: a symlink planted at
    ``path`` is replaced, never followed."""

    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8", errors="backslashreplace"))
