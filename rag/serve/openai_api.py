"""OpenAI-compatible `/v1/chat/completions` (plain and streamed) and `/v1/models`.

The messages become the conversation: the last one is the question, earlier user/assistant pairs its
history (follow-ups are rewritten into a standalone question, as in the chat UI); system messages are
ignored (the answerer has its own). The answer text keeps its `[n]` markers, and two extra fields carry
what the OpenAI shape has no place for:

- `citations`: the cited passages, `n` matching the markers (the objects of `POST /v1/ask`);
- `refused`: true when the articles do not say.

A stream sends the role at once and then the grounded answer (so its markers match `citations`), in
pieces; the last chunk, whose `finish_reason` is "stop", carries `citations`, `refused` and `partial`.
While the request waits for the answer model, the stream carries SSE comment lines
(`: Waiting for the model: 2 ahead of you`), which OpenAI clients skip.
"""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from rag.answer.turns import QueueStatus
from rag.serve import schemas
from rag.serve.errors import ServiceError, error_json
from rag.serve.rest import ERRORS, started
from rag.types import Answer

router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])
MODEL = "news-rag"


def model_ids() -> list[str]:
    """`news-rag` answers with the configured backend; `news-rag:NAME` with backend NAME."""
    from rag.answer.base import available

    return [MODEL, *(f"{MODEL}:{name}" for name in available())]


def _generator(model: str) -> str | None:
    if model == MODEL:
        return None
    if model in model_ids():
        return model.split(":", 1)[1]
    raise ServiceError(f"The model {model!r} does not exist; GET /v1/models lists {', '.join(model_ids())}",
                       404, "model_not_found")


def conversation(messages: list[schemas.ChatMessage]) -> tuple[str, list[tuple[str, str]]]:
    """(question, history): the last user message, and the user/assistant pairs before it."""
    turns = [(m.role, m.text()) for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1][0] != "user":
        raise ServiceError("the last message must be the user's question", 400)
    history, pending = [], None
    for role, text in turns[:-1]:
        if role == "user":
            pending = text
        elif pending is not None:
            history.append((pending, text))
            pending = None
    return turns[-1][1], history


def _extras(answer: Answer) -> dict[str, Any]:
    return {"citations": [c.to_dict() for c in answer.citations], "refused": answer.refused,
            "partial": answer.partial}


def _pieces(text: str, size: int = 24) -> Iterator[str]:
    """The answer in pieces of about `size` characters, cut after spaces."""
    start = 0
    while start < len(text):
        cut = text.find(" ", start + size)
        end = len(text) if cut < 0 else cut + 1
        yield text[start:end]
        start = end


@router.get("/models", response_model=schemas.ModelList, summary="The models (answer backends) on offer")
def models() -> dict[str, Any]:
    return {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": MODEL}
                                       for m in model_ids()]}


@router.post("/chat/completions", responses={200: {"content": {"text/event-stream": {}}},
                                             404: {"model": schemas.ErrorOut},
                                             **ERRORS},
             summary="OpenAI chat completion: the answer with [n] markers, plus `citations` and `refused`")
def chat_completions(req: schemas.ChatCompletionRequest, request: Request):
    generator = _generator(req.model)
    question, history = conversation(req.messages)
    rag = request.app.state.engine.get()
    args = dict(history=history or None, top_k=req.top_k, generator=generator,
                filters=req.filters.as_dict() if req.filters else None)
    meta = {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "created": int(time.time()), "model": req.model}
    if not req.stream:
        answer = rag.ask(question, **args)
        return {**meta, "object": "chat.completion",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text},
                             "finish_reason": "stop", "logprobs": None}],
                **_extras(answer)}

    stream = started(rag.ask_stream(question, statuses=True, **args))

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {**meta, "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    def events() -> Iterator[str]:
        yield chunk({"role": "assistant", "content": ""})
        answer = None
        try:
            for item in stream:  # to the end (the grounded answer is the last item)
                if isinstance(item, QueueStatus):
                    yield f": {item.text}\n\n"
                else:
                    answer = item
        except Exception as err:  # noqa: BLE001 - the status line is sent: report in the stream
            yield f"data: {json.dumps({'error': error_json(err)})}\n\n"
            return
        assert isinstance(answer, Answer)
        for piece in _pieces(answer.text):
            yield chunk({"content": piece})
        yield chunk({}, "stop", **_extras(answer))
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
