"""The line for the answer model's slots, with real threads: who generates, who waits, what each is told."""
import queue
import threading

import pytest

from rag.answer import turns as turns_module
from rag.answer.turns import QueueStatus, Turns

WAIT = 60  # a hang guard for queue reads, not a speed limit


class Waiter:
    """A request in its own thread: reports each status it is given, then holds its slot until released."""

    def __init__(self, turns: Turns):
        self.turns = turns
        self.statuses: queue.Queue = queue.Queue()
        self.release = threading.Event()
        self.admitted = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with self.turns.turn() as waiting:
            for status in waiting:
                self.statuses.put(status)
            self.admitted.set()
            self.release.wait(WAIT)

    def next_status(self) -> QueueStatus:
        return self.statuses.get(timeout=WAIT)


@pytest.fixture(autouse=True)
def no_heartbeat(monkeypatch):
    """Each status once (a slow machine must not see a repeated one between two moves)."""
    monkeypatch.setattr(turns_module, "HEARTBEAT_S", 3600.0)


def start(turns: Turns) -> Waiter:
    return Waiter(turns)


def finish(waiter: Waiter) -> None:
    waiter.release.set()
    waiter.thread.join(WAIT)


def test_free_slots_admit_at_once_with_only_the_word_that_the_turn_came():
    turns = Turns(2)
    first, second = start(turns), start(turns)
    assert first.admitted.wait(WAIT) and second.admitted.wait(WAIT)
    for w in (first, second):
        assert w.next_status() == QueueStatus(None) and w.statuses.empty()
    assert turns.counts() == (2, 0)
    finish(first)
    finish(second)
    assert turns.counts() == (0, 0)


def test_requests_beyond_the_slots_wait_in_order_and_are_told_their_place():
    turns = Turns(2)
    holders = [start(turns), start(turns)]
    for h in holders:
        assert h.admitted.wait(WAIT) and h.next_status() == QueueStatus(None)
    third = start(turns)
    assert third.next_status() == QueueStatus(0)
    fourth = start(turns)
    assert fourth.next_status() == QueueStatus(1)
    assert turns.counts() == (2, 2)

    finish(holders[0])  # a slot frees: the first in line gets it, the next moves up
    assert third.next_status() == QueueStatus(None) and third.admitted.wait(WAIT)
    assert fourth.next_status() == QueueStatus(0) and not fourth.admitted.is_set()
    finish(holders[1])
    assert fourth.next_status() == QueueStatus(None) and fourth.admitted.wait(WAIT)
    for w in (third, fourth):
        finish(w)
    assert turns.counts() == (0, 0)


def test_a_request_that_gives_up_leaves_the_line_and_those_behind_move_up():
    turns = Turns(1)
    holder = start(turns)
    assert holder.admitted.wait(WAIT)
    with turns.turn() as leaving:  # this one is closed while waiting (a client that went away)
        waiting = iter(leaving)
        assert next(waiting) == QueueStatus(0)
        behind = start(turns)
        assert behind.next_status() == QueueStatus(1)
        waiting.close()
    assert behind.next_status() == QueueStatus(0)
    finish(holder)
    assert behind.next_status() == QueueStatus(None) and behind.admitted.wait(WAIT)
    finish(behind)
    assert turns.counts() == (0, 0)


def test_a_waiting_request_hears_its_place_again_while_nothing_moves(monkeypatch):
    monkeypatch.setattr(turns_module, "HEARTBEAT_S", 0.05)
    turns = Turns(1)
    holder = start(turns)
    assert holder.admitted.wait(WAIT)
    waiter = start(turns)
    assert [waiter.next_status() for _ in range(3)] == [QueueStatus(0)] * 3  # the heartbeat repeats it
    finish(holder)
    while (status := waiter.next_status()) != QueueStatus(None):
        assert status == QueueStatus(0)
    finish(waiter)


def test_statuses_say_the_place_in_words():
    assert QueueStatus(2).text == "Waiting for the model: 2 ahead of you"
    assert QueueStatus(0).text == "Waiting for the model: you are next"
    assert QueueStatus(None).to_dict() == {"ahead": None, "message": QueueStatus(None).text}
