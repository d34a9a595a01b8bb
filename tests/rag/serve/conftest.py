"""Fixtures for the service tests: one index of the seeds per session, and the real service (uvicorn on a
free loopback port) over a private copy of it. The chat UI is left out where it is not the subject (its
Gradio import costs seconds); tests/ui runs the UI tests against the same service with the UI mounted."""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import SEEDS

WRENMOUTH = """Harbor town of Wrenmouth gets an electric ferry

Source: Coastal Ledger
Published: 2025-03-04

Wrenmouth put an electric ferry into service on Tuesday. Named Gull, the boat carries 40 passengers to
Skerry Island and back six times a day, charged by a tidal turbine in the harbor.
Harbor master Odile Brandt said the turbine's spare power now lights the whole pier at night.
"""


@pytest.fixture(scope="session")
def serve_seed_index(tmp_path_factory):
    from rag import RAG

    index_dir = tmp_path_factory.mktemp("serve-seeds") / "index"
    RAG.open(index_dir).index([SEEDS], progress=False)
    return index_dir


def open_copy(seed_index, tmp, **overrides):
    from rag import RAG

    shutil.copytree(seed_index, tmp / "index")
    return RAG.open(tmp / "index", **overrides)


@pytest.fixture(scope="module")
def service(serve_seed_index, tmp_path_factory):
    """The REST and OpenAI routes (no token) over a private copy of the seed index."""
    from rag.serve.server import start

    rag_ = open_copy(serve_seed_index, tmp_path_factory.mktemp("serve"), upload_max_mb=0.05)
    running = start(rag=rag_, ui=False)
    running.rag = rag_
    yield running
    running.close()
