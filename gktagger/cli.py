"""The ``gktagger`` command line.

    gktagger extract INPUT... -o OUT.jsonl|.csv|.parquet [--model DIR] [--workers N] [--resume] [--fail-on S]
    gktagger validate IN.jsonl -o OUT.jsonl [--max-count N] [--fail-on S]
    gktagger text FILE        (the document text as read: what every offset of its record points into)
    gktagger show INPUT [-o doc.html] [--model DIR] | --record OUT.jsonl --id ID
    gktagger report OUT.jsonl [-o report.html] [--with-pages] [--pages DIR]
    gktagger crosscheck OUT.jsonl... -o CROSS.jsonl [--html PAGE] [--body-column COL]
    gktagger studio config | push INPUT... --project NAME | pull --project NAME | backend   (Label Studio)
    gktagger train | evaluate | package | info   (the model: gktagger.training.commands)
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gktagger import __version__, studio
from gktagger.errors import UsageError
from gktagger.identities import plausibility_rules
from gktagger.io.outputs import atomic_write, record_line
from gktagger.io.reading import ReadError, read_path
from gktagger.record.validate import revalidate_lines
from gktagger.review import crosscheck
from gktagger.review import report
from gktagger.review import show
from gktagger.run.batch import OutputError, run_extract
from gktagger.run.pool import PoolError
from gktagger.run.rayengine import run_extract_ray
from gktagger.schema import FIELDS
from gktagger.tagging.runtime import resolve as resolve_runtime
from gktagger.training import commands as mlcommands

EXAMPLES = """examples:
  gktagger extract reports/ -o out.jsonl --workers 2          one record per document (JSON Lines)
  gktagger extract corpus.parquet --text-column body -o out.parquet --keep-columns site,url
  gktagger extract reports/ -o out.jsonl --resume              finish an interrupted run
  gktagger validate edited.jsonl -o checked.jsonl              re-check hand-edited fields
  gktagger show report.txt -o report.html                      review one document in a browser
  gktagger report out.jsonl -o site/index.html --with-pages    corpus overview + a page per document
  gktagger studio backend --port 9090                          Label Studio ML backend
  gktagger train --config smoke                                train a tiny model (shipped recipes:
                                                               default, smoke, loso)
  gktagger info                                                versions, model, pipeline settings

exit codes: 0 done (records with status error/invalid included, unless --fail-on), 1 --fail-on matched
or a problem reported per item, 2 bad arguments or input, 130 interrupted."""

FAIL_ON = {"error": ("error",), "invalid": ("error", "invalid")}


def quiet_libraries() -> None:
    """No transformers/huggingface logging or bars, here and in worker processes (they inherit the env)."""
    os.environ["TRANSFORMERS_VERBOSITY"] = "error"
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    os.environ["TRANSFORMERS_NO_ADVISORY_WARNINGS"] = "1"
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()


def failed(statuses: dict, fail_on: str | None) -> bool:
    return fail_on is not None and any(statuses.get(s, 0) for s in FAIL_ON[fail_on])


def cmd_extract(args) -> int:
    if args.quiet:
        quiet_libraries()
    # resolved here, once: every worker process (local or Ray, this machine's CPU or another's) runs the
    # same arithmetic, read by Tagger.from_pretrained from the environment
    try:
        runtime = resolve_runtime(args.backend, "int8" if args.int8 else args.precision)
    except ValueError as e:
        raise UsageError(str(e)) from None
    runtime.export()
    if args.engine == "ray":
        if args.workers is not None:
            raise UsageError("--workers is the local engine's: with --engine ray, give --num-actors")
        summary = run_extract_ray(args.inputs, args.output, model=args.model, address=args.address,
                                  num_actors=args.num_actors, batch_size=args.batch_size, resume=args.resume,
                                  quiet=args.quiet, text_column=args.text_column, id_column=args.id_column,
                                  runtime=runtime, settings=args.set)
    else:
        if args.address or args.num_actors:
            raise UsageError("--address and --num-actors need --engine ray")
        summary = run_extract(args.inputs, args.output, model=args.model, workers=args.workers,
                              batch_size=args.batch_size, resume=args.resume, quiet=args.quiet,
                              text_column=args.text_column, id_column=args.id_column, settings=args.set,
                              keep_columns=[c for c in (args.keep_columns or "").split(",") if c], long=args.long)
    if not args.quiet:
        print(summary.table(), file=sys.stderr)
    if failed(summary.status, args.fail_on):
        if args.quiet:
            print(f"gktagger: --fail-on {args.fail_on}: " + ", ".join(
                f"{summary.status.get(s, 0)} {s}" for s in FAIL_ON[args.fail_on]), file=sys.stderr)
        return 1
    return 0


def record_problem(record) -> str | None:
    """Why a (hand-edited) record cannot be revalidated, or None."""
    if not isinstance(record, dict):
        return "not a JSON object"
    fields = record.get("fields", {})
    if not isinstance(fields, dict):
        return '"fields" is not an object'
    for fid, entry in fields.items():
        if fid not in FIELDS:
            return f"unknown field ID {fid!r}"
        if not isinstance(entry, dict):
            return f"field {fid}: not an object"
        value = entry.get("value")
        if not entry.get("na") and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return f"field {fid}: value {value!r} is not a number (write 81, not \"81\"; or \"na\": true)"
    return None


def cmd_validate(args) -> int:
    rules = plausibility_rules(max_count=args.max_count)
    src = Path(args.input)
    if not src.is_file():
        raise UsageError(f"input not found: {src}")
    out = Path(args.output)
    if out.exists() and out.resolve() == src.resolve():
        raise UsageError(f"output {out} is the input: choose another output")
    out_lines, problems, statuses = [], [], {"error": 0, "invalid": 0, "empty": 0}
    with open(src, encoding="utf-8", errors="surrogateescape") as f:
        for record, problem in revalidate_lines(f, str(src), rules):
            try:
                line = record_line(record)
            except ValueError as e:
                problem = f"{record.get('id')}: {e}"
                line = record_line({**{k: record.get(k) for k in ("id", "source")}, "status": "error",
                                    "error": problem, "fields": {}, "checks": []})
            if problem:
                problems.append(problem)
                statuses["error"] += 1
            elif not record.get("fields") and record.get("status") != "error":
                problems.append(f"{record.get('id')}: no fields: nothing was checked")
                statuses["empty"] += 1
            statuses["invalid"] += record.get("status") == "invalid"
            out_lines.append(line)
    try:
        atomic_write(out, lambda tmp: tmp.write_text("".join(out_lines), encoding="utf-8"))
    except OSError as e:
        raise UsageError(f"cannot write output {args.output}: {e.strerror or e}") from None
    for problem in problems[:20]:
        print(f"gktagger: {src}: {problem}", file=sys.stderr)
    if len(problems) > 20:
        print(f"gktagger: … and {len(problems) - 20} more records with problems", file=sys.stderr)
    print(f"{len(out_lines)} records revalidated: {statuses['invalid']} invalid, {statuses['empty']} without fields, "
          f"{statuses['error']} with errors (not revalidated)", file=sys.stderr)
    return 1 if statuses["error"] or failed(statuses, args.fail_on) else 0


def cmd_text(args) -> int:
    """Print exactly the text a record's offsets point into (the decoded source of an HTML page, the
    text the reader builds for a PDF or Word file), nothing added, so ``raw[start:end] == text`` can
    be checked."""

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
    p = argparse.ArgumentParser(prog="gktagger", description="Validated figures from 政府信息公开工作年度报告 pages.",
                                epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"gktagger {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("extract", help="extract one validated record per document")
    e.add_argument("inputs", nargs="+", help="files, folders, .jsonl or .parquet corpora")
    e.add_argument("-o", "--output", required=True, help="OUT.jsonl (the contract), .csv or .parquet")
    e.add_argument("--model", help="model directory (default: the model shipped in the package)")
    e.add_argument("--workers", type=int, help="parallel processes of one core each, 1-64 (default: one per "
                   "core this run may use, as memory allows)")
    e.add_argument("--batch-size", type=int, default=8, help="documents per model batch, 1-1024 (default 8)")
    e.add_argument("--resume", action="store_true", help="skip documents already complete in the output")
    e.add_argument("--quiet", action="store_true", help="no progress bar, summary or library logging")
    e.add_argument("--fail-on", choices=sorted(FAIL_ON), help="exit 1 when a record has status error "
                   "(error), or error or invalid (invalid); default: exit 0 whatever the records say")
    e.add_argument("--text-column", default="text", help='text column of JSONL/Parquet inputs (default "text")')
    e.add_argument("--id-column", default="id", help='id column of JSONL/Parquet inputs (default "id")')
    e.add_argument("--keep-columns", metavar="A,B", help="input columns of JSONL/Parquet corpora carried into the "
                   "output (a \"columns\" key in JSONL, columns in CSV/Parquet)")
    e.add_argument("--long", action="store_true",
                   help="Parquet: one row per document and field instead of one row per document")
    e.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local processes (default) or a Ray cluster (pip install 'gktagger[ray]')")
    e.add_argument("--address", help="Ray cluster: auto (the one on this machine) or HOST:PORT of its head; "
                   "default: a new local Ray instance")
    e.add_argument("--num-actors", type=int, help="Ray: model actors, one CPU each (default: half the CPUs)")
    e.add_argument("--backend", choices=("auto", "onnx", "torch"),
                   help="model runtime (default auto: torch where --precision resolves to bf16, else ONNX Runtime)")
    e.add_argument("--precision", choices=("auto", "fp32", "bf16", "int8"),
                   help="model arithmetic (default auto: bf16 on a CPU with native bfloat16, AMX or AVX512-BF16, "
                        "else fp32; README: Speed)")
    e.add_argument("--int8", action="store_true", help="the same as --precision int8 (opt-in: costs F1)")
    e.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="change a pipeline setting of the model's pipeline.json (README: Changing a stage), "
                        "e.g. decoder.skip_penalty=2, 'disabled=[cues]' or limits.pdf.max_pages=50")
    e.set_defaults(run=cmd_extract)

    v = sub.add_parser("validate", help="re-run the checks on hand-edited records")
    v.add_argument("input", help="records (JSONL) whose fields were edited")
    v.add_argument("-o", "--output", required=True, help="where to write the revalidated records")
    v.add_argument("--max-count", type=float, default=1e6,
                   help="warn on a table 3/4 count above this (default 1e6; table 2 has its own bounds)")
    v.add_argument("--fail-on", choices=sorted(FAIL_ON),
                   help="exit 1 when a record cannot be revalidated (error), or also when one is invalid (invalid)")
    v.set_defaults(run=cmd_validate)

    t = sub.add_parser("text", help="print the document text as read (the text record offsets index)")
    t.add_argument("file", help="one document: .txt .md .html .pdf .docx")
    t.set_defaults(run=cmd_text)

    show.add_parser(sub)
    report.add_parser(sub)
    crosscheck.add_parser(sub)
    studio.add_parser(sub)
    mlcommands.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] and argv[0] in mlcommands.PASSTHROUGH:  # options go to the training module's parser
        return mlcommands.passthrough(argv[0], argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except UsageError as e:
        print(f"gktagger: error: {e}", file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"gktagger: error: {e}", file=sys.stderr)
        return 2
    except (OutputError, PoolError) as e:
        print(f"gktagger: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("gktagger: interrupted" + (" (records written so far are kept: run again with --resume)"
                                         if args.command == "extract" else ""), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
