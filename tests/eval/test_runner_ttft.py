"""The runner times the first piece of streamed text and says which backend wrote each answer
(real chain on the suite's shared seed index)."""
from eval.gold import GoldItem
from eval.runner import run_eval

ITEMS = [
    GoldItem(id="a", question="Which groups did the US–Pakistan dialogue target?", answer="TTP and IS-K.",
             facts=[["TTP", "Tehreek"]], sources=["004_"]),
    GoldItem(id="u", question="Who won the 2022 FIFA World Cup?", answer="Not said.", answerable=False),
]


def test_rows_carry_time_to_first_text_and_backend(seeded_rag):
    result = run_eval(ITEMS, rag=seeded_rag, generator="extractive")
    rows = {r["id"]: r for r in result["questions"]}
    for row in rows.values():
        assert 0 < row["ttft_ms"] <= row["latency_ms"]
    assert rows["a"]["backend"] == "extractive" and not rows["a"]["refused"]
    assert rows["u"]["refused"]
    s = result["summary"]
    assert s["ttft_ms"]["n"] == 2 and 0 < s["ttft_ms"]["p50"] <= s["ttft_ms"]["p95"] <= s["latency_ms"]["p95"]
    assert s["backends"] == {"extractive": 1}  # refusals are not counted as answers


class _AskOnly:
    """A RAG-like object without ask_stream: the runner falls back to ask() and TTFT = full latency."""

    def __init__(self, rag):
        self._rag = rag
        self.config, self.embedder = rag.config, rag.embedder

    def ask(self, question, **kw):
        return self._rag.ask(question, **kw)

    def documents(self):
        return self._rag.documents()


def test_without_streaming_first_text_is_the_full_answer(seeded_rag):
    result = run_eval(ITEMS[:1], rag=_AskOnly(seeded_rag), generator="extractive")
    row = result["questions"][0]
    assert row["ttft_ms"] >= row["latency_ms"] - 0.2


def test_a_gold_until_asks_the_question_as_of_that_day(seeded_rag):
    """The gold "until" is passed as the `until` filter: asked before any seed article was written, the
    question has nothing to read."""
    early = GoldItem(id="e", question=ITEMS[0].question, answer=ITEMS[0].answer, facts=ITEMS[0].facts,
                     sources=ITEMS[0].sources, until="1990-01-01")
    rows = {r["id"]: r for r in run_eval([ITEMS[0], early], rag=seeded_rag, generator="extractive")["questions"]}
    assert not rows["a"]["refused"] and rows["a"]["facts_ok"]
    assert rows["e"]["refused"] and not rows["e"]["facts_ok"]
