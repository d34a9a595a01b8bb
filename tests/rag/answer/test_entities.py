"""A claim's names, numbers and dates against the passages it cites: pure functions."""
from rag.answer.entities import missing, numbers
from rag.types import Passage

PASSAGE = Passage("c:0", "d", "a.txt", "Rybakina wins Wimbledon",
                  "Elena Rybakina won the women's singles title at Wimbledon on Saturday, beating Ons Jabeur 3-6, "
                  "6-2, 6-2. Some 1,524 fans watched outside.", 0, 120, 1.0, date="2022-07-09")


def test_numbers_are_normalised():
    assert numbers("1,524 people and 7.50 dollars in 2019.") == {"1524", "7.5", "2019"}


def test_a_claim_restating_the_evidence_misses_nothing():
    assert missing("Elena Rybakina beat Ons Jabeur at Wimbledon in July 2022 [1].", [PASSAGE]) == []
    assert missing("About 1524 fans watched.", [PASSAGE]) == []


def test_a_year_from_the_question_is_not_evidence():
    question = "Who won the women's singles at Wimbledon in 2018?"
    assert missing("Elena Rybakina won the women's singles at Wimbledon in 2018.", [PASSAGE], question) == ["2018"]


def test_names_may_come_from_the_question_but_not_from_nowhere():
    assert missing("Rybakina beat Serena Williams.", [PASSAGE]) == ["serena william"]
    assert missing("Rybakina beat Serena Williams.", [PASSAGE], "Did Serena Williams play?") == []


def test_a_party_asked_about_each_is_not_a_name_the_claim_may_take_from_the_question():
    question = "What have Elena Rybakina and Ons Jabeur each won this year?"
    claim = "Elena Rybakina and Ons Jabeur each won the women's singles title at Wimbledon."
    assert missing(claim, [PASSAGE], question) == []  # both are in the passage
    only_one = Passage("c:1", "e", "b.txt", "", "Elena Rybakina won the title at Wimbledon.", 0, 44, 1.0)
    assert missing(claim, [only_one], question) == ["jabeur ons"]
    assert missing("Elena Rybakina won the title at Wimbledon.", [only_one], question) == []


def test_dotted_acronyms_match_their_plain_form():
    p = Passage("c:0", "d", "a.txt", "", "The withdrawal of U.S. forces from Afghanistan.", 0, 50, 1.0)
    assert missing("US forces left Afghanistan.", [p]) == []


def test_the_day_of_a_date_is_not_a_quantity():
    p = Passage("c:0", "d", "a.txt", "", "Tesla reported results on Oct. 23, 2019, with revenue of $6.3 billion.",
                0, 80, 1.0)
    assert missing("Tesla's revenue in 2019 was 23.", [p]) == ["23"]
    assert "q3" in missing("Tesla's revenue in Q3 2019 was 23, 2019.", [p])
    assert missing("Tesla reported results on Oct. 23, 2019.", [p]) == []
    assert missing("Revenue was $6.3 billion in 2019.", [p]) == []


def test_a_number_the_evidence_gives_for_something_else_is_not_the_claims():
    text = ("The 2024 announcement brings the program's awards to $2 billion, funding 5,000 electric school buses. "
            "The $5 billion program includes both a grant program and a rebate program.")
    p = Passage("c:0", "d", "a.txt", "EPA awards", text, 0, len(text), 1.0)
    question = "How much has the EPA awarded for electric school buses as of 2024?"
    assert missing("The EPA has awarded $5 billion for electric school buses as of 2024.", [p], question) == ["5"]
    assert missing("The program's awards come to $2 billion as of 2024.", [p], question) == []
    assert missing("Rybakina beat Jabeur 3-6, 6-2, 6-2.", [PASSAGE]) == []  # a score: the names beside it
    # symbols beside a number are its words too
    optimiser = Passage("c:0", "d", "a.txt", "", "Trained with the following hyper-parameters: β1 = 0.9, β2 = 0.95.",
                        0, 70, 1.0)
    assert missing("The optimizer's hyperparameters are β1 = 0.9, β2 = 0.95.", [optimiser]) == []
