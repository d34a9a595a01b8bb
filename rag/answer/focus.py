"""Does the evidence talk about what the question names?

Passages about the right topic but the wrong entity are the commonest near miss in news: "Who is the
prime minister of India?" against articles about Pakistan's prime minister; "the 2024 election" against
other years. The names a question carries (capitalised words, acronyms, years) must appear in the
evidence sentence, its passage or its article's title (as for the constraints), where an acronym matches
its expansion ("BLA" ~ "Balochistan Liberation Army") and dotted or common short forms match ("U.S." ~
"US" ~ "United States").
Sentences are down-weighted by the share of names they miss, before the refusal decision.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from rag.retrieve.lexical import STOPWORDS, same_place, stem
from rag.types import Passage

NAME_WEIGHT = 0.5  # a sentence missing every name keeps half its score
QUANTITY_PENALTY = 0.5  # a "how many/much" question answered by a sentence with no number (or no money)

_ALIASES = {
    "united states of america": "us", "united states": "us", "usa": "us", "america": "us",
    "united kingdom": "uk", "britain": "uk", "great britain": "uk",
    "united nations": "un", "european union": "eu",
}
_SHORT_FORMS = frozenset(_ALIASES.values())  # "United States" -> "us", a name though "us" is a stopword
# A title ahead of a name, as news abbreviates it: "Governor John Carney" is "Gov. John Carney".
_TITLE_ABBREVIATIONS = {"governor": "gov", "senator": "sen", "representative": "rep", "president": "pres",
                        "general": "gen", "professor": "prof", "doctor": "dr", "lieutenant": "lt", "colonel": "col",
                        "sergeant": "sgt", "captain": "capt", "superintendent": "supt", "reverend": "rev"}
# Of a name of several words, a text must hold this share of the words' weight (their rarity in the corpus):
# "Golden Globe Awards" is not the "Golden Raspberry Awards", though two of its three words are there.
HELD_WEIGHT = 0.75
_QUESTION_WORDS = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are", "was",
                   "were", "did", "does", "do", "can", "could", "would", "should", "will", "has", "have", "had",
                   "in", "on", "at", "according", "besides", "between", "during", "since", "after", "before"}
_DOTTED = re.compile(r"\b((?:[A-Za-z]\.){2,})")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:of|for|and|the|de|al|bin)?\s*[A-Z][\w'’-]*)+")
_QUANTITY = re.compile(r"\b(how many|how much|what (?:is|was) the (?:number|amount|budget|cost|price|population|"
                       r"size|value|total)|budget|population|death toll|casualt)", re.I)
_MONEY_QUESTION = re.compile(r"\b(how much (?:money|funding|aid|did|does|will|has|have|was|is)|budget|cost|price|"
                             r"fund(?:ing|s)?|spend(?:ing)?|invest(?:ment|ed)? (?:of|worth))\b", re.I)
_MONEY = re.compile(r"[$€£¥₹]|\b(?:dollars?|euros?|pounds?|rupees?|yuan|renminbi|yen|usd|pkr|rs\.?)\b|"
                    r"\d[\d,.]*\s*(?:million|billion|trillion|bn|m)\b", re.I)
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|"
                     r"thousands?|millions?|billions?|several)\b", re.I)


def _normalise(text: str) -> str:
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    lowered = text.lower()
    for phrase, short in _ALIASES.items():
        lowered = re.sub(rf"\b{phrase}\b", short, lowered)
    return lowered


def _acronyms(text: str) -> set[str]:
    """Initials of capitalised multi-word names: "Centre for Research and Security Studies" -> "crss"."""
    out = set()
    for match in _CAPITALISED_RUN.finditer(text):
        words = [w for w in re.split(r"\s+", match.group(0)) if w[:1].isupper()]
        if len(words) >= 2:
            out.add("".join(w[0] for w in words).lower())
    return out


_CONNECTORS = frozenset({"of", "for", "and", "the"})  # small words inside a name ("Centre for Research …")


def _initialisms(text: str) -> set[str]:
    """Initials of every run of three to five words, lower-case ones too ("natural language processing" ->
    "nlp"): papers define an acronym once and then use either."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text) if w.lower() not in _CONNECTORS]
    return {"".join(w[0] for w in words[i:i + n]).lower() for n in (3, 4, 5) for i in range(len(words) - n + 1)}


@lru_cache(maxsize=4096)
def vocabulary(text: str) -> frozenset[str]:
    """Stemmed words of a text plus the acronyms of its multi-word names (normalised)."""
    words = re.findall(r"[a-z0-9]+", _normalise(text))
    return frozenset({stem(w) for w in words} | _acronyms(text))


@lru_cache(maxsize=4096)
def initialisms(text: str) -> frozenset[str]:
    """`_initialisms`, cached: the same passages meet question after question."""
    return frozenset(_initialisms(text))


class Name:
    """A name from the question: its stemmed words, and its acronyms when it has several words."""

    def __init__(self, words: list[str], acronyms: tuple[str, ...] = (), initials: bool = False):
        self.words = {stem(w) for w in words}
        self.acronyms = acronyms
        self.initials = initials  # written as initials ("NLP"), which a text may spell out
        self.party = False  # one of the subjects asked about each ("the US and China each"): each wants its answer

    def spelled_out_in(self, initials: frozenset[str]) -> bool:
        """Whether a text's `initialisms` spell this name ("natural language processing" for "NLP")."""
        return self.initials and bool(self.words & initials)

    def found_in(self, vocab: frozenset[str], weight: Callable[[str], float] | None = None) -> bool:
        """Most of its words are in `vocab` (a title also as its abbreviation); with `weight` (a word's rarity in
        the corpus), HELD_WEIGHT of its weight too: "United States Air Force" is not "Air Force B-52"."""
        if any(a in vocab for a in self.acronyms):
            return True
        if len(self.words) == 1:
            (word,) = self.words
            # "Chinese" ~ "China", "Pakistani" ~ "Pakistan": a demonym shares its country's opening letters
            return word in vocab or any(same_place(word, v) for v in vocab)
        held = {w for w in self.words if w in vocab or _TITLE_ABBREVIATIONS.get(w) in vocab}
        if len(held) * 2 <= len(self.words):
            return False
        return weight is None or sum(map(weight, held)) >= HELD_WEIGHT * sum(map(weight, self.words))

    def named_by(self, sentence: str, title: str = "") -> bool:
        """Whether a sentence, read with its article's title, names this one."""
        return self.found_in(vocabulary(f"{title}\n{sentence}"))

    def __repr__(self) -> str:
        return f"Name({sorted(self.words)}, {self.acronyms!r})"


# "the United States and China each", "both Ford and GM": two parties, not one name joined by "and"
_DISTRIBUTIVE = frozenset({"each", "both"})


def question_names(question: str) -> list[Name]:
    """Runs of capitalised words (not the opening question word), acronyms and years; a run joined by "and"
    is two names when "both" opens it or "each"/"both" follows it."""
    names: list[Name] = []
    run: list[str] = []
    joins: list[int] = []  # where "and" stood inside the run
    before = ""  # the word before the run

    def close(after: str = "") -> None:
        if joins and (before in _DISTRIBUTIVE or after in _DISTRIBUTIVE):
            parts = [run[a:b] for a, b in zip([0, *joins], [*joins, len(run)])]
            joins.clear()
            for part in parts:
                run[:] = part
                close()
                names[-1].party = after in _DISTRIBUTIVE  # the subject of what is asked, not "with … in both A and B"
            return
        joins.clear()
        if run:
            words = re.findall(r"[a-z0-9]+", _normalise(" ".join(run)))
            words = [w for w in words if w not in STOPWORDS or w.upper() in run or w in _SHORT_FORMS] or words
            acronyms: tuple[str, ...] = ("".join(w[0] for w in run).lower(),) if len(run) > 1 else ()
            if len(run) > 3 and run[0].isupper():  # "U.S. Environmental Protection Agency" is also the "EPA"
                acronyms += ("".join(w[0] for w in run[1:]).lower(),)
            names.append(Name(words, acronyms, len(run) == 1 and run[0].isupper() and 3 <= len(run[0]) <= 5))
            run.clear()

    # "13B" of "LLaMA-13B" is one token (a size, no name); a four-digit number is a year
    for i, token in enumerate(re.findall(r"[A-Za-z][\w'’.]*|\d+[A-Za-z]+\b|\d{4}|\S", question)):
        bare = re.sub(r"['’]s$", "", token.strip(".'’"))
        if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]?\.?", token):
            bare = token.replace(".", "")  # "U.S." is the acronym "US"
        if re.fullmatch(r"\d{4}", bare):
            close()
            names.append(Name([bare]))
        elif bare.isupper() and len(bare) >= 2 and not bare[0].isdigit():
            run.append(bare)  # an acronym, even one that spells a common word ("US")
        elif bare[:1].isupper() and not (i == 0 or bare.lower() in _QUESTION_WORDS or bare.lower() in STOPWORDS):
            run.append(bare)
        elif bare.lower() in _CONNECTORS and run:
            if bare.lower() == "and" and len(run) > (joins[-1] if joins else 0):
                joins.append(len(run))
            continue  # inside a name: "Centre for Research and Security Studies"
        else:
            close(bare.lower())
        if not run:
            before = bare.lower() if bare.lower() not in _CONNECTORS else before
    close()
    return names


def parties(question: str) -> list[Name]:
    """The names a question asks about each ("What have the US and China each given …?"): each wants its answer."""
    return [n for n in question_names(question) if n.party]


def name_coverage(names: list[Name], vocab: frozenset[str]) -> float:
    if not names:
        return 1.0
    return sum(1 for name in names if name.found_in(vocab)) / len(names)


def apply(question: str, passages: list[Passage]) -> None:
    """Down-weight evidence sentences that miss the question's names or the quantity it asks for."""
    names = question_names(question)
    wants_money = bool(_MONEY_QUESTION.search(question))
    wants_quantity = wants_money or bool(_QUANTITY.search(question))
    if not names and not wants_quantity:
        return
    for p in passages:
        passage_vocab = vocabulary(p.text) | vocabulary(p.title)  # a chunk is about what its article's title names
        for s in p.evidence:
            factor = 1.0
            if names:
                cov = name_coverage(names, passage_vocab | vocabulary(s.text))
                factor *= (1 - NAME_WEIGHT) + NAME_WEIGHT * cov
            if (wants_money and not _MONEY.search(s.text)) or (wants_quantity and not _NUMBER.search(s.text)):
                factor *= QUANTITY_PENALTY
            s.score = round(s.score * factor, 4)
        p.evidence.sort(key=lambda x: x.score, reverse=True)
