"""rag.retrieve.evidence.has_answer_type: what counts as holding the kind of thing a question asks for."""
from rag.retrieve.evidence import answer_type, has_answer_type


def asked(question: str) -> frozenset[str]:
    return frozenset(w.lower().strip("?") for w in question.split())


def test_an_institution_answers_a_who_question():
    q = "Who funds the Ostmark harbour expansion?"
    assert answer_type(q) == "name"
    assert has_answer_type("name", "The expansion will be funded by the regional government.", asked(q))
    assert not has_answer_type("name", "The expansion will be funded soon.", asked(q))


def test_an_institution_the_question_names_is_not_the_answer():
    q = "Which council approved the budget?"
    assert not has_answer_type("name", "the budget was approved by the council on friday.", asked(q))
