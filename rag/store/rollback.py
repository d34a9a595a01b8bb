"""Every write to an on-disk index lands completely or not at all.

Before a write, the index's files (Chroma's database and its segment folders) are copied into
`.rag-rollback/`; a manifest naming them is written last, so a copy without one is unfinished and
simply discarded. When the write fails (a full disk, a crash in Chroma) the copy is moved back into
place; when the process dies mid-write (kill -9, power loss) the next process to take the write lock
finds the finished copy and does the same. Moving back is renames only, so it works on a full disk.
The BM25 copy is left out: it follows the store by fingerprint and rebuilds itself.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

SNAPSHOT = ".rag-rollback"
MANIFEST = "MANIFEST.json"
TRASH = ".rag-rollback-trash"
# Room kept inside the copy and freed when it is put back: on a full disk, Chroma needs a little to open the
# restored folder, and the failed write's database is still held open by the old client (its bytes are not
# freed by deleting it). Before, the room came by chance from segment files the write had grown.
RESERVE = "reserve"
RESERVE_BYTES = 1 << 20


def parts(index_dir: Path) -> list[Path]:
    """The files a write may change: Chroma's database and segment folders (not our hidden files, not BM25)."""
    try:
        entries = sorted(index_dir.iterdir())
    except OSError:
        return []
    return [p for p in entries if not p.name.startswith((".", "bm25-"))]


def parts_bytes(index_dir: Path) -> int:
    from rag.store.space import folder_bytes

    total = 0
    for p in parts(index_dir):
        total += folder_bytes(p) if p.is_dir() else p.stat().st_size
    return total


def take(index_dir: Path) -> None:
    """Copy the index's parts aside; the manifest, written last, says the copy is whole."""
    snap = index_dir / SNAPSHOT
    shutil.rmtree(snap, ignore_errors=True)
    snap.mkdir()
    try:
        names = []
        for p in parts(index_dir):
            (shutil.copytree if p.is_dir() else shutil.copy2)(p, snap / p.name)
            names.append(p.name)
        (snap / RESERVE).write_bytes(b"\0" * RESERVE_BYTES)
        tmp = snap / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps({"parts": names, "taken": time.time()}))
        os.replace(tmp, snap / MANIFEST)
    except BaseException:
        shutil.rmtree(snap, ignore_errors=True)
        raise


def discard(index_dir: Path) -> None:
    """The write is complete: drop the copy (manifest first, so a half-deleted copy is never restored)."""
    snap = index_dir / SNAPSHOT
    try:
        (snap / MANIFEST).unlink()
    except FileNotFoundError:
        pass
    shutil.rmtree(snap, ignore_errors=True)


def pending(index_dir: Path) -> bool:
    return (index_dir / SNAPSHOT / MANIFEST).is_file()


def restore(index_dir: Path) -> bool:
    """Put the copied parts back (renames only) and drop parts the failed write created. Safe to repeat
    after a crash halfway: parts already moved back are in the manifest and stay. False if no whole copy."""
    snap = index_dir / SNAPSHOT
    try:
        names = set(json.loads((snap / MANIFEST).read_text())["parts"])
    except (OSError, ValueError, KeyError):
        shutil.rmtree(snap, ignore_errors=True)  # unfinished copy: the index itself was not yet written
        return False
    trash = index_dir / TRASH
    trash.mkdir(exist_ok=True)
    for p in parts(index_dir):
        if p.name not in names or (snap / p.name).exists():
            os.replace(p, trash / f"{p.name}.{time.time_ns()}")
    for name in names:
        if (snap / name).exists():
            os.replace(snap / name, index_dir / name)
    discard(index_dir)
    shutil.rmtree(trash, ignore_errors=True)
    return True


def _whole(index_dir: Path) -> bool:
    """The database and every vector segment pass the cheap checks (rag/store/integrity.py)."""
    from rag.store.integrity import database_problem, segment_problems

    try:
        return database_problem(index_dir) is None and not segment_problems(index_dir)
    except Exception:  # noqa: BLE001 - anything unreadable is damage: roll back
        return False


def recover(index_dir: Path) -> None:
    """Called with the write lock held: a write a dead process left half done is kept when the store is
    whole (a process killed between batches: the indexing journal, rag/store/journal.py, settles the
    batch it was writing, so the next run resumes where it stopped); otherwise it is undone."""
    if (index_dir / SNAPSHOT).exists():
        if pending(index_dir) and _whole(index_dir):
            discard(index_dir)
            print(f"note: the last write to {index_dir} did not finish; what it wrote whole is kept "
                  f"(index the same folder again to finish it)", file=sys.stderr)
        elif restore(index_dir):
            print(f"note: the last write to {index_dir} did not finish; the index was rolled back to before it "
                  f"(articles from that write need indexing again)", file=sys.stderr)
    shutil.rmtree(index_dir / TRASH, ignore_errors=True)
