"""Concurrent clients share one RAG and one model: every request gets its own answer, none another's."""
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from rag.serve.server import start
from tests.conftest import DEFAULT_GENERATOR, SAMPLE_QUESTION
from tests.rag.serve.conftest import open_copy

QUESTIONS = [SAMPLE_QUESTION, "When was the Pakistan-US counterterrorism dialogue held?",
             "Who won the 2022 FIFA World Cup?"]


def _ask_all(url: str, jobs: list[tuple[int, str]], generator: str | None = None) -> list[tuple[int, str, dict]]:
    def one(job):
        i, question = job
        r = httpx.post(url + "/v1/ask", json={"question": question, "generator": generator}, timeout=600)
        assert r.status_code == 200, r.text
        return i, question, r.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, jobs))


def test_eight_clients_each_get_their_own_answers(service):
    docs = service.rag.documents()
    questions = QUESTIONS + [f"What is “{d['title']}” about?" for d in docs]
    expected = {q: service.rag.ask(q).text for q in questions}  # one at a time, in-process
    jobs = [(i, questions[i % len(questions)]) for i in range(8 * 5)]
    for _i, question, data in _ask_all(service.url, jobs):
        assert data["question"] == question and data["answer"] == expected[question]


@pytest.mark.slow
def test_concurrent_answers_from_the_default_model_stay_with_their_question(serve_seed_index, tmp_path):
    """The real llama.cpp model, shared by three simultaneous requests about different things."""
    rag_ = open_copy(serve_seed_index, tmp_path, generator=DEFAULT_GENERATOR)
    running = start(rag=rag_, ui=False)
    try:
        docs = {d["title"]: d["name"] for d in rag_.documents()}
        titles = sorted(docs)[:3]
        jobs = [(i, f"What is “{t}” about?") for i, t in enumerate(titles)]
        retrieved = {q: {p.name for p in rag_.retrieve(q)} for _i, q in jobs}
        for _i, question, data in _ask_all(running.url, jobs, generator=DEFAULT_GENERATOR):
            assert data["question"] == question and data["backend"].startswith(DEFAULT_GENERATOR)
            assert data["citations"] and {c["source"] for c in data["citations"]} <= retrieved[question]
    finally:
        running.close()
