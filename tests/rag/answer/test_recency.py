"""Questions phrased for the week they are asked, read against the newest retrieved passage: pure functions."""
from rag.answer import constraints, recency
from rag.types import Passage, ScoredSentence


def _passage(text: str, date: str) -> Passage:
    p = Passage(f"c:{date}", date, f"{date}.txt", "", text, 0, len(text), 1.0, date=date)
    p.evidence = [ScoredSentence(text, 0, len(text), 0.8)]
    return p


def test_a_relative_week_or_recently_sets_a_window_and_other_questions_none():
    assert recency.window("Which airline grounded its jets this week?") == ("this week", 14)
    assert recency.window("Who won last week's vote?")[1] == 14
    assert recency.window("Which firm recently cut jobs?")[1] == 60
    assert recency.window("Who won the vote in 2019?") is None
    assert recency.window("Which firm overtook its rival last Friday?") == ("last Friday", 14)
    assert recency.window("Who won yesterday's vote?")[1] == 14


def test_the_window_counts_back_from_the_newest_dated_passage():
    assert recency.anchor([_passage("a", "2024-01-03"), _passage("b", "2024-01-10"), _passage("c", "")]) == "2024-01-10"
    assert recency.in_window("2024-01-02", "2024-01-10", 14)
    assert not recency.in_window("2019-05-01", "2024-01-10", 14)
    assert recency.in_window("", "2024-01-10", 14) and recency.in_window("2019-05-01", "", 14)


def test_an_old_article_about_an_earlier_event_of_the_kind_is_no_answer_this_week():
    old = _passage("Olvana Air grounded its fleet after a door panel blew out.", "2018-04-18")
    new = _passage("Regulators grounded the fleet of Dovetail Airways after a door panel blew out.", "2024-01-08")
    constraints.apply("Which airline grounded its fleet after a door panel blew out this week?", [old, new])
    assert old.evidence[0].score < 0 < new.evidence[0].score


def test_the_anchor_is_the_corpus_newest_date_when_given():
    # the only retrieved article is old: without the corpus's newest date it would anchor "this week" itself
    old = _passage("Olvana Air grounded its fleet after a door panel blew out.", "2018-04-18")
    constraints.apply("Which airline grounded its fleet after a door panel blew out this week?", [old],
                      newest="2024-01-10")
    assert old.evidence[0].score < 0


def test_a_sentence_about_long_past_years_does_not_say_what_happened_this_week():
    p = _passage("The Herons have won four cups, in 1951, 1978, 1990 and 2004.", "2024-01-06")
    constraints.apply("Which team won the cup this week?", [p], newest="2024-01-10")
    assert p.evidence[0].score < 0
    assert not recency.of_the_past([2023], "2024-01-10") and recency.of_the_past([2004, 2019], "2024-01-10")
    assert recency.window("What share of adults got the latest vaccine?")[1] == 60


def test_a_relative_date_is_a_range_of_publication_dates_before_the_anchor():
    assert recency.date_range("Which airline grounded its jets this week?", "2024-01-10") == (20231227, 20240110)
    assert recency.date_range("Which firm recently cut jobs?", "2024-03-01") == (20240101, 20240301)  # 60 days, a leap February
    assert recency.date_range("Which firm cut jobs in 2019?", "2024-03-01") is None
    assert recency.date_range("Which airline grounded its jets this week?", "") is None


def test_a_plan_for_next_week_or_month_was_reported_lately():
    assert recency.window("Which comedian announced he will return to late-night TV next month?") == ("next month", 60)
    assert recency.window("Who will chair next week's summit?")[1] == 14


def test_a_later_event_does_not_say_what_happened_this_week():
    q = "Which state held a Republican primary this week?"
    assert recency.asks_about_now(q)
    assert not recency.asks_about_now("Which state will hold a primary next week?")  # looks ahead
    assert not recency.asks_about_now("Which state held a primary?")  # no relative date
    later = _passage("Nevada will hold its Republican primary next month.", "2024-01-20")
    held = _passage("Voters in Vermont cast ballots in Tuesday's Republican primary.", "2024-01-20")
    cons = constraints.parse(q)
    assert any(c.kind == "now" for c in constraints.unmet(cons, later.text, later))
    assert not any(c.kind == "now" for c in constraints.unmet(cons, held.text, held))


def test_a_question_about_what_happened_is_not_answered_by_a_forecast():
    past = "Which state held a Republican primary this week?"
    assert recency.speaks_of_later("Nevada will hold its primary on Tuesday.", past)
    assert recency.speaks_of_later("Voters are set to cast ballots in Vermont.", past)
    assert not recency.speaks_of_later("Vermont held its primary, and Nevada will hold its own on Tuesday.", past)
    assert not recency.speaks_of_later("Ada Lind, who will defend her title next season, beat Rook 7-4.", past)
    # a question in the present tense is answered by what is under way or announced
    assert not recency.speaks_of_later("Vermont will be under flood alerts until Friday.",
                                       "Which state is under flood alerts this week?")


def test_a_question_without_a_year_is_not_answered_by_an_earlier_edition_of_its_event():
    q = "Which candidate won the Iowa caucuses by a record margin?"
    old = _passage("Cruz won the Republican 2016 Iowa caucuses, with 27.6% of the vote.", "2024-01-16")
    lost = _passage("Trump did not win the Iowa caucuses in 2016, losing to Cruz.", "2024-01-16")
    now = _passage("On Monday Trump won the Iowa caucuses by a record margin, 30 points ahead.", "2024-01-16")
    both = _passage("Donald Trump, who lost Iowa in 2016, won the 2024 Iowa caucuses by a record margin.", "2024-01-16")
    season = _passage("Ada Lind won the 2023 Iowa caucuses straw poll by a record margin.", "2024-01-16")
    then = _passage("Cruz won the Republican 2016 Iowa caucuses by a record margin.", "2016-02-02")
    undated = _passage("Cruz won the Republican 2016 Iowa caucuses by a record margin.", "")
    near = constraints.apply(q, [old, lost, now, both, season, then, undated])
    assert old.evidence[0].score < 0 and lost.evidence[0].score < 0
    assert min(p.evidence[0].score for p in (now, both, season, then, undated)) > 0
    # the earlier edition is what the articles cover instead: a partial answer names its year
    assert near is not None and [c.kind for c in near.missing] == ["edition"]
    assert constraints.covered(near, [old, lost][near.passage]) == "2016"
    # a year elsewhere in the sentence, not pinned to the question's names, is no edition
    assert not recency.other_edition("In 2016, Trump lost Iowa.", "2024-01-10", [frozenset({"iowa"})])
    assert "edition" not in [c.kind for c in constraints.parse("Who won the Iowa caucuses in 2016?").items]


def test_a_question_about_the_present_is_not_answered_by_an_article_two_years_older_than_the_newest():
    for question in ("Who did Macron appoint as the next prime minister?", "Which official is facing impeachment?",
                     "How much will an ad during the final cost?", "Which pop star is being sued for late concerts?",
                     "Who is the new chief executive of Acme?"):
        assert recency.asks_about_current(question), question
    for question in ("What is the highest category on the hurricane scale?", "Who won the final?",
                     "What is something the report says?"):
        assert not recency.asks_about_current(question), question
    q = "Who did Macron appoint as the next prime minister?"
    old = _passage("Macron has appointed Edouard Philippe as prime minister.", "2017-05-15")
    last_year = _passage("Macron has appointed Elisabeth Borne as prime minister.", "2023-05-16")
    undated = _passage("Macron has appointed Ada Lind as prime minister.", "")
    near = constraints.apply(q, [old, last_year, undated], newest="2024-01-12")
    assert old.evidence[0].score < 0
    assert last_year.evidence[0].score > 0 and undated.evidence[0].score > 0  # the year before counts as its own
    near = constraints.apply(q, [_passage("Macron has appointed Edouard Philippe as prime minister.", "2017-05-15")],
                             newest="2024-01-12")
    assert near is not None and [c.kind for c in near.missing] == ["current"]  # a partial answer: "They cover 2017"
    # a year in the question pins it instead
    assert "current" not in [c.kind for c in constraints.parse("Who will Macron appoint in 2017?").items]


def test_a_question_about_the_present_fetches_from_the_newest_two_calendar_years_when_older_news_exists():
    q = "Who is the new chief executive of the port?"
    assert recency.present_range(q, "2024-01-10", "2017-06-02") == (20230101, 20240110)
    assert recency.present_range(q, "2024-01-10", "2023-02-01") is None  # nothing older: no preference
    assert recency.present_range(q, "2024-01-10", "") is None
    assert recency.present_range("Who was the chief executive in the port?", "2024-01-10", "2017-06-02") is None
    assert recency.present_range("Who is the new chief this week?", "2024-01-10", "2017-06-02") is None  # a window


def test_a_sentence_opening_with_last_year_does_not_say_what_happened_recently():
    q = "Which country recently launched a mission to the moon?"
    last_year = _passage("Last year, NASA introduced the crew of the mission to the moon, set to launch in November.",
                         "2024-01-04")
    this_month = _passage("India launched a mission to the moon on Monday, its space agency said.", "2024-01-04")
    constraints.apply(q, [last_year, this_month], newest="2024-01-20")
    assert last_year.evidence[0].score < 0 and this_month.evidence[0].score > 0


def test_a_time_the_story_set_earlier_is_not_this_week():
    p = _passage("The Herons had also finished 12-0 that season, ending with a win in the cup final.", "2024-01-08")
    constraints.apply("Which team won the cup this week?", [p], newest="2024-01-10")
    assert p.evidence[0].score < 0
    assert recency.told_of_then("Miami had also finished 12-0 that season, ending with a win in the Orange Bowl.")
    assert recency.told_of_then("Ford said at the time that the recall was voluntary.")
    assert not recency.told_of_then("Michigan won the national championship on Monday night.")
    assert not recency.told_of_then("At the time of the crash, the jet was at 16,000 feet.")


def test_a_sentence_dating_its_event_outside_the_week_asked_about_does_not_answer_it():
    newest = "2024-01-25"
    assert recency.dated_elsewhen("There was a Nevada primary on Feb. 6, where Haley lost.", newest, 14)  # to come
    assert recency.dated_elsewhen("The primary took place on Tuesday, Feb. 6.", newest, 14)
    assert recency.dated_elsewhen("The concert on Dec. 13, 2023 started late.", newest, 14)
    assert recency.dated_elsewhen("The concert on Dec. 13 started late.", newest, 14)  # 2023's, the nearest
    assert not recency.dated_elsewhen("The game on Dec. 30 went to overtime.", "2024-01-05", 14)  # across the year
    assert not recency.dated_elsewhen("The jet lost a door plug on Jan. 19.", newest, 14)
    assert not recency.dated_elsewhen("Fans sued on Wednesday over her Dec. 13 concert.", newest, 14)  # news now
    assert not recency.dated_elsewhen("He may 5 times; May 2024 is near.", newest, 14)  # no month and day
    assert not recency.dated_elsewhen("The primary is on Feb. 6.", newest, 14, ahead=True)
    assert recency.looks_ahead("Which state will hold a primary next week?")
    told = _passage("There was a Republican primary on Feb. 6, where Haley lost.", "")
    constraints.apply("Which state held a Republican primary this week?", [told], newest=newest)
    assert told.evidence[0].score < 0
