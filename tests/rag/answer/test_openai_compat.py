"""The `openai` backend against a real OpenAI-compatible server: llama.cpp's, started here on loopback."""
import subprocess
import sys

import pytest

from rag.answer import models
from rag.answer.base import get_generator
from rag.answer.openai_compat import OPENAI_URL, OpenAIGenerator, endpoint
from rag.config import Config
from rag.errors import RagError
from rag.types import Passage
from tests.conftest import ROOT

SMALL = "smollm2-135m"
KEY = "test-key-1234"

TEXT = "The museum reopened in March after a two-year renovation. Its new wing shows modern sculpture."
EVIDENCE = [Passage("m:00000", "m", "museum.txt", "Museum reopens", TEXT, 0, len(TEXT), 0.9)]


@pytest.fixture(scope="module")
def server_url():
    """`python -m rag.answer.llamacpp serve` in its own process, on a free loopback port, with an API key."""
    models.pull(SMALL)
    proc = subprocess.Popen([sys.executable, "-m", "rag.answer.llamacpp", "serve", SMALL, "--host", "127.0.0.1",
                             "--port", "0", "--api-key", KEY, "--ctx", "1024"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        address = proc.stdout.readline().strip()
        assert address.startswith("http://127.0.0.1:"), f"server did not start: {address!r}"
        yield address + "/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def env(monkeypatch, server_url):
    for name in ("RAG_OPENAI_API_KEY", "OPENAI_BASE_URL", "RAG_OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RAG_OPENAI_BASE_URL", server_url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    return server_url


def test_streams_an_answer_from_the_server(env):
    gen = get_generator("openai", Config.load(extra={"llm_max_tokens": 48}))
    assert isinstance(gen, OpenAIGenerator) and gen.base_url == env
    pieces = list(gen.stream("When did the museum reopen?", EVIDENCE))
    assert len(pieces) > 1 and "".join(pieces).strip()
    assert 0 < gen.last_stats["ttft_ms"] <= gen.last_stats["total_ms"]


def test_wrong_key_is_a_readable_error(env, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "wrong")
    gen = OpenAIGenerator(Config.load())
    with pytest.raises(RagError, match="OpenAI-compatible server at .* failed"):
        list(gen.stream("When did the museum reopen?", EVIDENCE))


def test_unreachable_server_is_a_readable_error(monkeypatch):
    monkeypatch.setenv("RAG_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # discard port: nothing listens
    with pytest.raises(RagError, match="127.0.0.1:9"):
        list(OpenAIGenerator(Config.load()).stream("When did the museum reopen?", EVIDENCE))


def test_endpoint_comes_from_the_environment(monkeypatch):
    for name in ("RAG_OPENAI_BASE_URL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "RAG_OPENAI_API_KEY",
                 "RAG_OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RagError, match="OPENAI_API_KEY"):
        endpoint(Config.load())
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    assert endpoint(Config.load()) == (OPENAI_URL, "k", "gpt-4o-mini")
    monkeypatch.setenv("RAG_OPENAI_BASE_URL", "http://localhost:11434/v1/")
    monkeypatch.setenv("RAG_OPENAI_MODEL", "qwen2.5:0.5b")
    assert endpoint(Config.load()) == ("http://localhost:11434/v1", "k", "qwen2.5:0.5b")
