"""The OpenAI-compatible routes with the real clients people use: the openai SDK and LlamaIndex OpenAILike."""
import re

import openai
import pytest

from tests.conftest import SAMPLE_QUESTION

FOLLOW_UP = "Which of them did the US designate a terrorist organization?"


@pytest.fixture(scope="module")
def client(service):
    return openai.OpenAI(base_url=service.url + "/v1", api_key="unused", max_retries=0, timeout=120)


def cited(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_sdk_answer_keeps_markers_and_carries_the_citations(client, service):
    resp = client.chat.completions.create(model="news-rag", messages=[{"role": "user", "content": SAMPLE_QUESTION}])
    text = resp.choices[0].message.content
    assert resp.choices[0].finish_reason == "stop" and resp.object == "chat.completion"
    citations = resp.model_extra["citations"]
    assert resp.model_extra["refused"] is False and cited(text) == {c["n"] for c in citations}
    assert text == service.rag.ask(SAMPLE_QUESTION).text  # the same answer as the Python API and REST
    assert all(c["source"][:3] in {"001", "004"} and c["sentence"] for c in citations)


def test_sdk_stream_gives_the_same_answer_and_citations_in_the_last_chunk(client):
    plain = client.chat.completions.create(model="news-rag", messages=[{"role": "user", "content": SAMPLE_QUESTION}])
    chunks = list(client.chat.completions.create(model="news-rag", stream=True,
                                                 messages=[{"role": "user", "content": SAMPLE_QUESTION}]))
    assert len(chunks) > 3 and chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == plain.choices[0].message.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert last.model_extra["citations"] == plain.model_extra["citations"]


def test_history_makes_a_follow_up_standalone(client, service):
    first = client.chat.completions.create(model="news-rag", messages=[{"role": "user", "content": SAMPLE_QUESTION}])
    messages = [{"role": "system", "content": "You are helpful."},
                {"role": "user", "content": SAMPLE_QUESTION},
                {"role": "assistant", "content": first.choices[0].message.content},
                {"role": "user", "content": FOLLOW_UP}]
    follow = client.chat.completions.create(model="news-rag", messages=messages)
    local = service.rag.ask(FOLLOW_UP, history=[(SAMPLE_QUESTION, first.choices[0].message.content)])
    assert local.rewritten_question and follow.choices[0].message.content == local.text


def test_models_and_choosing_a_backend(client):
    ids = [m.id for m in client.models.list().data]
    assert ids[0] == "news-rag" and "news-rag:extractive" in ids
    resp = client.chat.completions.create(model="news-rag:extractive",
                                          messages=[{"role": "user", "content": SAMPLE_QUESTION}])
    assert resp.model_extra["citations"]


def test_bad_requests_are_openai_errors(client):
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": SAMPLE_QUESTION}])
    with pytest.raises(openai.BadRequestError, match="last message must be the user"):
        client.chat.completions.create(model="news-rag", messages=[{"role": "assistant", "content": "Hi"}])
    with pytest.raises(openai.BadRequestError, match="type a question"):
        client.chat.completions.create(model="news-rag", messages=[{"role": "user", "content": " "}])
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model="news-rag", messages=[])


def test_llamaindex_openai_like_talks_to_the_service(service):
    from llama_index.core.llms import ChatMessage
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(api_base=service.url + "/v1", api_key="unused", model="news-rag", is_chat_model=True,
                     context_window=4096, max_retries=0, timeout=120)
    reply = llm.chat([ChatMessage(role="user", content=SAMPLE_QUESTION)])
    assert reply.message.content == service.rag.ask(SAMPLE_QUESTION).text
    assert reply.raw.model_extra["citations"]  # the SDK response: the extra field survives
    streamed = list(llm.stream_chat([ChatMessage(role="user", content=SAMPLE_QUESTION)]))
    assert streamed[-1].message.content == reply.message.content
