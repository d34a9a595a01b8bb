"""The question's constraints (years, months, quarters, gender, ordinals, quantities, names, answer kind)
and whether a sentence of a passage, read with its title and date, meets them: pure functions."""
from rag.answer import constraints
from rag.answer.constraints import covered, met, parse, unmet
from rag.types import Passage, ScoredSentence


def _passage(text: str, title: str = "", date: str = "") -> Passage:
    return Passage("c:0", "d", "a.txt", title, text, 0, len(text), 1.0, date=date)


def _kinds(question: str) -> list[tuple[str, str]]:
    """The constraints on the things a question names (what it asks about: test_asked.py; relative weeks
    read against the newest passage, and the edition a question without a year asks about: test_recency.py)."""
    other = ("asked", "recent", "now", "edition", "current", "counted", "speech")
    return [(c.kind, c.label) for c in parse(question).items if c.kind not in other]


def test_years_months_quarters_and_qualifiers_are_read_from_the_question():
    assert ("year", "2018") in _kinds("Who won the women's singles final at Wimbledon in 2018?")
    assert _kinds("In 2024, how many police were trained?") == [("year", "2024")]
    assert ("gender", "women's") in _kinds("Who won the women's singles final at Wimbledon in 2018?")
    assert ("quarter", "Q3") in _kinds("What was Tesla's revenue in Q3 2019?")
    assert ("quarter", "third quarter") in _kinds("What was the profit in the third quarter?")
    assert ("month", "March") in _kinds("What did the council approve in March?")
    assert ("ordinal", "first") in _kinds("Which state became the first to ban the sale?")
    assert ("quantity", "more than 112,000 vehicles") in _kinds("Which automaker recalled more than 112,000 vehicles?")
    assert any(k == "name" for k, _ in _kinds("Who won the women's singles final at Wimbledon in 2018?"))


def test_relative_dates_and_the_modal_may_are_no_constraints():
    assert _kinds("Which company recalled cars this week?") == []
    assert _kinds("What may happen to the prices recently reported?") == []
    assert ("month", "May") in _kinds("What happened on May 10?")


def test_a_number_glued_to_a_word_is_a_name_or_version_not_a_quantity():
    assert _kinds("Which models beat v2.0 on GLUE tasks?") == [("name", "glue")]
    assert ("quantity", "22 states") in _kinds("22 states raised wages. Which is highest?")
    assert not any(k == "quantity" for k, _ in _kinds("Who took the Covid-19 vaccine?"))


def test_answer_kind_follows_the_question_word():
    assert parse("Who beat the champion?").answer_type == "name"
    assert parse("Where will the summit be held?").answer_type == "place"
    assert parse("When did the strike end?").answer_type == "date"
    assert parse("How many people were hurt?").answer_type == "number"
    assert parse("What did the report say?").answer_type == ""


def test_a_year_is_met_by_the_sentence_its_title_or_its_passage_date():
    c = parse("Who won the title in 2018?").items[0]
    assert met(c, "She won the title in 2018.", _passage("x"))
    assert met(c, "She won the title.", _passage("x", title="Champions of 2018"))
    assert met(c, "She won the title.", _passage("x", date="2018-07-14"))
    assert not met(c, "She won the title in 2022.", _passage("x", date="2022-07-10"))


def test_the_other_gender_or_quarter_in_the_sentence_contradicts_the_question():
    passage = _passage("The women's and men's finals were played on Sunday. The men's final went to five sets.")
    women = next(c for c in parse("Who won the women's final?").items if c.kind == "gender")
    assert not met(women, "The men's final went to five sets.", passage)
    assert met(women, "The women's and men's finals were played on Sunday.", passage)
    q3 = next(c for c in parse("What was revenue in Q3?").items if c.kind == "quarter")
    assert met(q3, "Third-quarter revenue rose to $23.4 billion.", _passage("x"))
    assert not met(q3, "Revenue in the second quarter was $21 billion.", _passage("x"))


def test_quantities_with_a_comparator_accept_nearby_numbers():
    c = next(c for c in parse("Which automaker recalled more than 112,000 vehicles?").items if c.kind == "quantity")
    assert met(c, "", _passage("Ford is recalling 112,965 vehicles."))
    assert not met(c, "", _passage("Ford is recalling 8,000 vehicles."))
    exact = next(c for c in parse("Which 22 states raised wages?").items if c.kind == "quantity")
    assert met(exact, "", _passage("Twenty-two states, 22 in all, raised wages."))


def test_more_than_n_is_n_rounded_down_at_its_own_precision():
    c = next(c for c in parse("Which automaker recalled more than 112,000 vehicles?").items if c.kind == "quantity")
    assert not met(c, "", _passage("Chevrolet recalled 140,000 electric cars."))
    assert met(c, "", _passage("Ford recalled 112,500 SUVs."))
    few = next(c for c in parse("Which town has fewer than 300 residents?").items if c.kind == "quantity")
    assert met(few, "", _passage("The town has 250 residents."))
    assert not met(few, "", _passage("The town has 120 residents."))
    about = next(c for c in parse("Which firm cut about 2,000 jobs?").items if c.kind == "quantity")
    assert met(about, "", _passage("The firm cut 1,800 jobs."))
    assert not met(about, "", _passage("The firm cut 900 jobs."))


def test_a_count_is_not_met_by_an_amount_of_money():
    states = next(c for c in parse("Which 22 states raised the minimum wage?").items if c.kind == "quantity")
    assert not met(states, "", _passage("The bank raised its minimum wage to $22 an hour."))
    assert met(states, "", _passage("Workers in 22 states get a raise."))
    money = next(c for c in parse("Which state pays more than $15 an hour?").items if c.kind == "quantity")
    assert met(money, "", _passage("Washington pays $15.74 an hour."))


def test_names_are_met_in_the_passage_and_the_answer_kind_in_the_sentence():
    cons = parse("Who beat Luke Littler in the final?")
    passage = _passage("Luke Littler lost the final. Luke Humphries beat him 7-4.")
    assert unmet(cons, "Luke Humphries beat him 7-4.", passage) == []
    # neither a name but his own nor the deed asked about ("beat": rag/answer/asked.py)
    assert [c.kind for c in unmet(cons, "Luke Littler lost the final.", passage)] == ["asked", "type"]
    assert [c.kind for c in unmet(cons, "He lost.", _passage("He lost the final to a rival."))] == [
        "name", "asked", "type"]


def test_apply_pushes_unmet_sentences_down_and_reports_the_best_near_miss():
    good = "Elena Rybakina won the women's singles title at Wimbledon in 2022."
    p = _passage(good, title="Rybakina wins Wimbledon", date="2022-07-09")
    p.evidence = [ScoredSentence(good, 0, len(good), 0.8)]
    near = constraints.apply("Who won the women's singles title at Wimbledon in 2018?", [p])
    assert near is not None and [c.kind for c in near.missing] == ["year"] and near.score == 0.8
    assert p.evidence[0].score < 0
    assert covered(near, p) == "2022"


def test_a_sentence_meeting_every_constraint_keeps_its_score():
    good = "Elena Rybakina won the women's singles title at Wimbledon in 2022."
    p = _passage(good, date="2022-07-09")
    p.evidence = [ScoredSentence(good, 0, len(good), 0.8)]
    assert constraints.apply("Who won the women's singles title at Wimbledon in 2022?", [p]) is None
    assert p.evidence[0].score == round(0.8 + constraints.RESTATED_BONUS, 4)  # it restates all that is asked


def test_relative_days_and_last_are_no_constraints():
    assert _kinds("Which tech giant surpassed Apple last Friday?") == [("name", "apple")]
    assert _kinds("A panel blew out last week on which airline?") == []
    assert ("ordinal", "second") in _kinds("Who won the second round?")


def test_an_undated_passage_naming_no_year_does_not_contradict_a_year():
    c = parse("How many schools were there in 2024?").items[0]
    assert met(c, "There are just 61 schools.", _passage("x"))
    assert not met(c, "There were 58 schools in 2019.", _passage("x"))
    assert not met(c, "There are just 61 schools.", _passage("x", date="2019-03-01"))


def test_an_articles_own_question_is_no_answer():
    cons = parse("Who will Mara Venn face in the final?")
    answer = "Mara Venn will face the defending champion, Ilse Dorn, in the final on Sunday."
    passage = _passage(f"Who will Mara Venn face in the final? {answer}")
    assert "statement" in [c.kind for c in unmet(cons, "Who will Mara Venn face in the final?", passage)]
    assert unmet(cons, answer, passage) == []


def test_last_year_in_a_dated_article_is_the_year_before_it():
    c = parse("Which film won the top award in 2024?").items[0]
    article = _passage("x", date="2024-01-08")
    assert met(c, "Harbour Lights won the top award.", article)
    assert not met(c, "Last year, Harbour Lights won the top award.", article)
    assert met(parse("Which film won the top award in 2023?").items[0],
               "Last year, Harbour Lights won the top award.", article)
    near = constraints.NearMiss(0, ScoredSentence("Last year, Harbour Lights won the top award.", 0, 10, 0.6), 0.6,
                                [parse("Which film won the top award in 2024?").items[0]])
    assert covered(near, article) == "2023"


def test_a_sentence_naming_whom_a_slot_question_asks_about_gains_its_bonus():
    text = "The talks were co-chaired by Ada Lind, the deputy minister of transport, and two envoys."
    p = _passage(text)
    p.evidence = [ScoredSentence(text, 0, len(text), 0.35)]
    constraints.apply("What position does Ada Lind hold?", [p])
    assert p.evidence[0].score == round(0.35 + constraints.NAMED_BONUS, 4)
    other = _passage("The talks were co-chaired by two envoys.")
    other.evidence = [ScoredSentence(other.text, 0, len(other.text), 0.35)]
    constraints.apply("What position does Ada Lind hold?", [other])
    assert other.evidence[0].score < 0


def test_a_result_between_two_parties_is_stated_with_both():
    cons = parse("What was the final score of the game between the Otters and the Harbor Herons?")
    assert [c.kind for c in cons.items if c.kind == "between"] == ["between"]
    passage = _passage("The Otters beat the Herons 84-82. The Herons lost 11-3 to the Gulls on Friday.")
    assert "between" not in [c.kind for c in unmet(cons, "The Otters beat the Herons 84-82.", passage)]
    assert "between" in [c.kind for c in unmet(cons, "The Herons lost 11-3 to the Gulls on Friday.", passage)]
    assert not [c for c in parse("What is the difference between a loan and a grant?").items if c.kind == "between"]
    # a preview naming both sides quotes one side's last game: that score is against a third team
    preview = "The Otters host the Harbor Herons after the Otters' 88-85 overtime loss to the Lake Gulls."
    assert "between" in [c.kind for c in unmet(cons, preview, _passage(preview))]
    won = "The Otters won 84-82 over the Harbor Herons on Friday."
    assert "between" not in [c.kind for c in unmet(cons, won, _passage(won))]


def test_a_sentence_naming_another_year_contradicts_whatever_its_title_says():
    cons = parse("Which team did Ada Lind play for when she won the 2023 dunk contest?")
    p = _passage("Ada Lind won a high-school dunk contest in 2018. She won the 2023 contest for the Otters.",
                 title="Ada Lind wins the 2023 dunk contest", date="2023-02-20")
    assert "year" in [c.kind for c in unmet(cons, "Ada Lind won a high-school dunk contest in 2018.", p)]
    assert "year" not in [c.kind for c in unmet(cons, "She won the 2023 contest for the Otters.", p)]
    assert "year" not in [c.kind for c in unmet(cons, "She plays for the Otters.", p)]  # no year: the title's


def test_a_table_row_addresses_what_is_asked_through_the_sentence_introducing_the_table():
    text = ("The following table outlines anticipated benefits of intelligence sharing:\nBenefit | Description |\n"
            "Greater Coverage | Expanded access allows wider surveillance of threats. |")
    row = "Greater Coverage | Expanded access allows wider surveillance of threats."
    cons = parse("What benefits are expected from intelligence sharing between Otters and Herons?")
    kinds = [c.kind for c in unmet(cons, row, _passage(text))]
    assert "asked" not in kinds  # "anticipated benefits" in the introduction, "expected" by its synonym
    assert "asked" in [c.kind for c in unmet(cons, row, _passage(row))]


def test_a_sentence_naming_no_year_goes_on_from_the_year_of_the_sentence_before_it():
    cons = parse("Which provinces saw most of the violence in 2023?")
    text = ("The truce ended in November 2022. Pakistan saw 1,524 deaths in 2023, a six-year high. KP and Balochistan "
            "were the primary areas of violence. Officials met in Islamabad.")
    p = _passage(text, date="2024-05-14")
    assert "year" not in [c.kind for c in unmet(cons, "KP and Balochistan were the primary areas of violence.", p)]
    # two sentences on, or after a sentence of another year, it is the article's year again
    assert "year" in [c.kind for c in unmet(cons, "Officials met in Islamabad.", p)]
    after_2022 = _passage("The truce ended in 2022. KP and Balochistan were the primary areas of violence.",
                          date="2024-05-14")
    assert "year" in [c.kind for c in unmet(cons, "KP and Balochistan were the primary areas of violence.", after_2022)]


def test_how_many_is_answered_by_a_number_of_the_thing_it_counts():
    cons = parse("Security services have arrested how many militants since Sunday?")
    assert [c.kind for c in cons.items if c.kind == "counted"] == ["counted"]
    said = "The security source said more than 90 militants were rounded up."
    assert "counted" not in [c.kind for c in unmet(cons, said, _passage(said))]
    other = "Police confronted 3,600 supporters, who said their leader would not be arrested."
    assert "counted" in [c.kind for c in unmet(cons, other, _passage(other))]


def test_a_sentence_saying_last_year_in_passing_speaks_of_its_articles_year_too():
    cons = parse("How many entrants are in the 2001 race?")
    both = "A total of 76 entrants are in this year's race, led by last year's winner."
    assert "year" not in [c.kind for c in unmet(cons, both, _passage(both, date="2001-12-20"))]
    assert "year" not in [c.kind for c in unmet(parse("Who won the 2000 race?"), both,
                                                  _passage(both, date="2001-12-20"))]
    opening = "Last year, 80 entrants took part in the race."
    assert "year" in [c.kind for c in unmet(cons, opening, _passage(opening, date="2001-12-20"))]


def test_a_sentence_missing_only_the_count_is_context_for_a_model_but_no_answer():
    q = "How many police has the Velmora office trained since 2023?"
    context = "Since 2023 the Velmora office has opened 4 training centres in the north for police."
    answer = "Since 2023 the Velmora office has trained over 300 police."
    p = _passage(f"{context} {answer}")
    p.evidence = [ScoredSentence(answer, len(context) + 1, len(context) + 1 + len(answer), 0.8),
                  ScoredSentence(context, 0, len(context), 0.7)]
    constraints.apply(q, [p])
    assert [s.score > 0 for s in p.evidence] == [True, False]  # "4 training centres" counts no police
    shown = constraints.as_context(q, [p])
    assert {s.text: s.score for s in shown[0].evidence} == {answer: round(0.8 + constraints.RESTATED_BONUS, 4),
                                                            context: 0.7}


def test_a_named_year_anchors_a_relative_date_instead_of_the_corpus_newest_week():
    kinds = [c.kind for c in parse("In 2001, how many people braved the cold for Harrison, who died last week?").items]
    assert "year" in kinds and "recent" not in kinds and "now" not in kinds
    assert "recent" in [c.kind for c in parse("How many people braved the cold for Harrison, who died last week?").items]


def test_a_question_naming_two_years_is_met_by_the_first_years_report_about_the_second():
    cons = parse("In 2001, how many people died from drug related causes in the year 2000?")
    sentence = "According to the bureau, 1,570 people died from drug related causes in the year 2000."
    assert "year" not in [c.kind for c in unmet(cons, sentence, _passage(sentence, date="2001-05-03"))]
    assert "year" in [c.kind for c in unmet(cons, sentence, _passage(sentence, date="2002-05-03"))]
    other = "In 1999, 1,400 people died from drug related causes."
    assert "year" in [c.kind for c in unmet(cons, other, _passage(other, date="2001-05-03"))]


def test_how_many_is_answered_by_a_number_of_the_thing_that_did_what_is_asked():
    cons = parse("How many detention centre officers were treated for smoke inhalation?")
    rarity = {"inhal": 4.0, "smoke": 3.0, "treat": 2.0}.get
    other = "He says six detention officers were injured during the disturbance."
    said = "He says 15 detention centre officers were treated for smoke inhalation."
    assert "counted" in [c.kind for c in unmet(cons, other, _passage(other), weight=lambda t: rarity(t, 1.0))]
    assert unmet(cons, said, _passage(said), weight=lambda t: rarity(t, 1.0)) == []


def test_a_sentence_restating_everything_asked_gains_its_bonus():
    question = "In 2002, who says there has been a drop in deaths from heart disease over the past two decades?"
    text = "Professor Ada Lind says there has been a drop in deaths from heart disease over the past two decades."
    p = _passage(text, date="2002-06-09")
    p.evidence = [ScoredSentence(text, 0, len(text), 0.38)]
    constraints.apply(question, [p])
    assert p.evidence[0].score == round(0.38 + constraints.RESTATED_BONUS, 4)
    part = "Professor Ada Lind says deaths from heart disease have dropped in Norland."  # no "decades"
    q = _passage(part, date="2002-06-09")
    q.evidence = [ScoredSentence(part, 0, len(part), 0.38)]
    constraints.apply(question, [q])
    assert q.evidence[0].score == 0.38
    old = _passage(text, date="2001-06-09")  # restates it, but of another year: no answer, no bonus
    old.evidence = [ScoredSentence(text, 0, len(text), 0.38)]
    constraints.apply(question, [old])
    assert old.evidence[0].score < 0


def test_a_plural_asked_for_after_which_or_after_what_are_the_asks_for_a_list():
    assert constraints.asks_for_list("Which groups did the dialogue target?")
    assert constraints.asks_for_list("What are the key elements of the partnership?")
    assert constraints.asks_for_list("What were the two main tasks the model was trained on?")
    assert not constraints.asks_for_list("What is the key element of the partnership?")
    assert not constraints.asks_for_list("What are the Pakistani police trained in?")


def test_a_question_about_each_of_two_parties_is_not_answered_for_one_alone():
    question = "What training have Norland and Vestria each given the coast guard?"
    west_text = "Vestria trained coast guard cadets at its naval academy."
    north_text = "Norland trained 300 coast guard officers since March."
    west, north = _passage(west_text), _passage(north_text)
    west.evidence = [ScoredSentence(west_text, 0, len(west_text), 0.7)]
    north.evidence = [ScoredSentence(north_text, 0, len(north_text), 0.5)]
    constraints.apply(question, [west, north])
    assert west.evidence[0].score > 0.5 and north.evidence[0].score > 0.4  # each party has its answer
    west.evidence = [ScoredSentence(west_text, 0, len(west_text), 0.7)]
    constraints.apply(question, [west])  # Norland's answer is not in the evidence: no answer at all
    assert west.evidence[0].score < 0
    west.evidence = [ScoredSentence(west_text, 0, len(west_text), 0.7)]
    constraints.apply("What training has Vestria given the coast guard?", [west])
    assert west.evidence[0].score > 0.5
