"""A pool of confined worker processes shared fairly between clients.

One server process holds one pool per kind of work (checking queries, running
them). Each query takes a worker for itself; what makes the pool fair:

* **admission per client**: a client runs at most ``per_client`` queries at
  once; its further queries wait, at most ``waiting_per_client`` of them (more
  are refused at once: :class:`TooManyQueriesError`, HTTP 429);
* **fair turns**: when a worker frees, the waiting query of the client with the
  fewest running queries goes first, then that of the client that used the
  workers least lately (worker time, halved every :data:`USAGE_HALF_LIFE_S`),
  then the oldest; and the last idle workers (:attr:`WorkerPool.reserved`) go
  only to light clients (whose queries have not lately run long, see
  :meth:`WorkerPool._is_heavy`): a client
  that sends many expensive queries never delays one that sends a cheap one,
  however many such clients there are;
* **waiting is not running**: a query may wait up to its own time limit for a
  worker (plus :data:`START_ALLOWANCE_S`), then it gets the whole limit to run;
* **long queries yield the processor**: a query still running after
  :data:`LONG_QUERY_S` has its worker's priority lowered (``nice``), so that the
  kernel prefers short queries that arrive meanwhile; such a worker is retired
  after its query (priority cannot be raised back without privileges).

Workers are started in the background, from one long-lived launcher thread
(Linux ties a worker's death signal to the thread that started it), as the
waiting queries need them plus one spare, up to ``size`` of them; start-up time
is not charged to a query. A worker whose query passed its time
limit is killed: pyoxigraph cannot cancel a query.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TypeVar, cast

from lodplan.sparql.errors import (
    EndpointBusyError,
    QueryError,
    QueryMemoryError,
    QueryTimeoutError,
    TooManyQueriesError,
    WorkerUnavailableError,
)
from lodplan.sparql.worker import READY, Failure, worker_main

WORKER_START_TIMEOUT_S = 60.0
WORKER_STOP_TIMEOUT_S = 5.0
#: Added to a query's wait for a worker: a worker freed by a stopped query is replaced.
START_ALLOWANCE_S = 5.0
#: A query running longer than this lowers its worker's priority.
LONG_QUERY_S = 0.25
LONG_QUERY_NICENESS = 10
#: Idle workers beyond :data:`KEPT_IDLE_WORKERS` stop after this long unused.
IDLE_WORKER_S = 300.0
KEPT_IDLE_WORKERS = 2
#: How fast a client's past use of the workers is forgiven.
USAGE_HALF_LIFE_S = 60.0
#: A client whose queries ran longer than LONG_QUERY_S by more than this in all lately
#: (seconds) is heavy: it may not take the last idle workers, kept for light clients
#: (see ``WorkerPool.reserved``).
HEAVY_USAGE_S = 1.0
#: Places of the waiting room that heavy clients cannot take.
WAITING_KEPT_FOR_LIGHT = 4
#: Past use below this (seconds) is forgotten, so the table stays small.
FORGOTTEN_USAGE_S = 0.01

T = TypeVar("T")
# the contexts that start processes (typeshed's BaseContext has no Process)
_ProcessContext = multiprocessing.context.SpawnContext | multiprocessing.context.ForkServerContext
logger = logging.getLogger(__name__)


@dataclass(eq=False)
class Worker:
    process: BaseProcess
    connection: Connection
    owner_pid: int
    idle_since: float = 0.0
    niced: bool = False
    generation: int = 0  # the pool's generation it was started in (close() starts a new one)

    @property
    def pid(self) -> int | None:
        return self.process.pid


@dataclass(eq=False)
class _Turn:
    """A query waiting for a worker."""

    client: str
    order: int


@dataclass
class PoolSettings:
    size: int  # most worker processes
    per_client: int = 1  # queries of one client running at once
    waiting_per_client: int = 2  # queries of one client waiting, beyond those running
    #: queries waiting in all (each holds a server thread); heavy clients get
    #: :data:`WAITING_KEPT_FOR_LIGHT` fewer, so light ones still get in
    max_waiting: int = 16
    memory_limit_mb: int | None = None  # address space of each worker
    data_path: str | None = None  # the build a new worker opens before its first query
    name: str = "lodplan-sparql-worker"


class WorkerPool:
    """Confined worker processes handed out fairly, one query at a time each."""

    def __init__(self, settings: PoolSettings, *, start_method: str | None = None) -> None:
        if settings.size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.settings = settings
        self._context = _context(start_method)
        self._turns_changed = threading.Condition()
        self._running: Counter[str] = Counter()
        self._waiting: list[_Turn] = []
        self._order = itertools.count()
        self._usage = Usage()  # worker seconds used by each client lately
        self._long_usage = Usage()  # of which beyond LONG_QUERY_S in a query
        self._running_since: dict[str, list[float]] = {}  # client: starts of its queries
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._starting = 0  # workers being started in the background
        self._start_failure: QueryError | None = None
        self._generation = 0
        self._launcher = _Launcher()

    # -- what the service sees ----------------------------------------------------------

    @property
    def active(self) -> int:
        """Queries running or waiting."""
        with self._turns_changed:
            return sum(self._running.values()) + len(self._waiting)

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the running workers (busy and idle)."""
        with self._turns_changed:
            workers = [*self._idle, *self._busy]
        return [w.pid for w in workers if w.pid is not None and w.process.is_alive()]

    @property
    def busy_worker_pids(self) -> list[int]:
        """Process ids of the workers answering a query now."""
        with self._turns_changed:
            workers = list(self._busy)
        return [w.pid for w in workers if w.pid is not None]

    def ask(self, client: str, request: object, time_limit_s: float) -> object:
        """Send ``request`` to a worker of this pool on behalf of ``client``; its reply.

        Waits at most ``time_limit_s`` (plus the time a worker takes to start) for a
        worker, then at most ``time_limit_s`` for the reply (the worker is killed
        after that: :class:`QueryTimeoutError`).
        """
        worker, started = self._take_turn(client, time_limit_s + START_ALLOWANCE_S)
        reusable = False
        try:
            reply = self._exchange(worker, request, time_limit_s)
            reusable = True
            return reply
        finally:
            self._give_back(client, worker, reusable, started)

    def close(self) -> None:
        """Stop every worker (new ones start if more queries come)."""
        self._launcher.stop()  # after the starts under way, which it finishes first
        with self._turns_changed:
            self._generation += 1  # workers still getting ready are stopped when they are
            workers, self._idle = [*self._idle, *self._busy], []
            self._busy = set()
        for worker in workers:
            _stop(worker, graceful=True)

    # -- turns --------------------------------------------------------------------------

    def _take_turn(self, client: str, wait_s: float) -> tuple[Worker, float]:
        """Wait until ``client``'s query is the one to get the next idle worker; that worker
        and when the query got it."""
        settings = self.settings
        with self._turns_changed:
            mine = sum(1 for turn in self._waiting if turn.client == client)
            if self._running[client] + mine >= settings.per_client + settings.waiting_per_client:
                raise TooManyQueriesError(
                    f"too many queries from your address at once ({self._running[client]} "
                    f"running, {mine} waiting); send the next when one is answered",
                    retry_after_s=1,
                )
            self._admit_to_waiting_room(client)
            turn = _Turn(client, next(self._order))
            self._waiting.append(turn)
            deadline = time.monotonic() + wait_s
            try:
                worker = self._wait_for_idle_worker(turn, deadline, wait_s)
                self._busy.add(worker)
                self._running[client] += 1
                started = time.monotonic()
                self._running_since.setdefault(client, []).append(started)
            finally:
                self._waiting.remove(turn)
                self._start_workers_needed()  # a spare for the next query
                self._turns_changed.notify_all()
        return worker, started

    def _wait_for_idle_worker(self, turn: _Turn, deadline: float, wait_s: float) -> Worker:
        """Wait (with the lock held) until ``turn`` may take an idle worker that is alive."""
        while True:
            while not self._may_start(turn):
                self._start_workers_needed()
                if self._start_failure is not None:
                    failure, self._start_failure = self._start_failure, None
                    raise failure
                left = deadline - time.monotonic()
                if left <= 0:
                    raise EndpointBusyError(
                        f"no query worker became free within {wait_s:g} s; try again later",
                        retry_after_s=max(1, math.ceil(wait_s)),
                    )
                self._turns_changed.wait(min(left, 1.0))  # a heavy client lightens with time
            worker = self._idle.pop()
            if worker.process.is_alive():
                self._start_failure = None  # workers start again: an old failure is stale
                return worker
            _stop(worker, dying=True)  # died while idle (killed from outside): reap it

    def _admit_to_waiting_room(self, client: str) -> None:
        """Refuse at once when the waiting room is full (for this client's weight): waiting
        queries hold server threads, which pages need too."""
        room = self.settings.max_waiting
        if self._is_heavy(client, time.monotonic()):
            room = max(1, room - WAITING_KEPT_FOR_LIGHT)
        if len(self._waiting) >= room:
            raise EndpointBusyError(
                f"the endpoint is busy ({len(self._waiting)} queries waiting for a worker); "
                "try again in a moment",
                retry_after_s=2,
            )

    def _may_start(self, turn: _Turn) -> bool:
        """Whether ``turn`` gets the next idle worker now (called with the lock held).

        Idle workers, not only places, go in fair order: a worker that frees or
        starts goes to the first eligible waiting query, never to whoever asks next.
        The last :attr:`reserved` idle workers only go to light clients.
        """
        now = time.monotonic()
        eligible = [t for t in self._waiting if self._may_take_idle_worker(t.client, now)]
        if turn not in eligible:
            return False
        first = min(
            eligible,
            key=lambda t: (self._running[t.client], self._usage_of(t.client, now), t.order),
        )
        return first is turn

    def _may_take_idle_worker(self, client: str, now: float) -> bool:
        if not self._idle or self._running[client] >= self.settings.per_client:
            return False
        return not self._is_heavy(client, now) or len(self._idle) > self.reserved

    @property
    def reserved(self) -> int:
        """Idle workers kept for light clients (the pool's size over 8, at least 1 if it has 2)."""
        return max(1 if self.settings.size > 1 else 0, self.settings.size // 8)

    def _is_heavy(self, client: str, now: float) -> bool:
        """Whether ``client``'s queries have lately run long: more than :data:`HEAVY_USAGE_S`
        of worker time beyond the first :data:`LONG_QUERY_S` of each (many short queries
        never make a client heavy)."""
        running = sum(
            max(0.0, now - started - LONG_QUERY_S)
            for started in self._running_since.get(client, ())
        )
        return self._long_usage.get(client, now) + running > HEAVY_USAGE_S

    def _usage_of(self, client: str, now: float) -> float:
        """Worker seconds ``client`` used lately, including its queries running now."""
        running = sum(now - started for started in self._running_since.get(client, ()))
        return self._usage.get(client, now) + running

    def _add_usage(self, client: str, seconds: float) -> None:
        now = time.monotonic()
        self._usage.add(client, seconds, now)
        self._long_usage.add(client, max(0.0, seconds - LONG_QUERY_S), now)

    # -- workers ------------------------------------------------------------------------

    def _start_workers_needed(self) -> None:
        """Start, in the background, the workers the waiting queries need plus one spare,
        up to the pool's size (called with the lock held)."""
        live = len(self._idle) + len(self._busy) + self._starting
        wanted = len(self._waiting) + 1 - len(self._idle) - self._starting
        for _ in range(max(0, min(wanted, self.settings.size - live))):
            try:
                self._launcher.submit(self._launch_worker, self._launched)
            except RuntimeError as error:  # no thread could be started: try again later
                logger.warning("a SPARQL query worker could not be started (%s)", error)
                return
            self._starting += 1

    def _launched(self, outcome: Future) -> None:
        """A worker process was started (or not): wait for it to be ready on a thread of
        its own, so that the launcher starts the next ones meanwhile."""
        error = outcome.exception()
        if error is not None:
            self._started(None, error)
            return
        threading.Thread(
            target=self._wait_until_ready, args=(outcome.result(),), daemon=True
        ).start()

    def _wait_until_ready(self, worker: Worker) -> None:
        try:
            self._started(self._ready(worker), None)
        except BaseException as error:  # handed to a waiting query
            self._started(None, error)

    def _started(self, worker: Worker | None, error: BaseException | None) -> None:
        """A background start ended: its worker joins the idle ones, or its error is told."""
        with self._turns_changed:
            self._starting -= 1
            if worker is not None and worker.generation != self._generation:
                stale, worker = worker, None
                threading.Thread(target=_stop, args=(stale,), daemon=True).start()
            elif worker is not None:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
            elif error is not None and self._waiting:
                self._start_failure = (
                    error
                    if isinstance(error, QueryError)
                    else WorkerUnavailableError(f"the query worker could not be started ({error})")
                )
            self._turns_changed.notify_all()

    def _give_back(self, client: str, worker: Worker, reusable: bool, started: float) -> None:
        retired: list[Worker] = []
        with self._turns_changed:
            self._busy.discard(worker)
            self._running[client] -= 1
            if not self._running[client]:
                del self._running[client]
            self._running_since[client].remove(started)
            if not self._running_since[client]:
                del self._running_since[client]
            self._add_usage(client, time.monotonic() - started)
            current = worker.generation == self._generation  # not from before a close()
            if reusable and current and not worker.niced and worker.process.is_alive():
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
            else:
                retired.append(worker)
            retired += self._stale_idle_workers()
            self._start_workers_needed()
            self._turns_changed.notify_all()
        for old in retired:
            _stop(old, graceful=True)

    def _stale_idle_workers(self) -> list[Worker]:
        now = time.monotonic()
        stale = [
            w
            for w in self._idle[:-KEPT_IDLE_WORKERS]  # the most recently used stay
            if now - w.idle_since > IDLE_WORKER_S
        ]
        for worker in stale:
            self._idle.remove(worker)
        return stale

    def _exchange(self, worker: Worker, request: object, time_limit_s: float) -> object:
        started = time.monotonic()
        try:
            worker.connection.send(request)
            if not worker.connection.poll(min(LONG_QUERY_S, time_limit_s)):
                _lower_priority(worker)
                left = time_limit_s - (time.monotonic() - started)
                if not worker.connection.poll(max(left, 0.0)):
                    _stop(worker)
                    raise QueryTimeoutError(
                        f"the query did not finish within {time_limit_s:g} s and was stopped"
                    )
            return worker.connection.recv()
        except (EOFError, OSError) as error:  # the worker died (out of memory, crash...)
            raise self._died(worker) from error

    def _died(self, worker: Worker) -> QueryError:
        status = _stop(worker, dying=True)
        logger.warning("a SPARQL query worker ended during a query (%s)", describe_exit(status))
        if status == -signal.SIGABRT and self.settings.memory_limit_mb:
            # Rust aborts when an allocation fails: the query hit the address-space cap
            return QueryMemoryError(memory_message(self.settings.memory_limit_mb))
        return WorkerUnavailableError(
            f"the query worker stopped unexpectedly ({describe_exit(status)}) and the query "
            "was not answered; a new worker starts with the next query"
        )

    def _launch_worker(self) -> Worker:
        """Start a worker process (from the launcher thread, which its death signal is
        tied to)."""
        settings = self.settings
        parent_end, child_end = self._context.Pipe(duplex=True)
        memory = settings.memory_limit_mb * 1024 * 1024 if settings.memory_limit_mb else None
        process = self._context.Process(
            target=worker_main,
            args=(child_end, os.getpid(), True, memory, settings.data_path),
            name=settings.name,
            daemon=True,
        )
        process.start()
        child_end.close()
        return Worker(process, parent_end, os.getpid(), generation=self._generation)

    def _ready(self, worker: Worker) -> Worker:
        """``worker`` once it said it is ready; raises if it could not start."""
        settings = self.settings
        reply: object = None
        try:
            if worker.connection.poll(WORKER_START_TIMEOUT_S):
                reply = worker.connection.recv()
        except (EOFError, OSError):
            pass
        if reply == READY:
            return worker
        status = _stop(worker, dying=True)
        if isinstance(reply, Failure):  # it could not close the network to itself
            raise WorkerUnavailableError(f"{reply.message}; SPARQL queries are not answered")
        hint = ""
        if status == -signal.SIGABRT and settings.memory_limit_mb:
            hint = (
                f"; its memory limit ({settings.memory_limit_mb} MiB, LODPLAN_QUERY_MEMORY_MB) "
                "may be too small to open the store"
            )
        raise WorkerUnavailableError(
            f"the query worker could not be started ({describe_exit(status)}){hint}"
        )


class Usage:
    """Seconds per client, halved every :data:`USAGE_HALF_LIFE_S`; what is forgotten is
    dropped so that the table stays small."""

    def __init__(self) -> None:
        self._totals: dict[str, tuple[float, float]] = {}  # client: (seconds, when)

    def get(self, client: str, now: float) -> float:
        seconds, when = self._totals.get(client, (0.0, now))
        return seconds * 0.5 ** ((now - when) / USAGE_HALF_LIFE_S)

    def add(self, client: str, seconds: float, now: float) -> None:
        self._totals[client] = (self.get(client, now) + seconds, now)
        if len(self._totals) > 1000:
            for other in list(self._totals):
                if self.get(other, now) < FORGOTTEN_USAGE_S:
                    del self._totals[other]


def _context(start_method: str | None) -> _ProcessContext:
    """Workers come from a fork server that has imported the worker's modules once
    (a worker starts in ~20 ms instead of ~300 ms spawned, more under load), where
    the platform has one; else they are spawned. Never plain fork: the server has
    threads and open stores."""
    if start_method is None:
        methods = multiprocessing.get_all_start_methods()
        start_method = "forkserver" if "forkserver" in methods else "spawn"
    context = cast(_ProcessContext, multiprocessing.get_context(start_method))
    if start_method == "forkserver":
        context.set_forkserver_preload(["lodplan.sparql.worker"])
    return context


def memory_message(limit_mb: int | None) -> str:
    return (
        f"the query exceeded the memory limit ({limit_mb} MiB) and was "
        "stopped; ask for less (fewer rows, shorter strings, no huge sorts or groups)"
    )


def _lower_priority(worker: Worker) -> None:
    """Let the kernel run other workers first: SCHED_IDLE where there is one (any process
    may take it for its children: such a task runs only when nothing else wants the
    processor), else the lowest ``nice``. Both are per thread on Linux: every thread of
    the worker is moved (the query runs on one of its own, not on the main thread)."""
    if worker.pid is None or worker.niced:
        return
    worker.niced = True
    for thread_id in _thread_ids(worker.pid):
        with contextlib.suppress(OSError, AttributeError):  # gone already, or no such call
            if hasattr(os, "SCHED_IDLE"):
                os.sched_setscheduler(thread_id, os.SCHED_IDLE, os.sched_param(0))
            else:
                os.setpriority(os.PRIO_PROCESS, thread_id, LONG_QUERY_NICENESS)


def _thread_ids(pid: int) -> list[int]:
    """The threads of process ``pid`` (Linux: /proc/<pid>/task), else the process alone."""
    try:
        return [int(task.name) for task in Path(f"/proc/{pid}/task").iterdir()]
    except OSError:
        return [pid]


class _Launcher:
    """A long-lived thread that starts the workers.

    Linux sends a worker its death signal when the *thread* that started it ends
    (``PR_SET_PDEATHSIG``); threads of a threaded server may come and go, this
    one lives as long as the server process (or until :meth:`stop`).
    """

    def __init__(self) -> None:
        self._requests: queue.SimpleQueue[tuple[Callable[[], object], Future] | None] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, function: Callable[[], T], then: Callable[[Future], None]) -> None:
        """Call ``function()`` on the launcher thread, then ``then`` with its outcome."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._serve, name="lodplan-sparql-launcher", daemon=True
                )
                self._thread.start()
        done: Future = Future()
        done.add_done_callback(then)
        self._requests.put((function, done))

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._requests.put(None)
            thread.join(WORKER_STOP_TIMEOUT_S)

    def _serve(self) -> None:
        while (item := self._requests.get()) is not None:
            function, done = item
            try:
                done.set_result(function())
            except BaseException as error:  # handed to the caller
                done.set_exception(error)


def _stop(worker: Worker, *, graceful: bool = False, dying: bool = False) -> int | None:
    """Stop and reap a worker; its exit status (negative: the signal that ended it).

    ``graceful``: close its pipe and let it return; ``dying``: it hung up on its
    own, let it finish dying so that its exit status tells why. Otherwise
    SIGKILL: a query in pyoxigraph does not look at signals.
    """
    if worker.owner_pid != os.getpid():
        return None  # inherited through fork: not ours to stop
    if graceful:
        worker.connection.close()
        worker.process.join(WORKER_STOP_TIMEOUT_S)
    elif dying:
        worker.process.join(WORKER_STOP_TIMEOUT_S)
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(WORKER_STOP_TIMEOUT_S)
    worker.connection.close()
    return worker.process.exitcode


def describe_exit(status: int | None) -> str:
    if status is None:
        return "still running"
    if status < 0:
        try:
            return f"ended by signal {signal.Signals(-status).name}"
        except ValueError:
            return f"ended by signal {-status}"
    return f"exit status {status}"
