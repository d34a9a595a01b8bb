"""The LLM prompt: numbered passages cut down to the sentences that matter, within the token budget."""
from rag.answer.prompt import (
    ANSWER_INSTRUCTION,
    EXAMPLE_ANSWER,
    MAX_SENTENCES,
    REFUSAL,
    SYSTEM_PROMPT,
    best_sentence_only,
    build_messages,
    prefix_messages,
    prompt_tokens,
    select_excerpts,
    trail_markers,
)
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
    assert prompt_tokens([messages[0], messages[-1]]) <= 400, "the budget leaves out the constant examples"
    user = messages[-1]["content"]
    assert key in user and user.startswith("Passages:\n")
    assert "\n\nQuestion: How much did the bridge over the Danube cost?\n\n" in user
    assert "…" in user, "left-out text is marked"
    assert prompt_tokens(messages[-1:]) < 120, "filler far below the best sentence stays out"


def test_numbers_are_those_of_the_evidence_list():
    evidence = [_passage(1, FILLER), _passage(2, "The festival drew 80,000 visitors to the old town."),
                _passage(3, "Organisers said the festival will return next summer.", date="2024-05-14")]
    excerpts = select_excerpts("How many visitors did the festival draw?", evidence, budget=60)
    by_n = {e.n: e for e in excerpts}
    assert 2 in by_n and "80,000" in by_n[2].text
    user = build_messages("How many visitors did the festival draw?", evidence)[-1]["content"]
    assert "Passages:\n(2024-05-14) Organisers said the festival will return next summer. [3]\n" in user
    assert "\nThe festival drew 80,000 visitors to the old town. [2]\n\nQuestion:" in user, "best passage last"


def test_sentences_repeated_by_overlapping_chunks_appear_once():
    shared = "The port handled a record 2 million containers last year."
    a = _passage(1, "Trade grew fast. " + shared, doc="d", start=0)
    b = _passage(2, shared + " Exports rose too.", doc="d", start=len("Trade grew fast. "))
    user = build_messages("How many containers did the port handle?", [a, b])[-1]["content"]
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
    assert prompt_tokens([messages[0], messages[-1]]) <= 330 and "…" in messages[-1]["content"]


def test_system_prompt_and_example_are_a_constant_prefix_that_asks_for_markers_and_refusal():
    a = build_messages("Who?", [_passage(1, "Anna met Bob.")])
    b = build_messages("Where?", [_passage(1, "They met in Oslo.")])
    assert a[:-1] == b[:-1] == prefix_messages()
    assert a[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert [m["role"] for m in a] == ["system"] + ["user", "assistant"] * 3 + ["user"]
    assert a[-2] == {"role": "assistant", "content": REFUSAL}, "one example shows the refusal"
    assert "[2]" in SYSTEM_PROMPT and REFUSAL in SYSTEM_PROMPT and "[2]" in EXAMPLE_ANSWER


def test_only_sentences_near_the_best_go_in_and_at_most_max_sentences():
    def scored(texts_scores):
        text, sents, pos = "", [], 0
        for t, sc in texts_scores:
            sents.append(ScoredSentence(t, pos, pos + len(t), sc))
            text += t + " "
            pos += len(t) + 1
        p = _passage(1, text.strip())
        p.evidence = sorted(sents, key=lambda x: -x.score)
        return p

    p = scored([("Best answer sentence here.", 0.9), ("Second sentence is close.", 0.8),
                ("A weak line about nothing.", 0.3), ("Another weak line.", 0.2)])
    text = select_excerpts("q?", [p], budget=300)[0].text
    assert "Best answer" in text and "Second sentence" in text and "weak" not in text
    # at least two sentences even when the runner-up is far behind (a list may continue there)
    p = scored([("Best answer sentence here.", 0.9), ("A weak line about nothing.", 0.3), ("Another weak line.", 0.2)])
    assert "A weak line" in select_excerpts("q?", [p], budget=300)[0].text
    many = scored([(f"Sentence number {i} says something.", 0.9 - i / 100) for i in range(12)])
    assert select_excerpts("q?", [many], budget=1000)[0].text.count("says something") == MAX_SENTENCES


def test_the_prompt_budget_defaults_to_the_configs():
    evidence = [_passage(i, FILLER * 4) for i in range(1, 6)]
    assert build_messages("q?", evidence) == build_messages("q?", evidence, Config().llm_prompt_tokens)
    assert Config.load(llm_max_tokens="99").llm_max_tokens == 99


def _stream(text: str, step: int) -> str:
    return "".join(trail_markers(text[i:i + step] for i in range(0, len(text), step)))


def test_markers_written_at_line_start_move_to_the_line_end_while_streaming():
    for step in (1, 3, 100):
        assert _stream("[1] The U.S. dialogue targeted the BLA.", step) == "The U.S. dialogue targeted the BLA [1]."
        assert _stream("[1] A is b.\n[2][3] C is d", step) == "A is b [1].\nC is d [2][3]"
        assert _stream("Already right [1]. Fine [2].", step) == "Already right [1]. Fine [2]."
        assert _stream("[Nabeel Munir] chairs.", step) == "[Nabeel Munir] chairs."


def test_user_message_shows_the_citation_form_and_asks_for_it():
    user = build_messages("When?", [_passage(1, "It opened in May.")])[-1]["content"]
    assert "It opened in May. [1]" in user and user.endswith(ANSWER_INSTRUCTION)


def test_the_second_attempt_shows_the_best_sentence_alone_under_its_own_number():
    a = "Officials met in the capital on Monday to review the plan."
    b = "The dialogue was held on May 10 in Washington."
    evidence = [_passage(1, a), _passage(2, a + " " + b)]
    evidence[0].evidence = [ScoredSentence(a, 0, len(a), 0.55)]
    evidence[1].evidence = [ScoredSentence(b, len(a) + 1, len(a) + 1 + len(b), 0.71), ScoredSentence(a, 0, len(a), 0.5)]
    narrowed = best_sentence_only(evidence)
    assert len(narrowed) == 2 and narrowed[0].text == "" and narrowed[1].evidence == [evidence[1].evidence[0]]
    user = build_messages("When was the dialogue held?", narrowed)[-1]["content"]
    assert "The dialogue was held on May 10 in Washington. [2]" in user and "Officials met" not in user
    assert len(evidence[1].evidence) == 2, "the passages the answer is grounded on are left as they were"


def test_a_list_item_is_shown_with_the_sentence_introducing_its_list():
    text = ("Officials met on Monday. The table outlines the expected benefits of the pact:\nBenefit | Description |\n"
            "Greater Coverage | Wider surveillance of threats. |\nThe talks end on Friday.")
    row = "Greater Coverage | Wider surveillance of threats."
    p = _passage(1, text)
    p.evidence = [ScoredSentence(row, text.index(row), text.index(row) + len(row), 0.9)]
    (excerpt,) = select_excerpts("What benefits are expected from the pact?", [p], budget=200)
    assert excerpt.text == f"The table outlines the expected benefits of the pact: … {row}"
