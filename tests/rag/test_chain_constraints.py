"""The chain on small same-topic articles about different years: a question about a year the articles do
not cover is refused or answered as partial (saying what they cover), never answered from another year."""
import pytest

ARTICLES = {
    "wimbledon_2021.txt": ("Barty wins Wimbledon women's title\n2021-07-10\nSource: Sport Daily\n\n"
                           "Ashleigh Barty won the women's singles title at Wimbledon in 2021, beating Karolina "
                           "Pliskova in three sets on Centre Court. The Australian world number one lifted the "
                           "Venus Rosewater Dish for the first time.\n"),
    "wimbledon_2022.txt": ("Rybakina wins Wimbledon women's title\n2022-07-09\nSource: Sport Daily\n\n"
                           "Elena Rybakina won the women's singles title at Wimbledon in 2022, beating Ons Jabeur "
                           "in the final. Rybakina, who represents Kazakhstan, came from a set down.\n"),
    "caucus_history.txt": ("Iowa caucus sites ready\n2024-01-10\nSource: Politics Daily\n\n"
                           "Caucus sites across Iowa open at 7 p.m. on Monday. Ted Cruz won the Republican 2016 "
                           "Iowa caucuses, with 27.6% of the vote.\n"),
    "cabinet_2017.txt": ("Varga names a prime minister\n2017-05-15\nSource: World Daily\n\n"
                         "President Lina Varga has appointed Tomas Reyes, a little-known lawmaker, as prime minister "
                         "of Ostland. Reyes, 46, was sworn in on Monday.\n"),
}


@pytest.fixture(scope="module")
def tennis_index(tmp_path_factory):
    from rag import RAG

    folder = tmp_path_factory.mktemp("tennis")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    index = tmp_path_factory.mktemp("tennis-index")
    rag_ = RAG.open(index, chroma_url="")
    rag_.index([folder], progress=False)
    return rag_, index


@pytest.fixture(scope="module")
def tennis_rag(tennis_index):
    return tennis_index[0]


def test_the_covered_year_is_answered_from_its_own_article(tennis_rag):
    answer = tennis_rag.ask("Who won the women's singles title at Wimbledon in 2022?")
    assert not answer.refused and not answer.partial
    assert "Rybakina" in answer.text and "Barty" not in answer.text
    assert {c.source for c in answer.citations} == {"wimbledon_2022.txt"}


def test_a_year_no_article_covers_is_refused_or_partial_never_answered(tennis_rag):
    answer = tennis_rag.ask("Who won the women's singles title at Wimbledon in 2018?")
    assert answer.refused or answer.partial
    if answer.partial:
        assert answer.text.startswith("The articles do not say for 2018.")
        assert answer.citations and answer.to_dict()["partial"] is True
    assert "won the women's singles title at Wimbledon in 2018" not in answer.text


def test_the_other_gender_is_not_the_answer(tennis_rag):
    answer = tennis_rag.ask("Who won the men's singles title at Wimbledon in 2022?")
    assert answer.refused or answer.partial
    assert not (answer.citations and not answer.partial)


def test_a_negative_run_excludes_the_answering_passages(tennis_rag):
    answer = tennis_rag.ask("Who won the women's singles title at Wimbledon in 2022?",
                            exclude=lambda p: "Rybakina" in p.text)
    assert all("Rybakina" not in p.text for p in answer.passages)
    assert answer.refused or answer.partial


def test_the_cli_shows_a_partial_answer_as_such(tennis_index):
    import json

    from tests.rag.test_cli import rag as run_cli

    question = "Who won the women's singles title at Wimbledon in 2018?"
    proc = run_cli("ask", question, index=tennis_index[1])
    assert proc.returncode == 0, proc.stderr
    data = json.loads(run_cli("ask", "--json", question, index=tennis_index[1]).stdout)
    assert data["partial"] or data["refused"]
    if data["partial"]:
        assert "(partial: the articles cover something close to the question" in proc.stdout


def test_an_earlier_edition_of_the_event_is_what_the_articles_cover_not_the_answer(tennis_rag):
    answer = tennis_rag.ask("Which Republican candidate won the Iowa caucuses?")
    _refused_or_covering(answer, "The articles do not say for the current edition. They cover 2016:",
                         "caucus_history.txt")


def _refused_or_covering(answer, opening: str, source: str) -> None:
    """A refusal, or a partial answer opening with `opening` and citing `source` alone."""
    assert answer.refused or answer.partial
    if answer.partial:
        assert answer.text.startswith(opening), answer.text
        assert [c.source for c in answer.citations] == [source]


def test_a_question_about_the_present_is_not_answered_from_an_article_years_older_than_the_news(tennis_rag):
    answer = tennis_rag.ask("Who did President Lina Varga appoint as the next prime minister of Ostland?")
    _refused_or_covering(answer, "The articles do not say for the present. They cover 2017:", "cabinet_2017.txt")
    # asked about that year, the same article answers
    answer = tennis_rag.ask("Who did President Lina Varga appoint as prime minister of Ostland in 2017?")
    assert not answer.refused and not answer.partial and "Reyes" in answer.text
