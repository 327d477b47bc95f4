"""Training configuration: one YAML file reproduces a run (see configs/default.yaml)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path

import yaml


@dataclass
class DataConfig:
    annotations: list[str] = field(default_factory=lambda: ["data/annotations/corpus"])
    dev_documents: list[str] = field(default_factory=list)
    exclude_documents: list[str] = field(default_factory=list)  # e.g. a held-out source family
    real_repeat: int = 10
    synthetic_n: int = 1000
    synthetic_seed: int = 7
    synthetic_formats: list[str] = field(default_factory=lambda: ["2021", "2019", "legacy"])
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


def _fill(cls, values: dict):
    known = {f.name: f for f in fields(cls)}
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"unknown config keys for {cls.__name__}: {sorted(unknown)}")
    kwargs = {}
    for name, value in values.items():
        default = known[name].default_factory() if callable(known[name].default_factory) else known[name].default
        kwargs[name] = _fill(type(default), value or {}) if is_dataclass(default) else value
    return cls(**kwargs)


def load_config(path: str | Path, overrides: list[str] = ()) -> Config:
    """Read a YAML config; ``overrides`` like ``train.max_steps=20`` change single values."""
    values = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    for item in overrides:
        key, _, raw = item.partition("=")
        *parents, leaf = key.split(".")
        target = values
        for p in parents:
            target = target.setdefault(p, {})
        target[leaf] = yaml.safe_load(raw)
    return _fill(Config, values)
