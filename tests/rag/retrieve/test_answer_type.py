"""rag.retrieve.evidence.has_answer_type: what counts as holding the kind of thing a question asks for."""
from rag.retrieve.evidence import answer_type, has_answer_type, score_opponents


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


def test_a_list_items_label_is_a_heading_not_a_name():
    q = "Where will the cadets be trained?"
    assert not has_answer_type("name", "- Training Courses: specialised drills for cadets of the academy.", asked(q))
    assert not has_answer_type("name", "Joint Training Days | joint drills to build the skills of cadets.", asked(q))
    assert has_answer_type("name", "The cadets will be trained at the Lindholm Naval Academy.", asked(q))


def test_a_name_is_the_questions_own_only_when_all_its_words_or_its_initials_are():
    q = "Who beat Luke Littler in the final?"
    assert has_answer_type("name", "In the final, Luke Humphries beat him 7-4.", asked(q))
    assert not has_answer_type("name", "In the final, Luke Littler lost 7-4.", asked(q))
    q = "Which country backs the NLF?"
    assert not has_answer_type("name", "Attacks by the National Liberation Front rose.", asked(q))


def test_which_kinds_of_asks_for_a_description_not_a_name():
    assert answer_type("Which kinds of infrastructure could aid build?") == ""
    assert answer_type("Which types of crops failed?") == ""
    assert answer_type("Which crops failed?") == "name"


def test_when_asks_for_a_date_only_opening_or_closing_the_question():
    assert answer_type("When did the ferry service resume?") == "date"
    assert answer_type("In 2019, when did the ferry service resume?") == "date"
    assert answer_type("The ferry stopped in May. When did it resume?") == "date"
    assert answer_type("The strike began last March when?") == "date"
    assert answer_type("Which club did Ada Lind play for when she won the cup?") == "name"
    assert answer_type("How does the model perform when the inputs are long?") == ""


def test_a_sentences_opening_word_is_a_name_when_its_passage_capitalises_it_elsewhere():
    q = "Which board game was finally solved after thirty years?"
    passage = "A 12-year-old Quarrelo champion made history. Quarrelo is a board game first sold thirty years ago."
    assert has_answer_type("name", "Quarrelo is a board game first sold thirty years ago.", asked(q), passage)
    plain = "Officials said the game was solved. Officials gave no date."
    assert not has_answer_type("name", "Officials said the game was solved.", asked(q), plain)
    assert not has_answer_type("name", "Quarrelo is a board game first sold thirty years ago.", asked(q))
    after_a_line_break = "The game was solved.\nIn recent talks, officials said it was solved."
    assert not has_answer_type("name", "In recent talks, officials said it was solved.", asked(q), after_a_line_break)


def test_a_price_or_cost_asks_for_money_and_a_score_for_a_score():
    assert answer_type("Drug makers are selling the inhaler at what price?") == "money"
    assert answer_type("What cost did the council approve?") == "money"
    assert answer_type("What is the estimated cost of the harbour bridge?") == "money"
    assert answer_type("How much did the club pay for the striker?") == "money"
    assert answer_type("How much rain fell in March?") == "number"
    assert answer_type("What was the final score of the match between the Otters and the Herons?") == "score"
    assert answer_type("Which team won the cup?") == "name"


def test_money_is_an_amount_in_a_currency_not_any_number():
    q = "Drug makers are selling the inhaler at what price?"
    assert has_answer_type("money", "The inhaler now sells for $35 a month.", asked(q))
    assert has_answer_type("money", "The bridge cost 200 million euros.", asked(q))
    assert has_answer_type("money", "Fans paid £12.50 a ticket.", asked(q))
    assert not has_answer_type("money", "More than 8 million Americans use an inhaler.", asked(q))
    assert has_answer_type("number", "More than 8 million Americans use an inhaler.", asked(q))


def test_a_name_the_question_says_in_another_form_is_still_its_own():
    q = "Where will Pakistani police be trained?"
    assert not has_answer_type("name", "Police in Pakistan will be trained soon.", asked(q))
    assert has_answer_type("name", "The police will be trained at the Xinjiang Police Academy.", asked(q))


def test_a_time_of_day_is_a_date_and_the_verb_may_is_not():
    assert answer_type("What time can restaurants start serving alcohol under the new law?") == "time"
    assert has_answer_type("date", "Bars may serve alcohol from 9 a.m. on Sundays.", frozenset())
    assert has_answer_type("date", "Polls close at 8pm.", frozenset())
    assert has_answer_type("date", "The dialogue was held on May 10.", frozenset())
    assert not has_answer_type("date", "Bars may serve alcohol with takeout.", frozenset())


def test_an_articles_own_title_is_never_evidence():
    from rag.retrieve.evidence import is_title

    title = "Indianapolis woman, others sue Lizzo; accuse pop star of weight ..."
    assert is_title("Indianapolis woman, others sue Lizzo; accuse pop star of weight …", title)
    assert not is_title("The singer was sued on Monday.", title)
    assert not is_title("Anything at all.", "")


def test_a_number_the_question_says_is_no_count():
    from rag.retrieve.evidence import question_words

    q = "How many Boeing 737 Max 9 jets were grounded?"
    assert not has_answer_type("number", "The FAA grounded all Max 9 planes after a Boeing 737 lost a door plug.",
                               question_words(q))
    assert has_answer_type("number", "The FAA grounded 171 Boeing 737 Max 9 jets.", question_words(q))


def test_a_newsletter_sign_up_line_is_never_evidence():
    from rag.retrieve.evidence import is_sign_up

    assert is_sign_up("To get updates on the royal family sent to your inbox, sign up for the Royal News newsletter.")
    assert not is_sign_up("Prince Harry signed a new podcast deal with a streaming service.")


def test_a_country_is_the_questions_own_when_the_question_says_its_people():
    from rag.retrieve.evidence import question_words

    q = question_words("Which militant group in Pakistan is behind attacks on Chinese workers?")
    assert not has_answer_type("name", "Attacks targeting Chinese nationals in Pakistan worry China.", q)
    assert has_answer_type("name", "The Balochistan Liberation Army claimed the attacks on Chinese workers.", q)


def test_what_time_which_month_and_which_year_ask_for_that_part_of_a_date():
    from rag.retrieve.evidence import question_words

    q = "What time can bars in the county start serving drinks under the new law?"
    assert answer_type(q) == "time"
    assert not has_answer_type("time", "The governor said Wednesday that bars can serve drinks.", question_words(q))
    assert has_answer_type("time", "Bars may now start serving at 8 a.m., an hour earlier.", question_words(q))
    q = "In which month is the filing deadline?"
    assert answer_type(q) == "month"
    assert not has_answer_type("month", "The final deadline to file is Monday.", question_words(q))
    assert has_answer_type("month", "The deadline is April 15.", question_words(q))
    assert has_answer_type("month", "Filing closes Jan. 31 for most people.", question_words(q))
    q = "In which year was the group designated a terrorist organisation?"
    assert answer_type(q) == "year"
    assert has_answer_type("year", "The State Department designated the group in 2019.", question_words(q))
    assert not has_answer_type("year", "The group was designated on a Friday.", question_words(q))
    assert answer_type("What time of year is best to book a beach rental?") == "date"


def test_which_state_or_country_asks_for_one_other_than_the_questions_own():
    from rag.retrieve.evidence import question_words

    q = "Which state held a Republican primary this week?"
    assert answer_type(q) == "state"
    assert not has_answer_type("state", "The state ran a primary Tuesday, but the state's Republican Party "
                                        "staged its own caucuses.", question_words(q))
    assert has_answer_type("state", "New Hampshire voters went to the polls on Tuesday.", question_words(q))
    assert has_answer_type("state", "Voters in the Granite State cast their ballots.", question_words(q))
    assert not has_answer_type("state", "The joint bid beat Morocco's bid in 2018.", question_words(q))
    q = "Which country is the largest exporter of goods to the US?"
    assert answer_type(q) == "country"
    assert not has_answer_type("country", "Americans consume more foreign goods than the country ships overseas.",
                               question_words(q))
    assert has_answer_type("country", "Mexico overtook China as the top source of U.S. imports.", question_words(q))
    assert answer_type("Which two countries has Pakistan been deepening cooperation with?") == "country"


def test_a_games_final_score_is_two_numbers_not_one():
    q = "What was the final score of the game between the Tigers and the Blue Hens?"
    assert answer_type(q) == "score"
    assert not has_answer_type("score", "Davis scored 28 points in the overtime loss.", frozenset())
    assert has_answer_type("score", "The Tigers beat the Blue Hens 84-82 on Saturday.", frozenset())
    assert not has_answer_type("score", "The 2023-24 season opened in May.", frozenset())


def test_the_team_a_score_was_made_against_is_read_beside_it():
    assert score_opponents("Davis scored 28 points in the Hens' 88-85 overtime loss to the Rider Broncs.") == [
        "Rider Broncs."]
    assert score_opponents("The Tigers beat Rider 84-82 on Saturday.") == ["Rider"]
    assert score_opponents("The Tigers won 84-82 over the Blue Hens.") == ["Blue Hens."]
    assert score_opponents("The vote was 52-48 to approve the bill.") == []


def test_a_month_a_weekday_or_a_time_zone_is_not_a_name():
    q = asked("Where did the network's debate take place this week?")
    assert not has_answer_type("name", "The debate will air live on Jan. 10 at 9 p.m. ET / 6 p.m. PT.", q)
    assert not has_answer_type("name", "It was held on Wednesday, as planned in December.", q)
    assert has_answer_type("name", "The debate was held at Drake University in Des Moines.", q)


def test_a_two_word_name_is_not_the_questions_own_because_its_initials_spell_a_small_word():
    q = asked("Who is the mayor of Zengaltash?")
    assert has_answer_type("name", "Voters in Zengaltash elected Oren Falwick as their mayor on Sunday.", q)
    assert not has_answer_type("name", "The Pakistan Democratic Movement said so.", asked("What did the PDM say?"))


def test_where_asks_for_a_name_in_a_phrase_of_place():
    q = "Where will Veldran police be trained?"
    assert answer_type(q) == "place"
    assert answer_type("The Hawks will meet the Owls in the final. Where will the game be played?") == "place"
    assert answer_type("Who lives where the river ends?") == "name"
    assert has_answer_type("place", "The officers will be trained at Ostmark's police academy.", asked(q))
    assert has_answer_type("place", "The game will be played in Port Alder on Feb. 11.", asked(q))
    assert has_answer_type("place", "Talks covered Lindholm, where the new port is.", asked(q))
    assert has_answer_type("place", "Drills begin in the northern province of Asterby.", asked(q))
    # the trainer is named, not where; the only place is the question's own; a weekday is not a place
    assert not has_answer_type("place", "Since March, the Ostmark Guard has trained 300 police in Veldran.", asked(q))
    assert not has_answer_type("place", "The officers will be trained on Monday.", asked(q))
    assert not has_answer_type("place", "The Hawks will take on the Baltimore Owls, who lost to Port Alder.", asked(q))
    assert not has_answer_type("place", "The Hawks are heading into their sixth straight Cup final.", asked(q))
    assert not has_answer_type("place", "- Training Courses: drills at the academy.", asked(q))


def test_a_percentage_or_share_asks_for_a_percentage_or_a_fraction_not_any_number():
    assert answer_type("What percentage of men report having no close friends?") == "percent"
    assert answer_type("Which provinces saw most of the violence, and what share of fatalities?") == "percent"
    assert answer_type("What is the share price of Zenco?") == "money"
    assert has_answer_type("percent", "Some 15% of men said so.", frozenset())
    assert has_answer_type("percent", "Only about 1 in 5 had support from a friend.", frozenset())
    assert has_answer_type("percent", "Less than half of men report being satisfied.", frozenset())
    assert not has_answer_type("percent", "The number has quadrupled since 1990.", frozenset())
    assert not has_answer_type("percent", "Rounding out the top 10 are Singapore and Japan.", frozenset())


def test_a_who_question_asks_for_a_name_whatever_clause_follows():
    assert answer_type("Who says it is unclear when Mr Hicks will be back on Australian soil?") == "name"
    assert answer_type("In 2001, who says his start tactics are easy?") == "name"
    assert answer_type("When did the minister say the talks would end?") == "date"
    assert answer_type("Who won, and how many votes did she get?") == "number"  # the count is asked too
    assert answer_type("Who says the minister does not care how long the talks take?") == "name"  # a clause's
    assert answer_type("In 2001, who says the owners will decide how many staff keep their jobs?") == "name"
