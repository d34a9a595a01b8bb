"""What every embedding backend offers the rest of the code, and a stand-in that loads one on first use."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np


class Embedder(Protocol):
    """L2-normalised vectors of texts, from one model whose identity an index records (`model_id`)."""

    model_id: str
    model_path: str
    dim: int
    max_tokens: int
    batch_size: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """[len(texts), dim] float32, one row per text, each of norm 1."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        ...

    def fits(self, text: str) -> bool:
        """True when the model reads the whole text (special tokens included)."""
        ...


class LazyEmbedder:
    """Stands for a model loaded on first use: re-indexing unchanged files never loads it."""

    def __init__(self, load: Callable[[], Embedder]):
        self._load = load
        self._model: Embedder | None = None

    def __getattr__(self, name: str) -> Any:
        if self._model is None:
            self._model = self._load()
        return getattr(self._model, name)
