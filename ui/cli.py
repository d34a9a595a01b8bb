"""`rag ui`: the command-line entry that starts the chat UI (wired into rag/cli.py by `add_parser`)."""
from __future__ import annotations

import argparse
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `ui` on the `rag` command's subparsers: an alias of `rag serve` (the UI is served at /)."""
    p = subparsers.add_parser("ui", help="start the chat UI in the browser (same as `rag serve`)",
                              description="Serve the chat UI, with the REST and OpenAI-compatible APIs "
                                          "(`rag serve`). Set RAG_UI_USER and RAG_UI_PASSWORD to require a login.")
    configure(p)
    return p


def configure(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    from rag.serve.cli import configure as serve_options

    return serve_options(p)


def main(argv: list[str] | None = None) -> int:
    parser = configure(argparse.ArgumentParser(prog="python -m ui", description="Serve the chat UI."))
    args = parser.parse_args(argv)
    from rag.errors import RagError

    try:
        return args.func(args)
    except RagError as err:  # e.g. a public address without a token: one line, as `rag` says it
        print(f"error: {err}", file=sys.stderr)
        return 1
