"""What a question asks about, beyond the things it names: pure functions.

"Who co-chaired the dialogue between the US and Pakistan?" names the US and Pakistan, and asks about
co-chairing a dialogue. A same-topic sentence ("Pakistan and the US reaffirmed their commitment …")
meets every name and still says nothing about what is asked. The asked terms are the content words of
the question's interrogative sentence (a premise sentence before it, "22 states raised their minimum
wage this week.", only sets the scene) that are not part of a name, not a relative date ("this week"),
and not a word that only names the kind of answer or carries no meaning of its own ("what position does
she hold", "what does X stand for"): an evidence sentence that holds none of them does not answer.
Words match by stem, or when one stem of at least PREFIX letters opens the other ("accuse" ~
"accusations", "internationally" ~ "international"; not "country" ~ "counter"), since articles rarely
repeat a question's exact form.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from rag.retrieve.lexical import STOPWORDS, content_terms, content_tokens, stem, words

MIN_SHARE = 0.25  # of the asked terms' weight a sentence must hold (see `addressed`)
PREFIX = 5  # the shorter of two stems, when it opens the longer, makes them one word in another form

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


def interrogative(question: str) -> str:
    """The sentence of `question` that asks (the last one holding a question word), premises dropped."""
    parts = [p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z])", question.strip()) if p.strip()]
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


def asked_terms(question: str) -> frozenset[str]:
    """The stems of `asked_words`."""
    return frozenset(asked_words(question))


def same_word(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return a == b or (len(short) >= PREFIX and long_.startswith(short))


Weight = Callable[[str], float]


def addressed(terms: frozenset[str], text: str, weight: Weight | None = None) -> bool:
    """Whether `text` holds what is asked (True when nothing is asked beyond names): at least one of the
    asked `terms`; with `weight` (a word's rarity in the corpus), terms holding MIN_SHARE of the asked
    terms' weight, so the words every article of the topic uses ("security", "terrorism") do not make
    a same-topic sentence an answer to what is specific in the question."""
    if not terms:
        return True
    have = content_terms(text)
    units = _units(terms)
    held = [u for u in units if _holds(u, have)]
    if weight is None or not held:
        return bool(held)
    total = sum(max(weight(t) for t in u) for u in units)
    return total <= 0 or sum(max(weight(t) for t in u) for u in held) >= MIN_SHARE * total


def _units(terms: frozenset[str]) -> list[tuple[str, ...]]:
    """The asked terms as units of meaning: a hyphenated word with its parts ("counter-terrorism",
    "counter", "terrorism") is one, so a sentence holding it does not count three times."""
    compounds = sorted(t for t in terms if "-" in t)
    parts = {c: tuple(stem(p) for p in c.split("-") if len(p) > 2 and p not in STOPWORDS) for c in compounds}
    absorbed = {p for c in compounds for p in parts[c]}
    return [(c, *parts[c]) for c in compounds] + [(t,) for t in sorted(terms - absorbed - set(compounds))]


def _holds(unit: tuple[str, ...], have: frozenset[str]) -> bool:
    """A single word in any form; a compound as written, run together ("counterterrorism"), or all its parts."""
    head, parts = unit[0], unit[1:]
    if any(same_word(head, h) for h in have):
        return True
    if not parts:
        return False
    return head.replace("-", "") in have or all(any(same_word(p, h) for h in have) for p in parts)
