"""The question's names must be in the evidence: acronyms, dotted and common short forms, demonyms."""
from rag.answer.focus import apply, initialisms, name_coverage, parties, question_names, vocabulary
from rag.types import Passage, ScoredSentence


def test_names_acronyms_and_years_are_found_in_questions():
    names = question_names("In which year was the Balochistan Liberation Army listed by the US in 2019?")
    assert [(sorted(n.words), n.acronyms) for n in names] == [
        (["army", "balochistan", "liber"], ("bla",)), (["us"], ()), (["2019"], ())]
    assert question_names("What is the capital of australia?") == []  # lower case: not a name


def test_acronym_expansion_short_forms_and_demonyms_match():
    text = "The BLA was blacklisted by the U.S. in 2019, Chinese officials said."
    vocab = vocabulary(text)
    assert name_coverage(question_names("When did the United States list the Balochistan Liberation Army?"), vocab) == 1
    assert name_coverage(question_names("What did China say?"), vocab) == 1
    assert name_coverage(question_names("What did India say in 2024?"), vocab) == 0
    # a country's acronym ahead of an agency's name: the agency's own acronym names it too
    epa = question_names("What has the U.S. Environmental Protection Agency awarded?")
    assert name_coverage(epa, vocabulary("EPA awards nearly $1 billion for electric school buses")) == 1
    assert name_coverage(epa, vocabulary("The USDA awards $1 billion")) == 0


def test_initials_the_text_spells_out_and_sizes_that_are_no_names():
    (nlp,) = question_names("Which tasks does the NLP benchmark cover?")
    assert nlp.spelled_out_in(initialisms("It covers nine natural language processing tasks."))
    assert not nlp.spelled_out_in(initialisms("It covers nine reading tasks."))
    (us,) = question_names("What did the US say?")
    assert not us.initials  # two letters: too short to spell out
    assert [sorted(n.words) for n in question_names("Does LLaMA-13B beat GPT-3?")] == [["llama"], ["gpt"]]


def _passage(text: str, score: float = 0.8) -> Passage:
    p = Passage("c", "d", "n.txt", "t", text, 0, len(text), score)
    p.evidence = [ScoredSentence(text, 0, len(text), score)]
    return p


def test_evidence_missing_the_named_entity_or_the_quantity_is_down_weighted():
    about_pakistan = _passage("Pakistan's prime minister visited Beijing last week.")
    apply("Who is the prime minister of India?", [about_pakistan])
    assert about_pakistan.evidence[0].score == 0.4
    no_amount = _passage("China pledged support for Pakistan's counterterrorism efforts.")
    apply("How much money has China pledged to Pakistan?", [no_amount])
    assert no_amount.evidence[0].score == 0.4
    with_amount = _passage("China pledged $2 billion for Pakistan's counterterrorism efforts.")
    apply("How much money has China pledged to Pakistan?", [with_amount])
    assert with_amount.evidence[0].score == 0.8


def test_a_name_in_the_articles_title_counts_for_every_chunk_of_it():
    """Later chunks of an article rarely repeat what its title names ("the US–Pakistan article")."""
    later_chunk = _passage("The focus on emerging technologies is relevant, as terrorist groups use social media.")
    later_chunk.title = "U.S. and Pakistan Strengthen Ties to Fight Terrorist Groups"
    other_article = _passage("The focus on emerging technologies is relevant, as terrorist groups use social media.")
    other_article.title = "China and Pakistan deepen security cooperation"
    question = "Why do emerging technologies matter for counterterrorism in the US–Pakistan article?"
    apply(question, [later_chunk, other_article])
    assert later_chunk.evidence[0].score == 0.8  # every name met, through the title
    assert other_article.evidence[0].score == 0.6  # "US" met by neither text nor title


def test_the_united_states_is_a_name_though_its_short_form_is_a_stopword():
    from rag.answer.focus import question_names

    (name,) = question_names("Who co-chaired the dialogue between the United States and Pakistan?")
    assert name.words == {"us", "pakistan"}


def test_with_word_rarities_a_name_is_found_by_most_of_its_weight_not_only_most_of_its_words():
    from rag.answer.focus import question_names, vocabulary

    (name,) = question_names("How heavy was the bomb the Air Force B-52 dropped?")
    rarity = {"air": 2.0, "force": 2.0, "b": 6.0}.get
    vocab = vocabulary("The United States Air Force dropped a bomb.")
    assert name.found_in(vocab)  # two of its three words
    assert not name.found_in(vocab, lambda w: rarity(w, 1.0))  # but not its rarest, "B-52"
    assert name.found_in(vocabulary("An Air Force B-52 dropped it."), lambda w: rarity(w, 1.0))


def test_a_name_missing_a_quarter_of_its_weight_is_another_name():
    from rag.answer.focus import question_names, vocabulary

    (name,) = question_names("Which movie won the major categories at the Golden Globe Awards?")
    rarity = {"golden": 3.0, "globe": 3.0, "award": 1.0}.get
    weight = lambda w: rarity(w, 1.0)  # noqa: E731
    assert not name.found_in(vocabulary("It is up for worst movie at the Golden Raspberry Awards."), weight)
    assert name.found_in(vocabulary("Oppenheimer swept the Golden Globe ceremony."), weight)  # "Awards" weighs little


def test_a_title_ahead_of_a_name_is_found_abbreviated():
    from rag.answer.focus import question_names, vocabulary

    (name,) = question_names("What time can bars serve alcohol under the law signed by Governor John Carney?")
    assert name.found_in(vocabulary("Gov. John Carney signed House Bill 235 into law."), lambda w: 1.0)
    assert not name.found_in(vocabulary("John Smith signed it."), lambda w: 1.0)


def test_names_joined_by_and_are_two_parties_when_asked_about_each():
    words = lambda q: [sorted(n.words) for n in question_names(q)]  # noqa: E731
    flags = lambda q: [n.party for n in question_names(q)]  # noqa: E731
    assert words("What have the United States and China each given Pakistani police?") == [
        ["us"], ["china"], ["pakistani"]]
    assert flags("What have the United States and China each given Pakistani police?") == [True, True, False]
    assert words("What did both Norland and the EU sign?") == [["norland"], ["eu"]]
    assert flags("What did both Norland and the EU sign?") == [False, False]  # split, but not asked about each
    each = parties("What have Norland and Vestria each given the coast guard?")
    assert [sorted(n.words) for n in each] == [["norland"], ["vestria"]]
    assert each[0].named_by("The ministry trained cadets.", title="Norland's coast guard")  # by its title
    assert not each[1].named_by("The ministry trained cadets.", title="Norland's coast guard")
    # without "each" or "both", "and" stays inside one name
    assert words("Who leads the Centre for Research and Security Studies?") == [
        ["centre", "research", "security", "study"]]
    assert words("What did Bosnia and Herzegovina sign?") == [["bosnia", "herzegovina"]]
