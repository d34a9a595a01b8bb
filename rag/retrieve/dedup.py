"""Near-duplicate passages (the same wire story from several outlets, overlapping chunks) collapse to one.

Two passages are near-duplicates when most word 3-grams of the shorter one also occur in the other
(containment, so a copy with an extra lead paragraph or a cut ending still counts). The better-ranked
one is kept. Only copies from about the same time collapse: a follow-up a year later that repeats
the story with new figures is a different passage, not a copy.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar

from rag.retrieve.lexical import words
from rag.store.schema import date_number

DUPLICATE_CONTAINMENT = 0.6
SAME_TIME_DAYS = 3  # copies of one story are published within days of each other
SHINGLE = 3
T = TypeVar("T")


@lru_cache(maxsize=2048)  # the same candidate passages recur across questions
def shingles(text: str, n: int = SHINGLE) -> frozenset[int]:
    tokens = words(text)
    if len(tokens) < n:
        return frozenset([hash(tuple(tokens))]) if tokens else frozenset()
    return frozenset(hash(tuple(tokens[i:i + n])) for i in range(len(tokens) - n + 1))


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _days(date: str) -> int | None:
    import datetime as dt

    num = date_number(date or "")
    try:
        return dt.date(num // 10000, num // 100 % 100, num % 100).toordinal() if num else None
    except ValueError:
        return None


def _copies(s: frozenset[int], day: int | None, pref: bool, other: frozenset[int], other_day: int | None,
            other_pref: bool, threshold: float) -> bool:
    """Whether two passages are copies of one story: most shingles shared, and about the same date unless
    exactly one of them is preferred (the same story from another time is the confuser)."""
    if containment(s, other) < threshold:
        return False
    return other_pref != pref or day is None or other_day is None or abs(day - other_day) <= SAME_TIME_DAYS


def collapse_near_duplicates(ranked: Sequence[T], texts: Sequence[str], limit: int | None = None,
                             threshold: float = DUPLICATE_CONTAINMENT, dates: Sequence[str] | None = None,
                             preferred: Sequence[bool] | None = None) -> list[T]:
    """Keep items (in the order given) whose text is not a near-duplicate of an already kept one; stop at `limit`.

    With `dates`, only copies from about the same date collapse (undated items match any date). With
    `preferred` (e.g. "dated when the question asks"), a preferred item and a non-preferred near-copy
    collapse whatever their dates: the same story from another time is the confuser.
    """
    kept: list[T] = []
    kept_keys: list[tuple[frozenset[int], int | None, bool]] = []
    for i, (item, text) in enumerate(zip(ranked, texts)):
        s, day = shingles(text), _days(dates[i]) if dates else None
        pref = bool(preferred[i]) if preferred else False

        if any(_copies(s, day, pref, *key, threshold) for key in kept_keys):
            continue
        kept.append(item)
        kept_keys.append((s, day, pref))
        if limit is not None and len(kept) >= limit:
            break
    return kept


def spread_documents(keys: Sequence[float], docs: Sequence[str], penalty: float) -> list[int]:
    """Positions in ranking order when each passage's key is lowered by `penalty` for every passage of its
    document ranked before it: a document's second passage must beat another document's best by that much
    (a top k of several articles on one story, rather than one article's every chunk)."""
    left = list(range(len(keys)))
    taken: dict[str, int] = {}
    order: list[int] = []
    while left:
        best = max(left, key=lambda i: (keys[i] - penalty * taken.get(docs[i], 0), -i))
        left.remove(best)
        order.append(best)
        taken[docs[best]] = taken.get(docs[best], 0) + 1
    return order
