"""The store interface: what indexing, retrieval and the façade need of a vector store.

Everything above `rag/store/` is typed on `Store`, not on Chroma; `rag/store/chroma.py` is the one
implementation (embedded on disk, or a `chroma run` server), and `open_store` picks it from the config.
Modules inside `rag/store/` (durability, integrity, repair) belong to that backend and may use more.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np

if TYPE_CHECKING:
    from rag.config import Config
    from rag.types import Chunk, Document

T = TypeVar("T")
# One document to write: its chunks, their vectors, its sentences' (start, end) spans and their vectors.
DocumentRows = tuple["Document", list["Chunk"], Any, Sequence[tuple[int, int]], Any]


class Store(Protocol):
    config: Config
    embed_model: str  # the configuration name of the model whose vectors the store holds
    model_id: str

    # -- reading
    def count(self) -> int:
        """Stored chunks."""
        ...

    def documents(self) -> list[dict[str, Any]]:
        """One entry per document: doc_id, name, path, title, date, source, n_chunks, stamp (sorted by name)."""
        ...

    def nearest(self, vector: np.ndarray, k: int, filters: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the `k` nearest chunks passing `filters` (rag/store/filters.py)."""
        ...

    def chunk_records(self, chunk_ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """chunk id -> (text, metadata)."""
        ...

    def chunk_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        ...

    def sentence_vectors(self, doc_ids: list[str]) -> dict[str, list[tuple[int, int, np.ndarray]]]:
        """doc_id -> [(start, end, vector)] of its sentences."""
        ...

    def lead_vectors(self, doc_ids: list[str]) -> dict[str, np.ndarray]:
        """doc_id -> the vector of its first chunk (its title and lead: what the document is about)."""
        ...

    def chunks(self, where: dict | None = None) -> Iterator[tuple[str, str, dict]]:
        """Every stored chunk as (id, text, metadata)."""
        ...

    def first_chunk_ids(self) -> list[str]:
        ...

    def reading(self, read: Callable[[], T]) -> T:
        """`read()` against the current state of the store (another process may have written)."""
        ...

    # -- writing (inside `writing()`)
    def writing(self) -> AbstractContextManager[None]:
        """Serialise writers; on disk, each write lands completely or not at all."""
        ...

    def begin_change(self) -> None:
        ...

    def expect_growth(self, growth_bytes: int, what: str) -> None:
        ...

    def add(self, doc: Document, chunks: list[Chunk], embeddings: np.ndarray,
            sentences: Sequence[tuple[int, int]] = (), sentence_vectors: np.ndarray | None = None) -> None:
        ...

    def add_many(self, items: list[DocumentRows]) -> None:
        ...

    def set_stamp(self, doc_id: str, stamp: str) -> None:
        ...

    def delete_doc(self, doc_id: str) -> int:
        ...

    def forget_cached(self) -> None:
        ...


def open_store(config: Config) -> Store:
    """The store the config names (only Chroma so far: embedded, or a server at `chroma_url`)."""
    from rag.store.chroma import ChromaStore

    return ChromaStore(config)
