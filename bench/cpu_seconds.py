"""CPU seconds of the pipeline in one process, the model's forward calls timed apart.

    .venv/bin/python bench/cpu_seconds.py [--docs 84] [--runtime auto|onnx:fp32|torch:bf16] [--threads 1]

CPU time (``time.process_time``; the forward calls by their thread's clock, ``time.thread_time``, which
counts ONNX Runtime's work only at one thread, the default) moves less with the load of a shared machine than wall time:
with one thread it is close to what the work costs. The corpus (../shared/corpus, every report and
seed page) is repeated to ``--docs`` documents, read, and extracted in batches of 8 as a worker
does (``extract_guarded``).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=84)
    p.add_argument("--runtime", default="auto", help="auto or BACKEND:PRECISION (onnx:fp32, torch:bf16...)")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    from gktagger.tagging.runtime import parse

    runtime = parse(args.runtime)
    runtime.export()
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    started = time.process_time()
    import torch

    torch.set_num_threads(args.threads)
    from gktagger.extract import Extractor
    from gktagger.io.reading import read_path
    from gktagger.run.batch import chunks
    from gktagger.run.guard import extract_guarded
    from gktagger.training.annotations import corpus_files

    extractor = Extractor()
    loaded = time.process_time()
    model_seconds = 0.0
    runner = extractor.tagger.runner

    def timed(*inputs):  # the model's own thread (extract.py), so its CPU clock, not the process's
        nonlocal model_seconds
        before = time.thread_time()
        logits = runner(*inputs)
        model_seconds += time.thread_time() - before
        return logits

    extractor.tagger.runner = timed
    files = corpus_files()
    docs = [read_path(files[i % len(files)]) for i in range(args.docs)]
    read = time.process_time()
    for batch in chunks(docs, 8):
        extract_guarded(extractor, batch)
    done = time.process_time()
    print(f"{args.docs} documents, {runtime}, {args.threads} thread(s): start-up {loaded - started:.2f}, "
          f"reading {read - loaded:.2f}, pipeline {done - read:.2f} (model forward {model_seconds:.2f}, "
          f"the rest {done - read - model_seconds:.2f}) CPU seconds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
