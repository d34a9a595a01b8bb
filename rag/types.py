"""The data that flows through the pipeline: documents, chunks, passages, answers.

Plain dataclasses with no heavy imports, shared by ingest, store, retrieval, answering, UI and eval.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Document:
    """A cleaned article ready to chunk. `text` is the cleaned text; spans refer to it."""

    doc_id: str  # sha256 of the cleaned text: the key that makes re-indexing idempotent
    name: str  # file name as ingested, e.g. "001_d869228dbf052979.txt"
    path: str  # absolute path it was read from ("" for uploads without a path)
    title: str
    text: str
    date: str = ""  # ISO date (YYYY-MM-DD) when the text gives one
    source: str = ""  # publisher / "Source:" line when the text gives one
    extra: dict[str, Any] = field(default_factory=dict)
    stamp: str = ""  # "size:mtime_ns" of the file when it was read: re-indexing skips reading it while unchanged

    def metadata(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "name": self.name, "path": self.path, "title": self.title,
                "date": self.date, "source": self.source, "stamp": self.stamp}


@dataclass
class Chunk:
    """A piece of a document: `text == document.text[start:end]`."""

    doc_id: str
    index: int
    text: str
    start: int
    end: int
    n_tokens: int

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id[:32]}:{self.index:05d}"


@dataclass
class ScoredSentence:
    """A sentence of a passage with how well it answers the question."""

    text: str
    start: int  # span in the cleaned document
    end: int
    score: float  # evidence score: semantic similarity blended with term coverage
    similarity: float = 0.0
    coverage: float = 0.0


@dataclass
class Passage:
    """A retrieved chunk with its document metadata and retrieval score."""

    chunk_id: str
    doc_id: str
    name: str
    title: str
    text: str
    start: int
    end: int
    score: float
    date: str = ""
    source: str = ""
    evidence: list[ScoredSentence] = field(default_factory=list)  # best first, filled by re-ranking

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("evidence")
        return data


@dataclass
class Citation:
    """One numbered citation `[n]` of an answer."""

    n: int
    source: str  # document file name
    title: str
    text: str  # the cited passage
    start: int  # span of the passage in the cleaned document
    end: int
    score: float
    sentence: str = ""  # the supporting sentence inside the passage
    sentence_start: int = -1  # span of that sentence in the cleaned document
    sentence_end: int = -1
    date: str = ""
    publisher: str = ""
    doc_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation]
    refused: bool
    passages: list[Passage] = field(default_factory=list)  # everything retrieved, ranked
    timings_ms: dict[str, float] = field(default_factory=dict)
    backend: str = ""
    rewritten_question: str = ""  # the standalone question when a conversation was rewritten
    partial: bool = False  # says what the articles cover instead (another year, team…): not the answer asked for

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """The inverse of `to_dict` (an answer that came over HTTP, say)."""
        return cls(question=data["question"], text=data["answer"], refused=data["refused"],
                   citations=[Citation(**c) for c in data.get("citations", [])],
                   passages=[Passage(**p) for p in data.get("passages") or []],
                   timings_ms=dict(data.get("timings_ms", {})), backend=data.get("backend", ""),
                   rewritten_question=data.get("rewritten_question", ""), partial=bool(data.get("partial")))

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "partial": self.partial,
            "citations": [c.to_dict() for c in self.citations],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "backend": self.backend,
            "rewritten_question": self.rewritten_question,
            "passages": [p.to_dict() for p in self.passages],
        }


@dataclass
class IndexReport:
    """What one `index` run did."""

    added: list[str] = field(default_factory=list)  # file names newly indexed
    replaced: list[str] = field(default_factory=list)  # changed content, old chunks removed
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # gone from disk, removed from the store
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    chunks_added: int = 0
    notes: list[tuple[str, str]] = field(default_factory=list)  # (file, note): indexed, but worth knowing

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.replaced)} replaced",
                 f"{len(self.unchanged)} unchanged", f"{len(self.removed)} removed",
                 f"{len(self.skipped)} skipped", f"{self.chunks_added} chunks written"]
        return ", ".join(parts)
