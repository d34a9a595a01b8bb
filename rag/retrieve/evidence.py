"""Sentence-level evidence: score every sentence of the candidate passages against the question.

This one measurement drives three decisions: the passages are re-ranked by their best sentences,
the chain refuses when no sentence is good evidence, and the extractive answer quotes the best ones.
Sentence vectors come from the store (computed at index time); sentences without one (all of them in an index
built with chunk_vectors = "chunks") are embedded here, by the retriever's per-process cache.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from rag.embed.base import Embedder
from rag.ingest.sentences import Sentence, split_sentences
from rag.retrieve.dates import CALENDAR_WORDS, MONTH_NAMES
from rag.retrieve.instructions import asks_for_link, evidence_candidates
from rag.retrieve.lexical import STOPWORDS, content_terms, coverage, same_place, same_word
from rag.retrieve.places import asks_for_place, names_a_place
from rag.retrieve.references import reference_entries
from rag.types import Passage, ScoredSentence

SEMANTIC_WEIGHT = 0.65  # the rest is term coverage
ANSWER_TYPE_BONUS = 0.08  # the sentence holds the kind of thing asked for (a name, a number, a date)
MIN_SENTENCE_CHARS = 12


def evidence_sentences(text: str, offset: int = 0) -> list[Sentence]:
    sents = split_sentences(text, offset)
    return [s for s in sents if len(s.text) >= MIN_SENTENCE_CHARS] or sents


@lru_cache(maxsize=2048)
def passage_sentences(text: str, offset: int) -> tuple[Sentence, ...]:
    """A passage's evidence sentences, cached: candidates recur across questions (texts of chunk size)."""
    return tuple(evidence_sentences(text, offset))


@lru_cache(maxsize=2048)
def _reference_entries(text: str, offset: int) -> frozenset[Sentence]:
    """The passage's sentences that belong to a paper's reference list (rag/retrieve/references.py)."""
    sentences = passage_sentences(text, offset)
    return frozenset(sentences[i] for i in reference_entries([s.text for s in sentences]))


_NUMBER = re.compile(r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|"
                     r"thousand|million|billion|dozens?|several)\b", re.I)
_YEAR_OR_DATE = re.compile(r"\b(?:1[89]|20)\d\d\b|\b(?:january|february|march|april|june|july|august|"
                           r"september|october|november|december|monday|tuesday|wednesday|thursday|"
                           r"friday|saturday|sunday|yesterday|today|tomorrow)\b|"
                           r"\b(?:days?|weeks?|months?|years?|hours?)\s+(?:before|after|prior|earlier|later|ago)\b|"
                           r"\b(?:last|next|this|earlier this|later this)\s+"
                           r"(?:week|month|year|spring|summer|autumn|fall|winter)\b|"
                           r"\b(?:(?:in|of|since|until|by|from|early|late|mid)[\s-]+may|may\s+\d{1,2})\b|"  # not "may"
                           r"\b\d{1,2}(?::\d\d)?\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)|\b(?:noon|midnight)\b",  # a time of day
                           re.I)
_SCORE = re.compile(r"(?<![\d-])\d{1,3}\s?[-–]\s?\d{1,3}(?![\d-])|\b\d{1,3} to \d{1,3}\b")
_TEAM = r"(?:the\s+)?((?:[A-Z][\w'’.&-]*\s+){0,3}[A-Z][\w'’.&-]*)"
# The opponent a score was made against: "an 88-85 overtime loss to the Rider Broncs", "beat Rider 88-85"
_SCORED_AGAINST = [re.compile(f"(?:{_SCORE.pattern})" + r"(?:\s+[\w-]+){0,2}?\s+"
                              r"(?:(?:loss|win|victory|defeat|rout|triumph)\s+)?(?:to|against|over|versus|vs\.?)\s+"
                              + _TEAM),
                   re.compile(r"\b(?:beat|beats|defeated|defeats|topped|edged|routed|downed|lost to|fell to|"
                              r"loses to)\s+" + _TEAM + f",?\\s+(?:{_SCORE.pattern})")]


def score_opponents(sentence: str) -> list[str]:
    """The teams a sentence's game scores were made against (the side named beside a score), as written."""
    return [m.group(1) for p in _SCORED_AGAINST for m in p.finditer(sentence)]


# What "what time", "which month" and "which year" ask for ("Monday" names no month, "Jan. 11" no time of day).
_DATE_PARTS = {
    "time": re.compile(r"\b\d{1,2}(?::\d\d)?\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)|\b\d{1,2}:\d\d\b|"
                       r"\b(?:noon|midnight|o['’]clock)\b", re.I),
    "month": re.compile(r"\b(?:January|February|March|April|June|July|August|September|October|November|December|"
                        r"May(?=\s+\d)|(?<=in )May)\b|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.|"
                        r"\b(?:last|next|this|earlier this|later this) month\b"),
    "year": re.compile(r"\b(?:1[89]|20)\d\d\b|\b(?:last|next|this|earlier this|later this) year\b", re.I),
}
# Capitalised, but a date or a time zone ("Jan. 10 at 9 p.m. ET"), not a name
_NOT_NAMES = frozenset(m[:3] for m in MONTH_NAMES) | {"sept", "et", "pt", "ct", "mt", "est", "edt", "pst", "pdt",
                                                       "cst", "cdt", "gmt", "utc", "bst", "cet"}
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:[A-Z][a-zA-Z]+|[A-Z]{2,}[a-z]?)(?:[-\s][A-Z][a-zA-Z]+)*")


# A price, fee or fine is an amount of money: "8 million Americans" holds a number, not a price.
_ASKS_MONEY = re.compile(r"\b(?:(?:what|which)(?: (?:is|was|are|were|will be))?(?: the)?(?: \w+)? (?:price|cost|fee|"
                         r"fine|salary|wage|fare|budget|bill)s?\b|how much (?:money\b|(?:\w+ ){0,6}?(?:cost|costs|"
                         r"pay|paid|pays|spend|spent|spends|charge|charged|charges|earn|earned|earns|raise|raised|"
                         r"worth)\b))")
_MONEY = re.compile(r"[$€£¥₹]\s?\d|\b\d[\d,.]*\s*(?:(?:thousand|million|billion|trillion|[mbk]n?)\s+)?"
                    r"(?:dollars?|euros?|pounds?|cents?|rupees?|yuan|yen|francs?|usd|eur|gbp)\b|\bfree of charge\b",
                    re.I)

# A share is a percentage or a fraction: "1990" or "137 countries" holds a number, not a share.
_ASKS_PERCENT = re.compile(r"\b(?:what|which)(?: (?:is|was|are|were))?(?: the)?(?: \w+)? (?:percentage|percent|share|"
                           r"proportion|fraction)\b(?! price)|\bhow many percent\b")
_PERCENT = re.compile(r"\d\s?%|\b(?:percent|per cent|percentage points?)\b|\b(?:\d+|one|two|three|four|five|six|seven|"
                      r"eight|nine|ten)\s+(?:in|out of)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten|every)\b|"
                      r"\b(?:half|halves|third|thirds|quarter|quarters|fifth|fifths|tenth|tenths|majority)\b", re.I)


# What may precede a question's interrogative word: "and", or a leading phrase set off by a comma ("In 2001, who …").
OPENING = r"^\s*(?:[^,?]{1,40},\s*)?(?:and\s+)?"


def answer_type(question: str) -> str:
    q = question.lower()
    if _ASKS_MONEY.search(q):
        return "money"
    if re.search(r"\b(?:what|which)(?: (?:is|was|were))?(?: the)?(?: final| half-?time)? score\b", q):
        return "score"
    if _ASKS_PERCENT.search(q):
        return "percent"
    # "Who says it is unclear when …" asks for a name, not a date, and "Who says Bush does not care how long it
    # takes?" not a number; "Who won, and how many votes …?" asks for both
    if re.match(OPENING + r"whom?\b", q) and not re.search(r"(?:,|\band)\s+how\s+(?:many|much|long|far|old)\b", q):
        return "name"
    if re.search(r"\b(how many|how much|(?:what|which)(?: (?:is|was|are|were|will be))?(?: the)?"
                 r"(?: final| new| total)? (?:number|percentage|share|amount|price|cost|fee|fine|rate|score|age|"
                 r"salary|total)|"
                 r"how (?:long|far|old))\b", q):
        return "number"
    if re.search(r"\bwhat time\b(?! of (?:the )?year)", q):
        return "time"
    part = re.search(r"\b(?:what|which) (month|year)\b", q)
    if part:
        return part.group(1)
    # "when" opening the question (perhaps after a premise) or closing it; inside, it joins a clause ("Which
    # team did he play for when he won the contest?", "How does it perform when detecting …?")
    if re.search(r"\b(what (?:date|day|time)|which (?:date|day))\b", q) or re.search(
            OPENING + r"when\b|[.!?]\s+when\b|\bwhen\s*\?$", q.strip()):
        return "date"
    if re.search(r"\b(?:which|what) (?:kinds?|types?|sorts?|ways?|forms?|areas?|aspects?|steps?|measures?) of\b", q):
        return ""  # asks for a description, not a name
    place = asks_for_place(question)
    if place:
        return place  # "state" or "country"
    if re.search(r"(?:^|[.!?]\s+)where\b", q.strip()):  # opening the question, perhaps after a premise
        return "place"
    if re.search(r"\b(who|whom|where|which|what (?:group|organi[sz]ation|country|countries|compan|name|person|"
                 r"people|city|cities|region|agency|agencies|party|parties))\b", q):
        return "name"
    return ""


# A list item's label ("- Training Programs: joint drills …", "Joint Exercises | …"): a heading, not a name.
_LABEL = re.compile(r"^[\s•·▪‣◦*-]*(?:[A-Z][\w'’-]*\s+){0,5}[A-Z][\w'’-]*\s*[:|]\s+")


def is_labelled(sentence: str) -> bool:
    """A list item or table row opening with its label ("- Job Creation: …", "Greater Coverage | …")."""
    return bool(_LABEL.match(sentence))


# A line that is an item of a list or a row of a table ("- Job Creation: …", "Greater Coverage | Expanded …")
_LIST_LINE = re.compile(r"^\s*(?:[•·▪‣◦*-]\s|\d+[.)]\s|[^|\n]{0,80}\|)")


@lru_cache(maxsize=16384)
def list_intro(sentence: str, text: str) -> str:
    """The sentence introducing the list or table whose item `sentence` (of passage `text`) is ("The
    following table outlines the benefits of intelligence sharing:"), which says what every item is; else ""."""
    at = text.find(sentence)
    if at < 0:
        return ""
    line_start = text.rfind("\n", 0, at) + 1
    if not _LIST_LINE.match(text[line_start:at + len(sentence)]):
        return ""
    for line in reversed(text[:line_start].split("\n")[:-1]):
        if line.strip() and not _LIST_LINE.match(line):
            last = re.split(r"(?<=[.!?])\s+", line.strip())[-1]
            return last if last.endswith(":") else ""
    return ""


@lru_cache(maxsize=16384)
def _sentence_kinds(sentence: str) -> tuple[bool, bool, tuple[tuple[str, ...], ...]]:
    """What a sentence holds: a number, a date, and the names it mentions (each as its words)."""
    sentence = _LABEL.sub("", sentence)
    words = sentence.split()
    capitalised = sum(1 for w in words if w[:1].isupper())
    headline = bool(words) and capitalised / len(words) > 0.6  # title case: not a sentence naming things
    found = (tuple(re.split(r"[-\s]+", m.group(0).lower())) for m in _NAME.finditer(sentence))
    names = () if headline else tuple(dict.fromkeys(
        n for n in found if not all(w in CALENDAR_WORDS or w in _NOT_NAMES for w in n)))
    return bool(_NUMBER.search(sentence)), bool(_YEAR_OR_DATE.search(sentence)), names


# Who/where answered by an institution rather than a proper name ("funded by the regional government").
_INSTITUTION = re.compile(r"\b(?:government|ministry|council|department|agency|authority|commission|committee|"
                          r"company|police|court|board|bank|university|army|parliament|administration|"
                          r"municipality|county|province|union|association)s?\b", re.I)  # not "a solid foundation"


def _asked_name(name: tuple[str, ...], asked: frozenset[str]) -> bool:
    """The question's own name: all its words are the question's, in some form ("Pakistan" for "Pakistani",
    "China" for "Chinese", "World Championship" for "world champion"), or its initials are ("BLA")."""
    initials = "".join(w[0] for w in name)  # "of" in the question is not Oren Falwick's initials
    return all(w in asked or any(same_word(w, a) or same_place(w, a, 5) for a in asked) for w in name) or (
        len(name) > 1 and initials in asked and initials not in STOPWORDS)


_FIRST_WORD = re.compile(r"^[\s\"'“‘(]*([A-Z][a-zA-Z]+)\b")


def _opening_name(sentence: str, context: str) -> tuple[str, ...] | None:
    """The sentence's first word when it is a name: capitalised where no sentence starts, in `context`
    (its passage), as "Tetris" in "… the 13-year-old Tetris winner"; a sentence-initial capital alone says
    nothing ("Officials said …")."""
    m = _FIRST_WORD.match(_LABEL.sub("", sentence))
    if not m or not context:
        return None
    word = m.group(1)
    if word.lower() in STOPWORDS:
        return None
    # after a lower-case word on the same line (a line break may start a sentence)
    return (word.lower(),) if re.search(rf"[a-z0-9,;][ \t]+{word}\b", context) else None


# "Where …?" is answered by a name in a phrase of place ("at Xinjiang's police facilities", "in Des Moines",
# "Gwadar, where the port is"): "the US has trained police in Pakistan" names the US as the trainer, not a place.
# ("to", "from", "on" and "over" are left out: "lost to the Ravens", "a call from Biden", "take on the Chiefs")
_LOCATIVE_BEFORE = re.compile(r"\b(?:[Ii]n|[Aa]t|[Nn]ear|[Ii]nside|[Oo]utside|[Aa]cross|[Tt]hroughout|[Ii]nto|"
                              r"[Tt]oward|[Tt]owards|[Aa]round|[Ww]ithin|[Oo]ff|[Aa]long)\s+"
                              r"(?:(?:the|a|an)\s+)?(?:[a-z][\w'’-]*\s+|(?:[a-z][\w'’-]*\s+){0,2}of\s+)?$")
_LOCATIVE_AFTER = re.compile(r"^(?:['’]s)?,?\s+where\b")


def _names_a_location(sentence: str, asked: frozenset[str]) -> bool:
    text = _LABEL.sub("", sentence)
    for m in _NAME.finditer(text):
        name = tuple(re.split(r"[-\s]+", m.group(0).lower()))
        if all(w in CALENDAR_WORDS or w in _NOT_NAMES for w in name) or _asked_name(name, asked):
            continue
        if _LOCATIVE_BEFORE.search(text, 0, m.start()) or _LOCATIVE_AFTER.match(text[m.end():]):
            return True
    return False


def has_answer_type(kind: str, sentence: str, asked: frozenset[str], context: str = "") -> bool:
    """`asked`: the question's words, lower-cased; a name the question itself uses is not an answer.
    `context`: the sentence's passage, where a sentence's opening word shows whether it is a name."""
    has_number, has_date, names = _sentence_kinds(sentence)
    if kind == "number":  # a number of the question's own ("How many 737 jets …") is no answer
        return has_number and any(m.group(0).lower().rstrip(".,") not in asked for m in _NUMBER.finditer(sentence))
    if kind == "money":
        return bool(_MONEY.search(sentence))
    if kind == "percent":
        return bool(_PERCENT.search(sentence))
    if kind == "date":
        return has_date
    if kind == "score":  # "84-82", "7 to 4": a number alone ("scored 28 points") is not a game's score
        return bool(_SCORE.search(sentence))
    if kind in _DATE_PARTS:  # a time of day, a month, a year: not any date
        return any(m.group(0).lower() not in asked for m in _DATE_PARTS[kind].finditer(sentence))
    if kind in ("state", "country"):
        return names_a_place(kind, sentence, asked)
    if kind == "place":
        return _names_a_location(sentence, asked)
    if kind == "name":
        opening = _opening_name(sentence, context)
        return any(not _asked_name(n, asked) for n in (*names, *([opening] if opening else []))) or any(
            m.group(0).lower() not in asked for m in _INSTITUTION.finditer(sentence))
    return False


def question_words(question: str) -> frozenset[str]:
    """The question's words and numbers, lower-cased: what an answer must hold besides them (a name the
    question says is not the answer, nor is the "737" of "How many 737 jets …")."""
    return frozenset(w.lower().rstrip(".,") for w in re.findall(r"[A-Za-z]+|\d[\d,.]*", question))


# Site chrome that survives cleaning inside an article's text: a newsletter or alerts sign-up line.
_SIGN_UP = re.compile(r"\b(?:sign up|subscribe)\b.{0,80}\b(?:newsletters?|inbox|alerts?)\b|"
                      r"\bnewsletters?\b.{0,60}\b(?:sign up|subscribe)\b", re.I)


def is_sign_up(sentence: str) -> bool:
    return bool(_SIGN_UP.search(sentence))


def _bare(text: str) -> str:
    return " ".join(re.findall(r"[\w'’-]+", text.lower()))


def is_title(sentence: str, title: str) -> bool:
    """The article's own title where it opens the text: a headline, never evidence, in whatever case it is
    written ("Indianapolis woman, others sue Lizzo; accuse pop star of …"); the constraints read it as context."""
    return bool(title) and _bare(sentence) == _bare(title)


def score_sentences(question: str, passages: list[Passage], embedder: Embedder,
                    query_vector: np.ndarray | None = None, stored: dict | None = None,
                    embed: Callable[[list[str]], np.ndarray] | None = None) -> None:
    """Fill `passage.evidence` (best first) for each passage. A sentence without a `stored` vector is
    embedded by `embed` (default: the embedder itself), e.g. one caching the vectors it makes."""
    query_terms = content_terms(question)
    kind = answer_type(question)
    asked = question_words(question)
    links = asks_for_link(question)
    q = query_vector if query_vector is not None else embedder.embed_query(question)
    stored = stored or {}
    by_span: dict[str, dict[tuple[int, int], np.ndarray]] = {}  # per document, built once per question
    per_passage: list[list[tuple[Sentence, np.ndarray | None]]] = []
    missing: list[Sentence] = []
    for p in passages:
        known = by_span.get(p.doc_id)
        if known is None:
            known = by_span[p.doc_id] = {(a, b): v for a, b, v in stored.get(p.doc_id, [])}
        entries = _reference_entries(p.text, p.start)
        usable = [s for s in evidence_candidates(passage_sentences(p.text, p.start), p.text, p.start, links)
                  if not is_title(s.text, p.title) and not is_sign_up(s.text) and s not in entries]
        rows = [(s, known.get((s.start, s.end))) for s in usable]  # text addressed to a model is never evidence
        missing += [s for s, v in rows if v is None]
        per_passage.append(rows)
    fresh: dict[tuple[int, int, str], np.ndarray] = {}
    if missing:
        made = (embed or embedder.embed)([s.text for s in missing])
        fresh = dict(zip([(s.start, s.end, s.text) for s in missing], made))
    every = [v if v is not None else fresh[(s.start, s.end, s.text)] for rows in per_passage for s, v in rows]
    sims = (np.stack(every) @ q).tolist() if every else []  # one product for all candidate sentences
    offset = 0
    for p, rows in zip(passages, per_passage):
        scored = []
        for (s, _), sim in zip(rows, sims[offset:offset + len(rows)]):
            intro = list_intro(s.text, p.text)  # a list's item says what it is through the list's introduction
            cov = coverage(query_terms, f"{intro}\n{s.text}" if intro else s.text)
            score = SEMANTIC_WEIGHT * sim + (1 - SEMANTIC_WEIGHT) * cov
            if kind and has_answer_type(kind, s.text, asked, p.text):
                score += ANSWER_TYPE_BONUS
            scored.append(ScoredSentence(s.text, s.start, s.end, round(score, 4), round(sim, 4), round(cov, 4)))
        offset += len(rows)
        p.evidence = sorted(scored, key=lambda x: x.score, reverse=True)


def best_evidence(passages: list[Passage]) -> float:
    return max((p.evidence[0].score for p in passages if p.evidence), default=0.0)
