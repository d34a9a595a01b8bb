"""Chunks are sentence-aligned, sized in tiktoken tokens, and always fit the embedding model."""
import pytest

from rag.embed import load_embedder
from rag.ingest.chunk import chunk_document, count_tokens
from rag.ingest.documents import load_document
from rag.types import Document
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def embedder():
    return load_embedder()


@pytest.mark.parametrize("path", sorted(SEEDS.iterdir()), ids=lambda p: p.name[:3])
def test_every_seed_chunk_fits_the_model_and_keeps_its_span(path, embedder):
    doc = load_document(path)
    chunks = chunk_document(doc, 180, 1, fits=embedder.fits)
    assert len(chunks) >= 2
    for chunk in chunks:
        assert doc.text[chunk.start:chunk.end] == chunk.text
        assert chunk.n_tokens <= 180
        word_pieces = len(embedder.model.tokenizer(chunk.text)["input_ids"])
        assert word_pieces <= embedder.max_tokens, (chunk.index, word_pieces)
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    words = [i for i, ch in enumerate(doc.text) if not ch.isspace()]
    assert all(i in covered for i in words), "no text may fall between chunks"


def test_a_giant_sentence_is_cut_and_a_dense_one_is_split_again_to_fit(embedder):
    text = ("Tehreek-i-Taliban-Pakistan-Islamic-State-Khorasan " * 120).strip() + "."
    doc = Document("x" * 64, "long.txt", "", "t", text)
    chunks = chunk_document(doc, 180, 1, fits=embedder.fits)
    assert len(chunks) > 1
    assert all(embedder.fits(c.text) and c.n_tokens <= 180 for c in chunks)


def test_token_counting_is_tiktoken_cl100k():
    assert count_tokens("hello world") == 2


def test_embedding_input_heads_the_chunk_with_the_title_unless_it_opens_with_it():
    from rag.ingest.chunk import embedding_input

    assert embedding_input("Body text here.", "The Title") == "The Title\n\nBody text here."
    assert embedding_input("The Title\n\nBody text.", "The Title") == "The Title\n\nBody text."
    assert embedding_input("A long first sentence goes on", "A long first…") == "A long first sentence goes on"
    assert embedding_input("Body.", "") == "Body."
