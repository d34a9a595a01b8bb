"""`rag index --ray` on a real local Ray cluster (`ray start --head` on 127.0.0.1, two worker CPUs) into a
real `chroma run` server: the same documents, chunks, sentences and vectors as a local run."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag import RAG
from rag.store.server import ChromaServer, free_port
from tests.conftest import ROOT

RAY = str(Path(sys.executable).parent / "ray")


@pytest.fixture(scope="module")
def ray_cluster():
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_USAGE_STATS_ENABLED": "0"}  # workers import this checkout
    start = [RAY, "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}", "--num-cpus=2",
             "--include-dashboard=false", "--disable-usage-stats"]
    try:
        subprocess.run(start, env=env, check=True, capture_output=True, text=True, timeout=180)
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([RAY, "stop", "--force"], env=env, capture_output=True, timeout=120)


def stored(rag):
    got = rag.store.collection.get(include=["embeddings", "metadatas"])
    return {i: (m["chunk"], m["n_tokens"], np.asarray(v)) for i, m, v in zip(got["ids"], got["metadatas"],
                                                                            got["embeddings"])}


def test_ray_run_into_a_server_matches_a_local_run(ray_cluster, seeds_dir, tmp_path):
    local = RAG.open(tmp_path / "local")
    local_report = local.index([seeds_dir], progress=False)
    with ChromaServer(tmp_path / "chroma-data") as server:
        distributed = RAG.open(tmp_path / "bm25", chroma_url=server.url, ray_address=ray_cluster)
        report = distributed.index([seeds_dir], progress=False)
        assert sorted(report.added) == sorted(local_report.added) and report.chunks_added == local_report.chunks_added
        assert [(d["name"], d["doc_id"], d["n_chunks"]) for d in distributed.documents()] == \
            [(d["name"], d["doc_id"], d["n_chunks"]) for d in local.documents()]
        assert distributed.store.sentences.count() == local.store.sentences.count()
        ours, theirs = stored(distributed), stored(local)
        assert ours.keys() == theirs.keys()
        for key, (chunk, tokens, vector) in ours.items():
            assert (chunk, tokens) == theirs[key][:2]
            assert np.allclose(vector, theirs[key][2], atol=1e-5)  # the int8 model is batch-independent
        again = distributed.index([seeds_dir], progress=False)  # unchanged: decided here, nothing sent
        assert again.added == [] and len(again.unchanged) == 5
        assert distributed.retrieve("Which groups did the US–Pakistan dialogue target?")


def test_an_unreachable_cluster_is_one_clear_line(tmp_path, seeds_dir):
    proc = subprocess.run([sys.executable, "-m", "rag.cli", "index", "-q", "--index", str(tmp_path / "idx"),
                           "--ray", f"127.0.0.1:{free_port()}", str(seeds_dir)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "Ray cluster" in proc.stderr.strip().splitlines()[-1]


def test_ray_is_not_imported_on_the_query_path(seeded_rag):
    code = (f"import sys; from rag import RAG; a = RAG.open({seeded_rag.config.index_dir!r}).ask('Who is named?');"
            "print('ray' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-1000:]
    assert out.stdout.strip().splitlines()[-1] == "False"
