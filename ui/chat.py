"""One chat turn: validate the message, stream the answer from the RAG façade, keep the conversation.

No Gradio here: `respond` yields plain values (the chat messages, the turns, the sources panel HTML)
that ui/app.py hands to the components, and the HTTP API (`/ask`) uses `answer_once`.
Every failure becomes a readable message in the chat; nothing raised here stops the app.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from rag.answer.turns import QueueStatus
from rag.question import problem as question_problem
from ui import render

log = logging.getLogger(__name__)

SEARCHING = '<span class="searching">Searching the articles…</span>'


class RagHandle:
    """The RAG façade, opened on first use; if opening fails (say the store is missing) the next use retries."""

    def __init__(self, rag: Any = None, opener: Callable[[], Any] | None = None):
        self._rag = rag
        self._opener = opener
        self._lock = threading.Lock()

    def get(self) -> Any:
        if self._rag is None:
            with self._lock:
                if self._rag is None:
                    if self._opener is None:
                        from rag.errors import RagError

                        raise RagError("No document store is open.")
                    self._rag = self._opener()
        return self._rag

    @property
    def config(self) -> Any:
        if self._rag is not None:
            return self._rag.config
        from rag.config import Config

        return Config.load()


def warm_up(handle: RagHandle) -> None:
    """Load the embedding model and the answer chain in the background so the first question is fast."""
    try:
        rag = handle.get()
        rag.embedder.embed(["warm up"])
        if rag.count():
            rag.retrieve("warm up", top_k=1)  # builds the chain: retriever, re-ranker
            generator = rag.chain.generator(rag.config.generator)
            if hasattr(generator, "warm_up"):
                generator.warm_up()  # a local LLM: loaded and its fixed prompt cached before the first question
    except Exception as err:  # noqa: BLE001 - the first question will report it readably
        log.info("warm-up skipped: %s", err)


def new_state() -> dict[str, Any]:
    """Per-browser-session conversation: the Chatbot messages and the answered turns."""
    return {"messages": [], "turns": []}


def readable_error(err: BaseException) -> str:
    """A message for the person at the keyboard; tracebacks go to the log."""
    from rag.errors import RagError

    if isinstance(err, RagError):
        return str(err) or type(err).__name__
    log.exception("unexpected error in the chat UI", exc_info=err)
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if isinstance(err, (FileNotFoundError, ConnectionError, OSError)):
        return f"The document store is not available ({text}). Index some articles, then ask again."
    return f"Something went wrong while answering ({type(err).__name__}: {text}). Please try again."


def history_pairs(turns: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(t["question"], t["answer"].text) for t in turns if t.get("answer") is not None]


def _user_display(message: str, limit: int = 280) -> str:
    text = message if len(message) <= limit else message[:limit] + f"… ({len(message):,} characters)"
    return render._md_text(text)


def _as_of(day: str) -> dict[str, str] | None:
    """The filters of a question asked as of `day` (the `until` filter; checked where it is used)."""
    day = (day or "").strip()
    return {"until": day} if day else None


def respond(handle: RagHandle, message: str, state: dict[str, Any], top_k: int | None = None,
            backend: str | None = None, as_of: str = "") -> Iterator[dict[str, Any]]:
    """Run one turn. Yields the updated state each time the chat should be redrawn. `as_of` (YYYY-MM-DD):
    ask as of that day (the `until` filter: later articles are left out, "this week" is the week up to it).

    state["messages"] is the Chatbot value; state["turns"] the answered questions with their Answer.
    """
    messages: list[dict[str, Any]] = state["messages"]
    message = (message or "").strip("\n")
    try:
        max_chars = int(handle.config.max_question_chars)
    except Exception:  # noqa: BLE001 - a broken config must not break the chat
        max_chars = 2000
    problem = question_problem(message, max_chars)
    if problem:
        if message.strip():
            messages.append({"role": "user", "content": _user_display(message)})
        messages.append({"role": "assistant", "content": render.notice_message(problem, "error")})
        yield state
        return

    question = message.strip()
    messages.append({"role": "user", "content": _user_display(question)})
    messages.append({"role": "assistant", "content": SEARCHING})
    slot = len(messages) - 1
    yield state

    turn_no = len(state["turns"])
    text, answer = "", None
    try:
        rag = handle.get()
        stream = rag.ask_stream(question, history=history_pairs(state["turns"]) or None,
                                top_k=int(top_k) if top_k else None, generator=backend or None, statuses=True,
                                filters=_as_of(as_of))
        shown = None
        for piece in stream:
            if isinstance(piece, str):
                text += piece
                messages[slot] = {"role": "assistant", "content": render.streaming_message(text)}
                yield state
            elif isinstance(piece, QueueStatus):
                if piece != shown:  # a repeated status (the heartbeat) changes nothing on screen
                    shown = piece
                    messages[slot] = {"role": "assistant", "content": render.waiting_message(piece)}
                    yield state
            else:
                answer = piece
    except Exception as err:  # noqa: BLE001 - shown in the chat, the app keeps working
        messages[slot] = {"role": "assistant", "content": render.notice_message(readable_error(err))}
        yield state
        return
    if answer is None:
        messages[slot] = {"role": "assistant",
                          "content": render.notice_message("The answer stream ended without an answer.")}
        yield state
        return

    messages[slot] = {"role": "assistant", "content": render.answer_message(answer, turn_no)}
    rewritten = (answer.rewritten_question or "").strip()
    if rewritten and rewritten != question:
        messages.insert(slot, {"role": "assistant", "content": render._md_text(rewritten),
                               "metadata": {"title": "Follow-up searched as a standalone question",
                                            "status": "done"}})
        slot += 1
    state["turns"].append({"turn": turn_no, "question": question, "answer": answer, "message": slot})
    yield state


def turn_for_message(state: dict[str, Any], index: int) -> dict[str, Any] | None:
    """The turn whose answer is chat message `index` (what a thumbs up/down refers to)."""
    for t in state["turns"]:
        if t["message"] == index:
            return t
    return None


def answer_once(handle: RagHandle, question: str, top_k: int | None = None, backend: str | None = None,
                history: list[tuple[str, str]] | None = None, as_of: str = "") -> dict[str, Any]:
    """The answer as JSON (Answer.to_dict()), for the HTTP API; errors come back as {"error": ...}.
    `as_of`: as in `respond`."""
    problem = question_problem(question or "", int(handle.config.max_question_chars))
    if problem:
        return {"question": question, "error": problem}
    try:
        answer = None
        for piece in handle.get().ask_stream(question.strip(), history=history or None,
                                             top_k=int(top_k) if top_k else None,
                                             generator=backend or None, filters=_as_of(as_of)):
            if not isinstance(piece, str):
                answer = piece
        if answer is None:
            return {"question": question, "error": "The answer stream ended without an answer."}
        return answer.to_dict()
    except Exception as err:  # noqa: BLE001
        return {"question": question, "error": readable_error(err)}
