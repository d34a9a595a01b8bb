"""Turns at the answer model: at most `slots` answers generate at once (llama.cpp's parallel sequences),
the others wait in arrival order, and each waiting request knows how many are ahead of it.

The line is kept here rather than left to llama.cpp (which also defers requests when its slots are
busy) because llama.cpp cannot tell a waiting request its place. A backend's stream yields
`QueueStatus` items before its first text piece: its place while it waits, then that its turn came
(on a busy machine the passages alone can take the model many seconds: nobody waits without a word).
The chain passes them on, the façade hands them to callers that asked for them (the chat UI, the
streaming routes).
"""
from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

HEARTBEAT_S = 2.0  # a waiting stream repeats its status this often: a client that left is noticed


@dataclass(frozen=True)
class QueueStatus:
    """Where a request stands in the line for the answer model: `ahead` requests before it; None when
    its turn has come (the model reads the passages next)."""

    ahead: int | None

    @property
    def text(self) -> str:
        if self.ahead is None:
            return "The model is reading the passages…"
        if self.ahead == 0:
            return "Waiting for the model: you are next"
        return f"Waiting for the model: {self.ahead} ahead of you"

    def to_dict(self) -> dict:
        return {"ahead": self.ahead, "message": self.text}


class Turns:
    def __init__(self, slots: int):
        self.slots = max(1, int(slots))
        self._busy = 0
        self._line: deque[object] = deque()
        self._changed = threading.Condition()

    def counts(self) -> tuple[int, int]:
        """(generating, waiting) now."""
        with self._changed:
            return self._busy, len(self._line)

    def _admit(self, ticket: object) -> int | None:
        """Called with the lock held: None when `ticket` got a slot, else how many wait before it."""
        ahead = self._line.index(ticket)
        if ahead == 0 and self._busy < self.slots:
            self._line.popleft()
            self._busy += 1
            self._changed.notify_all()  # the others move up
            return None
        return ahead

    @contextmanager
    def turn(self) -> Iterator[Iterator[QueueStatus]]:
        """`with turns.turn() as waiting: for status in waiting: …` — iterating `waiting` blocks until
        this request may generate, yielding its status each time its place changes (and every
        HEARTBEAT_S), and last `QueueStatus(None)` when its turn comes. Leaving the block (finished,
        failed or closed) gives the slot, or the place in line, to the next request."""
        ticket = object()
        admitted = False
        with self._changed:
            self._line.append(ticket)

        def waiting() -> Iterator[QueueStatus]:
            nonlocal admitted
            shown: int | None = None  # the place last told
            shown_at = 0.0
            while True:
                with self._changed:
                    ahead = self._admit(ticket)
                    quiet = HEARTBEAT_S - (time.monotonic() - shown_at)
                    if ahead is not None and ahead == shown and quiet > 0:
                        self._changed.wait(quiet)  # until someone leaves, or the heartbeat is due
                        ahead = self._admit(ticket)
                    admitted = ahead is None
                if admitted:
                    yield QueueStatus(None)
                    return
                if ahead != shown or time.monotonic() - shown_at >= HEARTBEAT_S:
                    shown, shown_at = ahead, time.monotonic()
                    yield QueueStatus(ahead)

        try:
            yield waiting()
        finally:
            with self._changed:
                if admitted:
                    self._busy -= 1
                elif ticket in self._line:
                    self._line.remove(ticket)
                self._changed.notify_all()
