"""What happens around each write to an on-disk index (one `DurableWrites` per `ChromaStore`).

    lock taken -> begin(): settle a write a dead process left half done (kept when whole, else rolled back)
    first change -> before_change(): free-space check (nothing started if it will not fit), rollback copy
    the write fails -> roll_back(): the copy goes back, the store reopens, one clear error
    the write completes -> done(): catalogue written, copy dropped

A write that changes nothing (re-indexing unchanged files) copies nothing.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import RagError, StoreError
from rag.store import catalogue, rollback
from rag.store.space import DiskFullError, mb, require_room

if TYPE_CHECKING:
    from rag.store.chroma import ChromaStore

LOCK_NAME = ".rag-write.lock"


class ReadOnlyIndexError(StoreError):
    pass


def read_only_message(index_dir: Path, err: OSError | None = None) -> str:
    why = f" ({err.strerror or err})" if err is not None else ""
    return (f"the index at {index_dir} is read-only{why}: it answers questions, but documents "
            f"cannot be added or deleted. Make the folder writable, or copy it somewhere writable "
            f"(cp -r {index_dir} NEW_DIR) and use --index NEW_DIR")


def read_only_copy(index_dir: Path) -> Path | None:
    """For an index folder that cannot be written (a read-only mount or permissions): a private temporary
    copy to answer from (Chroma cannot open a database it may not write). None for a writable folder."""
    if not (index_dir / "chroma.sqlite3").is_file() or os.access(index_dir, os.W_OK):
        return None
    import atexit
    import shutil
    import sys
    import tempfile

    copy = Path(tempfile.mkdtemp(prefix="rag-read-only-")) / index_dir.name
    shutil.copytree(index_dir, copy, ignore=shutil.ignore_patterns(LOCK_NAME, rollback.SNAPSHOT))
    atexit.register(shutil.rmtree, copy.parent, True)
    print(f"note: the index at {index_dir} is read-only: answering from a temporary copy; documents cannot be "
          f"added or deleted", file=sys.stderr)
    return copy


@contextlib.contextmanager
def write_lock(index_dir: Path):
    """The cross-process write lock of an index folder (a read-only folder says so in one line)."""
    try:
        fh = open(index_dir / LOCK_NAME, "a+")
    except OSError as err:
        if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise ReadOnlyIndexError(read_only_message(index_dir, err)) from err
        raise StoreError(f"cannot lock the index at {index_dir}: {err.strerror or err}") from err
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def recover_at_open(index_dir: Path) -> None:
    """Settle a dead process's half-done write before reading (rag/store/rollback.py: kept when the store passes
    the integrity checks, rolled back otherwise) — unless a writer holds the lock now (its copy is not stale)."""
    if not rollback.pending(index_dir) and not (index_dir / rollback.SNAPSHOT).exists():
        return
    try:
        fh = open(index_dir / LOCK_NAME, "a+")
    except OSError:
        return
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return
        try:
            rollback.recover(index_dir)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class DurableWrites:
    def __init__(self, store: ChromaStore):
        self.store = store
        self.index_dir = Path(store.config.index_dir)
        self.copied = False
        self.growth = 0
        self.what = "this write"

    def begin(self) -> None:
        """With the lock held: settle a half-done write of a dead process (`rollback.recover`), then start clean."""
        if (self.index_dir / rollback.SNAPSHOT).exists():
            from rag.store.clients import close_client

            close_client(self.store.config)
            rollback.recover(self.index_dir)
            self.store._open(self.store._generation(), force=True)
        self.copied, self.growth, self.what = False, 0, "this write"

    def expect(self, growth_bytes: int, what: str) -> None:
        """What the coming changes will add (checked against free space before the first change)."""
        self.growth, self.what = growth_bytes, what

    def before_change(self) -> None:
        if self.copied:
            return
        copy = rollback.parts_bytes(self.index_dir) + rollback.RESERVE_BYTES
        require_room(self.index_dir, copy, self.growth, self.what)
        try:
            rollback.take(self.index_dir)
        except OSError as err:
            raise DiskFullError(f"cannot keep a copy of the index at {self.index_dir} while writing "
                                f"({err.strerror or err}); nothing was changed") from err
        self.copied = True

    def roll_back(self, err: BaseException) -> None:
        """The write failed: put the copy back, reopen, and raise one clear error (the original if it is one)."""
        restored = False
        if self.copied:
            from rag.store.clients import close_client

            close_client(self.store.config)
            restored = rollback.restore(self.index_dir)
            self.copied = False
            self.store._open(self.store._generation(), force=True)
            with contextlib.suppress(OSError):
                self.store._bump()  # other processes reopen the folder as it is now
        if isinstance(err, RagError) or not isinstance(err, Exception):
            raise err
        why = f"{err.__class__.__name__}: {err}"
        if isinstance(err, OSError) and err.errno == errno.ENOSPC or "No space" in str(err) or "compaction" in str(err):
            from rag.store.space import free_bytes

            why = f"the disk is full ({mb(free_bytes(self.index_dir))} free now)"
        state = ("the index was rolled back to before this write: nothing in it was lost, the articles of this "
                 "write were not added" if restored else "nothing had been changed yet")
        raise StoreError(f"writing to the index at {self.index_dir} failed ({why}); {state}. "
                         f"Fix the cause and run the command again.") from err

    def done(self, changed: bool) -> None:
        if changed:
            store = self.store
            catalogue.write(self.index_dir, store.documents(), store.collection.count(), store.sentences.count())
        if self.copied:
            rollback.discard(self.index_dir)
            self.copied = False
