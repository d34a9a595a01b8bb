"""Fusing ranked lists (dense, BM25, date-restricted extras) into one candidate pool: pure functions."""
from __future__ import annotations

from collections.abc import Sequence

from rag.types import Passage

RRF_K = 60  # the constant of Cormack et al.; larger flattens the advantage of the very top ranks


def reciprocal_rank_fusion(ranked: Sequence[Sequence[Passage]], weights: Sequence[float] | None = None,
                           k: int = RRF_K) -> list[tuple[Passage, float]]:
    """Sum of weight / (k + rank) over the lists each passage appears in; best first.

    The first list that holds a passage supplies its object (put the dense list first: its score is
    the cosine similarity the re-ranker blends in).
    """
    weights = list(weights) if weights is not None else [1.0] * len(ranked)
    fused: dict[str, float] = {}
    first: dict[str, Passage] = {}
    for weight, passages in zip(weights, ranked):
        for rank, p in enumerate(passages, start=1):
            fused[p.chunk_id] = fused.get(p.chunk_id, 0.0) + weight / (k + rank)
            first.setdefault(p.chunk_id, p)
    order = sorted(fused, key=lambda cid: (-fused[cid], cid))
    return [(first[cid], fused[cid]) for cid in order]


def normalised(scores: Sequence[float]) -> list[float]:
    """Scale to 0..1 by the best score (0 when all are 0)."""
    top = max(scores, default=0.0)
    return [s / top if top > 0 else 0.0 for s in scores]
