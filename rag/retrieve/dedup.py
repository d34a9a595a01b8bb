"""Near-duplicate passages (the same wire story from several outlets, overlapping chunks) collapse to one.

Two passages are near-duplicates when most word 3-grams of the shorter one also occur in the other
(containment, so a copy with an extra lead paragraph or a cut ending still counts). The better-ranked
one is kept.
"""
from __future__ import annotations

from typing import Sequence, TypeVar

from rag.retrieve.lexical import words

DUPLICATE_CONTAINMENT = 0.6
SHINGLE = 3
T = TypeVar("T")


def shingles(text: str, n: int = SHINGLE) -> frozenset[int]:
    tokens = words(text)
    if len(tokens) < n:
        return frozenset([hash(tuple(tokens))]) if tokens else frozenset()
    return frozenset(hash(tuple(tokens[i:i + n])) for i in range(len(tokens) - n + 1))


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def collapse_near_duplicates(ranked: Sequence[T], texts: Sequence[str], limit: int | None = None,
                             threshold: float = DUPLICATE_CONTAINMENT) -> list[T]:
    """Keep items (best first) whose text is not a near-duplicate of an already kept one; stop at `limit`."""
    kept: list[T] = []
    kept_shingles: list[frozenset[int]] = []
    for item, text in zip(ranked, texts):
        s = shingles(text)
        if any(containment(s, other) >= threshold for other in kept_shingles):
            continue
        kept.append(item)
        kept_shingles.append(s)
        if limit is not None and len(kept) >= limit:
            break
    return kept
