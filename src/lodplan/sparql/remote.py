"""The SPARQL endpoint over a remote engine: queries checked here, run by the engine.

:class:`RemoteQueryService` keeps every guarantee of the embedded endpoint
(docs/security.md), by other means since the engine, not a worker process of
lodplan's, evaluates the query:

* **read-only by construction**: a *checker* (a confined worker process, as for the
  embedded store) parses the query first; only SELECT, ASK, CONSTRUCT and DESCRIBE
  pass, never an Update (``LOAD`` included) — what is sent to the engine is a query
  lodplan has parsed, never an engine's own syntax (Virtuoso's ``DEFINE`` pragmas do
  not parse);
* **no outbound request**: ``SERVICE`` is refused as on the embedded store, and so is
  any function other than SPARQL's own and the XSD casts (an engine's extension
  functions — Virtuoso's ``bif:http_get``, file access — could reach the network);
* **time limit**: sent to the engine (its ``timeout`` parameter, in milliseconds:
  Virtuoso's anytime queries) and enforced here: the answer must be complete within
  ``QueryLimits.timeout_s`` or the connection is cut and the client gets ``503``; a
  partial answer the engine marks as such (Virtuoso's ``X-SQL-State: S1TAT``) is
  refused the same way, never served as if complete;
* **row and byte limits**: the engine's answer is read as a stream and written again
  by lodplan's own writers (:mod:`lodplan.sparql.results`, the query worker's graph
  writers), capped as on the embedded store; reading stops at the cap. An engine that
  caps the rows itself says so (``X-SPARQL-MaxRows``) and the result is marked capped;
* **fair sharing**: at most ``size`` queries are sent to the engine at once, handed
  out fairly between clients (:mod:`lodplan.sparql.admission`);
* **a clear error, never a 500**: an engine that cannot be reached answers ``503``
  with ``Retry-After``, one that fails on a query ``502`` (or ``400`` for a query it
  refuses).

The query reaches the engine with lodplan's prefixes and the base IRI declared, and
with the build's graphs as its dataset (the union of the build's graphs, as on the
embedded store: an engine holds other graphs too), unless the query or the request
names its own.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from typing import IO, cast

import requests
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, parse
from pyoxigraph import parse_query_results as parse_results

from lodplan.config import QueryLimits
from lodplan.publishing.jsonld import JsonLdContext
from lodplan.publishing.negotiation import TURTLE, MediaFormat
from lodplan.sparql.admission import FairTurns
from lodplan.sparql.errors import (
    EngineError,
    EngineUnavailableError,
    QueryError,
    QueryEvaluationError,
    QueryTimeoutError,
)
from lodplan.sparql.results import JSON
from lodplan.sparql.service import (
    DEFAULT_MAX_WAITING,
    DEFAULT_WAITING_PER_CLIENT,
    LOCAL_CLIENT,
    MAX_NESTING_DEPTH,
    MAX_QUERY_TOKENS,
    CheckedQueryService,
    QueryResult,
    answer_result,
    bundled_jsonld_context,
    checked_iris,
)
from lodplan.sparql.worker import Answer, Checked, Failure, QueryRequest, QueryWorker
from lodplan.sparql.worker import _boolean as boolean_answer
from lodplan.sparql.worker import _graph as graph_answer
from lodplan.sparql.worker import _solutions as solutions_answer
from lodplan.store.base import StoreUnavailableError, sparql_iri
from lodplan.store.remote import CONNECT_TIMEOUT_S, RemoteStore, engine_session

#: Queries sent to the engine at once, unless ``QueryLimits.workers`` says otherwise
#: (Debian's Virtuoso answers with 10 HTTP threads).
DEFAULT_CONCURRENCY = 4
RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
#: Bytes read from the engine at a time.
CHUNK_BYTES = 64 * 1024
# What an engine says of a query it stopped for taking too long (Virtuoso: its state
# S1TAT on a partial answer, S1T00/SR171 on a failure, or its estimate over the limit).
_TIMED_OUT = re.compile(r"S1T00|SR171|timed out|timeout|estimated execution time", re.IGNORECASE)
_DECLARED_PREFIX = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)


class RemoteQueryService(CheckedQueryService):
    """Checks queries in confined workers, then forwards them to the engine of ``store``."""

    forwarded = True

    def __init__(
        self,
        store: RemoteStore,
        limits: QueryLimits | None = None,
        *,
        prefixes: dict[str, str] | None = None,
        start_method: str | None = None,
        max_result_bytes: int | None = None,
        concurrency: int | None = None,
        waiting_per_client: int = DEFAULT_WAITING_PER_CLIENT,
        max_waiting: int = DEFAULT_MAX_WAITING,
        max_nesting_depth: int = MAX_NESTING_DEPTH,
        max_tokens: int = MAX_QUERY_TOKENS,
        session: requests.Session | None = None,
    ) -> None:
        limits = limits or QueryLimits()
        size = concurrency or limits.workers or DEFAULT_CONCURRENCY
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
            memory_limit_mb=limits.memory_mb,
        )
        self._store = store
        self.url = store.endpoint.query_url
        self.session = session or engine_session()
        self.turns = FairTurns(
            size,
            per_client=self.limits.per_client,
            waiting_per_client=waiting_per_client,
            max_waiting=max_waiting,
        )
        self._writers = threading.local()  # JSON-LD compactors are not shared by threads

    @property
    def active_queries(self) -> int:
        """Queries sent to the engine or waiting for a turn."""
        return self.turns.active

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
        try:
            info = self._store.info()
        except StoreUnavailableError as error:
            raise EngineUnavailableError(str(error), retry_after_s=5) from None
        checked = self._check(query, info.base_iri, client)
        request = QueryRequest(
            query=query,
            data_path="",
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
        if not self._store.scoped:  # the engine's own default dataset
            dataset = {"default-graph-uri": default_graphs, "named-graph-uri": named_graphs}
        elif not (default_graphs or named_graphs or checked.has_dataset_clause):
            graphs = tuple(sorted(info.graphs))  # the union of the build's graphs
            dataset = {"default-graph-uri": graphs, "named-graph-uri": graphs}
        else:
            dataset = {"default-graph-uri": default_graphs, "named-graph-uri": named_graphs}
        with self.turns.turn(client, self.limits.timeout_s):
            answer = self._forward(request, checked, dataset)
        if isinstance(answer, Failure):
            raise self._failure(answer)
        return answer_result(answer)

    def forwarded_text(self, query: str, base_iri: str) -> str:
        """``query`` as the engine receives it: the base IRI and lodplan's prefixes it does
        not declare itself, declared before it (its own declarations come after and win)."""
        declared = {match.group(1) or "" for match in _DECLARED_PREFIX.finditer(query)}
        lines = [f"BASE {sparql_iri(base_iri)}"]
        lines += [
            f"PREFIX {prefix}: {sparql_iri(iri)}"
            for prefix, iri in sorted(self.prefixes.items())
            if prefix not in declared
        ]
        return "\n".join(lines) + "\n" + query

    def _forward(
        self, request: QueryRequest, checked: Checked, dataset: dict[str, tuple[str, ...]]
    ) -> Answer | Failure:
        timeout_s = self.limits.timeout_s
        deadline = time.monotonic() + timeout_s
        data: dict[str, object] = {
            "query": self.forwarded_text(request.query, request.base_iri or ""),
            "timeout": str(max(1, int(timeout_s * 1000))),  # Virtuoso: milliseconds
            **{name: list(values) for name, values in dataset.items() if values},
        }
        accept = NTRIPLES if checked.kind == "graph" else RESULTS_JSON
        try:
            response = self.session.post(
                self.url,
                data=data,
                headers={"Accept": accept},
                timeout=(CONNECT_TIMEOUT_S, timeout_s),
                stream=True,
            )
        except requests.ConnectionError as error:  # ConnectTimeout too: nobody answers
            raise EngineUnavailableError(
                f"the SPARQL engine cannot be reached ({type(error).__name__}); try again later",
                retry_after_s=5,
            ) from None
        except requests.Timeout:  # connected, but no answer within the time limit
            raise _timeout(timeout_s) from None
        with response, _Watchdog(response, deadline) as watchdog:
            self._refuse_failed(response)
            try:
                answer = self._rewrite(request, checked, response)
            except (requests.RequestException, OSError, ValueError, SyntaxError) as error:
                if watchdog.fired or time.monotonic() >= deadline:
                    raise _timeout(timeout_s) from None
                raise EngineError(
                    f"the SPARQL engine's answer could not be read ({error})"
                ) from None
        if watchdog.fired:
            raise _timeout(timeout_s)
        if isinstance(answer, Answer) and response.headers.get("X-SPARQL-MaxRows"):
            # the engine capped the rows itself: the result is not whole
            answer = Answer(answer.body, answer.kind, answer.format_name, answer.count, True,
                            answer.truncated_by or "rows")  # fmt: skip
        return answer

    def _refuse_failed(self, response: requests.Response) -> None:
        """Errors for an answer that is not a complete result."""
        if response.headers.get("X-SQL-State", "").upper() == "S1TAT":  # Virtuoso: partial
            raise _timeout(self.limits.timeout_s)
        if response.status_code == 200:
            return
        message = " ".join(_read_at_most(response, 2000).split())
        if _TIMED_OUT.search(message):
            raise _timeout(self.limits.timeout_s)
        if 400 <= response.status_code < 500:
            raise QueryEvaluationError(f"the SPARQL engine refused the query: {message[:500]}")
        raise EngineError(
            f"the SPARQL engine failed on the query (HTTP {response.status_code}): {message[:500]}"
        )

    def _rewrite(
        self, request: QueryRequest, checked: Checked, response: requests.Response
    ) -> Answer | Failure:
        """The engine's answer, read as a stream and written by lodplan's writers, capped."""
        stream = cast(IO[bytes], _Body(response.raw))
        if checked.kind == "graph":
            if request.graph_format is None:
                return Failure("not-acceptable", "no acceptable format was requested for "
                               "CONSTRUCT or DESCRIBE results")  # fmt: skip
            triples = (quad.triple for quad in parse(stream, format=RdfFormat.N_TRIPLES))
            return graph_answer(triples, request, self._worker()._graph_writer(request))  # type: ignore[arg-type]
        result = parse_results(stream, format=QueryResultsFormat.JSON)
        if isinstance(result, QueryBoolean):
            return boolean_answer(result, request)
        assert isinstance(result, QuerySolutions)
        return solutions_answer(result, request)

    def _worker(self) -> QueryWorker:
        worker = getattr(self._writers, "worker", None)
        if worker is None:
            worker = self._writers.worker = QueryWorker()
        return worker


def _timeout(timeout_s: float) -> QueryError:
    return QueryTimeoutError(f"the query did not finish within {timeout_s:g} s and was stopped")


def _read_at_most(response: requests.Response, limit: int) -> str:
    try:
        return response.raw.read(limit, decode_content=True).decode("utf-8", "replace")
    except (requests.RequestException, OSError):
        return ""


class _Body:
    """The engine's answer as a file for pyoxigraph's parsers, read in chunks."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw

    def read(self, size: int = -1) -> bytes:
        wanted = CHUNK_BYTES if size is None or size < 0 else min(size, CHUNK_BYTES)
        return self._raw.read(wanted, decode_content=True)  # type: ignore[call-arg]

    def readable(self) -> bool:
        return True


class _Watchdog:
    """Cuts the connection when the deadline passes while an answer is being read: a
    socket read then fails at once, however slowly the engine sends."""

    def __init__(self, response: requests.Response, deadline: float) -> None:
        self.response = response
        self.fired = False
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._cut)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def _cut(self) -> None:
        self.fired = True
        for sock in _sockets(self.response):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv


def _sockets(response: requests.Response) -> Iterator:
    connection = getattr(response.raw, "connection", None) or getattr(
        response.raw, "_connection", None
    )
    sock = getattr(connection, "sock", None)
    if sock is not None:
        yield sock
