"""A write-ahead note of the batch being written, so a run killed mid-write leaves nothing half-written.

Before a batch of documents is written, `index_dir/.rag-index-journal.json` names each new document and
the stored documents it replaces (a changed file's old version, a moved file's earlier entry). It is
removed once the batch and its replacements are done. The store writes a document's catalogue entry
(its first chunk) last, so on the next run, `recover` can tell for each named document whether it was
written whole: if so, what it replaces is deleted (that step may not have run); if not, its partial
rows are deleted and what it was to replace stays. The files are then indexed as usual.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from rag.store.schema import DOC_KEY
from rag.types import Chunk

NAME = ".rag-index-journal.json"


def journal_path(index_dir: str | os.PathLike) -> Path:
    return Path(index_dir) / NAME


def begin(index_dir: str | os.PathLike, replaces: dict[str, list[str]]) -> None:
    """Record (durably) that the documents `replaces` names are about to be written, each replacing its list."""
    path = journal_path(index_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{NAME}.{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"replaces": replaces}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def end(index_dir: str | os.PathLike) -> None:
    journal_path(index_dir).unlink(missing_ok=True)


def recover(store, index_dir: str | os.PathLike) -> int:
    """Finish or undo the batch an interrupted run left; returns how many documents were undone."""
    path = journal_path(index_dir)
    if not path.is_file():
        return 0
    try:
        replaces = json.loads(path.read_text(encoding="utf-8"))["replaces"]
    except (OSError, ValueError, KeyError):
        replaces = None
    if not isinstance(replaces, dict):
        print(f"warning: ignoring an unreadable {path} (left by an interrupted run)", file=sys.stderr)
        path.unlink(missing_ok=True)
        return 0
    firsts = [Chunk(doc_id, 0, "", 0, 0, 0).chunk_id for doc_id in replaces]
    whole = {m.get(DOC_KEY) for m in store.collection.get(ids=firsts, include=["metadatas"])["metadatas"] or []}
    undone = 0
    for doc_id, old_ids in replaces.items():
        if doc_id in whole:
            for old in old_ids:
                if old != doc_id:
                    store.delete_doc(old)
        else:
            store.delete_doc(doc_id)
            undone += 1
    path.unlink(missing_ok=True)
    if undone:
        print(f"note: an interrupted run left {undone} document(s) half-written; removed, indexing them again",
              file=sys.stderr)
    return undone
