"""Packed sentence vectors (rag/store/sentences.py): bit for bit, by document, beside an old index's layout."""
import struct
import zlib

import numpy as np
import pytest

from rag import RAG
from rag.store import sentences
from rag.store.chroma import drop_client_cache
from rag.store.schema import DOC_KEY, PACKED_SUFFIX, SENTENCES_SUFFIX
from rag.store.sentences import as_chroma_returns, pack, unpack


def _vectors(n: int, dim: int = 384, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _same(got, spans, vectors) -> bool:
    return [(a, b) for a, b, _ in got] == list(spans) and all(
        v.dtype == np.float32 and v.tobytes() == w.tobytes() for (_, _, v), w in zip(got, vectors))


def test_packing_keeps_every_bit_and_refuses_what_it_did_not_write():
    vectors = _vectors(5)
    vectors[0, :6] = [0.0, -0.0, np.inf, -np.inf, 1e-45, np.float32(np.nan)]  # signs, denormals, specials
    spans = [(0, 10), (11, 40), (41, 41), (42, 2**31), (7, 8)]
    text = pack(spans, vectors)
    assert text.isascii() and _same(unpack(text), spans, vectors)
    assert unpack(pack([], np.zeros((0, 384), np.float32))) == []
    for bad in ("s0" + text[2:], text[: len(text) // 2], "not packed"):
        with pytest.raises((ValueError, zlib.error, struct.error)):
            unpack(bad)


def test_packed_vectors_read_back_what_the_per_sentence_layout_read(tmp_path):
    """Chroma's cosine space hands a vector back with its last bits moved; packed ones are read bit for bit
    as that layout read them, so evidence scores do not change with the layout."""
    import chromadb
    from chromadb.config import Settings

    vectors = _vectors(2000, seed=2)
    vectors[:500] *= np.float32(1.0001)  # not quite unit, as a model's output may be
    client = chromadb.PersistentClient(str(tmp_path / "c"), settings=Settings(anonymized_telemetry=False))
    old = client.create_collection("old", metadata={"hnsw:space": "cosine"}, embedding_function=None)
    old.add(ids=[f"{i:05d}" for i in range(len(vectors))], embeddings=vectors)
    got = old.get(include=["embeddings"])
    back = np.asarray(got["embeddings"], np.float32)[np.argsort(got["ids"])]
    assert back.tobytes() != vectors.tobytes() and back.tobytes() == as_chroma_returns(vectors).tobytes()


@pytest.fixture
def indexed(tmp_path, seeds_dir):
    rag_ = RAG.open(tmp_path / "i", chunk_vectors="embed")  # sentence vectors made at index time and stored
    rag_.index([next(seeds_dir.glob("004_*")), next(seeds_dir.glob("001_*"))], progress=False)
    return rag_


def test_a_new_index_packs_its_sentences_and_creates_no_per_sentence_collection(indexed):
    store = indexed.store
    names = {c.name for c in store.collection._client.list_collections()}
    assert "articles" + PACKED_SUFFIX in names and "articles" + SENTENCES_SUFFIX not in names
    packed = store.sentences.packed.get(include=["embeddings", "metadatas"])
    assert np.asarray(packed["embeddings"]).shape == (len(packed["ids"]), 1)  # a placeholder per row
    docs = [d["doc_id"] for d in store.documents()]
    read = store.sentence_vectors(docs)
    assert all(read[d] for d in docs)
    assert store.sentences.count() == sum(len(v) for v in read.values()) > len(packed["ids"])


def test_parts_are_read_in_order_page_by_page_and_a_rewrite_leaves_no_stale_part(indexed, monkeypatch):
    vectors, spans = _vectors(11, seed=1), [(i * 10, i * 10 + 9) for i in range(11)]
    monkeypatch.setattr(sentences, "PART_SENTENCES", 3)
    monkeypatch.setattr(sentences, "READ_ROWS", 2)
    store = indexed.store.sentences
    with indexed.store.writing():
        store.write([("d" * 64, spans, vectors)])
    assert len(store.packed.get(where={DOC_KEY: "d" * 64}, include=[])["ids"]) == 4
    assert _same(store.read(["d" * 64])["d" * 64], spans, as_chroma_returns(vectors))
    with indexed.store.writing():
        store.write([("d" * 64, spans[:4], vectors[:4])])  # the same document split otherwise
    assert _same(store.read(["d" * 64])["d" * 64], spans[:4], as_chroma_returns(vectors[:4]))
    assert store.per_document()["d" * 32] == 4


def test_deleting_a_document_removes_its_packed_rows(indexed):
    docs = [d["doc_id"] for d in indexed.store.documents()]
    indexed.delete(docs[0])
    left = indexed.store.sentences.packed.get(include=["metadatas"])["metadatas"]
    assert {m[DOC_KEY] for m in left} == {docs[1]}
    assert indexed.store.sentence_vectors([docs[0]]) == {docs[0]: []}


def _to_old_layout(rag_) -> dict:
    """Rewrite an index's sentences as indexes built before the packed layout held them (one row each)."""
    store = rag_.store
    docs = [d["doc_id"] for d in store.documents()]
    read = store.sentences.read(docs)
    from rag.store.clients import client_for

    client = client_for(store.config, store._seen)
    old = client.create_collection("articles" + SENTENCES_SUFFIX, embedding_function=None,
                                   metadata={"hnsw:space": "cosine", "embed_model": store.model_id})
    for doc, rows in read.items():
        old.add(ids=[f"{doc[:32]}:s{i:05d}" for i in range(len(rows))], embeddings=np.stack([v for _, _, v in rows]),
                metadatas=[{DOC_KEY: doc, "start": a, "end": b} for a, b, _ in rows])
    store.sentences.packed.delete(ids=store.sentences.packed.get(include=[])["ids"])
    drop_client_cache()
    got = old.get(include=["embeddings", "metadatas"])
    stored: dict = {doc: [] for doc in read}
    for meta, vector in sorted(zip(got["metadatas"], got["embeddings"]), key=lambda r: (r[0][DOC_KEY], r[0]["start"])):
        stored[meta[DOC_KEY]].append((meta["start"], meta["end"], np.asarray(vector, np.float32)))
    return stored  # as the old layout holds them


def test_an_old_index_is_read_checked_and_grows_in_the_packed_layout(indexed, seeds_dir):
    from rag.config import Config
    from rag.store.integrity import inspect

    index = indexed.config.index_dir
    before = _to_old_layout(indexed)
    old = RAG.open(index, chunk_vectors="embed")
    docs = sorted(before)
    assert old.store.sentences.legacy is not None and old.store.sentences.packed.count() == 0
    got = old.store.sentence_vectors(docs)
    for doc in docs:
        assert _same(got[doc], [(a, b) for a, b, _ in before[doc]], [v for _, _, v in before[doc]])
    assert old.store.sentences.count() == sum(len(v) for v in before.values())
    assert inspect(Config.load(index_dir=index)) == []

    old.index([next(seeds_dir.glob("002_*"))], progress=False)  # a new document: packed, beside the old ones
    new = {d["doc_id"] for d in old.documents()} - set(docs)
    assert len(new) == 1 and old.store.sentences.packed.get(include=[])["ids"]
    assert all(old.store.sentence_vectors(list(new)).values())
    old.delete(docs[0])  # deleting an old document removes its per-sentence rows
    assert {m[DOC_KEY] for m in old.store.sentences.legacy.get(include=["metadatas"])["metadatas"]} == {docs[1]}
    with old.store.writing():  # re-writing an old document moves it to the packed layout
        old.store.sentences.write([(docs[1], [(a, b) for a, b, _ in before[docs[1]]],
                                    np.stack([v for _, _, v in before[docs[1]]]))])
    assert old.store.sentences.legacy.count() == 0
    assert _same(old.store.sentences.read([docs[1]])[docs[1]], [(a, b) for a, b, _ in before[docs[1]]],
                 as_chroma_returns(np.stack([v for _, _, v in before[docs[1]]])))
    assert inspect(Config.load(index_dir=index)) == []


def test_a_damaged_packed_part_is_named_by_the_doctor(indexed):
    from rag.config import Config
    from rag.store.integrity import inspect

    packed = indexed.store.sentences.packed
    row = packed.get(limit=1, include=["metadatas"])
    packed.update(ids=row["ids"], metadatas=[{**row["metadatas"][0], "packed": row["metadatas"][0]["packed"][:99]}])
    drop_client_cache()
    problems = inspect(Config.load(index_dir=indexed.config.index_dir))
    assert any(p.part == "sentence vectors" and "do not unpack" in p.detail for p in problems), problems


def test_a_chroma_server_holds_the_same_packed_vectors(tmp_path, seeds_dir, indexed):
    from rag.store.server import ChromaServer

    with ChromaServer(tmp_path / "chroma-data") as server:
        remote = RAG.open(tmp_path / "unused", chroma_url=server.url, chunk_vectors="embed")  # as `indexed`
        remote.index([next(seeds_dir.glob("004_*")), next(seeds_dir.glob("001_*"))], progress=False)
        docs = [d["doc_id"] for d in indexed.store.documents()]
        here, there = indexed.store.sentence_vectors(docs), remote.store.sentence_vectors(docs)
        for doc in docs:
            assert _same(there[doc], [(a, b) for a, b, _ in here[doc]], [v for _, _, v in here[doc]])
        remote.delete(docs[0])
        assert remote.store.sentence_vectors([docs[0]]) == {docs[0]: []}
