"""The ``gktagger studio`` subcommands: config, push, pull.

    gktagger studio config
    gktagger studio push INPUT... --project NAME [--model DIR] [--sample N] [--strategy S] [--seed S]
    gktagger studio pull --project NAME [-o data/annotations/pulled]

The server is ``--url``/``--token`` or ``LABEL_STUDIO_URL``/``LABEL_STUDIO_API_KEY``. A server or
argument problem is one line on stderr and exit 2; ``pull`` exits 1 when an annotation does not
fit its document (one line per problem), after writing the others.
"""
from __future__ import annotations

import argparse
import sys

from .push import STRATEGIES
from .server import DEFAULT_URL, StudioError


def cmd_config(args) -> int:
    from .config import labeling_config

    sys.stdout.write(labeling_config())
    return 0


def _cross(path: str | None) -> dict[str, int]:
    """Failing cross-year checks per document id, from ``gktagger crosscheck``'s CROSS.jsonl."""
    import json

    from .push import cross_failures

    if not path:
        return {}
    try:
        lines = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    except (OSError, ValueError) as e:
        raise StudioError(f"cannot read --crosscheck {path}: {e}") from None
    return cross_failures([l for l in lines if isinstance(l, dict)])


def cmd_push(args) -> int:
    from ..reading import iter_documents
    from .config import labeling_config
    from .push import push
    from .server import connect, server_errors

    if args.sample is not None and args.sample < 1:
        raise StudioError(f"--sample must be at least 1, not {args.sample}")
    documents = iter_documents(args.inputs, text_column=args.text_column, id_column=args.id_column)
    studio = connect(args.url, args.token)
    from ..tagger import Tagger  # torch takes seconds to import: not before the server is known to answer

    tagger = Tagger.from_pretrained(args.model)
    docs = []
    for doc in documents:
        if doc.error:
            print(f"gktagger: skipped {doc.id}: {doc.error}", file=sys.stderr)
        else:
            docs.append(doc)
    with server_errors(studio.url):
        result = push(studio, docs, args.project, labeling_config(), tagger, args.sample, args.strategy, args.seed,
                      cross=_cross(args.crosscheck))
    print(f"pushed {len(result.pushed)} document(s) with predictions of {result.model_version} to "
          f"{'new ' if result.created else ''}project "
          f"{args.project!r}: {studio.project_url(result.project_id)}"
          f" ({result.already_there} already there)", file=sys.stderr)
    return 0


def cmd_pull(args) -> int:
    from .pull import pull
    from .server import connect, server_errors

    studio = connect(args.url, args.token)
    with server_errors(studio.url):
        result = pull(studio, args.project, args.output)
    for problem in result.problems:
        print(f"gktagger: {problem}", file=sys.stderr)
    print(f"pulled project {args.project!r} into {args.output}: {len(result.written)} annotation(s) written, "
          f"{len(result.unchanged)} unchanged, {result.not_annotated} task(s) skipped or without a submitted "
          f"annotation; export kept in {result.export}", file=sys.stderr)
    if result.problems:
        print(f"gktagger: {len(result.problems)} problem(s) above; an annotation that does not fit its text is "
              "not written: fix it in Label Studio and pull again", file=sys.stderr)
        return 1
    return 0


def add_studio_parser(sub) -> None:
    """Register ``gktagger studio {config,push,pull}`` on the main parser's subcommands."""
    studio = sub.add_parser("studio", help="correct the model's tags in Label Studio and pull them for training")
    actions = studio.add_subparsers(dest="studio_command", required=True)

    server = argparse.ArgumentParser(add_help=False)
    server.add_argument("--url", help=f"Label Studio URL (default: $LABEL_STUDIO_URL or {DEFAULT_URL})")
    server.add_argument("--token", help="API token (default: $LABEL_STUDIO_API_KEY)")

    c = actions.add_parser("config", help="print the labeling config generated from the field catalogue")
    c.set_defaults(run=cmd_config)

    p = actions.add_parser("push", parents=[server], help="send documents as tasks pre-annotated by the model")
    p.add_argument("inputs", nargs="+", help="files, folders, .jsonl or .parquet corpora")
    p.add_argument("--project", required=True, help="project title (created with the gktagger config if missing)")
    p.add_argument("--model", help="model directory (default: the model shipped in the package)")
    p.add_argument("--sample", type=int, help="send at most N documents (default: all new ones)")
    p.add_argument("--strategy", choices=STRATEGIES, default="random",
                   help="which documents: random (seeded), uncertain (lowest mean tag score first), "
                        "invalid (extraction fails a check); default random")
    p.add_argument("--crosscheck", metavar="CROSS.jsonl",
                   help="with --strategy invalid: also take documents failing a cross-year check of `gktagger crosscheck`")
    p.add_argument("--seed", type=int, default=0, help="seed of --strategy random (default 0)")
    p.add_argument("--text-column", default="text", help='text column of JSONL/Parquet inputs (default "text")')
    p.add_argument("--id-column", default="id", help='id column of JSONL/Parquet inputs (default "id")')
    p.set_defaults(run=cmd_push)

    q = actions.add_parser("pull", parents=[server], help="write submitted annotations as training files")
    q.add_argument("--project", required=True, help="project title")
    q.add_argument("-o", "--output", default="data/annotations/pulled",
                   help="annotation folder (default data/annotations/pulled)")
    q.set_defaults(run=cmd_pull)
