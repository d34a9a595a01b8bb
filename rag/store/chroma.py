"""Chroma as the vector store: embedded on disk (default) or a `chroma run` server (`chroma_url`).

Chunks are written as LlamaIndex TextNodes (through ChromaVectorStore) so LlamaIndex retrievers read
them back; each carries its document's metadata. The first chunk of a document (chunk == 0) also
serves as the document's catalogue entry, so the store needs nothing beside Chroma, in either mode.
Embeddings are always supplied by us: the collection has no embedding function of its own (Chroma's
default would download an ONNX model). Each collection records the embedding model that built it
(`embed_model` in its metadata); opening it with another model is refused with a message saying how
to re-index, since vectors from two models must never be mixed. With `embed_model = "auto"` the store
instead takes the packaged model the index was built with (`ChromaStore.embed_model`).
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import Config
from rag.errors import StoreError
from rag.store.base import DocumentRows
from rag.store.cache import LruCache
from rag.store.clients import client_for, drop_client_cache, opened_at  # noqa: F401  (drop_client_cache: tests)
from rag.store.durable import DurableWrites, ReadOnlyIndexError, read_only_copy, read_only_message, write_lock
from rag.store.filters import to_where
from rag.store.generation import GenerationMarker
from rag.store.integrity import check_at_open
from rag.store.nodes import textnode_metadata
from rag.store.paging import embeddings as _embeddings
from rag.store.paging import pages
from rag.store.schema import DATE_KEY, DOC_KEY, date_number
from rag.store.sentences import SentenceVectors
from rag.types import Chunk, Document

_WRITE_LOCK = threading.RLock()
# Documents' sentence vectors, and chunks' vectors and records, kept per process (rag/store/cache.py).
CACHED_DOCS = 256
CACHED_CHUNKS = 4096
UPSERT_ROWS = 4000  # rows per Chroma upsert (also bounded by the client's own maximum)


# The model every index was built with before indexes recorded theirs; likewise the chunk-vector options.
LEGACY_MODEL_ID = "all-MiniLM-L6-v2"
LEGACY_BUILD = {"embed_title": False, "chunk_vectors": "embed"}
# Build options that store the same chunk vectors: "chunks" only leaves sentence vectors to question time.
SAME_VECTORS = {"chunks": "embed"}
UNKNOWN_MODEL = "<the model folder>"  # an index built with a local model folder: its path is not recorded
_WARNED: set[str] = set()  # indexes whose build-option mismatch was already reported in this process


class ChromaStore:
    def __init__(self, config: Config):
        from rag.embed.registry import concrete_model, model_id

        # A read-only folder answers from a private copy and refuses writes (rag/store/durable.py).
        self.read_only = None if config.chroma_url else Path(config.index_dir)
        copy = read_only_copy(self.read_only) if self.read_only else None
        if copy is None:
            self.read_only = None
        else:
            config = config.replace(index_dir=str(copy))
        self.config = config
        # The model whose vectors this index holds: the configured one, or with "auto" the index's own.
        self.embed_model = concrete_model(config.embed_model)
        self.model_id = model_id(self.embed_model)
        self._sentence_cache: LruCache[list[tuple[int, int, np.ndarray]]] = LruCache(CACHED_DOCS)
        self._chunk_cache: LruCache[np.ndarray] = LruCache(CACHED_CHUNKS)
        self._record_cache: LruCache[tuple[str, dict[str, Any]]] = LruCache(CACHED_CHUNKS)
        self._lead_cache: LruCache[np.ndarray] = LruCache(CACHED_CHUNKS)
        # Another process's writes: a store that sees the marker changed opens the folder again before reading.
        self._marker = None if config.chroma_url else GenerationMarker(config.index_dir)
        self._durable = None if config.chroma_url else DurableWrites(self)
        self._changed = False
        if self._durable:
            check_at_open(config)  # a half-done write settled, a lost database named
        self._open(self._generation())
        for collection in (self.collection, *self.sentences.collections()):
            self._check_model(collection)
        self._check_build_options()

    def _open(self, generation: Any, force: bool = False) -> None:
        config = self.config
        client = client_for(config, generation, force)
        meta = {"hnsw:space": "cosine", "created_by": "news-rag", "embed_model": self.model_id}
        try:
            self.collection = client.get_or_create_collection(config.collection, embedding_function=None,
                                                              metadata=meta)
        except Exception as err:  # noqa: BLE001
            raise StoreError(f"cannot open collection {config.collection!r} in "
                             f"{config.chroma_url or config.index_dir}: {err}") from err
        try:  # sentence vectors: rag/store/sentences.py
            self.sentences = SentenceVectors(client, config.collection, meta)
        except StoreError:
            raise
        except Exception as err:  # noqa: BLE001
            raise StoreError(f"cannot open the sentence collection in "
                             f"{config.chroma_url or config.index_dir}: {err}") from err
        self._vector_store = None
        self._seen = generation
        self.forget_cached()

    def _generation(self) -> Any:
        """Which write of the folder this is: the marker's inode and time (None in server mode)."""
        return None if self._marker is None else self._marker.current()

    def ensure_current(self) -> None:
        """Open the folder again if another process has written to it since this store read it."""
        generation = self._generation()
        if generation != self._seen:
            self._open(generation)

    def reading(self, read):
        """`read()`, once more on a freshly opened folder if Chroma fails with an internal error (a write
        from another process landing while this one reads, before the marker says so)."""
        self.ensure_current()
        try:
            return read()
        except Exception as err:
            from chromadb.errors import InternalError

            if self._marker is None or not isinstance(err, InternalError):
                raise
            self._open(self._generation(), force=True)
            try:
                return read()
            except InternalError as again:  # not a concurrent write: a damaged part (rag doctor names it)
                from rag.store.integrity import Problem, damaged

                raise damaged(self.config.index_dir, Problem("Chroma cannot read it", str(again))) from again

    def _bump(self) -> None:
        assert self._marker is not None  # only on-disk stores bump
        self._seen = self._marker.bump()
        opened_at(self.config, self._seen)  # this process's client made the change

    def _check_model(self, collection) -> None:
        """Record our model in an empty or legacy collection; refuse one built with another model."""
        meta = dict(collection.metadata or {})
        built_with = meta.get("embed_model")
        if built_with == self.model_id:
            return
        if collection.count() == 0:
            built_with = self.model_id  # nothing stored yet: it becomes ours
        elif built_with is None:
            built_with = LEGACY_MODEL_ID
        if built_with == self.model_id:
            # Chroma refuses to be told the distance (or any graph setting) again, even unchanged.
            meta = {k: v for k, v in meta.items() if not k.startswith("hnsw:")}
            collection.modify(metadata={**meta, "embed_model": self.model_id})
            return
        from rag.embed.registry import AUTO, name_for

        packaged = name_for(built_with)
        if self.config.embed_model == AUTO and packaged:
            self.embed_model, self.model_id = packaged, built_with
            return
        where = self.config.chroma_url or self.config.index_dir
        raise StoreError(
            f"the index at {where} was built with the embedding model {built_with!r}, but this configuration "
            f"uses {self.model_id!r} (embed_model = {self.config.embed_model!r}); vectors of two models cannot "
            f"be mixed. Either set embed_model back (e.g. RAG_EMBED_MODEL={packaged or UNKNOWN_MODEL}), or "
            f"re-index with the new model into a new folder: rag index --index NEW_DIR <your articles>")

    def _check_build_options(self) -> None:
        """Record how chunk vectors are made (in an empty collection); warn when an index was built otherwise.

        Unlike the model, these only change which text a chunk vector summarises, so a mismatch is allowed
        (documents indexed later follow the new setting) but said once, with how to rebuild.
        """
        wanted = {"embed_title": bool(self.config.embed_title), "chunk_vectors": self.config.chunk_vectors}
        meta = dict(self.collection.metadata or {})
        if self.collection.count() == 0:
            if any(meta.get(k) != v for k, v in wanted.items()):
                meta.pop("hnsw:space", None)
                self.collection.modify(metadata={**meta, **wanted})
            return
        built = {k: meta.get(k, LEGACY_BUILD[k]) for k in wanted}
        same = {k: [SAME_VECTORS.get(str(v), v) for v in (built[k], wanted[k])] for k in wanted}
        changed = [f"{k}={built[k]!r} (now {wanted[k]!r})" for k in wanted if same[k][0] != same[k][1]]
        where = self.config.chroma_url or str(Path(self.config.index_dir).resolve())
        if changed and where not in _WARNED:
            _WARNED.add(where)
            print(f"note: the index at {where} was built with {', '.join(changed)}; documents already in it "
                  f"keep their vectors until re-indexed. For the current setting everywhere, index into a new "
                  f"folder: rag index --index NEW_DIR <your articles>", file=sys.stderr)

    @property
    def vector_store(self):
        """The LlamaIndex view of the collection."""
        if self._vector_store is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._vector_store = ChromaVectorStore(chroma_collection=self.collection)
        return self._vector_store

    @property
    def _dirty(self) -> bool:
        """Whether this write has changed the store. The first change of a write (on-disk) checks free
        space and keeps a rollback copy first (rag/store/durable.py)."""
        return self._changed

    @_dirty.setter
    def _dirty(self, value: bool) -> None:
        if value and not self._changed and self._durable:
            self._durable.before_change()
        self._changed = value

    def begin_change(self) -> None:
        """Inside `writing()`, before anything beside the store is written for a change (the indexing journal):
        the free-space check and the rollback copy happen now, so a refused write leaves no trace."""
        self._dirty = True

    def expect_growth(self, growth_bytes: int, what: str) -> None:
        """Inside `writing()`: what the coming changes add, checked against free space before they start."""
        if self._durable:
            self._durable.expect(growth_bytes, what)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Serialise writers: threads in this process, and other processes on the same folder. On disk,
        each write lands completely or not at all (rag/store/durable.py)."""
        with _WRITE_LOCK:
            if self.config.chroma_url:
                # Writers on this machine share the index folder (its BM25 copy and indexing journal).
                folder = Path(self.config.index_dir)
                folder.mkdir(parents=True, exist_ok=True)
                with write_lock(folder):
                    yield
                return
            if self.read_only:
                raise ReadOnlyIndexError(read_only_message(self.read_only))
            durable = self._durable
            assert durable is not None  # on disk
            with write_lock(Path(self.config.index_dir)):
                durable.begin()
                self.ensure_current()  # another writer may have finished while this one waited
                self._dirty = False
                try:
                    yield
                except BaseException as err:
                    durable.roll_back(err)
                if self._dirty:
                    self._bump()
                durable.done(self._dirty)

    def count(self) -> int:
        return self.reading(lambda: self.collection.count())

    def documents(self) -> list[dict[str, Any]]:
        got = self.reading(lambda: self.collection.get(where={"chunk": 0}, include=["metadatas"]))
        docs = [{"doc_id": m.get(DOC_KEY, ""),
                 **{k: m.get(k, "") for k in ("name", "path", "title", "date", "source", "n_chunks", "stamp")}}
                for m in got["metadatas"] or []]
        return sorted(docs, key=lambda d: d["name"])

    def add(self, doc: Document, chunks: list[Chunk], embeddings: np.ndarray,
            sentences: Sequence[tuple[int, int]] = (), sentence_vectors: np.ndarray | None = None) -> None:
        """Write one document's chunks (and its sentences' spans and vectors), inside `writing()`."""
        self.add_many([(doc, chunks, embeddings, sentences, sentence_vectors)])

    def add_many(self, items: list[DocumentRows]) -> None:
        """Write many documents in large upserts, inside `writing()`: all sentences, then every chunk but the
        first of each document, then the first chunks (the catalogue entries). A document is listed only
        once everything of it is stored, so a run killed part-way leaves no listed half-document."""
        self.forget_cached()
        self._dirty = True
        self.sentences.write((doc.doc_id, spans, vectors) for doc, _c, _v, spans, vectors in items)
        rows = [row for doc, chunks, embeddings, _s, _v in items for row in self._chunk_rows(doc, chunks, embeddings)]
        for first in (False, True):
            part = [r for r in rows if r[3]["chunk"] == 0] if first else [r for r in rows if r[3]["chunk"] != 0]
            if part:
                self._upsert(self.collection, [r[0] for r in part], np.stack([r[2] for r in part]),
                             [r[3] for r in part], [r[1] for r in part])

    def _upsert(self, collection, ids: list[str], vectors: np.ndarray, metadatas: list[dict],
                documents: list[str] | None = None) -> None:
        step = max(1, min(UPSERT_ROWS, collection._client.get_max_batch_size()))
        for start in range(0, len(ids), step):
            end = start + step
            collection.upsert(ids=ids[start:end], embeddings=vectors[start:end], metadatas=metadatas[start:end],
                              **({"documents": documents[start:end]} if documents is not None else {}))

    def sentence_vectors(self, doc_ids: list[str]) -> dict[str, list[tuple[int, int, np.ndarray]]]:
        """doc_id -> [(start, end, vector)] for the given documents (read once per process, then cached)."""
        return self._cached(self._sentence_cache, sorted(set(doc_ids)), self.sentences.read)

    def chunk_records(self, chunk_ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """chunk id -> (text, metadata), cached: a nearest-neighbour query then needs only ids and
        distances from Chroma, which is several times faster than having it return texts and metadata."""
        def fetch(missing: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
            got = self.collection.get(ids=missing, include=["documents", "metadatas"])
            return {i: (t or "", m or {}) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])}

        return self._cached(self._record_cache, chunk_ids, fetch)

    def chunk_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """chunk id -> its stored vector (cached like sentence vectors)."""
        def fetch(missing: list[str]) -> dict[str, np.ndarray]:
            got = self.collection.get(ids=missing, include=["embeddings"])
            return {i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], _embeddings(got))}

        return self._cached(self._chunk_cache, chunk_ids, fetch)

    def lead_vectors(self, doc_ids: list[str]) -> dict[str, np.ndarray]:
        """doc_id -> its first chunk's vector (cached like sentence vectors)."""
        def fetch(missing: list[str]) -> dict[str, np.ndarray]:
            docs = {DOC_KEY: {"$in": missing}} if len(missing) > 1 else {DOC_KEY: missing[0]}
            got = self.collection.get(where={"$and": [docs, {"chunk": 0}]}, include=["embeddings", "metadatas"])
            rows = zip(got["metadatas"] or [], _embeddings(got))
            return {m[DOC_KEY]: np.asarray(v, dtype=np.float32) for m, v in rows}

        return self._cached(self._lead_cache, sorted(set(doc_ids)), fetch)

    def _cached(self, cache: LruCache, keys: list[str], fetch) -> dict:
        """Values for `keys` from `cache`, the rest read from the current store by `fetch`."""
        return cache.get_many(keys, lambda missing: self.reading(lambda: fetch(missing)))

    @staticmethod
    def _chunk_rows(doc: Document, chunks: list[Chunk], embeddings: np.ndarray):
        """(id, text, vector, metadata) per chunk, the metadata as LlamaIndex's ChromaVectorStore writes a
        TextNode (so its retrievers read our chunks back)."""
        base = {k: v for k, v in doc.metadata().items() if k != "doc_id"}
        for chunk, vector in zip(chunks, embeddings):
            meta = {**base, DOC_KEY: doc.doc_id, "chunk": chunk.index, "start": chunk.start, "end": chunk.end,
                    "n_tokens": chunk.n_tokens, DATE_KEY: date_number(doc.date)}
            if chunk.index == 0:
                meta["n_chunks"] = len(chunks)
            yield chunk.chunk_id, chunk.text, np.asarray(vector, dtype=np.float32), \
                textnode_metadata(chunk.chunk_id, doc.doc_id, meta, chunk.start, chunk.end)

    def set_stamp(self, doc_id: str, stamp: str) -> None:
        """Record the file stamp of an indexed document (on its catalogue entry, the first chunk)."""
        self._dirty = True
        self.collection.update(ids=[Chunk(doc_id, 0, "", 0, 0, 0).chunk_id], metadatas=[{"stamp": stamp}])

    def forget_cached(self) -> None:
        """Drop vectors cached for queries (a re-index with other chunking may reuse a chunk id)."""
        for cache in (self._sentence_cache, self._chunk_cache, self._record_cache, self._lead_cache):
            cache.clear()

    def delete_doc(self, doc_id: str) -> int:
        self.forget_cached()
        self._dirty = True
        ids = self.collection.get(where={DOC_KEY: doc_id}, include=[])["ids"]
        if ids:
            self.collection.delete(ids=ids)
        self.sentences.delete(doc_id)
        return len(ids)

    def nearest(self, vector: np.ndarray, k: int, filters: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """The `k` chunks nearest `vector` that pass `filters` (rag/store/filters.py), as (id, cosine similarity)."""
        got = self.reading(lambda: self.collection.query(
            query_embeddings=[[float(x) for x in vector]], n_results=k, where=to_where(filters),
            include=["distances"]))
        # The collection's space is cosine: distance = 1 - cosine similarity.
        return [(i, 1.0 - float(d)) for i, d in zip(got["ids"][0], got["distances"][0])]

    def first_chunk_ids(self) -> list[str]:
        """The id of every document's first chunk (content hashes: together they name what is stored)."""
        return self.reading(lambda: self.collection.get(where={"chunk": 0}, include=[])["ids"])

    def chunks(self, where: dict | None = None) -> Iterator[tuple[str, str, dict]]:
        """Every stored chunk as (id, text, metadata), page by page."""
        for got in pages(self.collection, where, ["documents", "metadatas"], 1000):
            yield from zip(got["ids"], got["documents"], got["metadatas"])


def default_index_exists(path: str | os.PathLike) -> bool:
    return (Path(path) / "chroma.sqlite3").is_file()
