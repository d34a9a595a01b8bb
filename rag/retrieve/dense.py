"""Dense retrieval through LlamaIndex over the Chroma collection, with news metadata filters."""
from __future__ import annotations

import math
from typing import Any

from rag.embed import Embedder, as_llama_embedding
from rag.store.chroma import DOC_KEY, ChromaStore, date_number
from rag.types import Passage


def to_metadata_filters(filters: dict[str, Any] | None):
    """{"source": "Dawn", "since": "2024-01-01", "until": "2024-12-31", "name": "x.txt"} -> MetadataFilters."""
    if not filters:
        return None
    from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters

    parts = []
    for key, value in filters.items():
        if value in (None, "", []):
            continue
        if key == "since":
            parts.append(MetadataFilter(key="date_num", value=date_number(str(value)), operator=FilterOperator.GTE))
        elif key == "until":
            parts.append(MetadataFilter(key="date_num", value=date_number(str(value)), operator=FilterOperator.LTE))
            parts.append(MetadataFilter(key="date_num", value=0, operator=FilterOperator.GT))
        elif key in ("source", "name", "doc_id", "title"):
            key = DOC_KEY if key == "doc_id" else key
            values = value if isinstance(value, (list, tuple)) else [value]
            op = FilterOperator.IN if len(values) > 1 else FilterOperator.EQ
            parts.append(MetadataFilter(key=key, value=list(values) if len(values) > 1 else values[0], operator=op))
        else:
            raise ValueError(f"unknown filter {key!r} (use source, name, since, until)")
    return MetadataFilters(filters=parts) if parts else None


class DenseRetriever:
    def __init__(self, store: ChromaStore, embedder: Embedder):
        from llama_index.core import VectorStoreIndex

        self.index = VectorStoreIndex.from_vector_store(store.vector_store,
                                                        embed_model=as_llama_embedding(embedder))

    def retrieve(self, query: str, k: int, filters: dict[str, Any] | None = None,
                 query_vector=None) -> list[Passage]:
        from llama_index.core.schema import QueryBundle

        retriever = self.index.as_retriever(similarity_top_k=k, filters=to_metadata_filters(filters))
        bundle = QueryBundle(query, embedding=None if query_vector is None else list(map(float, query_vector)))
        passages = []
        for hit in retriever.retrieve(bundle):
            meta = hit.node.metadata
            # ChromaVectorStore reports exp(-cosine distance); report the cosine similarity itself.
            cosine = 1.0 + math.log(hit.score) if hit.score and hit.score > 0 else 0.0
            passages.append(Passage(
                chunk_id=hit.node.node_id, doc_id=meta.get(DOC_KEY, ""), name=meta.get("name", ""),
                title=meta.get("title", ""), text=hit.node.get_content(), start=int(meta.get("start", 0)),
                end=int(meta.get("end", 0)), score=round(cosine, 4), date=meta.get("date", ""),
                source=meta.get("source", "")))
        return passages
