"""Throughput and peak memory of `gktagger extract` on the real corpus mix.

    .venv/bin/python bench/throughput.py [--docs 300] [--base-docs 24] [--model DIR] [--out bench/RESULTS.md]

The corpus (../shared/corpus, every report and seed page) is repeated to
``--docs`` documents in a temporary folder. `gktagger extract` runs on it as a
user runs it (a subprocess, JSONL output) with 1 and 2 workers; peak memory is
the largest summed RSS of the process tree, sampled every 50 ms. The same
pipeline then runs with a bert-base-sized model (12 layers, 768 hidden, random
weights, our tokenizer: what a user would typically fine-tune) on
``--base-docs`` documents, and the speed ratio is reported.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gktagger.annotations import corpus_files  # noqa: E402
from gktagger.reading import read_path  # noqa: E402
from gktagger.tagger import DEFAULT_MODEL_DIR  # noqa: E402


def make_corpus(folder: Path, n: int) -> int:
    """``n`` documents cycling through the corpus; returns their total characters (as read)."""
    files = corpus_files()
    chars = 0
    for i in range(n):
        src = files[i % len(files)]
        dst = folder / f"{i:05d}_{src.name}"
        shutil.copyfile(src, dst)
        chars += len(read_path(dst).text)
    return chars


def tree_rss(pid: int) -> int:
    """Summed resident memory (bytes) of a process and its descendants."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def run_extract(folder: Path, model: Path, workers: int, out: Path) -> tuple[float, int]:
    cmd = [sys.executable, "-m", "gktagger.cli", "extract", str(folder), "-o", str(out), "--model", str(model),
           "--workers", str(workers), "--quiet"]
    started = time.time()
    proc = subprocess.Popen(cmd, cwd=REPO)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.05)
    if proc.returncode:
        raise SystemExit(f"extract failed with exit code {proc.returncode}")
    return time.time() - started, peak


def bert_base_model(like: Path, target: Path) -> Path:
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

    tok = AutoTokenizer.from_pretrained(like)
    small = BertConfig.from_pretrained(like)
    config = BertConfig(vocab_size=len(tok), hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                        intermediate_size=3072, max_position_embeddings=512, type_vocab_size=1,
                        num_labels=small.num_labels, id2label=small.id2label, label2id=small.label2id,
                        pad_token_id=tok.pad_token_id)
    BertForTokenClassification(config).save_pretrained(target)
    tok.save_pretrained(target)
    return target


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=300)
    p.add_argument("--base-docs", type=int, default=24)
    p.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    p.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = p.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "corpus").mkdir()
        chars = make_corpus(tmp / "corpus", args.docs)
        for workers in (1, 2):
            seconds, peak = run_extract(tmp / "corpus", args.model, workers, tmp / f"out{workers}.jsonl")
            rows.append(("shipped", workers, args.docs, chars, seconds, peak))
            print(rows[-1], flush=True)
        (tmp / "base").mkdir()
        base_chars = make_corpus(tmp / "base", args.base_docs)
        base = bert_base_model(args.model, tmp / "bert-base")
        seconds, peak = run_extract(tmp / "base", base, 2, tmp / "base.jsonl")
        rows.append(("bert-base-sized", 2, args.docs and args.base_docs, base_chars, seconds, peak))
        print(rows[-1], flush=True)
    shipped2 = rows[1][2] / rows[1][4]
    base_rate = rows[2][2] / rows[2][4]
    lines = ["# Throughput of `gktagger extract`", "",
             f"Measured {time.strftime('%Y-%m-%d')} on this machine ({os.cpu_count()} cores) with "
             f"`python bench/throughput.py --docs {args.docs} --base-docs {args.base_docs}`: the real corpus "
             "(../shared/corpus, reports and seeds) repeated, JSONL output, wall time including model loading.", "",
             "| model | workers | documents | characters | seconds | docs/s | chars/s | peak memory |",
             "|---|---|---|---|---|---|---|---|"]
    for name, workers, n, c, s, peak in rows:
        lines.append(f"| {name} | {workers} | {n} | {c} | {s:.1f} | {n / s:.2f} | {c / s:.0f} | {peak / 2**20:.0f} MiB |")
    lines += ["", f"Shipped model with 2 workers vs the bert-base-sized pipeline: **{shipped2 / base_rate:.1f}×** "
              "the documents per second.", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
