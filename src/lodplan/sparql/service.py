"""SPARQL query service with hard time and memory limits and capped results.

:class:`EmbeddedQueryService` sends each query to a persistent worker process
(:mod:`lodplan.sparql.worker`) and waits at most ``QueryLimits.timeout_s``. When
the limit is exceeded it kills the worker — the only way to really stop a
pyoxigraph query — and starts a new one for the next query. The worker caps its
own memory (a query that exceeds it ends the worker, not the server) and the
size of the results it writes. The worker is started lazily, by the first query
of each server process, so a forking server (gunicorn) never shares it between
processes.

One worker answers one query at a time: in a threaded server, queries wait for
it (the wait counts towards their time limit), and when a few are already
waiting the next one is turned away at once (:class:`EndpointBusyError`, HTTP
503 with ``Retry-After``), so that queries never hold all the threads that
dereferencing needs.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import queue
import signal
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Protocol, TypeVar

from pyoxigraph import NamedNode

from lodplan.config import QueryLimits
from lodplan.errors import ConfigError
from lodplan.publishing.jsonld import JsonLdContext, bundled_contexts
from lodplan.publishing.negotiation import RDF_FORMATS, TURTLE, MediaFormat
from lodplan.sparql.inspection import nesting_depth
from lodplan.sparql.results import JSON, SOLUTION_FORMATS
from lodplan.sparql.worker import READY, Answer, Failure, QueryRequest, worker_main
from lodplan.store.embedded import EmbeddedStore
from lodplan.terms import PREFIXES

WORKER_START_TIMEOUT_S = 60.0
WORKER_STOP_TIMEOUT_S = 5.0
#: Queries that may wait for the worker while it runs one (per server process).
DEFAULT_MAX_WAITING_QUERIES = 7
#: Deepest nesting of brackets, braces and parentheses accepted (deeper overflows the stack).
MAX_NESTING_DEPTH = 200

T = TypeVar("T")

logger = logging.getLogger(__name__)


class QueryError(Exception):
    """A query that could not be answered; subclasses say why (and map to HTTP statuses)."""


class QuerySyntaxError(QueryError):
    """The query is not valid SPARQL; the message is the parser's."""


class QueryTooComplexError(QueryError):
    """The query is nested too deeply to be parsed safely; refused before it runs."""


class UpdateNotAllowedError(QueryError):
    """A SPARQL Update was sent to the read-only endpoint."""


class FederationNotAllowedError(QueryError):
    """The query uses SERVICE (or could not be checked for it), which the endpoint refuses."""


class QueryTimeoutError(QueryError):
    """The query exceeded the time limit (its worker was killed) or the endpoint was busy."""


class EndpointBusyError(QueryTimeoutError):
    """The query could not get the worker: too many queries waiting, or it stayed busy.

    ``retry_after_s`` is a hint for the ``Retry-After`` header.
    """

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class QueryNotAcceptableError(QueryError):
    """No requested format can carry this kind of result."""


class InvalidQueryRequestError(QueryError):
    """The request around the query is invalid (e.g. a graph IRI that is not an IRI)."""


class QueryExecutionError(QueryError):
    """The query failed while running (store error...)."""


class QueryMemoryError(QueryExecutionError):
    """The query exceeded the memory limit of the worker (which is restarted)."""


class WorkerUnavailableError(QueryExecutionError):
    """The worker died during the query (a new one starts for the next) or could not start."""


_FAILURES: dict[str, type[QueryError]] = {
    "syntax": QuerySyntaxError,
    "update": UpdateNotAllowedError,
    "service": FederationNotAllowedError,
    "not-acceptable": QueryNotAcceptableError,
    "memory": QueryMemoryError,
    "execution": QueryExecutionError,
}


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    format: MediaFormat
    kind: str  # solutions | boolean | graph
    count: int  # rows, or triples, in the body
    truncated: bool  # more rows/triples existed than the body holds
    truncated_by: str | None = None  # "rows" (row limit) or "bytes" (size limit)

    @property
    def media_type(self) -> str:
        return self.format.media_type


class QueryService(Protocol):
    """What the HTTP layer needs from a SPARQL engine."""

    limits: QueryLimits
    max_result_bytes: int | None

    def execute(
        self,
        query: str,
        *,
        solutions_format: MediaFormat | None = JSON,
        graph_format: MediaFormat | None = TURTLE,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        jsonld_context: JsonLdContext | None = None,
    ) -> QueryResult:
        """Run ``query``; results of SELECT/ASK come as ``solutions_format``, graphs as
        ``graph_format`` (``None``: not acceptable), JSON-LD graphs compacted with
        ``jsonld_context``. Raises :class:`QueryError`."""
        ...

    def close(self) -> None: ...


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    owner_pid: int


class EmbeddedQueryService:
    """Queries an :class:`EmbeddedStore` in a killable, memory-capped worker process.

    ``memory_limit_mb`` and ``max_result_bytes`` default to those of ``limits``
    (see :class:`~lodplan.config.QueryLimits`); 0 means no cap.
    """

    def __init__(
        self,
        store: EmbeddedStore,
        limits: QueryLimits | None = None,
        *,
        prefixes: dict[str, str] | None = None,
        start_method: str = "spawn",
        memory_limit_mb: int | None = None,
        max_result_bytes: int | None = None,
        max_waiting_queries: int = DEFAULT_MAX_WAITING_QUERIES,
        max_nesting_depth: int = MAX_NESTING_DEPTH,
    ) -> None:
        self._store = store
        self.limits = limits or QueryLimits()
        self.prefixes = dict(PREFIXES if prefixes is None else prefixes)
        if memory_limit_mb is None:
            memory_limit_mb = self.limits.memory_mb
        if max_result_bytes is None:
            max_result_bytes = self.limits.max_result_bytes
        if memory_limit_mb < 0 or max_result_bytes < 0 or max_waiting_queries < 0:
            raise ConfigError("query memory, result size and waiting queries must not be negative")
        self.memory_limit_mb: int | None = memory_limit_mb or None
        self.max_result_bytes: int | None = max_result_bytes or None
        self.max_waiting_queries = max_waiting_queries
        self.max_nesting_depth = max_nesting_depth
        self._context = multiprocessing.get_context(start_method)
        self._lock = threading.Lock()
        self._admission = threading.Lock()
        self._admitted = 0
        self._worker: _Worker | None = None
        self._launcher = _Launcher()
        _forget_worker_after_fork(self)

    @property
    def worker_pid(self) -> int | None:
        """Process id of the current worker, ``None`` when none is running."""
        worker = self._worker
        return worker.process.pid if worker is not None else None

    @property
    def active_queries(self) -> int:
        """Queries running or waiting for the worker in this process."""
        return self._admitted

    def execute(
        self,
        query: str,
        *,
        solutions_format: MediaFormat | None = JSON,
        graph_format: MediaFormat | None = TURTLE,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        jsonld_context: JsonLdContext | None = None,
    ) -> QueryResult:
        depth = nesting_depth(query)
        if depth > self.max_nesting_depth:
            raise QueryTooComplexError(
                f"the query is nested too deeply ({depth} levels of brackets, braces or "
                f"parentheses; at most {self.max_nesting_depth} are accepted)"
            )
        info = self._store.info()
        request = QueryRequest(
            query=query,
            data_path=str(self._store.data_path),
            base_iri=info.base_iri,
            prefixes=self.prefixes,
            max_rows=self.limits.max_rows,
            solutions_format=solutions_format.name if solutions_format else None,
            graph_format=graph_format.name if graph_format else None,
            default_graphs=_checked_iris(default_graph_uris, "default-graph-uri"),
            named_graphs=_checked_iris(named_graph_uris, "named-graph-uri"),
            max_bytes=self.max_result_bytes,
            jsonld_context=jsonld_context or _bundled_jsonld_context(info.base_iri),
        )
        self._admit()
        try:
            # Waiting for another query (threaded servers) counts towards this one's limit.
            started = time.monotonic()
            if not self._lock.acquire(timeout=self.limits.timeout_s):
                raise EndpointBusyError(
                    f"the endpoint stayed busy for {self.limits.timeout_s:g} s; try again later",
                    self._retry_after_s(),
                )
            try:
                waited = time.monotonic() - started
                reply = self._ask(request, max(self.limits.timeout_s - waited, 0.0))
            finally:
                self._lock.release()
        finally:
            self._leave()
        return _result(reply)

    def close(self) -> None:
        """Stop the worker (a new one starts if another query comes)."""
        with self._lock:
            self._stop_worker(graceful=True)
            self._launcher.stop()

    # -- admission ----------------------------------------------------------------------

    def _admit(self) -> None:
        """Take a place among the running and waiting queries, or refuse at once."""
        with self._admission:
            if self._admitted > self.max_waiting_queries:
                raise EndpointBusyError(
                    f"the endpoint is busy ({self._admitted} queries running or waiting); "
                    "try again later",
                    self._retry_after_s(),
                )
            self._admitted += 1

    def _leave(self) -> None:
        with self._admission:
            self._admitted -= 1

    def _retry_after_s(self) -> int:
        return max(1, math.ceil(self.limits.timeout_s))

    # -- worker management (called with the lock held) ---------------------------------

    def _ask(self, request: QueryRequest, time_left_s: float) -> Answer | Failure:
        worker = self._running_worker(request.data_path)  # start-up not charged to the query
        try:
            worker.connection.send(request)
            if not worker.connection.poll(time_left_s):
                self._stop_worker()
                raise QueryTimeoutError(
                    f"the query did not finish within {self.limits.timeout_s:g} s and was stopped"
                )
            reply = worker.connection.recv()
        except (EOFError, OSError) as error:  # the worker died (out of memory, crash...)
            raise self._worker_died() from error
        if isinstance(reply, Failure) and reply.reason == "memory":
            self._stop_worker()  # a fresh worker rather than a fragmented heap
            return Failure("memory", self._memory_message())
        return reply

    def _worker_died(self) -> QueryError:
        status = self._stop_worker(dying=True)
        logger.warning("the SPARQL query worker ended during a query (%s)", _describe_exit(status))
        if status == -signal.SIGABRT and self.memory_limit_mb:
            # Rust aborts when an allocation fails: the query hit the address-space cap
            return QueryMemoryError(self._memory_message())
        return WorkerUnavailableError(
            f"the query worker stopped unexpectedly ({_describe_exit(status)}) and the query "
            "was not answered; a new worker starts with the next query"
        )

    def _memory_message(self) -> str:
        return (
            f"the query exceeded the memory limit ({self.memory_limit_mb} MiB) and was "
            "stopped; ask for less (fewer rows, shorter strings, no huge sorts or groups)"
        )

    def _running_worker(self, data_path: str) -> _Worker:
        worker = self._worker
        if worker is not None and worker.process.is_alive():
            return worker
        self._stop_worker()
        self._worker = self._launcher.run(lambda: self._start_worker(data_path))
        return self._worker

    def _start_worker(self, data_path: str) -> _Worker:
        """Start a worker (from the launcher thread, which its death signal is tied to)."""
        parent_end, child_end = self._context.Pipe(duplex=True)
        memory_limit = self.memory_limit_mb * 1024 * 1024 if self.memory_limit_mb else None
        process = self._context.Process(
            target=worker_main,
            args=(child_end, os.getpid(), True, memory_limit, data_path),
            name="lodplan-sparql-worker",
            daemon=True,
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end, os.getpid())
        try:
            if parent_end.poll(WORKER_START_TIMEOUT_S) and parent_end.recv() == READY:
                return worker
        except (EOFError, OSError):
            pass
        status = _kill(worker, dying=True)
        hint = ""
        if status == -signal.SIGABRT and self.memory_limit_mb:
            hint = (
                f"; its memory limit ({self.memory_limit_mb} MiB, LODPLAN_QUERY_MEMORY_MB) may be "
                "too small to open the store"
            )
        raise WorkerUnavailableError(
            f"the query worker could not be started ({_describe_exit(status)}){hint}"
        )

    def _stop_worker(self, *, graceful: bool = False, dying: bool = False) -> int | None:
        """Stop the worker; its exit status (negative: the signal that ended it)."""
        worker, self._worker = self._worker, None
        if worker is None:
            return None
        if graceful:
            worker.connection.close()  # the worker sees EOF and returns
            worker.process.join(WORKER_STOP_TIMEOUT_S)
        return _kill(worker, dying=dying)

    def _forget_inherited_worker(self) -> None:
        """In a forked child: the worker, the launcher and the lock states belong to the parent."""
        self._lock = threading.Lock()
        self._admission = threading.Lock()
        self._admitted = 0
        self._worker = None
        self._launcher = _Launcher()


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

    def run(self, function: Callable[[], T]) -> T:
        """``function()``, called on the launcher thread."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._serve, name="lodplan-sparql-launcher", daemon=True
            )
            self._thread.start()
        done: Future = Future()
        self._requests.put((function, done))
        return done.result()

    def stop(self) -> None:
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


def _kill(worker: _Worker, *, dying: bool = False) -> int | None:
    """Kill and reap a worker (SIGKILL: a query in pyoxigraph does not look at signals).

    ``dying``: the worker hung up on its own; let it finish dying first, so that
    its exit status tells why. Returns that status.
    """
    if worker.owner_pid != os.getpid():
        return None  # inherited through fork: not ours to stop
    if dying:
        worker.process.join(WORKER_STOP_TIMEOUT_S)
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(WORKER_STOP_TIMEOUT_S)
    worker.connection.close()
    return worker.process.exitcode


def _describe_exit(status: int | None) -> str:
    if status is None:
        return "still running"
    if status < 0:
        try:
            return f"ended by signal {signal.Signals(-status).name}"
        except ValueError:
            return f"ended by signal {-status}"
    return f"exit status {status}"


def _bundled_jsonld_context(base_iri: str) -> JsonLdContext | None:
    """lodplan's current context, at its versioned URL under ``base_iri``; ``None`` if
    not installed."""
    try:
        context = bundled_contexts().current(base_iri)
    except (FileNotFoundError, ValueError):
        return None
    return context if context.path.is_file() else None


def _forget_worker_after_fork(service: EmbeddedQueryService) -> None:
    reference = weakref.ref(service)

    def after_fork_in_child() -> None:
        alive = reference()
        if alive is not None:
            alive._forget_inherited_worker()

    os.register_at_fork(after_in_child=after_fork_in_child)


def _checked_iris(values: Sequence[str], parameter: str) -> tuple[str, ...]:
    checked = []
    for value in values:
        try:
            checked.append(NamedNode(value).value)
        except ValueError as error:
            raise InvalidQueryRequestError(
                f"{parameter}: {value!r} is not an IRI ({error})"
            ) from None
    return tuple(checked)


def _result(reply: Answer | Failure) -> QueryResult:
    if isinstance(reply, Failure):
        raise _FAILURES.get(reply.reason, QueryExecutionError)(reply.message)
    offers = SOLUTION_FORMATS if reply.kind in ("solutions", "boolean") else RDF_FORMATS
    media_format = next(f for f in offers if f.name == reply.format_name)
    return QueryResult(
        reply.body, media_format, reply.kind, reply.count, reply.truncated, reply.truncated_by
    )
