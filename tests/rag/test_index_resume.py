"""A real `rag index` killed with SIGKILL in the middle of writing: the next run finishes the job and the
index is complete and consistent (every file listed once, every chunk and sentence of it stored, no
rows of a half-written document)."""
import os
import signal
import subprocess
import sys
import time

import pytest

from rag import RAG
from rag.ingest.documents import load_document
from rag.retrieve.evidence import evidence_sentences
from rag.store.journal import journal_path
from rag.store.schema import DOC_KEY
from tests.conftest import ROOT, SEEDS


def many_articles(folder, copies: int = 3):
    """Distinct articles made from the seeds (a numbered line keeps each copy's content hash its own)."""
    folder.mkdir()
    for n in range(copies):
        for seed in sorted(SEEDS.iterdir()):
            text = seed.read_text(encoding="utf-8")
            cut = text.index(".", len(text) // 2) + 1  # inside the body, where cleaning keeps it
            edited = f"{text[:cut]} Edition number {n} of this report was filed by another desk.{text[cut:]}"
            (folder / f"{n:02d}_{seed.name}").write_text(edited, encoding="utf-8")
    return folder


def index_command(corpus, index, chunk_vectors="chunks"):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAG_INDEX_BATCH_CHUNKS": "6",  # many small batches
           "RAG_CHUNK_VECTORS": chunk_vectors}
    return [sys.executable, "-m", "rag.cli", "index", "-q", "--index", str(index), str(corpus)], env


def assert_complete(index, corpus, chunk_vectors="chunks"):
    rag = RAG.open(index, chunk_vectors=chunk_vectors)
    docs = rag.documents()
    assert sorted(d["name"] for d in docs) == sorted(p.name for p in corpus.iterdir())
    got = rag.store.collection.get(include=["metadatas"])["metadatas"]
    per_doc: dict[str, int] = {}
    for meta in got:
        per_doc[meta[DOC_KEY]] = per_doc.get(meta[DOC_KEY], 0) + 1
    assert per_doc == {d["doc_id"]: d["n_chunks"] for d in docs}  # no stray rows, no missing chunk
    sentences = dict(rag.store.sentences.per_document())  # by doc_id[:32] (rag/store/sentences.py)
    expected = {d["doc_id"][:32]: len(evidence_sentences(load_document(corpus / d["name"]).text)) for d in docs}
    assert sentences == (expected if chunk_vectors == "embed" else {})  # "chunks": made at question time


@pytest.mark.parametrize("chunk_vectors", ["chunks", "embed"])
def test_a_run_killed_mid_write_resumes_with_nothing_half_written(tmp_path, chunk_vectors):
    corpus, index = many_articles(tmp_path / "articles"), tmp_path / "index"
    cmd, env = index_command(corpus, index, chunk_vectors)
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    journal = journal_path(index)
    deadline = time.monotonic() + 300
    seen = 0
    while proc.poll() is None and time.monotonic() < deadline:
        if journal.exists():
            seen += 1
            if seen == 2:  # a batch in, the next being written right now
                break
            while journal.exists() and proc.poll() is None:
                time.sleep(0.002)
        time.sleep(0.002)
    assert proc.poll() is None, f"indexing ended before it could be killed: {proc.stderr.read()[-500:]}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    listed = RAG.open(index).documents()  # what the killed run left: only whole documents are listed
    assert 0 < len(listed) < len(list(corpus.iterdir()))
    again = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-800:]
    assert "Traceback" not in again.stderr
    assert not journal.exists()
    assert_complete(index, corpus, chunk_vectors)


def test_an_unreadable_journal_is_reported_and_indexing_goes_on(tmp_path, capsys):
    rag = RAG.open(tmp_path / "index")
    journal_path(tmp_path / "index").write_text("{not json", encoding="utf-8")
    report = rag.index([next(SEEDS.glob("004_*"))], progress=False)
    assert len(report.added) == 1 and not journal_path(tmp_path / "index").exists()
    assert "unreadable" in capsys.readouterr().err
