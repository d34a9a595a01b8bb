"""What the product says when the articles do not answer, and how it recognises a model saying so."""
from __future__ import annotations

import re

from rag.answer import constraints
from rag.answer.markers import MARKER_RUN, cite
from rag.types import Passage

REFUSAL = "The articles do not say."
# A sentence of a draft saying that the passages do not say something (left out before grounding).
_DECLINING_SENTENCE = re.compile(r"[^.!?]*\b(?:do|does|did) not (?:say|mention|state)\b[^.!?]*[.!?]?(?:"
                                 + MARKER_RUN.pattern + ")?", re.I)


def refusal_text(question: str) -> str:
    return f"{REFUSAL} None of the indexed passages answers “{question}”."


def partial_text(near: constraints.NearMiss, passage: Passage) -> str:
    """ "The articles do not say for 2018. They cover 2022: <sentence> [1]" """
    asked = ", ".join(c.label for c in near.missing)
    instead = constraints.covered(near, passage)
    sentence = " ".join(near.sentence.text.split()).rstrip()
    if sentence[-1:].isalnum():
        sentence += "."
    lead = f"They cover {instead}:" if instead else "The closest they come:"
    return f"{REFUSAL[:-1]} for {asked}. {lead} {sentence} {cite(1)}"


def declines(draft: str) -> bool:
    """The draft says the articles do not answer (the reply the prompt asks for in that case)."""
    flat = " ".join(draft.lower().split())
    return REFUSAL.lower().rstrip(".") in flat or "do not say" in flat or "don't say" in flat


def without_declining_sentences(draft: str) -> str:
    return _DECLINING_SENTENCE.sub(" ", draft)
