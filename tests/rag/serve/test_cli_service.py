"""`rag ask` through a running service: the same output either way, and never a service on another index."""
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLE_QUESTION
from tests.rag.serve.conftest import open_copy


def rag_ask(*args, index, server_url):
    env = {**os.environ, "RAG_SERVER_URL": server_url}
    return subprocess.run([sys.executable, "-m", "rag.cli", "ask", "--index", str(index), *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


def _same_but_timings(a: str, b: str) -> bool:
    x, y = json.loads(a), json.loads(b)
    return list(x) == list(y) and {**x, "timings_ms": 0} == {**y, "timings_ms": 0}


def test_same_json_and_text_through_the_service_and_in_process(service):
    index = service.rag.config.index_dir
    remote = rag_ask("--json", SAMPLE_QUESTION, index=index, server_url=service.url)
    local = rag_ask("--json", "--local", SAMPLE_QUESTION, index=index, server_url=service.url)
    assert remote.returncode == local.returncode == 0 and remote.stderr == ""
    assert _same_but_timings(remote.stdout, local.stdout)
    with_passages = rag_ask("--json", "--passages", SAMPLE_QUESTION, index=index, server_url=service.url)
    assert len(json.loads(with_passages.stdout)["passages"]) == 5
    text = rag_ask(SAMPLE_QUESTION, index=index, server_url=service.url)
    assert text.stdout == rag_ask("--local", SAMPLE_QUESTION, index=index, server_url=service.url).stdout
    stream = rag_ask("--stream", SAMPLE_QUESTION, index=index, server_url=service.url)
    assert stream.returncode == 0 and "(grounded answer)" in stream.stdout and "[1]" in stream.stdout


def test_errors_from_the_service_read_as_they_do_in_process(service):
    proc = rag_ask("   ", index=service.rag.config.index_dir, server_url=service.url)
    assert proc.returncode == 1 and proc.stderr.strip() == "error: Please type a question."


def test_a_service_for_another_index_is_not_used(service, serve_seed_index, tmp_path):
    other = open_copy(serve_seed_index, tmp_path)  # same articles, another folder
    proc = rag_ask("--json", SAMPLE_QUESTION, index=other.config.index_dir, server_url=service.url)
    assert proc.returncode == 0 and "answering in this process" in proc.stderr
    assert str(tmp_path) in proc.stderr and json.loads(proc.stdout)["citations"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9", "http://127.0.0.1:1/not-here"])
def test_no_service_answers_in_process(service, url):
    proc = rag_ask("--json", SAMPLE_QUESTION, index=service.rag.config.index_dir, server_url=url)
    assert proc.returncode == 0 and "did not answer" in proc.stderr and json.loads(proc.stdout)["answer"]
