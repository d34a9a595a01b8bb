"""The one interface every answer backend implements, and the registry that picks one by name.

A generator receives the question and the evidence passages numbered 1..m (in the order given) and
returns text whose claims carry `[i]` markers pointing into that numbering. The chain then checks the
markers and the support of each sentence (rag.answer.grounding) and renumbers them into citations.

Backends register themselves the same way whether they ship with rag or come from another package
(entry point group `rag.generators`, value `module:factory`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol

from rag.errors import ConfigError

if TYPE_CHECKING:
    from rag.config import Config
    from rag.types import Passage


class Generator(Protocol):
    name: str

    def stream(self, question: str, evidence: list[Passage]) -> Iterator[str]:
        """Yield pieces of the answer text as they are produced (markers included)."""
        ...


GeneratorFactory = Callable[["Config"], Generator]

# Built-in backends, imported only when chosen so that a missing optional runtime breaks nothing else.
_BUILTIN: dict[str, str] = {
    "extractive": "rag.answer.extractive:ExtractiveGenerator",
    "llamacpp": "rag.answer.llamacpp:LlamaCppGenerator",
    "openai": "rag.answer.openai_compat:OpenAIGenerator",
}
_REGISTERED: dict[str, GeneratorFactory] = {}


def register(name: str) -> Callable[[GeneratorFactory], GeneratorFactory]:
    def deco(factory: GeneratorFactory) -> GeneratorFactory:
        _REGISTERED[name] = factory
        return factory

    return deco


def available() -> list[str]:
    plugins = {ep.name for ep in entry_points(group="rag.generators")}
    return sorted(set(_BUILTIN) | set(_REGISTERED) | plugins)


def _load(spec: str) -> GeneratorFactory:
    module, _, attr = spec.partition(":")
    return getattr(import_module(module), attr)


def get_generator(name: str, config: Config) -> Generator:
    if name in _REGISTERED:
        return _REGISTERED[name](config)
    if name in _BUILTIN:
        return _load(_BUILTIN[name])(config)
    for ep in entry_points(group="rag.generators"):
        if ep.name == name:
            return ep.load()(config)
    raise ConfigError(f"unknown answer backend {name!r}; available: {', '.join(available())}")
