"""Offline question answering over news articles, with numbered citations.

    from rag import RAG
    rag = RAG.open()
    rag.index(["seeds/"])
    answer = rag.ask("Which groups did the US–Pakistan dialogue target?")
    print(answer.text, answer.citations)

Importing this package is light: heavy libraries (torch, chromadb, llama_index) load on first use.
"""
from rag import memory as _memory  # noqa: F401  (before any thread starts)
from rag import offline as _offline  # noqa: F401  (must run before any ML library is imported)
from rag.config import Config
from rag.errors import EmptyIndexError, InvalidQuestionError, RagError, UnreadableFileError
from rag.types import Answer, Citation, IndexReport, Passage

__all__ = ["RAG", "Config", "Answer", "Citation", "Passage", "IndexReport", "RagError",
           "EmptyIndexError", "InvalidQuestionError", "UnreadableFileError"]


def __getattr__(name: str):
    if name == "RAG":
        from rag.api import RAG

        return RAG
    raise AttributeError(name)
