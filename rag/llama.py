"""LlamaIndex integration: this project's retrieval as a LlamaIndex retriever.

    from llama_index.core.query_engine import RetrieverQueryEngine
    retriever = RAG.open().as_retriever(top_k=5, filters={"since": "2024-01-01"})
    engine = RetrieverQueryEngine.from_args(retriever, llm=your_llm)

Each node carries the passage text, its article's metadata and, as `best_sentence`, the sentence that
scored highest as evidence; the score is the passage's cosine similarity to the question.
"""
from __future__ import annotations

from typing import Any

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeRelationship, NodeWithScore, QueryBundle, RelatedNodeInfo, TextNode

from rag.types import Passage


def to_node(passage: Passage) -> NodeWithScore:
    meta = {"article_id": passage.doc_id, "name": passage.name, "title": passage.title, "date": passage.date,
            "source": passage.source, "start": passage.start, "end": passage.end}
    if passage.evidence:
        meta["best_sentence"] = passage.evidence[0].text
    node = TextNode(id_=passage.chunk_id, text=passage.text, metadata=meta,
                    start_char_idx=passage.start, end_char_idx=passage.end,
                    relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=passage.doc_id)})
    return NodeWithScore(node=node, score=passage.score)


class NewsRetriever(BaseRetriever):
    """Hybrid dense + BM25 retrieval re-ranked by sentence evidence, behind `BaseRetriever`."""

    def __init__(self, rag: Any, top_k: int | None = None, filters: dict[str, Any] | None = None):
        super().__init__()
        self._rag = rag
        self._top_k = top_k
        self._filters = filters

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        passages = self._rag.retrieve(query_bundle.query_str, top_k=self._top_k, filters=self._filters)
        return [to_node(p) for p in passages]
