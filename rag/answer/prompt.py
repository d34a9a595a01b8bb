"""The prompt every LLM backend uses: numbered passages, compressed to the sentences that matter.

On a 2-core CPU the prompt dominates latency (about 135 prompt tokens/s for a 0.5B model), so the
passages are cut down to their best sentences for the question, within a token budget (400 prompt
tokens by default, system prompt and question included; the constant worked examples are not counted).
Numbers stay those of the evidence list (`[n]` indexes `evidence` from 1), so the chain can ground the
answer against the same passages.

The system prompt is constant, so a runtime that keeps its KV cache between requests (llama.cpp's
prompt cache) processes it only once per process.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rag.answer import markers, wellformed
from rag.answer.refusal import REFUSAL
from rag.config import Config
from rag.retrieve.evidence import list_intro

if TYPE_CHECKING:
    from rag.types import Passage


SYSTEM_PROMPT = (
    "You answer questions about news articles, using only the numbered passages the user gives you.\n"
    "Answer in one or two short sentences, in your own words, and keep the exact names, numbers and dates "
    "of the passages. Put the number of the passage that supports each sentence at its end, like [2]. "
    "Never add facts that are not in the passages.\n"
    f"If the passages do not answer the question, reply only: {REFUSAL}"
)

# Worked examples (made up, about nothing in any corpus) after the system prompt: they show a small
# model the answer form better than rules do. They are constant, so they are cached with the system prompt.
EXAMPLE_QUESTION = "When will work on the tram line start, and what will the line connect?"
EXAMPLE_PASSAGES = (
    "(2021-03-02) The Rivermouth city council approved a 45 million euro budget for a new tram line. [1]\n"
    "(2021-03-02) Work on the line, which will link the harbour to the university, is expected to start in "
    "April 2022. [2]"
)
EXAMPLE_ANSWER = "Work is expected to start in April 2022 [2]. The line will link the harbour to the university [2]."
# Two more, as short: a "who" question answered with the name first, and a same-topic question the
# passages do not answer (a small model otherwise restates the question or copies the nearest line).
EXAMPLE_WHO = (
    "(2019-11-20) The new bridge over the Lenna river was opened on Saturday by regional governor Marta Kovac. [1]\n"
    "(2019-11-20) The bridge cost 31 million euros and took four years to build. [2]",
    "Who opened the bridge over the Lenna river?",
    "Regional governor Marta Kovac opened the bridge on Saturday [1].",
)
EXAMPLE_UNANSWERED = (EXAMPLE_PASSAGES, "When will the tram line be finished?", REFUSAL)
EXAMPLES = ((EXAMPLE_PASSAGES, EXAMPLE_QUESTION, EXAMPLE_ANSWER), EXAMPLE_WHO, EXAMPLE_UNANSWERED)

ANSWER_INSTRUCTION = "Answer briefly, with the passage numbers."
STOP = ["\n\n"]  # the answer is one short paragraph: a blank line starts something else
RELEVANCE_MARGIN = 0.2  # sentences scoring this far below the best one stay out of the prompt
MIN_SENTENCES = 2  # ... unless fewer than this many are in
MAX_SENTENCES = 6
_TEMPLATE_OVERHEAD = 20  # chat-template tokens around the messages




@dataclass
class Excerpt:
    """The part of evidence passage `n` (1-based) that goes into the prompt."""

    n: int
    date: str
    text: str


def count_tokens(text: str) -> int:
    """cl100k token count (close to Qwen's and SmolLM's for English), or a character estimate."""
    try:
        from rag.ingest.chunk import count_tokens as _count

        return _count(text)
    except Exception:  # tiktoken unavailable: about 4 characters per token in English
        return max(1, math.ceil(len(text) / 4))


@dataclass
class _Candidate:
    score: float
    passage: int  # 0-based index into evidence
    start: int  # span in the document: orders sentences, tells which are adjacent
    end: int
    text: str
    tokens: int


def _candidates(question: str, evidence: list[Passage]) -> list[_Candidate]:
    """Every sentence of the evidence once, scored for the question.

    Uses the chain's sentence evidence scores (semantic similarity blended with term coverage) when
    the passages carry them, else term coverage alone; a small prior favours higher-ranked passages.
    """
    from rag.ingest.sentences import split_sentences
    from rag.retrieve.lexical import content_terms, coverage

    q_terms = content_terms(question)
    seen: set = set()  # overlapping chunks repeat sentences, articles repeat boilerplate
    out = []
    for i, p in enumerate(evidence):
        scored = getattr(p, "evidence", None) or []
        if scored:
            sents = [(s.score, s.start, s.end, s.text) for s in scored]
        else:
            sents = [(coverage(q_terms, s.text), s.start, s.end, s.text)
                     for s in split_sentences(p.text, offset=p.start)]
        for score, start, end, text in sents:
            keys = {(p.doc_id, start), " ".join(text.lower().split())}
            if keys & seen:
                continue
            seen.update(keys)
            out.append(_Candidate(score + 0.05 / (1 + i), i, start, end, " ".join(text.split()),
                                  count_tokens(text) + 1))
    out.sort(key=lambda c: (-c.score, c.passage, c.start))
    return out


def select_excerpts(question: str, evidence: list[Passage], budget: int,
                    margin: float = RELEVANCE_MARGIN, max_sentences: int = MAX_SENTENCES) -> list[Excerpt]:
    """The sentences of `evidence` that best answer `question`, within `budget` tokens.

    Sentences are taken best first while they fit, score within `margin` of the best one (at least
    `MIN_SENTENCES` of them regardless) and number at most `max_sentences`: a small model copies from
    whatever it is shown, so weak sentences are distractors, and every prompt token costs time.
    Each passage keeps its chosen sentences in document order, joined by " … " where text was left
    out; passages come best first (the prompt shows them best last: `user_message`). Passages with nothing
    chosen are left out of the prompt (their numbers are simply not used). A list's item comes with the
    sentence introducing its list (rag/retrieve/evidence.list_intro), one sentence beyond the budget.
    """
    chosen: dict[int, list[_Candidate]] = {}
    used = taken = 0
    candidates = _candidates(question, evidence)
    floor = candidates[0].score - margin if candidates else 0.0
    for cand in candidates:
        if cand.score < 0:
            break  # misses a constraint of the question (rag/answer/constraints.py): never shown to the model
        if wellformed.is_headline(cand.text):
            continue  # a small model copies a headline as its answer
        if taken >= max_sentences or (taken >= MIN_SENTENCES and cand.score < floor):
            break
        cost = cand.tokens + (0 if cand.passage in chosen else _header_tokens(evidence[cand.passage]))
        if used + cost > budget:
            if used == 0:  # not even the best sentence fits: cut it to the budget
                words = cand.text.split()
                keep = max(1, len(words) * max(1, budget - cost + cand.tokens) // max(1, cand.tokens))
                chosen[cand.passage] = [_Candidate(cand.score, cand.passage, cand.start, cand.end,
                                                   " ".join(words[:keep]) + " …", budget)]
                used, taken = budget, taken + 1
            continue
        chosen.setdefault(cand.passage, []).append(cand)
        used, taken = used + cost, taken + 1
    out = []
    for i in sorted(chosen, key=lambda i: (-max(c.score for c in chosen[i]), i)):
        sents = sorted(chosen[i], key=lambda c: c.start)
        parts: list[str] = []
        prev_end = None
        for c in sents:
            intro = list_intro(c.text, evidence[i].text)  # a list's item means little without its introduction
            if intro and intro not in parts and intro != c.text:
                if parts:
                    parts.append("…")
                parts += [intro, "…"]
            elif prev_end is not None and c.start - prev_end > 3:  # more than whitespace left out
                parts.append("…")
            parts.append(c.text)
            prev_end = c.end
        out.append(Excerpt(n=i + 1, date=evidence[i].date, text=" ".join(parts)))
    return out


def best_sentence_only(evidence: list[Passage]) -> list[Passage]:
    """`evidence` with everything but its best sentence emptied, numbers kept: what a model is shown when it
    missed the answer among several lines (it declined, or copied another line)."""
    scored = [(p.evidence[0].score, i) for i, p in enumerate(evidence) if p.evidence]
    if not scored:
        return evidence
    best = max(scored)[1]
    return [replace(p, evidence=[p.evidence[0]]) if i == best else replace(p, text="", evidence=[])
            for i, p in enumerate(evidence)]


def _header(n: int, date: str) -> str:
    return f"{markers.cite(n)} ({date}) " if date else f"{markers.cite(n)} "


def _header_tokens(p: Passage) -> int:
    return count_tokens(_header(1, p.date)) + 1


def format_passages(excerpts: list[Excerpt]) -> str:
    """One passage a line, its number at the end: the way the answer should cite it."""
    return "\n".join((f"({e.date}) " if e.date else "") + f"{e.text} {markers.cite(e.n)}" for e in excerpts)


def user_message(question: str, excerpts: list[Excerpt]) -> str:
    """The passages best last, nearest the question: a small model copies from the line nearest it (the 0.5B
    model's drafts that ground went from 65% to 88% of the seeds' answers when the best line moved there)."""
    return f"Passages:\n{format_passages(excerpts[::-1])}\n\nQuestion: {question.strip()}\n\n{ANSWER_INSTRUCTION}"


def trail_markers(pieces: Iterable[str]) -> Iterator[str]:
    """Move citation markers a model writes at the start of a line ("[1] The dialogue…") to the end of
    that line ("The dialogue… [1]."), the form grounding reads; text keeps streaming as it comes."""
    held: list[int] = []  # markers from the start of the current line
    head = ""  # start of a line that may still turn out to be a marker
    tail = ""  # closing punctuation held back while markers wait for the end of the line
    at_start = True

    def close_line() -> str:
        nonlocal held, tail
        text = (" " + markers.cite(*held) if held else "") + tail
        held, tail = [], ""
        return text

    def emit(ch: str) -> str:
        nonlocal tail, at_start
        if ch == "\n":
            at_start = True
            return close_line() + ch
        if held and ch in ".!?":
            tail += ch
            return ""
        text, tail = tail + ch, ""
        return text

    for piece in pieces:
        out = []
        for ch in piece:
            if not at_start:
                out.append(emit(ch))
                continue
            head += ch
            while (match := markers.LEADING.match(head)) and match.end() < len(head):
                held.append(int(match.group(1)))
                head = head[match.end():]
            if markers.LEADING_PART.fullmatch(head):
                continue  # might still be a marker: wait for the next character
            at_start, text, head = False, head, ""
            out.extend(emit(c) for c in text)
        if "".join(out):
            yield "".join(out)
    match = markers.LEADING.fullmatch(head)
    if match:
        held.append(int(match.group(1)))
    elif head:
        yield "".join(emit(c) for c in head)
    rest = close_line()
    if rest:
        yield rest


def prefix_messages() -> list[dict[str, str]]:
    """The constant start of every conversation: system prompt and the worked example (cached)."""
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    for passages, question, answer in EXAMPLES:
        messages += [{"role": "user", "content": f"Passages:\n{passages}\n\nQuestion: {question}\n\n"
                                                 f"{ANSWER_INSTRUCTION}"},
                     {"role": "assistant", "content": answer}]
    return messages


def build_messages(question: str, evidence: list[Passage],
                   max_prompt_tokens: int = Config.llm_prompt_tokens) -> list[dict[str, str]]:
    """Chat messages (OpenAI shape) for `question` over `evidence`.

    `max_prompt_tokens` bounds the system prompt plus the question's own message (passages and
    question); the worked examples are not counted: they are constant, and a runtime with a prompt
    cache processes them once per process. The question's message is usually much shorter than the
    budget: only the sentences within the relevance margin of the best one go in.
    """
    prefix = prefix_messages()
    fixed = prompt_tokens(prefix[:1]) + count_tokens(user_message(question, []))
    excerpts = select_excerpts(question, evidence, max(40, max_prompt_tokens - fixed))
    return [*prefix, {"role": "user", "content": user_message(question, excerpts)}]


def prompt_tokens(messages: list[dict[str, str]]) -> int:
    return sum(count_tokens(m["content"]) for m in messages) + _TEMPLATE_OVERHEAD
