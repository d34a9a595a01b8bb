"""Keep the store in step with article files: content-hash keyed, so re-running changes nothing.

Per file: unchanged content is skipped, changed content replaces the old chunks, a file whose content
is already indexed under another name is not indexed twice, and files gone from a folder that is
re-indexed are removed from the store. Problems with one file never stop the others.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Iterable

from rag.config import Config
from rag.embed import Embedder
from rag.ingest.chunk import chunk_document
from rag.ingest.documents import Skipped, discover, load_documents
from rag.retrieve.bm25 import sync_lexical_index
from rag.retrieve.evidence import evidence_sentences
from rag.store.chroma import ChromaStore
from rag.types import IndexReport

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def index_paths(paths: Iterable[str | os.PathLike], store: ChromaStore, embedder: Embedder, config: Config,
                progress: bool | Progress = True) -> IndexReport:
    report = IndexReport()
    files, folders, problems = discover(paths)
    for problem in problems:
        _skip(report, problem)
    bar = _progress_bar(len(files), progress)
    with store.writing():
        known = store.documents()
        by_path = {d["path"]: d for d in known}
        by_id = {d["doc_id"]: d for d in known}
        for item in load_documents(files):
            if isinstance(item, Skipped):
                _skip(report, item)
                bar(item.path.name, 0)
                continue
            doc = item
            old = by_path.get(doc.path)
            if old and old["doc_id"] == doc.doc_id:
                report.unchanged.append(doc.name)
                bar(doc.name, 0)
                continue
            twin = by_id.get(doc.doc_id)
            if twin and twin["path"] != doc.path and Path(twin["path"]).exists():
                _skip(report, Skipped(Path(doc.path), f"{doc.name}: same content as {twin['name']}, already indexed"))
                bar(doc.name, 0)
                continue
            chunks = chunk_document(doc, config.chunk_tokens, config.chunk_overlap_sentences, fits=embedder.fits)
            sentences = evidence_sentences(doc.text)
            vectors = embedder.embed([c.text for c in chunks] + [s.text for s in sentences])
            if twin:  # renamed or moved file: same content, new place
                store.delete_doc(twin["doc_id"])
            if old:
                store.delete_doc(old["doc_id"])
            store.add(doc, chunks, vectors[:len(chunks)], [(s.start, s.end) for s in sentences],
                      vectors[len(chunks):])
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


def _skip(report: IndexReport, item: Skipped) -> None:
    report.skipped.append((item.path.name, item.reason))
    print(f"warning: skipped {item.reason}", file=sys.stderr)


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
            self.bar.set_postfix(chunks=self.chunks, file=name[:30], refresh=False)
            self.bar.update(1)
        if self.callback:
            self.callback(name, self.done, self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
