"""Which write of an on-disk index a process has read: a marker file every write replaces.

An embedded Chroma client keeps the index it loaded in memory; another process's writes leave it failing
on ids it has never seen ("Error finding id"). Writers replace the marker (a new inode, so even two
writes within one clock tick differ); a store that sees it changed opens the folder again (~0.1 s)
before reading or writing.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

MARKER = ".rag-generation"
Generation = tuple[int, int]


class GenerationMarker:
    def __init__(self, index_dir: str | os.PathLike):
        self.path = Path(index_dir) / MARKER

    def current(self) -> Generation:
        """The marker's inode and time; (0, 0) before the first write."""
        try:
            st = os.stat(self.path)
        except OSError:
            return (0, 0)
        return (st.st_ino, st.st_mtime_ns)

    def bump(self) -> Generation:
        """Say that the folder changed; returns the new generation."""
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}")
        tmp.write_text(str(time.time_ns()))
        os.replace(tmp, self.path)
        return self.current()
