"""Shared fixtures: the real seed articles, and one real index of them (real Chroma, real model)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import rag  # noqa: F401  (sets the offline environment before anything else loads)
from rag.config import Config

# The suite pins the extractive backend (deterministic, milliseconds) for every test that is not about
# the answer backend; the default backend (a local LLM) is exercised where it is the subject: the eval
# gate runs the gold set with it, and tests/rag/answer drives the llama.cpp backend for real.
DEFAULT_GENERATOR = Config.__dataclass_fields__["generator"].default
os.environ.setdefault("RAG_GENERATOR", "extractive")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SAMPLE_QUESTION = "Which groups did the US–Pakistan dialogue target?"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seeded_rag(tmp_path_factory):
    """A RAG over a fresh on-disk index of the five seed articles, shared by read-only tests."""
    from rag import RAG

    rag_ = RAG.open(tmp_path_factory.mktemp("seed-index"))
    rag_.index([SEEDS], progress=False)
    return rag_


def index_articles(tmp_path_factory, articles: dict[str, str], name: str = "news"):
    """A RAG over a fresh on-disk index of `articles` ({file name: text}), written to a temporary folder."""
    from rag import RAG

    folder = tmp_path_factory.mktemp(name)
    for file_name, text in articles.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    rag_ = RAG.open(tmp_path_factory.mktemp(f"{name}-index"), chroma_url="")
    rag_.index([folder], progress=False)
    return rag_


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A private, writable copy of the seeds for tests that change files."""
    target = tmp_path / "articles"
    shutil.copytree(SEEDS, target)
    return target
