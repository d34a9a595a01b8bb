"""Word-level matching shared by re-ranking, refusal, grounding and evaluation: pure functions."""
from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing done down during each either few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just let me
more most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those through
to too under until up upon us very was we were what when where which while who whom whose why will with
would you your yours yourself yourselves according article articles say says said tell told mention
mentioned mentions describe described give given list many much name named kind kinds one ones way ways
""".split())
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'groups'/'group', 'targeted'/'target', 'trained'/'training'."""
    for suffix in ("ational", "ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            return base + "y" if suffix in ("ies", "ied") else base
    return word


PREFIX = 5  # the shorter of two stems, when it opens the longer, makes them one word in another form


# Irregular past forms a suffix stripper cannot bring to their verb's stem ("met" ~ "meeting" ~ "meet").
_IRREGULAR = {p: base for base, forms in {
    "meet": "met", "win": "won", "lead": "led", "beat": "beaten", "lose": "lost", "sell": "sold", "buy": "bought",
    "pay": "paid", "send": "sent", "spend": "spent", "begin": "began begun", "fall": "fell fallen",
    "rise": "rose risen", "strike": "struck", "catch": "caught", "fight": "fought", "run": "ran", "write":
    "wrote written", "drive": "drove driven", "break": "broke broken", "shoot": "shot", "build": "built",
    "leave": "left", "choose": "chose chosen", "fly": "flew flown", "grow": "grew grown", "steal": "stole stolen",
    "seek": "sought", "bring": "brought", "teach": "taught", "sink": "sank sunk", "swim": "swam swum",
    "sing": "sang sung", "drink": "drank drunk", "eat": "ate eaten", "freeze": "froze frozen",
    "speak": "spoke spoken", "wear": "wore worn", "tear": "tore torn", "throw": "threw thrown",
    "draw": "drew drawn", "ride": "rode ridden", "hide": "hid hidden", "bite": "bit bitten", "forbid": "forbade",
    "forgive": "forgave forgiven", "shake": "shook shaken", "undergo": "underwent undergone", "flee": "fled",
    "feed": "fed", "bleed": "bled", "breed": "bred", "hang": "hung", "lend": "lent", "bend": "bent",
    "dig": "dug", "stick": "stuck", "sting": "stung", "swing": "swung", "strive": "strove striven",
    "arise": "arose arisen", "awake": "awoke awoken", "overtake": "overtook overtaken",
    # verbs too short for the suffix stripper ("sued", "suing" keep their suffix)
    "sue": "sued suing", "die": "died dying", "tie": "tied tying", "lie": "lied lying", "see": "seen seeing saw",
}.items() for p in forms.split()}
PAST_FORMS = frozenset(p for p in _IRREGULAR if not p.endswith("ing"))


def same_word(a: str, b: str) -> bool:
    """One word in two forms: equal, or the shorter (PREFIX letters or more) opens the longer
    ("accuse" ~ "accusations", "pakistan" ~ "pakistani"; not "country" ~ "counter")."""
    a, b = _IRREGULAR.get(a, a), _IRREGULAR.get(b, b)
    short, long_ = sorted((a, b), key=len)
    return a == b or (len(short) >= PREFIX and long_.startswith(short)) or (
        # the suffix took an e ("scored" -> "scor", "score") or doubled a consonant ("winning" -> "winn", "win")
        (len(short) >= PREFIX - 1 and long_ == short + "e")
        or (len(short) >= PREFIX - 2 and long_ == short + short[-1]))


def same_place(word: str, other: str, shortest: int = 4) -> bool:
    """A place and its people's adjective share their opening letters: "China" / "Chinese", "Pakistan" /
    "Pakistani" (`word` of 5 letters or more, `other` of `shortest` or more)."""
    return len(word) >= 5 and len(other) >= shortest and word[:4] == other[:4]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def content_tokens(text: str) -> list[str]:
    """Stemmed content words in order (repeats kept, as BM25 counts them); hyphenated names also
    contribute their parts ("isis-khorasan")."""
    out: list[str] = []
    for word in words(text):
        if word in STOPWORDS or len(word) < 2:
            continue
        out.append(stem(word))
        if "-" in word:
            out.extend(stem(p) for p in word.split("-") if p not in STOPWORDS and len(p) > 1)
    return out


@lru_cache(maxsize=8192)
def content_terms(text: str) -> frozenset[str]:
    """Cached: the same passages and sentences are scored for question after question."""
    return frozenset(content_tokens(text))


def coverage(query_terms: frozenset[str] | set[str], text: str) -> float:
    """Share of the query's content terms found in `text` (0 when the query has none)."""
    if not query_terms:
        return 0.0
    return len(query_terms & content_terms(text)) / len(query_terms)
