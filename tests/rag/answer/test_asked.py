"""What a question asks about beyond its names, and whether a sentence addresses it: pure functions."""
from rag.answer.asked import addressed, asked_terms, holds_every, interrogative
from rag.answer.constraints import parse, unmet
from rag.types import Passage


def _passage(text: str, title: str = "") -> Passage:
    return Passage("c:0", "d", "a.txt", title, text, 0, len(text), 1.0)


def test_the_asked_terms_leave_out_names_relative_dates_and_slot_words():
    assert asked_terms("Who co-chaired the dialogue between the United States and Pakistan?") >= {"chair", "dialogue"}
    assert not asked_terms("Who co-chaired the dialogue between the United States and Pakistan?") & {
        "unit", "stat", "pakistan"}
    assert "week" not in asked_terms("Which company recalled cars this week?")
    assert asked_terms("What position does Maria Lopez hold?") == frozenset()
    assert asked_terms("On what date was the treaty signed?") == {"treaty", "sign"}


def test_a_premise_sentence_before_the_question_only_sets_the_scene():
    q = "A total of 22 states raised their minimum wage this week. Which state now has the highest minimum wage?"
    assert interrogative(q) == "Which state now has the highest minimum wage?"
    assert "rais" not in asked_terms(q) and "highest" in asked_terms(q)


def test_a_sentence_addresses_the_question_when_it_holds_an_asked_word_in_any_form():
    terms = asked_terms("Which country does Pakistan accuse of backing the rebels?")
    assert addressed(terms, "Islamabad has long made accusations against India.")
    assert not addressed(terms, "Pakistan and China are ramping up their cooperation.")
    assert addressed(asked_terms("Who co-chaired the talks?"), "The chair of the talks was Ana Ruiz.")
    assert addressed(frozenset(), "Anything at all.")


def test_a_same_topic_sentence_that_does_not_address_the_ask_is_not_evidence():
    cons = parse("Which Chinese company plans to set up textile parks in Pakistan?")
    passage = _passage("Chinese investment in Pakistan could be jeopardized by attacks on the CPEC project. "
                       "The Ruyi Group plans textile parks in Pakistan.")
    miss = unmet(cons, "Chinese investment in Pakistan could be jeopardized by attacks on the CPEC project.", passage)
    assert [c.kind for c in miss] == ["asked"]
    assert unmet(cons, "The Ruyi Group plans textile parks in Pakistan.", passage) == []


def test_a_question_of_names_only_needs_its_names_in_the_sentence_or_title():
    cons = parse("Who was named Director of the Year at the Harbor City Film Festival?")
    passage = _passage("The Harbor City Film Festival opens on Friday. Its Director of the Year is Mia Sato.")
    assert [c.kind for c in unmet(cons, "The Harbor City Film Festival opens its doors to the public with a gala hosted by Tom Lee.", passage)] == [
        "asked"]
    said = "Mia Sato was named Director of the Year."
    assert unmet(cons, said, _passage(said, title="Harbor City Film Festival")) == []


def test_with_word_rarity_the_topic_words_alone_do_not_address_the_ask():
    rarity = {"think": 4.0, "tank": 4.0, "publish": 4.0, "report": 3.0, "security": 0.2}.get
    terms = asked_terms("Which think tank published the security report?")
    assert addressed(terms, "Regional security collaborations grew this year.")  # any asked word, no weights
    assert not addressed(terms, "Regional security collaborations grew this year.", lambda t: rarity(t, 1.0))
    assert addressed(terms, "The report was published by a research centre.", lambda t: rarity(t, 1.0))
    assert addressed(terms, "Regional security grew.", lambda _t: 0.0)  # no word is known: nothing to weigh


def test_a_sentence_missing_only_the_ask_is_context_for_a_model_but_stays_no_answer():
    from rag.answer import constraints
    from rag.types import ScoredSentence

    q = "Which programme does the Velmora energy deal of 2023 belong to?"
    context = "The Velmora deal is part of the Coastal Links Initiative."
    other_year = "The Velmora energy deal of 2019 belongs to the Harbour Fund programme."
    p = _passage(f"{context} {other_year}", title="Velmora energy deal")
    p.evidence = [ScoredSentence(context, 0, len(context), 0.7), ScoredSentence(other_year, 0, 1, 0.6)]
    rarity = {"programme": 4.0, "belong": 4.0, "energy": 1.0, "deal": 0.1}.get
    constraints.apply(q, [p], lambda t: rarity(t, 1.0))
    assert all(s.score < 0 for s in p.evidence)
    shown = constraints.as_context(q, [p], lambda t: rarity(t, 1.0))
    assert {s.text: s.score for s in shown[0].evidence} == {context: 0.7, other_year: round(0.6 - 1.5, 4)}
    assert all(s.score < 0 for s in p.evidence)  # the chain's own passages keep the refusal's scores


def test_a_hyphenated_word_and_its_parts_count_once():
    weight = {"counter-terrorism": 1.0, "counter": 1.0, "terrorism": 1.0, "police": 3.0, "train": 3.0}.get
    terms = asked_terms("Where will the police be trained in counter-terrorism?")
    assert {"counter-terrorism", "counter", "terrorism"} <= terms
    # the compound alone holds 1 of 7 of the weight when counted once (3 of 9 when its parts counted too)
    assert not addressed(terms, "The counter-terrorism pact was renewed.", lambda t: weight(t, 0.0))
    assert addressed(terms, "The police will be trained in counterterrorism.", lambda t: weight(t, 0.0))
    assert addressed(asked_terms("Who co-chaired the talks?"), "Ana Ruiz chaired the talks.")


def test_a_compound_weighs_as_its_commoner_spelling():
    """ "counter-terrorism" is rare where articles write "counterterrorism": the concept is not."""
    weight = {"counter-terrorism": 3.0, "counterterrorism": 0.5, "counter": 0.7, "terrorism": 0.4,
              "campaign": 2.0, "reinvigorat": 3.3}.get
    terms = asked_terms("What is the name of the reinvigorated counter-terrorism campaign?")
    assert not addressed(terms, "The two countries renewed their counter-terrorism pact.", lambda t: weight(t, 0.0))
    assert addressed(terms, "The reinvigorated drive is called Operation Dawn.", lambda t: weight(t, 0.0))


def test_a_verb_form_that_dropped_its_e_is_the_same_word():
    q = "What was the final score of the game between the Otters and the Herons?"
    assert addressed(asked_terms(q), "Ada Lind scored 21 points in the Otters' 84-82 win over the Herons.")
    assert not addressed(asked_terms("Which car did she buy?"), "She will care for it.")


def test_the_noun_naming_the_kind_of_answer_is_not_missed_where_the_answer_names_the_thing():
    rarity = {"automaker": 10.0, "recall": 1.0, "brake": 0.5, "fault": 0.5}.get
    terms = asked_terms("Which automaker recalled cars over a brake fault?")
    assert terms.optional == {"automaker"}
    assert addressed(terms, "Velka recalled 9,000 cars on Monday.", lambda t: rarity(t, 0.0))  # 1 of 2, not 1 of 12
    assert addressed(terms, "The automaker said the fault was minor.", lambda t: rarity(t, 0.0))  # held, it counts
    assert not addressed(asked_terms("Which automaker recalled cars over a brake fault?"), "Sales rose on Monday.",
                         lambda t: rarity(t, 0.0))


def test_a_who_question_is_answered_only_by_a_sentence_saying_what_the_person_did():
    terms = asked_terms("Who co-chaired the counterterrorism dialogue between Norland and Vesta?")
    assert terms.required == {"co-chair"}
    rarity = {"co-chair": 3.0, "chair": 3.0, "counterterrorism": 0.5, "dialogue": 1.0}.get
    topic = "The counterterrorism dialogue between Norland and Vesta renewed their pact against the Red Band."
    assert not addressed(terms, topic, lambda t: rarity(t, 0.0))  # 1.5 of 4.5 of the weight, but not the deed
    assert addressed(terms, "Ada Lind and Omar Sey co-chaired the dialogue.", lambda t: rarity(t, 0.0))
    assert asked_terms("Who has the most seats in Norland?").required == frozenset()  # a light verb: no deed


def test_irregular_past_forms_are_their_verbs():
    assert addressed(asked_terms("Who met in Islamabad to discuss the talks?"), "Their meeting in Islamabad was brief.")
    assert addressed(asked_terms("Which club won the cup?"), "The club is winning again.")


def test_a_passive_which_question_needs_what_was_done_to_the_thing():
    assert asked_terms("Which pop star is being sued for starting her concerts late?").required == {"sued"}
    assert asked_terms("What energy agreements were signed at the expo?").required == {"sign"}
    assert asked_terms("Which think tank published the report?").required == frozenset()  # active: "a report by …"
    assert asked_terms("What is the estimated cost of the bridge?").required == frozenset()
    assert asked_terms("Which attack is mentioned, and which group escalated attacks?").required == frozenset()
    sued = asked_terms("Which pop star is being sued for starting her concerts late?")
    assert addressed(sued, "Two fans are suing the singer after her concert started late.")
    assert not addressed(sued, "Another pop star played a late concert for young fans.")


def test_a_sentence_naming_only_the_opposite_verb_does_not_address_the_ask():
    terms = asked_terms("What time can Veldran bars start serving alcohol under the new law?")
    assert not addressed(terms, "All bars were ordered to stop serving alcohol at 8 p.m.")
    assert addressed(terms, "Bars may begin serving alcohol at 9 a.m. and must stop at 1 a.m.")
    assert not addressed(asked_terms("Which council approved the harbour plan?"), "The council rejected the plan.")
    # a yes/no question is answered by the opposite
    assert addressed(asked_terms("Did the council approve the harbour plan?"), "The council rejected the harbour plan.")


def test_a_word_news_writes_for_the_asked_deed_addresses_it():
    terms = asked_terms("Which country does Veldra accuse of backing the Ostmark Front?")
    assert addressed(terms, "Veldra's blaming Karsia for allegedly supporting the Ostmark Front adds to the strain.")
    assert addressed(asked_terms("Who did the council appoint as harbour master?"),
                     "The council named Ada Lind harbour master on Monday.")
    assert not addressed(terms, "Veldra and the Ostmark Front met in talks on Monday.")


def test_who_says_asks_whose_words_and_is_answered_by_a_report_of_speech():
    from rag.answer.asked import asks_who_said, reports_speech

    assert asks_who_said("Who says the club would not expect him to play every game?")
    assert asks_who_said("Who has warned that the talks could fail?")
    assert asks_who_said("In 2002, who says there has been a drop in deaths from heart disease?")
    assert asks_who_said("Which airline said this week it found loose bolts on grounded planes?")
    assert not asks_who_said("What is said to be the cause?") and not asks_who_said("Which team won the cup?")
    assert not asks_who_said("Who won the vote?") and not asks_who_said("What did the minister say?")
    assert reports_speech("Coach Ada Lind says the club would not expect him to play every game.")
    assert reports_speech("“He will not play every game,” the coach told reporters.")
    assert not reports_speech("Lockett approached the Swans about a return to the game last week.")
    cons = parse("Who says the club would not expect him to play every game?")
    silent = "The club would not expect Lockett to play every game after his comeback."
    assert "speech" in [c.kind for c in unmet(cons, silent, _passage(silent))]
    assert not reports_speech("The United States team scored a decisive victory over France.")  # a name, not a verb
    assert reports_speech("The report states that the club will not expect him to play.")


def test_who_says_is_answered_by_a_report_of_what_the_question_quotes_not_of_one_word_of_it():
    cons = parse("Who says the operation could take several months?")
    other = "The SES' Laura Goodin says it will take several days before the damage is cleared up."
    said = "Senator Hill says the operation could take several months."
    rarity = {"oper": 3.0}.get  # "operation" is rarer in a corpus than "several"
    assert "speech" in [c.kind for c in unmet(cons, other, _passage(other), weight=lambda t: rarity(t, 1.0))]
    assert "speech" not in [c.kind for c in unmet(cons, said, _passage(said), weight=lambda t: rarity(t, 1.0))]


def test_the_previous_one_is_asked_about_and_a_sentence_about_the_latest_does_not_answer():
    terms = asked_terms("When had the previous counterterrorism dialogue taken place?")
    assert not addressed(terms, "The counterterrorism dialogue held on May 10 took stock of the threats.")
    assert addressed(terms, "Since the last dialogue in March 2023, the US has trained 300 police.")
    assert addressed(terms, "The prior counterterrorism dialogue took place in Islamabad.")
    # a comparison with earlier ones is no such ask
    assert not asked_terms("How does the model compare to previous state-of-the-art models?").required


def test_the_role_after_the_copula_is_what_the_answer_is():
    terms = asked_terms("Which candidate was the runner-up in the Norland caucuses?")
    assert terms.required == {"runner-up"}
    assert not addressed(terms, "Ada Lind won the Norland caucuses, and every candidate thanked the voters.")
    assert addressed(terms, "Omar Sey was the runner-up in the caucuses.")
    assert asked_terms("Who will be the new prime minister?").required == {"minister"}
    # a post of something: its holder is named without it ("picked Ines Vale to lead it")
    assert asked_terms("Who is the new prime minister of Norland?").required == frozenset()
    assert asked_terms("Who is the head of state in Norland?").required == frozenset()
    assert asked_terms("Who was the first woman to lead the agency?").required == frozenset()  # a kind, not a role
    assert not addressed(terms, "Front-runner Ada Lind leads the caucuses.")  # a front-runner is no runner-up
    winner = asked_terms("Who was the winner of the Norland song contest?")
    assert addressed(winner, "Ada Lind won the Norland song contest with a ballad.")  # news writes "won"


def test_a_superlative_asked_of_a_thing_must_be_said():
    terms = asked_terms("What is the minimum age for users on Chirp?")
    assert terms.required == {"minimum"}
    assert not addressed(terms, "About 40% of Chirp's users are between the ages of 18 and 24.")
    assert addressed(terms, "Chirp's minimum age for users is 13.")
    assert addressed(asked_terms("Which lake is the largest in Norland?"), "Lake Vell is the biggest lake in Norland.")
    assert asked_terms("What is the interest rate in Norland?").required == frozenset()  # not a superlative
    assert asked_terms("How does the largest model compare to people?").required == frozenset()  # what is compared
    both = asked_terms("Which company is the largest producer in Norland?")
    assert both.required == {"largest", "producer"}  # each must be said, not one of them
    assert not addressed(both, "Vell Mining is a producer in Norland.")


def test_the_reason_a_deed_was_done_for_must_be_said():
    sued = asked_terms("Which pop star is being sued for starting her concerts hours late?")
    assert sued.required == {"sued"} and sued.reason == {"start", "concert", "hour", "late"}
    assert not addressed(sued, "The actor took the stand after being sued for a ski crash in 2016.")
    assert addressed(sued, "The singer is being sued by two fans who say her concert started two hours late.")
    arrested = asked_terms("Who was arrested for the murder of Ada Lind?")
    assert addressed(arrested, "Police arrested Omar Sey in the killing of Ada Lind.")  # news writes "killing"
    assert asked_terms("Who co-chaired the dialogue?").reason == frozenset()
    rarity = {"start": 1.0, "concert": 3.0, "hour": 1.0, "late": 1.5, "pop": 2.0, "star": 1.0, "sued": 2.0}.get
    assert not addressed(sued, "A plaintiff's lawsuit says the star forced dancers into a 12-hour rehearsal.",
                         lambda t: rarity(t, 0.0))  # one common word of the reason
    assert addressed(sued, "Fans are suing the pop star because her concert started two hours late.",
                     lambda t: rarity(t, 0.0))


def test_a_sentence_holding_every_asked_word_restates_the_question():
    terms = asked_terms("Which automaker recalled more cars over a roll-away risk?")
    assert holds_every(terms, "Vell Motors recalled 112,000 cars over a roll-away risk.")  # "automaker" is the kind
    assert not holds_every(terms, "Vell Motors recalled 112,000 cars.")
    assert not holds_every(asked_terms("Who won?"), "Ada Lind won.")  # one word restates nothing


def test_an_active_verb_or_its_object_must_be_said_not_only_the_words_naming_the_asked_thing():
    deal = asked_terms("Which member of the Norland royal family signed a new recording contract?")
    assert deal.predicate == {"sign", "record", "contract"}
    assert not addressed(deal, "The Norland royals keep a busy schedule of family outings and royal duties.")
    assert addressed(deal, "Princess Ada of Norland signed a recording contract with Vell Records.")
    assert asked_terms("Which team did Ada Lind join?").predicate == frozenset()  # not an active past verb
    assert asked_terms("Which club won the cup, and which team scored first?").predicate == frozenset()


def test_the_same_when_the_question_word_comes_after_the_verb():
    stated = asked_terms("The Norland ministry published new safety rules for which household devices?")
    assert stated.predicate == {"publish", "safety", "rul"}
    assert not addressed(stated, "A rebate of up to $840 is offered for an electric heater or other household devices.")
    assert addressed(stated, "The new safety rules published on Monday cover gas heaters.")
    assert asked_terms("Norland's ministry is offering rebates for which devices?").predicate == frozenset()  # no past


def test_the_cause_of_a_death_or_an_injury_is_a_reason_that_must_be_said():
    died = asked_terms("How many people die from heart disease in Norland each year?")
    assert died.reason == {"heart", "disease"}
    rarity = {"heart": 3.0, "disease": 2.0, "people": 0.5, "die": 1.0}.get
    assert not addressed(died, "Five people have died on Norland's roads this week.", lambda t: rarity(t, 0.0))
    assert addressed(died, "Heart disease kills 2,200 people a year.", lambda t: rarity(t, 0.0))
    assert asked_terms("How many were killed in the Vell train crash?").reason == {"train", "crash"}


def test_an_initial_or_a_title_does_not_end_the_questions_sentence():
    from rag.answer.asked import asks_who_said, interrogative

    q = "Who says Norland's President Ada B. Lind does not care how long the talks take?"
    assert interrogative(q) == q and asks_who_said(q)
    assert interrogative("Gov. Vell signed the bill. When does it take effect?") == "When does it take effect?"
    assert interrogative("Which party did Mr. Vell join?") == "Which party did Mr. Vell join?"
