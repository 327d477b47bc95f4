"""ONNX Runtime fp32 vs PyTorch bf16, and both vs a bare fp32 forward pass, measured in alternation.

    .venv/bin/python bench/interleaved.py [--docs 60] [--rounds 2] [--workers 1]

On a machine shared with other jobs the load changes within minutes, so runs measured one after
the other (bench/throughput.py) compare conditions as much as code. Here every round runs, back
to back: `gktagger extract --precision fp32` (ONNX Runtime), the same at bf16 (PyTorch), and the bare fp32
forward pass (bench/throughput.py's definition); each ratio is taken within its round.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import DEFAULT_MODEL_DIR, bare_forward_seconds, make_corpus, run_extract  # noqa: E402

from gktagger.tagging.runtime import parse as parse_runtime  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=60)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    args = p.parse_args(argv)
    lines = ["| round | onnx fp32 s | torch bf16 s | bare fp32 forward s | bf16/fp32 speed | efficiency fp32 | "
             "efficiency bf16 |",
             "|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "corpus").mkdir()
        make_corpus(tmp / "corpus", args.docs)
        for r in range(1, args.rounds + 1):
            onnx, _, _ = run_extract(tmp / "corpus", args.model, args.workers, tmp / "onnx.jsonl", parse_runtime("onnx:fp32"))
            torch_, _, _ = run_extract(tmp / "corpus", args.model, args.workers, tmp / "torch.jsonl",
                                       parse_runtime("torch:bf16"))
            bare, _ = bare_forward_seconds(tmp / "corpus", args.model)
            lines.append(f"| {r} | {onnx:.1f} | {torch_:.1f} | {bare:.1f} | {onnx / torch_:.2f}× | {bare / onnx:.2f} | "
                         f"{bare / torch_:.2f} |")
            print(lines[-1], flush=True)
    print(f"\n`python bench/interleaved.py --docs {args.docs} --rounds {args.rounds} --workers {args.workers}`:\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
