"""Turns to run a query on a remote engine, shared fairly between clients.

The embedded store's queries take a worker process each (:mod:`lodplan.sparql.pool`);
queries forwarded to a remote engine take a *turn* instead: at most ``size`` of them
are sent to the engine at once, so that one client cannot occupy it. The rules are
the worker pool's:

* **admission per client**: a client runs at most ``per_client`` queries at once; its
  further queries wait, at most ``waiting_per_client`` of them (more are refused at
  once: :class:`TooManyQueriesError`, HTTP 429);
* **fair turns**: when a turn frees, the waiting query of the client with the fewest
  running queries goes first, then that of the client that used the engine least
  lately, then the oldest; the last free turns (:attr:`FairTurns.reserved`) go only to
  light clients, whose queries have not lately run long;
* **waiting is not running**: a query waits at most its time limit for a turn, then it
  gets the whole limit to run.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from lodplan.sparql.errors import EndpointBusyError, TooManyQueriesError
from lodplan.sparql.pool import HEAVY_USAGE_S, LONG_QUERY_S, WAITING_KEPT_FOR_LIGHT, Usage


@dataclass(eq=False)
class _Turn:
    client: str
    order: int


class FairTurns:
    """At most ``size`` queries at once, handed out fairly between clients."""

    def __init__(
        self, size: int, *, per_client: int = 1, waiting_per_client: int = 2, max_waiting: int = 16
    ) -> None:
        if size < 1:
            raise ValueError("at least one query must be allowed to run")
        self.size = size
        self.per_client = per_client
        self.waiting_per_client = waiting_per_client
        self.max_waiting = max_waiting
        self._changed = threading.Condition()
        self._running: Counter[str] = Counter()
        self._running_since: dict[str, list[float]] = {}
        self._waiting: list[_Turn] = []
        self._order = itertools.count()
        self._usage = Usage()
        self._long_usage = Usage()

    @property
    def reserved(self) -> int:
        """Turns kept for light clients (the size over 8, at least 1 if it is 2 or more)."""
        return max(1 if self.size > 1 else 0, self.size // 8)

    @property
    def active(self) -> int:
        """Queries running or waiting."""
        with self._changed:
            return sum(self._running.values()) + len(self._waiting)

    @contextmanager
    def turn(self, client: str, wait_s: float) -> Iterator[None]:
        """Hold one of the turns while the block runs: wait at most ``wait_s`` for it."""
        started = self._take(client, wait_s)
        try:
            yield
        finally:
            self._give_back(client, started)

    def _take(self, client: str, wait_s: float) -> float:
        with self._changed:
            now = time.monotonic()
            mine = sum(1 for t in self._waiting if t.client == client)
            if self._running[client] + mine >= self.per_client + self.waiting_per_client:
                raise TooManyQueriesError(
                    f"too many queries from your address at once ({self._running[client]} "
                    f"running, {mine} waiting); send the next when one is answered",
                    retry_after_s=1,
                )
            room = self.max_waiting
            if self._is_heavy(client, now):
                room = max(1, room - WAITING_KEPT_FOR_LIGHT)
            if len(self._waiting) >= room:
                raise EndpointBusyError(
                    f"the endpoint is busy ({len(self._waiting)} queries waiting); "
                    "try again in a moment",
                    retry_after_s=2,
                )
            turn = _Turn(client, next(self._order))
            self._waiting.append(turn)
            deadline = now + wait_s
            try:
                while not self._may_start(turn):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise EndpointBusyError(
                            f"no turn to query the engine became free within {wait_s:g} s; "
                            "try again later",
                            retry_after_s=max(1, math.ceil(wait_s)),
                        )
                    self._changed.wait(min(left, 1.0))  # a heavy client lightens with time
                started = time.monotonic()
                self._running[client] += 1
                self._running_since.setdefault(client, []).append(started)
            finally:
                self._waiting.remove(turn)
                self._changed.notify_all()
            return started

    def _give_back(self, client: str, started: float) -> None:
        with self._changed:
            self._running[client] -= 1
            if not self._running[client]:
                del self._running[client]
            self._running_since[client].remove(started)
            if not self._running_since[client]:
                del self._running_since[client]
            now = time.monotonic()
            self._usage.add(client, now - started, now)
            self._long_usage.add(client, max(0.0, now - started - LONG_QUERY_S), now)
            self._changed.notify_all()

    def _free(self) -> int:
        return self.size - sum(self._running.values())

    def _may_start(self, turn: _Turn) -> bool:
        now = time.monotonic()
        eligible = [t for t in self._waiting if self._may_take(t.client, now)]
        if turn not in eligible:
            return False
        first = min(
            eligible,
            key=lambda t: (self._running[t.client], self._usage_of(t.client, now), t.order),
        )
        return first is turn

    def _may_take(self, client: str, now: float) -> bool:
        free = self._free()
        if free <= 0 or self._running[client] >= self.per_client:
            return False
        return not self._is_heavy(client, now) or free > self.reserved

    def _is_heavy(self, client: str, now: float) -> bool:
        running = sum(
            max(0.0, now - started - LONG_QUERY_S)
            for started in self._running_since.get(client, ())
        )
        return self._long_usage.get(client, now) + running > HEAVY_USAGE_S

    def _usage_of(self, client: str, now: float) -> float:
        running = sum(now - started for started in self._running_since.get(client, ()))
        return self._usage.get(client, now) + running
