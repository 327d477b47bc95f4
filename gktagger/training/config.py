"""Training configuration: one YAML file reproduces a run (see configs/default.yaml).

A mistake in the recipe is a :class:`RecipeError` with one line that says what to fix:

>>> load_config("configs/smoke.yaml", ["train.max_step=3"])
Traceback (most recent call last):
...
gktagger.training.config.RecipeError: unknown config key train.max_step (did you mean train.max_steps?)
"""
from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path

import yaml

from gktagger.errors import ConfigError


class RecipeError(ConfigError):
    """A wrong config, override or training data: the commands print it as one line and exit 2."""


@dataclass
class DataConfig:
    annotations: list[str] = field(default_factory=lambda: ["data/annotations/corpus"])
    dev_documents: list[str] = field(default_factory=list)
    exclude_documents: list[str] = field(default_factory=list)  # e.g. a held-out source family
    real_repeat: int = 10
    synthetic_n: int = 1000
    synthetic_seed: int = 7
    synthetic_formats: list[str] = field(default_factory=lambda: ["2021", "2019", "legacy"])
    # layout → weight, over the generator's defaults (SynthOptions.layout_weights; held-out families 0)
    synthetic_layouts: dict[str, float] = field(default_factory=dict)
    window: int = 510
    stride: int = 384
    keep_empty: float = 0.3


@dataclass
class ModelConfig:
    init_from: str | None = None  # a local pretrained BERT directory to start from
    hidden_size: int = 256
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    intermediate_size: int = 1024
    max_position_embeddings: int = 512
    dropout: float = 0.1


@dataclass
class TrainConfig:
    epochs: float = 3.0
    max_steps: int | None = None
    batch_size: int = 16
    learning_rate: float = 5e-4
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    outside_weight: float = 1.0  # loss weight of the 'O' tag
    eval_every: int = 200
    select_best: bool = True  # keep the best dev checkpoint; False keeps the last (dev is then a test set)
    time_limit_minutes: float = 55.0
    threads: int = 2


@dataclass
class Config:
    seed: int = 13
    output_dir: str = "runs/default"
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict:
        return asdict(self)


def _fill(cls, values: dict, prefix: str = ""):
    if not isinstance(values, dict):
        raise RecipeError(f"config key {prefix.rstrip('.') or '(top)'} must be a mapping, not {values!r}")
    known = {f.name: f for f in fields(cls)}
    for name in values:
        if name not in known:
            close = difflib.get_close_matches(str(name), list(known), n=1)
            hint = f" (did you mean {prefix}{close[0]}?)" if close else f" (known: {', '.join(known)})"
            raise RecipeError(f"unknown config key {prefix}{name}{hint}")
    kwargs = {}
    for name, value in values.items():
        default = known[name].default_factory() if callable(known[name].default_factory) else known[name].default
        kwargs[name] = _fill(type(default), value or {}, f"{prefix}{name}.") if is_dataclass(default) else value
    return cls(**kwargs)


CONFIG_DIR = Path(__file__).resolve().parent / "configs"  # shipped in the package (configs/ in a checkout)


def config_path(name: str | Path) -> Path:
    """A config file, or the name of a shipped one (``default``, ``smoke``, ``loso``).

    >>> config_path("smoke").name
    'smoke.yaml'
    """
    path = Path(name)
    if path.is_file():
        return path
    shipped = CONFIG_DIR / (path.name if path.suffix else f"{path.name}.yaml")
    if path.parent in (Path("."), Path("configs")) and shipped.is_file():
        return shipped
    raise RecipeError(f"config not found: {name} (shipped: {', '.join(sorted(p.stem for p in CONFIG_DIR.glob('*.yaml')))})")


def load_config(path: str | Path, overrides: list[str] = ()) -> Config:
    """Read a YAML config (a file or a shipped name); ``overrides`` like ``train.max_steps=20`` change single values."""
    path = config_path(path)
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise RecipeError(f"{path} is not valid YAML: {' '.join(str(e).split())}") from None
    for item in overrides:
        key, eq, raw = item.partition("=")
        if not eq or not key:
            raise RecipeError(f"--set takes KEY=VALUE (e.g. train.max_steps=20), not {item!r}")
        *parents, leaf = key.split(".")
        target = values
        for p in parents:
            target = target.setdefault(p, {})
            if not isinstance(target, dict):
                raise RecipeError(f"--set {item}: {p} is not a section of the config")
        try:
            target[leaf] = yaml.safe_load(raw)
        except yaml.YAMLError:
            raise RecipeError(f"--set {item}: the value is not valid YAML") from None
    return _fill(Config, values)
