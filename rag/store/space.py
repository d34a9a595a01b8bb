"""Free space, checked before a write starts: a write that will not fit is refused with the numbers.

What a write needs: room for the rollback copy of the index (rag/store/rollback.py) plus what the new
articles will add. An index here holds about 55 bytes per character of article text (each sentence's
vector sits in Chroma's log and in its HNSW file, chunks in its full-text index, HNSW files grow in
preallocated blocks); the estimate takes 80 per character and a fixed margin for Chroma's compaction.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from rag.errors import StoreError

BYTES_PER_TEXT_BYTE = 80
MARGIN_BYTES = 2 * 1024 * 1024
# How much of a file is article text, by kind (PDF and HTML carry layout, markup and fonts).
TEXT_SHARE = {".pdf": 0.25, ".html": 0.5, ".htm": 0.5}


class DiskFullError(StoreError):
    pass


def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def folder_bytes(folder: Path, skip: tuple[str, ...] = ()) -> int:
    total = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(skip)] if skip else dirs
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def growth_estimate(files: Iterable[Path]) -> int:
    """Bytes the index may grow by when these article files are added."""
    total = 0
    for f in files:
        try:
            size = f.stat().st_size
        except OSError:
            continue
        total += int(size * TEXT_SHARE.get(f.suffix.lower(), 1.0) * BYTES_PER_TEXT_BYTE)
    return total


def free_bytes(folder: Path) -> int:
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free


def require_room(folder: Path, rollback_bytes: int, growth_bytes: int, what: str) -> None:
    """Raise DiskFullError (nothing started) when the disk holding `folder` cannot take this write."""
    needed = rollback_bytes + growth_bytes + MARGIN_BYTES
    free = free_bytes(folder)
    if free < needed:
        raise DiskFullError(
            f"not enough free space for {what} in {folder}: about {mb(needed)} needed ({mb(rollback_bytes)} to keep "
            f"a copy of the current index until the write is complete, {mb(growth_bytes + MARGIN_BYTES)} for the "
            f"new data), {mb(free)} free. Nothing was changed. Free some space, or index into a folder on a "
            f"bigger disk (rag index --index DIR …)")
