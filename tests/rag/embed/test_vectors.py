"""Chunk vectors by option: embedded with the title ahead, or the mean of the chunk's sentence vectors."""
import numpy as np
import pytest

from rag import RAG
from rag.embed.vectors import mean_vectors
from rag.errors import ConfigError
from rag.ingest.chunk import embedding_input
from rag.store.integrity import inspect
from tests.conftest import SEEDS

ARTICLE = sorted(SEEDS.iterdir())[1]  # a seed whose text starts with its title


def stored(rag):
    got = rag.store.collection.get(include=["embeddings", "documents", "metadatas"])
    rows = sorted(zip(got["metadatas"], got["documents"], got["embeddings"]), key=lambda r: r[0]["chunk"])
    return [(m, text, np.asarray(v, dtype=np.float32)) for m, text, v in rows]


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.texts = inner, 0

    def embed(self, texts):
        self.texts += len(texts)
        return self.inner.embed(texts)

    def embed_spans(self, texts, spans=None):
        self.texts += len(texts)
        return self.inner.embed_spans(texts, spans)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_title_is_embedded_with_each_chunk_but_not_stored(tmp_path):
    rag = RAG.open(tmp_path / "idx", embed_title=True, chunk_vectors="embed")
    rag.index([ARTICLE], progress=False)
    title = rag.documents()[0]["title"]
    rows = stored(rag)
    assert len(rows) >= 2 and rows[0][1].startswith(title) and not rows[1][1].startswith(title)
    expected = rag.embedder.embed([embedding_input(text, title) for _, text, _ in rows])
    assert embedding_input(rows[0][1], title) == rows[0][1]  # the first chunk already opens with the title
    assert embedding_input(rows[1][1], title) == f"{title}\n\n{rows[1][1]}"
    for (_, _, vector), want in zip(rows, expected):
        assert np.allclose(vector, want, atol=1e-5)
    for _, text, _ in rows[1:]:
        assert not text.startswith(title) and rag.embedder.fits(embedding_input(text, title))


def test_mean_chunk_vectors_cost_no_chunk_pass_and_follow_the_sentences(tmp_path):
    plain = RAG.open(tmp_path / "embed", embed_title=False, chunk_vectors="embed")
    counting = CountingEmbedder(plain.embedder)
    plain.__dict__["embedder"] = counting
    plain.index([ARTICLE], progress=False)
    embedded = counting.texts
    sentences = plain.store.sentences.count()
    assert embedded == plain.count() + sentences

    mean = RAG.open(tmp_path / "mean", embed_title=False, chunk_vectors="mean")
    counting = CountingEmbedder(mean.embedder)
    mean.__dict__["embedder"] = counting
    mean.index([ARTICLE], progress=False)
    assert counting.texts == sentences and mean.count() == plain.count()

    by_doc = mean.store.sentence_vectors([mean.documents()[0]["doc_id"]])
    (spans_vectors,) = by_doc.values()
    embedded = np.stack([v for _, _, v in stored(plain)])
    for i, ((meta, text, vector), (_, plain_text, _)) in enumerate(zip(stored(mean), stored(plain))):
        assert text == plain_text
        inside = [v for a, b, v in spans_vectors if a < meta["end"] and b > meta["start"]]
        want = np.mean(inside, axis=0)
        assert np.allclose(vector, want / np.linalg.norm(want), atol=1e-5)
        assert int(np.argmax(embedded @ vector)) == i  # nearest to its own chunk embedded whole


def test_late_chunking_embeds_each_chunk_once_and_pools_its_sentences(tmp_path):
    late = RAG.open(tmp_path / "late", embed_title=True, chunk_vectors="late")
    counting = CountingEmbedder(late.embedder)
    late.__dict__["embedder"] = counting
    late.index([ARTICLE], progress=False)
    assert counting.texts == late.count()  # one model pass per chunk, none per sentence
    title = late.documents()[0]["title"]
    rows = stored(late)
    for (_, _text, vector), want in zip(rows, late.embedder.embed([embedding_input(t, title) for _, t, _ in rows])):
        assert np.allclose(vector, want, atol=1e-5)
    doc_id = late.documents()[0]["doc_id"]
    pooled = late.store.sentence_vectors([doc_id])[doc_id]
    assert len(pooled) == late.store.sentences.count() > len(rows)
    first, text = rows[0][0], rows[0][1]
    inside = [(a, b, v) for a, b, v in pooled if b <= first["end"]]
    alone = late.embedder.embed([text[a - first["start"]:b - first["start"]] for a, b, _ in inside])
    cosines = [float(v @ w) for (_, _, v), w in zip(inside, alone)]
    print("late vs alone cosines", np.round(cosines, 3))
    assert min(cosines) > 0.5 and np.mean(cosines) > 0.75  # in context, yet still about its own words


def test_chunks_only_embeds_each_chunk_once_and_makes_sentence_vectors_when_ranked(tmp_path):
    both = RAG.open(tmp_path / "embed", chunk_vectors="embed")
    both.index([ARTICLE], progress=False)
    chunks = RAG.open(tmp_path / "chunks", chunk_vectors="chunks")
    counting = CountingEmbedder(chunks.embedder)
    chunks.__dict__["embedder"] = counting
    chunks.index([ARTICLE], progress=False)
    assert counting.texts == chunks.count() == both.count()  # one model pass per chunk, none per sentence
    assert chunks.store.sentences.count() == 0 and both.store.sentences.count() > chunks.count()
    assert [v.tolist() for _, _, v in stored(chunks)] == [v.tolist() for _, _, v in stored(both)]
    assert inspect(chunks.config) == []  # no stored sentence vectors is how this index is meant to be

    question = "Which groups did the US-Pakistan dialogue target?"
    counting.texts = 0
    found = chunks.retrieve(question)
    made = counting.texts
    assert made > len(found)  # the ranked passages' sentences, embedded at question time
    want = both.retrieve(question)
    assert [(p.chunk_id, [(e.start, e.score) for e in p.evidence]) for p in found] == \
        [(p.chunk_id, [(e.start, e.score) for e in p.evidence]) for p in want]
    chunks.retrieve(question)
    assert counting.texts == made  # the second time nothing is embedded again


def test_mean_vectors_weights_overlap_and_empty_spans():
    vectors = np.eye(3, dtype=np.float32)
    spans = [(0, 10), (10, 30), (30, 40)]
    got = mean_vectors([(0, 30), (5, 12), (50, 60)], spans, vectors, np.array([1, 3, 1], dtype=np.float32))
    assert np.allclose(got[0], np.array([1, 3, 0]) / np.sqrt(10))
    assert np.allclose(got[1], np.array([1, 3, 0]) / np.sqrt(10))  # both sentences overlap 5..12
    assert not got[2].any()
    titled = mean_vectors([(30, 40)], spans, vectors, np.ones(3, dtype=np.float32), np.array([1, 0, 0], np.float32))
    assert np.allclose(titled[0], np.array([1, 0, 1]) / np.sqrt(2))


def test_unknown_chunk_vectors_option_is_refused(tmp_path):
    rag = RAG.open(tmp_path / "idx", chunk_vectors="median")
    with pytest.raises(ConfigError, match="chunk_vectors"):
        rag.index([ARTICLE], progress=False)


def test_a_text_repeated_in_a_batch_is_embedded_once_with_the_same_vector(tmp_path):
    from rag.embed.vectors import embed_unique

    rag = RAG.open(tmp_path / "i")
    counting = CountingEmbedder(rag.embedder)
    texts = ["– A Byline", "The council met on Tuesday.", "– A Byline", "Facebook page", "The council met on Tuesday."]
    vectors = embed_unique(texts, counting)
    assert counting.texts == 3 and vectors.shape == (5, 384)
    assert np.array_equal(vectors, rag.embedder.embed(texts))
