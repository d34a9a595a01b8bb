"""The one RAG object a service shares between its REST routes, its OpenAI routes and the chat UI.

It is opened and warmed up (embedding model, store, answer model with its fixed prompt) in a background
thread once the server is up, so the port answers at once; a request that needs it waits for it.
Answers run side by side: up to `llm_parallel` generate with the local model at once, the others wait in
line (rag/answer/turns.py), told their place on the streaming routes and in the chat UI.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Any

from rag.config import Config

log = logging.getLogger(__name__)


def index_identity(config: Config) -> str:
    """What names a store: the Chroma URL or the real path of the index folder, and the collection.
    A client compares it with its own before trusting a running service with its question."""
    where = config.chroma_url.rstrip("/") if config.chroma_url else os.path.realpath(config.index_dir)
    return f"{where}#{config.collection}"


class Engine:
    def __init__(self, config: Config, rag: Any = None):
        from ui.chat import RagHandle  # Gradio-free: the UI's handle, so the UI and the API share one RAG

        self.config = rag.config if rag is not None else config
        self.handle = RagHandle(rag, self._open)
        self.ready = threading.Event()  # set when warm-up finished (successfully or not)

    def _open(self):
        from rag import RAG
        from rag.embed import preload_embedder

        preload_embedder(self.config)
        return RAG.open(config=self.config)

    @property
    def identity(self) -> str:
        return index_identity(self.config)

    def get(self):
        """The shared RAG (opened on first use; a failure to open is raised as a RagError and retried next time)."""
        return self.handle.get()

    def start_warm_up(self) -> None:
        threading.Thread(target=self._warm_up, daemon=True, name="rag-serve-warm-up").start()

    def _warm_up(self) -> None:
        from ui.chat import warm_up

        try:
            warm_up(self.handle)
        finally:
            self.ready.set()
