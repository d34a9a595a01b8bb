"""Builds of one set share sentence vectors: recovered from an index, answered without the model."""
import numpy as np

from eval.confusable.sentence_cache import CachedEmbedder
from rag.retrieve.evidence import evidence_sentences
from tests.conftest import SEEDS


def test_sentences_of_an_index_are_answered_from_memory_with_their_stored_vectors(tmp_path):
    from rag import RAG

    seeded_rag = RAG.open(tmp_path / "embed", chunk_vectors="embed")  # sentence vectors stored at index time
    seeded_rag.index([SEEDS], progress=False)
    late = RAG.open(tmp_path / "late", chunk_vectors="late")
    late.index([sorted(SEEDS.iterdir())[0]], progress=False)
    assert CachedEmbedder(late.embedder).remember(late.store) == 0  # late chunking: in-context vectors, not learned
    cache = CachedEmbedder(seeded_rag.embedder)
    learned = cache.remember(seeded_rag.store)
    assert learned == seeded_rag.store.sentences.count()
    doc = next(d for d in seeded_rag.documents() if d["name"] == sorted(SEEDS.iterdir())[0].name)
    from rag.ingest.documents import load_document

    text = load_document(sorted(SEEDS.iterdir())[0]).text
    sentences = [s.text for s in evidence_sentences(text)]
    stored = sorted(seeded_rag.store.sentence_vectors([doc["doc_id"]])[doc["doc_id"]], key=lambda r: r[0])
    got = cache.embed(sentences)
    assert cache.misses == 0 and cache.hits == len(sentences)
    assert np.allclose(got, np.stack([v for _, _, v in stored]), atol=1e-6)
    fresh = cache.embed(["A sentence no article holds, about nothing at all."])
    assert cache.misses == 1 and np.allclose(fresh[0], seeded_rag.embedder.embed_query(
        "A sentence no article holds, about nothing at all."), atol=1e-5)
