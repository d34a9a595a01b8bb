"""`rag serve` (and its alias `rag ui`): the chat UI, the REST API and the OpenAI-compatible API in one
service (wired into rag/cli.py by `add_parser`)."""
from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("serve", help="serve the chat UI, the REST API and an OpenAI-compatible API",
                              description="One HTTP service: the chat UI at /, the REST API under /v1 (docs at "
                                          "/docs), OpenAI-compatible /v1/chat/completions. Loopback only "
                                          "unless RAG_API_TOKEN is set; with a token, every request needs it.")
    return configure(p)


def configure(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--host", default=None,
                   help="address to bind (default: ui_host, 127.0.0.1; any other needs RAG_API_TOKEN)")
    p.add_argument("--port", type=int, default=None, help="port (default: ui_port, 7860)")
    p.add_argument("--index", dest="index_dir", default=None, metavar="DIR",
                   help="index folder (default: index_dir from the config)")
    p.add_argument("--no-ui", action="store_true", help="the APIs only (no Gradio import: starts faster)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from rag.config import Config
    from rag.serve.auth import check_bind
    from rag.serve.server import serve

    config = Config.load(index_dir=args.index_dir)
    host, port = args.host or config.ui_host, args.port or config.ui_port
    check_bind(host, config.api_token)  # before any slow import: a refusal is immediate
    url = f"http://{host}:{port}"
    print(f"Serving {'the chat UI on ' + url + '/, ' if not args.no_ui else ''}the API on {url}/v1 "
          f"(docs: {url}/docs). Ctrl+C to stop.", flush=True)
    serve(config, host, port, ui=not args.no_ui)
    return 0
