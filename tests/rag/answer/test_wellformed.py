"""Well-formed answer sentences: no headlines, nothing cut before its object, a verb."""
from rag.answer.wellformed import answer_problems, has_verb, is_cut_short, is_headline, states_nothing


def test_headlines_are_recognised_by_title_case():
    assert is_headline("China's Commitment: Strengthening Pakistan's Counterterrorism Framework [1]")
    assert is_headline("U.S. and Pakistan Strengthen Ties to Fight Terrorist Groups.")
    assert not is_headline("Luke Humphries beat Luke Littler 7-4 in the final of the PDC World Championship.")
    # names fill it, but a lower-case verb is a sentence's (title case capitalises "Holds")
    assert not is_headline("Gregory D. LoGerfo holds the Acting Coordinator for Counterterrorism at the U.S. Department of State.")
    assert is_headline("Gregory D. LoGerfo Holds the Acting Coordinator Post at the U.S. Department of State")


def test_a_sentence_ending_in_a_preposition_or_article_before_its_marker_is_cut():
    assert is_cut_short("Pakistan and China have deepened counter-terrorism cooperation with [1].")
    assert is_cut_short("The report was published by the")
    assert not is_cut_short("The report was published on Tuesday [2].")
    assert not is_cut_short("The designation was made in 2019 [2].")


def test_verbs_are_found_by_form():
    assert has_verb("Ford recalls 112,000 vehicles [2].")
    assert has_verb("Greta Gerwig was named director of the year.")
    assert has_verb("The dialogue targeted three groups.")
    assert not has_verb("Utah [1].")


def test_answer_problems_names_each_kind_once():
    assert answer_problems("Utah [1]. Nevada [2].") == ["no-verb"]
    assert answer_problems("Luke Humphries won the title [1]. He beat Luke Littler [1].") == []
    assert answer_problems("Cooperation deepened with [1]. Intelligence Sharing: Enhancing Operational Capabilities [2].") \
        == ["cut", "headline", "no-verb"]


def test_a_question_a_list_lead_in_or_the_article_about_itself_states_nothing():
    assert states_nothing("Who will Mara Venn face in the final?")
    assert states_nothing("The key parts of the plan are:")
    assert states_nothing("This article explores what the treaty means for the region.")
    assert states_nothing("In this piece, we look at the new port.")
    assert not states_nothing("The report said 63% of adults had received a dose.")
    assert not states_nothing("Mara Venn will face Ilse Dorn in the final.")
    # a paper's roadmap, after its section's numbered heading, states nothing; its findings do
    assert states_nothing("2 Background In this section, we give a brief overview of the approach.")
    assert states_nothing("4 Training Procedure Analysis This section explores which choices matter.")
    assert not states_nothing("In this paper, we propose a new pre-training objective.")
    assert not states_nothing("This section shows that the model beats the baseline by 3 points.")


def test_a_heading_with_a_long_preposition_is_still_a_headline():
    assert is_headline("Regional Stability: Implications of Harbour Cooperation against Piracy")
    assert not is_headline("The council met against the advice of its lawyers on Tuesday.")
