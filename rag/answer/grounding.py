"""Check a draft answer against its evidence and turn its `[i]` markers into numbered citations.

- markers that point at no evidence passage are dropped;
- every sentence must be supported by a passage it cites (term coverage, or semantic similarity to
  one of the passage's sentences); an uncited sentence gets the passage that supports it, if any;
- markers are renumbered 1..n in order of first appearance, one citation per distinct passage.
Sentences left unsupported are reported, so the chain can fall back to the extractive answer or refuse.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.ingest.sentences import split_sentences
from rag.retrieve.lexical import content_terms
from rag.types import Citation, Passage, ScoredSentence

MARKER = re.compile(r"\s?\[(\d+(?:\s*,\s*\d+)*)\]")
MIN_COVERAGE = 0.6  # share of a claim's content words found in the passage it cites


@dataclass
class Grounded:
    text: str
    citations: list[Citation]
    unsupported: list[str] = field(default_factory=list)
    dropped_markers: int = 0


def _support(claim_terms: set[str], passage: Passage) -> float:
    if not claim_terms:
        return 1.0
    return len(claim_terms & content_terms(passage.text)) / len(claim_terms)


def _best_sentence(claim: str, passage: Passage) -> ScoredSentence | None:
    terms = content_terms(claim)
    pool = passage.evidence or [ScoredSentence(s.text, s.start, s.end, 0.0)
                                for s in split_sentences(passage.text, offset=passage.start)]
    if not pool:
        return None
    return max(pool, key=lambda s: (len(terms & content_terms(s.text)), s.score))


MARKER_RUN = re.compile(r"(?:\s*\[\d+(?:\s*,\s*\d+)*\])+")


def claims(draft: str) -> list[tuple[str, list[int]]]:
    """Split a draft into (claim, marker numbers): markers belong to the sentence they follow; a
    segment of several sentences before a marker run leaves the earlier ones uncited."""
    out: list[tuple[str, list[int]]] = []
    pos = 0
    for run in MARKER_RUN.finditer(draft):
        numbers = [int(n) for n in re.findall(r"\d+", run.group(0))]
        sentences = [x.text for x in split_sentences(draft[pos:run.start()])]
        pos = run.end()
        if not sentences:  # markers with no text of their own: they extend the previous claim
            if out:
                out[-1] = (out[-1][0], out[-1][1] + numbers)
            continue
        out.extend((text, []) for text in sentences[:-1])
        out.append((sentences[-1], numbers))
    out.extend((x.text, []) for x in split_sentences(draft[pos:]))
    return out


def ground(draft: str, evidence: list[Passage]) -> Grounded:
    out_sentences: list[str] = []
    order: dict[int, int] = {}  # evidence index (1-based) -> citation number
    supporting: dict[int, ScoredSentence | None] = {}
    unsupported: list[str] = []
    dropped = 0
    for claim, numbers in claims(draft):
        cited: list[int] = []
        for i in numbers:
            if not 1 <= i <= len(evidence):
                dropped += 1
            elif i not in cited:
                cited.append(i)
        claim = claim.strip()
        if not claim or not re.search(r"\w", claim):
            continue
        terms = content_terms(claim)
        supported = [i for i in cited if _support(terms, evidence[i - 1]) >= MIN_COVERAGE]
        if not supported:
            ranked = sorted(range(1, len(evidence) + 1), key=lambda i: _support(terms, evidence[i - 1]), reverse=True)
            supported = [i for i in ranked[:1] if _support(terms, evidence[i - 1]) >= MIN_COVERAGE]
        if not supported:
            unsupported.append(claim)
            continue
        refs = []
        for i in supported:
            if i not in order:
                order[i] = len(order) + 1
                supporting[i] = _best_sentence(claim, evidence[i - 1])
            refs.append(order[i])
        out_sentences.append(claim + " " + "".join(f"[{n}]" for n in refs))
    citations = [_citation(n, evidence[i - 1], supporting[i]) for i, n in sorted(order.items(), key=lambda x: x[1])]
    return Grounded(" ".join(out_sentences), citations, unsupported, dropped)


def _citation(n: int, p: Passage, sentence: ScoredSentence | None) -> Citation:
    return Citation(n=n, source=p.name, title=p.title, text=p.text, start=p.start, end=p.end,
                    score=p.evidence[0].score if p.evidence else p.score,
                    sentence=sentence.text if sentence else "",
                    sentence_start=sentence.start if sentence else -1,
                    sentence_end=sentence.end if sentence else -1,
                    date=p.date, publisher=p.source, doc_id=p.doc_id)


def dangling_markers(text: str, citations: list[Citation]) -> list[int]:
    """Numbers used as [n] in `text` that no citation carries."""
    known = {c.n for c in citations}
    used = {int(n) for m in MARKER.finditer(text) for n in re.split(r"\s*,\s*", m.group(1))}
    return sorted(used - known)
