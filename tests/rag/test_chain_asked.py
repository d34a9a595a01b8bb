"""The chain on same-topic articles where only one says what a question asks: with that article left out,
the others (same bridge, same town, same names) must not be read as the answer."""
import pytest

from tests.conftest import index_articles

ARTICLES = {
    "bridge_opening.txt": ("Velmora bridge opens to traffic\n2023-05-02\nSource: Coast Herald\n\n"
                           "The new Velmora harbour bridge opened to traffic on Monday after four years of work. "
                           "The bridge cost 310 million euros and carries two lanes in each direction. "
                           "The mayor of Velmora, Ilse Brandt, cut the ribbon in front of a large crowd. "
                           "Traffic on the old ferry route is expected to fall by half.\n"),
    "bridge_design.txt": ("Who drew the Velmora bridge\n2023-04-20\nSource: Coast Herald\n\n"
                          "The Velmora harbour bridge was designed by the engineering firm Ostrander Partners, "
                          "whose chief engineer Paula Ren spent a decade on cable-stayed spans. "
                          "Its two towers rise 120 metres above the water.\n"),
    "bridge_tolls.txt": ("Velmora bridge tolls debated\n2023-05-10\nSource: Coast Herald\n\n"
                         "The Velmora council debated a toll for the harbour bridge on Tuesday. "
                         "Councillors from the harbour district said a toll would push traffic back onto the "
                         "ferry. The mayor of Velmora promised a decision before the summer.\n"),
}
QUESTION = "Which engineering firm designed the Velmora harbour bridge?"


@pytest.fixture(scope="module")
def bridge_rag(tmp_path_factory):
    return index_articles(tmp_path_factory, ARTICLES, "bridge")


@pytest.mark.parametrize("generator", ["extractive", "llamacpp"])
def test_the_article_that_says_it_answers(bridge_rag, generator):
    answer = bridge_rag.ask(QUESTION, generator=generator)
    assert not answer.refused and "Ostrander" in answer.text
    assert {c.source for c in answer.citations} == {"bridge_design.txt"}


@pytest.mark.parametrize("generator", ["extractive", "llamacpp"])
def test_same_topic_articles_that_do_not_say_it_are_no_answer(bridge_rag, generator):
    answer = bridge_rag.ask(QUESTION, generator=generator, exclude=lambda p: p.name == "bridge_design.txt")
    assert answer.passages and all(p.name != "bridge_design.txt" for p in answer.passages)
    assert answer.refused and not answer.citations


def test_word_rarity_comes_from_the_index(bridge_rag):
    weight = bridge_rag.chain.retriever.term_weight()
    from rag.retrieve.lexical import stem

    # every article's word, one article's name, and a word no chunk holds (the rarest of all)
    assert weight(stem("bridge")) < weight(stem("Ostrander".lower())) < weight("no-such-word")
