"""Answerability from the question's constraints: pure functions.

A question carries constraints the answer must meet: a year or month ("in 2018", "in March"), names
(people, organisations, places: "Wimbledon", "in Japan"), quantities ("more than 112,000 vehicles"), and
qualifiers ("women's", "Q3", "third quarter"). It also asks for a kind of thing: who -> a name, when ->
a date, how many -> a number, where -> a place. A sentence answers only when it, read with its passage's
title and date, meets every constraint and holds something of the asked-for kind; a same-topic sentence
about another year, team or quarter is the commonest near miss in news and must not be read as the answer.

Where each constraint is checked (the strictness is per kind, because news refers back):
- years, months, quarters, gender qualifiers: the sentence, its passage's title and its date; a sentence
  naming another quarter or the other gender (and not the asked one) contradicts the question; an
  undated passage whose sentence and title name no year neither meets nor contradicts a year: it passes;
- names, quantities and ordinals: the passage (a chunk of one article) and its title, since the sentence
  itself often says "she" or "the company";
Relative dates ("last year") are not checked against a calendar; "this week", "last Friday" and "recently"
are read against the corpus's newest article, up to the day the question is asked as of (the `until`
filter), or the newest retrieved passage's date when that is later (rag/answer/recency.py); so is a question
about the present with no year ("the new …", "will …", "is facing …"), which an article two calendar years
older than that does not answer.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import cast

from rag.answer import asked, quantities, recency, wellformed
from rag.answer.focus import Name, initialisms, question_names, vocabulary
from rag.retrieve.dates import CALENDAR_WORDS, MONTH_NAMES
from rag.retrieve.evidence import answer_type, has_answer_type, list_intro, question_words, score_opponents
from rag.types import Passage, ScoredSentence

UNMET_PENALTY = 1.5  # subtracted from a sentence's evidence score: below every threshold, out of every prompt
# Added to a sentence holding every name of a question that asks only for a slot of them ("What position does
# Ada Lind hold?"): such a question's vector is mostly the name, and a sentence naming her among other things
# looks distant to the sentence model even when it gives the position.
NAMED_BONUS = 0.1
# Added to a sentence meeting every constraint that restates every word the question asks (at least two): the
# question's own wording around a date or "who says" pulls its vector away from the sentence it was made from.
RESTATED_BONUS = 0.1

_YEAR = re.compile(r"(?<![\d.,$-])((?:19|20)\d\d)(?!\d|,\d)")  # "In 2024, …" is a year; "2,024" is not
_MONTH = re.compile(r"\b(" + "|".join(m.capitalize() for m in MONTH_NAMES) + r")\b")
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_QUARTER = re.compile(r"\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter)\b", re.I)
_GENDER = {"women": re.compile(r"\b(?:women['’]s|womens|women|woman|female|ladies|girls?)(?!\w)", re.I),
           "men": re.compile(r"\b(?:men['’]s|mens|men|man|male|boys?)(?!\w)", re.I)}
_ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
                      r"\d+(?:st|nd|rd|th))\b(?!\s+(?:week|month|year|day|time)s?\b)", re.I)
_LAST_YEAR = re.compile(r"\b(?:last|previous|past) year\b|\ba year (?:ago|earlier|before)\b", re.I)


@dataclass(frozen=True)
class Constraint:
    kind: str  # "year" | "month" | "quarter" | "gender" | "ordinal" | "name" | "quantity" | "asked" | "recent" |
    #            "counted" (what "how many" counts, numbered in the sentence: quantities.counts, with a third of
    #            what is asked of it) | "speech" (with half of what is said) |
    #            "edition" (no earlier year pinned to a name: recency.other_edition) |
    #            "now" (not a later event: recency.asks_about_now) | "current" (an article of the present:
    #            recency.asks_about_current, not recency.stale) | "between" (two parties, both in the sentence)
    #            (and, from `unmet` only: "type", the asked kind of thing missing; "statement", a sentence
    #            stating nothing: rag/answer/wellformed.py)
    label: str  # as the question says it
    value: object = None  # year / month number / quarter / gender key / Name / (low, high)

    def __repr__(self) -> str:
        return f"{self.kind}:{self.label}"


@dataclass
class Constraints:
    items: list[Constraint] = field(default_factory=list)
    answer_type: str = ""  # rag/retrieve/evidence.answer_type: "name", "date", "number", … or "" (anything)
    asked_words: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.items or self.answer_type)


def parse(question: str) -> Constraints:
    """The constraints of `question` and the kind of answer it asks for."""
    items: list[Constraint] = []
    years = set()
    for m in _YEAR.finditer(question):
        if m.group(1) not in years:
            years.add(m.group(1))
            items.append(Constraint("year", m.group(1), m.group(1)))
    for m in _MONTH.finditer(question):
        if m.group(1) == "May" and not re.search(r"\bMay\s+\d|\bin\s+May\b", question):
            continue  # the modal verb
        items.append(Constraint("month", m.group(1), MONTH_NAMES.index(m.group(1).lower()) + 1))
    for m in _QUARTER.finditer(question):
        q = int(m.group(1)) if m.group(1) else _QUARTER_WORDS[m.group(2).lower()]
        items.append(Constraint("quarter", m.group(0), q))
    quarter_spans = [m.span() for m in _QUARTER.finditer(question)]
    for key, pattern in _GENDER.items():
        said = pattern.search(question)
        if said:
            items.append(Constraint("gender", said.group(0), key))
    for m in _ORDINAL.finditer(question):
        if not any(a <= m.start() < b for a, b in quarter_spans):
            items.append(Constraint("ordinal", m.group(1), m.group(1).lower()))
    items += [Constraint("quantity", label, admitted) for label, admitted in quantities.asked(question)]
    terms = asked.asked_terms(question)
    if asked.asks_who_said(question):
        items.append(Constraint("speech", "who said it", terms))
    counted = quantities.counted(question)
    if counted:
        items.append(Constraint("counted", " ".join(counted), (counted, terms)))
    for name in question_names(question):
        if all(w in years or w in CALENDAR_WORDS for w in name.words):
            continue  # a year (above) or a weekday / month: "last Friday" is a relative date
        items.append(Constraint("name", " ".join(sorted(name.words)), name))
    named = [c.value for c in items if c.kind == "name"]
    if named and not years:  # a recurring event asked without a year: the edition its articles report
        items.append(Constraint("edition", "the current edition", tuple(named)))
    sides = _between(question)
    if sides:
        label = " / ".join(" ".join(sorted(n.words)) for side in sides for n in side)
        items.append(Constraint("between", label, sides))
    # A year the question names anchors it: "In 2001, how many braved the cold for Harrison, who died last week?"
    # asks about that year's week, not the corpus's latest (the year constraint checks it).
    relative = None if years else recency.window(question)
    if relative:
        items.append(Constraint("recent", relative[0], (relative[1], "", recency.looks_ahead(question))))
    if not years and not relative and recency.asks_about_current(question):
        items.append(Constraint("current", "the present", ""))
    if not years and recency.asks_about_now(question):
        items.append(Constraint("now", relative[0] if relative else "", question))
    names = [c.value for c in items if c.kind == "name"]
    if terms:
        items.append(Constraint("asked", " ".join(sorted(terms)), terms))
    elif names:  # the question is all names and slots ("Who was named Director of the Year at the Awards?")
        items.append(Constraint("asked", "+".join(c.label for c in items if c.kind == "name"), tuple(names)))
    words = question_words(question)
    return Constraints(items, answer_type(question), words)


_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?(.+?)\s+and\s+(?:the\s+)?(.+?)(?=\s+(?:in|on|at|over|during|after|"
                      r"before|this|last|since|for|to)\b|[?,.;]|$)")


def _between(question: str) -> tuple[tuple[Name, ...], tuple[Name, ...]] | None:
    """The two named parties of "the game between the Otters and the Herons": a result between them is
    stated with both, so a sentence naming one of them (against a third) does not answer."""
    m = _BETWEEN.search(question)
    if not m:
        return None
    sides = tuple(tuple(question_names(f"of {part}")) for part in (m.group(1), m.group(2)))
    return (sides[0], sides[1]) if all(sides) else None


def _context_years(sentence: str, text: str) -> set[str]:
    """The years the sentence before `sentence` in `text` names."""
    at = text.find(sentence)
    before = re.split(r"(?<=[.!?])\s+", text[:at].rstrip()) if at > 0 else []
    return set(_YEAR.findall(before[-1])) if before else set()


def _reported_year(sentence: str, passage: Passage) -> list[str]:
    """The years a sentence naming none reports: its article's, and the one before when it says "last year"
    ("76 entrants are in this year's race, … last year's winner" speaks of both), or only that one when it
    opens with it."""
    if not passage.date[:4].isdigit():
        return []
    year = int(passage.date[:4])
    last = _LAST_YEAR.search(sentence)
    if last and _opens_with(last, sentence):
        return [str(year - 1)]  # "Last year, Kwan and Scheinert won both awards": about that year alone
    return [str(year)] + ([str(year - 1)] if last else [])


def _opens_with(m: re.Match, sentence: str) -> bool:
    return not sentence[:m.start()].strip(" \"'“‘(-")


def _of_last_year(sentence: str) -> bool:
    """ "Last year, NASA introduced the crew …": a sentence about the year before its article's."""
    last = _LAST_YEAR.search(sentence)
    return bool(last and _opens_with(last, sentence))


def _quarters(text: str) -> set[int]:
    return {int(m.group(1)) if m.group(1) else _QUARTER_WORDS[m.group(2).lower()] for m in _QUARTER.finditer(text)}


def met(c: Constraint, sentence: str, passage: Passage, weight: asked.Weight | None = None) -> bool:
    """Whether `sentence` of `passage` (with its title and date) meets constraint `c`; `weight`: how
    rare a word is in the corpus (what is asked is judged by its rare words)."""
    local = f"{passage.title}\n{sentence}"
    wide = f"{passage.title}\n{passage.text}"
    if c.kind == "year":
        said = set(_YEAR.findall(sentence))
        if said and str(c.value) not in said:
            return False  # "won a dunk contest in 2018", whatever year the title names, is not 2023's
        if re.search(rf"(?<!\d){c.value}(?!\d)", local):
            return True
        if not said and _context_years(sentence, passage.text) == {str(c.value)}:
            return True  # a sentence naming no year goes on from the one before ("… in 2023. KP saw most of it.")
        if passage.date[:4].isdigit():
            return str(c.value) in _reported_year(sentence, passage)
        # an undated passage whose sentence and title name no year cannot contradict the question
        return not passage.date and not _YEAR.search(local)
    if c.kind == "month":
        name = MONTH_NAMES[int(c.value) - 1]  # type: ignore[call-overload]
        if re.search(rf"\b{name[:3]}(?:{name[3:]}|\.)?\b", local, re.I):
            return True
        return len(passage.date) >= 7 and passage.date[5:7] == f"{int(c.value):02d}"  # type: ignore[call-overload]
    if c.kind == "quarter":
        said = _quarters(local)
        return c.value in said or (not said and c.value in _quarters(wide))
    if c.kind == "gender":
        other = "men" if c.value == "women" else "women"
        if _GENDER[other].search(local) and not _GENDER[str(c.value)].search(local):
            return False
        return bool(_GENDER[str(c.value)].search(wide))
    if c.kind == "ordinal":
        return bool(re.search(rf"\b{re.escape(str(c.value))}\b", wide, re.I))
    if c.kind == "quantity":
        return quantities.stated(c.label, cast(tuple[float, float], c.value), wide)
    if c.kind == "speech":  # "Who says …?": the sentence reports someone's words, and most of what they said
        return asked.reports_speech(sentence) and asked.addressed(
            cast(frozenset[str], c.value), sentence, weight, asked.SAID_SHARE)
    if c.kind == "counted":  # a number of the thing "how many" asks about, in the sentence itself
        counted, terms = cast(tuple[tuple[str, ...], frozenset[str]], c.value)
        return quantities.counts(sentence, counted) and asked.addressed(terms, sentence, weight, asked.COUNTED_SHARE)
    if c.kind == "recent":  # value: (days, the anchor date set by `apply`, whether the question looks ahead)
        days, newest, ahead = cast(tuple[int, str, bool], c.value)
        return recency.in_window(passage.date, newest, days) and not recency.of_the_past(
            [int(y) for y in _YEAR.findall(sentence)], newest) and not (
            _of_last_year(sentence) or recency.told_of_then(sentence)
            or recency.dated_elsewhen(sentence, newest, days, ahead))
    if c.kind == "current":  # value: the anchor date, set by `apply`
        return not recency.stale(passage.date, str(c.value))
    if c.kind == "edition":  # value: the question's names
        editions = cast(tuple[Name, ...], c.value)
        return not recency.other_edition(sentence, passage.date, [frozenset(n.words) for n in editions])
    if c.kind == "now":  # value: the question
        return not recency.speaks_of_later(sentence, str(c.value))
    if c.kind == "asked" and isinstance(c.value, tuple):  # every name in the sentence (or its title)
        return all(n.found_in(vocabulary(local)) for n in c.value)
    if c.kind == "asked":  # a list's item is read with the sentence introducing the list
        intro = list_intro(sentence, passage.text)
        return asked.addressed(cast(frozenset[str], c.value), f"{intro}\n{sentence}" if intro else sentence, weight)
    if c.kind == "between":  # both sides named, and no score made against a third ("an 88-85 loss to Rider")
        sides = cast(tuple[tuple[Name, ...], ...], c.value)
        return all(_names_side(side, vocabulary(local)) for side in sides) and all(
            any(_names_side(side, vocabulary(team)) for side in sides) for team in score_opponents(sentence))
    if c.kind == "name":
        assert isinstance(c.value, Name)
        return c.value.found_in(vocabulary(wide), weight) or c.value.spelled_out_in(initialisms(wide))
    return True


def _names_side(side: tuple[Name, ...], vocab: frozenset[str]) -> bool:
    """A team is named by any word of its name: "Princeton" for "Princeton Tigers"."""
    return any(n.found_in(vocab) or any(len(w) > 3 and w in vocab for w in n.words) for n in side)


JOINED_NAMES = 3  # a question naming this many things often joins articles: a name may come from another


def unmet(cons: Constraints, sentence: str, passage: Passage, others: Sequence[Passage] = (),
          weight: asked.Weight | None = None) -> list[Constraint]:
    """The constraints `sentence` misses; `Constraint("type", …)` when it holds nothing of the asked kind.
    `others`: the other retrieved passages, where a question joining JOINED_NAMES names, or parties asked about
    each (`_party_unanswered`), may find one."""
    joined = sum(1 for c in cons.items if c.kind == "name") >= JOINED_NAMES
    years = {str(c.value) for c in cons.items if c.kind == "year"}
    missing = [c for c in cons.items if not met(c, sentence, passage, weight)
               and not (c.kind == "name" and (joined or cast(Name, c.value).party)
                        and any(met(c, "", o) for o in others if o is not passage))
               and not (c.kind == "year" and _reports_in(str(c.value), years, sentence, passage))]
    if cons.answer_type and not has_answer_type(cons.answer_type, sentence, cons.asked_words, passage.text):
        missing.append(Constraint("type", cons.answer_type))
    if wellformed.states_nothing(sentence):
        missing.append(Constraint("statement", "no statement"))
    return missing


def _reports_in(year: str, years: set[str], sentence: str, passage: Passage) -> bool:
    """A question naming two years ("In 2001, how many died of drugs in the year 2000?") is met by a sentence
    naming the other one in an article dated the first: the report of that year about the other."""
    said = set(_YEAR.findall(sentence))
    return len(years) > 1 and bool(said) and said <= years - {year} and passage.date[:4] == year


_SECOND_PART = re.compile(r",?\s+(?:and|but)\s+(?=(?:what|which|who|whom|when|where|why|how)\b)", re.I)
_LIST = re.compile(r"\b(?:list|name (?:the|all|every))\b|^\s*who\b.*\b(?:and|or)\s+who\b", re.I)
_AUX = frozenset("is are was were has have had does do did will would can could should may might".split())


def question_parts(question: str) -> list[str]:
    """A two-part question ("Which provinces …, and what share …?") as its parts; else the question."""
    parts = [p.strip(" ,?") for p in _SECOND_PART.split(question) if p.strip(" ,?")]
    return parts if len(parts) > 1 else [question]


def asks_for_list(question: str) -> bool:
    """ "Which groups …", "What kinds …", "Name the …": the answer gathers every item the evidence names."""
    if _LIST.search(question):
        return True
    words = question.split()
    if not words or words[0].lower() not in ("which", "what"):
        return False
    nouns = words[1:3]  # the asked-for noun follows the question word: "which (regional) countries"
    if len(words) > 3 and words[1].lower() in ("are", "were") and words[2].lower() == "the":
        nouns = words[3:6]  # or the copula and the article: "What are the (two main) tasks …"
    for w in nouns:
        w = w.strip("?,.")
        if w.lower() in _AUX or not w.islower():
            return False
        if len(w) >= 4 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            return True
    return False


@dataclass
class NearMiss:
    """The best sentence that misses only some constraints: what the articles cover instead."""

    passage: int  # index into the passages
    sentence: ScoredSentence
    score: float  # its evidence score before the penalty
    missing: list[Constraint]


# Kinds where a sentence about another value (year, quarter, gender) is a real answer to a nearby
# question, worth telling the reader about; a missing name or answer kind is just not an answer.
COVERABLE = frozenset({"year", "month", "quarter", "gender", "edition", "current"})


def _anchored(cons: Constraints, passages: list[Passage], newest: str = "") -> Constraints:
    """`cons` with its relative week read against `newest` (the corpus's newest date), else the newest of
    `passages` (rag/answer/recency.py)."""
    newest = max(newest, recency.anchor(passages))
    cons.items = [_recent_at(c, newest) if c.kind == "recent" else
                  replace(c, value=newest) if c.kind == "current" else c for c in cons.items]
    return cons


def _recent_at(c: Constraint, newest: str) -> Constraint:
    days, _, ahead = cast(tuple[int, str, bool], c.value)
    return replace(c, value=(days, newest, ahead))


def apply(question: str, passages: list[Passage], weight: asked.Weight | None = None,
          newest: str = "") -> NearMiss | None:
    """Push every evidence sentence that misses a constraint below any threshold (re-sorting each
    passage's evidence) and return the best near miss: the best such sentence whose misses are all of
    the COVERABLE kinds, or None. `newest`: the corpus's newest article date, what "this week" means."""
    cons = _anchored(parse(question), passages, newest)
    if not cons:
        return None
    near: NearMiss | None = None
    # (a typed question, "On what date was the X held?", has the answer-kind bonus instead: evidence.py)
    names_only = not cons.answer_type and any(c.kind == "asked" and isinstance(c.value, tuple) for c in cons.items)
    asked_terms = next((cast(frozenset[str], c.value) for c in cons.items
                        if c.kind == "asked" and not isinstance(c.value, tuple)), None)
    for i, p in enumerate(passages):
        for s in p.evidence:
            missing = unmet(cons, s.text, p, passages, weight)
            if not missing:
                if names_only:
                    s.score = round(s.score + NAMED_BONUS, 4)
                elif asked_terms is not None and asked.holds_every(asked_terms, s.text):
                    s.score = round(s.score + RESTATED_BONUS, 4)
                continue
            if all(c.kind in COVERABLE for c in missing) and (near is None or s.score > near.score):
                near = NearMiss(i, s, s.score, missing)
            s.score = round(s.score - UNMET_PENALTY, 4)
        p.evidence.sort(key=lambda x: x.score, reverse=True)
    if _party_unanswered(cons, passages):
        for p in passages:
            p.evidence = [replace(s, score=round(s.score - UNMET_PENALTY, 4)) for s in p.evidence]
        return None
    return near


def _party_unanswered(cons: Constraints, passages: list[Passage]) -> bool:
    """ "What have the US and China each given …?" asks for each party's answer: True when some party is named by
    no sentence (or its article's title) meeting every constraint; half an answer is not the answer."""
    each = [n for c in cons.items if c.kind == "name" and isinstance(n := c.value, Name) and n.party]
    answering = [(s.text, p.title) for p in passages for s in p.evidence if s.score >= 0]
    return len(each) > 1 and not all(any(n.named_by(*a) for a in answering) for n in each)


# Misses that make a sentence no answer but leave it true context: a model may read it beside the answer
# (the sentence naming the programme may not repeat the question's words); the refusal is already decided.
CONTEXT = frozenset({"asked", "between", "counted", "speech"})


# Of those, the one a model may bridge in its own words ("money" asked, "investment" said): a draft may rest on it.
ANSWERING_CONTEXT = frozenset({"asked"})


def as_context(question: str, passages: list[Passage], weight: asked.Weight | None = None,
               newest: str = "", kinds: frozenset[str] = CONTEXT) -> list[Passage]:
    """Copies of `passages` (after `apply`) in which the sentences missing only `kinds` of constraint have
    their score back, for a generator's prompt (CONTEXT) and the sentences its draft may rest on
    (ANSWERING_CONTEXT); `passages` stay as they are."""
    cons = _anchored(parse(question), passages, newest)
    out = []
    for p in passages:
        evidence = []
        for s in p.evidence:
            if s.score < 0 and {c.kind for c in unmet(cons, s.text, p, passages, weight)} <= kinds:
                s = replace(s, score=round(s.score + UNMET_PENALTY, 4))
            evidence.append(s)
        out.append(replace(p, evidence=sorted(evidence, key=lambda x: x.score, reverse=True)))
    return out


def covered(near: NearMiss, passage: Passage) -> str:
    """What the near miss's sentence is about instead, for each missed constraint ("2022", "men's")."""
    local = f"{passage.title}\n{near.sentence.text}"
    out: list[str] = []
    for c in near.missing:
        if c.kind in ("year", "edition", "current"):
            found = list(dict.fromkeys(_YEAR.findall(local))) or _reported_year(near.sentence.text, passage)
            out.extend(y for y in found if y and y not in out)
        elif c.kind == "quarter":
            out.extend(f"Q{q}" for q in sorted(_quarters(local)) if f"Q{q}" not in out)
        elif c.kind == "gender":
            out.append("men's" if c.value == "women" else "women's")
        elif c.kind == "month" and len(passage.date) >= 7:
            out.append(MONTH_NAMES[int(passage.date[5:7]) - 1].capitalize())
    return ", ".join(out)
