"""Dense retrieval through the store: real Chroma neighbours, cosine scores, and no LlamaIndex import."""
from __future__ import annotations

import subprocess
import sys

from rag.retrieve.dense import DenseRetriever
from tests.conftest import ROOT, SAMPLE_QUESTION


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
