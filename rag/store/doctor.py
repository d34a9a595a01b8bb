"""`rag doctor [--repair]`: check an on-disk index part by part; rebuild what is damaged from what is there."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_doctor(args: argparse.Namespace) -> int:
    from rag.config import Config
    from rag.errors import RagError
    from rag.store.integrity import inspect, repair_command
    from rag.store.repair import repair

    config = Config.load(index_dir=args.index)
    if config.chroma_url:
        raise RagError("rag doctor checks an on-disk index; a Chroma server keeps its own data (chroma_url is set)")
    index_dir = Path(config.index_dir)
    if not index_dir.is_dir():
        raise RagError(f"No index at {index_dir}.")
    if args.repair:
        report = repair(config, say=lambda line: print(line, file=sys.stderr))
        print(report.summary())
        return 1 if report.lost else 0
    problems = inspect(config)
    if not problems:
        from rag.store import catalogue

        cat = catalogue.read(index_dir) or {}
        sentences = cat.get("sentences", 0)
        stored = f"{sentences} sentence vectors" if sentences else "sentence vectors made at question time"
        print(f"index {index_dir}: healthy ({len(cat.get('documents', []))} documents, {cat.get('chunks', 0)} "
              f"chunks, {stored})")
        return 0
    for p in problems:
        print(f"damaged: {p}")
    print(f"repair with: {repair_command(index_dir)}")
    return 1


def add_parser(sub) -> None:
    p = sub.add_parser("doctor", help="check the index part by part; --repair rebuilds what is damaged")
    p.add_argument("--index", metavar="DIR", help="index folder (default: RAG_INDEX_DIR or ./index)")
    p.add_argument("--repair", action="store_true", help="rebuild damaged parts from the stored text and articles")
    p.set_defaults(func=cmd_doctor)
