"""Turns to query a remote engine, shared fairly between clients (lodplan.sparql.admission)."""

from __future__ import annotations

import threading
import time

import pytest

from lodplan.sparql.admission import FairTurns
from lodplan.sparql.errors import EndpointBusyError, TooManyQueriesError


class Holder:
    """A query that holds its turn until released, on a thread of its own."""

    def __init__(self, turns: FairTurns, client: str, started: list[str]) -> None:
        self.release = threading.Event()
        self.error: Exception | None = None

        def run() -> None:
            try:
                with turns.turn(client, 5.0):
                    started.append(client)
                    self.release.wait(10)
            except Exception as error:  # the test reads it
                self.error = error

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def done(self) -> None:
        self.release.set()
        self.thread.join(10)


def wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_client_runs_one_query_at_a_time_and_waits_for_a_few_more():
    turns = FairTurns(4, per_client=1, waiting_per_client=1)
    started: list[str] = []
    first = Holder(turns, "a", started)
    wait_until(lambda: started == ["a"])
    second = Holder(turns, "a", started)  # waits: "a" already runs one, though turns are free
    wait_until(lambda: turns.active == 2)
    time.sleep(0.1)
    assert started == ["a"]
    with pytest.raises(TooManyQueriesError), turns.turn("a", 1.0):
        pass
    first.done()
    wait_until(lambda: started == ["a", "a"])
    second.done()
    assert first.error is None and second.error is None


def test_the_next_free_turn_goes_to_the_client_that_has_none_running():
    turns = FairTurns(1, per_client=1, waiting_per_client=3)
    started: list[str] = []
    busy = Holder(turns, "heavy", started)
    wait_until(lambda: started == ["heavy"])
    again = Holder(turns, "heavy", started)  # waits first...
    wait_until(lambda: turns.active == 2)
    light = Holder(turns, "light", started)  # ...but a client with nothing running goes first
    wait_until(lambda: turns.active == 3)
    busy.done()
    wait_until(lambda: len(started) == 2)
    assert started == ["heavy", "light"]
    light.done()
    wait_until(lambda: len(started) == 3)
    again.done()


def test_a_query_that_gets_no_turn_in_time_is_told_to_come_back():
    turns = FairTurns(1)
    started: list[str] = []
    busy = Holder(turns, "a", started)
    wait_until(lambda: started == ["a"])
    with pytest.raises(EndpointBusyError, match=r"within 0\.2 s") as raised, turns.turn("b", 0.2):
        pass
    assert raised.value.retry_after_s >= 1
    busy.done()
    with turns.turn("b", 1.0):  # free again
        assert turns.active == 1
