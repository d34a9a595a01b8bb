"""Quantities a question states ("more than 112,000 vehicles", "about 300 police") and whether a text
states one it admits, and what a "how many" question counts and whether a sentence numbers it: pure
functions (the "quantity" and "counted" constraints of rag/answer/constraints.py)."""
from __future__ import annotations

import re

from rag.retrieve.dates import MONTH_NAMES, is_year
from rag.retrieve.lexical import STOPWORDS, same_word, stem

# (a number glued to a word is part of a name or version, not a quantity: "Covid-19", "v2.0", "GPT-3")
_QUANTITY = re.compile(r"(?:\b(more than|over|at least|nearly|almost|about|around|roughly|some|up to|fewer than|"
                       r"less than|under)\s+)?\$?(?<![\w.-])(\d(?:[\d,]*\d)?(?:\.\d+)?)"
                       r"(?:\s*(million|billion|trillion|thousand|percent|%))?(?=[\s-]+([a-z]+))", re.I)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_APPROX = 0.25  # "about N" is met by a number within 25% of N
# A count written out ("won five awards"): the noun after it is plural; "the two countries", "its three
# members" refer back to things already counted, and "two weeks" is a duration or a relative date.
_WORD_NUMBERS = {w: i for i, w in enumerate("""zero one two three four five six seven eight nine ten eleven twelve
thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty""".split()) if i >= 2}
_WORD_NUMBERS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
_WORD_NUMBER = re.compile(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", re.I)
_WORD_QUANTITY = re.compile(r"\b(?:([A-Za-z]+)\s+)?((?i:" + "|".join(_WORD_NUMBERS) + r"))\s+([a-z]+s)\b")
# before the number: a word referring back, part of a larger number ("two hundred and thirty"), or a
# question word ("which two countries": the count is the question's, not a constraint on the answer)
_NOT_COUNTING = frozenset("""the these those both its their his her our my your all of each every first last and
hundred thousand which what""".split())
_DURATIONS = frozenset("""seconds minutes hours days weeks weekends months years decades centuries times""".split())
_NOT_A_COUNT = re.compile(r"[$€£¥₹%]|\b(?:dollars?|euros?|pounds?|percent|cents?|rupees?|yuan|yen)\b", re.I)


def asked(question: str) -> list[tuple[str, tuple[float, float]]]:
    """Each quantity of `question` as (its label, "112,000 vehicles", and the numbers it admits); a year
    alone ("in 2024") is none."""
    out = []
    for m in _QUANTITY.finditer(question):
        if is_year(m.group(2)) and not m.group(1):
            continue  # a year: the "year" constraint's
        if _not_a_count(question, m.start(2), m.end(2)):
            continue  # "from July 1", "at 8 p.m.": a date or time
        out.append((f"{m.group(0).strip()} {m.group(4)}", _range(m.group(1), m.group(2), m.group(3))))
    for m in _WORD_QUANTITY.finditer(question):
        before, number, noun = (m.group(1) or "").lower(), m.group(2).lower(), m.group(3).lower()
        if before not in _NOT_COUNTING and noun not in _DURATIONS:
            out.append((f"{number} {noun}", (float(_WORD_NUMBERS[number]),) * 2))
    return out


def stated(label: str, admitted: tuple[float, float], text: str) -> bool:
    """Whether `text` states a number the quantity `label` admits; a count ("22 states") is not met by an
    amount of money ("$22") in the text."""
    low, high = admitted
    counted = not _NOT_A_COUNT.search(label)
    return any(low - 1e-9 <= n <= high + 1e-9 for n in _numbers(text, money=not counted))


def _number(text: str, scale: str | None) -> float:
    value = float(text.replace(",", ""))
    return value * _SCALE.get((scale or "").lower(), 1.0)


def _unit(number: str) -> float:
    """The precision a number is written at: 112,000 -> 1,000; 300 -> 100; 7.5 -> 0.1; 22 -> 1."""
    digits = number.replace(",", "")
    if "." in digits:
        return 10.0 ** -len(digits.split(".")[1])
    return 10.0 ** (len(digits) - len(digits.rstrip("0"))) if digits.rstrip("0") else 1.0


def _range(comparator: str | None, number: str, scale: str | None) -> tuple[float, float]:
    """The numbers a question's quantity admits. "More than 112,000" is said of a number that rounds
    down to it at its own precision (112,000-113,000), not of any larger one: a quiz copies its
    article's figure, and same-topic articles give other, larger ones."""
    n = _number(number, scale)
    step = _unit(number) * _SCALE.get((scale or "").lower(), 1.0)
    c = (comparator or "").lower()
    if c in ("more than", "over", "at least"):
        return n, n + step
    if c in ("fewer than", "less than", "under", "up to"):
        return n - step, n
    if c:
        return min(n * (1 - _APPROX), n - step), max(n * (1 + _APPROX), n + step)
    return n, n


# Numbers that count nothing: a clock time ("8 p.m. ET/5 PT", "8:30"), a score or range ("lost 48-32"), a day
# of the month ("Jan. 7"). "Won five awards" is not met by "(8 p.m. ET/5 PT)", nor "in 32 years" by "48-32".
_BEFORE_NOT_A_COUNT = re.compile(r"(?:\d\s*[:–-]|\b(?:" + "|".join(m[:3].capitalize() for m in MONTH_NAMES)
                                 + r")[a-z]*\.?)\s*$")
_AFTER_NOT_A_COUNT = re.compile(r"\s*(?:[:–-]\s*\d|[ap]\.?m\b\.?|(?-i:[ECMP][SD]?T|GMT|UTC)\b)", re.I)


def _not_a_count(text: str, start: int, end: int) -> bool:
    return bool(_BEFORE_NOT_A_COUNT.search(text[max(0, start - 12):start]) or _AFTER_NOT_A_COUNT.match(text, end))


def _numbers(text: str, money: bool = True) -> list[float]:
    """The numbers of `text`; `money=False` (a count is asked) leaves out amounts of money ("$22"), clock
    times, scores and days of the month, which are not counts."""
    out = []
    for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)(?:\s*(million|billion|trillion|thousand|bn|m)\b)?", text, re.I):
        if not money and (re.search(r"[$€£¥₹]\s*$", text[max(0, m.start() - 2):m.start()])
                          or _not_a_count(text, m.start(), m.end(1))):
            continue
        try:
            scale = {"bn": "billion", "m": "million"}.get((m.group(2) or "").lower(), m.group(2))
            out.append(_number(m.group(1), scale))
        except ValueError:
            continue
    out += [float(_WORD_NUMBERS[w.lower()]) for w in _WORD_NUMBER.findall(text)]
    return out


# "How many detention centre officers were treated …?" counts officers: the words after "how many" up to
# the verb (a noun phrase, or a noun and a verb: "how many people die from …").
_HOW_MANY = re.compile(r"\bhow many\s+((?:[A-Za-z][\w'’-]*\s+){0,4}?[A-Za-z][\w'’-]*)(?=\s+(?:were|are|was|is|have|"
                       r"has|had|did|do|does|will|would|can|could|should|may|might|in|of|from|on|at|to|for|still|"
                       r"each|per|during|since|after|before|across|that|who|which|over|by|under|within|between|"
                       r"through|throughout|until|among|around|against|into|with|than|as|when|while|this|last|so|"
                       r"now|the|a|an)\b|\s*[?,.]|$)", re.I)
_COUNT_WORD = (r"\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
               r"forty|fifty|hundred|hundreds|thousand|thousands|dozen|dozens|million|millions|several|all")
# "How many people were killed" is answered by "1,524 violence-related fatalities": news counts people by
# what they are or what befell them.
_PERSONS = frozenset("""people persons individuals residents civilians victims fatalities deaths dead adults
children men women voters workers patients citizens""".split())
_TOKEN = re.compile(r"[A-Za-z][\w'’-]*|\d[\d,.]*")


def counted(question: str) -> tuple[str, ...]:
    """The words of what a "how many" question counts ("detention", "centre", "officers"), or ()."""
    m = _HOW_MANY.search(question)
    return tuple(w.lower() for w in m.group(1).split() if w.lower() not in STOPWORDS) if m else ()


def counts(sentence: str, counted_words: tuple[str, ...]) -> bool:
    """Whether `sentence` puts a number before one of `counted_words` (in any form, up to five words on: "more
    than 70 members", "171 of its jets"), not only numbers of something else ("60 per cent" for "how many years")."""
    tokens = [t.lower() for t in _TOKEN.findall(sentence)]
    numbers = [i for i, t in enumerate(tokens) if re.fullmatch(_COUNT_WORD, t)]
    heads = [stem(w) for w in counted_words] + ([stem(w) for w in _PERSONS] if _PERSONS & set(counted_words) else [])
    return any(same_word(stem(t), h) for i in numbers for t in tokens[i + 1:i + 6] for h in heads)
