"""Keep the store in step with article files: content-hash keyed, so re-running changes nothing.

Per file: unchanged content is skipped, changed content replaces the old chunks, a file whose content
is already indexed under another name is not indexed twice, and files gone from a folder that is
re-indexed are removed from the store. Problems with one file never stop the others. A file whose size
and modification time are those recorded when it was indexed is not even read again (PDF extraction is
the slow part of a re-run); any other file is read, and its content hash decides.

Every sentence is embedded (the store keeps its vector for evidence scoring). A chunk's vector is, by
`chunk_vectors`, either a model pass over the chunk ("embed", headed by the title when `embed_title`) or
the normalised mean of the vectors of the sentences it holds ("mean", or "mean-tokens" weighted by their
token counts), which costs no model pass. The stored text is the chunk's own in every case.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from rag.config import Config
from rag.embed import Embedder
from rag.ingest.chunk import chunk_document, count_tokens, embedding_input
from rag.ingest.documents import Skipped, discover, load_documents
from rag.retrieve.bm25 import sync_lexical_index
from rag.retrieve.evidence import evidence_sentences
from rag.printable import printable
from rag.store.chroma import ChromaStore
from rag.store.space import growth_estimate
from rag.types import Document, IndexReport

Progress = Callable[[str, int, int], None]  # (stage, done, total)
CHUNK_VECTORS = ("embed", "mean", "mean-tokens")


def index_paths(paths: Iterable[str | os.PathLike], store: ChromaStore, embedder: Embedder, config: Config,
                progress: bool | Progress = True) -> IndexReport:
    if config.chunk_vectors not in CHUNK_VECTORS:
        raise ValueError(f"chunk_vectors {config.chunk_vectors!r}: use one of {', '.join(CHUNK_VECTORS)}")
    report = IndexReport()
    files, folders, problems = discover(paths)
    for problem in problems:
        _skip(report, problem)
    with store.writing():
        bar = _progress_bar(len(files), progress)  # once the write may start (a refusal stays the last line)
        known = store.documents()
        by_path = {d["path"]: d for d in known}
        by_id = {d["doc_id"]: d for d in known}
        stamps = {str(f): file_stamp(f) for f in files}
        to_read = []
        for f in files:
            entry = by_path.get(str(f))
            if entry and entry.get("stamp") and entry["stamp"] == stamps[str(f)]:
                report.unchanged.append(entry["name"])
                bar(entry["name"], 0)
            else:
                to_read.append(f)
        store.expect_growth(growth_estimate(to_read), f"indexing {len(to_read)} files")  # checked before any write
        for item in load_documents(to_read):
            if isinstance(item, Skipped):
                _skip(report, item)
                bar(item.path.name, 0)
                continue
            doc = item
            doc.stamp = stamps.get(doc.path, "")
            if doc.extra.get("note"):  # e.g. "not valid UTF-8; read as Windows-1252"
                report.notes.append((doc.name, doc.extra["note"]))
                print(f"note: {printable(doc.name)}: {doc.extra['note']}", file=sys.stderr)
            old = by_path.get(doc.path)
            if old and old["doc_id"] == doc.doc_id:
                if doc.stamp and old.get("stamp") != doc.stamp:
                    store.set_stamp(doc.doc_id, doc.stamp)  # touched, or indexed before stamps: next time, skip
                report.unchanged.append(doc.name)
                bar(doc.name, 0)
                continue
            twin = by_id.get(doc.doc_id)
            if twin and twin["path"] != doc.path and Path(twin["path"]).exists():
                _skip(report, Skipped(Path(doc.path), f"{doc.name}: same content as {twin['name']}, already indexed"))
                bar(doc.name, 0)
                continue
            chunks, chunk_vectors, sentences, sentence_vectors = _embed_document(doc, embedder, config)
            if twin:  # renamed or moved file: same content, new place
                store.delete_doc(twin["doc_id"])
            if old:
                store.delete_doc(old["doc_id"])
            store.add(doc, chunks, chunk_vectors, [(s.start, s.end) for s in sentences], sentence_vectors)
            (report.replaced if old else report.added).append(doc.name)
            report.chunks_added += len(chunks)
            by_id[doc.doc_id] = by_path[doc.path] = {**doc.metadata(), "n_chunks": len(chunks)}
            bar(doc.name, len(chunks))
        present = {str(f) for f in files}
        for entry in known:
            inside = any(Path(entry["path"]).is_relative_to(folder) for folder in folders)
            if inside and entry["path"] not in present and not Path(entry["path"]).exists():
                store.delete_doc(entry["doc_id"])
                report.removed.append(entry["name"])
        sync_lexical_index(store)  # the BM25 copy follows the store (rebuilt only when it changed)
    bar.close()
    return report


def file_stamp(path: str | os.PathLike) -> str:
    """Size and modification time (ns) of a file, taken before it is read; "" if it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}"


def _embed_document(doc: Document, embedder: Embedder, config: Config):
    """Chunk the document and embed its chunks and sentences: (chunks, chunk vectors, sentences, their vectors)."""
    title = doc.title if config.embed_title else ""
    # A chunk the model reads must fit with its title; with mean vectors the model reads sentences only.
    titled = bool(title) and config.chunk_vectors == "embed"
    fits = (lambda text: embedder.fits(embedding_input(text, title))) if titled else embedder.fits
    chunks = chunk_document(doc, config.chunk_tokens, config.chunk_overlap_sentences, fits=fits)
    sentences = evidence_sentences(doc.text)
    if config.chunk_vectors == "embed":
        vectors = embedder.embed([embedding_input(c.text, title) for c in chunks] + [s.text for s in sentences])
        return chunks, vectors[:len(chunks)], sentences, vectors[len(chunks):]
    head = [title] if title else []
    vectors = embedder.embed(head + [s.text for s in sentences])
    title_vector, sentence_vectors = (vectors[0], vectors[1:]) if head else (None, vectors)
    weights = np.array([count_tokens(s.text) if config.chunk_vectors == "mean-tokens" else 1
                        for s in sentences], dtype=np.float32)
    chunk_vectors = mean_vectors([(c.start, c.end) for c in chunks], [(s.start, s.end) for s in sentences],
                                 sentence_vectors, weights, title_vector)
    # A chunk holding no scored sentence (only fragments under the evidence minimum) is embedded itself.
    lost = [i for i, v in enumerate(chunk_vectors) if not v.any()]
    if lost:
        chunk_vectors[lost] = embedder.embed([embedding_input(chunks[i].text, title) for i in lost])
    return chunks, chunk_vectors, sentences, sentence_vectors


def mean_vectors(spans: list[tuple[int, int]], sentence_spans: list[tuple[int, int]], sentence_vectors: np.ndarray,
                 weights: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    """For each span, the L2-normalised weighted mean of the vectors of the sentences overlapping it
    (plus `extra` with the weight of an average sentence, when given); a zero row when none overlaps."""
    dim = sentence_vectors.shape[1] if len(sentence_vectors) else (len(extra) if extra is not None else 0)
    out = np.zeros((len(spans), dim), dtype=np.float32)
    starts = np.array([a for a, _ in sentence_spans], dtype=np.int64)
    ends = np.array([b for _, b in sentence_spans], dtype=np.int64)
    for row, (a, b) in enumerate(spans):
        inside = np.flatnonzero((starts < b) & (ends > a))
        if not len(inside):
            continue
        w = weights[inside]
        total = (w[:, None] * sentence_vectors[inside]).sum(axis=0)
        if extra is not None:
            total = total + w.mean() * extra
        out[row] = total / max(float(np.linalg.norm(total)), 1e-12)
    return out


def _skip(report: IndexReport, item: Skipped) -> None:
    report.skipped.append((item.path.name, item.reason))
    print(f"warning: skipped {printable(item.reason)}", file=sys.stderr)


class _progress_bar:
    """tqdm over files, with the chunk count in the postfix; or a callback; or nothing."""

    def __init__(self, total: int, progress: bool | Progress):
        self.callback = progress if callable(progress) else None
        self.total, self.done, self.chunks = total, 0, 0
        self.bar = None
        if progress is True and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", desc="indexing", file=sys.stderr, dynamic_ncols=True)

    def __call__(self, name: str, chunks: int) -> None:
        self.done += 1
        self.chunks += chunks
        if self.bar is not None:
            self.bar.set_postfix(chunks=self.chunks, file=printable(name)[:30], refresh=False)
            self.bar.update(1)
        if self.callback:
            self.callback(name, self.done, self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
