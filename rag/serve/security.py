"""What protects the UI when it can be reached: a reusable piece for any ASGI app that serves it.

- `Guard`, an ASGI middleware: requests whose Host header is not the address the server is bound to are
  refused (421; a DNS-rebinding page gets its own name in Host), browser POSTs from another origin are
  refused (403; cross-site request forgery), and failed logins from one address wait longer each time
  (429 with Retry-After: 1 s, 2 s, 4 s … up to a minute; a success clears it); a POST body larger than
  `MAX_FILES_PER_REQUEST` uploads of the size limit is refused (413) before anything spools it to disk.
- `ChangePolicy`: whether a call may change the library (upload, delete). With a login configured every
  call is authorised by it (Gradio refuses calls without the session cookie); without one, changes are
  allowed only when the server is bound to a loopback address.

Mount it with `app_kwargs={"middleware": [guard_middleware(host, port)]}` in Gradio's launch, or
`app.add_middleware(Guard, **guard_options(host, port))` on a FastAPI app that mounts the UI.
"""
from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import urlparse

from rag.serve.auth import is_loopback  # one owner of the rule

LOGIN_PATH = "/login"
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 60.0
WILDCARDS = {"0.0.0.0", "::", ""}
MAX_FILES_PER_REQUEST = 20


def body_limit(upload_max_mb: float) -> int:
    """The largest request body accepted: a request's worth of uploads at the per-file limit, plus form fields."""
    return int(max(upload_max_mb, 1.0) * 1e6) * MAX_FILES_PER_REQUEST + 1_000_000


def allowed_hosts(host: str, port: int, extra: str = "") -> set[str] | None:
    """Host header values the server answers to; None (any) for a wildcard bind without `ui_allowed_hosts`
    (`extra`, comma-separated)."""
    names = {h.strip().lower() for h in extra.split(",") if h.strip()}
    if host in WILDCARDS and not names:
        return None
    bound = {host} if host not in WILDCARDS else set()
    if is_loopback(host):
        bound |= {"127.0.0.1", "localhost", "[::1]"}
    out = set()
    for name in bound | names:
        name = f"[{name}]" if ":" in name and not name.startswith("[") else name
        out |= {name.lower(), f"{name.lower()}:{port}"}
    return out


class LoginThrottle:
    """Failed logins per client address; the wait doubles with each failure."""

    def __init__(self, first: float = FIRST_DELAY_S, cap: float = MAX_DELAY_S):
        self.first, self.cap = first, cap
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait(self, address: str) -> float:
        """Seconds this address must still wait before its next login attempt."""
        with self._lock:
            count, last = self._failures.get(address, (0, 0.0))
        if not count:
            return 0.0
        return max(0.0, last + min(self.cap, self.first * 2 ** (count - 1)) - time.monotonic())

    def record(self, address: str, ok: bool) -> None:
        with self._lock:
            if ok:
                self._failures.pop(address, None)
            else:
                count, _ = self._failures.get(address, (0, 0.0))
                self._failures[address] = (count + 1, time.monotonic())


class Guard:
    """ASGI middleware: Host check, same-origin POSTs, login throttling (see the module docstring)."""

    def __init__(self, app: Any, hosts: set[str] | None, throttle: LoginThrottle | None = None,
                 max_body: int | None = None):
        self.app = app
        self.hosts = hosts
        self.throttle = throttle or LoginThrottle()
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "").lower()
        if self.hosts is not None and host not in self.hosts:
            return await _refuse(scope, send, 421, f"This server does not answer to the host name {host!r}.")
        if scope["type"] != "http" or scope.get("method") != "POST":
            return await self.app(scope, receive, send)
        origin = headers.get("origin")
        if origin and (origin == "null" or urlparse(origin).netloc.lower() != host):  # "null": sandboxed pages
            return await _refuse(scope, send, 403, "Requests from another site are refused.")
        if self.max_body is not None:
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_body:
                return await _refuse(scope, send, 413, f"The request is larger than {self.max_body / 1e6:g} MB "
                                                       f"(at most {MAX_FILES_PER_REQUEST} files of upload_max_mb).")
            receive = _limited(receive, self.max_body)
        if not scope.get("path", "").rstrip("/").endswith(LOGIN_PATH):
            return await self.app(scope, receive, send)
        address = (scope.get("client") or ("?", 0))[0]
        wait = self.throttle.wait(address)
        if wait > 0:
            return await _refuse(scope, send, 429, f"Too many failed logins from your address: wait {wait:.0f} s "
                                 "before trying again.", {"retry-after": str(max(1, round(wait)))})
        status = {}

        async def record_status(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, record_status)
        self.throttle.record(address, ok=status.get("code", 500) < 400)


def _limited(receive, limit: int):
    """`receive` that ends the request (as if the client left) once the body passes `limit` bytes: a body sent
    without a Content-Length is held to the same limit."""
    seen = 0

    async def receive_limited():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                return {"type": "http.disconnect"}
        return message

    return receive_limited


async def _refuse(scope, send, code: int, text: str, extra: dict[str, str] | None = None) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = text.encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def guard_options(host: str, port: int, extra_hosts: str = "", upload_max_mb: float = 20.0) -> dict[str, Any]:
    return {"hosts": allowed_hosts(host, port, extra_hosts), "max_body": body_limit(upload_max_mb)}


def guard_middleware(host: str, port: int, extra_hosts: str = "", upload_max_mb: float = 20.0):
    from starlette.middleware import Middleware

    return Middleware(Guard, **guard_options(host, port, extra_hosts, upload_max_mb))


class ChangePolicy:
    """May this call change the library? Set by whoever binds the server (`bind`)."""

    def __init__(self) -> None:
        self.host, self.auth = "127.0.0.1", None

    def bind(self, host: str, auth: Any) -> None:
        self.host, self.auth = host, auth

    def refusal(self, request: Any) -> str | None:
        """None when allowed, else the reason to show."""
        if self.auth:
            return None if getattr(request, "username", None) else "Please log in to change the library."
        if is_loopback(self.host):
            return None
        return ("Changing the library from the network needs a login: start the UI with RAG_UI_USER and "
                "RAG_UI_PASSWORD set.")
