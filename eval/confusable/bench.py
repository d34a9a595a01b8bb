"""Retrieval benchmark: hit@1, hit@5 and MRR@5 per configuration, on seeds, ARAGOG and the confusable set.

    python -m eval.confusable.bench [--sets seeds,aragog,confusable] [--work DIR] [--out RESULTS.md]

Each configuration runs through the product's own retriever (`rag.retrieve.hybrid.HybridRetriever`)
over a real index built by `RAG.index` (kept in --work between runs: content-hash indexing makes a
re-run cheap); chunking variants get their own index. The baseline is LlamaIndex's default pipeline:
SimpleDirectoryReader -> SentenceSplitter(chunk_size=1024) -> all-MiniLM-L6-v2 -> vector top-k.
A hit is a passage from a gold source (seeds, ARAGOG) or one holding the gold sentence (confusable).
Latency is per query, query embedding included, generation excluded.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import rag  # noqa: F401  (offline environment)
from rag.config import PROJECT_ROOT
from rag.retrieve.hybrid import HybridRetriever, RetrievalOptions

from eval.confusable.build import DEFAULT_OUT

SETS = {
    "seeds": (PROJECT_ROOT / "seeds", PROJECT_ROOT / "eval" / "gold.jsonl"),
    "aragog": (PROJECT_ROOT.parent / "shared" / "bench" / "aragog" / "papers",
               PROJECT_ROOT.parent / "shared" / "bench" / "aragog" / "gold.jsonl"),
    "confusable": (DEFAULT_OUT, DEFAULT_OUT / "gold.jsonl"),
}
K = 5
DEFAULT = RetrievalOptions()
PLAIN = dict(rerank="none", dedup=0.0, date_bonus=0.0)
# (label, chunking (tokens, overlap), options): the product default last among its chunking.
CONFIGS: list[tuple[str, tuple[int, int], RetrievalOptions]] = [
    ("dense only", (180, 1), DEFAULT.with_(mode="dense", **PLAIN)),
    ("dense + evidence re-rank (foundation)", (180, 1), DEFAULT.with_(mode="dense", dedup=0.0, date_bonus=0.0)),
    ("BM25 only", (180, 1), DEFAULT.with_(mode="bm25", **PLAIN)),
    ("hybrid RRF", (180, 1), DEFAULT.with_(**PLAIN)),
    ("hybrid RRF, BM25 weight 0.5", (180, 1), DEFAULT.with_(lexical_weight=0.5, **PLAIN)),
    ("hybrid + evidence re-rank", (180, 1), DEFAULT.with_(dedup=0.0, date_bonus=0.0)),
    ("hybrid + evidence + fused score", (180, 1), DEFAULT.with_(fusion_weight=0.3, dedup=0.0, date_bonus=0.0)),
    ("hybrid + evidence + dates", (180, 1), DEFAULT.with_(dedup=0.0)),
    ("hybrid + evidence + dates + dedup (default)", (180, 1), DEFAULT),
    ("default, chunks of 120 tokens", (120, 1), DEFAULT),
    ("default, chunks of 256 tokens", (256, 1), DEFAULT),
    ("default, 180 tokens, no overlap", (180, 0), DEFAULT),
]


def load_items(gold: Path) -> list[dict[str, Any]]:
    items = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [i for i in items if i.get("answerable", True) and (i.get("sources") or i.get("contexts"))]


def _norm(text: str) -> str:
    return " ".join(text.split())


def is_hit(name: str, text: str, item: dict[str, Any]) -> bool:
    sources = item.get("sources") or []
    if sources and not any(name == s or name.startswith(s) for s in sources):
        return False
    contexts = item.get("contexts") or []
    return not contexts or any(_norm(c) in _norm(text) for c in contexts)


def score(search: Callable[[str], list[tuple[str, str]]], items: list[dict[str, Any]]) -> dict[str, float]:
    ranks, times = [], []
    for item in items:
        t0 = time.perf_counter()
        got = search(item["question"])[:K]
        times.append((time.perf_counter() - t0) * 1000)
        ranks.append(next((r for r, (n, t) in enumerate(got, 1) if is_hit(n, t, item)), None))
    n = len(ranks)
    return {"hit@1": sum(r == 1 for r in ranks) / n, "hit@5": sum(r is not None for r in ranks) / n,
            "mrr": sum(1 / r for r in ranks if r) / n, "p50_ms": statistics.median(times), "n": n}


def llamaindex_default(corpus: Path, embedder) -> Callable[[str], list[tuple[str, str]]]:
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    from rag.embed import as_llama_embedding

    docs = SimpleDirectoryReader(str(corpus), filename_as_id=True, exclude_hidden=False,
                                 required_exts=[".txt", ".md", ".html", ".pdf"]).load_data()
    nodes = SentenceSplitter(chunk_size=1024).get_nodes_from_documents(docs)
    index = VectorStoreIndex(nodes, embed_model=as_llama_embedding(embedder))
    retriever = index.as_retriever(similarity_top_k=K)
    return lambda q: [(h.node.metadata.get("file_name", ""), h.node.get_content()) for h in retriever.retrieve(q)]


def our_index(corpus: Path, work: Path, set_name: str, chunking: tuple[int, int]):
    from rag import RAG

    tokens, overlap = chunking
    r = RAG.open(work / f"{set_name}-{tokens}-{overlap}", chroma_url="", chunk_tokens=tokens,
                 chunk_overlap_sentences=overlap)
    r.index([corpus], progress=False)
    return r


def run(sets: list[str], work: Path, log=print,
        chunkings: set[tuple[int, int]] | None = None) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    for set_name in sets:
        corpus, gold = SETS[set_name]
        items = load_items(gold)
        results[set_name] = {}
        from rag.embed import load_embedder

        embedder = load_embedder()
        t0 = time.perf_counter()
        search = llamaindex_default(corpus, embedder)
        log(f"{set_name}: LlamaIndex default indexed in {time.perf_counter() - t0:.0f} s")
        results[set_name]["LlamaIndex default (SentenceSplitter 1024, top-k)"] = score(search, items)
        log(f"{set_name}: LlamaIndex default: {json.dumps(results[set_name]['LlamaIndex default (SentenceSplitter 1024, top-k)'])}")
        for label, chunking, options in CONFIGS:
            if chunkings and chunking not in chunkings:
                continue
            t0 = time.perf_counter()
            r = our_index(corpus, work, set_name, chunking)
            retriever = HybridRetriever(r.store, r.embedder, options)
            retriever.retrieve("warm up", K)
            res = score(lambda q: [(p.name, p.text) for p in retriever.retrieve(q, K)], items)
            res["chunks"] = r.count()
            results[set_name][label] = res
            log(f"{set_name}: {label}: {json.dumps({k: round(v, 3) for k, v in res.items()})} "
                f"({time.perf_counter() - t0:.0f} s)")
    return results


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    labels = list(next(iter(results.values())))
    head = "| configuration | " + " | ".join(f"{s} hit@1 | {s} hit@5 | {s} MRR" for s in results) + " |"
    rule = "|---|" + "---|" * (3 * len(results))
    rows = []
    for label in labels:
        cells = []
        for s in results:
            r = results[s].get(label)
            cells += [f"{r['hit@1']:.3f}", f"{r['hit@5']:.3f}", f"{r['mrr']:.3f}"] if r else ["", "", ""]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    lat = ["", "| configuration | " + " | ".join(f"{s} p50 ms" for s in results) + " |",
           "|---|" + "---|" * len(results)]
    for label in labels:
        lat.append(f"| {label} | " + " | ".join(f"{results[s][label]['p50_ms']:.1f}" if label in results[s]
                                                else "" for s in results) + " |")
    return "\n".join([head, rule, *rows, *lat])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default="seeds,confusable,aragog")
    ap.add_argument("--work", type=Path, default=DEFAULT_OUT.parent / "bench-indexes")
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    ap.add_argument("--chunking", action="append", metavar="TOKENS,OVERLAP",
                    help="only configurations with this chunking (repeatable), e.g. 180,1")
    args = ap.parse_args(argv)
    chunkings = {tuple(int(x) for x in c.split(",")) for c in args.chunking or []} or None
    results = run([s.strip() for s in args.sets.split(",") if s.strip()], args.work, chunkings=chunkings)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
