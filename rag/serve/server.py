"""Run the service with uvicorn: `serve()` blocks (the `rag serve` command), `start()` returns a running
server in a background thread (tests, benchmarks, notebooks)."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from rag.config import Config
from rag.serve.auth import check_bind


@dataclass
class Running:
    url: str
    app: Any
    server: Any
    thread: threading.Thread

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def _uvicorn(config: Config, host: str, port: int, rag: Any = None, ui: bool = True, warm_up: bool = True):
    import uvicorn

    from rag.serve.app import create_app

    check_bind(host, (rag.config if rag is not None else config).api_token)
    app = create_app(config, rag=rag, ui=ui, warm_up=warm_up, host=host, port=int(port))
    # One worker: the answer model is loaded once and shared; requests run in its thread pool.
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=int(port), log_level="warning",
                                           access_log=False, timeout_graceful_shutdown=5))
    return app, server


def serve(config: Config, host: str | None = None, port: int | None = None, ui: bool = True) -> None:
    _app, server = _uvicorn(config, host or config.ui_host, port or config.ui_port, ui=ui)
    server.run()


def start(config: Config | None = None, host: str = "127.0.0.1", port: int = 0, rag: Any = None,
          ui: bool = True, warm_up: bool = True, timeout: float = 300) -> Running:
    """Serve in a background thread; returns once the port accepts connections and the UI (if any) is
    mounted (port 0: a free one)."""
    import socket

    if not port:
        with socket.socket() as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
    app, server = _uvicorn(config or Config.load(), host, port, rag=rag, ui=ui, warm_up=warm_up)
    thread = threading.Thread(target=server.run, daemon=True, name=f"rag-serve-{port}")
    thread.start()
    deadline = time.monotonic() + timeout
    while not (server.started and (not ui or app.state.ui_ready.is_set())):
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the service did not start on {host}:{port}")
        time.sleep(0.02)
    return Running(f"http://{host}:{port}", app, server, thread)
