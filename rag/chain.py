"""question -> (rewrite) -> retrieve -> re-rank by sentence evidence -> check the question's constraints
-> refuse, say what the articles cover instead, or generate -> ground.

The refusal is decided from evidence before any generator runs: an unanswerable question never reaches
free generation. Evidence sentences that miss one of the question's constraints (another year, quarter,
team; no name where "who" is asked) do not count as evidence (rag/answer/constraints.py); when the best
of them misses only a year, month, quarter or gender, the answer says what the articles cover instead
and is marked `partial`. Grounding repairs a draft claim by claim; a draft with nothing supported is
replaced by the extractive answer.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from rag.answer import constraints, focus
from rag.answer.base import get_generator
from rag.answer.grounding import citation_for, ground
from rag.answer.prompt import best_sentence_only
from rag.answer.refusal import declines, partial_text, refusal_text, without_declining_sentences
from rag.answer.rewrite import standalone_question
from rag.config import Config
from rag.embed.base import Embedder
from rag.errors import EmptyIndexError
from rag.question import validate_question
from rag.retrieve.evidence import best_evidence
from rag.retrieve.hybrid import HybridRetriever, RetrievalOptions
from rag.store.base import Store
from rag.store.filters import date_bound
from rag.types import Answer, Passage


class Chain:
    def __init__(self, store: Store, embedder: Embedder, config: Config):
        self.store = store
        self.embedder = embedder
        self.config = config
        self.retriever = HybridRetriever(store, embedder, RetrievalOptions.from_config(config))
        self._generators: dict[str, Any] = {}

    def generator(self, name: str):
        if name not in self._generators:
            self._generators[name] = get_generator(name, self.config)
        return self._generators[name]

    def retrieve(self, query: str, top_k: int, filters: dict | None = None,
                 exclude: Callable[[Passage], bool] | None = None) -> list[Passage]:
        """Hybrid dense + BM25 candidates, re-ranked by sentence evidence (rag/retrieve/hybrid.py)."""
        return self.retriever.retrieve(query, top_k, filters, exclude=exclude)

    def stream(self, question: str, *, history: list[tuple[str, str]] | None = None, top_k: int | None = None,
               generator: str | None = None, filters: dict | None = None,
               exclude: Callable[[Passage], bool] | None = None) -> Iterator[str | Answer]:
        """Yield answer text pieces as they come, then the final grounded `Answer`.
        `exclude`: passages to leave out of retrieval (the eval's negative-rejection runs)."""
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        question = validate_question(question, self.config.max_question_chars)
        if self.store.count() == 0:
            raise EmptyIndexError("The index is empty: add articles first, e.g. `rag index seeds/` "
                                  "(or upload them in the UI).")
        query = standalone_question(question, history)
        k = top_k or self.config.top_k
        passages = self.retrieve(query, k, filters, exclude)
        focus.apply(query, passages)
        weight = self.retriever.term_weight()
        newest = self.retriever.newest_date(date_bound(filters, "until"))  # asked as of then
        near = constraints.apply(query, passages, weight, newest)
        timings["retrieve_ms"] = (time.perf_counter() - t0) * 1000
        name = generator or self.config.generator
        answer = Answer(question=question, text="", citations=[], refused=False, passages=passages,
                        timings_ms=timings, backend=name, rewritten_question=query if query != question else "")
        if best_evidence(passages) < self.config.min_evidence:
            if near is not None and near.score >= self.config.min_evidence:
                p = passages[near.passage]
                answer.text, answer.partial = partial_text(near, p), True
                answer.citations = [citation_for(1, p, near.sentence)]
            else:
                answer.text, answer.refused = refusal_text(question), True
            yield answer.text
        else:
            t1 = time.perf_counter()
            pieces: list[str] = []
            # a model reads as context the sentences missing only constraints.CONTEXT kinds; extractive does not
            shown = passages if name == "extractive" else constraints.as_context(query, passages, weight, newest)
            for piece in self.generator(name).stream(query, shown):
                if not isinstance(piece, str):  # a status (waiting for the model: rag/answer/turns.py)
                    yield piece
                    continue
                if not pieces:
                    timings["first_token_ms"] = (time.perf_counter() - t0) * 1000
                pieces.append(piece)
                yield piece
            timings["generate_ms"] = (time.perf_counter() - t1) * 1000
            draft = "".join(pieces)
            # what a draft may rest on: not a sentence shown only as context ("a loss to a third team")
            anchors = passages if name == "extractive" else constraints.as_context(
                query, passages, weight, newest, constraints.ANSWERING_CONTEXT)
            grounded = ground(without_declining_sentences(draft), shown, question=query, anchors=anchors)
            if not grounded.citations and declines(draft) and best_evidence(passages) < self.config.decline_trust:
                pass  # the model read the evidence and found no answer: a second answerability check
            elif not grounded.citations and name != "extractive":
                # nothing of the draft is supported: ask once more with the best sentence alone (a small model
                # declines or copies another line when shown several); failing that, the evidence check
                # passed, so the extractive answer exists: use it rather than refuse
                again = "".join(p for p in self.generator(name).stream(query, best_sentence_only(shown))
                                if isinstance(p, str))
                grounded = ground(without_declining_sentences(again), shown, question=query, anchors=anchors)
                if not grounded.citations:
                    answer.backend = f"{name}->extractive"
                    # from the evidence alone: a sentence shown to the model only as context is no answer
                    grounded = ground("".join(self.generator("extractive").stream(query, passages)), passages)
            if not grounded.citations:
                answer.text, answer.refused = refusal_text(question), True
            else:
                answer.text, answer.citations = grounded.text, grounded.citations
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        yield answer

    def ask(self, question: str, **kwargs: Any) -> Answer:
        final = None
        for item in self.stream(question, **kwargs):
            final = item
        assert isinstance(final, Answer)
        return final
