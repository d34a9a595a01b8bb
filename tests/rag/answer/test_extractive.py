"""The extractive answer: the best evidence sentences, verbatim, never a headline, a cut line or a bare phrase."""
from rag.answer.extractive import each_party, list_siblings, select_sentences
from rag.types import Passage, ScoredSentence


def _passage(*scored: tuple[str, float]) -> Passage:
    text = " ".join(t for t, _ in scored)
    p = Passage("c:0", "d", "a.txt", "", text, 0, len(text), 1.0)
    start = 0
    for t, score in scored:
        p.evidence.append(ScoredSentence(t, start, start + len(t), score))
        start += len(t) + 1
    return p


def test_headlines_cut_lines_and_verbless_headings_are_never_quoted():
    p = _passage(("Regional Stability: Implications of Harbour Cooperation against Piracy", 0.9),
                 ("Harbour patrols will be funded by the port authority from March.", 0.7),
                 ("The patrols were agreed in talks with", 0.8),
                 ("Harbour Security and the coastal radar.", 0.75))
    picked = [s.text for _, s in select_sentences([p], 3, 0.4, margin=0.3)]
    assert picked == ["Harbour patrols will be funded by the port authority from March."]


def test_a_picked_table_row_brings_the_rows_of_its_table_that_meet_every_constraint():
    intro = "The following table outlines the expected benefits of the harbour radar:"
    rows = ["Faster Response | Patrols will reach a vessel in half the time.",
            "Wider Coverage | The radar sees the whole bay at night.",
            "Benefit | Description |",  # the header: no statement
            "Lower Cost | Fuel bills fall by a tenth."]
    text = "\n".join([intro, *rows, "Harbour fees rose again this spring."])
    p = Passage("c:0", "d", "a.txt", "", text, 0, len(text), 1.0)
    scores = [0.6, 0.3, 0.5, -1.2]  # the last row misses a constraint
    p.evidence = [ScoredSentence(r, text.find(r), text.find(r) + len(r), sc) for r, sc in zip(rows, scores)]
    p.evidence.append(ScoredSentence("Harbour fees rose again this spring.", text.find("Harbour fees"),
                                     len(text), 0.5))
    picked = [(1, p.evidence[1])]  # the best row
    assert [s.text for _, s in list_siblings([p], picked)] == [rows[0]]
    sentence = _passage(("The radar was approved on Monday.", 0.7), ("Patrols will start in May.", 0.3))
    assert list_siblings([sentence], [(1, sentence.evidence[0])]) == []  # not an item of a list


def test_parties_asked_about_each_get_a_sentence_each():
    question = "What training have Norland and Vestria each given the coast guard?"
    north = _passage(("Norland trained 300 coast guard officers since March.", 0.55),
                     ("The coast guard also bought two boats.", 0.5))
    north.doc_id = "other article"
    west = _passage(("Coast guard cadets are set to train at Vestria's naval academy.", 0.7),
                    ("Cadets from Vestria also sail in the exercise.", 0.68))
    picked = select_sentences([west, north], 3, 0.42)
    assert all("Vestria" in s.text for _, s in picked)  # the best sentences are all about one party
    added = each_party(question, [west, north], picked, 0.42)
    assert [s.text for _, s in added] == ["Norland trained 300 coast guard officers since March."]
    assert each_party(question, [west, north], picked + added, 0.42) == []  # both parties answered
    assert each_party("What training has Norland given the coast guard?", [west, north], picked, 0.42) == []
    low = _passage(("Norland trained 300 coast guard officers since March.", 0.3))
    low.doc_id = "other article"
    assert each_party(question, [west, low], picked, 0.42) == []  # below the evidence floor: nothing to add
