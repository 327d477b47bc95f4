"""The ``gktagger studio`` subcommands: config, push, pull.

    gktagger studio config
    gktagger studio push INPUT... --project NAME [--model DIR] [--sample N] [--strategy S] [--seed S]
    gktagger studio pull --project NAME [-o data/annotations/pulled]
    gktagger studio backend [--port 9090] [--model DIR] [--train-config C] [--train-set K=V ...] [--no-train]

The server is ``--url``/``--token`` or ``LABEL_STUDIO_URL``/``LABEL_STUDIO_API_KEY``. A server or
argument problem is one line on stderr and exit 2; ``pull`` exits 1 when an annotation does not
fit its document (one line per problem), after writing the others.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gktagger.extract import Extractor  # torch takes seconds to import: not before the server is known to answer
from gktagger.io.reading import iter_documents
from gktagger.studio.backend import GktaggerBackend, Retrainer
from gktagger.studio.config import labeling_config
from gktagger.studio.pull import pull
from gktagger.studio.push import STRATEGIES, cross_failures, push
from gktagger.studio.server import DEFAULT_URL, StudioError, connect, server_errors, url_and_token
from gktagger.training.config import RecipeError, config_path


def cmd_config(args) -> int:
    sys.stdout.write(labeling_config())
    return 0


def _cross(path: str | None) -> dict[str, int]:
    """Failing cross-year checks per document id, from ``gktagger crosscheck``'s CROSS.jsonl."""
    if not path:
        return {}
    try:
        lines = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    except (OSError, ValueError) as e:
        raise StudioError(f"cannot read --crosscheck {path}: {e}") from None
    return cross_failures([l for l in lines if isinstance(l, dict)])


def cmd_push(args) -> int:
    if args.sample is not None and args.sample < 1:
        raise StudioError(f"--sample must be at least 1, not {args.sample}")
    documents = iter_documents(args.inputs, text_column=args.text_column, id_column=args.id_column)
    studio = connect(args.url, args.token)

    extractor = Extractor(model=args.model)
    docs = []
    for doc in documents:
        if doc.error:
            print(f"gktagger: skipped {doc.id}: {doc.error}", file=sys.stderr)
        else:
            docs.append(doc)
    with server_errors(studio.url):
        result = push(studio, docs, args.project, labeling_config(), extractor, args.sample, args.strategy, args.seed,
                      cross=_cross(args.crosscheck))
    print(f"pushed {len(result.pushed)} document(s) with predictions of {result.model_version} to "
          f"{'new ' if result.created else ''}project "
          f"{args.project!r}: {studio.project_url(result.project_id)}"
          f" ({result.already_there} already there)", file=sys.stderr)
    return 0


def cmd_pull(args) -> int:
    studio = connect(args.url, args.token)
    with server_errors(studio.url):
        try:
            result = pull(studio, args.project, args.output)
        except ValueError as e:  # a malformed export
            print(f"gktagger: error: {str(e).splitlines()[0] if str(e) else type(e).__name__}", file=sys.stderr)
            return 1
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


def cmd_backend(args) -> int:
    try:
        from gktagger.studio.app import serve
    except ImportError as e:
        raise StudioError(f"the ML backend needs the studio extra ({e.name} is missing): "
                          "pip install 'gktagger[studio]'") from None

    retrainer = None
    if not args.no_train:

        try:
            config = config_path(args.train_config)
        except RecipeError as e:
            raise StudioError(f"{e}: pass --train-config or --no-train") from None
        url, token = args.url, args.token
        try:

            url, token = url_and_token(url, token)
        except StudioError as e:
            raise StudioError(f"{e} -- the backend pulls annotations to retrain; or pass --no-train") from None
        retrainer = Retrainer(url, token, str(config.resolve()), list(args.train_set),
                              Path(args.work_dir).resolve())
    backend = GktaggerBackend(args.model, retrainer)
    print(f"gktagger ML backend for Label Studio on http://{args.host}:{args.port} serving {backend.model_version}: "
          "add this URL in the project's Settings > Model", file=sys.stderr)
    serve(backend, args.host, args.port, quiet=args.quiet)
    return 0


def add_studio_parser(sub) -> None:
    """Register ``gktagger studio {config,push,pull,backend}`` on the main parser's subcommands."""
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
                   help="which documents: random (seeded), uncertain (lowest mean field score of the "
                        "extracted record first), "
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

    b = actions.add_parser("backend", parents=[server],
                           help="serve the full pipeline's predictions to Label Studio; retrain on new annotations",
                           description="A Label Studio ML backend: add http://HOST:PORT in the project's "
                                       "Settings > Model. Tasks get the full pipeline's spans as predictions; each "
                                       "submitted annotation queues a retrain with the --train-config recipe "
                                       "(annotations pulled with --url/--token), then the new model is served.")
    b.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    b.add_argument("--port", type=int, default=9090, help="port (default 9090)")
    b.add_argument("--model", help="model directory (default: the model shipped in the package)")
    b.add_argument("--train-config", default="configs/default.yaml",
                   help="training recipe for retrains: a YAML file or a shipped name (default configs/default.yaml)")
    b.add_argument("--train-set", nargs="*", default=[], metavar="KEY=VALUE",
                   help="overrides of the recipe, as training's --set")
    b.add_argument("--work-dir", default="runs/studio-backend",
                   help="where pulled annotations and retrained models go (default runs/studio-backend)")
    b.add_argument("--no-train", action="store_true", help="predict only: annotation events retrain nothing")
    b.add_argument("--quiet", action="store_true", help="log warnings only")
    b.set_defaults(run=cmd_backend)
