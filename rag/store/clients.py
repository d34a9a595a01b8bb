"""One Chroma client per folder (or server) per process, as Chroma requires, and when to open a new one.

An embedded client keeps the index it loaded in memory, so a folder written by another process since needs
a new client: `ChromaStore` passes the folder's generation (see its marker file) and gets the cached client
only if it was opened at that generation.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from rag.config import Config
from rag.errors import StoreError

_CLIENTS: dict[str, Any] = {}  # one client per path (or URL) per process, as Chroma requires
_CLIENT_GENERATION: dict[str, Any] = {}  # the on-disk generation each embedded client was opened at
_CLIENTS_LOCK = threading.Lock()


def client_for(config: Config, generation: Any = None, force: bool = False):
    """The process's client for this folder (or server), opened anew when the folder has been written by
    another process since (`generation` differs), or on `force`."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    key = _key(config)
    with _CLIENTS_LOCK:
        if key in _CLIENTS and _CLIENT_GENERATION.get(key) == generation and not force:
            return _CLIENTS[key]
        if key in _CLIENTS:  # Chroma would hand back the system it already loaded: forget it first
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
            del _CLIENTS[key]
        try:
            if config.chroma_url:
                url = urlparse(config.chroma_url)
                client = chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                             ssl=url.scheme == "https", settings=settings)
                client.heartbeat()
            else:
                Path(key).mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=key, settings=settings)
        except Exception as err:  # noqa: BLE001 - chroma raises many types; all mean "cannot open"
            where = config.chroma_url or key
            hint = ("is the Chroma server running? (chroma run --path DIR --port N)" if config.chroma_url else
                    f"the folder may be damaged or from another Chroma version; your article files are "
                    f"untouched: `rag doctor --repair --index {key}` rebuilds it")
            raise StoreError(f"cannot open the index at {where}: {err.__class__.__name__}: {err} — {hint}") from err
        _CLIENTS[key], _CLIENT_GENERATION[key] = client, generation
        return client


def _key(config: Config) -> str:
    return config.chroma_url or str(Path(config.index_dir).resolve())


def opened_at(config: Config, generation: Any) -> None:
    """Record that this process's client holds the folder as of `generation` (it made that write)."""
    with _CLIENTS_LOCK:
        _CLIENT_GENERATION[_key(config)] = generation


def close_client(config: Config) -> None:
    """Let go of this folder's client (before its files are replaced underneath it)."""
    with _CLIENTS_LOCK:
        if _key(config) in _CLIENTS:
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
            del _CLIENTS[_key(config)]
            _CLIENT_GENERATION.pop(_key(config), None)


def drop_client_cache() -> None:
    """For tests that reopen a folder after damaging or deleting it."""
    with _CLIENTS_LOCK:
        _CLIENTS.clear()
        _CLIENT_GENERATION.clear()
