"""Request and response models of the HTTP service (they are also its OpenAPI schema at /docs).

Answers keep the shape of `rag.types.Answer.to_dict()`, which `rag ask --json` prints, so a client
sees the same object from the CLI, the Python API and the service.
"""
from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from rag import types


class Filters(BaseModel):
    source: str | None = Field(None, description="only articles from this publisher, e.g. Dawn")
    since: str | None = Field(None, description="only articles published on or after (YYYY-MM-DD)")
    until: str | None = Field(None, description="only articles published on or before (YYYY-MM-DD)")

    def as_dict(self) -> dict[str, str] | None:
        return {k: v for k, v in self.model_dump().items() if v} or None


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(..., description="the question; follow-ups are rewritten with `history`")
    history: list[tuple[str, str]] = Field(default_factory=list,
                                           description="earlier turns as [question, answer] pairs")
    top_k: int | None = Field(None, ge=1, le=50, description="passages given to the answerer")
    generator: str | None = Field(None, description="answer backend (llamacpp, extractive, …)")
    filters: Filters | None = None
    passages: bool = Field(False, description="also return every retrieved passage")


def _schema_of(cls: type, leave_out: tuple[str, ...] = ()) -> type[BaseModel]:
    """The pydantic model of one of rag.types' dataclasses as `to_dict()` gives it (one owner of the fields)."""
    hints = get_type_hints(cls)
    return create_model(cls.__name__, **{
        f.name: (hints[f.name], ... if f.default is MISSING and f.default_factory is MISSING else
                 (f.default if f.default is not MISSING else Field(default_factory=f.default_factory)))
        for f in fields(cls) if f.name not in leave_out})


# A citation's `n` is the number of its [n] marker; start/end the passage's span in the cleaned document,
# sentence_start/sentence_end the supporting sentence's.
Citation = _schema_of(types.Citation)
Passage = _schema_of(types.Passage, leave_out=("evidence",))


class AnswerOut(BaseModel):
    question: str
    answer: str = Field(..., description="text with [n] markers, or the refusal")
    refused: bool = Field(..., description="true when the articles do not say")
    partial: bool = Field(False, description="true when the articles cover only part of the question (what they "
                                             "do say is given, marked as such)")
    citations: list[Citation]
    timings_ms: dict[str, float]
    backend: str = ""
    rewritten_question: str = Field("", description="the standalone question when a follow-up was rewritten")
    passages: list[Passage] | None = Field(None, description="every retrieved passage (with passages: true)")


class RetrieveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str
    top_k: int | None = Field(None, ge=1, le=50)
    filters: Filters | None = None


class RetrieveOut(BaseModel):
    question: str
    passages: list[Passage]


class Document(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    doc_id: str
    title: str = ""
    date: str = ""
    source: str = ""
    n_chunks: int = 0


class Skipped(BaseModel):
    name: str
    reason: str


class UploadOut(BaseModel):
    added: list[str]
    replaced: list[str]
    unchanged: list[str]
    skipped: list[Skipped]
    chunks_added: int


class DeleteOut(BaseModel):
    name: str
    removed_chunks: int


class IndexStatus(BaseModel):
    index: str = Field(..., description="the store this service answers from (folder or Chroma URL)")
    documents: int
    chunks: int
    embed_model: str
    generator: str


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    index: str = Field(..., description="compare with your own index before relying on the answers")
    generator: str
    ready: bool = Field(..., description="the answer model is loaded and its fixed prompt processed")


class ErrorBody(BaseModel):
    message: str
    type: str
    code: str | None = None


class ErrorOut(BaseModel):
    """Every error, REST or OpenAI-compatible, has OpenAI's error shape."""
    error: ErrorBody


# --- OpenAI-compatible -------------------------------------------------------------------------

class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: keep the text ones
            return "".join(p.get("text", "") for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # sampling options and the like are accepted and ignored
    model: str = "news-rag"
    messages: list[ChatMessage] = Field(..., min_length=1)
    stream: bool = False
    top_k: int | None = Field(None, ge=1, le=50, description="extension: passages given to the answerer")
    filters: Filters | None = Field(None, description="extension: news filters")


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "news-rag"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]
