"""Sentence vectors, packed: a document's sentences in a few rows of their own collection, read by document.

Nothing searches sentence vectors by vector: they are read by document id when a passage's sentences are
scored. Stored as one Chroma row per sentence (`<collection>__sentences`, the layout of indexes built before
this module), the first read of any of them made Chroma load the whole collection's vector segment into
memory: on realtimeqa's 130,583 sentences, +219 MB for reading 5 documents, and the writer held it too while
indexing. Here a document's sentences are packed into the metadata of rows of `<collection>__sentences_packed`
(one row per `PART_SENTENCES` sentences, so no value grows with the document), whose own vector is a 1-float
placeholder: reading them is a SQLite read, and the vector segment holds one float per row.

The packing (`pack`/`unpack`, format `FORMAT`, recorded in the collection's metadata) keeps every float32 bit
of what the per-sentence layout returned (`as_chroma_returns`): evidence scores and refusal thresholds read
them. Chroma keeps a metadata string twice on disk (the row and its string index), so the bytes are made
small before base64: the top byte of each float (sign and exponent, low entropy) is zlib-compressed, the three
mantissa bytes are kept as they are (random; they do not compress) -- 15% fewer bytes than plain base64.

Old indexes: a document with no packed rows is read from `<collection>__sentences` when that collection
exists; deleting a document removes its rows from both. Re-indexing a document (or `rag doctor --repair`)
writes the packed layout; the old collection is never created for a new index.
"""
from __future__ import annotations

import base64
import struct
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from rag.store.paging import get_paged, pages
from rag.store.schema import DOC_KEY, PACKED_SUFFIX, SENTENCES_SUFFIX

FORMAT = "s1"  # the packing below; a value starting with another tag is not ours to read
FORMAT_KEY = "sentence_format"  # the collection metadata key recording it
PACK_KEY = "packed"  # the row metadata key holding a packed part
PART_SENTENCES = 64  # sentences per row: ~110 KB of text for 384-float vectors
WRITE_BYTES = 4_000_000  # packed text per Chroma upsert (a batch of rows is held in memory twice)
READ_ROWS = 64  # packed rows per Chroma read
LEGACY_ROWS = 4000  # rows per read of the old layout (its vectors: one SQL statement per read)
# The placeholder vectors are tiny, but Chroma's log keeps each written row (its packed text too) until the
# vector segment is next persisted: persisting often keeps the log short.
PACKED_HNSW = {"hnsw:M": 2, "hnsw:construction_ef": 4, "hnsw:batch_size": 8, "hnsw:sync_threshold": 8}
_HEAD = struct.Struct("<4sII")  # format tag (padded), sentences, compressed top-byte length
Sentences = list[tuple[int, int, np.ndarray]]


def pack(spans: Sequence[tuple[int, int]], vectors: np.ndarray) -> str:
    """Spans and float32 vectors (one row per span) as text, bit for bit."""
    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    n = len(spans)
    assert vectors.shape[0] == n
    planes = vectors.view(np.uint8).reshape(n * vectors.shape[1] if n else 0, 4)
    top = zlib.compress(planes[:, 3].tobytes(), 1)
    raw = b"".join([_HEAD.pack(FORMAT.encode(), n, len(top)), np.asarray(spans, dtype="<u4").tobytes(), top,
                    planes[:, :3].tobytes()])
    return FORMAT + base64.b64encode(raw).decode("ascii")


def unpack(text: str) -> Sentences:
    """[(start, end, vector)] from `pack`'s text. ValueError when it is not that format, or is cut short."""
    if not text.startswith(FORMAT):
        raise ValueError(f"not a packed sentence part of format {FORMAT!r}")
    raw = base64.b64decode(text[len(FORMAT):], validate=True)
    tag, n, top_len = _HEAD.unpack_from(raw)
    if tag.rstrip(b"\0").decode() != FORMAT:
        raise ValueError("packed sentence part: wrong format tag")
    pos = _HEAD.size
    spans = np.frombuffer(raw, dtype="<u4", count=2 * n, offset=pos).reshape(n, 2)
    pos += 8 * n
    top = np.frombuffer(zlib.decompress(raw[pos:pos + top_len]), dtype=np.uint8)
    low = np.frombuffer(raw, dtype=np.uint8, offset=pos + top_len)
    if n == 0:
        return []
    if len(low) != 3 * len(top) or len(top) % n:
        raise ValueError("packed sentence part: cut short")
    planes = np.empty((len(top), 4), dtype=np.uint8)
    planes[:, :3] = low.reshape(-1, 3)
    planes[:, 3] = top
    vectors = planes.reshape(-1).view("<f4").reshape(n, -1).astype(np.float32)
    return [(int(a), int(b), vectors[i]) for i, (a, b) in enumerate(spans.tolist())]


def as_chroma_returns(vectors: np.ndarray) -> np.ndarray:
    """The vectors as a cosine-space Chroma collection hands them back, bit for bit: it stores each one divided
    by its norm (a float32 sum of squares, in order) and multiplies it back on reading, which moves the last bit
    of about half the floats. Sentences were read that way before they were packed, so evidence scores and
    refusal thresholds stay what they were. (Matched on 3,000 vectors against chromadb 1.5.9, and by the tests.)"""
    v = np.asarray(vectors, dtype=np.float32)
    if not v.size:
        return v
    norm = np.sqrt(np.cumsum(v * v, axis=1, dtype=np.float32)[:, -1])
    inverse = np.float32(1.0) / (norm + np.float32(1e-30))
    return (v * inverse[:, None]) * norm[:, None]


def part_id(doc_id: str, first: int, n: int) -> str:
    """A packed row's id: its document, its first sentence and how many it holds (counted from ids alone)."""
    return f"{doc_id[:32]}:p{first:05d}+{n}"


def _sentences_in(row_id: str) -> int:
    return int(row_id.rsplit("+", 1)[1]) if ":p" in row_id else 1  # a legacy row is one sentence


class SentenceVectors:
    """The sentence vectors of one index: packed rows, with an old index's per-sentence collection behind them."""

    def __init__(self, client, name: str, meta: dict[str, Any]):
        self.packed = client.get_or_create_collection(
            name + PACKED_SUFFIX, embedding_function=None, metadata={**meta, **PACKED_HNSW, FORMAT_KEY: FORMAT})
        found = str((self.packed.metadata or {}).get(FORMAT_KEY, FORMAT))
        if found != FORMAT:
            from rag.errors import StoreError

            raise StoreError(f"the index's sentence vectors are packed in format {found!r}, which this version "
                             f"cannot read (it reads {FORMAT!r}); re-index into a new folder: rag index --index "
                             f"NEW_DIR <your articles>")
        self.legacy = _legacy(client, name + SENTENCES_SUFFIX)

    def collections(self) -> list:
        return [self.packed] + ([self.legacy] if self.legacy is not None else [])

    def write(self, items: Iterable[tuple[str, Sequence[tuple[int, int]], Any]]) -> None:
        """Store (doc_id, spans, vectors) per document, replacing any rows it had (another split, the old layout)."""
        ids: list[str] = []
        metas: list[dict[str, Any]] = []
        written = []
        for doc_id, spans, vectors in items:
            if not len(spans):
                continue
            written.append(doc_id)
            vectors = as_chroma_returns(vectors)
            for first in range(0, len(spans), PART_SENTENCES):
                part = spans[first:first + PART_SENTENCES]
                ids.append(part_id(doc_id, first, len(part)))
                metas.append({DOC_KEY: doc_id, PACK_KEY: pack(part, vectors[first:first + len(part)])})
        start = 0
        while start < len(ids):
            end, size = start, 0
            while end < len(ids) and (end == start or size + len(metas[end][PACK_KEY]) <= WRITE_BYTES):
                size += len(metas[end][PACK_KEY])
                end += 1
            self.packed.upsert(ids=ids[start:end], embeddings=[[1.0]] * (end - start), metadatas=metas[start:end])
            start = end
        if written:
            self._drop_stale(written, set(ids))

    def _drop_stale(self, doc_ids: list[str], keep: set[str]) -> None:
        """Rows of these documents other than the ones just written: a document stored before with another
        sentence split, or in the old layout. Removed after the new rows landed, so none is ever without."""
        stale = [i for i in self._ids(self.packed, doc_ids) if i not in keep]
        if stale:
            self.packed.delete(ids=stale)
        if self.legacy is not None:
            old = self._ids(self.legacy, doc_ids)
            if old:
                self.legacy.delete(ids=old)

    @staticmethod
    def _ids(collection, doc_ids: list[str]) -> list[str]:
        return get_paged(collection, _where(doc_ids), [], 4000)["ids"]

    def read(self, doc_ids: list[str]) -> dict[str, Sentences]:
        """doc_id -> [(start, end, vector)] in document order ([] for a document with none stored)."""
        parts: dict[str, list[tuple[str, str]]] = {d: [] for d in doc_ids}
        for got in pages(self.packed, _where(doc_ids), ["metadatas"], READ_ROWS):
            for row_id, meta in zip(got["ids"], got["metadatas"] or []):
                parts.setdefault(meta[DOC_KEY], []).append((row_id, meta[PACK_KEY]))
        out = {d: [s for _, text in sorted(rows) for s in unpack(text)] for d, rows in parts.items()}
        missing = [d for d in doc_ids if not out[d]]
        if missing and self.legacy is not None:
            got = get_paged(self.legacy, _where(missing), ["embeddings", "metadatas"], LEGACY_ROWS)
            for meta, vector in zip(got["metadatas"], got["embeddings"]):
                out[meta[DOC_KEY]].append((int(meta["start"]), int(meta["end"]), np.asarray(vector, np.float32)))
        return out

    def delete(self, doc_id: str) -> None:
        for collection in self.collections():
            collection.delete(where={DOC_KEY: doc_id})

    def per_document(self) -> Counter:
        """Sentences stored per document, keyed by the first 32 characters of its id (ids alone: no vectors read)."""
        counts: Counter = Counter()
        for collection in self.collections():
            for got in pages(collection, None, [], 4000):
                for row_id in got["ids"]:
                    counts[row_id.split(":", 1)[0]] += _sentences_in(row_id)
        return counts

    def count(self) -> int:
        """Sentences stored (after every write, for the catalogue): packed rows' ids, and an old collection's
        row count (one sentence each) rather than its 130,000 ids."""
        packed = sum(_sentences_in(i) for got in pages(self.packed, None, [], 4000) for i in got["ids"])
        return packed + (self.legacy.count() if self.legacy is not None else 0)

    def unreadable(self) -> list[str]:
        """Documents with a packed part that does not unpack (rag doctor reads every part)."""
        bad = []
        for got in pages(self.packed, None, ["metadatas"], READ_ROWS):
            for meta in got["metadatas"] or []:
                try:
                    unpack(str(meta.get(PACK_KEY, "")))
                except (ValueError, zlib.error, struct.error):
                    bad.append(str(meta.get(DOC_KEY, "")))
        return bad


def _where(doc_ids: list[str]) -> dict:
    return {DOC_KEY: {"$in": doc_ids}} if len(doc_ids) > 1 else {DOC_KEY: doc_ids[0]}


def _legacy(client, name: str):
    """An old index's per-sentence collection when it exists (else None: it is never created). Not read here:
    any read of a collection, even count(), makes Chroma load its vector segment (+255 MB on realtimeqa)."""
    try:
        return client.get_collection(name, embedding_function=None)
    except Exception:  # noqa: BLE001 - Chroma raises NotFoundError (embedded) or a server error: absent
        return None
