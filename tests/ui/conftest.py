"""Fixtures for the UI tests: a real index of the seed articles in a temporary folder, the real app on a
free port, and (for @pytest.mark.browser) Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

import rag  # noqa: F401  (offline settings first)

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("RAG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SAMPLE_QUESTION = "Which groups did the US–Pakistan dialogue target?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index of the seeds, built once per test session."""
    from rag import RAG

    index_dir = tmp_path_factory.mktemp("ui-index")
    report = RAG.open(index_dir=index_dir).index([SEEDS], progress=False)
    assert len(report.added) == len(list(SEEDS.iterdir()))
    return index_dir


@pytest.fixture()
def seed_rag(seed_index, tmp_path):
    """A RAG over a private copy of the seed index (tests may add and delete documents)."""
    from rag import RAG

    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    return RAG.open(index_dir=index_dir, feedback_file=str(tmp_path / "feedback.jsonl"))


@pytest.fixture(scope="module")
def served(tmp_path_factory, seed_index):
    """The real service (`rag serve`: the UI mounted at /) on a free loopback port, over a private copy of
    the seed index."""
    from rag import RAG
    from rag.serve.server import start

    tmp = tmp_path_factory.mktemp("ui-served")
    shutil.copytree(seed_index, tmp / "index")
    rag_ = RAG.open(index_dir=tmp / "index", feedback_file=str(tmp / "feedback.jsonl"))
    running = start(rag=rag_, host="127.0.0.1", port=free_port())
    yield {"url": running.url + "/", "rag": rag_, "tmp": tmp}
    running.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, served):
    """A fresh page on the app; records every request that leaves the machine."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    pg = context.new_page()
    pg.outside_requests = []
    pg.on("request", lambda r: pg.outside_requests.append(r.url)
          if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")) else None)
    pg.goto(served["url"], wait_until="load")
    pg.wait_for_selector("#question textarea", timeout=30_000)
    yield pg
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
