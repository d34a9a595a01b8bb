"""Dense retrieval straight from Chroma: filters mean what the lexical side means, and no LlamaIndex import."""
from __future__ import annotations

import subprocess
import sys

import pytest

from rag.retrieve.bm25 import matches
from rag.retrieve.dense import DenseRetriever, to_where
from tests.conftest import ROOT, SAMPLE_QUESTION

METAS = [
    {"article_id": "a", "name": "a.txt", "source": "Dawn", "title": "A", "date_num": 20240514},
    {"article_id": "b", "name": "b.txt", "source": "Reuters", "title": "B", "date_num": 20230101},
    {"article_id": "c", "name": "c.txt", "source": "", "title": "C", "date_num": 0},
]
FILTERS = [
    {"source": "Dawn"}, {"source": ["Dawn", "Reuters"]}, {"since": "2024-01-01"}, {"until": "2023-12-31"},
    {"since": "2023-01-01", "until": "2024-12-31"}, {"name": "c.txt"}, {"doc_id": "b"}, {"source": ""},
]


def _chroma_matches(where, meta) -> bool:
    """A tiny evaluator of the Chroma `where` subset we produce, to compare the two filter semantics."""
    if where is None:
        return True
    if "$and" in where:
        return all(_chroma_matches(w, meta) for w in where["$and"])
    (key, cond), = where.items()
    (op, value), = cond.items()
    have = meta.get(key)
    return {"$eq": have == value, "$in": have in (value if op == "$in" else []), "$gte": have >= value
            if isinstance(value, int) else False, "$lte": have <= value if isinstance(value, int) else False,
            "$gt": have > value if isinstance(value, int) else False}[op]


@pytest.mark.parametrize("filters", FILTERS)
def test_where_clause_selects_what_the_lexical_filter_selects(filters):
    where = to_where(filters)
    assert [_chroma_matches(where, m) for m in METAS] == [matches(m, filters) for m in METAS]


def test_unknown_filter_is_refused():
    with pytest.raises(ValueError, match="unknown filter"):
        to_where({"author": "x"})


def test_dense_hits_are_real_chroma_neighbours_with_cosine_scores(seeded_rag):
    dense = DenseRetriever(seeded_rag.store, seeded_rag.embedder)
    hits = dense.retrieve(SAMPLE_QUESTION, 5)
    assert len(hits) == 5
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and 0.3 < scores[0] <= 1.0
    q = seeded_rag.embedder.embed_query(SAMPLE_QUESTION)
    stored = seeded_rag.store.chunk_vectors([hits[0].chunk_id])[hits[0].chunk_id]
    assert abs(float(stored @ q) - scores[0]) < 1e-3  # the score is the cosine similarity itself
    assert {h.source for h in dense.retrieve(SAMPLE_QUESTION, 5, {"source": "Dawn"})} == {"Dawn"}


def test_asking_does_not_import_llama_index(seeded_rag):
    """LlamaIndex takes 1.5-3 s to import here: the answer path must not need it."""
    code = (f"import sys; from rag import RAG; a = RAG.open({seeded_rag.config.index_dir!r}).ask({SAMPLE_QUESTION!r});"
            "assert a.citations and not a.refused, a.text; print('llama_index.core' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"
