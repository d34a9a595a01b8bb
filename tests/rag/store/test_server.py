"""Server mode against a real `chroma run` on a free loopback port: index, ask, re-index, SIGTERM.
(Several ingestion workers into one server: tests/rag/ingest/test_ray_source.py.)"""
import pytest

from rag import RAG
from rag.config import Config
from rag.store.server import ChromaServer
from tests.conftest import SAMPLE_QUESTION


@pytest.fixture
def server(tmp_path):
    with ChromaServer(tmp_path / "chroma-data") as srv:
        yield srv
    assert srv.proc.returncode is not None  # stopped


def test_index_and_ask_through_a_server_then_stop_it_with_sigterm(tmp_path, seeds_dir):
    srv = ChromaServer(tmp_path / "data").start()
    try:
        rag = RAG.open(tmp_path / "unused", chroma_url=srv.url, embed_model="minilm-onnx")
        report = rag.index([seeds_dir], progress=False)
        assert len(report.added) == 5 and rag.count() == report.chunks_added
        answer = rag.ask(SAMPLE_QUESTION)
        assert not answer.refused and {c.source[:3] for c in answer.citations} & {"001", "004"}
    finally:
        code = srv.stop()
    assert code in (0, -15)  # exited on SIGTERM
    assert not srv.healthy()


def test_a_second_pass_through_the_server_changes_nothing(server, seeds_dir, tmp_path):
    config = Config.load(chroma_url=server.url, embed_model="minilm-onnx", index_dir=str(tmp_path / "unused"))
    report = RAG.open(config=config).index([seeds_dir], progress=False)
    assert sorted(report.added) == sorted(p.name for p in seeds_dir.iterdir())
    rag = RAG.open(config=config)  # another process's view: a new client of the same server
    assert len(rag.documents()) == 5 and rag.count() == report.chunks_added
    again = rag.index([seeds_dir], progress=False)
    assert again.added == [] and again.chunks_added == 0 and len(again.unchanged) == 5
