"""The query worker: a separate, single-threaded process that runs SPARQL queries.

pyoxigraph cannot cancel a running query, so queries run here and the server
kills this process when a query exceeds its time limit. The worker opens the
served build read-only, reopens it when the build changes, serializes results
itself (capped at ``max_rows``) and sends back bytes, never live objects.

Everything exchanged with the server is a plain picklable dataclass.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import signal
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Store, serialize

from lodplan.publishing.negotiation import RDF_FORMATS
from lodplan.publishing.prefixes import used_prefixes
from lodplan.sparql.inspection import inspect_query, looks_like_update
from lodplan.sparql.results import serialize_boolean, serialize_solutions

READY = "ready"
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class QueryRequest:
    query: str
    data_path: str
    base_iri: str | None
    prefixes: dict[str, str]
    max_rows: int
    solutions_format: str | None  # a lodplan.sparql.results format name
    graph_format: str | None  # a lodplan.publishing.negotiation RDF format name
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    body: bytes
    kind: str  # solutions | boolean | graph
    format_name: str
    count: int
    truncated: bool


@dataclass(frozen=True)
class Failure:
    reason: str  # syntax | update | service | not-acceptable | execution
    message: str


def worker_main(connection: Connection, server_pid: int, die_with_server: bool) -> None:
    """Entry point of the worker process: answer requests until the server hangs up."""
    # Ctrl-C reaches the whole process group; the server decides when this worker ends.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if die_with_server:
        _die_with_server(server_pid)
    worker = QueryWorker()
    connection.send(READY)
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(worker.answer(request))


def _die_with_server(server_pid: int) -> None:
    """Linux: have the kernel kill this worker when the server process dies.

    Without it a server killed mid-query (OOM killer, SIGKILL) would leave the
    query running to its end: pyoxigraph holds the GIL, so no watchdog thread
    could notice. The death signal fires when the *thread* that started the
    worker ends, which is why the server asks for it only from its main thread.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != server_pid:  # the server died before prctl took effect
        os._exit(0)


class QueryWorker:
    def __init__(self) -> None:
        self._store: Store | None = None
        self._data_path: str | None = None

    def answer(self, request: QueryRequest) -> Answer | Failure:
        try:
            return self._answer(request)
        except Exception as error:  # keep the worker alive whatever the query does
            return Failure("execution", f"{type(error).__name__}: {error}")

    def _answer(self, request: QueryRequest) -> Answer | Failure:
        features = inspect_query(request.query)
        if features.uses_service:
            return Failure(
                "service", "federated queries (SERVICE) are not allowed on this endpoint"
            )
        try:
            result = self._open(request.data_path).query(
                request.query,
                base_iri=request.base_iri,
                prefixes=request.prefixes,
                **_dataset_options(request, features.has_dataset_clause),
            )
        except SyntaxError as error:
            if looks_like_update(request.query):
                return Failure("update", "SPARQL Update is not allowed: this endpoint is read-only")
            return Failure("syntax", str(error))
        if isinstance(result, QuerySolutions):
            return _solutions(result, request)
        if isinstance(result, QueryBoolean):
            return _boolean(result, request)
        assert isinstance(result, QueryTriples)
        return _graph(result, request)

    def _open(self, data_path: str) -> Store:
        """The served build, opened read-only; reopened when the server moved to a new build."""
        if self._store is None or data_path != self._data_path:
            self._store = None  # release the previous build before opening the next
            self._store = Store.read_only(data_path)
            self._data_path = data_path
        return self._store


def _dataset_options(request: QueryRequest, has_dataset_clause: bool) -> dict[str, object]:
    """The dataset: the protocol's graphs, else the query's FROM, else the union of all graphs."""
    if request.default_graphs or request.named_graphs:
        return {
            "default_graph": [NamedNode(iri) for iri in request.default_graphs] or None,
            "named_graphs": [NamedNode(iri) for iri in request.named_graphs] or None,
        }
    return {"use_default_graph_as_union": not has_dataset_clause}


def _not_acceptable(kind: str) -> Failure:
    return Failure("not-acceptable", f"no acceptable format was requested for {kind} results")


def _solutions(result: QuerySolutions, request: QueryRequest) -> Answer | Failure:
    if request.solutions_format is None:
        return _not_acceptable("SELECT")
    variables = [variable.value for variable in result.variables]
    width = range(len(variables))
    rows = [
        [solution[i] for i in width] for solution in itertools.islice(result, request.max_rows + 1)
    ]
    truncated = len(rows) > request.max_rows
    del rows[request.max_rows :]
    body = serialize_solutions(request.solutions_format, variables, rows)
    return Answer(body, "solutions", request.solutions_format, len(rows), truncated)


def _boolean(result: QueryBoolean, request: QueryRequest) -> Answer | Failure:
    if request.solutions_format is None:
        return _not_acceptable("ASK")
    body = serialize_boolean(request.solutions_format, bool(result))
    return Answer(body, "boolean", request.solutions_format, 1, False)


def _graph(result: QueryTriples, request: QueryRequest) -> Answer | Failure:
    if request.graph_format is None:
        return _not_acceptable("CONSTRUCT or DESCRIBE")
    rdf_format = next(f.rdf_format for f in RDF_FORMATS if f.name == request.graph_format)
    triples = list(itertools.islice(result, request.max_rows + 1))
    truncated = len(triples) > request.max_rows
    del triples[request.max_rows :]
    prefixes = used_prefixes(triples, request.prefixes)
    body = serialize(triples, format=rdf_format, prefixes=prefixes)
    return Answer(body, "graph", request.graph_format, len(triples), truncated)
