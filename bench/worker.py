"""One benchmark measurement in a fresh process (so peak memory and imports are its own).

    python -m bench.worker ours   --corpus DIR --index DIR --model minilm-onnx --questions FILE
    python -m bench.worker plain  --corpus DIR --index DIR --questions FILE --chunk-size 180

Indexes the corpus into an empty index, then times retrieval (and, for ours, full answers per backend)
over the questions, and prints one JSON object as its last line. Model loading is timed apart from
indexing, so throughput is the steady-state pipeline: read, clean, chunk, embed, write.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

import rag  # noqa: F401  (offline settings before any ML library)
from eval.metrics import fact_present


def corpus_files(corpus: str) -> list[Path]:
    suffixes = {".txt", ".md", ".html", ".htm", ".pdf"}
    return sorted(p for p in Path(corpus).rglob("*") if p.is_file() and p.suffix.lower() in suffixes)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def latency(fn: Callable[[str], Any], questions: list[str], warmup: int = 1) -> dict[str, float]:
    for q in questions[:warmup]:
        fn(q)
    times = []
    for q in questions:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(median(times), 2), "p95_ms": round(percentile(times, 0.95), 2), "n": len(times)}


def quality(search: Callable[[str], list[Any]], gold: str, corpus: str, k: int = 5) -> dict[str, Any]:
    """hit@k and MRR@k of a search (question -> file names, best first) on the gold questions whose
    sources are all in the corpus (a subset run keeps the questions it can answer). When the search gives
    (file name, passage text) pairs, also answer@k: the share of those questions with a gold fact written in
    one of the k passages, which counts an answering article the gold `sources` do not list (and a passage
    that only mentions the answer's words)."""
    names = {p.name for p in corpus_files(corpus)}
    items = [json.loads(line) for line in Path(gold).read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [i for i in items if i.get("answerable", True) and i.get("sources") and set(i["sources"]) <= names]
    ranks, answered = [], []
    for item in items:
        got = search(item["question"])[:k]
        files = [g[0] if isinstance(g, tuple) else g for g in got]
        ranks.append(next((r for r, name in enumerate(files, 1) if name in item["sources"]), None))
        texts = [g[1] for g in got if isinstance(g, tuple)]
        facts = [f for alternatives in item.get("facts") or [] for f in alternatives]
        if texts and facts:
            answered.append(any(fact_present(t, facts) for t in texts))
    if not ranks:
        return {"n": 0, f"hit@{k}": None, "mrr": None}
    n = len(ranks)
    out = {"n": n, f"hit@{k}": round(sum(r is not None for r in ranks) / n, 4),
           "mrr": round(sum(1 / r for r in ranks if r) / n, 4)}
    if answered:
        out[f"answer@{k}"] = round(sum(answered) / len(answered), 4)
    return out


def embedded_share(spans_by_doc: dict[str, list[tuple[int, int]]], lengths: dict[str, int]) -> float:
    """Share of the characters of the text the pipeline indexed that lie inside what the model read."""
    covered = 0
    for spans in spans_by_doc.values():
        end = 0
        for a, b in sorted(spans):
            a = max(a, end)
            if b > a:
                covered += b - a
                end = b
    return round(covered / max(1, sum(lengths.values())), 4)


def run_ours(args: argparse.Namespace, questions: list[str]) -> dict[str, Any]:
    t = time.perf_counter()  # load_s, like plain's: imports, store and model, before any article is read
    from rag import RAG
    from rag.ingest.chunk import count_tokens

    rag_ = RAG.open(args.index, embed_model=args.model, chroma_url=args.chroma_url or "")
    rag_.embedder, count_tokens("warm")  # loaded outside the timed indexing
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    report = rag_.index([args.corpus], progress=False)
    index_s = time.perf_counter() - t
    out: dict[str, Any] = {"load_s": round(load_s, 3), "index_s": round(index_s, 3), "chunks": report.chunks_added,
                           "vectors": rag_.count() + rag_.store.sentences.count(), "docs": len(report.added),
                           "rss_after_index_mb": round(peak_rss_mb(), 1)}
    out["retrieve"] = latency(lambda q: rag_.retrieve(q), questions)
    if args.gold:
        out["quality"] = quality(lambda q: [(p.name, p.text) for p in rag_.retrieve(q, top_k=5)], args.gold,
                                 args.corpus)
    spans: dict[str, list[tuple[int, int]]] = {}
    lengths: dict[str, int] = {}
    for _, _text, meta in rag_.store.chunks():  # each chunk fits the model whole (chunking checks it)
        spans.setdefault(meta["article_id"], []).append((int(meta["start"]), int(meta["end"])))
    for doc in rag_.documents():
        lengths[doc["doc_id"]] = max(b for _, b in spans.get(doc["doc_id"], [(0, 0)]))
    out["embedded_share"] = embedded_share(spans, lengths)
    out["answer"] = {}
    for backend in args.backends:
        try:
            out["answer"][backend] = latency(lambda q, backend=backend: rag_.ask(q, generator=backend), questions)
        except Exception as err:  # noqa: BLE001 - a backend that is not installed is reported, not fatal
            out["answer"][backend] = {"error": f"{err.__class__.__name__}: {str(err)[:200]}"}
    return out


def run_plain(args: argparse.Namespace, questions: list[str]) -> dict[str, Any]:
    """LlamaIndex as its documentation shows it: SimpleDirectoryReader, SentenceSplitter, HuggingFaceEmbedding,
    Chroma."""
    t = time.perf_counter()  # load_s: imports and model, as for ours
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from rag.embed.sbert import packaged_model_path

    embed_model = HuggingFaceEmbedding(model_name=packaged_model_path(), device="cpu")
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    docs = SimpleDirectoryReader(args.corpus, recursive=True).load_data()
    splitter = SentenceSplitter(chunk_size=args.chunk_size, chunk_overlap=args.chunk_overlap)
    nodes = splitter.get_nodes_from_documents(docs)
    client = chromadb.PersistentClient(path=args.index, settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("plain", embedding_function=None)
    storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
    index = VectorStoreIndex(nodes, storage_context=storage, embed_model=embed_model)
    index_s = time.perf_counter() - t
    out: dict[str, Any] = {"load_s": round(load_s, 3), "index_s": round(index_s, 3), "chunks": len(nodes),
                           "vectors": collection.count(), "docs": len(docs),
                           "rss_after_index_mb": round(peak_rss_mb(), 1)}
    retriever = index.as_retriever(similarity_top_k=5)
    out["retrieve"] = latency(retriever.retrieve, questions)
    if args.gold:
        out["quality"] = quality(lambda q: [(h.node.metadata.get("file_name", ""), h.node.get_content())
                                            for h in retriever.retrieve(q)], args.gold, args.corpus)
    out["embedded_share"] = plain_embedded_share(nodes, docs, embed_model)
    return out


def plain_embedded_share(nodes, docs, embed_model) -> float:
    """What the model reads of each node: its embed text (metadata header, then the text) up to the model's
    limit; the rest of the node is cut off by truncation."""
    from llama_index.core.schema import MetadataMode

    tokenizer = embed_model._model.tokenizer
    limit = int(embed_model._model.max_seq_length or 256)
    spans: dict[str, list[tuple[int, int]]] = {}
    for node in nodes:
        full = node.get_content(metadata_mode=MetadataMode.EMBED)
        text = node.get_content(metadata_mode=MetadataMode.NONE)
        head = full.find(text) if text else 0
        enc = tokenizer(full, truncation=True, max_length=limit, return_offsets_mapping=True)
        read_to = max((b for _, b in enc["offset_mapping"]), default=0) - max(head, 0)
        start = node.start_char_idx or 0
        spans.setdefault(node.ref_doc_id, []).append((start, start + max(0, min(len(text), read_to))))
    return embedded_share(spans, {d.doc_id: len(d.text) for d in docs})


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.worker")
    p.add_argument("impl", choices=("ours", "plain"))
    p.add_argument("--corpus", required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--questions", required=True, help="text file, one question per line")
    p.add_argument("--model", default="minilm")
    p.add_argument("--chroma-url", default="")
    p.add_argument("--backends", default="extractive")
    p.add_argument("--chunk-size", type=int, default=180)
    p.add_argument("--chunk-overlap", type=int, default=20)
    p.add_argument("--gold", default="", help="gold JSONL (question, sources): hit@5 and MRR of the index")
    args = p.parse_args(argv)
    args.backends = [b for b in args.backends.split(",") if b]
    questions = [q for q in Path(args.questions).read_text(encoding="utf-8").splitlines() if q.strip()]
    t0 = time.perf_counter()
    result = run_ours(args, questions) if args.impl == "ours" else run_plain(args, questions)
    files = corpus_files(args.corpus)
    result["input_mb"] = round(sum(f.stat().st_size for f in files) / 1e6, 4)
    result["files"] = len(files)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["wall_s"] = round(time.perf_counter() - t0, 3)
    result["torch_imported"] = "torch" in sys.modules
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
