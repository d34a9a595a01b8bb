"""rag.answer.quantities: the numbers a question's quantity admits, and whether a text states one."""
from rag.answer.quantities import asked, counted, counts, stated


def test_a_question_states_its_quantities_with_the_numbers_they_admit():
    assert asked("Which automaker recalled more than 112,000 vehicles?") == [
        ("more than 112,000 vehicles", (112000.0, 113000.0))]
    assert asked("Which town has about 300 residents?")[0][1] == (200.0, 400.0)
    assert asked("Who won in 2024 the title?") == []  # a year alone
    assert asked("Who took the Covid-19 vaccine?") == []  # glued to a word: a name


def test_a_text_states_a_quantity_when_it_holds_a_number_it_admits_and_money_is_no_count():
    label, admitted = asked("Which automaker recalled more than 112,000 vehicles?")[0]
    assert stated(label, admitted, "Ford recalled 112,500 SUVs over a roll-away risk.")
    assert not stated(label, admitted, "Ford recalled 1.9 million cars.")
    label, admitted = asked("Which 22 states raised wages?")[0]
    assert not stated(label, admitted, "The fee rose to $22 this week.")
    assert stated(label, admitted, "In all, 22 states raised their minimum wage.")


def test_how_many_counts_a_thing_and_a_sentence_must_number_that_thing():
    assert counted("Life expectancy has been reduced to how many years?") == ("years",)
    assert counted("How many detention centre officers were treated for smoke?") == ("detention", "centre", "officers")
    assert counted("Who won the vote?") == ()
    years = counted("Life expectancy has been reduced to how many years?")
    assert counts("Life expectancy has fallen to 40 years.", years)
    assert not counts("Emissions will be reduced by at least 60 per cent by 2010.", years)
    officers = counted("How many detention centre officers were treated for smoke?")
    assert counts("He says six detention officers were injured.", officers)
    assert not counts("About 800 volunteers were in the field.", officers)
    # what is counted ends where a preposition or an article begins: "hectares (over the past two days)"
    hectares = counted("The fires have burned how many hectares over the past two days?")
    assert hectares == ("hectares",)
    assert not counts("More than 100 fires are still burning across the state.", hectares)
    assert counted("How many votes the senator won in the state?") == ("votes",)


def test_people_are_counted_by_what_they_are_or_what_befell_them():
    people = counted("How many people were killed in violence in 2023?")
    assert counts("The country saw 1,524 violence-related fatalities in 2023.", people)
    assert not counts("More than 80 strike aircraft have flown sorties.", people)


def test_a_count_written_out_is_a_quantity_and_a_text_may_write_it_either_way():
    assert asked("Which film won five awards at the Globes?") == [("five awards", (5.0, 5.0))]
    label, admitted = asked("Which film won five awards at the Globes?")[0]
    assert stated(label, admitted, "Oppenheimer took 5 awards, including best drama.")
    assert stated(label, admitted, "It won five, including best drama.")
    assert not stated(label, admitted, "The nominations for the Golden Globe Awards are out.")
    # no count: a noun already counted ("the two countries"), the question's own count ("which two
    # countries"), part of a larger number, a duration, or a name ("two US soldiers" counts soldiers, not "US")
    for question in ("What did the two countries agree?", "Which two countries signed?",
                     "Two hundred and thirty canoes left. How many finished?", "What happened two weeks ago?",
                     "Were two US soldiers hurt?"):
        assert asked(question) == [], question


def test_a_count_is_not_met_by_a_clock_time_a_score_or_a_day_of_the_month():
    assert not stated("five awards", (5.0, 5.0), "The awards air Jan. 7 on CBS (8 p.m. ET/5 PT).")
    assert stated("five awards", (5.0, 5.0), "'The Bridge' nabbed five honors.")
    assert not stated("32 years", (32.0, 32.0), "The Rams lost at home 48-32.")
    assert not stated("7 films", (7.0, 7.0), "The festival opens on Jan. 7 with new films.")
    assert not stated("30 people", (30.0, 30.0), "The rally began at 8:30 with thousands of people.")
    assert stated("30 people", (30.0, 30.0), "About 30 people came at 8 p.m.")
    assert asked("Who says that from July 1 those on the scheme may work more?") == []  # a date, not a quantity
