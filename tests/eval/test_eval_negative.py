"""The negative-rejection variant and the answer-form metrics (partial answers, malformed answers,
LLM drafts that fell back to extractive), on hand-made answers and gold items."""
from eval.gold import GoldItem
from eval.negative import names_answer, negative_variant
from eval.runner import add_stream_summary
from eval.scoring import score_question, summarize
from rag.types import Answer, Citation, Passage

ITEM = GoldItem(id="q1", question="Who won the 2022 title?", answer="Elena Rybakina", facts=[["Rybakina"]],
                sources=["tennis_2022.txt"])
UNANSWERABLE = GoldItem(id="q2", question="Who won in 1900?", answerable=False)


def _passage(name: str, text: str) -> Passage:
    return Passage(f"{name}:0", name, name, name, text, 0, len(text), 0.5)


def _answer(text: str, refused: bool = False, partial: bool = False, backend: str = "llamacpp") -> Answer:
    cites = [] if refused else [Citation(1, "tennis_2021.txt", "t", text, 0, len(text), 0.5, sentence=text)]
    return Answer("q", text, cites, refused, backend=backend, partial=partial)


def test_the_answering_passages_are_the_sources_and_any_passage_holding_a_fact():
    excluded = names_answer(ITEM)
    assert excluded(_passage("tennis_2022.txt", "A final was played."))
    assert excluded(_passage("recap.txt", "Rybakina lifted the trophy."))
    assert not excluded(_passage("tennis_2021.txt", "Ashleigh Barty won in 2021."))


def test_every_question_becomes_unanswerable_and_only_answerable_ones_get_an_exclusion():
    variant = negative_variant([ITEM, UNANSWERABLE])
    assert [(i.id, i.answerable, ex is not None) for i, ex in variant] == [("q1-neg", False, True), ("q2", False, False)]
    assert ITEM.answerable, "the original item is left as it was"


def test_a_partial_answer_counts_as_declining_and_carries_no_fact():
    row = score_question(ITEM, _answer("The articles do not say for 2022. They cover 2021: Rybakina lost. [1]",
                                       partial=True), k=5, latency_ms=1.0)
    assert row["refused"] and row["partial"] and row["facts_ok"] is False
    neg = score_question(negative_variant([ITEM])[0][0], _answer("x", partial=True), k=5, latency_ms=1.0)
    assert neg["refusal_ok"]


def test_malformed_answers_and_fallbacks_are_counted():
    rows = [score_question(ITEM, _answer("Elena Rybakina won the title [1]."), 5, 1.0),
            score_question(ITEM, _answer("Rybakina Wins Wimbledon Women's Title In Style [1]."), 5, 1.0),
            score_question(ITEM, _answer("Rybakina beat Jabeur in the final [1].", backend="llamacpp->extractive"),
                           5, 1.0),
            score_question(ITEM, _answer("The articles do not say.", refused=True), 5, 1.0)]
    summary = summarize(rows, 5)
    for row, answer in zip(rows, ["llamacpp", "llamacpp", "llamacpp->extractive", "llamacpp"]):
        row["backend"], row["ttft_ms"] = answer, 1.0
    add_stream_summary(summary, rows)
    assert rows[1]["malformed"] == ["headline"] and rows[3]["malformed"] == []
    assert summary["answer"]["malformed_rate"] == round(1 / 3, 4) and summary["answer"]["n"]["malformed_rate"] == 3
    assert summary["answer"]["fallback_rate"] == round(1 / 3, 4)


def test_an_engine_that_drafts_nothing_has_no_fallback_rate():
    from eval.llamaindex_default import NAME

    rows = [score_question(ITEM, _answer("Elena Rybakina won the title [1]."), 5, 1.0) for _ in range(2)]
    summary = summarize(rows, 5)
    for row in rows:
        row["backend"], row["ttft_ms"] = NAME, 1.0
    add_stream_summary(summary, rows)
    assert summary["answer"]["fallback_rate"] is None and summary["answer"]["n"]["fallback_rate"] == 0


def test_a_gated_negative_run_is_refused_with_one_line(capsys):
    from eval.cli import main

    assert main(["--negative", "--check"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --negative runs are not gated: leave out --check / --update-baseline"]
