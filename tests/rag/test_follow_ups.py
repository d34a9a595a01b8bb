"""Follow-ups are rewritten with the conversation only when they depend on it (through `RAG.ask(history=)`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from rag.answer.rewrite import needs_context, standalone_question

FOLLOWUPS = Path(__file__).parent / "followups"
FIRST = "How many million rupees were approved for the new stadium in Venixomi?"


@pytest.mark.parametrize("question", ["Who is the mayor of Zengaltash?", "When did the NATO summit in 2024 open?",
                                      "Which groups did the US–Pakistan dialogue target?"])
def test_a_question_naming_its_own_subject_stands_alone(question):
    assert not needs_context(question)
    assert standalone_question(question, [(FIRST, "450 million rupees [1]")]) == question


@pytest.mark.parametrize("question", ["Who is building it?", "Which of them won?", "What about Zengaltash?",
                                      "And the mayor?", "How much did that cost?", "Who is the mayor?", "Why?"])
def test_a_question_leaning_on_the_conversation_gets_context(question):
    assert needs_context(question)
    assert "Venixomi" in standalone_question(question, [(FIRST, "450 million rupees [1]")])


@pytest.fixture(scope="module")
def two_towns(tmp_path_factory):
    from rag import RAG

    rag_ = RAG.open(tmp_path_factory.mktemp("follow-up-index"))
    rag_.index([FOLLOWUPS], progress=False)
    return rag_


def _sources(answer) -> set[str]:
    return {c.source for c in answer.citations}


def test_unrelated_follow_up_is_asked_as_it_is(two_towns):
    first = two_towns.ask(FIRST)
    assert "450 million" in first.text and _sources(first) == {"venixomi_stadium.txt"}
    answer = two_towns.ask("Who is the mayor of Zengaltash?", history=[(FIRST, first.text)])
    assert answer.rewritten_question == ""
    assert "Oren Falwick" in answer.text and _sources(answer) == {"zengaltash_mayor.txt"}
    assert "450" not in answer.text


def test_dependent_follow_up_is_answered_from_the_conversation(two_towns):
    first = two_towns.ask(FIRST)
    answer = two_towns.ask("How many spectators will it seat?", history=[(FIRST, first.text)])
    assert "Venixomi" in answer.rewritten_question
    assert "30,000" in answer.text and _sources(answer) == {"venixomi_stadium.txt"}


def test_ambiguous_follow_up_takes_the_town_of_the_conversation(two_towns):
    """"Who is the mayor?" names no town: the one the conversation is about is meant."""
    first = two_towns.ask(FIRST)
    answer = two_towns.ask("Who is the mayor?", history=[(FIRST, first.text)])
    assert answer.rewritten_question
    assert "Talia Brosk" in answer.text and "Falwick" not in answer.text
    # the same question with no conversation before it is not rewritten
    assert two_towns.ask("Who is the mayor?").rewritten_question == ""
