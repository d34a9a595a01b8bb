"""`rag eval`: score the chain on a gold set, write JSON / Markdown, gate against the baseline.

Wired into `rag/cli.py` with `eval.cli.add_parser(subparsers)`; the parser's `func` default is the
handler, which returns the exit code: 0 ok, 1 the gate failed, 2 bad input (gold file, corpus, index).
Also runnable alone as `python -m eval ...`.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from eval import ENGINES

DEFAULT_GOLD = Path(__file__).resolve().parent / "gold.jsonl"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "eval", help="score answers on a gold question set and gate against the baseline",
        description="Index a corpus into a fresh store (or use --index), ask every gold question through "
                    "the same chain as `rag ask`, and score retrieval, answers, citations, refusals and latency.")
    configure(p)
    return p


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gold", default=str(DEFAULT_GOLD), metavar="FILE",
                   help="gold set: our JSONL or a LlamaIndex rag_dataset.json (default: eval/gold.jsonl)")
    p.add_argument("--corpus", metavar="DIR", help="documents to index (default: the seeds, unless --index is given)")
    p.add_argument("--index", metavar="DIR", help="use this index folder instead of a fresh temporary one")
    p.add_argument("--json", metavar="OUT", help="write the summary and per-question results as JSON ('-' = stdout)")
    p.add_argument("--report", metavar="OUT.md", help="write a Markdown report with a PNG plot next to it")
    p.add_argument("--check", action="store_true", help="exit 1 when a gated metric falls below the baseline")
    p.add_argument("--top-k", type=int, metavar="K", help="passages handed to the answerer (default: config top_k)")
    p.add_argument("--generator", metavar="NAME", help="answer backend (default: config generator)")
    p.add_argument("--engine", choices=ENGINES, default="ours",
                   help="what answers: our chain (default), or LlamaIndex's default query engine "
                        "(VectorStoreIndex over the same Chroma index, its default prompt and top k, the same LLM)")
    p.add_argument("--negative", action="store_true",
                   help="negative rejection: leave out the passages that answer each question (its sources and "
                        "any passage holding a required fact); every question should then be refused")
    p.add_argument("--update-baseline", action="store_true",
                   help="record this run as the new baseline (review the diff before committing)")
    p.add_argument("--baseline", metavar="FILE", help="baseline file (default: eval/baseline.json)")
    p.add_argument("-v", "--verbose", action="store_true", help="log every question")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    import rag  # noqa: F401  (offline settings before any ML import)
    from eval import baseline as bl
    from eval.gold import load_gold
    from eval.report import SUMMARY_HEADER, summary_rows, text_table, write_report
    from eval.runner import display_path, run_eval
    from rag.errors import RagError

    to_stdout = args.json == "-"
    out = sys.stderr if to_stdout else sys.stdout
    log = (lambda msg: print(msg, file=sys.stderr)) if args.verbose else None
    if args.top_k is not None and args.top_k < 1:
        print("error: --top-k must be at least 1", file=sys.stderr)
        return 2
    if args.negative and (args.update_baseline or args.check):
        print("error: --negative runs are not gated: leave out --check / --update-baseline", file=sys.stderr)
        return 2
    if args.engine != "ours" and (args.update_baseline or args.check):
        print(f"error: the gate is for our chain: leave out --check / --update-baseline with --engine {args.engine}",
              file=sys.stderr)
        return 2
    baseline_path = Path(args.baseline) if args.baseline else bl.DEFAULT_BASELINE
    try:
        items = load_gold(args.gold)
        baseline = _comparison_baseline(args, baseline_path)
        t0 = time.perf_counter()
        result = run_eval(items, corpus=args.corpus, index_dir=args.index, top_k=args.top_k,
                          generator=args.generator, log=log, negative=args.negative,
                          engine=args.engine)
    except (RagError, ValueError) as exc:  # GoldError is a RagError; ValueError: e.g. unknown generator
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary = result["summary"]
    summary["run"]["gold"] = display_path(args.gold)
    summary["run"]["gold_sha256"] = bl.file_sha256(args.gold) if Path(args.gold).is_file() else None
    failures = bl.check(summary, baseline) if args.check else None

    print(text_table(SUMMARY_HEADER, summary_rows(summary, baseline, failures)), file=out)
    print(f"{summary['n']} questions in {time.perf_counter() - t0:.1f} s "
          f"(indexing {summary['run']['index_seconds']} s), k={summary['retrieval']['k']}, "
          f"generator {summary['run']['generator']}", file=out)
    if baseline and args.check:
        for note in bl.mismatches(summary, baseline):
            print(f"warning: run differs from the baseline's: {note}", file=sys.stderr)
    payload = {**summary, "questions": result["questions"]}
    if args.json:
        text = json.dumps(payload, indent=2, ensure_ascii=False)
        if to_stdout:
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
    if args.report:
        path = write_report(result, baseline, failures, args.report)
        print(f"report: {path}", file=out)
    if args.update_baseline:
        changes = bl.write_baseline(summary, baseline_path)
        print(f"baseline written to {baseline_path}" + ("" if changes else " (no metric changed)"), file=out)
        for line in changes:
            print(f"  {line}", file=out)
    if failures:
        for f in failures:
            print(f"eval gate FAILED: {f.message()}", file=sys.stderr)
        return 1
    if args.check:
        print("eval gate passed", file=out)
    return 0


def _comparison_baseline(args: argparse.Namespace, path: Path) -> dict[str, Any] | None:
    """The baseline to compare with: always for --check or an explicit --baseline, otherwise only the
    default one recorded on this same gold file (a seeds baseline says nothing about another gold set)."""
    from eval import baseline as bl

    if args.check or args.baseline:
        return bl.load_baseline(path)
    if not path.is_file() or not Path(args.gold).is_file():
        return None
    recorded = bl.load_baseline(path)
    return recorded if recorded.get("run", {}).get("gold_sha256") == bl.file_sha256(args.gold) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval", description="Answer-quality evaluation")
    configure(parser)
    args = parser.parse_args(argv)
    return args.func(args)
