"""What counts as a question: the one check every entry point (API, CLI, UI, HTTP service) applies."""
from __future__ import annotations

from typing import Any

from rag.errors import InvalidQuestionError

EMPTY = "Please type a question."


def problem(question: Any, max_chars: int) -> str | None:
    """Why `question` cannot be asked, in words for the person who typed it; None when it can."""
    if not isinstance(question, str) or not question.strip():
        return EMPTY
    length = len(" ".join(question.split()))
    if length > max_chars:
        return (f"That question is {length:,} characters long; the limit is {max_chars:,}. "
                "Please ask something shorter.")
    return None


def validate_question(question: Any, max_chars: int) -> str:
    """The question with its whitespace collapsed, or InvalidQuestionError saying what is wrong."""
    reason = problem(question, max_chars)
    if reason:
        raise InvalidQuestionError(reason)
    return " ".join(question.split())
