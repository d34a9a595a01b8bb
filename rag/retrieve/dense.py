"""Dense retrieval: the chunks nearest the question's vector, read from the Chroma collection.

The collection is written in LlamaIndex's node format (rag/integrations/llamaindex.py), so any LlamaIndex
application can open it, and `NewsRetriever` there puts our whole retrieval behind LlamaIndex's retriever
interface. The query path itself asks the store (`Store.nearest`): importing LlamaIndex costs 1.5-2.8 s
on this 2-core machine, more than the whole cold `rag ask` budget (rag bench).
"""
from __future__ import annotations

from typing import Any

from rag.embed.base import Embedder
from rag.store.base import Store
from rag.store.schema import DOC_KEY
from rag.types import Passage


def passage_from(chunk_id: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    return Passage(chunk_id=chunk_id, doc_id=meta.get(DOC_KEY, ""), name=meta.get("name", ""),
                   title=meta.get("title", ""), text=text or "", start=int(meta.get("start") or 0),
                   end=int(meta.get("end") or 0), score=round(score, 4), date=meta.get("date", ""),
                   source=meta.get("source", ""))


class DenseRetriever:
    def __init__(self, store: Store, embedder: Embedder):
        self.store = store
        self.embedder = embedder

    def retrieve(self, query: str, k: int, filters: dict[str, Any] | None = None,
                 query_vector=None) -> list[Passage]:
        vector = query_vector if query_vector is not None else self.embedder.embed_query(query)
        hits = self.store.nearest(vector, k, filters)
        records = self.store.chunk_records([i for i, _ in hits])
        return [passage_from(i, *records[i], score) for i, score in hits if i in records]
