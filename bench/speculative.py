"""`python -m bench.speculative`: does speculative decoding make the 1.5B model fast enough here?

llama.cpp (through xllamacpp's `CommonParams().speculative`) can draft tokens with a smaller model of the
same family (`draft`: the 0.5B drafts for the 1.5B) or from n-grams of the prompt (`ngram`: answers copy
passage words, so the prompt itself predicts them), and verifies the drafts in one batch of the large
model. With greedy decoding the text is the large model's own, so only speed can change; this checks both.
`small` is the draft model alone (the default 0.5B), for the ratio to today's default under the same load.

The prompts are the chain's own (`LlamaCppGenerator.messages`: system prompt, worked examples, the best
evidence of the seeds index for each question). Every mode has its own server loaded in this process, and
the questions go to the modes in turn, so each question is timed under the same load in every mode.
Prints a table (median full answer, first text, generated tokens per second, same text as plain) and
writes JSON (`--json`).

    python -m bench.speculative --index /tmp/seeds-idx --questions 5
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from statistics import median
from typing import Any

from rag.config import Config

MODES = ("plain", "draft", "ngram", "small")
QUESTIONS = [
    "Which groups did the US–Pakistan dialogue target?",
    "Who led the delegations at the counterterrorism dialogue?",
    "What did China pledge to Pakistan?",
    "Where is CPEC's main port?",
    "What are the key elements of China's counterterrorism partnership with Pakistan?",
    "What did the US praise Pakistan for?",
    "Why would giving young people jobs help counter extremism?",
    "How many people were killed in the attack?",
]


def server_for(mode: str, model_path: str, draft_path: str, config: Config):
    """A llama.cpp server for the large model with the speculative mode `mode`, or for the draft model
    alone (`small`); one slot."""
    import xllamacpp as xlc

    from rag.answer.llamacpp import _params, _threads

    threads = _threads(config.llm_threads)
    _, p = _params(draft_path if mode == "small" else model_path, config.llm_ctx, threads, parallel=1)
    kinds = xlc.common_speculative_type
    if mode == "draft":
        p.speculative.types = [kinds.COMMON_SPECULATIVE_TYPE_DRAFT_SIMPLE]
        p.speculative.draft.mparams.path = draft_path
        p.speculative.draft.cpuparams.n_threads = threads
        p.speculative.draft.cpuparams_batch.n_threads = threads
    elif mode == "ngram":
        p.speculative.types = [kinds.COMMON_SPECULATIVE_TYPE_NGRAM_SIMPLE]
    return xlc.Server(p)


def run(index: str, model: str, draft: str, n_questions: int, modes: list[str]) -> dict[str, Any]:
    from rag import RAG
    from rag.answer import models
    from rag.answer.llamacpp import LlamaCppGenerator, stream_chat

    rag = RAG.open(index, chroma_url="", llm_model=model)
    config = rag.config
    gen = LlamaCppGenerator(config)
    draft_path = str(models.resolve(draft, config.model_dir))
    servers = {mode: server_for(mode, gen.model_path, draft_path, config) for mode in modes}
    prompts = [gen.messages(q, rag.retrieve(q, top_k=config.top_k)) for q in QUESTIONS[:n_questions]]
    for server in servers.values():  # warm up: the constant prompt start is in every slot's cache
        "".join(stream_chat(server, prompts[0], 1, 0.0))
    rows: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
    for question, messages in zip(QUESTIONS, prompts):
        for mode, server in servers.items():
            stats: dict[str, Any] = {}
            text = "".join(stream_chat(server, messages, config.llm_max_tokens, config.llm_temperature, stats=stats))
            rows[mode].append({"question": question, "text": text, **stats})
    out: dict[str, Any] = {"model": gen.model_path, "draft": draft_path, "load": os.getloadavg(), "modes": {}}
    for mode, got in rows.items():
        out["modes"][mode] = {
            "total_ms_p50": median(r["total_ms"] for r in got), "ttft_ms_p50": median(r["ttft_ms"] for r in got),
            "tokens_per_s_p50": median(r["tokens_per_s"] for r in got),
            "same_text_as_plain": sum(r["text"] == p["text"] for r, p in zip(got, rows.get("plain", got))),
            "n": len(got), "rows": got}
    return out


def main(argv: list[str] | None = None) -> int:
    import rag  # noqa: F401  (offline settings)

    p = argparse.ArgumentParser(prog="python -m bench.speculative", description=__doc__.splitlines()[0])
    p.add_argument("--index", required=True, help="an index of the seeds (rag index --index DIR seeds)")
    p.add_argument("--model", default="qwen2.5-1.5b", help="the large model (default: qwen2.5-1.5b)")
    p.add_argument("--draft", default="qwen2.5-0.5b", help="the draft model of the `draft` mode")
    p.add_argument("--questions", type=int, default=5, help=f"how many questions (at most {len(QUESTIONS)})")
    p.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}")
    p.add_argument("--json", metavar="OUT")
    args = p.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    if not modes or any(m not in MODES for m in modes):
        print(f"error: --modes takes {', '.join(MODES)}", file=sys.stderr)
        return 2
    if not Path(args.index).is_dir():
        print(f"error: {args.index}: index folder not found", file=sys.stderr)
        return 2
    out = run(args.index, args.model, args.draft, max(1, min(args.questions, len(QUESTIONS))), modes)
    print(f"{'mode':6s} {'full p50 ms':>12s} {'first text p50':>15s} {'tokens/s p50':>13s} same text")
    for mode, m in out["modes"].items():
        print(f"{mode:6s} {m['total_ms_p50']:12.0f} {m['ttft_ms_p50']:15.0f} {m['tokens_per_s_p50']:13.1f} "
              f"{m['same_text_as_plain']}/{m['n']}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in out['load'])}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
