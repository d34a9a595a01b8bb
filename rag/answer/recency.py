"""Questions phrased for the week they are asked ("this week", "last week", "recently"): pure functions.

Such a question is about the latest news on its topic. There is no calendar date to check, but there is
an anchor: the newest dated passage retrieved for it. An article dated long before that anchor reports
an earlier event of the same kind (an earlier recall, an earlier prime minister, another year's awards),
not the one asked about, so its sentences do not answer. Undated passages neither meet nor contradict.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from rag.retrieve.dates import is_year, month_number
from rag.retrieve.lexical import PAST_FORMS, stem
from rag.store.schema import date_number
from rag.types import Passage

# (pattern, days an answering article may be older than the newest retrieved one)
_WINDOWS = [
    (re.compile(r"\b(?:this|last|past|previous|next) week(?:end)?(?:['’]s)?\b|\bthis weekend\b|\bthese days\b|"
                r"\blast (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|night)\b|\byesterday\b",
                re.I), 14),
    # "… will return next month" was said lately: a plan reported months before is another plan
    (re.compile(r"\b(?:recently|(?:this|last|next) month|in recent (?:days|weeks)|the latest)\b|\brecent\b", re.I),
     60),
]


# A sentence placing its event a month or more ahead ("… will lose Nevada's primary next month") does not
# report what happened this week, unless the question itself looks ahead ("What will … next month?").
_LATER = re.compile(r"\bnext (?:month|year|spring|summer|fall|autumn|winter|season)\b|\blater this year\b|"
                    r"\b(?:months|years) from now\b", re.I)
_LOOKS_AHEAD = re.compile(r"\b(?:will|next|upcoming|going to|plans?|planned|scheduled|expected|later)\b", re.I)


# What is yet to happen: "will lose", "is set to vote", "will be held" (the verb after the marker is its own)
_FUTURE = re.compile(r"\b(?:will|won['’]t|shall|(?:is|are) (?:going|set|expected|scheduled|due|poised|slated) to)\s+"
                     r"(?:not\s+)?(?:likely\s+)?(?:be\s+|have\s+)?[a-z]+", re.I)
_NOT_PAST = frozenset("need speed indeed hundred seed breed feed bed red shed united bleed proceed exceed".split())
# past forms beside lexical.PAST_FORMS: those spelt as the present, and common ones it does not map
_PAST_WORDS = frozenset("""beat hit cut put set let quit cast shut spread read bid hurt cost did was were had held made
took gave got went came became said told found kept knew heard stood felt thought sat meant""".split())


def _past_verbs(text: str) -> list[str]:
    return [w for w in re.findall(r"\b[a-z]+\b", text) if w in PAST_FORMS or w in _PAST_WORDS
            or (len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST)]


def asks_about_now(question: str) -> bool:
    """Whether `question` asks what happened this fortnight ("this week", "yesterday"), not what is to come."""
    relative = window(question)
    return relative is not None and relative[1] <= 14 and not _LOOKS_AHEAD.search(question)


# A question about the present state of things, with no year: "Who did Macron appoint as the next prime minister?",
# "Which official is facing impeachment?", "How much will an ad cost?". It asks about the corpus's present, and an
# article from two calendar years or more before the newest one reports an earlier state (an earlier appointment,
# an earlier year's prices). The year before the newest counts as its own (a two-year archive answers itself).
# (lower case: "New Hampshire", "Will Smith" are names)
_CURRENT = re.compile(r"\b(?:now|currently|current|next|new|newly|upcoming|will|won['’]t)\b|"
                      r"\b(?:[Ii]s|[Aa]re|am)\s+(?:now\s+|currently\s+|still\s+)?(being|[a-z]{3,}ing)\b")
_NOT_A_PARTICIPLE = frozenset("""something nothing anything everything thing king spring string morning evening
ceiling wedding building meeting during bring sibling""".split())


def asks_about_current(question: str) -> bool:
    """Whether `question` asks about how things are now, or are to be (see _CURRENT)."""
    return any(not m.group(1) or m.group(1).lower() not in _NOT_A_PARTICIPLE for m in _CURRENT.finditer(question))


def stale(article_date: str, newest: str) -> bool:
    """Whether an article dated `article_date` is two calendar years or more older than `newest` (undated: not)."""
    return article_date[:4].isdigit() and newest[:4].isdigit() and int(article_date[:4]) < int(newest[:4]) - 1


def speaks_of_later(sentence: str, question: str = "") -> bool:
    """Whether `sentence` only foretells: it places its event a month or more ahead ("… next month"), or, for a
    `question` in the past tense ("Which state held …?"), in the future ("Nevada will hold …"); and it says
    nothing that happened ("Humphries, who will defend his title next season, beat Littler" did happen)."""
    later = bool(_LATER.search(sentence)) or bool(question and _past_verbs(question) and _FUTURE.search(sentence))
    return later and not _past_verbs(_FUTURE.sub(" ", sentence))


# A time the story has already set, told again: "… finished 12-0 that season", "as he said at the time". The
# sentence reports an earlier period than the one it is published in, however new its article.
_TOLD_THEN = re.compile(r"\b(?:that|those) (?:season|year|decade|era|campaign)s?\b|\bback then\b|"
                        r"\bin those days\b|\bat (?:that|the) time\b(?! of)", re.I)


def told_of_then(sentence: str) -> bool:
    """Whether `sentence` places its event in an earlier time the story names elsewhere (`_TOLD_THEN`)."""
    return bool(_TOLD_THEN.search(sentence))


def looks_ahead(question: str) -> bool:
    """Whether `question` asks what is to come ("Which state will hold …?", "… next week?")."""
    return bool(_LOOKS_AHEAD.search(question))


# "Feb. 6", "Tuesday, January 3rd", "Sept. 12, 2023": a capitalised month (whole or abbreviated) and a day
_MONTH_DAY = re.compile(r"(?:\b[A-Z][a-z]+day,?\s+)?\b(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|"
                        r"June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+(\d{1,2})(?:st|nd|rd|th)?"
                        r"\b(?!:)(?:,?\s+((?:19|20)\d\d)\b)?")


# a sentence that also tells of a day near its article's ("sued on Wednesday over her Dec. 13 concert")
_NEAR_DAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:today|tonight|yesterday)\b|"
                       r"\bthis (?:week|morning|afternoon|evening)\b", re.I)


def dated_elsewhen(sentence: str, newest: str, days: int, ahead: bool = False) -> bool:
    """Whether every day `sentence` names ("on Feb. 6") lies outside the `days` before `newest`: it tells of
    another week than the one asked about, whatever its article's date (pages are updated after it, and an
    undated article has none). A day after `newest` is yet to come, which answers only a question that
    `looks_ahead`. A day without a year is read in the year that puts it nearest `newest`. A sentence also
    naming a weekday or "today" apart from its dates is not judged."""
    n = _day(newest or "")
    if n is None or _NEAR_DAY.search(_MONTH_DAY.sub(" ", sentence)):
        return False
    first, latest = n - timedelta(days=days), n + timedelta(days=days if ahead else 1)
    named = []
    for m in _MONTH_DAY.finditer(sentence):
        month, day = month_number(m.group(1)), int(m.group(2))
        readings = []
        for year in ([int(m.group(3))] if m.group(3) else [n.year - 1, n.year, n.year + 1]):
            try:
                readings.append(date(year, month, day))
            except ValueError:
                continue
        if readings:
            named.append(min(readings, key=lambda d: abs((d - n).days)))
    return bool(named) and not any(first <= d <= latest for d in named)


def window(question: str) -> tuple[str, int] | None:
    """The relative date `question` names and how many days before the anchor it admits, or None."""
    for pattern, days in _WINDOWS:
        m = pattern.search(question)
        if m:
            return m.group(0), days
    return None


def _day(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None


def anchor(passages: Sequence[Passage]) -> str:
    """The newest date among `passages` (ISO), "" when none is dated."""
    return max((p.date[:10] for p in passages if _day(p.date or "")), default="")


def in_window(passage_date: str, newest: str, days: int) -> bool:
    """Whether an article dated `passage_date` can report what happened up to `days` before `newest`."""
    d, n = _day(passage_date or ""), _day(newest or "")
    return d is None or n is None or (n - d).days <= days


def of_the_past(years: Sequence[int], newest: str) -> bool:
    """Whether a sentence naming `years` (all of them before the anchor's previous year) reports the past:
    "won six championships, in 1946, 1963 and 2003" does not say who won this week."""
    n = _day(newest or "")
    return bool(years) and n is not None and max(years) < n.year - 1


def date_range(question: str, newest: str) -> tuple[int, int] | None:
    """The publication dates (YYYYMMDD numbers, inclusive) of the articles that can answer `question` when it
    names a relative date, read against `newest`; None otherwise. Retrieval fetches candidates from then,
    since every older passage would fail the question's "recent" constraint anyway."""
    relative, n = window(question), _day(newest or "")
    if relative is None or n is None:
        return None
    return date_number((n - timedelta(days=relative[1])).isoformat()), date_number(n.isoformat())


def present_range(question: str, newest: str, oldest: str) -> tuple[int, int] | None:
    """The publication dates (YYYYMMDD numbers) of the articles that can answer a question about the present
    (`asks_about_current`): from the year before `newest`'s to `newest`. None when the question asks for no
    present, or when no indexed article (the oldest dated `oldest`) is older than that anyway."""
    if not asks_about_current(question) or window(question) is not None or not stale(oldest, newest):
        return None
    return date_number(f"{int(newest[:4]) - 1}-01-01"), date_number(newest)


_TOKEN = re.compile(r"[A-Za-z]+|\d+")


def other_edition(sentence: str, article_date: str, name_words: Sequence[frozenset[str]]) -> bool:
    """Whether `sentence` pins one of the question's names to a year well before its article's ("Cruz won
    the Republican 2016 Iowa caucuses" in a 2024 article, "Trump lost Iowa in 2016"): a question that gives
    no year asks about the edition its articles report, and that sentence tells an earlier one. The year
    before the article's counts as its own (a season, last year's awards reported in January), and a
    sentence naming its article's year may be about either. `name_words`: each name's stemmed words."""
    if not article_date[:4].isdigit():
        return False
    own = int(article_date[:4])
    tokens = [stem(t.lower()) for t in _TOKEN.findall(sentence)]
    years = [(i, int(t)) for i, t in enumerate(tokens) if is_year(t)]
    if any(y >= own - 1 for _, y in years):
        return False
    named = {i for i, t in enumerate(tokens) if any(t in words for words in name_words)}
    for i, _ in years:
        before = i + 1 in named or (i + 2 in named and not tokens[i + 1].isdigit())  # "2016 (Republican) Iowa"
        after = i - 1 in named or (tokens[i - 1:i] in (["in"], ["of"])  # "Iowa 2016", "Iowa (caucuses) in 2016"
                                   and bool({i - 2, i - 3} & named) and not tokens[i - 2].isdigit())
        if before or after:
            return True
    return False
