"""Sentence splitting with character spans, tuned for news prose (abbreviations, initials, bullets).

A pure function with no model or download (NLTK's punkt would need data files), so that chunk
boundaries, citation sentences and grounding all agree on what a sentence is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end with a period without ending a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "lt", "col", "capt", "sgt", "gov", "sen",
    "rep", "pres", "rev", "hon", "inc", "ltd", "co", "corp", "no", "vs", "etc", "approx", "est", "dept",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "al",
    "e.g", "i.e", "u.s", "u.k", "u.n", "a.m", "p.m",
}
# A candidate boundary: terminal punctuation (optionally closed by quotes/brackets), then space or
# a capital letter glued on ("nations.This"), or a newline.
_BOUNDARY = re.compile(r"""([.!?]+["'”’)\]]*)(\s+|(?=[A-Z][a-z]))|\n+""")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


_LOOKBACK = 64  # characters searched for the word before a period: the whole prefix made splitting quadratic


def _is_abbreviation(text: str, dot_at: int) -> bool:
    match = _WORD_BEFORE.search(text, max(0, dot_at - _LOOKBACK), dot_at)
    if not match:
        return False
    word = match.group(1).lower().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    # Initials and dotted acronyms: "D.", "U.S.", "A.B.C."
    return bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", word))


# Words a sentence does not end on: a line that ends with one was wrapped inside its sentence.
_CONTINUING = {
    "a", "an", "the", "to", "of", "in", "on", "at", "by", "for", "from", "with", "into", "onto", "over",
    "under", "about", "as", "and", "or", "but", "nor", "that", "which", "who", "whose", "than", "its",
    "their", "his", "her", "our", "your", "is", "are", "was", "were", "be", "been", "has", "have", "had",
}
_LAST_WORD = re.compile(r"([A-Za-z]+)[,;]?[ \t]*$")


def _wrapped_line(text: str, match: re.Match) -> bool:
    """A single line break inside a sentence (hard-wrapped text), not one between lines of their own
    (headlines, list items, bylines): the next line starts in lower case, or the line before ends on a
    word no sentence ends with."""
    if match.group(0) != "\n":
        return False  # a blank line (or several breaks) always ends the sentence
    after = text[match.end():match.end() + 1]
    if not after or after.isspace() or after in "-*•":
        return False
    if after.islower():
        return True
    line_start = text.rfind("\n", 0, match.start()) + 1
    last = _LAST_WORD.search(text, line_start, match.start())
    return last is not None and last.group(1).lower() in _CONTINUING


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Split `text` into sentences; spans are `offset`-based positions in the original string."""
    sentences: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(1) is not None:
            dot_at = match.start(1)
            if text[dot_at] == "." and _is_abbreviation(text, dot_at):
                continue  # "U.S. and", "Gregory D. LoGerfo": not a boundary
            end = match.end(1)
        else:
            if _wrapped_line(text, match):
                continue  # a hard-wrapped line goes on: "carries 40 passengers to\nSkerry Island"
            end = match.start()
        _append(sentences, text, start, end, offset)
        start = match.end()
    _append(sentences, text, start, len(text), offset)
    return sentences


def _append(out: list[Sentence], text: str, start: int, end: int, offset: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    s = start + lead
    e = s + len(stripped)
    out.append(Sentence(stripped, s + offset, e + offset))
