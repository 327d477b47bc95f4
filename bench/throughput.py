"""Throughput and peak memory of `gktagger extract` on the real corpus mix.

    .venv/bin/python bench/throughput.py [--docs 300] [--rounds 2] [--base-docs 24] [--model DIR]
        [--runtimes auto,onnx:fp32] [--out bench/throughput-last.md]

The corpus (../shared/corpus, every report and seed page) is repeated to
``--docs`` documents in a temporary folder. `gktagger extract` runs on it as a
user runs it (a subprocess, JSONL output, wall time including start-up and
model loading) with 1 and 2 workers (a worker is one core: 2 workers / 1 worker
is how the pool scales), for each runtime of ``--runtimes``
(``BACKEND:PRECISION``, or ``auto``: what ``gktagger extract`` runs by default on
this machine, gktagger/tagging/runtime.py); peak memory is the largest summed
RSS of the process tree, sampled every 50 ms; CPU seconds are the process
tree's user + system time, sampled the same way (``tree_usage``).

The **efficiency ratio** is the time of a bare fp32 PyTorch forward pass of the
same model over the same characters (the normalised bodies the pipeline tags,
510-character windows every 384, batch 8, 2 threads, forward calls only) over
the whole pipeline's wall time. The machine may be shared, so the runs go in
``--rounds`` rounds, each one the bare pass and then every pipeline run back to
back: a ratio is taken within one round, and the best round (least disturbed)
is reported beside each round's.

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

from gktagger.io.reading import read_path  # noqa: E402
from gktagger.tagging.runtime import parse as parse_runtime  # noqa: E402
from gktagger.tagging.tagger import DEFAULT_MODEL_DIR  # noqa: E402
from gktagger.training.annotations import corpus_files  # noqa: E402


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


def tree_usage(pid: int, cpu: dict[int, float]) -> int:
    """Summed resident memory (bytes) of a process and its descendants; ``cpu`` gets each one's CPU
    seconds so far. The workers are the children of a fork server, which nobody waits for when the run
    ends, so the run's own rusage never sees their CPU time: it is sampled here instead (what a process
    spends in the last interval before it exits is missed)."""
    total, stack, tick = 0, [pid], os.sysconf("SC_CLK_TCK")
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            cpu[p] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def run_extract(folder: Path, model: Path, workers: int, out: Path, runtime) -> tuple[float, int, float]:
    """Wall seconds, peak memory (bytes) and CPU seconds of one `gktagger extract` run."""
    cmd = [sys.executable, "-m", "gktagger.cli", "extract", str(folder), "-o", str(out), "--model", str(model),
           "--workers", str(workers), "--quiet"]
    started = time.time()
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, "GKTAGGER_BACKEND": runtime.backend,
                                                "GKTAGGER_PRECISION": runtime.precision})
    peak, cpu = 0, {}
    while proc.poll() is None:
        peak = max(peak, tree_usage(proc.pid, cpu))
        time.sleep(0.05)
    if proc.returncode:
        raise SystemExit(f"extract failed with exit code {proc.returncode}")
    return time.time() - started, peak, sum(cpu.values())


def bare_forward_seconds(folder: Path, model: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the fp32 PyTorch forward calls alone over the documents' normalised bodies."""
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
        started, cpu = time.perf_counter(), time.process_time()
        for ids, mask in batches:
            net(input_ids=ids, attention_mask=mask)
        return time.perf_counter() - started, time.process_time() - cpu


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
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--base-docs", type=int, default=24)
    p.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    p.add_argument("--runtimes", default="auto,onnx:fp32",
                   help="comma-separated BACKEND:PRECISION (onnx:fp32, torch:bf16, onnx:int8...) or auto")
    # not RESULTS.md: that is the curated history, into which a run's table is copied by hand
    p.add_argument("--out", type=Path, default=REPO / "bench" / "throughput-last.md")
    args = p.parse_args(argv)
    runtimes = list(dict.fromkeys(parse_runtime(spec) for spec in args.runtimes.split(",")))
    backends = [str(rt) for rt in runtimes]
    runs = []  # (round, name, workers, documents, characters, wall, peak, cpu)
    bare = []  # (wall, cpu) per round
    loads = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "corpus").mkdir()
        chars = make_corpus(tmp / "corpus", args.docs)
        for r in range(args.rounds):
            loads.append(os.getloadavg()[0])
            bare.append(bare_forward_seconds(tmp / "corpus", args.model))
            print(f"round {r + 1}: bare fp32 forward {bare[-1]}", flush=True)
            for runtime in runtimes:
                for workers in (1, 2):
                    wall, peak, cpu = run_extract(tmp / "corpus", args.model, workers, tmp / f"out{workers}.jsonl", runtime)
                    runs.append((r, f"shipped, {runtime}", workers, args.docs, chars, wall, peak, cpu))
                    print(runs[-1], flush=True)
            loads[-1] = (loads[-1], os.getloadavg()[0])
        (tmp / "base").mkdir()
        base_chars = make_corpus(tmp / "base", args.base_docs)
        base = bert_base_model(args.model, tmp / "bert-base")
        wall, peak, cpu = run_extract(tmp / "base", base, 2, tmp / "base.jsonl", runtimes[0])
        base_run = ("bert-base-sized, " + backends[0], 2, args.base_docs, base_chars, wall, peak, cpu)
        print(base_run, flush=True)
    lines = report(args, backends, runs, bare, loads, base_run)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


def report(args, backends, runs, bare, loads, base_run) -> list[str]:
    first = f"shipped, {backends[0]}"
    wall_of = {(r, name, w): wall for r, name, w, _, _, wall, _, _ in runs}
    # the least disturbed round: the one whose runs took the least wall time in all
    best = min(range(args.rounds), key=lambda r: bare[r][0] + sum(wall for rr, *_, wall, _, _ in runs if rr == r))
    lines = ["# Throughput of `gktagger extract`", "",
             f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on this machine ({os.cpu_count()} cores, "
             "which may be shared with other jobs: absolute figures are noisy, the ratios are taken "
             f"within one round) with `.venv/bin/python bench/throughput.py --docs {args.docs} --rounds {args.rounds} "
             f"--base-docs {args.base_docs} --runtimes {args.runtimes}`: the real corpus (../shared/corpus, reports and "
             "seeds) repeated, JSONL output, wall time of the `gktagger extract` process including start-up and "
             "model loading. Load average (1 min) at the start and end of each round: "
             + ", ".join(f"round {r + 1}: {a:.1f} → {b:.1f}" for r, (a, b) in enumerate(loads)) + ".", "",
             "| round | model, backend | workers | documents | characters | seconds | docs/s | chars/s | CPU s | "
             "efficiency ratio | peak memory |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in range(args.rounds):
        lines.append(f"| {r + 1} | bare fp32 PyTorch forward, 2 threads | – | {args.docs} | {runs[0][4]} | "
                     f"{bare[r][0]:.1f} | – | – | {bare[r][1]:.1f} | – | – |")
        for rr, name, workers, n, c, wall, peak, cpu in runs:
            if rr == r:
                lines.append(f"| {r + 1} | {name} | {workers} | {n} | {c} | {wall:.1f} | {n / wall:.2f} | {c / wall:.0f} | "
                             f"{cpu:.1f} | {bare[r][0] / wall:.2f} | {peak / 2 ** 20:.0f} MiB |")
    name, workers, n, c, wall, peak, cpu = base_run
    lines += [f"| – | {name} | {workers} | {n} | {c} | {wall:.1f} | {n / wall:.2f} | {c / wall:.0f} | {cpu:.1f} | – | "
              f"{peak / 2 ** 20:.0f} MiB |", "",
              "Efficiency ratio: the bare forward pass's wall time over the pipeline's, in the same round. "
              f"Round {best + 1} was the least disturbed (least total wall time).", ""]
    for backend in backends:
        name = f"shipped, {backend}"
        per_round = ", ".join(f"{wall_of[(r, name, 1)] / wall_of[(r, name, 2)]:.2f}×" for r in range(args.rounds))
        lines.append(f"- {name}: 2 workers / 1 worker (docs/s) = **{wall_of[(best, name, 1)] / wall_of[(best, name, 2)]:.2f}×** "
                     f"in round {best + 1} (rounds: {per_round})")
        cpu_of = {w: cpu for r, nm, w, *_, cpu in runs if r == best and nm == name}
        lines.append(f"- {name}: efficiency ratio in round {best + 1} = **{bare[best][0] / wall_of[(best, name, 1)]:.2f}** "
                     f"(1 worker: one core against the bare pass's two), **{bare[best][0] / wall_of[(best, name, 2)]:.2f}** "
                     f"(2 workers); in CPU seconds "
                     f"(less sensitive to the load) {bare[best][1] / cpu_of[1]:.2f} and {bare[best][1] / cpu_of[2]:.2f}")
    base_rate = base_run[3] / base_run[4]
    rate2 = runs[0][4] / wall_of[(best, first, 2)]
    lines += [f"- {first}, 2 workers (round {best + 1}) vs the bert-base-sized pipeline (2 workers, characters per "
              f"second): **{rate2 / base_rate:.1f}×**", ""]
    return lines


if __name__ == "__main__":
    sys.exit(main())
