"""Chunk and sentence vectors for a batch of prepared documents, in as few model calls as possible.

The texts of every document in the batch go to the model together (it sorts them by length, so files
do not matter). `chunk_vectors` says where each vector comes from:

- "late" (one model pass per token): each chunk, headed by its title, runs through the model once; its
  vector is the mean of its token states, and each sentence's vector is the mean of the states of its own
  tokens inside the chunk(s) holding it ("late chunking"). Every token of the text reaches the vectors.
- "embed": chunks and sentences each run through the model (two passes per token).
- "chunks": only the chunks run through the model (one pass per token); sentence vectors are made when a
  question first ranks a passage (rag/retrieve/evidence.py), so they are the same vectors "embed" stores.
- "mean" / "mean-tokens": sentences run through the model; a chunk's vector is the normalised (token-
  weighted) mean of its sentences' vectors plus the title's. Text outside evidence sentences (fragments
  under the evidence minimum) reaches no vector unless its chunk has no sentence at all.
"""
from __future__ import annotations

import numpy as np

from rag.ingest.chunk import count_tokens
from rag.ingest.prepare import Prepared

CHUNK_VECTORS = ("late", "embed", "chunks", "mean", "mean-tokens")


def embed_prepared(batch: list[Prepared], embedder, chunk_vectors: str) -> None:
    """Fill `chunk_vectors` and `sentence_vectors` of every document in `batch`."""
    if chunk_vectors == "late" and hasattr(embedder, "embed_spans"):
        _late(batch, embedder)
    elif chunk_vectors == "chunks":
        _chunks_only(batch, embedder)
    elif chunk_vectors in ("embed", "late"):  # a model without token states (torch): two passes
        _two_passes(batch, embedder)
    else:
        _means(batch, embedder, token_weighted=chunk_vectors == "mean-tokens")


def _late(batch: list[Prepared], embedder) -> None:
    texts: list[str] = []
    spans: list[list[tuple[int, int]]] = []
    owners: list[tuple[int, int]] = []  # per span, the (document, sentence) it belongs to
    for d, p in enumerate(batch):
        inputs = p.chunk_inputs()
        starts = np.array([s.start for s in p.sentences], dtype=np.int64)
        ends = np.array([s.end for s in p.sentences], dtype=np.int64)
        for chunk, text in zip(p.chunks, inputs):
            shift = len(text) - len(chunk.text)  # the title ahead of the chunk's own text
            inside = np.flatnonzero((starts < chunk.end) & (ends > chunk.start))
            texts.append(text)
            spans.append([(int(max(starts[i], chunk.start)) - chunk.start + shift,
                           int(min(ends[i], chunk.end)) - chunk.start + shift) for i in inside])
            owners.extend((d, int(i)) for i in inside)
    vectors, sums, counts = embedder.embed_spans(texts, spans)
    row = 0
    totals = [np.zeros((len(p.sentences), vectors.shape[1] if len(vectors) else 0), np.float32) for p in batch]
    tokens = [np.zeros(len(p.sentences), np.int64) for p in batch]
    for (d, i), s, c in zip(owners, sums, counts):
        totals[d][i] += s
        tokens[d][i] += c
    for d, p in enumerate(batch):
        p.chunk_vectors = vectors[row:row + len(p.chunks)]
        row += len(p.chunks)
        missing = [i for i in range(len(p.sentences)) if not tokens[d][i]]
        sentence_vectors = totals[d] / np.clip(np.linalg.norm(totals[d], axis=1, keepdims=True), 1e-12, None)
        if missing:  # no chunk token fell inside it (cannot happen with whole-sentence chunks): embed it
            sentence_vectors[missing] = embedder.embed([p.sentences[i].text for i in missing])
        p.sentence_vectors = sentence_vectors.astype(np.float32)


def embed_unique(texts: list[str], embedder) -> np.ndarray:
    """Vectors of `texts`, each distinct text run once (news repeats bylines and site lines: 4% of realtimeqa
    week 1's sentences)."""
    first: dict[str, int] = {}
    rows = [first.setdefault(t, len(first)) for t in texts]
    return embedder.embed(list(first))[rows] if len(first) < len(texts) else embedder.embed(texts)


def _two_passes(batch: list[Prepared], embedder) -> None:
    texts = [t for p in batch for t in p.chunk_inputs() + [s.text for s in p.sentences]]
    vectors = embed_unique(texts, embedder)
    row = 0
    for p in batch:
        p.chunk_vectors = vectors[row:row + len(p.chunks)]
        row += len(p.chunks)
        p.sentence_vectors = vectors[row:row + len(p.sentences)]
        row += len(p.sentences)


def _chunks_only(batch: list[Prepared], embedder) -> None:
    vectors = embed_unique([t for p in batch for t in p.chunk_inputs()], embedder)
    row = 0
    for p in batch:
        p.chunk_vectors = vectors[row:row + len(p.chunks)]
        row += len(p.chunks)


def _means(batch: list[Prepared], embedder, token_weighted: bool) -> None:
    texts = [t for p in batch for t in ([p.title] if p.title else []) + [s.text for s in p.sentences]]
    vectors = embed_unique(texts, embedder)
    row, lost = 0, []
    for p in batch:
        title_vector = vectors[row] if p.title else None
        row += bool(p.title)
        p.sentence_vectors = vectors[row:row + len(p.sentences)]
        row += len(p.sentences)
        weights = np.array([count_tokens(s.text) if token_weighted else 1 for s in p.sentences], dtype=np.float32)
        p.chunk_vectors = mean_vectors([(c.start, c.end) for c in p.chunks], [(s.start, s.end) for s in p.sentences],
                                       p.sentence_vectors, weights, title_vector)
        # A chunk holding no scored sentence (only fragments under the evidence minimum) is embedded itself.
        lost += [(p, i) for i, v in enumerate(p.chunk_vectors) if not v.any()]
    if lost:
        again = embedder.embed([p.chunk_inputs()[i] for p, i in lost])
        for (p, i), v in zip(lost, again):
            assert p.chunk_vectors is not None
            p.chunk_vectors[i] = v


def mean_vectors(spans: list[tuple[int, int]], sentence_spans: list[tuple[int, int]], sentence_vectors: np.ndarray,
                 weights: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    """For each span, the L2-normalised weighted mean of the vectors of the sentences overlapping it
    (plus `extra` with the weight of an average sentence, when given); a zero row when none overlaps."""
    dim = sentence_vectors.shape[1] if len(sentence_vectors) else (len(extra) if extra is not None else 0)
    out = np.zeros((len(spans), dim), dtype=np.float32)
    starts = np.array([a for a, _ in sentence_spans], dtype=np.int64)
    ends = np.array([b for _, b in sentence_spans], dtype=np.int64)
    for row, (a, b) in enumerate(spans):
        inside = np.flatnonzero((starts < b) & (ends > a))
        if not len(inside):
            continue
        w = weights[inside]
        total = (w[:, None] * sentence_vectors[inside]).sum(axis=0)
        if extra is not None:
            total = total + w.mean() * extra
        out[row] = total / max(float(np.linalg.norm(total)), 1e-12)
    return out
