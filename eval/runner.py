"""Run a gold set through the real chain: index the corpus, ask every question with `RAG.ask`, score.

    result = run_eval(load_gold("eval/gold.jsonl"), corpus="seeds")
    result["summary"]["retrieval"]["hit_rate"]

The corpus goes into a fresh temporary store unless an index folder is given (then it is reused, and
the corpus, if given, is indexed into it incrementally). An already-open `RAG` may be passed instead,
which is how the tests share one index between runs.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eval import ENGINES
from eval.gold import GoldItem, check_sources
from eval.llamaindex_default import NAME as LLAMAINDEX_DEFAULT
from eval.metrics import latency_summary
from eval.negative import Exclude, negative_variant
from eval.scoring import add_similarity, score_question, summarize
from rag.config import PROJECT_ROOT
from rag.errors import RagError

DEFAULT_CORPUS = PROJECT_ROOT / "seeds"


def corpus_names(corpus: str | Path) -> list[str]:
    """File names under the corpus folder (or the single file), hidden files left out."""
    root = Path(corpus)
    if root.is_file():
        return [root.name]
    if not root.is_dir():
        raise RagError(f"{root}: corpus folder not found")
    return sorted(p.name for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))


def display_path(path: str | Path | None) -> str | None:
    """A path relative to the project when inside it, so baselines compare across clones."""
    if path is None:
        return None
    p = Path(path).resolve()
    try:
        return str(p.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(p)


def run_eval(items: list[GoldItem], *, corpus: str | Path | None = None, index_dir: str | Path | None = None,
             rag: Any = None, top_k: int | None = None, generator: str | None = None,
             log: Callable[[str], None] | None = None, negative: bool = False,
             engine: str = "ours") -> dict[str, Any]:
    """Index (unless `rag` is given), ask, score. Returns {"summary", "questions", "index_report"}.
    `negative`: ask the negative-rejection variant instead (eval/negative.py). `engine`: one of `ENGINES`;
    "llamaindex-default" asks LlamaIndex's default query engine over the same index and LLM instead of
    our chain (eval/llamaindex_default.py; `top_k` and `generator` do not apply to it)."""
    log = log or (lambda _msg: None)
    if engine not in ENGINES:
        raise RagError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if rag is None and corpus is None and index_dir is None:
        corpus = DEFAULT_CORPUS
    if corpus is not None:
        check_sources(items, corpus_names(corpus), str(corpus))
    temp_dir = None
    started = time.perf_counter()
    index_report = None
    try:
        if rag is None:
            from rag import RAG

            if index_dir is None:
                temp_dir = tempfile.mkdtemp(prefix="rag-eval-")
            rag = RAG.open(temp_dir or str(index_dir), chroma_url="")
        if corpus is not None:
            log(f"indexing {corpus} ...")
            index_report = rag.index([str(corpus)], progress=False)
            log(f"indexed: {index_report.summary()}")
        docs = rag.documents()
        if corpus is None:
            check_sources(items, [d["name"] for d in docs], f"the index {index_dir or ''}".strip())
        index_seconds = time.perf_counter() - started
        k = int(top_k or rag.config.top_k)
        gen = generator or rag.config.generator
        asker = rag
        if engine == "llamaindex-default":
            from eval.llamaindex_default import LlamaIndexDefault

            asker = LlamaIndexDefault(rag)
            k, gen = asker.top_k, asker.name
        rag.embedder.embed(["warm-up"])  # load the model before the first timed question
        asked = negative_variant(items) if negative else [(item, None) for item in items]
        rows = _ask_all(asker, asked, k, gen, log)
        ask_seconds = time.perf_counter() - started - index_seconds
        add_similarity(rows, rag.embedder.embed)
        summary = summarize(rows, k)
        add_stream_summary(summary, rows)
        summary["run"] = {
            "corpus": display_path(corpus), "index": None if temp_dir else display_path(index_dir),
            "generator": gen, "engine": engine, "top_k": k, "documents": len(docs), "negative": negative,
            "chunks": sum(int(d.get("n_chunks", 0)) for d in docs),
            "skipped": [list(s) for s in index_report.skipped] if index_report else [],
            "index_seconds": round(index_seconds, 2), "ask_seconds": round(ask_seconds, 2),
            "total_seconds": round(time.perf_counter() - started, 2),
        }
        return {"summary": summary, "questions": rows}
    finally:
        if temp_dir is not None:
            _close(rag)
            shutil.rmtree(temp_dir, ignore_errors=True)


def _ask_all(rag: Any, items: list[tuple[GoldItem, Exclude | None]], k: int, generator: str,
             log: Callable[[str], None]) -> list[dict[str, Any]]:
    rows = []
    for i, (item, exclude) in enumerate(items, start=1):
        t0 = time.perf_counter()
        answer, error, first = None, "", None
        try:
            answer, first = _ask(rag, item.question, k, generator, exclude, item.until)
        except RagError as exc:  # a question the chain rejects counts as a failed answer
            error = str(exc)
        end = time.perf_counter()
        latency = (end - t0) * 1000.0
        row = score_question(item, answer, k, latency, error)
        row["ttft_ms"] = round(((first or end) - t0) * 1000.0, 1)
        row["backend"] = getattr(answer, "backend", None) or generator
        rows.append(row)
        log(f"[{i}/{len(items)}] {item.id} {latency:.0f} ms (first text {row['ttft_ms']:.0f} ms) {row['backend']}")
    return rows


def _ask(rag: Any, question: str, k: int, generator: str, exclude: Exclude | None = None,
         until: str = "") -> tuple[Any, float | None]:
    """The final answer and the moment its first piece of text arrived (None: not streamed). `until`: the
    question's asked-as-of day (gold "until"), passed as the `until` filter."""
    extra: dict[str, Any] = {"exclude": exclude} if exclude is not None else {}
    if until:
        extra["filters"] = {"until": until}
    stream = getattr(rag, "ask_stream", None)
    if not callable(stream):
        return rag.ask(question, top_k=k, generator=generator, **extra), None
    answer, first = None, None
    for item in stream(question, top_k=k, generator=generator, **extra):
        if isinstance(item, str):
            if first is None and item:
                first = time.perf_counter()
        else:
            answer = item
    return answer, first


def add_stream_summary(summary: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """Time to first text (p50/p95 beside the full-answer latency) and which backend wrote the answers:
    "llamacpp->extractive" counts the drafts grounding replaced with the extractive answer. Backends that
    draft nothing to replace (the extractive answerer, LlamaIndex's engine) have no fallback rate (None)."""
    summary["ttft_ms"] = latency_summary([r["ttft_ms"] for r in rows if r.get("ttft_ms") is not None])
    backends: dict[str, int] = {}
    for r in rows:
        if not r.get("refused") and not r.get("error"):
            backends[r.get("backend") or "?"] = backends.get(r.get("backend") or "?", 0) + 1
    summary["backends"] = dict(sorted(backends.items()))
    drafted = {b: n for b, n in backends.items() if not b.startswith(("extractive", LLAMAINDEX_DEFAULT))}
    fallen = sum(n for b, n in drafted.items() if b.endswith("->extractive"))
    total = sum(drafted.values())
    summary["answer"]["fallback_rate"] = round(fallen / total, 4) if total else None
    summary["answer"]["n"]["fallback_rate"] = total


def _close(rag: Any) -> None:
    close = getattr(rag, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # closing a temp store must not hide the run's result
            pass
