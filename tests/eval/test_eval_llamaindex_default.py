"""`rag eval --engine llamaindex-default`: LlamaIndex's default query engine over our real Chroma index,
our real embedding model and a real llama.cpp model (the smallest), scored by the same metrics."""
from __future__ import annotations

import pytest

from eval.gold import GoldItem
from eval.llamaindex_default import declines
from eval.negative import names_answer
from eval.runner import run_eval
from rag.answer import models
from tests.conftest import SAMPLE_QUESTION

ITEMS = [
    GoldItem(id="q1", question=SAMPLE_QUESTION, answer="The BLA, ISIS-K and the TTP.", facts=[["BLA"]],
             sources=["001_", "004_"]),
    GoldItem(id="q2", question="What is the capital of Australia?", answerable=False),
]


@pytest.mark.parametrize("text", [
    "The context does not provide information about the 2018 winner.",
    "The provided text doesn't mention who won.",
    "The winner is not mentioned in the articles.",
    "There is no information about that in the context.",
    "I don't know.",
    "It cannot be determined from the given information.",
    "Empty Response",
    "  ",
])
def test_a_reply_saying_the_context_does_not_answer_declines(text):
    assert declines(text)


@pytest.mark.parametrize("text", [
    "Elena Rybakina won the 2022 title.",
    "The dialogue targeted the BLA, ISIS-Khorasan and the TTP.",
    "It did not rain during the final.",
])
def test_an_answer_does_not_decline(text):
    assert not declines(text)


def _dense_top(rag, question: str, k: int, left_out=lambda _p: False) -> list[str]:
    """File names of the k chunks nearest the question in our Chroma collection, some left out."""
    hits = rag.store.nearest(rag.embedder.embed_query(question), rag.store.count())
    records = rag.store.chunk_records([cid for cid, _ in hits])
    names = []
    for cid, _ in hits:
        text, meta = records[cid]
        passage = type("P", (), {"name": meta["name"], "title": meta.get("title", ""), "text": text})()
        if not left_out(passage):
            names.append(meta["name"])
    return names[:k]


@pytest.fixture
def small_llm_rag(seeded_rag, monkeypatch):
    models.pull("smollm2-135m")  # idempotent: a no-op once the verified file is in the models folder
    monkeypatch.setattr(seeded_rag, "config", seeded_rag.config.replace(llm_model="smollm2-135m", llm_max_tokens=24))
    return seeded_rag


def test_the_default_engine_answers_from_its_own_top_two_of_the_same_index(small_llm_rag):
    result = run_eval(ITEMS, rag=small_llm_rag, engine="llamaindex-default")
    summary, rows = result["summary"], result["questions"]
    assert summary["run"]["engine"] == "llamaindex-default" and summary["retrieval"]["k"] == 2
    for row, item in zip(rows, ITEMS):
        assert row["retrieved"] == _dense_top(small_llm_rag, item.question, 2)  # LlamaIndex's retriever, our store
        assert row["answer"].strip() and not row["error"] and row["backend"] == "llamaindex-default"
        assert row["citations"] == (0 if row["refused"] else 2)  # its source nodes stand in for citations
        assert row["ttft_ms"] <= row["latency_ms"]
    assert summary["n_answerable"] == 1 and summary["refusal"]["n"]["accuracy"] == 1


def test_a_negative_run_leaves_the_answering_passages_out_of_its_retrieval(small_llm_rag):
    rows = run_eval(ITEMS[:1], rag=small_llm_rag, engine="llamaindex-default", negative=True)["questions"]
    expected = _dense_top(small_llm_rag, SAMPLE_QUESTION, 2, names_answer(ITEMS[0]))
    assert rows[0]["id"] == "q1-neg" and rows[0]["retrieved"] == expected
    assert not any(name.startswith(("001_", "004_")) for name in rows[0]["retrieved"])


def test_an_unknown_engine_is_one_clear_error(seeded_rag):
    from rag.errors import RagError

    with pytest.raises(RagError, match="unknown engine 'haystack'"):
        run_eval(ITEMS, rag=seeded_rag, engine="haystack")


def test_a_gated_llamaindex_run_is_refused_with_one_line(capsys):
    from eval.cli import main

    assert main(["--engine", "llamaindex-default", "--check"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: the gate is for our chain: leave out --check / --update-baseline with "
                   "--engine llamaindex-default"]
