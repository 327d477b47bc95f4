"""The ``gktagger`` command line.

    gktagger extract INPUT... -o OUT.jsonl|.csv|.parquet [--model DIR] [--workers N] [--resume]
    gktagger validate IN.jsonl -o OUT.jsonl [--max-count N]
    gktagger text FILE        (the document text as read: what every offset of its record points into)
    gktagger show INPUT [-o doc.html] [--model DIR] | --record OUT.jsonl --id ID
    gktagger report OUT.jsonl [-o report.html] [--with-pages] [--pages DIR]
    gktagger crosscheck OUT.jsonl... -o CROSS.jsonl [--html PAGE] [--body-column COL]
    gktagger studio config | push INPUT... --project NAME | pull --project NAME   (Label Studio)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import crosscheck, report, show, studio


def cmd_extract(args) -> int:
    import os

    # read by Tagger.from_pretrained in every worker process (spawned or Ray, same machine)
    if args.backend:
        os.environ["GKTAGGER_BACKEND"] = args.backend
    if args.int8:
        os.environ["GKTAGGER_INT8"] = "1"
    if args.engine == "ray":
        from .rayengine import run_extract_ray

        summary = run_extract_ray(args.inputs, args.output, model=args.model, address=args.address,
                                  num_actors=args.num_actors, batch_size=args.batch_size, resume=args.resume,
                                  quiet=args.quiet, text_column=args.text_column, id_column=args.id_column,
                                  backend=args.backend, quantize=args.int8,
                                  settings=args.set)
    else:
        from .batch import UsageError, run_extract

        if args.address or args.num_actors:
            raise UsageError("--address and --num-actors need --engine ray")
        summary = run_extract(args.inputs, args.output, model=args.model, workers=args.workers,
                              batch_size=args.batch_size, resume=args.resume, quiet=args.quiet,
                              text_column=args.text_column, id_column=args.id_column,
                              settings=args.set)
    if not args.quiet:
        print(summary.table(), file=sys.stderr)
    return 0


def cmd_validate(args) -> int:
    from .batch import UsageError
    from .validate import revalidate

    from .identities import plausibility_rules

    rules = plausibility_rules(max_count=args.max_count)
    src = Path(args.input)
    if not src.exists():
        raise UsageError(f"input not found: {src}")
    out_lines = []
    with open(src, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise UsageError(f"{src}: invalid JSON on line {n}") from None
            out_lines.append(json.dumps(revalidate(record, rules), ensure_ascii=False))
    try:
        Path(args.output).write_text("\n".join(out_lines) + "\n", encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot write output {args.output}: {e.strerror or e}") from None
    failing = sum('"status": "invalid"' in l for l in out_lines)
    print(f"{len(out_lines)} records revalidated, {failing} invalid", file=sys.stderr)
    return 0


def cmd_text(args) -> int:
    """Print exactly the text a record's offsets point into (the decoded source of an HTML page, the
    text the reader builds for a PDF or Word file), nothing added, so ``raw[start:end] == text`` can
    be checked."""
    from .reading import ReadError, read_path

    try:
        doc = read_path(args.file)
    except ReadError as e:
        print(f"gktagger: error: {args.file}: {e}", file=sys.stderr)
        return 1
    except IsADirectoryError:
        print(f"gktagger: error: {args.file} is a directory: text takes one document", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(doc.raw.encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gktagger", description="Validated figures from 政府信息公开工作年度报告 pages.")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("extract", help="extract one validated record per document")
    e.add_argument("inputs", nargs="+", help="files, folders, .jsonl or .parquet corpora")
    e.add_argument("-o", "--output", required=True, help="OUT.jsonl (the contract), .csv or .parquet")
    e.add_argument("--model", help="model directory (default: the model shipped in the package)")
    e.add_argument("--workers", type=int, default=1, help="parallel processes (default 1)")
    e.add_argument("--batch-size", type=int, default=8, help="documents per model batch (default 8)")
    e.add_argument("--resume", action="store_true", help="skip documents already complete in the output")
    e.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    e.add_argument("--text-column", default="text", help='text column of JSONL/Parquet inputs (default "text")')
    e.add_argument("--id-column", default="id", help='id column of JSONL/Parquet inputs (default "id")')
    e.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local processes (default) or a Ray cluster (pip install 'gktagger[ray]')")
    e.add_argument("--address", help="Ray cluster: auto (the one on this machine) or HOST:PORT of its head; "
                   "default: a new local Ray instance")
    e.add_argument("--num-actors", type=int, help="Ray: model actors, one CPU each (default: half the CPUs)")
    e.add_argument("--backend", choices=("onnx", "torch"), help="model runtime (default onnx: ONNX Runtime)")
    e.add_argument("--int8", action="store_true",
                   help="int8 dynamic quantisation of the model (opt-in: costs F1, see bench/RESULTS.md)")
    e.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="change a pipeline setting of the model's pipeline.json (README: Changing a stage), "
                        "e.g. decoder.skip_penalty=2 or 'disabled=[cues]'")
    e.set_defaults(run=cmd_extract)

    v = sub.add_parser("validate", help="re-run the checks on hand-edited records")
    v.add_argument("input", help="records (JSONL) whose fields were edited")
    v.add_argument("-o", "--output", required=True, help="where to write the revalidated records")
    v.add_argument("--max-count", type=float, default=1e6,
                   help="warn on a table 3/4 count above this (default 1e6; table 2 has its own bounds)")
    v.set_defaults(run=cmd_validate)

    t = sub.add_parser("text", help="print the document text as read (the text record offsets index)")
    t.add_argument("file", help="one document: .txt .md .html .pdf .docx")
    t.set_defaults(run=cmd_text)

    show.add_parser(sub)
    report.add_parser(sub)
    crosscheck.add_parser(sub)
    studio.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    from .batch import UsageError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except UsageError as e:
        print(f"gktagger: error: {e}", file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"gktagger: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
