"""Who may talk to the service: a bearer token (Config.api_token / RAG_API_TOKEN) and the bind rule.

- With a token set, every route that reads or changes data requires `Authorization: Bearer <token>`
  (the chat UI asks for it as its login password, see rag/serve/app.py).
- Without one the service binds only a loopback address: `check_bind` refuses anything else.
"""
from __future__ import annotations

import ipaddress
import secrets

from rag.errors import RagError


class BindError(RagError):
    pass


def is_loopback(host: str) -> bool:
    if host == "localhost":  # "" binds every interface
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_ui_bind(host: str, login: bool) -> None:
    """The same rule for the UI served alone (`ui.app.launch`, Gradio's own server), whose credential is its login."""
    if not is_loopback(host) and not login:
        raise BindError(f"refusing to serve the UI on {host} without a login: set RAG_UI_USER and RAG_UI_PASSWORD, "
                        "or bind 127.0.0.1")


def check_bind(host: str, token: str) -> None:
    """Refuse to serve a non-loopback address without a token: anyone reaching it could read and change
    the library."""
    if not is_loopback(host) and not token:
        raise BindError(f"refusing to serve on {host} without a token: set RAG_API_TOKEN (or api_token in "
                        "rag.toml) so that every request must carry it, or bind 127.0.0.1")


def bearer_ok(authorization: str | None, token: str) -> bool:
    """True when no token is configured, or the header carries exactly it (compared in constant time)."""
    if not token:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(given.strip().encode(), token.encode())


def password_check(token: str):
    """A Gradio `auth` callable for the chat UI: any user name, the token as the password."""
    def check(_user: str, password: str) -> bool:
        return secrets.compare_digest((password or "").encode(), token.encode())

    return check
