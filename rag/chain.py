"""question -> (rewrite) -> retrieve -> re-rank by sentence evidence -> refuse or generate -> ground.

The refusal is decided from evidence before any generator runs: an unanswerable question never reaches
free generation. A generated draft whose sentences its citations do not support is replaced by the
extractive answer.
"""
from __future__ import annotations

import time
from typing import Any, Iterator

from rag.answer import focus
from rag.answer.base import get_generator
from rag.answer.grounding import ground
from rag.answer.rewrite import standalone_question
from rag.config import Config
from rag.embed import Embedder
from rag.errors import EmptyIndexError, InvalidQuestionError
from rag.retrieve.evidence import best_evidence
from rag.retrieve.hybrid import HybridRetriever, RetrievalOptions
from rag.store.chroma import ChromaStore
from rag.types import Answer, Passage

REFUSAL = "The articles do not say."


def validate_question(question: Any, max_chars: int) -> str:
    if not isinstance(question, str) or not question.strip():
        raise InvalidQuestionError("Please type a question.")
    question = " ".join(question.split())
    if len(question) > max_chars:
        raise InvalidQuestionError(f"That question is {len(question):,} characters long; the limit is "
                                   f"{max_chars:,}. Please ask something shorter.")
    return question


def refusal_text(question: str) -> str:
    return f"{REFUSAL} None of the indexed passages answers “{question}”."


class Chain:
    def __init__(self, store: ChromaStore, embedder: Embedder, config: Config):
        self.store = store
        self.embedder = embedder
        self.config = config
        self.retriever = HybridRetriever(store, embedder, RetrievalOptions.from_config(config))
        self._generators: dict[str, Any] = {}

    def generator(self, name: str):
        if name not in self._generators:
            self._generators[name] = get_generator(name, self.config)
        return self._generators[name]

    def retrieve(self, query: str, top_k: int, filters: dict | None = None) -> list[Passage]:
        """Hybrid dense + BM25 candidates, re-ranked by sentence evidence (rag/retrieve/hybrid.py)."""
        return self.retriever.retrieve(query, top_k, filters)

    def stream(self, question: str, *, history: list[tuple[str, str]] | None = None, top_k: int | None = None,
               generator: str | None = None, filters: dict | None = None) -> Iterator[str | Answer]:
        """Yield answer text pieces as they come, then the final grounded `Answer`."""
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        question = validate_question(question, self.config.max_question_chars)
        if self.store.count() == 0:
            raise EmptyIndexError("The index is empty: add articles first, e.g. `rag index seeds/` "
                                  "(or upload them in the UI).")
        query = standalone_question(question, history)
        k = top_k or self.config.top_k
        passages = self.retrieve(query, k, filters)
        focus.apply(query, passages)
        timings["retrieve_ms"] = (time.perf_counter() - t0) * 1000
        name = generator or self.config.generator
        answer = Answer(question=question, text="", citations=[], refused=False, passages=passages,
                        timings_ms=timings, backend=name, rewritten_question=query if query != question else "")
        if best_evidence(passages) < self.config.min_evidence:
            answer.text, answer.refused = refusal_text(question), True
            yield answer.text
        else:
            t1 = time.perf_counter()
            pieces: list[str] = []
            for piece in self.generator(name).stream(query, passages):
                if not pieces:
                    timings["first_token_ms"] = (time.perf_counter() - t0) * 1000
                pieces.append(piece)
                yield piece
            timings["generate_ms"] = (time.perf_counter() - t1) * 1000
            grounded = ground("".join(pieces), passages, question=query)
            if (grounded.unsupported or not grounded.citations) and name != "extractive":
                # the evidence check passed, so the extractive answer exists: use it rather than refuse
                answer.backend = f"{name}->extractive"
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
