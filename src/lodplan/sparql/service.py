"""SPARQL query service with a hard time limit and capped results.

:class:`EmbeddedQueryService` sends each query to a persistent worker process
(:mod:`lodplan.sparql.worker`) and waits at most ``QueryLimits.timeout_s``. When
the limit is exceeded it kills the worker — the only way to really stop a
pyoxigraph query — and starts a new one for the next query. The worker is
started lazily, by the first query of each server process, so a forking server
(gunicorn) never shares it between processes.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Protocol

from pyoxigraph import NamedNode

from lodplan.config import QueryLimits
from lodplan.publishing.negotiation import RDF_FORMATS, TURTLE, MediaFormat
from lodplan.sparql.results import JSON, SOLUTION_FORMATS
from lodplan.sparql.worker import READY, Answer, Failure, QueryRequest, worker_main
from lodplan.store.embedded import EmbeddedStore
from lodplan.terms import PREFIXES

WORKER_START_TIMEOUT_S = 60.0
WORKER_STOP_TIMEOUT_S = 5.0


class QueryError(Exception):
    """A query that could not be answered; subclasses say why (and map to HTTP statuses)."""


class QuerySyntaxError(QueryError):
    """The query is not valid SPARQL; the message is the parser's."""


class UpdateNotAllowedError(QueryError):
    """A SPARQL Update was sent to the read-only endpoint."""


class FederationNotAllowedError(QueryError):
    """The query uses SERVICE, which the public endpoint refuses."""


class QueryTimeoutError(QueryError):
    """The query exceeded the time limit (its worker was killed) or the endpoint was busy."""


class QueryNotAcceptableError(QueryError):
    """No requested format can carry this kind of result."""


class InvalidQueryRequestError(QueryError):
    """The request around the query is invalid (e.g. a graph IRI that is not an IRI)."""


class QueryExecutionError(QueryError):
    """The query failed while running (store error, crashed worker...)."""


_FAILURES: dict[str, type[QueryError]] = {
    "syntax": QuerySyntaxError,
    "update": UpdateNotAllowedError,
    "service": FederationNotAllowedError,
    "not-acceptable": QueryNotAcceptableError,
    "execution": QueryExecutionError,
}


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    format: MediaFormat
    kind: str  # solutions | boolean | graph
    count: int  # rows, or triples, in the body
    truncated: bool  # more rows/triples existed than the body holds

    @property
    def media_type(self) -> str:
        return self.format.media_type


class QueryService(Protocol):
    """What the HTTP layer needs from a SPARQL engine."""

    limits: QueryLimits

    def execute(
        self,
        query: str,
        *,
        solutions_format: MediaFormat | None = JSON,
        graph_format: MediaFormat | None = TURTLE,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> QueryResult:
        """Run ``query``; results of SELECT/ASK come as ``solutions_format``, graphs as
        ``graph_format`` (``None``: not acceptable). Raises :class:`QueryError`."""
        ...

    def close(self) -> None: ...


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    owner_pid: int


class EmbeddedQueryService:
    """Queries an :class:`EmbeddedStore` in a killable worker process."""

    def __init__(
        self,
        store: EmbeddedStore,
        limits: QueryLimits | None = None,
        *,
        prefixes: dict[str, str] | None = None,
        start_method: str = "spawn",
    ) -> None:
        self._store = store
        self.limits = limits or QueryLimits()
        self.prefixes = dict(PREFIXES if prefixes is None else prefixes)
        self._context = multiprocessing.get_context(start_method)
        self._lock = threading.Lock()
        self._worker: _Worker | None = None
        _forget_worker_after_fork(self)

    @property
    def worker_pid(self) -> int | None:
        """Process id of the current worker, ``None`` when none is running."""
        worker = self._worker
        return worker.process.pid if worker is not None else None

    def execute(
        self,
        query: str,
        *,
        solutions_format: MediaFormat | None = JSON,
        graph_format: MediaFormat | None = TURTLE,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> QueryResult:
        request = QueryRequest(
            query=query,
            data_path=str(self._store.data_path),
            base_iri=self._store.info().base_iri,
            prefixes=self.prefixes,
            max_rows=self.limits.max_rows,
            solutions_format=solutions_format.name if solutions_format else None,
            graph_format=graph_format.name if graph_format else None,
            default_graphs=_checked_iris(default_graph_uris, "default-graph-uri"),
            named_graphs=_checked_iris(named_graph_uris, "named-graph-uri"),
        )
        # Waiting for another query (threaded servers) counts towards this one's limit.
        started = time.monotonic()
        if not self._lock.acquire(timeout=self.limits.timeout_s):
            raise QueryTimeoutError(
                f"the endpoint stayed busy for {self.limits.timeout_s:g} s; try again later"
            )
        try:
            waited = time.monotonic() - started
            reply = self._ask(request, max(self.limits.timeout_s - waited, 0.0))
        finally:
            self._lock.release()
        return _result(reply)

    def close(self) -> None:
        """Stop the worker (a new one starts if another query comes)."""
        with self._lock:
            self._stop_worker(graceful=True)

    # -- worker management (called with the lock held) ---------------------------------

    def _ask(self, request: QueryRequest, time_left_s: float) -> Answer | Failure:
        worker = self._running_worker()  # its start-up is not charged to the query
        try:
            worker.connection.send(request)
            if not worker.connection.poll(time_left_s):
                self._stop_worker()
                raise QueryTimeoutError(
                    f"the query did not finish within {self.limits.timeout_s:g} s and was stopped"
                )
            return worker.connection.recv()
        except (EOFError, OSError) as error:  # the worker died (crash, out of memory...)
            self._stop_worker()
            raise QueryExecutionError("the query worker stopped unexpectedly") from error

    def _running_worker(self) -> _Worker:
        worker = self._worker
        if worker is not None and worker.process.is_alive():
            return worker
        self._stop_worker()
        self._worker = self._start_worker()
        return self._worker

    def _start_worker(self) -> _Worker:
        parent_end, child_end = self._context.Pipe(duplex=True)
        on_main_thread = threading.current_thread() is threading.main_thread()
        process = self._context.Process(
            target=worker_main,
            args=(child_end, os.getpid(), on_main_thread),
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
        _kill(worker)
        raise QueryExecutionError("the query worker could not be started")

    def _stop_worker(self, *, graceful: bool = False) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        if graceful:
            worker.connection.close()  # the worker sees EOF and returns
            worker.process.join(WORKER_STOP_TIMEOUT_S)
        _kill(worker)

    def _forget_inherited_worker(self) -> None:
        """In a forked child: the worker and the lock state belong to the parent."""
        self._lock = threading.Lock()
        self._worker = None


def _kill(worker: _Worker) -> None:
    """Kill and reap a worker (SIGKILL: a query in pyoxigraph does not look at signals)."""
    if worker.owner_pid != os.getpid():
        return  # inherited through fork: not ours to stop
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(WORKER_STOP_TIMEOUT_S)
    worker.connection.close()


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
    return QueryResult(reply.body, media_format, reply.kind, reply.count, reply.truncated)
