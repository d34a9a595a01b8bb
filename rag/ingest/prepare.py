"""Reading, cleaning, chunking and sentence splitting, run ahead of the model in a thread.

`read_ahead` turns files into `Prepared` documents (or `Skipped`) in a background thread and hands them
over through a bounded queue, so the embedding model (which releases the GIL inside ONNX Runtime) never
waits on file reads or PDF parsing, and memory stays bounded however large the corpus.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.ingest.chunk import chunk_document, embedding_input
from rag.ingest.documents import Skipped, load_document
from rag.ingest.sentences import Sentence
from rag.retrieve.evidence import evidence_sentences
from rag.types import Chunk, Document

AHEAD = 64  # prepared documents queued ahead of the model
Fits = Callable[[str], bool]


@dataclass
class Prepared:
    """A document ready for the model: its chunks, its evidence sentences, and (once embedded) their vectors."""

    doc: Document
    chunks: list[Chunk]
    sentences: list[Sentence]
    title: str  # the title the model reads ahead of each chunk ("" when not embedded)
    chunk_vectors: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None

    def sentence_spans(self) -> list[tuple[int, int]]:
        """The spans whose vectors are stored: none when they are made at question time ("chunks")."""
        return [(s.start, s.end) for s in self.sentences] if self.sentence_vectors is not None else []

    def chunk_inputs(self) -> list[str]:
        return [embedding_input(c.text, self.title) for c in self.chunks]


def prepare(doc: Document, chunk_tokens: int, overlap: int, fits: Fits, embed_title: bool,
            chunks_read_by_model: bool = True) -> Prepared:
    """Chunk a document (each chunk fits the model with its title when the model reads chunks)."""
    title = doc.title if embed_title else ""
    check = (lambda text: fits(embedding_input(text, title))) if title and chunks_read_by_model else fits
    return Prepared(doc, chunk_document(doc, chunk_tokens, overlap, fits=check), evidence_sentences(doc.text), title)


def read_ahead(files: Iterable[Path], work: Callable[[Path], Prepared | Skipped | Document]
               ) -> Iterator[Prepared | Skipped | Document]:
    """`work(path)` for each file in a background thread, results in file order."""
    out: queue.Queue = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for path in files:
                if stop.is_set():
                    return
                out.put(work(path))
        except BaseException as err:  # noqa: BLE001 - handed to the consumer, raised there
            out.put(err)
        finally:
            out.put(done)

    thread = threading.Thread(target=produce, daemon=True, name="rag-read-ahead")
    thread.start()
    try:
        while True:
            item = out.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                out.get(timeout=0.05)
            except queue.Empty:
                pass


def load_and_prepare(path: Path, known: Callable[[str, str], bool], prepare_doc: Callable[[Document], Prepared],
                     load: Callable[[Path], Document] = load_document) -> Prepared | Skipped | Document:
    """Read one file; a document already stored under this path (same content) comes back unchunked."""
    from rag.errors import UnreadableFileError

    try:
        doc = load(path)
    except UnreadableFileError as err:
        return Skipped(path, str(err))
    return doc if known(doc.path, doc.doc_id) else prepare_doc(doc)
