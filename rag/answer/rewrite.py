"""Make a follow-up question stand alone before retrieval.

"Which of them did the US designate a terrorist organization?" means nothing without the turn before
it. Without a language model we carry the previous question's content words into the query when the
follow-up leans on the conversation (a pronoun or demonstrative, or too few words of its own).
"""
from __future__ import annotations

import re

from rag.retrieve.lexical import content_terms

_ANAPHORA = re.compile(r"\b(?:they|them|their|theirs|it|its|this|that|these|those|he|she|him|her|his|"
                       r"hers|there|then|the same|the former|the latter|which of|what about|and)\b", re.I)


def needs_context(question: str) -> bool:
    return bool(_ANAPHORA.search(question)) or len(content_terms(question)) < 3


def standalone_question(question: str, history: list[tuple[str, str]] | None) -> str:
    """Return `question`, or question plus the context it refers to (last user turn first)."""
    if not history or not needs_context(question):
        return question
    previous = [turn[0] for turn in history if turn and turn[0]][-2:]
    if not previous:
        return question
    return f"{question.strip()} (context: {' / '.join(reversed(previous))})"
