"""Make a follow-up question stand alone before retrieval — only when it depends on the conversation.

"Which of them did the US designate a terrorist organization?" means nothing without the turn before
it. Without a language model we carry the previous question's content words into the query when the
follow-up leans on the conversation. A question that names its own subject ("Who is the mayor of
Zengaltash?" after a question about Venixomi) is asked as it is: gluing the previous question onto it
would retrieve the previous topic and answer the wrong question.

What counts as leaning on the conversation, by kind:
- a personal or possessive pronoun ("they", "its", "him"), "the former/latter", "the same", "which of";
- an opening that continues the last question ("And …?", "What about …?", "How about …?", "Also …");
- a demonstrative ("that deal", "there", "then") or too few words to stand alone ("Who is the mayor?"),
  unless the question names its own subject (a name, acronym or year).
"""
from __future__ import annotations

import re

from rag.answer.focus import question_names
from rag.retrieve.lexical import content_terms

_PRONOUN = re.compile(r"\b(?:they|them|their|theirs|themselves|it|its|itself|he|she|him|her|his|hers|himself|"
                      r"herself|the same|the former|the latter|which of|each of|both of|either of|neither of)\b", re.I)
_CONTINUATION = re.compile(r"^\s*(?:and|also|but|so|or|what about|how about|what else|anything else|why not|"
                           r"what if|and what|same for|then)\b", re.I)
_DEMONSTRATIVE = re.compile(r"\b(?:this|that|these|those|there|then|such)\b", re.I)
MIN_OWN_TERMS = 3  # content words a question without a name needs to stand alone
# The asking part of an earlier question: its topic is context, its question ("how many …") is not, or the
# follow-up "Who is building it?" would be scored as a question for a number.
_ASKING = re.compile(r"^\s*(?:(?:how\s+(?:many|much|long|far|old|often)|what|which|who|whom|whose|when|where|why|how)"
                     r"\b(?:\s+(?:is|are|was|were|did|does|do|has|have|had|will|would|can|could|should))?\s*)+|\?+\s*$",
                     re.I)
_MEASURED_FOR = re.compile(r"^\s*how\s+(?:many|much)\b.*?\b(?:for|of|in|on|at|by|about|from|to)\s+(.+?)\?*\s*$", re.I)


def needs_context(question: str) -> bool:
    """Does `question` depend on the conversation before it?"""
    if _PRONOUN.search(question) or _CONTINUATION.search(question):
        return True
    if question_names(question):
        return False  # it names its own subject
    return bool(_DEMONSTRATIVE.search(question)) or len(content_terms(question)) < MIN_OWN_TERMS


def standalone_question(question: str, history: list[tuple[str, str]] | None) -> str:
    """Return `question`, or question plus the context it refers to (last user turn first)."""
    if not history or not needs_context(question):
        return question
    previous = [topic(turn[0]) for turn in history if turn and turn[0]][-2:]
    previous = [p for p in previous if p]
    if not previous:
        return question
    return f"{question.strip()} (context: {' / '.join(reversed(previous))})"


def topic(question: str) -> str:
    """What an earlier question is about, without what it asked for: "Which groups did the dialogue
    target?" -> "groups did the dialogue target"; for a quantity, the thing measured is the question, so
    "How many rupees were approved for the stadium in Venixomi?" -> "the stadium in Venixomi"."""
    about = _ASKING.sub("", question).strip()
    measured = _MEASURED_FOR.match(question)
    if measured and content_terms(measured.group(1)):
        return measured.group(1).strip()
    return about
