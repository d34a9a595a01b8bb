"""The `llamacpp` backend: a local GGUF model run by llama.cpp through xllamacpp (a prebuilt wheel).

- The model is loaded once per process (module-level cache keyed by file and settings).
- Answers stream token by token; a consumer that stops reading cancels the generation.
- `llm_parallel` slots (llama.cpp's parallel sequences, continuous batching): that many answers are
  decoded together in one batch, each slot with a context of its own `llm_ctx` tokens; more requests
  wait in line for a slot (rag/answer/turns.py) and are told their place.
- llama.cpp's prompt cache per slot: the system prompt is constant, so every slot starts in the state
  after it (restored from the saved state, rag/answer/prompt_state.py) and keeps it from one question
  to the next; only the passages and the question are processed each time.
- OpenMP threads wait passively: on a shared 2-core machine spinning threads slow llama.cpp down
  by 5-10x whenever another process runs.

xllamacpp also serves llama.cpp's OpenAI-compatible HTTP API on loopback; the in-process server is
locked with a random API key. `python -m rag.answer.llamacpp serve MODEL --port N` runs that API on
purpose (for the `openai` backend, or any OpenAI client).
"""
from __future__ import annotations

import os
import queue
import secrets
import threading
import time
from collections.abc import Generator, Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any, cast

from rag.answer import prompt_state
from rag.answer.prompt import STOP, build_messages, prefix_messages, trail_markers
from rag.answer.turns import QueueStatus, Turns
from rag.errors import ConfigError, RagError

if TYPE_CHECKING:
    from rag.config import Config
    from rag.types import Passage

_SERVERS: dict[tuple, Any] = {}
_TURNS: dict[tuple, Turns] = {}
_LOAD_LOCK = threading.Lock()
_DONE = object()


def fixed_start() -> list[dict[str, str]]:
    """The messages every answer prompt starts with, whose state is cached: the system prompt and the worked
    example, its answer included (ending on the assistant's message, it is rendered as the start of that
    message, which is also how the full prompt goes on)."""
    return prefix_messages()


def _threads(requested: int) -> int:
    return requested if requested > 0 else max(1, min(os.cpu_count() or 1, 4))


def _params(model_path: str, n_ctx: int, threads: int, host: str = "127.0.0.1", port: int = 0,
            api_key: str | None = None, parallel: int = 1):
    """llama.cpp's settings; `n_ctx` is the context of each of the `parallel` slots."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read when the OpenMP runtime starts
    try:
        import xllamacpp as xlc
    except ImportError as err:
        raise RagError("the llamacpp backend needs the xllamacpp package (pip install xllamacpp)") from err
    p = xlc.CommonParams()
    p.model.path = model_path
    p.n_parallel = parallel
    p.n_ctx = n_ctx * parallel  # the whole KV cache, split evenly: each slot gets n_ctx
    p.kv_unified = False  # one KV stream per slot: a long answer cannot take another slot's room
    p.cont_batching = True  # a request's prompt joins the batch while the other slots decode
    p.cache_prompt = True
    p.cache_ram_mib = 256
    p.fit_params = False  # fitting to device memory loads the model twice (0.7 s of a cold start) and is for GPUs
    p.cpuparams.n_threads = threads
    p.cpuparams_batch.n_threads = threads
    p.verbosity = 0
    p.hostnames = [host]
    p.port = port
    p.api_keys = [api_key or secrets.token_hex(16)]
    return xlc, p


def _key(model_path: str, n_ctx: int, threads: int, parallel: int) -> tuple:
    return (os.path.realpath(model_path), n_ctx, _threads(threads), max(1, parallel))


def load_server(model_path: str, n_ctx: int = 2048, threads: int = 0,
                prefix: list[dict[str, str]] | None = None, parallel: int = 1):
    """The process-wide llama.cpp server for this model file (loaded on first use), with `parallel`
    slots of `n_ctx` tokens each. With `prefix`, every slot of a new server starts in the state after
    those messages, restored from its file when one was saved (rag/answer/prompt_state.py)."""
    key = _key(model_path, n_ctx, threads, parallel)
    with _LOAD_LOCK:
        server = _SERVERS.get(key)
        if server is None:
            xlc, params = _params(key[0], n_ctx, key[2], parallel=key[3])
            params.slot_save_path = str(prompt_state.state_dir(model_path)) + os.sep
            try:
                server = xlc.Server(params)
            except Exception as err:
                raise RagError(f"llama.cpp could not load {model_path}: {err}") from err
            if prefix:
                prompt_state.prepare(server, params.api_keys[0], model_path, prefix, n_ctx,
                                     lambda: _drain(stream_chat(server, prefix, 1, 0.0, slot=0)), slots=key[3])
            _SERVERS[key] = server
            _TURNS.setdefault(key, Turns(key[3]))
        return server


def turns_for(model_path: str, n_ctx: int = 2048, threads: int = 0, parallel: int = 1) -> Turns:
    """The line for the slots of the server `load_server` made with these settings."""
    key = _key(model_path, n_ctx, threads, parallel)
    with _LOAD_LOCK:
        return _TURNS.setdefault(key, Turns(key[3]))


def _drain(pieces: Iterator[Any]) -> None:
    for _ in pieces:
        pass


def stream_chat(server, messages: list[dict[str, str]], max_tokens: int = 160, temperature: float = 0.0,
                stats: dict | None = None, slot: int = -1) -> Generator[str, None, None]:
    """Stream the assistant's text for `messages`; fills `stats` (timings, token counts) at the end.
    `slot`: the llama.cpp slot to use (-1: the idle one whose cached prompt matches best)."""
    request = {"messages": messages, "stream": True, "max_tokens": max_tokens, "temperature": temperature,
               "cache_prompt": True, "stop": list(STOP), "id_slot": slot}
    chunks: queue.Queue = queue.Queue()
    stop = threading.Event()
    started = time.perf_counter()

    def on_chunk(chunk: Any) -> bool:  # called from the worker thread; True asks llama.cpp to stop
        if stop.is_set():
            return True
        chunks.put(chunk)
        return False

    def work() -> None:
        try:
            server.handle_chat_completions(request, on_chunk)
        except Exception as err:  # bad request: xllamacpp raises ValueError
            chunks.put(err)
        finally:
            chunks.put(_DONE)

    worker = threading.Thread(target=work, name="llamacpp-generate", daemon=True)
    worker.start()
    first = None
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                break
            if isinstance(item, Exception):
                raise RagError(f"llama.cpp rejected the request: {item}")
            if not isinstance(item, dict):
                continue
            if "error" in item or ("code" in item and "choices" not in item):
                err = item.get("error", item)
                raise RagError(f"llama.cpp failed: {err.get('message', err) if isinstance(err, dict) else err}")
            for choice in item.get("choices") or []:
                text = (choice.get("delta") or {}).get("content")
                if text:
                    if first is None:
                        first = time.perf_counter()
                    yield text
            if stats is not None and item.get("timings"):
                t = item["timings"]
                stats.update({
                    "prompt_tokens": t.get("prompt_n", 0) + t.get("cache_n", 0),
                    "cached_tokens": t.get("cache_n", 0),
                    "prompt_tokens_per_s": round(t.get("prompt_per_second", 0.0), 1),
                    "generated_tokens": t.get("predicted_n", 0),
                    "tokens_per_s": round(t.get("predicted_per_second", 0.0), 1),
                })
    finally:
        stop.set()
        worker.join(timeout=30)
        if stats is not None:
            end = time.perf_counter()
            stats["ttft_ms"] = round(((first or end) - started) * 1000, 1)
            stats["total_ms"] = round((end - started) * 1000, 1)


class LlamaCppGenerator:
    """Answers with a local GGUF model; `config.llm_model` is a short name from `rag models list` or a path."""

    name = "llamacpp"

    def __init__(self, config: Config):
        from rag.answer import models

        if config.llm_parallel < 1:
            raise ConfigError(f"setting llm_parallel (RAG_LLM_PARALLEL or rag.toml) must be 1 or more, "
                              f"not {config.llm_parallel}")
        self.config = config
        self.model_path = str(models.resolve(config.llm_model or models.DEFAULT_MODEL, config.model_dir))
        self.last_stats: dict = {}

    @property
    def server(self):
        return load_server(self.model_path, self.config.llm_ctx, self.config.llm_threads,
                           prefix=fixed_start(), parallel=self.config.llm_parallel)

    @property
    def turns(self) -> Turns:
        return turns_for(self.model_path, self.config.llm_ctx, self.config.llm_threads, self.config.llm_parallel)

    def messages(self, question: str, evidence: list[Passage]) -> list[dict[str, str]]:
        return build_messages(question, evidence, self.config.llm_prompt_tokens)

    def warm_up(self) -> None:
        """Load the model and process the constant prompt start (system prompt and worked example), so
        the first question only pays for its own passages. One generated token; safe to call again."""
        _drain(self.chat(fixed_start(), max_tokens=1))

    def chat(self, messages: list[dict[str, str]], max_tokens: int | None = None,
             stats: dict | None = None) -> Generator[str | QueueStatus, None, None]:
        """The model's reply to `messages` in this request's turn: `QueueStatus` items (its place while
        every slot is busy, then that its turn came), then the text pieces. Closing it stops the
        generation and frees the slot."""
        server = self.server
        with self.turns.turn() as waiting:
            yield from waiting
            raw = stream_chat(server, messages, max_tokens or self.config.llm_max_tokens,
                              self.config.llm_temperature, stats=stats)
            try:
                yield from raw
            finally:
                raw.close()  # stops llama.cpp when the consumer stops reading; then the slot is free

    def stream(self, question: str, evidence: list[Passage]) -> Iterator[str | QueueStatus]:
        """The answer's text pieces, after `QueueStatus` items (see `chat`)."""
        stats: dict = {}
        self.last_stats = stats  # the latest answer's figures (under concurrency: whichever started last)
        reply = self.chat(self.messages(question, evidence), stats=stats)
        try:
            first = next(reply, None)
            while isinstance(first, QueueStatus):
                yield first
                first = next(reply, None)
            if first is not None:
                yield from trail_markers(chain([first], cast(Iterator[str], reply)))
        finally:
            reply.close()


def serve(model: str, host: str = "127.0.0.1", port: int = 8080, api_key: str | None = None,
          n_ctx: int = 2048, threads: int = 0, parallel: int = 1):
    """Start llama.cpp's OpenAI-compatible HTTP server in this process; returns the server object.
    `parallel` slots of `n_ctx` tokens each (llama.cpp itself queues requests beyond them)."""
    from rag.answer import models

    path = str(models.resolve(model))
    xlc, params = _params(path, n_ctx, _threads(threads), host=host, port=port, api_key=api_key or "",
                          parallel=max(1, parallel))
    if not api_key:
        params.api_keys = []
    return xlc.Server(params)


def main(argv: list[str] | None = None) -> int:
    import argparse

    import rag  # noqa: F401  (offline settings)

    parser = argparse.ArgumentParser(prog="python -m rag.answer.llamacpp")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("serve", help="serve a GGUF model over an OpenAI-compatible HTTP API")
    p.add_argument("model", help="short model name or GGUF path")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    p.add_argument("--api-key", default="", help="the key clients must send (default: none)")
    p.add_argument("--ctx", type=int, default=2048, help="context per slot")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--parallel", type=int, default=1, help="requests decoded together")
    args = parser.parse_args(argv)
    server = serve(args.model, args.host, args.port, args.api_key or None, args.ctx, args.threads, args.parallel)
    print(server.listening_address, flush=True)  # the first line tells a parent process where to connect
    try:
        threading.Event().wait()  # serve until the process is stopped
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
