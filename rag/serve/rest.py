"""The REST API under /v1: ask (whole or streamed as server-sent events), retrieve, documents, index, health.

Handlers are plain functions: FastAPI runs them in its thread pool; concurrent answers share the RAG
façade and its model (up to `llm_parallel` generate together, the others wait in line).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import StreamingResponse

from rag.answer.turns import QueueStatus
from rag.serve import schemas, uploads
from rag.serve.errors import ServiceError, error_json
from rag.types import Answer

router = APIRouter(prefix="/v1", tags=["news-rag"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": schemas.ErrorOut} for code in (400, 401, 409, 422, 503)}


def answer_json(answer: Answer, passages: bool) -> dict[str, Any]:
    data = answer.to_dict()
    if not passages:
        data.pop("passages", None)
    return data


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def started(stream: Iterator[Any]) -> Iterator[Any]:
    """Run a stream up to its first item now, so that a bad question or an empty index is an HTTP error
    (4xx) rather than an event inside a 200 response."""
    first = next(stream)

    def chained():
        yield first
        yield from stream

    return chained()


def _ask_args(req: schemas.AskRequest) -> dict[str, Any]:
    return dict(history=[tuple(p) for p in req.history] or None, top_k=req.top_k, generator=req.generator,
                filters=req.filters.as_dict() if req.filters else None)


@router.post("/ask", response_model=schemas.AnswerOut, response_model_exclude_none=True, responses=ERRORS,
             summary="Answer a question with [n] citations")
def ask(req: schemas.AskRequest, request: Request) -> dict[str, Any]:
    answer = request.app.state.engine.get().ask(req.question, **_ask_args(req))
    return answer_json(answer, req.passages)


@router.post("/ask/stream", responses={200: {"content": {"text/event-stream": {}}}, **ERRORS},
             summary="Answer as server-sent events: `piece` events ({text}), then one `answer` event")
def ask_stream(req: schemas.AskRequest, request: Request) -> StreamingResponse:
    """Events: `piece` with `{"text": …}` as the draft is produced, then `answer` with the final
    grounded answer (the AnswerOut object; its text may differ from the pieces: markers are
    renumbered, unsupported sentences dropped). A failure after the start is an `error` event.
    While the answer model is busy with other requests: `status` events, `{"ahead": n, "message":
    "Waiting for the model: n ahead of you"}` when the place changes (and every few seconds), then
    `{"ahead": null, …}` when its turn comes."""
    stream = started(request.app.state.engine.get().ask_stream(req.question, statuses=True, **_ask_args(req)))

    def events() -> Iterator[str]:
        try:
            for item in stream:
                if isinstance(item, str):
                    yield sse("piece", {"text": item})
                elif isinstance(item, QueueStatus):
                    yield sse("status", item.to_dict())
                else:
                    yield sse("answer", answer_json(item, req.passages))
        except Exception as err:  # noqa: BLE001 - the status line is sent: report in the stream
            yield sse("error", {"error": error_json(err)})

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.post("/retrieve", response_model=schemas.RetrieveOut, responses=ERRORS,
             summary="The passages that would be read for a question, best first")
def retrieve(req: schemas.RetrieveRequest, request: Request) -> dict[str, Any]:
    passages = request.app.state.engine.get().retrieve(
        req.question, top_k=req.top_k, filters=req.filters.as_dict() if req.filters else None)
    return {"question": req.question, "passages": [p.to_dict() for p in passages]}


@router.get("/documents", response_model=list[schemas.Document], responses=ERRORS,
            summary="The indexed documents")
def documents(request: Request) -> list[dict[str, Any]]:
    return request.app.state.engine.get().documents()


@router.post("/documents", response_model=schemas.UploadOut, responses={413: {"model": schemas.ErrorOut},
                                                                         415: {"model": schemas.ErrorOut}, **ERRORS},
             summary="Upload articles (txt, md, html, pdf) and index them")
def upload(request: Request, files: list[UploadFile] = File(..., description="one or more articles")) -> dict:
    engine = request.app.state.engine
    return uploads.add(engine.get(), files, engine.config)


@router.delete("/documents/{name}", response_model=schemas.DeleteOut, responses={404: {"model": schemas.ErrorOut},
                                                                                 **ERRORS},
               summary="Remove a document (by file name or document id)")
def delete(name: str, request: Request) -> dict[str, Any]:
    engine = request.app.state.engine
    removed, _copies = uploads.delete(engine.get(), name, engine.config)
    if not removed:
        raise ServiceError(f"no indexed document is called {name!r} (see GET /v1/documents)", 404, "not_found")
    return {"name": name, "removed_chunks": removed}


@router.get("/index", response_model=schemas.IndexStatus, responses=ERRORS, summary="What the service answers from")
def index_status(request: Request) -> dict[str, Any]:
    engine = request.app.state.engine
    rag = engine.get()
    return {"index": engine.identity, "documents": len(rag.documents()), "chunks": rag.count(),
            "embed_model": str(rag.store.embed_model), "generator": rag.config.generator}


@router.get("/health", response_model=schemas.Health, summary="Up; which index; answer model warmed up")
def health(request: Request) -> dict[str, Any]:
    engine = request.app.state.engine
    return {"status": "ok", "index": engine.identity, "generator": engine.config.generator,
            "ready": engine.ready.is_set()}

