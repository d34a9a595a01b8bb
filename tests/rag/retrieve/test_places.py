"""rag.retrieve.places: countries and US states named in text, by name, short form or people's adjective."""
from rag.retrieve.places import asks_for_place, named_by, places


def test_names_short_forms_and_peoples_adjectives_are_one_place():
    text = "The U.S. and the UK, Americans in New Jersey, Japanese firms and South Korea's exports"
    assert places(text) == {"united states", "united kingdom", "new jersey", "japan", "south korea"}


def test_a_longer_name_wins_over_its_part_and_lower_case_words_name_nothing():
    assert places("New York voters") == {"new york"}
    assert places("we turned to china plates and us") == set()


def test_the_questions_own_places_come_from_its_lower_cased_words():
    assert named_by(frozenset({"exporter", "to", "the", "us"})) == {"united states"}
    assert named_by(frozenset({"which", "state", "new", "jersey"})) >= {"new jersey"}


def test_which_state_and_which_country_are_told_apart():
    assert asks_for_place("Which state will host the final?") == "state"
    assert asks_for_place("What two countries signed the deal?") == "country"
    assert asks_for_place("Which nation won?") == "country"
    assert asks_for_place("Who won the state election?") == ""
