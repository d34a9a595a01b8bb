"""The extractive backend: answers with the best evidence sentences, verbatim, each with its marker.

No model, no invention: every word of the answer is a word of the articles.
"""
from __future__ import annotations

import re
from typing import Iterator

from rag.answer import wellformed
from rag.config import Config
from rag.retrieve.lexical import content_terms
from rag.types import Passage, ScoredSentence

RELATIVE_MARGIN = 0.12  # extra sentences must score within this of the best one
_LEADING_BULLET = re.compile(r"^(?:[•·▪‣◦*-]|\d+[.)])\s+")


def _redundant(terms: set[str], chosen: list[set[str]]) -> bool:
    for other in chosen:
        union = terms | other
        if union and len(terms & other) / len(union) > 0.6:
            return True
    return False


def select_sentences(evidence: list[Passage], max_sentences: int, floor: float) -> list[tuple[int, ScoredSentence]]:
    # a headline or a line cut before its object is not an answer sentence (rag/answer/wellformed.py)
    pool = [(i, s) for i, p in enumerate(evidence, 1) for s in p.evidence
            if not (wellformed.is_headline(s.text) or wellformed.is_cut_short(s.text))]
    pool.sort(key=lambda x: x[1].score, reverse=True)
    if not pool:
        return []
    best = pool[0][1].score
    picked: list[tuple[int, ScoredSentence]] = []
    seen_spans: set[tuple[str, int]] = set()
    chosen_terms: list[set[str]] = []
    for i, s in pool:
        if len(picked) >= max_sentences or s.score < max(floor, best - RELATIVE_MARGIN):
            break
        span = (evidence[i - 1].doc_id, s.start)
        terms = content_terms(s.text)
        if span in seen_spans or _redundant(terms, chosen_terms):
            continue  # overlapping chunks repeat sentences; wire copies repeat facts
        seen_spans.add(span)
        chosen_terms.append(terms)
        picked.append((i, s))
    return picked


class ExtractiveGenerator:
    name = "extractive"

    def __init__(self, config: Config):
        self.max_sentences = config.max_answer_sentences
        self.floor = config.min_evidence

    def stream(self, question: str, evidence: list[Passage]) -> Iterator[str]:
        for k, (i, sentence) in enumerate(select_sentences(evidence, self.max_sentences, self.floor)):
            text = _LEADING_BULLET.sub("", sentence.text.strip())
            if text[-1:].isalnum():
                text += "."  # a headline or list item quoted as a sentence
            yield ("" if k == 0 else " ") + text + f" [{i}]"
