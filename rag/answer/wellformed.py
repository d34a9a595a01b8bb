"""Is an answer sentence a sentence? Pure checks shared by grounding (which drops such claims) and
`rag eval` (which reports their rate).

Three kinds of malformed claim, all seen in small-model drafts and in quotes of scraped news:
- a headline: title-case text ("China's Commitment: Strengthening Pakistan's Counterterrorism Framework");
- a sentence cut before its object: it ends in a preposition, article or conjunction ("… cooperation with");
- no verb at all (a bare noun phrase standing in for a sentence).
"""
from __future__ import annotations

import re

from rag.answer import markers

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Words left lower-case inside a title ("Pakistan and China Renew Pact on Security").
_TITLE_SMALL = frozenset("""a an and as at but by for from in into of on or over the to up via vs with about above
across after against along amid among around before behind below beneath beside between beyond despite during
inside near onto outside past since through toward towards under unlike until upon within without""".split())
# A claim ending in one of these stopped before what it was about to say.
_DANGLING = frozenset("""a an the and or but nor of to for with in on at by from into onto about as than that
which whose including like between among against per via such its their his her our your""".split())
_AUXILIARIES = frozenset("""is are was were be been being am has have had do does did will would shall should
can could may might must said says say told tells won wins beat beats met meets led leads held holds became
becomes began begins gave gives took takes made makes left leaves set sets put puts ran runs saw sees went
goes came comes got gets hit hits lost loses paid pays sold sells sent sends built builds brought brings
bought buys fell falls grew grows rose rises knew knows chose chooses drew draws spoke speaks struck strikes
wrote writes fought fights caught catches kept keeps meant means found finds shot shoots stood stands spent
spends sought seeks flew flies ate eats drove drives rode rides broke breaks wore wears threw throws
swore swears sat sits lay lies slid hid hides bid bids cut cuts let lets quit quits shut spread tops""".split())
_VERB_SUFFIX = re.compile(r"(?:ed|ing|ise[sd]?|ize[sd]?|ates?)$")
MIN_HEADLINE_WORDS = 4
HEADLINE_SHARE = 0.9  # share of the non-small words that are capitalised (a sentence full of names has verbs)


def strip_markers(text: str) -> str:
    return markers.strip(text).strip()


def is_headline(sentence: str) -> bool:
    """Title case over most of the words, or a "Kicker: Title" shape of capitalised words."""
    words = [w for w in _WORD.findall(strip_markers(sentence)) if w.lower() not in _TITLE_SMALL]
    if len(words) < MIN_HEADLINE_WORDS:
        return False
    if any(w in _AUXILIARIES for w in words):
        return False  # title case capitalises its verbs: "Gregory LoGerfo holds the Acting Coordinator post"
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= HEADLINE_SHARE


def is_cut_short(sentence: str) -> bool:
    """The last word is one that needs something after it."""
    words = re.findall(r"[\w'’-]+", strip_markers(sentence))
    return bool(words) and words[-1].lower() in _DANGLING


def can_answer(sentence: str) -> bool:
    """Whether a sentence could stand as an answer at all: not a headline, not cut before its object."""
    return not (is_headline(sentence) or is_cut_short(sentence))


# (a paper's section may open with its numbered heading: "2 Background In this section, we give …")
_SELF_REFERENCE = re.compile(r"^\W*(?:\d+(?:\.\d+)*\.?\s+(?:[A-Z][\w-]*\s+){1,6})?(?:in )?this (?:article|piece|post|"
                             r"essay|analysis|story|report|section|chapter|appendix)\b[^.]{0,40}?\b"
                             r"(?:explores?|examines?|discuss(?:es)?|looks?|outlines?|delves?|describes?|"
                             r"considers?|reviews?|will|we)\b", re.I)


def states_nothing(sentence: str) -> bool:
    """A sentence of an article that states no fact: its own question ("Who will she face?"), the lead-in
    to a list ("The key elements are:"), or the article speaking of itself ("This article explores …", "In this
    section, we give an overview …")."""
    text = strip_markers(sentence).rstrip(" \"'”’)")
    return text.endswith(("?", ":")) or bool(_SELF_REFERENCE.search(text))


def has_verb(sentence: str) -> bool:
    """Cheap: a known verb form, a past/progressive/verb-forming suffix, or a lower-case word in -s after
    the first word (third person: "Ford recalls …"). Says True when unsure."""
    words = _WORD.findall(strip_markers(sentence))
    for i, w in enumerate(words):
        lower = w.lower().replace("’", "'")
        contracted = lower.endswith(("n't", "'s")) and lower[:-2] in ("it", "he", "she", "that", "there")
        if lower in _AUXILIARIES or contracted:
            return True
        if w[0].islower() and len(lower) > 4 and _VERB_SUFFIX.search(lower):
            return True
        if i > 0 and w[0].islower() and len(lower) > 3 and lower.endswith("s") and not lower.endswith("ss"):
            return True
    return len(words) == 0


def problems(sentence: str) -> list[str]:
    """What is wrong with one answer sentence: any of "headline", "cut", "no-verb" (empty: nothing)."""
    out = []
    if is_headline(sentence):
        out.append("headline")
    if is_cut_short(sentence):
        out.append("cut")
    if not has_verb(sentence):
        out.append("no-verb")
    return out


def answer_problems(text: str) -> list[str]:
    """The problems of every sentence of an answer (markers ignored), each named once."""
    from rag.ingest.sentences import split_sentences

    found: list[str] = []
    for s in split_sentences(markers.strip(text)):
        for p in problems(s.text):
            if p not in found:
                found.append(p)
    return found
