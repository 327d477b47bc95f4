"""Should training use ``transformers.Trainer``? Speed and bit-for-bit reproducibility, measured.

    python bench/trainer_vs_loop.py [--steps 100] [--runs 2]

Same data (the smoke recipe's windows), same architecture (the default recipe's: 2 layers, hidden
128), same optimiser settings, same steps: gktagger's loop (``gktagger.training.train.train``)
against a ``Trainer`` with the weighted loss in a ``compute_loss`` override. Each is run ``--runs``
times from the same seed: are the weights identical (sha256 of every tensor)? Prints a markdown
table for bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time

import torch

from gktagger.tagging.tags import LABELS, OUTSIDE
from gktagger.training.annotations import REPO_ROOT
from gktagger.training.config import load_config
from gktagger.training.model_init import new_model
from gktagger.training.train import load_data, set_seed, train

RECIPE = ["model.hidden_size=128", "model.num_hidden_layers=2", "model.num_attention_heads=2",
          "model.intermediate_size=512", "train.eval_every=100000", "train.time_limit_minutes=600",
          "data.dev_documents=[]"]


def digest(model) -> str:
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


def run_loop(cfg, data) -> tuple[float, str]:
    train_ds, _, tokenizer, _ = data
    set_seed(cfg.seed)
    model = new_model(cfg.model, tokenizer)
    started = time.perf_counter()
    state, _, _ = train(cfg, model, tokenizer, train_ds, [])
    seconds = time.perf_counter() - started
    model.load_state_dict(state)
    return seconds, digest(model)


def run_trainer(cfg, data) -> tuple[float, str]:
    from transformers import DataCollatorForTokenClassification, Trainer, TrainingArguments

    train_ds, _, tokenizer, _ = data
    t = cfg.train
    weights = torch.ones(len(LABELS))
    weights[OUTSIDE] = t.outside_weight
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights, ignore_index=-100)

    class WeightedTrainer(Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            loss = loss_fn(outputs.logits.view(-1, len(LABELS)), labels.view(-1))
            return (loss, outputs) if return_outputs else loss

    set_seed(cfg.seed)
    model = new_model(cfg.model, tokenizer)
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, max_steps=t.max_steps, per_device_train_batch_size=t.batch_size,
                                 learning_rate=t.learning_rate, weight_decay=t.weight_decay,
                                 warmup_steps=int(t.max_steps * t.warmup_ratio), lr_scheduler_type="linear", max_grad_norm=1.0,
                                 seed=cfg.seed, data_seed=cfg.seed, save_strategy="no", report_to="none",
                                 logging_strategy="no", use_cpu=True, dataloader_num_workers=0,
                                 disable_tqdm=True)
        trainer = WeightedTrainer(model=model, args=args, train_dataset=train_ds.remove_columns(["document"]),
                                  data_collator=DataCollatorForTokenClassification(tokenizer))
        started = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - started
    return seconds, digest(model)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--runs", type=int, default=2)
    args = p.parse_args(argv)
    cfg = load_config(REPO_ROOT / "configs" / "smoke.yaml", [*RECIPE, f"train.max_steps={args.steps}"])
    torch.set_num_threads(cfg.train.threads)
    set_seed(cfg.seed)
    data = load_data(cfg)
    rows = []
    for name, fn in (("gktagger loop", run_loop), ("transformers.Trainer", run_trainer)):
        results = []
        for _ in range(args.runs):
            results.append(fn(cfg, data))
            print(f"{name}: {results[-1][0]:.1f} s, weights {results[-1][1]}", file=sys.stderr, flush=True)
        rows.append((name, results))
    print(f"| training | steps | seconds per run | steps/s | weights of {args.runs} runs |")
    print("|---|---|---|---|---|")
    for name, results in rows:
        secs = [s for s, _ in results]
        same = len({d for _, d in results}) == 1
        print(f"| {name} | {args.steps} | {', '.join(f'{s:.1f}' for s in secs)} | "
              f"{args.steps / (sum(secs) / len(secs)):.2f} | {'identical' if same else 'differ'} "
              f"(`{results[0][1]}`) |")
    loop, trainer = (sum(s for s, _ in r) / len(r) for _, r in rows)
    print(f"\nTrainer / loop time: **{trainer / loop:.2f}x**; same weights as the loop: "
          f"{'yes' if rows[0][1][0][1] == rows[1][1][0][1] else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
