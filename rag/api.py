"""The façade: one object a user learns.

    rag = RAG.open()                 # the default on-disk index, or RAG.open("path/to/index")
    rag.index(["seeds/"])            # idempotent
    answer = rag.ask("…")            # .text with [n] markers, .citations, .refused
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from rag.config import Config
from rag.errors import RagError
from rag.types import Answer, IndexReport, Passage


class RAG:
    def __init__(self, config: Config):
        self.config = config
        self._lock = threading.Lock()

    @classmethod
    def open(cls, index_dir: str | os.PathLike | None = None, *, config: Config | None = None,
             **overrides: Any) -> RAG:
        if config is None:
            config = Config.load(**overrides)  # unknown keys land in config.extra
        elif overrides:
            config = config.with_overrides(**overrides)
        if index_dir is not None:
            config = config.replace(index_dir=str(index_dir))
        rag = cls(config)
        _ = rag.store  # open (or fail clearly) now rather than at the first question
        return rag

    # Heavy parts load on first use, once per object (and the model once per process).
    @cached_property
    def store(self):
        from rag.store.base import open_store

        return open_store(self.config)

    @cached_property
    def embedder(self):
        from rag.embed import embedder_for

        return embedder_for(self.config, self.store.embed_model)

    @cached_property
    def chain(self):
        from rag.chain import Chain

        with self._lock:
            return Chain(self.store, self.embedder, self.config)

    def index(self, paths: Iterable[str | os.PathLike] | str | os.PathLike, progress: Any = True) -> IndexReport:
        from rag.indexer import index_paths

        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        if self.config.ray_address:  # read, chunk and embed on the cluster; this process decides and writes
            from rag.ingest.ray_source import ray_source

            config = self.config.replace(embed_model=self.store.embed_model)  # the index's own model
            return index_paths(paths, self.store, None, config, progress=progress,
                               source=ray_source(self.config.ray_address, config))
        from rag.embed import LazyEmbedder

        return index_paths(paths, self.store, LazyEmbedder(lambda: self.embedder), self.config, progress=progress)

    def ask(self, question: str, *, history: list[tuple[str, str]] | None = None, top_k: int | None = None,
            generator: str | None = None, filters: dict | None = None, exclude: Any = None) -> Answer:
        """`exclude`: a predicate on passages left out of retrieval (the eval's negative-rejection runs)."""
        final = None
        for item in self.ask_stream(question, history=history, top_k=top_k, generator=generator, filters=filters,
                                    exclude=exclude):
            final = item
        assert isinstance(final, Answer)
        return final

    def ask_stream(self, question: str, *, history: list[tuple[str, str]] | None = None, top_k: int | None = None,
                   generator: str | None = None, filters: dict | None = None, exclude: Any = None,
                   statuses: bool = False) -> Iterator[Any]:
        """Yield answer text pieces as produced, then the final `Answer` (whose text may differ: grounded).
        With `statuses`, also `rag.answer.turns.QueueStatus` items before the first piece while the
        request waits for the answer model (all its slots busy with other answers).

        Threads may share a RAG object (a server does): their answers run at the same time, up to
        `llm_parallel` of them generating with the local model at once (rag/answer/llamacpp.py)."""
        stream = self.chain.stream(question, history=history, top_k=top_k, generator=generator, filters=filters,
                                   exclude=exclude)
        return stream if statuses else _without_statuses(stream)

    def retrieve(self, question: str, top_k: int | None = None, filters: dict | None = None) -> list[Passage]:
        from rag.question import validate_question

        question = validate_question(question, self.config.max_question_chars)
        return self.chain.retrieve(question, top_k or self.config.top_k, filters)

    def as_retriever(self, top_k: int | None = None, filters: dict | None = None):
        """This retrieval as a LlamaIndex retriever (`rag.integrations.llamaindex.NewsRetriever`), for LlamaIndex
        query engines."""
        from rag.integrations.llamaindex import NewsRetriever

        return NewsRetriever(self, top_k=top_k, filters=filters)

    def documents(self) -> list[dict[str, Any]]:
        return self.store.documents()

    def matching(self, name_or_doc_id: str) -> list[dict[str, Any]]:
        """The documents `name_or_doc_id` names: by document id or path exactly, else by file name — a name that
        several documents share (files in different folders) is a RagError listing their paths."""
        docs = self.store.documents()
        exact = [d for d in docs if name_or_doc_id in (d["doc_id"], d["path"])]
        if exact:
            return exact
        named = [d for d in docs if d["name"] == name_or_doc_id]
        if len(named) > 1:
            raise RagError(f"{len(named)} indexed documents are named {name_or_doc_id!r}; name one by its path: "
                           + ", ".join(d["path"] for d in named))
        return named

    def delete(self, name_or_doc_id: str) -> int:
        """Remove the document(s) `name_or_doc_id` names (see `matching`); returns the passages removed."""
        from rag.retrieve.bm25 import sync_lexical_index

        removed = 0
        with self.store.writing():
            for doc in self.matching(name_or_doc_id):
                removed += self.store.delete_doc(doc["doc_id"])
            if removed:
                sync_lexical_index(self.store)  # this process's BM25 copy follows at once
        return removed

    def count(self) -> int:
        return self.store.count()


def _without_statuses(stream: Iterator[Any]) -> Iterator[str | Answer]:
    from rag.answer.turns import QueueStatus

    try:
        for item in stream:
            if not isinstance(item, QueueStatus):
                yield item
    finally:
        getattr(stream, "close", lambda: None)()  # a caller that stops reading stops the answer
