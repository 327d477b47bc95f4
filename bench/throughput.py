"""Throughput and peak memory of `gktagger extract` on the real corpus mix.

    .venv/bin/python bench/throughput.py [--docs 300] [--base-docs 24] [--model DIR] [--out bench/RESULTS.md]

The corpus (../shared/corpus, every report and seed page) is repeated to
``--docs`` documents in a temporary folder. `gktagger extract` runs on it as a
user runs it (a subprocess, JSONL output, wall time including start-up and
model loading) with 1 and 2 workers, for each backend of ``--backends`` (the
default ONNX Runtime, and PyTorch as before); peak memory is the largest summed
RSS of the process tree, sampled every 50 ms.

The **efficiency ratio** is the time of a bare fp32 PyTorch forward pass of the
same model over the same characters (the normalised bodies the pipeline tags,
510-character windows every 384, batch 8, 2 threads, forward calls only) over
the whole pipeline's wall time; the bare pass is timed in this process before
and after the pipeline runs, and their mean is used (the machine is shared).

The same pipeline then runs with a bert-base-sized model (12 layers, 768
hidden, random weights, our tokenizer: what a user would typically fine-tune;
exported to ONNX like the shipped one) on ``--base-docs`` documents, and the
ratio of characters per second is reported.
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

from gktagger.training.annotations import corpus_files  # noqa: E402
from gktagger.io.reading import read_path  # noqa: E402
from gktagger.tagging.tagger import DEFAULT_MODEL_DIR  # noqa: E402


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


def run_extract(folder: Path, model: Path, workers: int, out: Path, backend: str = "onnx") -> tuple[float, int]:
    cmd = [sys.executable, "-m", "gktagger.cli", "extract", str(folder), "-o", str(out), "--model", str(model),
           "--workers", str(workers), "--quiet"]
    started = time.time()
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, "GKTAGGER_BACKEND": backend})
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.05)
    if proc.returncode:
        raise SystemExit(f"extract failed with exit code {proc.returncode}")
    return time.time() - started, peak


def bare_forward_seconds(folder: Path, model: Path) -> float:
    """Seconds of the fp32 PyTorch forward calls alone over the documents' normalised bodies."""
    import torch
    from transformers import AutoTokenizer, BertForTokenClassification

    from gktagger.text.body import BodyView
    from gktagger.tagging.windows import make_windows

    torch.set_num_threads(2)
    net = BertForTokenClassification.from_pretrained(model).eval()
    tok = AutoTokenizer.from_pretrained(model)
    windows = []
    for path in sorted(folder.iterdir()):
        body = BodyView.of(read_path(path).text).text
        ids = tok(body, add_special_tokens=False)["input_ids"]
        windows += [[tok.cls_token_id] + ids[s:e] + [tok.sep_token_id] for s, e in make_windows(len(ids), 510, 384)]
    batches = []
    for b in range(0, len(windows), 8):
        rows = windows[b:b + 8]
        ids = torch.full((len(rows), max(map(len, rows))), tok.pad_token_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for r, row in enumerate(rows):
            ids[r, :len(row)], mask[r, :len(row)] = torch.tensor(row), 1
        batches.append((ids, mask))
    with torch.inference_mode():
        net(input_ids=batches[0][0], attention_mask=batches[0][1])  # warm-up
        started = time.perf_counter()
        for ids, mask in batches:
            net(input_ids=ids, attention_mask=mask)
        return time.perf_counter() - started


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
    from gktagger.tagging.onnxmodel import ONNX_FILE, export

    export(target, target / ONNX_FILE)
    return target


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=300)
    p.add_argument("--base-docs", type=int, default=24)
    p.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    p.add_argument("--backends", default="onnx,torch", help="comma-separated: onnx, torch")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = p.parse_args(argv)
    backends = args.backends.split(",")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "corpus").mkdir()
        chars = make_corpus(tmp / "corpus", args.docs)
        bare = [bare_forward_seconds(tmp / "corpus", args.model)]
        print("bare fp32 forward", bare, flush=True)
        for backend in backends:
            for workers in (1, 2):
                seconds, peak = run_extract(tmp / "corpus", args.model, workers, tmp / f"out{workers}.jsonl", backend)
                rows.append((f"shipped, {backend}", workers, args.docs, chars, seconds, peak))
                print(rows[-1], flush=True)
        bare.append(bare_forward_seconds(tmp / "corpus", args.model))
        print("bare fp32 forward", bare, flush=True)
        (tmp / "base").mkdir()
        base_chars = make_corpus(tmp / "base", args.base_docs)
        base = bert_base_model(args.model, tmp / "bert-base")
        seconds, peak = run_extract(tmp / "base", base, 2, tmp / "base.jsonl", backends[0])
        rows.append((f"bert-base-sized, {backends[0]}", 2, args.base_docs, base_chars, seconds, peak))
        print(rows[-1], flush=True)
    bare_seconds = sum(bare) / len(bare)
    rate = {(r[0], r[1]): r[3] / r[4] for r in rows}
    first = f"shipped, {backends[0]}"
    base_rate = rows[-1][3] / rows[-1][4]
    lines = ["# Throughput of `gktagger extract`", "",
             f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on this machine ({os.cpu_count()} cores, "
             "**shared with other agents' jobs while it ran**: absolute figures are noisy, the ratios are "
             f"from one run) with `.venv/bin/python bench/throughput.py --docs {args.docs} --base-docs "
             f"{args.base_docs} --backends {args.backends}`: the real corpus (../shared/corpus, reports and seeds) "
             "repeated, JSONL output, wall time of the `gktagger extract` process including start-up and model "
             "loading.", "",
             "| model, backend | workers | documents | characters | seconds | docs/s | chars/s | efficiency ratio | peak memory |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, workers, n, c, s_, peak in rows:
        eff = f"{bare_seconds / s_:.2f}" if name.startswith("shipped") else "–"
        lines.append(f"| {name} | {workers} | {n} | {c} | {s_:.1f} | {n / s_:.2f} | {c / s_:.0f} | {eff} | "
                     f"{peak / 2**20:.0f} MiB |")
    lines += ["",
              f"Bare fp32 PyTorch forward of the shipped model over the same {args.docs} documents' bodies "
              f"(510-char windows, stride 384, batch 8, 2 threads): {bare[0]:.1f} s before the runs, {bare[1]:.1f} s "
              f"after; the efficiency ratio is their mean ({bare_seconds:.1f} s) over the pipeline's wall time.", ""]
    for backend in backends:
        name = f"shipped, {backend}"
        lines.append(f"- {name}: 2 workers / 1 worker = **{rate[(name, 2)] / rate[(name, 1)]:.2f}×**")
    for backend in backends[1:]:
        lines.append(f"- {first} vs shipped, {backend}: **{rate[(first, 1)] / rate[(f'shipped, {backend}', 1)]:.2f}×** "
                     f"(1 worker), **{rate[(first, 2)] / rate[(f'shipped, {backend}', 2)]:.2f}×** (2 workers)")
    lines += [f"- {first}, 2 workers vs the bert-base-sized pipeline (2 workers, characters per second): "
              f"**{rate[(first, 2)] / base_rate:.1f}×**", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
