"""The chain on a dated index: "this week" is the week of the index's newest article, so an old article
about an earlier event of the kind is no answer, even when it is the only one retrieved."""
import pytest

from tests.conftest import index_articles

OLD = ("Olvana Air grounds its jets after a door panel blows out\n2019-03-12\nSource: Air Daily\n\n"
       "Olvana Air grounded its fleet of twelve jets after a door panel blew out on a flight to Porto. "
       "Regulators said the airline must inspect every door plug before flying again.\n")
NEWER = ("Harbour council approves the new library budget\n2024-01-10\nSource: City News\n\n"
         "The Harbour council approved a budget of 4 million for the new library on Tuesday. "
         "Building work is due to start in the spring.\n")
ANSWER = ("Dovetail Airways grounds its jets after a door panel blows out\n2024-01-08\nSource: Air Daily\n\n"
          "Dovetail Airways grounded its fleet of nine jets after a door panel blew out on a flight to Lyon. "
          "Regulators said the airline must inspect every door plug before flying again.\n")
QUESTION = "Which airline grounded its fleet after a door panel blew out this week?"


@pytest.fixture(scope="module")
def without_answer(tmp_path_factory):
    return index_articles(tmp_path_factory, {"old.txt": OLD, "newer.txt": NEWER})


def test_the_anchor_is_the_index_newest_article(without_answer):
    assert without_answer.chain.retriever.newest_date() == "2024-01-10"


def test_an_old_article_is_no_answer_this_week(without_answer):
    answer = without_answer.ask(QUESTION, generator="extractive")
    assert answer.refused and not answer.citations
    assert "Olvana" not in answer.text


def test_this_weeks_article_answers(tmp_path_factory):
    rag_ = index_articles(tmp_path_factory, {"old.txt": OLD, "newer.txt": NEWER, "answer.txt": ANSWER})
    answer = rag_.ask(QUESTION, generator="extractive")
    assert not answer.refused and "Dovetail" in answer.text and "Olvana" not in answer.text
    assert {c.source for c in answer.citations} == {"answer.txt"}


def test_asked_as_of_an_earlier_day_this_week_is_the_week_up_to_it(without_answer):
    """The `until` filter says when the question is asked: later articles are left out and "this week" is
    the week up to that day, so the 2019 story answers a question asked in March 2019."""
    assert without_answer.chain.retriever.newest_date("2019-03-15") == "2019-03-12"
    assert without_answer.chain.retriever.newest_date("2019-03-01") == ""
    answer = without_answer.ask(QUESTION, generator="extractive", filters={"until": "2019-03-15"})
    assert not answer.refused and "Olvana" in answer.text, answer.text
    assert {c.source for c in answer.citations} == {"old.txt"}


PORT_2017 = ("Harbour port names a chief\n2017-06-02\nSource: City News\n\n"
             "The Harbour port authority has appointed Rui Costa as its new chief executive, the board said. "
             "Costa, a former shipping manager, starts in July.\n")
PORT_2024 = ("Harbour port board picks Ines Vale\n2024-01-09\nSource: City News\n\n"
             "The board of the Harbour port authority picked Ines Vale to lead it from February, replacing "
             "Rui Costa after seven years.\n")


def test_a_question_about_the_present_prefers_the_articles_of_the_last_two_years(tmp_path_factory):
    rag_ = index_articles(tmp_path_factory, {"port_2017.txt": PORT_2017, "port_2024.txt": PORT_2024,
                                             "newer.txt": NEWER})
    retriever = rag_.chain.retriever
    assert retriever.newest_date() == "2024-01-10"
    from rag.retrieve.bm25 import lexical_index

    assert lexical_index(rag_.store).oldest_date() == "2017-06-02"
    question = "Who is the new chief executive of the Harbour port authority?"
    assert retriever._date_ranges(question) == [(20230101, 20240110)]
    assert retriever._date_ranges("Who was the chief executive of the Harbour port authority?") == []
    answer = rag_.ask(question, generator="extractive")
    assert "Ines Vale" in answer.text and "2017" not in answer.text, answer.text
    assert {c.source for c in answer.citations} == {"port_2024.txt"}
