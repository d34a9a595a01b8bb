"""The `rag` command line. Subcommands owned by other modules register through their `add_parser`."""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from typing import Any

from rag.errors import RagError
from rag.printable import printable

# Modules that contribute a subcommand: each has add_parser(subparsers) that sets `func` on its parser.
_PLUGINS = ("rag.serve.cli", "ui.cli", "eval.cli", "rag.answer.models", "bench.suite", "rag.store.doctor")


def _open(args: argparse.Namespace, must_exist: bool = False):
    from rag.api import RAG
    from rag.config import Config
    from rag.store.chroma import default_index_exists

    config = Config.load(index_dir=getattr(args, "index", None), ray_address=getattr(args, "ray", None))
    if not config.chroma_url:
        from rag.store.integrity import check_at_open

        check_at_open(config)  # a lost database the catalogue knows of is damage, not "no index"
    if must_exist and not config.chroma_url and not default_index_exists(config.index_dir):
        raise RagError(f"No index at {config.index_dir}. Build one first:\n"
                       f"  rag index seeds/            (or any folder of .txt/.md/.html/.pdf articles)")
    if must_exist:  # about to answer: load the model while Chroma is imported and opened
        from rag.embed import preload_embedder

        preload_embedder(config)
    return RAG.open(config=config)


def cmd_index(args: argparse.Namespace) -> int:
    rag = _open(args)
    report = rag.index(args.paths, progress=not args.quiet)
    print(report.summary())
    print(f"index: {rag.config.chroma_url or rag.config.index_dir} ({rag.count()} chunks)")
    return 0 if (report.added or report.replaced or report.unchanged or report.removed) or not report.skipped else 1


def _filters(args: argparse.Namespace) -> dict[str, Any] | None:
    filters = {"source": args.source, "since": args.since, "until": args.until}
    return {k: v for k, v in filters.items() if v} or None


def _answerer(args: argparse.Namespace):
    """A running service for the same index (rag/serve/client.py), unless --local; else the index itself."""
    if not args.local:
        from rag.config import Config
        from rag.serve.client import find_service

        service = find_service(Config.load(index_dir=args.index))
        if service is not None:
            service.passages = args.passages
            return service
    return _open(args, must_exist=True)


def cmd_ask(args: argparse.Namespace) -> int:
    rag = _answerer(args)
    kwargs = dict(top_k=args.top_k, generator=args.generator, filters=_filters(args))
    if args.stream and not args.json:
        answer = None
        for piece in rag.ask_stream(args.question, **kwargs):
            if isinstance(piece, str):
                print(piece, end="", flush=True)
            else:
                answer = piece
        print()
        if answer is not None and answer.text and not answer.refused:
            print("\n(grounded answer)\n" + answer.text)
    else:
        answer = rag.ask(args.question, **kwargs)
        if args.json:
            data = answer.to_dict()
            if not args.passages:
                data.pop("passages", None)
            print(json.dumps(data, ensure_ascii=False, indent=2))
            return 0
        print(answer.text)
    if answer is not None and answer.partial:
        print("(partial: the articles cover something close to the question, not what it asks)")
    if answer is not None and answer.citations:
        print()
        for c in answer.citations:
            meta = ", ".join(printable(x) for x in (c.publisher, c.date) if x)
            print(f"[{c.n}] {printable(c.title)} — {printable(c.source)}{f' ({meta})' if meta else ''}")
            print(f"    “{c.sentence or c.text[:200]}”")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    rag = _open(args, must_exist=True)
    docs = rag.documents()
    if args.json:
        print(json.dumps(docs, ensure_ascii=False, indent=2))
        return 0
    for d in docs:
        print(f"{printable(d['name']):40} {d['n_chunks']:>4} chunks  {printable(d['date']) or '—':10}  "
              f"{printable(d['title'])[:70]}")
    print(f"{len(docs)} documents, {rag.count()} chunks")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    rag = _open(args, must_exist=True)
    removed = rag.delete(args.name)
    if not removed:
        print(f"no indexed document is called {args.name!r} (see `rag docs`)", file=sys.stderr)
        return 1
    print(f"removed {args.name} ({removed} chunks)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Ask questions about your news articles, "
                                     "offline, with numbered citations.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index", metavar="DIR", help="index folder (default: RAG_INDEX_DIR or ./index)")

    p = sub.add_parser("index", parents=[common], help="add or update articles (files or folders)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--ray", metavar="ADDRESS", help="read, chunk and embed on this Ray cluster (host:port or "
                   "'auto'); this process writes (best to a Chroma server: chroma_url)")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", parents=[common], help="ask a question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--passages", action="store_true", help="with --json: include every retrieved passage")
    p.add_argument("--stream", action="store_true", help="print the answer as it is produced")
    p.add_argument("--top-k", type=int, help="passages given to the answerer")
    p.add_argument("--generator", help="answer backend (extractive, llamacpp, openai, …)")
    p.add_argument("--source", help="only articles from this source (e.g. Dawn)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only articles published on or after")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="only articles published on or before")
    p.add_argument("--local", action="store_true", help="answer in this process even if a service runs "
                   "(default: a `rag serve` for the same index, at RAG_SERVER_URL or port 7860, answers)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("docs", parents=[common], help="list indexed documents")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("delete", parents=[common], help="remove a document from the index")
    p.add_argument("name", help="file name or document id")
    p.set_defaults(func=cmd_delete)

    for module in _PLUGINS:
        try:
            add: Callable = importlib.import_module(module).add_parser
        except ModuleNotFoundError as err:
            if err.name and module.startswith(err.name):  # not installed beside rag (eval/, ui/ outside a checkout)
                continue
            print(f"warning: the `rag` commands of {module} are unavailable: {err}", file=sys.stderr)
            continue
        except ImportError as err:
            print(f"warning: the `rag` commands of {module} are unavailable: {err}", file=sys.stderr)
            continue
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except RagError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
