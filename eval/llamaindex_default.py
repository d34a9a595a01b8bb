"""`rag eval --engine llamaindex-default`: LlamaIndex's default query engine, scored like our chain.

    engine = LlamaIndexDefault(RAG.open("/tmp/idx"))
    for piece in engine.ask_stream("Who won?", exclude=None): ...   # text pieces, then an `Answer`

What it is: `VectorStoreIndex.from_vector_store(<our Chroma collection>).as_query_engine(llm=...)` with
LlamaIndex's defaults — its text-QA prompt, `similarity_top_k` 2, the "compact" synthesizer — over the
same index (our chunks are stored as LlamaIndex TextNodes), our embedding model as its embedding and the
same local GGUF model and generation settings as its LLM (rag/integrations/llamaindex.py). Only
`streaming=True` is set, to time the first text; the answer is the same as without it.

How it is scored (eval/scoring.py, unchanged): its source nodes are the answer's passages and also its
citations, since its answers carry no markers: "citation precision" is then the share of the passages
shown with the answer that come from a gold source or hold a required fact. Its default prompt has no
refusal instruction, so an answer counts as declining when it says the context / articles do not give
the answer (`declines` below) or LlamaIndex returns its "Empty Response".

Negative runs leave the same passages out as ours: the dense top k of the corpus without the excluded
passages is the first k non-excluded ones of the top k + |excluded|, which is what is asked of Chroma.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from rag.types import Answer, Citation, Passage

NAME = "llamaindex-default"
EMPTY_RESPONSE = "Empty Response"  # what LlamaIndex answers when no node was retrieved
# A reply saying the given text does not answer: "The context does not provide…", "…is not mentioned in
# the provided information", "I don't know", "cannot be determined from the context".
_DECLINING = re.compile(
    r"\b(?:(?:do|does|did)(?: not|n't) (?:say|mention|provide|contain|specify|state|include|give)"
    r"|(?:is|are|was|were)(?: not|n't) (?:mentioned|provided|specified|stated|given|available|included)"
    r"|no (?:information|mention|details?)\b"
    r"|(?:don't|do not) know"
    r"|cannot (?:be )?(?:answer|determine|determined|find|say)"
    r"|unable to (?:answer|determine|find)"
    r"|not (?:possible|able) to (?:answer|determine))", re.I)


def declines(text: str) -> bool:
    """The reply says the context does not answer (or is LlamaIndex's empty response)."""
    flat = " ".join(text.split())
    return not flat or flat == EMPTY_RESPONSE or bool(_DECLINING.search(flat))


def node_passage(hit: Any) -> Passage:
    """A LlamaIndex `NodeWithScore` read from our store as a `Passage`."""
    node, meta = hit.node, hit.node.metadata
    return Passage(chunk_id=node.node_id, doc_id=str(meta.get("doc_id") or node.ref_doc_id or ""),
                   name=str(meta.get("name", "")), title=str(meta.get("title", "")), text=node.get_content(),
                   start=int(meta.get("start") or 0), end=int(meta.get("end") or 0),
                   score=float(hit.score or 0.0), date=str(meta.get("date", "")), source=str(meta.get("source", "")))


def _citation(n: int, p: Passage) -> Citation:
    return Citation(n=n, source=p.name, title=p.title, text=p.text, start=p.start, end=p.end, score=p.score,
                    date=p.date, publisher=p.source, doc_id=p.doc_id)


class LlamaIndexDefault:
    """The default query engine over an open `RAG`'s store, with `RAG.ask_stream`'s shape for the runner."""

    name = NAME

    def __init__(self, rag: Any):
        from llama_index.core import VectorStoreIndex
        from llama_index.core.constants import DEFAULT_SIMILARITY_TOP_K

        from rag.integrations.llamaindex import as_llama_embedding, as_llamaindex_llm

        self.rag = rag
        self.top_k = DEFAULT_SIMILARITY_TOP_K
        self.llm = as_llamaindex_llm(rag.config)
        self.index = VectorStoreIndex.from_vector_store(rag.store.vector_store,
                                                        embed_model=as_llama_embedding(rag.embedder))
        self.engine = self.index.as_query_engine(llm=self.llm, streaming=True)
        self._passages: list[Passage] | None = None

    def _all_passages(self) -> list[Passage]:
        if self._passages is None:
            self._passages = [Passage(chunk_id=cid, doc_id=str(meta.get("doc_id", "")), name=str(meta.get("name", "")),
                                      title=str(meta.get("title", "")), text=text, start=0, end=0, score=0.0)
                              for cid, text, meta in self.rag.store.chunks()]
        return self._passages

    def _engine_for(self, exclude: Callable[[Passage], bool] | None):
        """The default engine, or with `exclude` the same one over the corpus without those passages."""
        if exclude is None:
            return self.engine
        from llama_index.core.query_engine import RetrieverQueryEngine
        from llama_index.core.retrievers import BaseRetriever

        left_out = {p.chunk_id for p in self._all_passages() if exclude(p)}
        inner = self.index.as_retriever(similarity_top_k=self.top_k + len(left_out))
        k = self.top_k

        class _Without(BaseRetriever):
            def _retrieve(self, query_bundle):
                return [h for h in inner.retrieve(query_bundle) if h.node.node_id not in left_out][:k]

        return RetrieverQueryEngine.from_args(_Without(), llm=self.llm, streaming=True)

    def ask_stream(self, question: str, *, top_k: int | None = None, generator: str | None = None,
                   exclude: Callable[[Passage], bool] | None = None, **_: Any) -> Iterator[str | Answer]:
        """Text pieces as LlamaIndex streams them, then the scored `Answer` (source nodes as citations).
        `top_k` / `generator` are ignored: the default engine's own top k and our LLM are the point."""
        started = time.perf_counter()
        response = self._engine_for(exclude).query(question)
        pieces: list[str] = []
        for delta in getattr(response, "response_gen", None) or [str(response)]:
            pieces.append(delta)
            yield delta
        text = "".join(pieces).strip() or EMPTY_RESPONSE
        passages = [node_passage(h) for h in response.source_nodes]
        refused = declines(text)
        yield Answer(question=question, text=text, refused=refused, passages=passages,
                     citations=[] if refused else [_citation(i, p) for i, p in enumerate(passages, start=1)],
                     timings_ms={"total": (time.perf_counter() - started) * 1000.0}, backend=NAME)
