"""The extractive answer: the best evidence sentences, verbatim, never a headline, a cut line or a bare phrase."""
from rag.answer.extractive import select_sentences
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
