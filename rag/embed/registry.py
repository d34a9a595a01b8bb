"""The embedding models by name: one table of specs, aliases resolved in one place, the backend factory.

A configured `embed_model` is a name from `SPECS` (or one of its aliases), "auto", or a local
sentence-transformers folder. Each spec says which backend runs it and the identity of the vectors it
makes (`model_id`, recorded in an index so that vectors of two models are never mixed). Four builds of
all-MiniLM-L6-v2 ship:

- "minilm": the float model through sentence-transformers (torch), `rag/embed/sbert.py`;
- "minilm-onnx": its ONNX export with int8-stored weights, multiplied in float (`rag/embed/onnx.py`);
- "minilm-int8": the same export with int8 matrix products and a scale per token, built once locally
  (`rag/embed/int8.py`, `rag/embed/quantize.py`); a vector does not depend on its batch;
- "minilm-int8-dynamic": the earlier int8 build (one activation scale per run, so each text runs alone),
  kept for indexes built with it.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rag.embed.base import Embedder

if TYPE_CHECKING:
    from rag.config import Config

# "auto" (the default): an index keeps the packaged model that built it; a new index gets NEW_INDEX_MODEL.
AUTO = "auto"
NEW_INDEX_MODEL = "minilm-int8"
LOCAL_PREFIX = "local:"  # model_id of a local model folder: "local:<folder name>"


@dataclass(frozen=True)
class EmbedSpec:
    name: str  # the canonical configuration name
    model_id: str
    backend: str  # "sbert" | "onnx" | "int8" | "int8-dynamic"
    aliases: tuple[str, ...] = ()


SPECS: tuple[EmbedSpec, ...] = (
    EmbedSpec("minilm", "all-MiniLM-L6-v2", "sbert", ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2")),
    EmbedSpec("minilm-onnx", "all-MiniLM-L6-v2-onnx-int8", "onnx", ("all-MiniLM-L6-v2-onnx-int8", "onnx")),
    EmbedSpec("minilm-int8", "all-MiniLM-L6-v2-onnx-tokint8", "int8", ("all-MiniLM-L6-v2-onnx-tokint8",)),
    EmbedSpec("minilm-int8-dynamic", "all-MiniLM-L6-v2-onnx-dynint8", "int8-dynamic",
              ("all-MiniLM-L6-v2-onnx-dynint8",)),
)
_BY_NAME = {name: spec for spec in SPECS for name in (spec.name, *spec.aliases)}
_LOAD_LOCK = threading.Lock()


def concrete_model(name: str) -> str:
    """The model a configured name means for a new index ("auto" -> NEW_INDEX_MODEL)."""
    return NEW_INDEX_MODEL if name == AUTO else name


def spec_for(name: str) -> EmbedSpec | None:
    """The packaged model a name or alias means; None for a local model folder."""
    return _BY_NAME.get(concrete_model(name))


def model_id(name: str) -> str:
    """The identity of the vectors a configured model produces, without loading it (recorded in the index)."""
    spec = spec_for(name)
    return spec.model_id if spec else LOCAL_PREFIX + Path(name).expanduser().resolve().name


def name_for(model_id: str) -> str | None:
    """The configuration name of the packaged model whose vectors carry `model_id`; None for a local folder."""
    return next((spec.name for spec in SPECS if spec.model_id == model_id), None)


def embedder_for(config: Config, model: str | None = None) -> Embedder:
    """The model `config` asks for (or `model`, e.g. the one an index was built with), with its settings."""
    return load_embedder(model or config.embed_model, config.embed_batch_size, model_dir=config.model_dir,
                         threads=config.embed_threads)


def load_embedder(model: str = "minilm", batch_size: int = 32, *, model_dir: str | None = None,
                  threads: int = 0) -> Embedder:
    """The model, loaded once per process (per name and settings), whichever thread asks first.

    "auto" names the model of a new index; an existing index says which it needs (`Store.embed_model`).
    `model_dir` is where derived model files are built (the int8 model); `threads` 0 means the machine's cores."""
    with _LOAD_LOCK:
        return _load(concrete_model(model), batch_size, model_dir, threads)


@lru_cache(maxsize=4)
def _load(model: str, batch_size: int, model_dir: str | None, threads: int) -> Embedder:
    spec = spec_for(model)
    if spec is None:  # a local sentence-transformers folder
        from rag.embed.sbert import SbertEmbedder, local_model_path

        return SbertEmbedder(local_model_path(model), batch_size=batch_size)
    if spec.backend == "sbert":
        from rag.embed.sbert import SbertEmbedder, packaged_model_path

        return SbertEmbedder(packaged_model_path(), batch_size=batch_size, model_id=spec.model_id)
    from rag.embed.onnx import OnnxEmbedder

    if spec.backend == "onnx":
        return OnnxEmbedder(batch_size=batch_size, threads=threads, model_id=spec.model_id)
    from rag.embed.int8 import quantized_model_file

    dynamic = spec.backend == "int8-dynamic"
    return OnnxEmbedder(quantized_model_file(_model_dir(model_dir), dynamic=dynamic), batch_size=batch_size,
                        threads=threads, model_id=spec.model_id, texts_per_run=1 if dynamic else 0)


def _model_dir(model_dir: str | None) -> str:
    if model_dir:
        return model_dir
    from rag.config import Config

    return Config.load().model_dir


def preload_embedder(config: Config, model: str | None = None) -> threading.Thread:
    """Start loading the model in the background (a command line overlaps it with opening the store).

    With "auto" this is a guess (the model of a new index); an index built with another model still
    gets its own, loaded when the store says which."""
    def load() -> None:
        try:
            embedder_for(config, model)
        except Exception:  # noqa: BLE001 - the foreground load raises the same error, with its message
            pass

    thread = threading.Thread(target=load, daemon=True, name="rag-embedder-preload")
    thread.start()
    return thread
