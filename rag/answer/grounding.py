"""Check a draft answer against its evidence and turn its `[i]` markers into numbered citations.

- markers that point at no evidence passage are dropped;
- every sentence must be supported by a passage it cites: it covers the claim's content words, and
  every name, number and date the claim states is in that passage (names may also come from the
  question; numbers and dates must be the evidence's own, so a question's year is not carried over
  to evidence about another year: rag/answer/entities.py); a claim its citation does not support is
  re-cited to the passage that does, or dropped; an uncited sentence gets the passage that supports it;
- headlines and sentences cut before their object are left out, and a claim with no verb (a bare
  name) is replaced by the evidence sentence that states it (rag/answer/wellformed.py);
- a supported sentence that does not answer is left out: one that only restates the question (no
  content word beyond the question's; needs `question`), or one resting on a sentence the chain's
  evidence scoring ranks far below the best evidence for the question (a small model copying the
  wrong line), unless it is an item of a list another kept claim is an item of; and an answer none of
  whose sentences rests on the best evidence (within `ANCHOR_MARGIN` of the top score, the sentences the
  extractive answer quotes) misses the point: all of it is left out; so does one leaving out a party the
  question asks about each ("the US and China each");
- markers are renumbered 1..n in order of first appearance, one citation per distinct passage.
Sentences left unsupported are reported; the rest of the draft stands (the chain falls back to the
extractive answer only when nothing is left);
so are the ones left out (`off_topic`): an answer with nothing left has no citations, and the chain
falls back the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.answer import entities, markers, wellformed
from rag.answer.focus import parties
from rag.ingest.sentences import split_sentences
from rag.retrieve.evidence import answer_type, has_answer_type, is_labelled, list_intro, question_words
from rag.retrieve.lexical import content_terms
from rag.types import Citation, Passage, ScoredSentence

MIN_COVERAGE = 0.6  # share of a claim's content words found in the passage it cites
OFF_TOPIC_MARGIN = 0.3  # evidence score below the best sentence's at which a claim is off the question
ANCHOR_MARGIN = 0.12  # some claim must rest on a sentence this close to the best (the extractive answer's margin)


@dataclass
class Grounded:
    text: str
    citations: list[Citation]
    unsupported: list[str] = field(default_factory=list)
    dropped_markers: int = 0
    off_topic: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)  # headlines and cut sentences, left out


def _support(claim_terms: frozenset[str], passage: Passage) -> float:
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


_LEADING_BULLET = re.compile(r"^(?:[•·▪‣◦*-]|\d+[.)])\s+")


def claims(draft: str) -> list[tuple[str, list[int]]]:
    """Split a draft into (claim, marker numbers): markers belong to the sentence they follow; a
    segment of several sentences before a marker run leaves the earlier ones uncited."""
    out: list[tuple[str, list[int]]] = []
    pos = 0
    for run in markers.MARKER_RUN.finditer(draft):
        numbers = markers.numbers(run.group(0))
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


def _supporting(claim: str, terms: frozenset[str], cited: list[int], evidence: list[Passage],
                question: str | None) -> list[int]:
    """The passages (1-based) that support `claim`: the cited ones when together they cover its words and
    hold every name, number and date it states; else the single best other passage that does (the claim
    is re-cited); else none."""
    covering = [i for i in cited if _support(terms, evidence[i - 1]) >= MIN_COVERAGE]
    if covering and not entities.missing(claim, [evidence[i - 1] for i in covering], question):
        return covering
    ranked = sorted(range(1, len(evidence) + 1), key=lambda i: _support(terms, evidence[i - 1]), reverse=True)
    for i in ranked:
        if _support(terms, evidence[i - 1]) < MIN_COVERAGE:
            break
        if not entities.missing(claim, [evidence[i - 1]], question):
            return [i]
    return []


def _restates(terms: frozenset[str], q_terms: frozenset[str], numbers_beyond_question: bool = False) -> bool:
    """True when a claim only restates the question (a number the question lacks is no restatement: "Lee took
    3 for 77" answers "Lee took how many for 77?")."""
    return bool(q_terms) and bool(terms) and all(_asked(t, q_terms) for t in terms) and not numbers_beyond_question


def _below(claim: str, passages: list[Passage], floor: float | None) -> bool:
    """True when every passage supporting `claim` does so only with a sentence scored below `floor` for the
    question."""
    return floor is not None and _support_score(claim, passages) < floor


def _asked(term: str, q_terms: frozenset[str]) -> bool:
    """The question has this content word (or another form of it: "approv" / "approve")."""
    return term in q_terms or any(min(len(term), len(q)) >= 4 and (q.startswith(term) or term.startswith(q))
                                  for q in q_terms)


def _support_score(claim: str, passages: list[Passage]) -> float:
    """The chain's evidence score of the best sentence supporting `claim` (inf: passages unscored)."""
    best = float("-inf")
    for p in passages:
        sentence = _best_sentence(claim, p) if p.evidence else None
        if sentence is None:
            return float("inf")
        best = max(best, sentence.score)
    return best


def _list_item(claim: str, passage: Passage) -> tuple[str, str] | None:
    """(article, introduction) when the sentence of `passage` best supporting `claim` is a labelled item of a
    list or table ("- Joint Operations: …" under "Among the key elements of this partnership are:")."""
    sentence = _best_sentence(claim, passage)
    if sentence is None or not is_labelled(sentence.text):
        return None
    intro = list_intro(sentence.text, passage.text)
    return (passage.doc_id, intro) if intro else None


def ground(draft: str, evidence: list[Passage], question: str | None = None,
           anchors: list[Passage] | None = None) -> Grounded:
    """`draft` with each claim kept only where `evidence` supports it, re-cited or dropped otherwise.
    `anchors`: the same passages scored for answering (`evidence` may give context sentences their score
    back, rag/answer/constraints.as_context): some claim must rest on one of their best sentences, so a
    draft built on context alone ("28 points in Delaware's 88-85 loss to Rider" for the Princeton game)
    is no answer."""
    out_sentences: list[str] = []
    order: dict[int, int] = {}  # evidence index (1-based) -> citation number
    supporting: dict[int, ScoredSentence | None] = {}
    unsupported: list[str] = []
    off_topic: list[str] = []
    malformed: list[str] = []
    dropped = 0
    q_terms = content_terms(question) if question else frozenset()
    # the best evidence an answer could quote: a headline scoring high against its own article's question
    # must not push every real sentence below the margins
    top = max((s.score for p in evidence for s in p.evidence if wellformed.can_answer(s.text)), default=None)
    floor = None if top is None else top - OFF_TOPIC_MARGIN
    anchors = anchors or evidence
    best = max((s.score for p in anchors for s in p.evidence if wellformed.can_answer(s.text)), default=None)
    anchored = best is None
    kept: list[str] = []
    contexts: list[str] = []  # the passage each kept claim rests on
    titles: list[str] = []  # and its article's title
    lists: set[tuple[str, str]] = set()  # (article, introduction) of the lists a kept claim is an item of
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
        if not wellformed.can_answer(claim):
            malformed.append(claim)
            continue
        terms = content_terms(claim)
        supported = _supporting(claim, terms, cited, evidence, question)
        if not supported:
            unsupported.append(claim)
            continue
        beyond = bool(question) and bool(entities.numbers(claim) - entities.numbers(question or ""))
        item = _list_item(claim, evidence[supported[0] - 1])
        # an item of a list another claim answers from is as much on the question as that one
        if _restates(terms, q_terms, beyond) or (
                _below(claim, [evidence[i - 1] for i in supported], floor) and item not in lists):
            off_topic.append(claim)
            continue
        support_claim = claim
        if not wellformed.has_verb(claim):  # a bare name or phrase: answer with the sentence that says it
            sentence = _best_sentence(claim, evidence[supported[0] - 1])
            if sentence is None or wellformed.problems(sentence.text):
                malformed.append(claim)  # nothing whole says it: no answer is better than a fragment
                continue
            claim = _LEADING_BULLET.sub("", " ".join(sentence.text.split()))
        if not anchored and best is not None:
            anchored = _support_score(support_claim, [anchors[i - 1] for i in supported]) >= best - ANCHOR_MARGIN
        kept.append(claim)
        contexts.append(evidence[supported[0] - 1].text)
        titles.append(evidence[supported[0] - 1].title)
        if item:
            lists.add(item)
        refs = []
        for i in supported:
            if i not in order:
                order[i] = len(order) + 1
                supporting[i] = _best_sentence(claim, evidence[i - 1])
            refs.append(order[i])
        out_sentences.append(claim + " " + markers.cite(*refs))
    if not anchored or (question and not (_names_the_asked_kind(question, kept, contexts)
                                          and _names_every_party(question, kept, titles))):
        # nothing rests on the best evidence, nothing names what is asked ("Which groups …?" answered with
        # "The dialogue lays a foundation for cooperation."), or a party asked about each is left out: the
        # answer missed the point
        off_topic.extend(kept)
        out_sentences, order = [], {}
    citations = [citation_for(n, evidence[i - 1], supporting[i]) for i, n in sorted(order.items(), key=lambda x: x[1])]
    return Grounded(" ".join(out_sentences), citations, unsupported, dropped, off_topic, malformed)


def _names_the_asked_kind(question: str, kept: list[str], contexts: list[str]) -> bool:
    """Whether some kept claim holds the kind of thing the question asks for (a name, a number, a date, an
    amount of money), not one of the question's own names; True when the question asks for no kind."""
    kind = answer_type(question)
    if not kind or not kept:
        return True
    asked = question_words(question)
    return any(has_answer_type(kind, claim, asked, context) for claim, context in zip(kept, contexts))


def _names_every_party(question: str, kept: list[str], titles: list[str]) -> bool:
    """ "What have the US and China each given …?": every party the question asks about each is named by a kept
    claim or the title of the article it rests on; True when the question has no such parties."""
    return all(any(n.named_by(c, t) for c, t in zip(kept, titles)) for n in parties(question))


def citation_for(n: int, p: Passage, sentence: ScoredSentence | None) -> Citation:
    return Citation(n=n, source=p.name, title=p.title, text=p.text, start=p.start, end=p.end,
                    score=p.evidence[0].score if p.evidence else p.score,
                    sentence=sentence.text if sentence else "",
                    sentence_start=sentence.start if sentence else -1,
                    sentence_end=sentence.end if sentence else -1,
                    date=p.date, publisher=p.source, doc_id=p.doc_id)


def dangling_markers(text: str, citations: list[Citation]) -> list[int]:
    """Numbers used as [n] in `text` that no citation carries."""
    known = {c.n for c in citations}
    used = {n for m in markers.MARKER.finditer(text) for n in markers.numbers(m.group(1))}
    return sorted(used - known)
