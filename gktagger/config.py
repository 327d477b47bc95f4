"""Pipeline settings: every window, threshold, penalty and stage switch in one versioned object.

A model folder pins the pipeline it was evaluated with (``pipeline.json``,
written by training); :meth:`PipelineConfig.load` reads it, and a folder from
before this file existed gets the defaults, which reproduce that pipeline.
``--set section.name=value`` overrides one setting on ``gktagger extract`` and
``training.evaluate``.

>>> config = PipelineConfig().override(["decoder.skip_penalty=2.5", "disabled=[cues]"])
>>> config.decoder.skip_penalty, config.disabled
(2.5, ('cues',))
>>> PipelineConfig.from_dict(config.to_dict()) == config
True
>>> PipelineConfig().override(["limits.pdf.max_pages=50"]).limits.pdf.max_pages
50
>>> PipelineConfig().override(["limits.pdf.max_pages=-1"])
Traceback (most recent call last):
...
gktagger.errors.ConfigError: pipeline setting limits.pdf.max_pages must be more than 0, got -1
>>> PipelineConfig().override(["limits.max_digit_run=6"])
Traceback (most recent call last):
...
gktagger.errors.ConfigError: pipeline setting fields.max_cell_digits must be at most limits.max_digit_run (6), got 7: a longer run is never read as a value
>>> PipelineConfig().override(["decoder.skip_penalti=2"])
Traceback (most recent call last):
...
gktagger.errors.ConfigError: unknown pipeline setting 'decoder.skip_penalti' (decoder has: skip_penalty, restart_penalty, blank_penalty, row_skip_penalty, opener_penalty, full_row, max_cell, trailing_blank_columns, bare_rows, formats)
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from gktagger.errors import ConfigError
from gktagger.io.limits import Limits

CONFIG_FILE = "pipeline.json"
VERSION = 2  # 2: the limits section (a version-1 file gets the default limits)
# a setting added inside a section (limits.max_digit_run) needs no new version: a file without it gets its default
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "weights"  # the model shipped in the package


@dataclass(frozen=True)
class WindowConfig:
    """How a long text is cut into model windows (characters, without [CLS]/[SEP])."""
    size: int = 510
    stride: int = 382  # what the shipped model was evaluated with; training cuts its examples every 384
    batch_size: int = 8
    align_lines: bool = True  # windows start at content-chosen line starts (windows.py): a prepended line moves no value
    slack: int = 191  # how far before its nominal start a window may start at a line start (was stride // 2)


@dataclass(frozen=True)
class DecoderConfig:
    """Costs (nats) of the constrained table decoder (``decode.py``)."""
    skip_penalty: float = 1.0  # per template field left without a cell
    restart_penalty: float = 12.0  # going back in the template (rows printed out of order)
    blank_penalty: float = 1.0  # passing over a blank cell of a row of figures inside the tables
    row_skip_penalty: float = 6.0  # a column a line of delimited cells leaves out, or a figure of it left untagged
    opener_penalty: float = 6.0  # a line of delimited cells that does not start at a row's first column
    full_row: int = 7  # cells of a table-3 row: a row printed one cell per line with this many drops none
    max_cell: int = 12  # characters in one cell (a decimal amount like 75394432.52)
    trailing_blank_columns: bool = True  # an empty cell after a row's last figure may be a column the template lacks
    bare_rows: bool = True  # a line of figures alone (its label printed elsewhere): its row is the template's order
    formats: tuple[str, ...] = ("2021", "2019")  # templates tried; the best fit is kept


@dataclass(frozen=True)
class RealignConfig:
    max_shift: int = 7  # template places a printed row may move (one table-3 row)


@dataclass(frozen=True)
class SplitConfig:
    max_candidates: int = 5_000  # splits of one run tried before giving up on it


@dataclass(frozen=True)
class FieldConfig:
    """When a figure is run-together cells rather than one value (``fields.ambiguous_runs``)."""
    max_cell_digits: int = 7  # a table cell with more digits, printed without separators, is several cells
    max_prose_digits: int = 8  # the same for a figure of the prose fields (a legacy 本年|累计 run)
    max_candidates: int = 12  # readings of such a run listed in the record


@dataclass(frozen=True)
class HeadingConfig:
    min_heading: int = 2  # characters: a lone tagged character is not a heading
    min_format_evidence: int = 3  # cells only one template has, before they outweigh the year


@dataclass(frozen=True)
class PipelineConfig:
    """Everything the pipeline can be told: the stages after reading (see :mod:`gktagger.pipeline`) and
    the bounds on reading and on each document's work (``limits``, :mod:`gktagger.io.limits`).

    ``limits.max_digit_run`` bounds the digits of any value the pipeline reads, so the digits at which
    ``fields`` calls a figure several run-together ones may not exceed it (the setting would do nothing
    past it)."""
    version: int = VERSION
    windows: WindowConfig = field(default_factory=WindowConfig)
    decoder: DecoderConfig = field(default_factory=DecoderConfig)
    realign: RealignConfig = field(default_factory=RealignConfig)
    splits: SplitConfig = field(default_factory=SplitConfig)
    fields: FieldConfig = field(default_factory=FieldConfig)
    headings: HeadingConfig = field(default_factory=HeadingConfig)
    disabled: tuple[str, ...] = ()  # stage names switched off (``gktagger.pipeline.STAGES``)
    limits: Limits = field(default_factory=Limits)  # what one document may cost, reading included (limits.py)

    def __post_init__(self):
        w = self.windows
        if not (0 < w.stride <= w.size and 0 <= w.slack < w.stride):
            raise ConfigError(f"windows need 0 < stride <= size and 0 <= slack < stride, got size {w.size}, "
                              f"stride {w.stride}, slack {w.slack}")
        for name in ("max_cell_digits", "max_prose_digits"):
            digits = getattr(self.fields, name)
            if digits > self.limits.max_digit_run:
                raise ConfigError(f"fields.{name} must be at most limits.max_digit_run "
                                  f"({self.limits.max_digit_run}), got {digits}: a longer run is never read as a value")

    def to_dict(self) -> dict:
        return json.loads(json.dumps(dataclasses.asdict(self)))

    @classmethod
    def from_dict(cls, data: dict) -> "PipelineConfig":
        return _build(cls, data, "")

    def override(self, assignments: Iterable[str]) -> "PipelineConfig":
        """A copy with ``section.name=value`` settings applied (values in YAML: ``2``, ``true``, ``[a, b]``)."""
        data = self.to_dict()
        for item in assignments:
            key, sep, raw = item.partition("=")
            if not sep:
                raise ConfigError(f"--set needs KEY=VALUE, got {item!r}")
            *path, name = key.strip().split(".")
            target = data
            for part in path:
                if not isinstance(target.get(part), dict):
                    raise ConfigError(f"unknown pipeline setting {key!r}")
                target = target[part]
            if name not in target:
                raise ConfigError(f"unknown pipeline setting {key!r} ({'.'.join(path) or 'pipeline'} has: "
                                  f"{', '.join(target)})")
            target[name] = yaml.safe_load(raw)
        return self.from_dict(data)

    def save(self, folder: str | Path) -> Path:
        path = Path(folder) / CONFIG_FILE
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, folder: str | Path) -> "PipelineConfig":
        """The config a model folder pins, or the defaults for a folder written before it had one."""
        path = Path(folder) / CONFIG_FILE
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version", VERSION) > VERSION:
            raise ConfigError(f"{path} is pipeline config version {data['version']}; this gktagger reads up to "
                              f"{VERSION}: upgrade gktagger")
        return cls.from_dict({**data, "version": VERSION})  # an older file: its missing sections get the defaults


def _build(cls, data: Any, where: str):
    if not isinstance(data, dict):
        raise ConfigError(f"pipeline setting {where or 'pipeline'} must be a mapping, got {data!r}")
    known = {f.name: f for f in fields(cls)}
    unknown = set(data) - set(known)
    if unknown:
        raise ConfigError(f"unknown pipeline setting {where}{sorted(unknown)[0]!r}")
    values = {}
    for name, value in data.items():
        default = getattr(cls(), name)
        key = f"{where}{name}"
        if is_dataclass(default):
            values[name] = _build(type(default), value, key + ".")
        else:
            values[name] = _coerce(value, default, key)
    try:
        return cls(**values)
    except ConfigError as error:  # a value out of its range (limits.py): name it with its full key
        raise ConfigError(f"pipeline setting {where}{error}") from None


def _coerce(value: Any, default: Any, key: str):
    if isinstance(default, tuple):
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"pipeline setting {key} must be a list of names, got {value!r}")
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"pipeline setting {key} must be true or false, got {value!r}")
        return value
    if isinstance(default, (int, float)) and isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(default, int) and not float(value).is_integer():
            raise ConfigError(f"pipeline setting {key} must be an integer, got {value!r}")
        return type(default)(value)
    raise ConfigError(f"pipeline setting {key} must be a {type(default).__name__}, got {value!r}")
