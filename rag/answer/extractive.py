"""The extractive backend: answers with the best evidence sentences, verbatim, each with its marker.

No model, no invention: every word of the answer is a word of the articles.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from rag.answer import markers, wellformed
from rag.answer.constraints import asks_for_list, question_parts
from rag.answer.focus import parties
from rag.config import Config
from rag.retrieve.evidence import is_labelled, list_intro
from rag.retrieve.lexical import content_terms
from rag.types import Passage, ScoredSentence

RELATIVE_MARGIN = 0.12  # extra sentences must score within this of the best one
LIST_MARGIN, LIST_EXTRA = 0.15, 1  # a list question gathers items across passages: a wider margin, more sentences
_LEADING_BULLET = re.compile(r"^(?:[•·▪‣◦*-]|\d+[.)])\s+")


def _redundant(terms: frozenset[str], chosen: list[frozenset[str]]) -> bool:
    for other in chosen:
        union = terms | other
        if union and len(terms & other) / len(union) > 0.6:
            return True
    return False


def select_sentences(evidence: list[Passage], max_sentences: int, floor: float,
                     margin: float = RELATIVE_MARGIN) -> list[tuple[int, ScoredSentence]]:
    # a headline, a line cut before its object or one with no verb is not an answer sentence (rag/answer/wellformed.py)
    pool = [(i, s) for i, p in enumerate(evidence, 1) for s in p.evidence
            if wellformed.can_answer(s.text) and wellformed.has_verb(s.text)]
    pool.sort(key=lambda x: x[1].score, reverse=True)
    if not pool:
        return []
    best = pool[0][1].score
    picked: list[tuple[int, ScoredSentence]] = []
    seen_spans: set[tuple[str, int]] = set()
    chosen_terms: list[frozenset[str]] = []
    for i, s in pool:
        if len(picked) >= max_sentences or s.score < max(floor, best - margin):
            break
        span = (evidence[i - 1].doc_id, s.start)
        terms = content_terms(s.text)
        if span in seen_spans or _redundant(terms, chosen_terms):
            continue  # overlapping chunks repeat sentences; wire copies repeat facts
        seen_spans.add(span)
        chosen_terms.append(terms)
        picked.append((i, s))
    return picked


def other_parts(question: str, evidence: list[Passage], picked: list[tuple[int, ScoredSentence]],
                floor: float) -> list[tuple[int, ScoredSentence]]:
    """For each part of a two-part question the chosen sentences do not address (none holds more than
    half of that part's own content words), the evidence sentence (above `floor`) covering it best."""
    parts = question_parts(question)
    if len(parts) < 2:
        return []
    added: list[tuple[int, ScoredSentence]] = []
    for k, part in enumerate(parts):
        own = content_terms(part) - frozenset().union(*(content_terms(p) for j, p in enumerate(parts) if j != k))
        if not own or any(len(own & content_terms(s.text)) * 2 > len(own) for _, s in picked + added):
            continue
        taken = {(evidence[i - 1].doc_id, s.start) for i, s in picked + added}
        pool = [(len(own & content_terms(s.text)), s.score, i, s) for i, p in enumerate(evidence, 1)
                for s in p.evidence if s.score >= floor and not wellformed.is_headline(s.text)
                and (p.doc_id, s.start) not in taken]
        best = max(pool, key=lambda x: (x[0], x[1]), default=None)
        if best and best[0]:
            added.append((best[2], best[3]))
    return added


def each_party(question: str, evidence: list[Passage], picked: list[tuple[int, ScoredSentence]],
               floor: float) -> list[tuple[int, ScoredSentence]]:
    """For "What training have the US and China each given …?", the best sentence (above `floor`) naming a
    party the chosen sentences leave out, in the sentence or its article's title: each party's own answer."""
    added: list[tuple[int, ScoredSentence]] = []
    for name in parties(question):
        chosen = picked + added
        if any(name.named_by(s.text, evidence[i - 1].title) for i, s in chosen):
            continue
        taken = {(evidence[i - 1].doc_id, s.start) for i, s in chosen}
        pool = [(s.score, i, s) for i, p in enumerate(evidence, 1) for s in p.evidence
                if s.score >= floor and (p.doc_id, s.start) not in taken and wellformed.can_answer(s.text)
                and wellformed.has_verb(s.text) and name.named_by(s.text, p.title)]
        best = max(pool, key=lambda x: x[0], default=None)
        if best:
            added.append((best[1], best[2]))
    return added


LIST_ITEMS = 5  # at most this many items of one list, with the one that was picked


def list_siblings(evidence: list[Passage], picked: list[tuple[int, ScoredSentence]]
                  ) -> list[tuple[int, ScoredSentence]]:
    """For a picked labelled item of a list or table ("Greater Coverage | Expanded access …"), the other
    labelled items under the same introduction that meet every constraint (not pushed below zero) and state
    something, in their passage's order: "What benefits are expected …?" is answered by the table's rows,
    not by the one row that scored best. (A list of whole sentences, "Key takeaways", is not a list of kinds.)"""
    added: list[tuple[int, ScoredSentence]] = []
    taken = {(evidence[i - 1].doc_id, s.start) for i, s in picked}
    for i, s in picked:
        passage = evidence[i - 1]
        intro = list_intro(s.text, passage.text) if is_labelled(s.text) else ""
        if not intro:
            continue
        siblings = sorted((t for t in passage.evidence if t.score >= 0 and (passage.doc_id, t.start) not in taken
                           and is_labelled(t.text) and wellformed.can_answer(t.text) and wellformed.has_verb(t.text)
                           and list_intro(t.text, passage.text) == intro), key=lambda t: t.start)
        for t in siblings[:LIST_ITEMS - 1]:
            taken.add((passage.doc_id, t.start))
            added.append((i, t))
    return added


class ExtractiveGenerator:
    name = "extractive"

    def __init__(self, config: Config):
        self.max_sentences = config.max_answer_sentences
        self.floor = config.min_evidence

    def stream(self, question: str, evidence: list[Passage]) -> Iterator[str]:
        listing = asks_for_list(question)
        picked = select_sentences(evidence, self.max_sentences + (LIST_EXTRA if listing else 0),
                                  self.floor, LIST_MARGIN if listing else RELATIVE_MARGIN)
        picked += other_parts(question, evidence, picked, self.floor)
        picked += each_party(question, evidence, picked, self.floor)
        if listing:
            picked += list_siblings(evidence, picked)
        for k, (i, sentence) in enumerate(picked):
            text = _LEADING_BULLET.sub("", " ".join(sentence.text.split()))  # wrapped lines joined
            if text[-1:].isalnum():
                text += "."  # a headline or list item quoted as a sentence
            yield ("" if k == 0 else " ") + text + " " + markers.cite(i)
