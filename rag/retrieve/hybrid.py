"""The retrieval pipeline: dense + BM25 candidates, fused, re-ranked by sentence evidence, news-aware.

    question -> dense (LlamaIndex over Chroma) ┐
             -> BM25 (bm25s)                   ├ reciprocal rank fusion -> sentence-evidence re-rank
             -> the same, restricted to a date the question names ┘     -> date preference -> collapse
                                                                          near-duplicates -> top k
Every choice here was measured (eval/confusable/RESULTS.md); the defaults are the best measured.
`RetrievalOptions` exists so the benchmark can run each configuration through this same code.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date
from functools import partial
from typing import Any

import numpy as np

from rag.answer import recency
from rag.config import Config
from rag.embed.base import Embedder
from rag.errors import ConfigError
from rag.retrieve.bm25 import lexical_index
from rag.retrieve.dates import as_filters, in_ranges, iso_day, query_date_ranges
from rag.retrieve.dedup import collapse_near_duplicates, spread_documents
from rag.retrieve.dense import DenseRetriever
from rag.retrieve.evidence import score_sentences
from rag.retrieve.fusion import normalised, reciprocal_rank_fusion
from rag.store.base import Store
from rag.store.cache import LruCache
from rag.store.filters import date_bound
from rag.store.schema import date_number
from rag.types import Passage

MODES = ("dense", "bm25", "hybrid")
RERANKS = ("evidence", "fused", "none")
MADE_SENTENCES = 20_000  # sentence vectors kept per process (1.5 KB each)


@dataclass(frozen=True)
class RetrievalOptions:
    mode: str = "hybrid"
    candidates: int = 20  # fetched from each retriever
    lexical_weight: float = 1.0  # weight of the BM25 list in the fusion (dense has 1)
    rrf_k: int = 60
    rerank: str = "evidence"  # re-order the fused pool by sentence evidence, or keep the fused order
    rerank_depth: int = 20  # how many fused candidates are scored sentence by sentence
    evidence_weight: float = 0.6
    cosine_weight: float = 0.4
    fusion_weight: float = 0.0  # the normalised fused score, blended into the evidence ranking
    date_bonus: float = 0.1  # added to passages dated when the question says; 0 turns date preference off
    dedup: float = 0.6  # shingle containment above which passages are near-duplicates; 0 keeps all
    lead_weight: float = 0.0  # the cosine of the passage's document's title-and-lead vector, blended in
    repeat_penalty: float = 0.08  # taken off a passage's key per better-ranked passage of its document

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"retrieval mode {self.mode!r}: use one of {', '.join(MODES)}")
        if self.rerank not in RERANKS:
            raise ConfigError(f"re-rank {self.rerank!r}: use one of {', '.join(RERANKS)}")

    @classmethod
    def from_config(cls, config: Config) -> RetrievalOptions:
        """`candidates` from the config; any other field from `retrieval_<field>` in rag.toml (experiments)."""
        names = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {"candidates": config.candidates}
        for key, value in config.extra.items():
            name = key.removeprefix("retrieval_")
            if key.startswith("retrieval_") and name in names:
                default: Any = names[name].default
                try:
                    values[name] = type(default)(value) if not isinstance(default, str) else str(value)
                except (TypeError, ValueError):
                    raise ConfigError(f"setting {key} must be of the kind of {default!r}, not {value!r}") from None
        return cls(**values)

    def with_(self, **changes: Any) -> RetrievalOptions:
        return replace(self, **changes)


def _within(ranges: list[tuple[int, int]], filters: dict[str, Any] | None) -> list[tuple[int, int]]:
    """`ranges` cut to the filters' `since` / `until` window (those outside it dropped): a question asked as
    of a day ("until") still prefers the year it names, but never an article from after that day."""
    lo = date_number(date_bound(filters, "since")) or 0
    hi = date_number(date_bound(filters, "until")) or 99999999
    return [(max(a, lo), min(b, hi)) for a, b in ranges if max(a, lo) <= min(b, hi)]


class HybridRetriever:
    def __init__(self, store: Store, embedder: Embedder, options: RetrievalOptions,
                 dense: DenseRetriever | None = None):
        self.store = store
        self.embedder = embedder
        self.options = options
        self.dense = dense or DenseRetriever(store, embedder)
        # Sentences the index holds no vector for (built with chunk_vectors = "chunks"), embedded when first
        # ranked and kept: the same candidates recur question after question.
        self._made: LruCache[np.ndarray] = LruCache(MADE_SENTENCES)

    def retrieve(self, query: str, top_k: int, filters: dict[str, Any] | None = None,
                 options: RetrievalOptions | None = None,
                 exclude: Callable[[Passage], bool] | None = None) -> list[Passage]:
        """`exclude`: passages left out of the candidates before ranking (the eval's negative runs), so the
        rest is ranked, spread and cut to `top_k` as in any other question."""
        o = options or self.options
        n = max(o.candidates, top_k)
        query_vector = self.embedder.embed_query(query)
        ranges = _within(self._date_ranges(query, filters), filters) if o.date_bonus else []
        dense_lists: list[list[Passage]] = []
        lexical_lists: list[list[Passage]] = []
        for extra in [filters] + [{**(filters or {}), **as_filters(r)} for r in ranges[:2]]:
            share = n if extra is filters else max(top_k, n // 2)
            if o.mode in ("dense", "hybrid"):
                dense_lists.append(self.dense.retrieve(query, share, extra, query_vector))
            if o.mode in ("bm25", "hybrid"):
                lexical_lists.append(lexical_index(self.store).retrieve(query, share, extra))
        dense_ids = {p.chunk_id for ps in dense_lists for p in ps}
        # Dense lists first: the fused pool keeps the first list's object, whose score must be a cosine
        # (a chunk BM25 found unrestricted and dense only within a date would otherwise carry its BM25 score).
        weights = [1.0] * len(dense_lists) + [o.lexical_weight] * len(lexical_lists)
        fused = reciprocal_rank_fusion(dense_lists + lexical_lists, weights, k=o.rrf_k)
        fused = [(p, s) for p, s in fused if exclude is None or not exclude(p)][:max(o.rerank_depth, top_k)]
        if not fused:
            return []
        pool = [p for p, _ in fused]
        fusion = normalised([s for _, s in fused])
        self._cosines(pool, dense_ids, query_vector)
        dated = [ranges and in_ranges(p.date, ranges) for p in pool]
        if o.rerank == "evidence":
            stored = self.store.sentence_vectors([p.doc_id for p in pool])
            score_sentences(query, pool, self.embedder, query_vector, stored, self._embed_sentences)
            pool, fusion, dated = _with_evidence(pool, fusion, dated)
            keys = [o.evidence_weight * (p.evidence[0].score if p.evidence else 0.0) + o.cosine_weight * p.score
                    + o.fusion_weight * f for p, f in zip(pool, fusion)]
            if o.lead_weight:
                keys = [k + o.lead_weight * c for k, c in zip(keys, self._lead_cosines(pool, query_vector))]
        else:
            keys = list(fusion) if o.rerank == "fused" else [-i for i in range(len(pool))]
        keys = [k + (o.date_bonus if d else 0.0) for k, d in zip(keys, dated)]
        docs = [p.doc_id for p in pool]
        # Spread over articles only when the pool holds more of them than there are places: with a few
        # articles (a small collection), an article's later passages are where its answers are.
        order = spread_documents(keys, docs, o.repeat_penalty if len(set(docs)) > top_k else 0.0)
        ranked = [pool[i] for i in order]
        if o.dedup:
            # Copies collapse when published about the same time; the same story from another time than
            # the question names collapses into the one dated then. Those dated then are offered first, so
            # they are the ones kept; the ranking order is restored after.
            inside = [bool(ranges) and in_ranges(p.date, ranges) for p in ranked]
            offer = sorted(range(len(ranked)), key=lambda i: not inside[i])
            # Without a date to prefer, the offer order is the ranking: stop once top_k are kept.
            limit = None if ranges else top_k
            kept = set(collapse_near_duplicates(offer, [ranked[i].text for i in offer], limit, o.dedup,
                                                [ranked[i].date for i in offer], [inside[i] for i in offer]))
            ranked = [p for i, p in enumerate(ranked) if i in kept]
        ranked = ranked[:top_k]
        if o.rerank != "evidence":  # answering and refusal read sentence evidence: score the survivors
            stored = self.store.sentence_vectors([p.doc_id for p in ranked])
            score_sentences(query, ranked, self.embedder, query_vector, stored, self._embed_sentences)
            ranked = _with_evidence(ranked)[0]
        return ranked

    def _embed_sentences(self, texts: list[str]) -> np.ndarray:
        """Vectors of sentences, each made once per process (a text's vector does not depend on its batch)."""
        made = self._made.get_many(texts, lambda todo: dict(zip(todo, self.embedder.embed(todo).copy())))
        return np.stack([made[t] for t in texts])

    def _date_ranges(self, query: str, filters: dict[str, Any] | None = None) -> list[tuple[int, int]]:
        """The dates the question names, else the weeks its relative date ("this week", "the latest")
        means in this index's news (read against its newest article, up to the `until` filter), or for a
        question about the present ("Who is the new …?") its newest two calendar years: candidates are fetched
        from then too."""
        named = query_date_ranges(query)
        if named:
            return named
        newest = self.newest_date(date_bound(filters, "until"))
        recent = recency.date_range(query, newest) or recency.present_range(
            query, newest, lexical_index(self.store).oldest_date())
        return [recent] if recent else []

    def term_weight(self) -> Callable[[str], float]:
        """How rare a (stemmed) word is among the indexed chunks: BM25's inverse document frequency from
        the lexical index, so a word every article of a topic uses weighs little beside the one that
        says what a question asks about; a word no chunk holds weighs most."""
        index = lexical_index(self.store)
        index.ensure_fresh()
        model = index.model
        if model is None:
            return lambda _term: 0.0
        return partial(_idf, model.vocab_dict, model.scores["indptr"], len(index.ids))

    def newest_date(self, until: str = "") -> str:
        """The newest article date in the index up to today, or up to `until` (the question's `until` filter:
        asked as of then), as an ISO day ("" when none is dated): what "this week" means in a question
        about the corpus's news (rag/answer/recency.py)."""
        today, n = date.today().isoformat(), date_number(until)
        return lexical_index(self.store).newest_date(min(today, iso_day(n)) if n else today)

    def _lead_cosines(self, pool: list[Passage], query_vector: np.ndarray) -> list[float]:
        """Each passage's document as a whole against the question: its title-and-lead vector's cosine."""
        leads = self.store.lead_vectors([p.doc_id for p in pool])
        return [float(np.dot(leads[p.doc_id], query_vector)) if p.doc_id in leads else 0.0 for p in pool]

    def _cosines(self, pool: list[Passage], dense_ids: set[str], query_vector: np.ndarray) -> None:
        """Give passages found only by BM25 their cosine similarity, from the vectors Chroma holds."""
        todo = [p for p in pool if p.chunk_id not in dense_ids]
        if not todo:
            return
        vectors = self.store.chunk_vectors([p.chunk_id for p in todo])
        for p in todo:
            vector = vectors.get(p.chunk_id)
            p.score = round(float(np.dot(vector, query_vector)), 4) if vector is not None else 0.0


def _idf(vocab: dict[str, int], indptr: Any, n_chunks: int, term: str) -> float:
    i = vocab.get(term)
    # bm25s keeps each term's chunks as one column of a CSC matrix; a word no chunk holds is the rarest
    df = 0 if i is None else int(indptr[i + 1] - indptr[i])
    return math.log((n_chunks - df + 0.5) / (df + 0.5) + 1.0)


def _with_evidence(passages: list[Passage], *aligned: list) -> tuple[list, ...]:
    """Leave out passages with no sentence usable as evidence (all of it addressed to a model, see
    rag/retrieve/instructions.py): a generator shown such a passage would read its text whole."""
    keep = [i for i, p in enumerate(passages) if p.evidence]
    return tuple([seq[i] for i in keep] for seq in (passages, *aligned))
