"""`rag ask` through a running service: found at `server_url` (RAG_SERVER_URL) or on the default local port,
used only when its health check answers quickly and names the same index as the asker's configuration.

Standard library only (urllib): the point is a fast start, so nothing heavy is imported here.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

from rag.config import Config
from rag.errors import RagError
from rag.serve.engine import index_identity
from rag.types import Answer

HEALTH_TIMEOUT_S = 0.5  # a service on this machine answers in milliseconds
ANSWER_TIMEOUT_S = 600


class ServiceClient:
    """The `ask` / `ask_stream` part of the RAG façade, answered by a service over HTTP."""

    def __init__(self, url: str, token: str = "", passages: bool = False):
        self.url = url.rstrip("/")
        self.token = token
        self.passages = passages  # also fetch every retrieved passage (`rag ask --json --passages`)

    def _request(self, path: str, body: dict | None = None, timeout: float = ANSWER_TIMEOUT_S):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, headers=headers)
        try:
            return urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as err:
            raise RagError(_error_message(err)) from None
        except (urllib.error.URLError, OSError) as err:
            raise RagError(f"the service at {self.url} did not answer ({getattr(err, 'reason', err)})") from None

    def health(self, timeout: float = HEALTH_TIMEOUT_S) -> dict[str, Any]:
        with self._request("/v1/health", timeout=timeout) as resp, self._reading():
            return json.load(resp)

    def ask(self, question: str, **kwargs: Any) -> Answer:
        with self._request("/v1/ask", _body(question, self.passages, kwargs)) as resp, self._reading():
            return Answer.from_dict(json.load(resp))

    def ask_stream(self, question: str, **kwargs: Any) -> Iterator[str | Answer]:
        with self._request("/v1/ask/stream", _body(question, self.passages, kwargs)) as resp, self._reading():
            for event, data in _events(resp):
                if event == "piece":
                    yield data["text"]
                elif event == "answer":
                    yield Answer.from_dict(data)
                elif event == "error":
                    raise RagError(data["error"]["message"])

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """A reply cut off, timed out or not ours, while it is read: one line, like a refused request."""
        try:
            yield
        except (OSError, http.client.HTTPException, ValueError, KeyError) as err:
            raise RagError(f"the service at {self.url} broke off its reply ({type(err).__name__}: {err})") from None


def _body(question: str, passages: bool, kwargs: dict[str, Any]) -> dict[str, Any]:
    body = {"question": question, "passages": passages, **{k: v for k, v in kwargs.items() if v is not None}}
    if body.get("history"):
        body["history"] = [list(pair) for pair in body["history"]]
    return body


def _events(resp) -> Iterator[tuple[str, Any]]:
    """Server-sent events as (event, parsed data)."""
    event, data = "message", list[str]()
    for raw in resp:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield event, json.loads("\n".join(data))
            event, data = "message", []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())


def _error_message(err: urllib.error.HTTPError) -> str:
    try:
        return json.loads(err.read())["error"]["message"]
    except Exception:  # noqa: BLE001 - not one of ours
        return f"the service answered HTTP {err.code}"


def find_service(config: Config) -> ServiceClient | None:
    """The service to ask, or None to answer in-process. A configured `server_url` that does not answer,
    or answers for another index, is reported on stderr; the default port is tried silently."""
    explicit = bool(config.server_url)
    client = ServiceClient(config.server_url or f"http://127.0.0.1:{config.ui_port}", config.api_token)
    try:
        health = client.health(timeout=HEALTH_TIMEOUT_S * (4 if explicit else 1))
    except (RagError, ValueError) as err:
        if explicit:
            print(f"note: {err}; answering in this process", file=sys.stderr)
        return None
    mine = index_identity(config)
    if health.get("index") != mine:
        if explicit:
            print(f"note: the service at {client.url} answers from {health.get('index')}, not {mine}; "
                  "answering in this process", file=sys.stderr)
        return None
    return client
