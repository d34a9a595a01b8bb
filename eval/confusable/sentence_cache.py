"""Builds of one set share their sentences' vectors (benchmark only).

Every index build of a corpus embeds the same sentences (sentence vectors do not depend on chunking,
titles or chunk vectors, except in late-chunking builds, which are neither learned from nor served), so
the benchmark embeds each once: before a build is brought up to date, the
sentence vectors of the indexes already opened are remembered by their text (recovered from the stored
chunks, which hold every sentence's characters), and the embedder answers those from memory. Chunks are
always embedded. Query-time embedding never goes through this cache.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.store.schema import DOC_KEY


class CachedEmbedder:
    def __init__(self, inner):
        self.inner = inner
        self.known: dict[str, np.ndarray] = {}
        self.hits = self.misses = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.known]
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if missing:
            self.known.update(zip(missing, self.inner.embed(missing)))
        if not len(texts):
            return self.inner.embed(texts)
        return np.stack([self.known[t] for t in texts]).astype(np.float32)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def remember(self, store) -> int:
        """Learn the sentence vectors of an index; returns how many sentences were recovered.

        Not from a late-chunking index: its sentence vectors are pooled inside their chunk, so they depend on
        the chunking and are not what the model gives the sentence alone."""
        if (store.collection.metadata or {}).get("chunk_vectors") == "late":
            return 0
        spans: dict[str, list[tuple[int, int, str]]] = {}
        for _, text, meta in store.chunks():
            spans.setdefault(meta[DOC_KEY], []).append((int(meta["start"]), int(meta["end"]), text))
        learned = 0
        doc_ids = list(spans)
        for i in range(0, len(doc_ids), 200):
            for doc_id, rows in store.sentence_vectors(doc_ids[i:i + 200]).items():
                for a, b, vector in rows:
                    holder = next(((s, t) for s, e, t in spans[doc_id] if s <= a and b <= e), None)
                    if holder is not None:
                        self.known[holder[1][a - holder[0]:b - holder[0]]] = np.asarray(vector, dtype=np.float32)
                        learned += 1
        return learned
