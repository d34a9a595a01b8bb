"""The negative-rejection variant of a gold set: the same questions with the passages that answer them
left out, so only same-topic passages remain and the right behaviour is to say the articles do not say.

A passage "names the answer" when it comes from one of the question's gold sources, contains one of its
required facts (any alternative, whole words), or overlaps one of its reference contexts (llama-datasets).
The exclusion happens at retrieval time (`RAG.ask(..., exclude=…)`), so the index is shared with the
ordinary run. Questions already unanswerable stay as they are.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from eval import metrics as m
from eval.gold import GoldItem

Exclude = Callable[[object], bool]


def names_answer(item: GoldItem) -> Exclude:
    """A predicate on passages (`.name`, `.title`, `.text`): True for the ones that answer `item`."""
    def excluded(passage: object) -> bool:
        name = getattr(passage, "name", "")
        text = f"{getattr(passage, 'title', '')}\n{getattr(passage, 'text', '')}"
        if item.sources and m.source_matches(name, item.sources):
            return True
        if any(m.fact_present(text, alts) for alts in item.facts):
            return True
        return any(m.context_overlap(text, c) >= 0.5 for c in item.contexts)

    return excluded


def negative_variant(items: list[GoldItem]) -> list[tuple[GoldItem, Exclude | None]]:
    """Every question as unanswerable, the answerable ones with their answering passages excluded."""
    out: list[tuple[GoldItem, Exclude | None]] = []
    for item in items:
        if not item.answerable:
            out.append((item, None))
        elif item.facts or item.sources or item.contexts:
            out.append((replace(item, answerable=False, id=f"{item.id}-neg"), names_answer(item)))
    return out
