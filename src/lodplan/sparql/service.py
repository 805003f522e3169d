"""SPARQL query service with hard time and memory limits, fair to every client.

:class:`EmbeddedQueryService` answers each query in two steps, each on a pool of
confined worker processes (:mod:`lodplan.sparql.pool`, :mod:`lodplan.sparql.worker`)
that cannot open a network connection:

1. before anything else, in the calling thread, a plain scan refuses texts over
   the size and depth limits (:func:`~lodplan.sparql.inspection.expression_size`),
   which parsers would take too long on or overflow their stack with;
2. a *checker* parses the query without touching the data: malformed queries,
   updates and ``SERVICE`` are answered there, within :data:`CHECK_TIME_LIMIT_S`,
   without waiting for the workers that run queries;
3. a *runner* runs it on the served build within ``QueryLimits.timeout_s`` (time
   spent waiting for a runner is not counted), is killed when it takes longer,
   caps its memory and the size of what it writes.

Both pools share their workers fairly between clients (the HTTP layer names
the client, by address): one query of each client runs at a time
(``QueryLimits.per_client``), the next waits, a client with nothing running
goes first, long queries yield the processor.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pyoxigraph import NamedNode

from lodplan.config import QueryLimits
from lodplan.errors import ConfigError
from lodplan.publishing.jsonld import JsonLdContext, bundled_contexts
from lodplan.publishing.negotiation import RDF_FORMATS, TURTLE, MediaFormat
from lodplan.sparql.errors import (
    EndpointBusyError,
    EngineError,
    EngineUnavailableError,
    FederationNotAllowedError,
    FunctionNotAllowedError,
    InvalidQueryRequestError,
    QueryError,
    QueryEvaluationError,
    QueryExecutionError,
    QueryMemoryError,
    QueryNotAcceptableError,
    QuerySyntaxError,
    QueryTimeoutError,
    QueryTooComplexError,
    TooManyQueriesError,
    UpdateNotAllowedError,
    WorkerUnavailableError,
)
from lodplan.sparql.inspection import expression_size, nesting_depth
from lodplan.sparql.pool import PoolSettings, WorkerPool, memory_message
from lodplan.sparql.results import JSON, SOLUTION_FORMATS
from lodplan.sparql.worker import Answer, Checked, CheckRequest, Failure, QueryRequest
from lodplan.store.base import ReadableStore
from lodplan.store.embedded import EmbeddedStore
from lodplan.terms import PREFIXES

__all__ = [
    "CheckedQueryService",
    "EmbeddedQueryService",
    "EndpointBusyError",
    "EngineError",
    "EngineUnavailableError",
    "FederationNotAllowedError",
    "FunctionNotAllowedError",
    "InvalidQueryRequestError",
    "QueryError",
    "QueryEvaluationError",
    "QueryExecutionError",
    "QueryMemoryError",
    "QueryNotAcceptableError",
    "QueryResult",
    "QueryService",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "QueryTooComplexError",
    "TooManyQueriesError",
    "UpdateNotAllowedError",
    "WorkerUnavailableError",
]

#: Queries of one client that may wait for a worker, beyond those it runs.
DEFAULT_WAITING_PER_CLIENT = 2
#: Queries that may wait for a runner, and for a checker, in all (each holds a server
#: thread: with the workers, fewer than the server's threads, see web/wsgi.py).
DEFAULT_MAX_WAITING = 16
#: Deepest nesting of brackets, braces, parentheses and prefix operators accepted.
MAX_NESTING_DEPTH = 200
#: Most tokens in a query (the query worker's parser is safe to well beyond: see worker.py).
MAX_QUERY_TOKENS = 20_000
#: Time a checker may take to parse and plan a query on an empty store.
CHECK_TIME_LIMIT_S = 5.0
#: Checkers: parsing is quick, a few serve many runners.
MAX_CHECKERS = 4
#: Who a query is for when no client is named (tests, the command line).
LOCAL_CLIENT = "local"

logger = logging.getLogger(__name__)


_FAILURES: dict[str, type[QueryError]] = {
    "syntax": QuerySyntaxError,
    "update": UpdateNotAllowedError,
    "service": FederationNotAllowedError,
    "function": FunctionNotAllowedError,
    "not-acceptable": QueryNotAcceptableError,
    "memory": QueryMemoryError,
    "evaluation": QueryEvaluationError,
    "execution": QueryExecutionError,
    "unconfined": WorkerUnavailableError,
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
        client: str = LOCAL_CLIENT,
    ) -> QueryResult:
        """Run ``query`` for ``client`` (who shares the workers fairly with others);
        results of SELECT/ASK come as ``solutions_format``, graphs as ``graph_format``
        (``None``: not acceptable), JSON-LD graphs compacted with ``jsonld_context``.
        Raises :class:`QueryError`."""
        ...

    def close(self) -> None: ...


class CheckedQueryService:
    """What every query service does before a query runs: the size scan, then a *checker*
    (a confined worker process) parses it; the two kinds of service differ in where the
    checked query runs."""

    #: A checked query goes to a remote engine (only XSD casts may be called).
    forwarded = False

    def __init__(
        self,
        limits: QueryLimits | None,
        *,
        prefixes: dict[str, str] | None,
        start_method: str | None,
        max_result_bytes: int | None,
        workers: int,
        waiting_per_client: int,
        max_waiting: int,
        max_nesting_depth: int,
        max_tokens: int,
        memory_limit_mb: int | None = None,
    ) -> None:
        self.limits = limits or QueryLimits()
        self.prefixes = dict(PREFIXES if prefixes is None else prefixes)
        if max_result_bytes is None:
            max_result_bytes = self.limits.max_result_bytes
        if max_result_bytes < 0 or waiting_per_client < 0:
            raise ConfigError("query memory, result size and waiting queries must not be negative")
        self.max_result_bytes: int | None = max_result_bytes or None
        self.max_nesting_depth = max_nesting_depth
        self.max_tokens = max_tokens
        self.waiting_per_client = waiting_per_client
        self.max_waiting = max_waiting
        self.start_method = start_method
        self.memory_limit_mb = memory_limit_mb or None
        self.checkers = self._pool("checker", max(2, min(MAX_CHECKERS, workers // 2)))

    def _pool(self, name: str, pool_size: int) -> WorkerPool:
        settings = PoolSettings(
            size=pool_size,
            per_client=self.limits.per_client,
            waiting_per_client=self.waiting_per_client,
            max_waiting=self.max_waiting,
            memory_limit_mb=self.memory_limit_mb,
            name=f"lodplan-sparql-{name}",
        )
        return WorkerPool(settings, start_method=self.start_method)

    def close(self) -> None:
        """Stop every worker (new ones start if another query comes)."""
        self.checkers.close()

    def _refuse_oversized(self, query: str) -> None:
        depth = nesting_depth(query)
        if depth > self.max_nesting_depth:
            raise QueryTooComplexError(
                f"the query is nested too deeply ({depth} levels of brackets, braces, "
                f"parentheses or prefix operators; at most {self.max_nesting_depth} are accepted)"
            )
        size = expression_size(query)
        if size > self.max_tokens:
            raise QueryTooComplexError(
                f"the query is too long ({size} tokens: names, values, operators and "
                f"punctuation; at most {self.max_tokens} are accepted)"
            )

    def _check(self, query: str, base_iri: str, client: str) -> Checked:
        request = CheckRequest(
            query=query, base_iri=base_iri, prefixes=self.prefixes, forwarded=self.forwarded
        )
        try:
            reply = self.checkers.ask(client, request, CHECK_TIME_LIMIT_S)
        except QueryTimeoutError as error:
            if isinstance(error, EndpointBusyError):
                raise
            raise QueryTooComplexError(
                f"the query could not be parsed and planned within {CHECK_TIME_LIMIT_S:g} s "
                "(too many patterns, paths or OPTIONALs); simplify it"
            ) from None
        if isinstance(reply, Failure):
            raise self._failure(reply)
        assert isinstance(reply, Checked)
        return reply

    def _failure(self, reply: Failure) -> QueryError:
        if reply.reason == "memory":
            return QueryMemoryError(memory_message(self.memory_limit_mb))
        return _FAILURES.get(reply.reason, QueryExecutionError)(reply.message)


class EmbeddedQueryService(CheckedQueryService):
    """Queries an :class:`EmbeddedStore` on pools of confined, killable, memory-capped workers.

    ``memory_limit_mb`` and ``max_result_bytes`` default to those of ``limits``
    (see :class:`~lodplan.config.QueryLimits`); 0 means no cap. ``workers``
    defaults to ``limits.worker_count()``.
    """

    def __init__(
        self,
        store: EmbeddedStore,
        limits: QueryLimits | None = None,
        *,
        prefixes: dict[str, str] | None = None,
        start_method: str | None = None,
        memory_limit_mb: int | None = None,
        max_result_bytes: int | None = None,
        workers: int | None = None,
        waiting_per_client: int = DEFAULT_WAITING_PER_CLIENT,
        max_waiting: int = DEFAULT_MAX_WAITING,
        max_nesting_depth: int = MAX_NESTING_DEPTH,
        max_tokens: int = MAX_QUERY_TOKENS,
    ) -> None:
        limits = limits or QueryLimits()
        if memory_limit_mb is None:
            memory_limit_mb = limits.memory_mb
        if memory_limit_mb < 0:
            raise ConfigError("query memory, result size and waiting queries must not be negative")
        size = workers or limits.worker_count()
        super().__init__(
            limits,
            prefixes=prefixes,
            start_method=start_method,
            max_result_bytes=max_result_bytes,
            workers=size,
            waiting_per_client=waiting_per_client,
            max_waiting=max_waiting,
            max_nesting_depth=max_nesting_depth,
            max_tokens=max_tokens,
            memory_limit_mb=memory_limit_mb,
        )
        self._store = store
        self.runners = self._pool("runner", size)

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the workers that run queries."""
        return self.runners.worker_pids

    @property
    def active_queries(self) -> int:
        """Queries running or waiting for a runner."""
        return self.runners.active

    def execute(
        self,
        query: str,
        *,
        solutions_format: MediaFormat | None = JSON,
        graph_format: MediaFormat | None = TURTLE,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        jsonld_context: JsonLdContext | None = None,
        client: str = LOCAL_CLIENT,
    ) -> QueryResult:
        self._refuse_oversized(query)
        default_graphs = checked_iris(default_graph_uris, "default-graph-uri")
        named_graphs = checked_iris(named_graph_uris, "named-graph-uri")
        info = self._store.info()
        checked = self._check(query, info.base_iri, client)
        request = QueryRequest(
            query=query,
            data_path=str(self._store.data_path),
            base_iri=info.base_iri,
            prefixes=self.prefixes,
            max_rows=self.limits.max_rows,
            solutions_format=solutions_format.name if solutions_format else None,
            graph_format=graph_format.name if graph_format else None,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            max_bytes=self.max_result_bytes,
            jsonld_context=jsonld_context or bundled_jsonld_context(info.base_iri),
            has_dataset_clause=checked.has_dataset_clause,
        )
        self.runners.settings.data_path = request.data_path  # opened by new workers
        reply = self.runners.ask(client, request, self.limits.timeout_s)
        return self._result(reply)

    def close(self) -> None:
        """Stop every worker (new ones start if another query comes)."""
        super().close()
        self.runners.close()

    def _result(self, reply: object) -> QueryResult:
        if isinstance(reply, Failure):
            raise self._failure(reply)
        assert isinstance(reply, Answer)
        return answer_result(reply)


def answer_result(reply: Answer) -> QueryResult:
    """The :class:`QueryResult` of a worker's (or a forwarded query's) answer."""
    offers = SOLUTION_FORMATS if reply.kind in ("solutions", "boolean") else RDF_FORMATS
    media_format = next(f for f in offers if f.name == reply.format_name)
    return QueryResult(
        reply.body, media_format, reply.kind, reply.count, reply.truncated, reply.truncated_by
    )


def query_service_for(store: ReadableStore, limits: QueryLimits) -> QueryService:
    """The query service of ``store``: queries run in worker processes on an embedded
    store, and are forwarded to the engine of a remote one."""
    if isinstance(store, EmbeddedStore):
        return EmbeddedQueryService(store, limits)
    from lodplan.sparql.remote import RemoteQueryService
    from lodplan.store.remote import RemoteStore

    if not isinstance(store, RemoteStore):
        raise TypeError(f"no query service for {type(store).__name__}")
    return RemoteQueryService(store, limits)


def bundled_jsonld_context(base_iri: str) -> JsonLdContext | None:
    """lodplan's current context, at its versioned URL under ``base_iri``; ``None`` if
    not installed."""
    try:
        context = bundled_contexts().current(base_iri)
    except (FileNotFoundError, ValueError):
        return None
    return context if context.path.is_file() else None


def checked_iris(values: Sequence[str], parameter: str) -> tuple[str, ...]:
    checked = []
    for value in values:
        try:
            checked.append(NamedNode(value).value)
        except ValueError as error:
            raise InvalidQueryRequestError(
                f"{parameter}: {value!r} is not an IRI ({error})"
            ) from None
    return tuple(checked)
