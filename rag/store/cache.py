"""Records read back at query time, kept per process: the same candidates recur question after question.

Ids are content hashes (a document's id is the hash of its text, a chunk's id derives from it), so what
an id names only changes if the same text is re-chunked differently; writes through the store clear it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class LruCache(Generic[V]):
    """At most `limit` values by key, the least recently used dropped first; safe across threads."""

    def __init__(self, limit: int):
        self.limit = limit
        self._values: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: list[str], fetch: Callable[[list[str]], dict[str, V]]) -> dict[str, V]:
        """Values for `keys`: the cached ones, the rest by one `fetch(missing keys)`."""
        keys = list(dict.fromkeys(keys))
        with self._lock:
            out = {k: self._values[k] for k in keys if k in self._values}
            for k in out:
                self._values.move_to_end(k)
        missing = [k for k in keys if k not in out]
        if missing:
            fetched = fetch(missing)
            out.update(fetched)
            with self._lock:
                self._values.update(fetched)
                while len(self._values) > self.limit:
                    self._values.popitem(last=False)
        return out

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
