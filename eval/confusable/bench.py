"""Retrieval benchmark: hit@1, hit@5 and MRR@5 per configuration, on seeds, ARAGOG and the confusable set.

    python -m eval.confusable.bench [--sets seeds,aragog,confusable] [--work DIR] [--json FILE] [--reuse FILE]

Each configuration runs through the product's own retriever (`rag.retrieve.hybrid.HybridRetriever`)
over a real index built by `RAG.index` (kept in --work between runs: content-hash indexing makes a
re-run cheap); each index build (chunking, title embedded, chunk vectors) gets its own index. Rows found
in --reuse (same set, same label) are taken from there instead of measured again. The baseline is
LlamaIndex's default pipeline:
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
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import rag  # noqa: F401  (offline environment)
from eval.confusable.build import DEFAULT_OUT
from rag.config import PROJECT_ROOT, Config
from rag.retrieve.hybrid import HybridRetriever, RetrievalOptions
from rag.store.chroma import SAME_VECTORS

SETS = {
    "seeds": (PROJECT_ROOT / "seeds", PROJECT_ROOT / "eval" / "gold.jsonl"),
    "aragog": (PROJECT_ROOT.parent / "shared" / "bench" / "aragog" / "papers",
               PROJECT_ROOT.parent / "shared" / "bench" / "aragog" / "gold.jsonl"),
    "confusable": (DEFAULT_OUT, DEFAULT_OUT / "gold.jsonl"),
}
K = 5
DEFAULT = RetrievalOptions()
PLAIN = dict(rerank="none", dedup=0.0, date_bonus=0.0)
LLAMAINDEX = "LlamaIndex default (SentenceSplitter 1024, top-k)"


@dataclass(frozen=True)
class Build:
    """How an index is built: the Config fields that change what is stored. Defaults: the product's."""
    chunk_tokens: int = Config.chunk_tokens
    chunk_overlap_sentences: int = Config.chunk_overlap_sentences
    embed_title: bool = Config.embed_title
    chunk_vectors: str = Config.chunk_vectors

    def with_(self, **changes: Any) -> Build:
        return Build(**{**asdict(self), **changes})

    def dirname(self, set_name: str) -> str:
        name = f"{set_name}-{self.chunk_tokens}-{self.chunk_overlap_sentences}"
        vectors = SAME_VECTORS.get(self.chunk_vectors, self.chunk_vectors)  # "chunks" stores what "embed" does
        return name + ("-title" if self.embed_title else "") + (f"-{vectors}" if vectors != "embed" else "")


# The build the rows vary from: 180-token chunks, one sentence of overlap, each chunk embedded as it is.
# The product default (Config: title embedded) is the row marked "(default)"; "default, …" rows are the
# default retrieval (hybrid + evidence + dates + dedup) over another build.
B = Build(chunk_tokens=180, chunk_overlap_sentences=1, embed_title=False, chunk_vectors="embed")
# (label, index build, options)
CONFIGS: list[tuple[str, Build, RetrievalOptions]] = [
    ("hybrid + evidence + dates + dedup", B, DEFAULT),
    ("dense only", B, DEFAULT.with_(mode="dense", **PLAIN)),
    ("dense + evidence re-rank (foundation)", B, DEFAULT.with_(mode="dense", dedup=0.0, date_bonus=0.0)),
    ("BM25 only", B, DEFAULT.with_(mode="bm25", **PLAIN)),
    ("hybrid RRF", B, DEFAULT.with_(**PLAIN)),
    ("hybrid RRF, BM25 weight 0.5", B, DEFAULT.with_(lexical_weight=0.5, **PLAIN)),
    ("hybrid + evidence re-rank", B, DEFAULT.with_(dedup=0.0, date_bonus=0.0)),
    ("hybrid + evidence + fused score", B, DEFAULT.with_(fusion_weight=0.3, dedup=0.0, date_bonus=0.0)),
    ("hybrid + evidence + dates", B, DEFAULT.with_(dedup=0.0)),
    ("default + fused score 0.3", B, DEFAULT.with_(fusion_weight=0.3)),
    ("default + fused score 0.15", B, DEFAULT.with_(fusion_weight=0.15)),
    ("hybrid + evidence + dates + dedup, title embedded (default)", B.with_(embed_title=True), DEFAULT),
    # One model pass per chunk, sentence vectors pooled from its token states (issue 13).
    ("hybrid + evidence + dates + dedup, title embedded, late chunking (one pass)",
     B.with_(embed_title=True, chunk_vectors="late"), DEFAULT),
    ("dense only, title embedded", B.with_(embed_title=True), DEFAULT.with_(mode="dense", **PLAIN)),
    ("default, title embedded + fused score 0.3", B.with_(embed_title=True), DEFAULT.with_(fusion_weight=0.3)),
    ("default, chunk vector = mean of its sentence vectors", B.with_(chunk_vectors="mean"), DEFAULT),
    ("dense only, mean of sentence vectors", B.with_(chunk_vectors="mean"), DEFAULT.with_(mode="dense", **PLAIN)),
    ("default, chunk vector = token-weighted mean", B.with_(chunk_vectors="mean-tokens"), DEFAULT),
    ("dense only, token-weighted mean", B.with_(chunk_vectors="mean-tokens"),
     DEFAULT.with_(mode="dense", **PLAIN)),
    ("default, title + mean of sentence vectors", B.with_(embed_title=True, chunk_vectors="mean"), DEFAULT),
    ("default, chunks of 120 tokens", B.with_(chunk_tokens=120), DEFAULT),
    ("default, chunks of 256 tokens", B.with_(chunk_tokens=256), DEFAULT),
    ("default, no sentence overlap", B.with_(chunk_overlap_sentences=0), DEFAULT),
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

    from rag.integrations.llamaindex import as_llama_embedding

    docs = SimpleDirectoryReader(str(corpus), filename_as_id=True, exclude_hidden=False,
                                 required_exts=[".txt", ".md", ".html", ".pdf"]).load_data()
    nodes = SentenceSplitter(chunk_size=1024).get_nodes_from_documents(docs)
    index = VectorStoreIndex(nodes, embed_model=as_llama_embedding(embedder))
    retriever = index.as_retriever(similarity_top_k=K)
    return lambda q: [(h.node.metadata.get("file_name", ""), h.node.get_content()) for h in retriever.retrieve(q)]


def our_index(corpus: Path, work: Path, set_name: str, build: Build, log=print, cache=None):
    """Open (and bring up to date) the index of one build; `cache` shares sentence vectors between builds."""
    from rag import RAG

    r = RAG.open(work / build.dirname(set_name), chroma_url="", **asdict(build))
    t0 = time.perf_counter()
    if cache is None:
        report = r.index([corpus], progress=False)
    else:
        cache.remember(r.store)
        own, r.__dict__["embedder"] = r.embedder, cache
        try:
            report = r.index([corpus], progress=False)
        finally:
            r.__dict__["embedder"] = own  # queries are embedded by the model itself
    if report.chunks_added:
        log(f"{set_name}: indexed {build.dirname(set_name)} in {time.perf_counter() - t0:.0f} s")
    return r


Results = dict[str, dict[str, dict[str, float]]]


def run(sets: list[str], work: Path, log=print, builds: Callable[[Build], bool] | None = None,
        labels: Callable[[str], bool] | None = None, reuse: Results | None = None,
        save: Callable[[Results], None] | None = None, stages: dict | None = None) -> Results:
    """Measure every configuration (and each second stage in `stages`: label -> (build, options, factory))."""
    results: Results = {}
    reuse = reuse or {}
    todo = [(label, build, options, None) for label, build, options in CONFIGS]
    todo += [(label, build, options, factory) for label, (build, options, factory) in (stages or {}).items()]
    for set_name in sets:
        corpus, gold = SETS[set_name]
        items = load_items(gold)
        results[set_name] = dict(reuse.get(set_name, {}))
        if LLAMAINDEX not in results[set_name]:
            from rag.embed import load_embedder

            t0 = time.perf_counter()
            search = llamaindex_default(corpus, load_embedder())
            log(f"{set_name}: LlamaIndex default indexed in {time.perf_counter() - t0:.0f} s")
            results[set_name][LLAMAINDEX] = score(search, items)
            log(f"{set_name}: LlamaIndex default: {json.dumps(results[set_name][LLAMAINDEX])}")
            if save:
                save(results)
        opened: dict[Build, Any] = {}  # each index is brought up to date once per run
        from eval.confusable.sentence_cache import CachedEmbedder
        from rag.embed import load_embedder

        # The configured model (RAG_EMBED_MODEL), the one the product indexes with: not load_embedder()'s
        # own default, which is the float model.
        cache = CachedEmbedder(load_embedder(Config.load().embed_model))
        for label, build, options, factory in todo:
            if label in results[set_name] or (builds and not builds(build)) or (labels and not labels(label)):
                continue
            t0 = time.perf_counter()
            if build not in opened:
                opened[build] = our_index(corpus, work, set_name, build, log, cache)
            r = opened[build]
            retriever = HybridRetriever(r.store, r.embedder, options)
            search = factory(r, retriever, work / build.dirname(set_name)) if factory else \
                (lambda q, retriever=retriever: [(p.name, p.text) for p in retriever.retrieve(q, K)])
            search("warm up")
            res = score(search, items)
            res["chunks"] = r.count()
            results[set_name][label] = res
            log(f"{set_name}: {label}: {json.dumps({k: round(v, 3) for k, v in res.items()})} "
                f"({time.perf_counter() - t0:.0f} s)")
            if save:
                save(results)
    return results


def table(results: Results) -> str:
    labels = list(dict.fromkeys(label for per_set in results.values() for label in per_set))
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
    ap.add_argument("--json", type=Path, help="write the raw figures here (after each row)")
    ap.add_argument("--reuse", type=Path, help="figures of an earlier --json run: rows found there are not re-run")
    ap.add_argument("--chunking", action="append", metavar="TOKENS,OVERLAP",
                    help="only configurations with this chunking (repeatable), e.g. 180,1")
    ap.add_argument("--only", help="only configurations whose label contains this text")
    ap.add_argument("--mpnet", type=Path, help="all-mpnet-base-v2 folder: also measure it as a second stage")
    args = ap.parse_args(argv)
    chunkings = {tuple(int(x) for x in c.split(",")) for c in args.chunking or []}
    builds = (lambda b: (b.chunk_tokens, b.chunk_overlap_sentences) in chunkings) if chunkings else None
    labels = (lambda label: args.only in label) if args.only else None
    reuse = json.loads(args.reuse.read_text(encoding="utf-8")) if args.reuse and args.reuse.is_file() else None
    save = (lambda res: args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")) if args.json else None
    stages = None
    if args.mpnet:
        from eval.confusable.second_stage import mpnet_stages

        stages = mpnet_stages(args.mpnet, B, DEFAULT, K)
    results = run([s.strip() for s in args.sets.split(",") if s.strip()], args.work, builds=builds, labels=labels,
                  reuse=reuse, save=save, stages=stages)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
