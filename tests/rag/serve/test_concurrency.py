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


def _events(lines):
    """(event, data) pairs of a server-sent event stream; comment lines as ("comment", text)."""
    event = "message"
    for line in lines:
        if line.startswith(":"):
            yield "comment", line[1:].strip()
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            yield event, line[5:].strip()


def test_streams_waiting_for_the_model_are_told_their_place(serve_seed_index, tmp_path):
    """The local model's only slot is taken by another answer: the SSE stream sends `status` events and
    the OpenAI stream comment lines, each with its place in line; both answers follow."""
    import json
    from contextlib import ExitStack

    from rag.answer import models

    models.pull("smollm2-135m")
    rag_ = open_copy(serve_seed_index, tmp_path, generator="llamacpp", llm_model="smollm2-135m",
                     llm_max_tokens=32, llm_parallel=1, llm_ctx=1536)
    turns = rag_.chain.generator("llamacpp").turns
    running = start(rag=rag_, ui=False)
    try:
        assert running.app.state.engine.ready.wait(300)  # its warm-up does not stand in the line
        with ExitStack() as streams:
            http = streams.enter_context(httpx.Client(base_url=running.url, timeout=600))
            with turns.turn() as other_answer:
                list(other_answer)  # the slot is the test's until this block ends
                rest = _events(streams.enter_context(http.stream(
                    "POST", "/v1/ask/stream", json={"question": SAMPLE_QUESTION})).iter_lines())
                event, data = next(rest)
                assert (event, json.loads(data)) == ("status", {"ahead": 0,
                                                                "message": "Waiting for the model: you are next"})
                openai = _events(streams.enter_context(http.stream("POST", "/v1/chat/completions", json={
                    "model": "news-rag", "stream": True,
                    "messages": [{"role": "user", "content": QUESTIONS[1]}]})).iter_lines())
                assert next(openai)[0] == "message"  # the role chunk
                assert next(openai) == ("comment", "Waiting for the model: 1 ahead of you")
            rest_after, openai_after = list(rest), list(openai)
    finally:
        running.close()
    statuses = [json.loads(d) for e, d in rest_after if e == "status"]
    assert statuses[-1] == {"ahead": None, "message": "The model is reading the passages…"}
    assert all(s["ahead"] == 0 for s in statuses[:-1])  # repeated while it waited (the heartbeat)
    kinds = [e for e, _ in rest_after]
    assert "piece" in kinds and kinds[-1] == "answer"
    assert json.loads(rest_after[-1][1])["question"] == SAMPLE_QUESTION
    assert ("comment", "Waiting for the model: you are next") in openai_after
    assert openai_after[-1] == ("message", "[DONE]") and turns.counts() == (0, 0)
