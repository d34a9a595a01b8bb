"""What a question asks about beyond its names, and whether a sentence addresses it: pure functions."""
from rag.answer.asked import addressed, asked_terms, interrogative
from rag.answer.constraints import parse, unmet
from rag.types import Passage


def _passage(text: str, title: str = "") -> Passage:
    return Passage("c:0", "d", "a.txt", title, text, 0, len(text), 1.0)


def test_the_asked_terms_leave_out_names_relative_dates_and_slot_words():
    assert asked_terms("Who co-chaired the dialogue between the United States and Pakistan?") >= {"chair", "dialogue"}
    assert not asked_terms("Who co-chaired the dialogue between the United States and Pakistan?") & {
        "unit", "stat", "pakistan"}
    assert "week" not in asked_terms("Which company recalled cars this week?")
    assert asked_terms("What position does Maria Lopez hold?") == frozenset()
    assert asked_terms("On what date was the treaty signed?") == {"treaty", "sign"}


def test_a_premise_sentence_before_the_question_only_sets_the_scene():
    q = "A total of 22 states raised their minimum wage this week. Which state now has the highest minimum wage?"
    assert interrogative(q) == "Which state now has the highest minimum wage?"
    assert "rais" not in asked_terms(q) and "highest" in asked_terms(q)


def test_a_sentence_addresses_the_question_when_it_holds_an_asked_word_in_any_form():
    terms = asked_terms("Which country does Pakistan accuse of backing the rebels?")
    assert addressed(terms, "Islamabad has long made accusations against India.")
    assert not addressed(terms, "Pakistan and China are ramping up their cooperation.")
    assert addressed(asked_terms("Who co-chaired the talks?"), "The chair of the talks was Ana Ruiz.")
    assert addressed(frozenset(), "Anything at all.")


def test_a_same_topic_sentence_that_does_not_address_the_ask_is_not_evidence():
    cons = parse("Which Chinese company plans to set up textile parks in Pakistan?")
    passage = _passage("Chinese investment in Pakistan could be jeopardized by attacks on the CPEC project. "
                       "The Ruyi Group plans textile parks in Pakistan.")
    miss = unmet(cons, "Chinese investment in Pakistan could be jeopardized by attacks on the CPEC project.", passage)
    assert [c.kind for c in miss] == ["asked"]
    assert unmet(cons, "The Ruyi Group plans textile parks in Pakistan.", passage) == []


def test_a_question_of_names_only_needs_its_names_in_the_sentence_or_title():
    cons = parse("Who was named Director of the Year at the Harbor City Film Festival?")
    passage = _passage("The Harbor City Film Festival opens on Friday. Its Director of the Year is Mia Sato.")
    assert [c.kind for c in unmet(cons, "The Harbor City Film Festival opens its doors to the public with a gala hosted by Tom Lee.", passage)] == [
        "asked"]
    said = "Mia Sato was named Director of the Year."
    assert unmet(cons, said, _passage(said, title="Harbor City Film Festival")) == []


def test_with_word_rarity_the_topic_words_alone_do_not_address_the_ask():
    rarity = {"think": 4.0, "tank": 4.0, "publish": 4.0, "report": 3.0, "security": 0.2}.get
    terms = asked_terms("Which think tank published the security report?")
    assert addressed(terms, "Regional security collaborations grew this year.")  # any asked word, no weights
    assert not addressed(terms, "Regional security collaborations grew this year.", lambda t: rarity(t, 1.0))
    assert addressed(terms, "The report was published by a research centre.", lambda t: rarity(t, 1.0))
    assert addressed(terms, "Regional security grew.", lambda _t: 0.0)  # no word is known: nothing to weigh


def test_a_sentence_missing_only_the_ask_is_context_for_a_model_but_stays_no_answer():
    from rag.answer import constraints
    from rag.types import ScoredSentence

    q = "Which programme does the Velmora energy deal of 2023 belong to?"
    context = "The Velmora deal is part of the Coastal Links Initiative."
    other_year = "The Velmora energy deal of 2019 belongs to the Harbour Fund programme."
    p = _passage(f"{context} {other_year}", title="Velmora energy deal")
    p.evidence = [ScoredSentence(context, 0, len(context), 0.7), ScoredSentence(other_year, 0, 1, 0.6)]
    rarity = {"programme": 4.0, "belong": 4.0, "energy": 1.0, "deal": 0.1}.get
    constraints.apply(q, [p], lambda t: rarity(t, 1.0))
    assert all(s.score < 0 for s in p.evidence)
    shown = constraints.as_context(q, [p], lambda t: rarity(t, 1.0))
    assert {s.text: s.score for s in shown[0].evidence} == {context: 0.7, other_year: round(0.6 - 1.5, 4)}
    assert all(s.score < 0 for s in p.evidence)  # the chain's own passages keep the refusal's scores


def test_a_hyphenated_word_and_its_parts_count_once():
    weight = {"counter-terrorism": 1.0, "counter": 1.0, "terrorism": 1.0, "police": 3.0, "train": 3.0}.get
    terms = asked_terms("Where will the police be trained in counter-terrorism?")
    assert {"counter-terrorism", "counter", "terrorism"} <= terms
    # the compound alone holds 1 of 7 of the weight when counted once (3 of 9 when its parts counted too)
    assert not addressed(terms, "The counter-terrorism pact was renewed.", lambda t: weight(t, 0.0))
    assert addressed(terms, "The police will be trained in counterterrorism.", lambda t: weight(t, 0.0))
    assert addressed(asked_terms("Who co-chaired the talks?"), "Ana Ruiz chaired the talks.")
