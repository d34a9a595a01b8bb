"""Configuration in one place: defaults that work offline, overridden by a TOML file, then `RAG_*` env.

Precedence (last wins): defaults < `rag.toml` (or the file named by `RAG_CONFIG`) < `RAG_<FIELD>` env
< keyword arguments given in code or on the command line. This is the only module that reads the
environment: every setting, a library's or a command's, is a field here. A few fields also honour the
name other tools use (`OPENAI_API_KEY`, `OPENAI_BASE_URL`) when their `RAG_` name is unset.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from rag.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Names other tools use for the same setting, read when the RAG_ name is not set.
_OTHER_NAMES = {"openai_api_key": "OPENAI_API_KEY", "openai_base_url": "OPENAI_BASE_URL"}


@dataclass
class Config:
    index_dir: str = str(PROJECT_ROOT / "index")  # on-disk Chroma store (embedded mode)
    chroma_url: str = ""  # e.g. http://127.0.0.1:8000 selects Chroma server mode
    collection: str = "articles"
    embed_model: str = "auto"  # "auto": an index keeps the model that built it, a new one gets "minilm-int8"
    #   (all-MiniLM-L6-v2, ONNX, int8 products); "minilm-onnx" (float products); "minilm" (torch); or a folder
    embed_batch_size: int = 32
    embed_threads: int = 0  # embedding runs side by side, one thread each; 0: the machine's cores (at most 4)
    chunk_tokens: int = 180  # cl100k tokens; MiniLM reads at most 256 word pieces
    chunk_overlap_sentences: int = 1
    embed_title: bool = True  # embed "title\n\nchunk" for each chunk (stored and shown text stays the chunk)
    chunk_vectors: str = "chunks"  # "late": one model pass per chunk, sentence vectors pooled from its tokens;
    #   "embed": chunks and sentences each through the model; "chunks": only chunks through the model, the
    #   sentences of passages a question ranks embedded then (and kept per process); "mean" / "mean-tokens":
    #   normalised (token-weighted) mean of the chunk's sentence vectors (rag/embed/vectors.py)
    index_batch_chunks: int = 512  # chunks gathered across files per model call and per write
    ray_address: str = ""  # e.g. "127.0.0.1:6379" or "auto": read, chunk and embed on that Ray cluster
    top_k: int = 5  # passages handed to the answerer
    candidates: int = 20  # passages fetched before re-ranking
    generator: str = "llamacpp"  # chosen by measurement (README, Answer backends); "extractive" needs no model
    max_answer_sentences: int = 3
    min_evidence: float = 0.42  # sentence-evidence score below which the chain refuses
    decline_trust: float = 0.6  # below this best-evidence score a draft saying "the articles do not say" is a refusal
    max_question_chars: int = 2000
    model_dir: str = str(PROJECT_ROOT / "models")
    llm_model: str = ""  # GGUF path or short name for the llamacpp backend; "" = qwen2.5-0.5b (rag models list)
    llm_prompt_tokens: int = 400  # evidence budget of the prompt (context compression)
    llm_max_tokens: int = 160
    llm_temperature: float = 0.0
    llm_ctx: int = 2048
    llm_threads: int = 0  # 0: as many as cores
    llm_parallel: int = 2  # answers llama.cpp decodes together (slots of llm_ctx each); more wait in line
    openai_model: str = ""  # the `openai` backend: model, server ("" = api.openai.com) and key
    openai_base_url: str = ""
    openai_api_key: str = ""
    feedback_file: str = str(PROJECT_ROOT / "feedback.jsonl")
    # `rag serve` (rag/serve/): a bearer token every route requires when set (and a non-loopback bind needs);
    # the service `rag ask` uses ("" = the default local port, if a service runs there for the same index)
    api_token: str = ""
    server_url: str = ""
    upload_max_mb: float = 20.0  # per uploaded file
    library_dir: str = ""  # where uploads are kept ("" = `<index>-library/` beside the index)
    # The chat UI / `rag serve`: where it listens, extra Host names it answers (besides loopback and the
    # bind address), example questions ("|"-separated), and an optional login
    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    ui_allowed_hosts: str = ""
    ui_examples: str = ""
    ui_user: str = ""
    ui_password: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, **overrides: Any) -> Config:
        values: dict[str, Any] = {}
        toml_path = Path(path or os.environ.get("RAG_CONFIG") or "rag.toml")
        if toml_path.is_file():
            with open(toml_path, "rb") as fh:
                data = tomllib.load(fh)
            values.update(data.get("rag", data))
        known = {f.name: f for f in fields(cls) if f.name != "extra"}
        for name in known:
            env = os.environ.get(f"RAG_{name.upper()}") or os.environ.get(_OTHER_NAMES.get(name, ""), "")
            if env:
                values[name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        extra = {k: values.pop(k) for k in list(values) if k not in known}
        typed = {k: _coerce(k, v, known[k].default) for k, v in values.items()}
        return cls(**typed, extra=extra)

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)

    def with_overrides(self, **overrides: Any) -> Config:
        """Like `replace`, but keys that are not fields go to `extra` (options read by one backend)."""
        names = {f.name for f in fields(self)}
        known = {k: v for k, v in overrides.items() if k in names and v is not None}
        unknown = {k: v for k, v in overrides.items() if k not in names and v is not None}
        return dataclasses.replace(self, **known, extra={**self.extra, **unknown})


def _coerce(name: str, value: Any, default: Any) -> Any:
    if isinstance(value, list) and isinstance(default, str):  # a TOML list for a "|"-separated field
        return "|".join(str(v) for v in value)
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}
    try:
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except (TypeError, ValueError):
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise ConfigError(f"setting {name} (RAG_{name.upper()} or rag.toml) must be {kind}, not {value!r}") from None
    return str(value) if value is not None else value
