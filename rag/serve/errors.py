"""Errors as JSON in OpenAI's shape, `{"error": {"message", "type", "code"}}`, with a 4xx for bad input.

A `RagError` is a message for the person who sent the request; anything else is logged with its
traceback and answered with one line (500).
"""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from rag.errors import EmptyIndexError, InvalidQuestionError, RagError, StoreError, UnreadableFileError

log = logging.getLogger(__name__)


class ServiceError(RagError):
    """A refused request: `status` is its HTTP status, `kind` its error type."""

    def __init__(self, message: str, status: int = 400, kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.kind = status, kind


# most specific first
_STATUS: list[tuple[type[Exception], int]] = [
    (InvalidQuestionError, 400),
    (UnreadableFileError, 422),
    (EmptyIndexError, 409),  # nothing indexed yet: the request is fine, the state is not
    (StoreError, 503),
    (RagError, 400),
]


def status_of(err: Exception) -> int:
    if isinstance(err, ServiceError):
        return err.status
    return next((status for kind, status in _STATUS if isinstance(err, kind)), 500)


def error_response(status: int, message: str, kind: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "code": str(status)}}, status,
                        headers=headers)


def error_json(err: Exception) -> dict:
    """The error object for a problem met while streaming (the status line has already gone out)."""
    return {"message": _one_line(err), "type": _kind(err), "code": str(status_of(err))}


def _kind(err: Exception) -> str:
    return err.kind if isinstance(err, ServiceError) else type(err).__name__


def _one_line(err: Exception) -> str:
    text = str(err).strip()
    return " ".join(text.split()) if text else type(err).__name__


def _validation_message(err: RequestValidationError) -> str:
    parts = []
    for e in err.errors()[:3]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "request"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install(app: FastAPI) -> None:
    @app.exception_handler(RagError)
    async def on_rag_error(_request: Request, err: RagError):
        return error_response(status_of(err), _one_line(err), _kind(err))

    @app.exception_handler(ValueError)  # a library refusing a value we passed on: the request's fault
    async def on_value_error(_request: Request, err: ValueError):
        return error_response(400, _one_line(err), "invalid_request_error")

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_request: Request, err: RequestValidationError):
        return error_response(422, _validation_message(err), "invalid_request_error")

    @app.exception_handler(HTTPException)
    async def on_http(_request: Request, err: HTTPException):
        return error_response(err.status_code, str(err.detail), "http_error", headers=dict(err.headers or {}))

    @app.exception_handler(Exception)
    async def on_unexpected(_request: Request, err: Exception):
        log.exception("unexpected error while serving a request", exc_info=err)
        return error_response(500, f"internal error ({type(err).__name__}: {_one_line(err)})", "server_error")
