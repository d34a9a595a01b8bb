"""`rag ui`: the command-line entry that starts the chat UI (wired into rag/cli.py by `add_parser`)."""
from __future__ import annotations

import argparse
import os


def add_parser(subparsers: "argparse._SubParsersAction") -> argparse.ArgumentParser:
    """Register `ui` on the `rag` command's subparsers; the handler is stored as `func`."""
    p = subparsers.add_parser("ui", help="start the chat UI in the browser",
                              description="Serve the chat UI (Gradio). Set RAG_UI_USER and RAG_UI_PASSWORD "
                                          "to require a login.")
    configure(p)
    return p


def configure(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--host", default=os.environ.get("RAG_UI_HOST", "127.0.0.1"),
                   help="address to bind (default 127.0.0.1; anything else warns unless a login is set)")
    p.add_argument("--port", type=int, default=int(os.environ.get("RAG_UI_PORT", "7860")),
                   help="port (default 7860)")
    p.add_argument("--index", dest="index_dir", default=None, metavar="DIR",
                   help="index folder (default: index_dir from the config)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from ui.app import launch

    print(f"Starting the chat UI on http://{args.host}:{args.port} (Ctrl+C to stop)")
    launch(host=args.host, port=args.port, index_dir=args.index_dir, block=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = configure(argparse.ArgumentParser(prog="python -m ui", description="Serve the chat UI."))
    args = parser.parse_args(argv)
    return args.func(args)
