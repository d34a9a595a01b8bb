"""Grounding leaves out supported sentences that do not answer: restating the question, resting on
weak evidence, or missing the best evidence altogether (then the chain falls back to extractive)."""
from rag.answer.grounding import ANCHOR_MARGIN, OFF_TOPIC_MARGIN, ground
from rag.types import Passage, ScoredSentence

SENTENCES = [
    ("The city council approved a new tram line on Tuesday.", 0.82),
    ("The line will connect the harbour to the university.", 0.80 - ANCHOR_MARGIN / 2),
    ("Construction is expected to cost 120 million euros.", 0.82 - (ANCHOR_MARGIN + OFF_TOPIC_MARGIN) / 2),
    ("The mayor also opened a new public library downtown.", 0.82 - OFF_TOPIC_MARGIN - 0.05),
]


def _evidence(scored: bool = True) -> list[Passage]:
    text = " ".join(t for t, _ in SENTENCES)
    sents, pos = [], 0
    for t, score in SENTENCES:
        sents.append(ScoredSentence(t, pos, pos + len(t), score))
        pos += len(t) + 1
    p = Passage("d:0", "d", "a.txt", "Tram", text, 0, len(text), 0.8)
    if scored:
        p.evidence = sorted(sents, key=lambda s: -s.score)
    return [p]


def test_answer_resting_on_the_best_evidence_is_kept_whole():
    draft = "The council approved a tram line on Tuesday [1]. It will cost 120 million euros [1]."
    g = ground(draft, _evidence(), question="What did the council approve?")
    assert not g.unsupported and not g.off_topic and len(g.citations) == 1
    assert "120 million euros" in g.text


def test_a_sentence_that_only_restates_the_question_is_left_out():
    question = "What did the city council approve on Tuesday?"
    g = ground("The city council approved on Tuesday [1]. A new tram line was approved [1].", _evidence(),
               question=question)
    assert g.off_topic == ["The city council approved on Tuesday"]
    assert g.text.startswith("A new tram line was approved") and g.citations
    # without the question the restatement cannot be recognised (and is kept, being supported)
    assert not ground("The city council approved on Tuesday [1].", _evidence()).off_topic


def test_a_claim_from_a_far_weaker_sentence_is_off_topic():
    g = ground("The council approved a tram line [1]. The mayor opened a new public library [1].", _evidence(),
               question="What did the council approve?")
    assert g.off_topic == ["The mayor opened a new public library"]
    assert "library" not in g.text and g.citations


def test_an_answer_that_misses_the_best_evidence_is_left_out_entirely():
    g = ground("Construction is expected to cost 120 million euros [1].", _evidence(),
               question="What did the council approve?")
    assert g.off_topic == ["Construction is expected to cost 120 million euros"]
    assert g.text == "" and g.citations == [] and not g.unsupported  # the chain falls back on no citations


def test_unscored_passages_skip_the_relevance_checks():
    g = ground("Construction is expected to cost 120 million euros [1].", _evidence(scored=False))
    assert g.citations and not g.off_topic
