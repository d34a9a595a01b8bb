"""Keep the store in step with article files: content-hash keyed, so re-running changes nothing.

Per file: unchanged content is skipped, changed content replaces the old chunks, a file whose content
is already indexed under another name is not indexed twice, and files gone from a folder that is
re-indexed are removed from the store. Problems with one file never stop the others. A file whose size
and modification time are those recorded when it was indexed is not even read again (PDF extraction is
the slow part of a re-run); any other file is read, and its content hash decides.

Files stream through a pipeline: a background thread reads, cleans and chunks them ahead of the model
(`rag/ingest/prepare.py`); the main thread gathers documents into batches of about `index_batch_chunks`
chunks, embeds each batch in one call across files (`rag/embed/vectors.py`, `chunk_vectors` says how chunk and
sentence vectors are made) and writes it in large upserts, under a journal that lets a killed run resume
with nothing half-written (`rag/store/journal.py`). The BM25 copy is rebuilt once, at the end of the run.
With `ray_address` (`rag index --ray`), reading, chunking and embedding run on a Ray cluster instead
(`rag/ingest/ray_source.py`) and this process decides and writes as here.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from rag.config import Config
from rag.embed.base import Embedder
from rag.embed.vectors import CHUNK_VECTORS, embed_prepared
from rag.errors import ConfigError
from rag.ingest.documents import Skipped, discover, load_document
from rag.ingest.prepare import Prepared, load_and_prepare, prepare, read_ahead
from rag.printable import printable
from rag.retrieve.bm25 import sync_lexical_index
from rag.store import journal
from rag.store.base import Store
from rag.store.space import growth_estimate
from rag.types import Document, IndexReport

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Source = Callable[[list[Path]], Iterator["Prepared | Skipped | Document"]]


def index_paths(paths: Iterable[str | os.PathLike], store: Store, embedder: Embedder | None, config: Config,
                progress: bool | Progress = True, source: Source | None = None) -> IndexReport:
    """Bring the store in step with the files under `paths`. `source` (Ray) may hand over documents
    already embedded; otherwise they are read ahead here and embedded with `embedder`."""
    if config.chunk_vectors not in CHUNK_VECTORS:
        raise ConfigError(f"chunk_vectors {config.chunk_vectors!r}: use one of {', '.join(CHUNK_VECTORS)}")
    report = IndexReport()
    files, folders, problems = discover(paths)
    for problem in problems:
        _skip(report, problem)
    with store.writing():
        journal.recover(store, config.index_dir)
        bar = _progress_bar(len(files), progress)  # once the write may start (a refusal stays the last line)
        try:
            _bring_in_step(store, embedder, config, report, files, folders, bar, source)
        finally:
            bar.close()
        sync_lexical_index(store)  # the BM25 copy follows the store, once per run (rebuilt only when it changed)
    return report


def preparer(embedder, config: Config) -> Callable[[Document], Prepared]:
    reads_chunks = config.chunk_vectors in ("embed", "late", "chunks")
    return lambda doc: prepare(doc, config.chunk_tokens, config.chunk_overlap_sentences, embedder.fits,
                               config.embed_title, reads_chunks)


def _local_source(embedder, config: Config, by_path: dict[str, dict]) -> Source:
    """Files read, cleaned and chunked ahead in a thread; a file whose stored content is unchanged is not chunked."""
    prepare_doc = preparer(embedder, config)
    known = lambda path, doc_id: by_path.get(path, {}).get("doc_id") == doc_id  # noqa: E731
    return lambda files: read_ahead(files, lambda path: load_and_prepare(path, known, prepare_doc, load_document))


def _bring_in_step(store: Store, embedder: Embedder | None, config: Config, report: IndexReport, files: list[Path],
                   folders: list[Path], bar: _progress_bar, source: Source | None) -> None:
    """Inside `store.writing()`: add new and changed files, skip unchanged ones, remove deleted ones."""
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
    batch = _Batch(store, embedder, config, report, bar)
    try:
        _add_new(store, embedder, config, report, by_path, by_id, stamps, bar, batch,
                 (source or _local_source(embedder, config, by_path))(to_read))
    finally:
        batch.close()  # the last write lands (or its error is raised) before the store is touched again
    present = {str(f) for f in files}
    for entry in known:
        inside = any(Path(entry["path"]).is_relative_to(folder) for folder in folders)
        if inside and entry["path"] not in present and not Path(entry["path"]).exists():
            store.delete_doc(entry["doc_id"])
            report.removed.append(entry["name"])


def _add_new(store: Store, embedder: Embedder | None, config: Config, report: IndexReport, by_path: dict,
             by_id: dict, stamps: dict[str, str], bar: _progress_bar, batch: _Batch,
             items: Iterable[Prepared | Skipped | Document]) -> None:
    """Each file read: skipped, unchanged, a twin of a stored one, or added to the batch (new or changed)."""
    for item in items:
        if isinstance(item, Skipped):
            _skip(report, item)
            bar(item.path.name, 0)
            continue
        doc = item.doc if isinstance(item, Prepared) else item
        doc.stamp = stamps.get(doc.path, "")
        if doc.extra.get("note"):  # e.g. "not valid UTF-8; read as Windows-1252"
            report.notes.append((doc.name, doc.extra["note"]))
            print(f"note: {printable(doc.name)}: {doc.extra['note']}", file=sys.stderr)
        old = by_path.get(doc.path)
        if old and old["doc_id"] == doc.doc_id:
            if doc.stamp and old.get("stamp") != doc.stamp:
                batch.wait()  # one writer at a time
                store.set_stamp(doc.doc_id, doc.stamp)  # touched, or indexed before stamps: next time, skip
            report.unchanged.append(doc.name)
            bar(doc.name, 0)
            continue
        twin = by_id.get(doc.doc_id)
        if twin and twin["path"] != doc.path and Path(twin["path"]).exists():
            _skip(report, Skipped(Path(doc.path), f"{doc.name}: same content as {twin['name']}, already indexed"))
            bar(doc.name, 0)
            continue
        if not isinstance(item, Prepared):  # came back unchunked, but its content is new after all
            item = preparer(embedder, config)(doc)
        replaces = [d["doc_id"] for d in (twin, old) if d]  # a moved file's entry, a changed file's old one
        batch.add(item, replaces, replaced=bool(old))
        by_id[doc.doc_id] = by_path[doc.path] = {**doc.metadata(), "n_chunks": len(item.chunks)}
    batch.flush()


class _Batch:
    """Documents gathered across files until about `index_batch_chunks` chunks, then embedded and written.

    A batch is written in one background thread while the next is embedded (Chroma's upserts, its HNSW
    insertions and SQLite's syncs, ~10-20% of a run, overlap the model). One write at a time, in order, so
    a killed run leaves at most one batch under the journal, as before; `wait` lets the caller touch the
    store in between, and a failed write is raised there."""

    def __init__(self, store: Store, embedder, config: Config, report: IndexReport, bar):
        self.store, self.embedder, self.config, self.report, self.bar = store, embedder, config, report, bar
        self.items: list[tuple[Prepared, list[str], bool]] = []
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rag-index-write")
        self.pending: Future | None = None

    def add(self, item: Prepared, replaces: list[str], replaced: bool) -> None:
        self.items.append((item, replaces, replaced))
        if sum(len(p.chunks) for p, _, _ in self.items) >= max(1, self.config.index_batch_chunks):
            self.flush()

    def flush(self) -> None:
        if not self.items:
            return
        items, self.items = self.items, []
        todo = [p for p, _, _ in items if p.chunk_vectors is None]
        if todo:
            embed_prepared(todo, self.embedder, self.config.chunk_vectors)
        self.wait()
        self.pending = self.writer.submit(self._write, items)

    def wait(self) -> None:
        """Until the batch being written is stored (its error, if any, raised here)."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self.writer.shutdown(wait=True)

    def _write(self, items: list[tuple[Prepared, list[str], bool]]) -> None:
        store, folder = self.store, self.config.index_dir
        store.begin_change()
        journal.begin(folder, {p.doc.doc_id: replaces for p, replaces, _ in items})
        for p, replaces, _ in items:
            if p.doc.doc_id in replaces:  # the same content moved: its rows are rewritten in place
                store.delete_doc(p.doc.doc_id)
        store.add_many([(p.doc, p.chunks, p.chunk_vectors, p.sentence_spans(), p.sentence_vectors)
                        for p, _, _ in items])
        for p, replaces, replaced in items:
            for old in replaces:
                if old != p.doc.doc_id:
                    store.delete_doc(old)
            (self.report.replaced if replaced else self.report.added).append(p.doc.name)
            self.report.chunks_added += len(p.chunks)
            self.bar(p.doc.name, len(p.chunks))
        journal.end(folder)


def file_stamp(path: str | os.PathLike) -> str:
    """Size and modification time (ns) of a file, taken before it is read; "" if it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}"


def _skip(report: IndexReport, item: Skipped) -> None:
    report.skipped.append((item.path.name, item.reason))
    print(f"warning: skipped {printable(item.reason)}", file=sys.stderr)


class _progress_bar:
    """tqdm over files (with its ETA), chunks and chunks/s in the postfix; or a callback; or nothing."""

    def __init__(self, total: int, progress: bool | Progress):
        self.callback = progress if callable(progress) else None
        self.total, self.done, self.chunks = total, 0, 0
        self.started = time.perf_counter()
        self.lock = threading.Lock()  # called from the main thread and the writer's
        self.bar = None
        if progress is True and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", desc="indexing", file=sys.stderr, dynamic_ncols=True)

    def __call__(self, name: str, chunks: int) -> None:
        with self.lock:
            self._advance(name, chunks)

    def _advance(self, name: str, chunks: int) -> None:
        self.done += 1
        self.chunks += chunks
        if self.bar is not None:
            rate = self.chunks / max(time.perf_counter() - self.started, 1e-9)
            self.bar.set_postfix(chunks=self.chunks, chunks_per_s=f"{rate:.1f}", file=printable(name)[:30],
                                 refresh=False)
            self.bar.update(1)
        if self.callback:
            self.callback(name, self.done, self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
