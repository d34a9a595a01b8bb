"""Dense retrieval: the chunks nearest the question's vector, read from the Chroma collection.

The collection is written through LlamaIndex (`ChromaVectorStore`, one TextNode per chunk), so any
LlamaIndex application can open it, and `rag.llama.NewsRetriever` puts our whole retrieval behind
LlamaIndex's retriever interface. The query path itself reads Chroma directly: importing LlamaIndex
costs 1.5-2.8 s on this 2-core machine, more than the whole cold `rag ask` budget (rag bench).
"""
from __future__ import annotations

from typing import Any

from rag.embed import Embedder
from rag.store.chroma import DOC_KEY, ChromaStore, date_number
from rag.types import Passage

FILTER_KEYS = ("source", "name", "doc_id", "title", "since", "until")


def to_where(filters: dict[str, Any] | None) -> dict[str, Any] | None:
    """{"source": "Dawn", "since": "2024-01-01", "until": "2024-12-31", "name": "x.txt"} -> a Chroma `where`.

    The same semantics as the lexical side (`rag.retrieve.bm25.matches`): `until` also excludes undated
    articles, several values of one key mean any of them.
    """
    clauses: list[dict[str, Any]] = []
    for key, value in (filters or {}).items():
        if value in (None, "", []):
            continue
        if key == "since":
            clauses.append({"date_num": {"$gte": date_number(str(value))}})
        elif key == "until":
            clauses.append({"date_num": {"$lte": date_number(str(value))}})
            clauses.append({"date_num": {"$gt": 0}})
        elif key in ("source", "name", "doc_id", "title"):
            field = DOC_KEY if key == "doc_id" else key
            values = list(value) if isinstance(value, (list, tuple)) else [value]
            clauses.append({field: {"$in": values}} if len(values) > 1 else {field: {"$eq": values[0]}})
        else:
            raise ValueError(f"unknown filter {key!r} (use source, name, since, until)")
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def passage_from(chunk_id: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    return Passage(chunk_id=chunk_id, doc_id=meta.get(DOC_KEY, ""), name=meta.get("name", ""),
                   title=meta.get("title", ""), text=text or "", start=int(meta.get("start") or 0),
                   end=int(meta.get("end") or 0), score=round(score, 4), date=meta.get("date", ""),
                   source=meta.get("source", ""))


class DenseRetriever:
    def __init__(self, store: ChromaStore, embedder: Embedder):
        self.store = store
        self.embedder = embedder

    def retrieve(self, query: str, k: int, filters: dict[str, Any] | None = None,
                 query_vector=None) -> list[Passage]:
        vector = query_vector if query_vector is not None else self.embedder.embed_query(query)
        got = self.store.reading(lambda: self.store.collection.query(
            query_embeddings=[[float(x) for x in vector]], n_results=k, where=to_where(filters),
            include=["distances"]))
        ids, distances = got["ids"][0], got["distances"][0]
        records = self.store.chunk_records(ids)
        # The collection's space is cosine: distance = 1 - cosine similarity.
        return [passage_from(i, *records[i], 1.0 - float(d)) for i, d in zip(ids, distances) if i in records]
