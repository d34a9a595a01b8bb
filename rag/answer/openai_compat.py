"""The `openai` backend: any OpenAI-compatible chat server (OpenAI, vLLM, Ollama, llama.cpp's server).

Goes through LlamaIndex's `OpenAILike` LLM, with the same compressed, numbered prompt as the local
backend. Where to connect comes from the config (nothing is sent anywhere unless you choose this backend):

    openai_base_url   RAG_OPENAI_BASE_URL or OPENAI_BASE_URL, e.g. http://127.0.0.1:8080/v1 (default: OpenAI's API)
    openai_api_key    RAG_OPENAI_API_KEY or OPENAI_API_KEY (local servers may need none)
    openai_model      RAG_OPENAI_MODEL
"""
from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

from rag.answer.prompt import STOP, build_messages, trail_markers
from rag.errors import RagError

if TYPE_CHECKING:
    from rag.config import Config
    from rag.types import Passage

OPENAI_URL = "https://api.openai.com/v1"
LOCAL_MODEL = "local-model"  # llama.cpp's and similar single-model servers accept any name


def endpoint(config: Config) -> tuple[str, str, str]:
    """(base_url, api_key, model) from the config (`openai_base_url`, `openai_api_key`, `openai_model`)."""
    base = (config.openai_base_url or OPENAI_URL).rstrip("/")
    key = config.openai_api_key
    model = config.openai_model
    if base == OPENAI_URL:
        if not key:
            raise RagError("the openai backend needs OPENAI_API_KEY (or RAG_OPENAI_BASE_URL for a local server)")
        model = model or "gpt-4o-mini"
    return base, key or "no-key", model or LOCAL_MODEL


class OpenAIGenerator:
    name = "openai"

    def __init__(self, config: Config):
        try:
            from llama_index.llms.openai_like import OpenAILike
        except ImportError as err:
            raise RagError("the openai backend needs llama-index-llms-openai-like (pip install it)") from err
        self.config = config
        self.base_url, key, self.model = endpoint(config)
        self.llm = OpenAILike(model=self.model, api_base=self.base_url, api_key=key, is_chat_model=True,
                              context_window=max(config.llm_ctx, 2048),
                              max_tokens=config.llm_max_tokens,
                              temperature=config.llm_temperature, max_retries=1, timeout=120.0,
                              additional_kwargs={"stop": list(STOP)})
        self.last_stats: dict = {}

    def messages(self, question: str, evidence: list[Passage]) -> list[dict[str, str]]:
        return build_messages(question, evidence, self.config.llm_prompt_tokens)

    def stream(self, question: str, evidence: list[Passage]) -> Iterator[str]:
        raw = self._stream(self.messages(question, evidence))
        try:
            yield from trail_markers(raw)
        finally:
            raw.close()

    def _stream(self, messages: list[dict[str, str]]) -> Generator[str, None, None]:
        from llama_index.core.llms import ChatMessage

        chat = [ChatMessage(role=m["role"], content=m["content"]) for m in messages]
        self.last_stats = stats = {}
        started = time.perf_counter()
        first = None
        try:
            for response in self.llm.stream_chat(chat):
                if response.delta:
                    first = first or time.perf_counter()
                    yield response.delta
        except RagError:
            raise
        except Exception as err:
            raise RagError(f"the OpenAI-compatible server at {self.base_url} failed: "
                           f"{type(err).__name__}: {err}") from err
        finally:
            end = time.perf_counter()
            stats["ttft_ms"] = round(((first or end) - started) * 1000, 1)
            stats["total_ms"] = round((end - started) * 1000, 1)
