"""The LLM prompt: numbered passages cut down to the sentences that matter, within the token budget."""
from rag.answer.prompt import REFUSAL, SYSTEM_PROMPT, build_messages, prompt_tokens, select_excerpts, settings
from rag.config import Config
from rag.types import Passage, ScoredSentence

FILLER = ("The weather in the region was mild for the season, and markets opened as usual on the day. "
          "Officials gave no further details at the press briefing that followed in the capital. ") * 6


def _passage(i: int, text: str, doc: str | None = None, start: int = 0, date: str = "") -> Passage:
    return Passage(f"{doc or i}:0", doc or f"doc{i}", f"a{i}.txt", f"Title {i}", text, start, start + len(text),
                   0.5, date=date)


def test_prompt_stays_within_the_budget_and_keeps_the_answer_sentence():
    key = "The new bridge over the Danube cost 40 million euros to build."
    evidence = [_passage(1, FILLER + key + " " + FILLER), _passage(2, FILLER * 2), _passage(3, FILLER)]
    messages = build_messages("How much did the bridge over the Danube cost?", evidence, max_prompt_tokens=400)
    assert prompt_tokens(messages) <= 400
    user = messages[1]["content"]
    assert key in user and user.startswith("Passages:\n[1] ")
    assert user.rstrip().endswith("Question: How much did the bridge over the Danube cost?")
    assert "…" in user, "left-out text is marked"


def test_numbers_are_those_of_the_evidence_list():
    evidence = [_passage(1, FILLER), _passage(2, "The festival drew 80,000 visitors to the old town."),
                _passage(3, "Organisers said the festival will return next summer.", date="2024-05-14")]
    excerpts = select_excerpts("How many visitors did the festival draw?", evidence, budget=60)
    by_n = {e.n: e for e in excerpts}
    assert 2 in by_n and "80,000" in by_n[2].text
    user = build_messages("How many visitors did the festival draw?", evidence)[1]["content"]
    assert "[2] The festival drew 80,000 visitors" in user
    assert "[3] (2024-05-14) Organisers said" in user


def test_sentences_repeated_by_overlapping_chunks_appear_once():
    shared = "The port handled a record 2 million containers last year."
    a = _passage(1, "Trade grew fast. " + shared, doc="d", start=0)
    b = _passage(2, shared + " Exports rose too.", doc="d", start=len("Trade grew fast. "))
    user = build_messages("How many containers did the port handle?", [a, b])[1]["content"]
    assert user.count(shared) == 1


def test_chain_evidence_scores_decide_which_sentences_go_in():
    text = "Alpha beta gamma delta epsilon. Zeta eta theta iota kappa."
    p = _passage(1, text)
    first, second = text.split(". ")
    # The chain's semantic scores prefer the second sentence although it shares no word with the question.
    p.evidence = [ScoredSentence(second, len(first) + 2, len(text), 0.9), ScoredSentence(first + ".", 0, len(first) + 1, 0.1)]
    excerpts = select_excerpts("alpha?", [p], budget=15)
    assert excerpts[0].text == second


def test_a_single_overlong_sentence_is_cut_to_fit():
    long_sentence = " ".join(f"word{i}" for i in range(600)) + "."
    messages = build_messages("word5?", [_passage(1, long_sentence)], max_prompt_tokens=300)
    assert prompt_tokens(messages) <= 330 and "…" in messages[1]["content"]


def test_system_prompt_is_constant_and_asks_for_markers_and_refusal():
    a = build_messages("Who?", [_passage(1, "Anna met Bob.")])
    b = build_messages("Where?", [_passage(1, "They met in Oslo.")])
    assert a[0] == b[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert "[2]" in SYSTEM_PROMPT and REFUSAL in SYSTEM_PROMPT


def test_settings_come_from_config_fields_or_extra():
    assert settings(Config.load())["llm_prompt_tokens"] == 400
    assert settings(Config.load(llm_max_tokens="99"))["llm_max_tokens"] == 99
