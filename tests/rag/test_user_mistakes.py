"""Every user mistake ends in one clear line, never a traceback: on the command line (real processes),
in the Python API and in the chat UI's answer path."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rag.errors import ConfigError, InvalidFilterError, RagError
from tests.conftest import ROOT, SAMPLE_QUESTION, SEEDS


def rag(*args: str, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env={**os.environ, **env})


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, proc.stderr
    return errors[0]


@pytest.fixture(scope="module")
def seed_index(seeded_rag):
    return {"RAG_INDEX_DIR": seeded_rag.config.index_dir}


def test_a_setting_that_is_not_a_number(seed_index):
    line = one_error_line(rag("docs", env={**seed_index, "RAG_TOP_K": "five"}))
    assert "top_k" in line and "whole number" in line and "'five'" in line


def test_an_unknown_answer_backend(seed_index):
    line = one_error_line(rag("ask", "--local", "--generator", "nope", SAMPLE_QUESTION, env=seed_index))
    assert "unknown answer backend 'nope'" in line and "extractive" in line


def test_an_unknown_llm_model(seed_index):
    line = one_error_line(rag("ask", "--local", "--generator", "llamacpp", SAMPLE_QUESTION,
                              env={**seed_index, "RAG_LLM_MODEL": "gpt-9"}))
    assert "gpt-9" in line and "known" in line


def test_an_embedding_model_that_is_neither_known_nor_a_folder(tmp_path):
    env = {"RAG_INDEX_DIR": str(tmp_path / "index"), "RAG_EMBED_MODEL": str(tmp_path / "no-such-model")}
    line = one_error_line(rag("index", str(SEEDS), env=env))
    assert "neither a known model" in line and "never downloaded" in line


def test_an_unknown_chunk_vector_option(tmp_path):
    env = {"RAG_INDEX_DIR": str(tmp_path / "index"), "RAG_CHUNK_VECTORS": "sideways"}
    line = one_error_line(rag("index", str(SEEDS), env=env))
    assert "chunk_vectors 'sideways'" in line and "late" in line


def test_the_python_api_raises_named_errors_with_readable_messages(seeded_rag):
    with pytest.raises(InvalidFilterError, match="unknown filter 'author'") as err:
        seeded_rag.ask(SAMPLE_QUESTION, filters={"author": "x"}, generator="extractive")
    assert "\n" not in str(err.value)
    with pytest.raises(ConfigError, match="unknown answer backend 'nope'"):
        seeded_rag.ask(SAMPLE_QUESTION, generator="nope")
    assert issubclass(ConfigError, RagError) and issubclass(InvalidFilterError, RagError)


def test_the_chat_ui_shows_the_mistake_as_its_answer(seeded_rag):
    from ui import chat

    out = chat.answer_once(chat.RagHandle(seeded_rag), SAMPLE_QUESTION, backend="nope")
    assert "unknown answer backend 'nope'" in out["error"] and "Traceback" not in out["error"]
