"""The names, numbers and dates a claim states, and whether its evidence states them too: pure functions.

Grounding uses this to check a drafted sentence against the passage it cites: "Rybakina won in 2018 [1]"
is not supported by a passage about 2022 even when every other word matches. Numbers and dates must be
the evidence's own (its text, title or date), and a number the evidence gives only as the day of a date
("Oct. 23, 2019") is not a quantity in the claim ("revenue was 23"); names may also come from the
question, which the answer is allowed to repeat, but for the parties it asks about each.
"""
from __future__ import annotations

import re

from rag.answer import markers
from rag.answer.focus import Name, parties, question_names, vocabulary
from rag.retrieve.dates import CALENDAR_WORDS, MONTH_NAMES
from rag.retrieve.lexical import content_terms
from rag.types import Passage

_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")
_MONTH = re.compile(r"\b(" + "|".join(m.capitalize() for m in MONTH_NAMES) + r")\b")


def _norm_number(token: str) -> str:
    token = token.replace(",", "").rstrip(".")
    if "." in token:
        token = token.rstrip("0").rstrip(".")
    return token


def numbers(text: str) -> set[str]:
    """Numbers written in digits, normalised ("1,524" -> "1524", "7.50" -> "7.5")."""
    return {_norm_number(m.group(0)) for m in _NUMBER.finditer(text)}


_MONTH_ABBR = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY_OF_MONTH = re.compile(rf"\b{_MONTH_ABBR}\s+(\d{{1,2}})(?!\d)|"
                           rf"(?<![\d,.])(\d{{1,2}})\s+{_MONTH_ABBR}(?![a-z])", re.I)


def date_days(text: str) -> set[str]:
    """Numbers written as the day of a date ("Oct. 23", "23 October")."""
    return {m.group(1) or m.group(2) for m in _DAY_OF_MONTH.finditer(text)}


def _roles(claim: str, text: str) -> list[str]:
    """Numbers the evidence has only as the day of a date but the claim uses otherwise ("revenue was 23")."""
    days_in_claim = date_days(claim)
    days = date_days(text)
    plain = {_norm_number(m.group(0)) for m in _NUMBER.finditer(_DAY_OF_MONTH.sub(" ", text))}
    return sorted(n for n in numbers(claim) if n in days and n not in plain and n not in days_in_claim)


ROLE_WINDOW = 48  # characters either side of a number: the words saying what it counts ("$5 billion program")


_SENTENCE_END = re.compile(r"[.!?]\s+")
_SCALE = frozenset("hundred thousand million billion trillion percent per cent".split())
_YEARLIKE = re.compile(r"(?:19|20)\d\d")


def _beside(text: str) -> dict[str, list[frozenset[str]]]:
    """For each number `text` writes, the content words beside each place it does, within its sentence (not its
    scale)."""
    out: dict[str, list[frozenset[str]]] = {}
    for m in _NUMBER.finditer(text):
        left = _SENTENCE_END.split(text[max(0, m.start() - ROLE_WINDOW):m.start()])[-1]
        right = _SENTENCE_END.split(text[m.end():m.end() + ROLE_WINDOW])[0]
        beside = f"{left} {right}"
        # and symbols: "β1 = 0.9" (content_terms keeps plain Latin words only)
        words = content_terms(beside) | {w for w in re.findall(r"\w+", beside.lower()) if not w.isascii()}
        out.setdefault(_norm_number(m.group(0)), []).append(words - _SCALE)
    return out


def _other_role(claim: str, text: str, question: str) -> list[str]:
    """Numbers of the claim (not the question's, not years) that the evidence writes only beside other words:
    "The EPA has awarded $5 billion for electric school buses" is not "The $5 billion program includes …"."""
    out = []
    in_claim, in_text = _beside(claim), _beside(text)
    for n in sorted(numbers(claim) - numbers(question)):
        if _YEARLIKE.fullmatch(n):
            continue
        said = frozenset().union(*in_claim.get(n, [])) - numbers(claim)
        places = in_text.get(n, [])
        if said and places and not any(said & place for place in places):
            out.append(n)
    return out


def months(text: str) -> set[str]:
    return {m.group(1).lower() for m in _MONTH.finditer(text) if not _is_modal_may(text, m)}


def _is_modal_may(text: str, m: re.Match) -> bool:
    return (m.group(1) == "May" and not re.match(r"\s*\d", text[m.end():])
            and not re.search(r"\bin\s*$", text[:m.start()]))


def names(text: str) -> list[Name]:
    """Capitalised runs and acronyms (not the first word), as `rag.answer.focus` reads a question."""
    return [n for n in question_names(text) if not all(w.isdigit() or w in CALENDAR_WORDS for w in n.words)]


def _date_parts(date: str) -> tuple[set[str], set[str]]:
    """A passage's ISO date as numbers (year, day) and month name."""
    m = re.match(r"(\d{4})-(\d{2})(?:-(\d{2}))?", date or "")
    if not m:
        return set(), set()
    nums = {m.group(1)} | ({str(int(m.group(3)))} if m.group(3) else set())
    return nums, {MONTH_NAMES[int(m.group(2)) - 1]} if 1 <= int(m.group(2)) <= 12 else set()


def missing(claim: str, evidence: list[Passage], question: str | None = None) -> list[str]:
    """What `claim` states that none of `evidence` does: numbers, month names and names (as written)."""
    claim = markers.strip(claim, " ")
    text = "\n".join(f"{p.title}\n{p.text}" for p in evidence)
    have_numbers = numbers(text)
    have_months = months(text)
    for p in evidence:
        nums, month = _date_parts(p.date)
        have_numbers |= nums
        have_months |= month
    out = [n for n in sorted(numbers(claim)) if n not in have_numbers] + _roles(claim, text)
    out += _other_role(claim, text, question or "")
    out += [m for m in sorted(months(claim)) if m not in have_months]
    vocab = vocabulary(text)
    asked = vocabulary(question) if question else frozenset()
    # a party the question asks about each ("the US and China each") is no name to repeat: what the claim says
    # of it must be what the evidence says of it
    each = [p.words for p in parties(question)] if question else []
    out += [" ".join(sorted(n.words)) for n in names(claim) if not n.found_in(vocab) and not (
        n.found_in(asked) and not any(n.words & words for words in each))]
    return out
