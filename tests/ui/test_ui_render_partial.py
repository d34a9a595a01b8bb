"""A partial answer (what the articles cover instead) looks like a refusal variant, its markers still links."""
from rag.types import Answer, Citation
from ui import render


def test_partial_answer_is_a_refusal_variant_with_clickable_markers():
    c = Citation(n=1, source="w2022.txt", title="Wimbledon 2022", text="Rybakina won in 2022.", start=0, end=21,
                 score=0.8, sentence="Rybakina won in 2022.", sentence_start=0, sentence_end=21)
    ans = Answer(question="q", text="The articles do not say for 2018. They cover 2022: Rybakina won in 2022. [1]",
                 citations=[c], refused=False, partial=True)
    out = render.answer_message(ans, 3)
    assert out.startswith('<div class="refusal partial">') and "Not exactly in the articles" in out
    assert '<a class="cite" href="#cite-3-1"' in out
    full = render.answer_message(Answer(question="q", text="Rybakina won in 2022. [1]", citations=[c],
                                        refused=False), 3)
    assert "refusal" not in full
