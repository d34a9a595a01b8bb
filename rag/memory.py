"""Keep the process's memory close to what it holds: fewer glibc malloc arenas.

glibc gives each thread that allocates concurrently its own arena (up to 8 per core), and freed memory in
one arena is not reused by another. Indexing runs the reader, the model's threads and the Chroma writer
at once, so freed text, token and batch buffers pile up in separate arenas. Measured on realtimeqa week 1
(202 articles, `rag index`): peak RSS 594 MB with glibc's default, 509-511 MB with two arenas (time within
this machine's run-to-run noise).
Set once at import, before any thread starts; `MALLOC_ARENA_MAX` in the environment (read by glibc
itself) wins. Does nothing off glibc.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os

ARENAS = 2
_M_ARENA_MAX = -8  # mallopt parameter (malloc.h)


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process; True when set."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to cap
        return False


limit_malloc_arenas()
