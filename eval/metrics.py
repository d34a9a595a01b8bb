"""Deterministic answer-quality metrics as pure functions.

Every aggregate returns a `Score(value, n)`: `n` is how many items were scored, and `value` is None
when there was nothing to score (never a flattering 1.0). Per-item helpers return plain values so the
runner can show pass/fail per question.
"""
from __future__ import annotations

import math
import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rag.answer import markers

_MARKER = markers.CITATION  # the [n] syntax has one owner: rag/answer/markers.py
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"'}
_ARTICLES = {"a", "an", "the"}


@dataclass(frozen=True)
class Score:
    value: float | None
    n: int

    def rounded(self, digits: int = 4) -> float | None:
        return None if self.value is None else round(self.value, digits)


def mean(values: Iterable[float | bool | None]) -> Score:
    """Mean of the values that are not None."""
    kept = [float(v) for v in values if v is not None]
    return Score(sum(kept) / len(kept) if kept else None, len(kept))


# ---------------------------------------------------------------- text normalisation

def normalize(text: str) -> str:
    """Lower-case, unify dashes/quotes/spaces, join hyphenated words and digit groups ("1,524" -> "1524")."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES).lower()
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = text.replace("-", " ")
    return re.sub(r"\s+", " ", text).strip()


def strip_markers(text: str) -> str:
    return _MARKER.sub("", text)


def contains(text: str, phrase: str) -> bool:
    """Whole-word, case-insensitive containment after `normalize` ("UN" does not match "under")."""
    needle = normalize(phrase)
    if not needle:
        return False
    pattern = r"(?<!\w)" + re.escape(needle) + r"(?!\w)"
    return re.search(pattern, normalize(text)) is not None


def fact_present(text: str, alternatives: Sequence[str]) -> bool:
    return any(contains(text, alt) for alt in alternatives)


# ---------------------------------------------------------------- retrieval

def source_matches(name: str, gold_sources: Sequence[str]) -> bool:
    """A gold source may be a full file name or a prefix of one."""
    return any(name == g or name.startswith(g) for g in gold_sources if g)


def first_hit_rank(names: Sequence[str], gold_sources: Sequence[str], k: int) -> int | None:
    """1-based rank of the first passage (within the top k) from a gold source, or None."""
    for rank, name in enumerate(names[:k], start=1):
        if source_matches(name, gold_sources):
            return rank
    return None


def source_recall(names: Sequence[str], gold_sources: Sequence[str], k: int) -> float | None:
    """Share of the gold sources that appear among the top k passages."""
    gold = [g for g in gold_sources if g]
    if not gold:
        return None
    found = sum(1 for g in gold if any(source_matches(n, [g]) for n in names[:k]))
    return found / len(gold)


def hit_rate(ranks: Iterable[int | None | bool]) -> Score:
    """`ranks`: one entry per scored question, the first-hit rank or None for a miss."""
    ranks = list(ranks)
    return Score(sum(1 for r in ranks if r) / len(ranks) if ranks else None, len(ranks))


def mrr(ranks: Iterable[int | None]) -> Score:
    ranks = list(ranks)
    return Score(sum(1.0 / r for r in ranks if r) / len(ranks) if ranks else None, len(ranks))


# ---------------------------------------------------------------- answer text

def all_facts_present(answer: str, facts: Sequence[Sequence[str]]) -> bool | None:
    """True when every required fact (any of its alternatives) is in the answer; None with no facts."""
    if not facts:
        return None
    text = strip_markers(answer)
    return all(fact_present(text, alts) for alts in facts)


def fact_share(answer: str, facts: Sequence[Sequence[str]]) -> float | None:
    if not facts:
        return None
    text = strip_markers(answer)
    return sum(1 for alts in facts if fact_present(text, alts)) / len(facts)


def tokens(text: str) -> list[str]:
    """SQuAD-style tokens: normalised, punctuation and articles dropped."""
    text = normalize(strip_markers(text))
    text = "".join(" " if ch in string.punctuation else ch for ch in text)
    return [t for t in text.split() if t not in _ARTICLES]


def token_f1(prediction: str, reference: str) -> float | None:
    ref = tokens(reference)
    if not ref:
        return None
    pred = tokens(prediction)
    if not pred:
        return 0.0
    common: dict[str, int] = {}
    ref_counts: dict[str, int] = {}
    for t in ref:
        ref_counts[t] = ref_counts.get(t, 0) + 1
    for t in pred:
        if ref_counts.get(t, 0) > common.get(t, 0):
            common[t] = common.get(t, 0) + 1
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(pred), overlap / len(ref)
    return 2 * precision * recall / (precision + recall)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def similarities(predictions: Sequence[str], references: Sequence[str],
                 embed: Callable[[list[str]], Sequence[Sequence[float]]]) -> list[float | None]:
    """Cosine similarity of each prediction to its reference with one batched `embed` call."""
    pairs = [(i, strip_markers(p).strip(), r.strip()) for i, (p, r) in enumerate(zip(predictions, references))]
    scored = [(i, p, r) for i, p, r in pairs if r]
    out: list[float | None] = [None] * len(predictions)
    if not scored:
        return out
    vectors = embed([p or " " for _, p, _ in scored] + [r for _, _, r in scored])
    half = len(scored)
    for j, (i, p, _) in enumerate(scored):
        out[i] = float(cosine(list(vectors[j]), list(vectors[half + j]))) if p else 0.0
    return out


# ---------------------------------------------------------------- citations

def citation_supported(source: str, passage: str, gold_sources: Sequence[str],
                       facts: Sequence[Sequence[str]], contexts: Sequence[str] = ()) -> bool:
    """A citation supports a gold question's answer when its passage comes from a gold source,
    contains one of the required facts, or overlaps a reference context (llama-datasets)."""
    if source_matches(source, gold_sources):
        return True
    if any(fact_present(passage, alts) for alts in facts):
        return True
    return any(context_overlap(passage, c) >= 0.5 for c in contexts)


def context_overlap(passage: str, context: str) -> float:
    """Share of the shorter text's tokens found in the other (a fuzzy "same passage" test)."""
    a, b = set(tokens(passage)), set(tokens(context))
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def dangling_markers(text: str, citation_numbers: Iterable[int]) -> int:
    """Markers `[n]` in the answer text with no citation numbered n."""
    known = set(citation_numbers)
    return sum(1 for m in _MARKER.finditer(text) if int(m.group(1)) not in known)


# ---------------------------------------------------------------- refusal and latency

def refusal_accuracy(refused_on_unanswerable: Iterable[bool]) -> Score:
    return mean(bool(r) for r in refused_on_unanswerable)


def false_refusal_rate(refused_on_answerable: Iterable[bool]) -> Score:
    return mean(bool(r) for r in refused_on_answerable)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), None for no values."""
    data = sorted(values)
    if not data:
        return None
    pos = (len(data) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def latency_summary(values: Sequence[float]) -> dict[str, float | int | None]:
    """{"p50", "p95", "n"} of millisecond timings, rounded to 0.1 ms (None when there are none)."""
    p50, p95 = percentile(values, 50), percentile(values, 95)
    return {"p50": None if p50 is None else round(p50, 1), "p95": None if p95 is None else round(p95, 1),
            "n": len(values)}
