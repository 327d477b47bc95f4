"""Train the gktagger tagger from one config file.

    python -m training.train --config configs/default.yaml [--output DIR] [--set train.max_steps=50 ...]

Top to bottom: arguments → data (real annotations + synthetic reports) →
labels aligned to characters → train with dev evaluation → keep the best
checkpoint → write a standard Hugging Face model directory (config.json,
model.safetensors, tokenizer files) plus ``gktagger.json`` (the config, the
dev scores, the training documents).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import logging
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from datasets import concatenate_datasets
from transformers import get_linear_schedule_with_warmup

from gktagger.config import PipelineConfig
from gktagger.extract import Extractor
from gktagger.tagging.onnxmodel import ONNX_FILE, export
from gktagger.tagging.tagger import Tagger
from gktagger.tagging.tags import LABELS, OUTSIDE
from gktagger.tagging.tokenizer import build_tokenizer
from gktagger.training.config import Config, RecipeError, load_config
from gktagger.training.data import build_dataset, examples_of, split_documents, synthetic_examples
from gktagger.training.evaluate import evaluate_model
from gktagger.training.model_card import hf_card
from gktagger.training.model_init import new_model

log = logging.getLogger("gktagger.train")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="gktagger train", description="Train a gktagger model from a YAML config.")
    p.add_argument("--config", default="configs/default.yaml")
    p.add_argument("--output", help="model directory to write (default: output_dir of the config)")
    p.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override config values")
    return p.parse_args(argv)


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def load_data(cfg: Config, tokenizer=None):
    """Training windows (real documents oversampled + synthetic) and the annotated dev documents."""
    docs = split_documents(cfg.data.annotations, cfg.data.dev_documents, cfg.data.exclude_documents)
    if docs.held_copies:
        log.info("held out %d document(s) whose text is a dev/excluded document's: %s", len(docs.held_copies),
                 ", ".join(docs.held_copies))
    real = examples_of(docs.train)
    synth = synthetic_examples(cfg.data.synthetic_n, cfg.data.synthetic_seed, cfg.data.synthetic_formats,
                               cfg.data.synthetic_layouts)
    dev = docs.dev
    tokenizer = tokenizer or build_tokenizer((ex.text for ex in real + synth),
                                            model_max_length=cfg.model.max_position_embeddings - 2)
    parts = [build_dataset(synth, tokenizer, cfg.data.window, cfg.data.stride, 1, cfg.data.keep_empty, cfg.seed)]
    if real:
        parts.append(build_dataset(real, tokenizer, cfg.data.window, cfg.data.stride, cfg.data.real_repeat,
                                   cfg.data.keep_empty, cfg.seed))
    train = concatenate_datasets(parts).shuffle(seed=cfg.seed)
    log.info("data: %d real training documents, %d synthetic, %d dev documents; %d training windows",
             len(real), len(synth), len(dev), len(train))
    return train, dev, tokenizer, [ex.document for ex in real]


def batches(dataset, batch_size: int, pad_id: int, rng: random.Random):
    order = list(range(len(dataset)))
    rng.shuffle(order)
    for b in range(0, len(order), batch_size):
        rows = dataset[order[b:b + batch_size]]
        width = max(len(x) for x in rows["input_ids"])
        ids = torch.full((len(rows["input_ids"]), width), pad_id, dtype=torch.long)
        labels = torch.full_like(ids, -100)
        for i, (x, y) in enumerate(zip(rows["input_ids"], rows["labels"])):
            ids[i, :len(x)] = torch.tensor(x)
            labels[i, :len(y)] = torch.tensor(y)
        yield ids, (ids != pad_id).long(), labels


def dev_score(model, tokenizer, dev) -> dict | None:
    if not dev:
        return None
    model.eval()
    pipeline = PipelineConfig()  # the pipeline the dev scores are measured with, saved beside the weights
    scores = evaluate_model(Extractor(Tagger(model, tokenizer, pipeline.windows), config=pipeline), dev)
    model.train()
    return scores


def headline(scores: dict | None) -> float:
    return -1.0 if scores is None else (scores["fields"]["f1"] + scores["sections"]["f1"]) / 2


def train(cfg: Config, model, tokenizer, train_ds, dev) -> tuple[dict, dict | None, int]:
    """The training loop; returns the best weights, their dev scores and the step they were taken at."""
    t = cfg.train
    steps_per_epoch = math.ceil(len(train_ds) / t.batch_size)
    total = t.max_steps or max(1, int(steps_per_epoch * t.epochs))
    optimizer = torch.optim.AdamW(model.parameters(), lr=t.learning_rate, weight_decay=t.weight_decay)
    schedule = get_linear_schedule_with_warmup(optimizer, int(total * t.warmup_ratio), total)
    weights = torch.ones(len(LABELS))
    weights[OUTSIDE] = t.outside_weight
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights, ignore_index=-100)
    rng = random.Random(cfg.seed)
    best_state, best_scores, best_step = copy.deepcopy(model.state_dict()), None, 0
    started, step, running = time.time(), 0, []
    model.train()
    while step < total:
        for ids, mask, labels in batches(train_ds, t.batch_size, tokenizer.pad_token_id, rng):
            logits = model(input_ids=ids, attention_mask=mask).logits
            loss = loss_fn(logits.view(-1, len(LABELS)), labels.view(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step(); schedule.step(); optimizer.zero_grad()
            step += 1
            running.append(loss.item())
            out_of_time = time.time() - started > t.time_limit_minutes * 60
            if step % t.eval_every == 0 or step == total or out_of_time:
                scores = dev_score(model, tokenizer, dev)
                log.info("step %d/%d loss %.4f lr %.2e %.0fs dev field F1 %s section F1 %s", step, total,
                         sum(running) / len(running), schedule.get_last_lr()[0], time.time() - started,
                         scores and scores["fields"]["f1"], scores and scores["sections"]["f1"])
                running = []
                if not t.select_best or scores is None or headline(scores) >= headline(best_scores):
                    best_state, best_scores, best_step = copy.deepcopy(model.state_dict()), scores, step
            if step >= total or out_of_time:
                if out_of_time:
                    log.warning("time limit of %.0f minutes reached at step %d", t.time_limit_minutes, step)
                return best_state, best_scores, best_step
    return best_state, best_scores, best_step


def save(cfg: Config, model, tokenizer, out: Path, scores, step: int, train_documents: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    PipelineConfig().save(out)
    export(out, out / ONNX_FILE)  # what extract runs at fp32 (ONNX Runtime); same logits as the weights
    digest = hashlib.sha256((out / "model.safetensors").read_bytes()).hexdigest()[:12]
    meta = {"model_version": f"gktagger-{digest}", "step": step, "config": cfg.to_dict(),
            "dev_scores": scores and {k: v for k, v in scores.items() if k != "documents"},
            "dev_documents_scores": scores and scores["documents"], "train_documents": train_documents}
    (out / "gktagger.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "README.md").write_text(hf_card(meta), encoding="utf-8")  # the Hugging Face model card
    log.info("wrote %s (%s)", out, meta["model_version"])


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    args = parse_args(argv)
    try:
        cfg = load_config(args.config, args.set)
        out = Path(args.output or cfg.output_dir)
        set_seed(cfg.seed)
        torch.set_num_threads(cfg.train.threads)
        train_ds, dev, tokenizer, train_documents = load_data(cfg)
    except RecipeError as e:
        print(f"train: error: {e}", file=sys.stderr)
        return 2
    model = new_model(cfg.model, tokenizer)
    log.info("model: %.1fM parameters, %d labels", sum(p.numel() for p in model.parameters()) / 1e6, len(LABELS))
    best_state, scores, step = train(cfg, model, tokenizer, train_ds, dev)
    model.load_state_dict(best_state)
    save(cfg, model, tokenizer, out, scores, step, train_documents)
    return 0


if __name__ == "__main__":
    sys.exit(main())
