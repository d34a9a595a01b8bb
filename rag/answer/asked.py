"""What a question asks about, beyond the things it names: pure functions.

"Who co-chaired the dialogue between the US and Pakistan?" names the US and Pakistan, and asks about
co-chairing a dialogue. A same-topic sentence ("Pakistan and the US reaffirmed their commitment …")
meets every name and still says nothing about what is asked. The asked terms are the content words of
the question's interrogative sentence (a premise sentence before it, "22 states raised their minimum
wage this week.", only sets the scene) that are not part of a name, not a relative date ("this week"),
and not a word that only names the kind of answer or carries no meaning of its own ("what position does
she hold", "what does X stand for"): an evidence sentence that holds none of them does not answer.
Words match by stem, or when one stem of at least lexical.PREFIX letters opens the other ("accuse" ~
"accusations", "internationally" ~ "international"; not "country" ~ "counter"), since articles rarely
repeat a question's exact form.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from rag.retrieve.evidence import OPENING
from rag.retrieve.lexical import PAST_FORMS, STOPWORDS, content_terms, content_tokens, same_word, stem, words

MIN_SHARE = 0.15  # of the asked terms' weight a sentence must hold (see `addressed`)
# "Who says X?" asks who said X: the answer reports X itself, not one word of it ("… says it will take several
# days" does not answer "Who says the operation could take several months?").
SAID_SHARE = 0.5
# "How many X did Y?" is answered by a number of X that did Y: a third of the asked words' weight besides X
# ("More than 2,000 police and soldiers are being sent in" does not say how many cordoned off the area).
COUNTED_SHARE = 0.34
# "Which pop star is being sued for starting her concerts hours late?" is answered by a suit over late concerts:
# half the weight of the reason's words, not one common word of it ("a 12-hour rehearsal").
REASON_SHARE = 0.5

# Relative dates: questions phrased for the week they were asked ("this week's awards").
_RELATIVE = frozenset(stem(w) for w in """week weeks weekend today yesterday tomorrow recently recent now
currently current latest month months year years day days ago last next past earlier later""".split())
# Words that name the kind of answer ("what position", "which type") or are light verbs with no content
# of their own ("does she hold", "does it stand for", "what happened").
_SLOT_AND_LIGHT = frozenset(stem(w) for w in """position role title job post type sort thing things part
date time number amount figure percentage place location
parts reason reasons purpose main key new hold holds held stand stands happen happened happens mean means
meant do does did make makes made get gets got take takes took go goes went come comes came become became
put puts play plays played work works call called known""".split())
_QUESTION_START = re.compile(r"\b(?:who|whom|whose|what|which|when|where|why|how)\b", re.I)


# A question's sentences end at . ! ? before a capital, but not after an initial or a title ("George W. Bush").
_QUESTION_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr|Lt|No)\.)"
                                    r"(?<!\b(?:Mrs|Gov|Sen|Rep|Gen|Col)\.)(?<!\bProf\.)\s+(?=[A-Z])")


def interrogative(question: str) -> str:
    """The sentence of `question` that asks (the last one holding a question word), premises dropped."""
    parts = [p for p in _QUESTION_SENTENCE_END.split(question.strip()) if p.strip()]
    asking = [p for p in parts if _QUESTION_START.search(p)]
    return asking[-1] if asking else question


def _name_words(text: str) -> set[str]:
    """Stems of the capitalised words after the first (names), and of acronyms."""
    out: set[str] = set()
    for i, token in enumerate(re.findall(r"[A-Za-z][\w'’.-]*", text)):
        if i and (token[:1].isupper() or token.isupper()):
            out.update(content_tokens(token))
    return out


@lru_cache(maxsize=4096)
def asked_words(question: str) -> dict[str, str]:
    """What `question` asks about, as {stem: the word as written}; empty when it asks only for a slot
    of a named thing ("What position does Gregory LoGerfo hold?")."""
    ask = interrogative(question)
    names = {t.rstrip("'") for t in _name_words(ask)}
    out: dict[str, str] = {}
    for word in words(ask):
        if word in STOPWORDS or len(word) < 2:
            continue
        for w in [word] + (word.split("-") if "-" in word else []):
            t = stem(w).rstrip("'")
            if (w not in STOPWORDS and t not in names and t not in _RELATIVE and t not in _SLOT_AND_LIGHT
                    and not t.isdigit() and len(t) > 2):
                out.setdefault(t, re.sub(r"'s?$", "", w))
    return out


# "Which automaker recalled …", "what arrangement was discussed …": the noun after the question word names
# the kind of thing the answer is ("Ford", "a joint security company"), which an answer seldom repeats.
_KIND_OF_ANSWER = re.compile(r"\b(?i:which|what)\s+([a-z][a-z-]+)\b")
_NOT_A_NOUN = frozenset(STOPWORDS | {"is", "are", "was", "were", "has", "have", "had", "does", "do", "did", "will",
                                     "would", "can", "could", "should", "may", "might", "must"})


def _kind_of_answer(ask: str) -> set[str]:
    m = _KIND_OF_ANSWER.search(ask)
    return {stem(m.group(1))} if m and m.group(1) not in _NOT_A_NOUN else set()


# "Who co-chaired the dialogue?", "Which pop star is being sued …?": the verb after "who", or the participle
# after the asked-for noun, is what the answer did or had done to it, and a sentence naming someone who did
# something else around the same topic does not answer. (An active "which X published …" is left out: its
# answer says it in other words too often, "a report by X".)
_AUX_OR_ADVERB = (r"(?:(?:is|are|was|were|has|have|had|will|would|could|can|did|does|do|been|be|being|also|first|"
                  r"just|recently|reportedly|now|then|later|finally)\s+)")
_PARTICIPLE = r"([a-z]+(?:ed|en)|won|beat|led|met|lost|sold|built|paid|sent|hit|shot|struck|caught|fought|bought)"
# a word of the asked-for noun: "(which) pop star", "(what energy) agreements"
_NOUN_WORD = r"(?:(?!(?:is|are|was|were|the|a|an|and|or|of|on|in)\b)[a-z][\w'’-]*\s+)"
# "Who was the runner-up in …?", "Which candidate is the front-runner …?": the role named after the copula is
# what the answer is; a sentence naming the caucuses and a candidate in another role does not answer. Not a post
# "of" something ("the new chief executive of the port authority"): news names its holder without it ("picked
# Ines Vale to lead it").
_ROLE = (r"\b(?i:who|which)\s+(?:(?!(?:is|are|was|were)\b)[A-Za-z][\w'’-]*\s+){0,2}?(?:is|are|was|were|became|"
         r"becomes|will\s+be)\s+(?:the|a|an)\s+(?:(?!of\b)[A-Za-z][\w'’-]*\s+){0,2}?([a-z][a-z-]+)(?=\s+(?:in|at|to|"
         r"for|on|from|with|after|before|since|during|who|that)\b|\s*[?,.]|$)")
_DEED = [re.compile(r"\b(?i:who)\s+" + _AUX_OR_ADVERB + r"*([a-z][a-z-]+)\b"),
         re.compile(r"\b(?i:which|what)\s+" + _NOUN_WORD + r"{1,2}?" + _AUX_OR_ADVERB + r"+" + _PARTICIPLE + r"\b"),
         re.compile(_ROLE)]
# "the first woman to …": the kind of answer, not a role; "the winner of …": a role news writes as a verb ("won")
_NOT_A_ROLE = frozenset({"woman", "man", "person", "people", "one", "winner"})
# "… is being sued for starting her concerts late", "was banned for presenting her as …": the reason a deed was
# done, after a participle (a sentence about the same deed done for another reason does not answer).
_REASON = re.compile(_AUX_OR_ADVERB + r"+" + _PARTICIPLE + r"\s+(?:for|over)\s+([^,;?]+)")
# "How many people die from lung cancer …?", "… were killed in a fire …": the cause of a death or an injury is a
# reason too (a count of road deaths does not answer it).
_CAUSE = re.compile(r"\b(?:die|dies|died|dying|killed|injured|wounded|hurt)\s+(?:from|of|by|in)\s+([^,;?]+?)"
                    r"(?=\s+(?:in|at|on|near|during|after|since|each|every|when|and|according|that|which|who)\b"
                    r"|\s*[,;?]|$)")
_QUESTION_WORD = re.compile(r"\b(?:who|whom|what|which|when|where|why|how)\b", re.I)
_POLAR = re.compile(r"\s*(?:is|are|was|were|do|does|did|has|have|had|will|would|can|could|should|may|might)\b", re.I)


_PAST_VERB = r"([a-z]+ed|" + "|".join(sorted(PAST_FORMS)) + r")"  # "landed", "won", "threw"
# "Which member of the royal family landed a new podcast deal?": what an active past verb and its object say of
# the asked-for thing is the question; a sentence holding only the words naming the thing ("the British royals
# … family outings") says nothing of it, and must hold one word of the verb or its object.
_ACTIVE_PAST = re.compile(r"\b(?i:which)\s+((?:(?!(?:is|are|was|were|did|does|do|has|have|had|will|would|can|could|"
                          r"and|or)\b)[A-Za-z][\w'’-]*\s+){1,6}?)" + _PAST_VERB + r"\s+([^?]+)")


# "The administration released new energy standards for which appliances?": the same, the question word last.
_STATED_PAST = re.compile(r"^(?:(?!(?i:is|are|was|were|has|have|had|be|been|being|will|would|can|could|did|does|do|"
                          r"who|what|which|when|where|why|how)\b)[A-Za-z][\w'’-]*\s+){1,6}?" + _PAST_VERB +
                          r"\s+(.+?)\s+(?:\w+\s+)?(?i:which|what)\b")


def _predicate(ask: str, terms: Iterable[str]) -> set[str]:
    if len(_QUESTION_WORD.findall(ask)) > 1:
        return set()
    m = _ACTIVE_PAST.search(ask) or _STATED_PAST.search(ask.strip())
    if not m:
        return set()
    verb, rest = m.groups()[-2:]
    said = {stem(w).rstrip("'") for w in words(f"{verb} {rest}")}
    return said & set(terms)


def _deed(ask: str, terms: Iterable[str]) -> set[str]:
    if len(_QUESTION_WORD.findall(ask)) > 1:
        return set()  # two questions in one ("which attack …, and which group escalated …"): each its own deed
    for pattern in _DEED:
        m = pattern.search(ask)
        term = stem(m.group(1)).rstrip("'") if m else ""
        if term in terms and term not in _NOT_A_ROLE:
            return {term}
    return set()


class AskedTerms(frozenset):
    """The stems of what a question asks; `optional`: the noun naming the kind of answer ("which automaker"),
    which counts for a sentence that holds it and is not missed in one that does not ("Ford recalled …");
    `required`: what the asked-for person or thing did, and a superlative asked of it, which an answering
    sentence must each say; `predicate`: an active verb and its object, of which it must say one word;
    `polar`: a yes/no question, which a sentence saying the opposite answers ("Did the council approve it?"
    "It rejected it."); `reason`: what it was done to it for, of which a sentence must say something ("sued for
    starting her concerts late" is not answered by "sued for a ski crash")."""

    optional: frozenset[str]
    required: frozenset[str]
    polar: bool
    reason: frozenset[str]
    predicate: frozenset[str]

    def __new__(cls, terms: Iterable[str], optional: Iterable[str] = (), required: Iterable[str] = (),
                polar: bool = False, reason: Iterable[str] = (), predicate: Iterable[str] = ()) -> AskedTerms:
        self = super().__new__(cls, terms)
        self.optional = frozenset(optional) & self
        self.required = frozenset(required) & self
        self.polar = polar
        self.reason = frozenset(reason) & self - self.required
        self.predicate = frozenset(predicate) & self
        return self


# "When had the previous dialogue taken place?" asks about an earlier one: a sentence about the latest (with
# every other asked word) does not answer. Not after a comparison ("compared to previous models").
_EARLIER = re.compile(r"(?<!\bto )(?<!\bthan )(?<!\bfrom )(?<!\bover )\b(?:the|its|their|his|her)\s+(previous|prior)\b",
                      re.I)


# "What is the minimum age …?", "the highest category", "the company's largest …": a superlative is what the
# question asks of the thing it names, and a sentence giving its ages or categories does not answer it.
_SUPERLATIVE = re.compile(r"(?:\bthe|['’]s)\s+(?:[a-z]+\s+)?([a-z]{2,}est|minimum|maximum|best|worst)\b", re.I)
_NOT_SUPERLATIVE = frozenset("""interest contest protest request arrest harvest forest conquest inquest manifest
digest suggest invest honest modest west test rest nest guest quest chest pest vest crest priest behest unrest
pretest midwest northwest southwest""".split())
_ASKS_FOR_A_THING = re.compile(OPENING + r"(?:who|what|which)\b", re.I)


def _superlatives(ask: str) -> set[str]:
    """The superlatives a who/what/which question asks; none in a "how" or "why" question, where a superlative
    names what is compared ("How does the largest model compare …?")."""
    if not _ASKS_FOR_A_THING.match(ask):
        return set()
    return {stem(m.group(1).lower()) for m in _SUPERLATIVE.finditer(ask) if m.group(1).lower() not in _NOT_SUPERLATIVE}


def asked_terms(question: str) -> AskedTerms:
    """The stems of `asked_words`."""
    ask, terms = interrogative(question), asked_words(question)
    required = (_deed(ask, terms) | {stem(m.group(1).lower()) for m in _EARLIER.finditer(ask)}
                | _superlatives(ask))
    because, cause = _REASON.search(ask), _CAUSE.search(ask)
    reason = {stem(w).rstrip("'") for w in words(" ".join(
        [because.group(2) if because else "", cause.group(1) if cause else ""]))}
    return AskedTerms(terms, _kind_of_answer(ask), required, bool(_POLAR.match(ask)), reason, _predicate(ask, terms))


Weight = Callable[[str], float]


def addressed(terms: frozenset[str], text: str, weight: Weight | None = None, share: float = MIN_SHARE) -> bool:
    """Whether `text` holds what is asked (True when nothing is asked beyond names): at least one of the
    asked `terms`; with `weight` (a word's rarity in the corpus), terms holding `share` of the asked
    terms' weight, so the words every article of the topic uses ("security", "terrorism") do not make
    a same-topic sentence an answer to what is specific in the question."""
    if not terms:
        return True
    have = content_terms(text)
    if not getattr(terms, "polar", False) and says_the_opposite(terms, have):
        return False
    units = _units(terms)
    held = [u for u in units if _holds(u, have)]
    required: frozenset[str] = getattr(terms, "required", frozenset())
    if any(not any(r in u for u in held) for r in required):
        return False
    predicate: frozenset[str] = getattr(terms, "predicate", frozenset())
    if predicate and not any(p in u for u in held for p in predicate):
        return False
    reason: frozenset[str] = getattr(terms, "reason", frozenset())
    if reason and not _holds_reason(reason, units, held, weight):
        return False
    if weight is None or not held:
        return bool(held)
    optional: frozenset[str] = getattr(terms, "optional", frozenset())
    total = sum(_unit_weight(u, weight) for u in units if u in held or u[0] not in optional)
    return total <= 0 or sum(_unit_weight(u, weight) for u in held) >= share * total


def holds_every(terms: frozenset[str], text: str) -> bool:
    """Whether `text` holds every unit of at least two asked `terms` (the noun naming the answer's kind aside):
    it restates all that is asked ("Professor Britt says there has been a drop in deaths from heart disease over
    the past two decades" for "who says there has been a drop in deaths from heart disease …?")."""
    optional: frozenset[str] = getattr(terms, "optional", frozenset())
    units = [u for u in _units(terms) if u[0] not in optional]
    have = content_terms(text)
    return len(units) >= 2 and all(_holds(u, have) for u in units)


def _holds_reason(reason: frozenset[str], units: list[tuple[str, ...]], held: list[tuple[str, ...]],
                  weight: Weight | None) -> bool:
    """Half of the reason's weight ("a 12-hour rehearsal" says one common word of "starting her concerts hours
    late"); without weights, one of its words."""
    of_reason = [u for u in units if any(r in u for r in reason)]
    have = [u for u in of_reason if u in held]
    if weight is None or not have:
        return bool(have)
    total = sum(_unit_weight(u, weight) for u in of_reason)
    return total <= 0 or sum(_unit_weight(u, weight) for u in have) >= REASON_SHARE * total


# Verbs of opposite sense: "bars may stop serving alcohol at 8 p.m." says nothing of when they may start.
# Each side lists words with no other common sense ("end" and "close" are left out: "by the end of", "a close race").
_OPPOSITES = [({"start", "begin", "began", "begun", "resume", "reopen", "launch"},
               {"stop", "halt", "cease", "suspend"}),
              ({"raise", "increase", "hike", "boost"}, {"cut", "lower", "reduce", "decrease", "slash"}),
              ({"allow", "permit", "legalize", "legalise", "approve"},
               {"ban", "prohibit", "forbid", "outlaw", "reject"})]
_OPPOSITE_STEMS = [(frozenset(stem(w) for w in a), frozenset(stem(w) for w in b)) for a, b in _OPPOSITES]


def says_the_opposite(terms: frozenset[str], have: frozenset[str]) -> bool:
    """Whether a sentence holding the stems `have` names only the opposite of a verb the question asks about."""
    def holds(group: frozenset[str], stems: frozenset[str]) -> bool:
        return any(same_word(g, h) for g in group for h in stems)

    for side, other in _OPPOSITE_STEMS + [(b, a) for a, b in _OPPOSITE_STEMS]:
        if holds(side, terms) and not holds(side, have) and holds(other, have):
            return True
    return False


def _unit_weight(unit: tuple[str, ...], weight: Weight) -> float:
    """A word's rarity; a compound's is that of its commoner spelling, hyphenated or run together, since
    "counter-terrorism" is rare only where an article writes "counterterrorism"."""
    head = unit[0]
    if len(unit) == 1 or "-" not in head:
        return weight(head)
    hyphenated, run_together = weight(head), weight(head.replace("-", ""))
    return min(hyphenated, run_together) if run_together else hyphenated


# A compound ending in a particle is not its first part: a "front-runner" is no "runner-up", a "shake" no "shake-up".
_PARTICLES = frozenset("up in on off out down over".split())


def _units(terms: frozenset[str]) -> list[tuple[str, ...]]:
    """The asked terms as units of meaning: a hyphenated word with its parts ("counter-terrorism",
    "counter", "terrorism") is one, so a sentence holding it does not count three times."""
    compounds = sorted(t for t in terms if "-" in t)
    parts = {c: () if c.rsplit("-", 1)[1] in _PARTICLES else
             tuple(stem(p) for p in c.split("-") if len(p) > 2 and p not in STOPWORDS) for c in compounds}
    absorbed = {p for c in compounds for p in parts[c]}
    return [(c, *parts[c]) for c in compounds] + [(t,) for t in sorted(terms - absorbed - set(compounds))]


# Words news writes for one another's deed ("Pakistan's blaming India for allegedly supporting the BLA" answers
# "Which country does Pakistan accuse of backing the BLA?"); only words with no other common sense.
_SYNONYMS = [{"accuse", "blame", "allege"}, {"back", "support", "sponsor", "fund", "finance"},
             {"praise", "commend", "laud", "hail", "applaud"}, {"previous", "last", "prior"},
             {"appoint", "name", "named", "nominate", "tap"}, {"launch", "unveil", "introduce", "debut"},
             {"arrest", "detain"}, {"kill", "slay", "murder"}, {"biggest", "largest"},
             {"buy", "acquire", "purchase"}, {"sue", "lawsuit"},
             {"expect", "anticipate", "foresee"}]
_SYNONYM_STEMS = [frozenset(stem(w) for w in group) for group in _SYNONYMS]


@lru_cache(maxsize=4096)
def _synonyms(term: str) -> frozenset[str]:
    return frozenset(s for group in _SYNONYM_STEMS if any(same_word(term, g) for g in group) for s in group)


def _holds(unit: tuple[str, ...], have: frozenset[str]) -> bool:
    """A single word in any form or a word news writes for it; a compound as written, run together
    ("counterterrorism"), or all its parts."""
    head, parts = unit[0], unit[1:]
    if "-" in head and not parts:  # a compound ending in a particle: as written or run together
        return head in have or head.replace("-", "") in have
    if any(same_word(head, h) for h in have) or any(same_word(s, h) for s in _synonyms(head) for h in have):
        return True
    if not parts:
        return False
    return head.replace("-", "") in have or all(any(same_word(p, h) for h in have) for p in parts)


# "Who says the club would not expect him to play?" asks whose words those are: the answer reports speech. So
# does "Which airline said …?" (a noun of one or two words after which/what, not an auxiliary: "What is said …").
_WHO_SAID = re.compile(OPENING + r"(?:who|(?:which|what)\s+"
                       r"(?!(?:is|are|was|were|has|have|had|do|does|did|will|would|can|could)\b)[a-z]+(?:\s+[a-z]+)?)"
                       r"\s+(?:(?:has|have|had|also|first|reportedly)\s+)*(?:says?|said|tells?|told|"
                       r"warn(?:s|ed)?|claim(?:s|ed)?|argue(?:s|d)?|insist(?:s|ed)?|state(?:s|d)?|announce(?:s|d)?|"
                       r"add(?:s|ed)?|describe(?:s|d)?|call(?:s|ed)?)\b", re.I)
# "states" only in lower case: "the United States" says nothing.
_SPEECH = re.compile(r"\b(?:says?|said|saying|tells?|told|telling|according to|(?-i:stated?|states)|statement|"
                     r"added|adds|warn(?:s|ed|ing)?|claim(?:s|ed|ing)?|argue(?:s|d)?|arguing|insist(?:s|ed)?|announce(?:s|d)?|"
                     r"explain(?:s|ed)?|not(?:es|ed)|wr(?:ote|ites)|describe(?:s|d)?|call(?:s|ed)|believes?|thinks?|"
                     r"quoted|spokes(?:man|woman|person))\b|[\"“”]", re.I)


def asks_who_said(question: str) -> bool:
    return bool(_WHO_SAID.match(interrogative(question)))


def reports_speech(sentence: str) -> bool:
    """A sentence saying who said something: a verb of saying or a quotation."""
    return bool(_SPEECH.search(sentence))
