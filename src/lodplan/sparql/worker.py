"""The query worker: a separate process that checks or runs one SPARQL query at a time.

pyoxigraph cannot cancel a running query, so queries run here and the server
kills this process when a query exceeds its time limit. Before it reads any
query the worker takes away its own ability to open a connection
(:mod:`lodplan.sparql.confinement`): ``SERVICE`` cannot reach anything, whatever
the spelling. It runs queries on a thread with a large stack, so that the
parser's recursion on long expressions stays far from overflowing (the service
also refuses expressions over a size and depth limit). The worker caps its own
address space (``RLIMIT_AS``): a query that needs more memory ends this process
(Rust aborts on a failed allocation) or raises ``MemoryError``, never the
server. It opens the served build read-only, reopens it when the build changes,
serializes results itself (capped at ``max_rows`` rows and ``max_bytes`` bytes;
graphs asked as JSON-LD are compacted with lodplan's context) and sends back
bytes, never live objects.

Two kinds of request: :class:`CheckRequest` parses a query without running it
(on an empty store: syntax, Update, ``SERVICE``, dataset clause), so that
malformed queries are answered without waiting for a worker that runs queries;
:class:`QueryRequest` runs it on the served build.

Everything exchanged with the server is a plain picklable dataclass.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import multiprocessing
import os
import re
import resource
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TypedDict

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Store,
    Triple,
    serialize,
)

from lodplan.publishing.jsonld import JsonLdCompactor, JsonLdContext
from lodplan.publishing.negotiation import JSONLD, RDF_FORMATS
from lodplan.publishing.prefixes import used_prefixes
from lodplan.sparql.confinement import ConfinementError, confine_network
from lodplan.sparql.inspection import (
    STANDARD_FUNCTIONS,
    code_text,
    function_iris,
    inspect_query,
    looks_like_update,
    without_comments,
)
from lodplan.sparql.results import serialize_boolean, write_solutions

READY = "ready"
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_M_ARENA_MAX = -8  # from <malloc.h>
# glibc gives each thread up to 64 MiB arenas of address space: RocksDB's threads
# would take much of the memory cap for nothing.
_MALLOC_ARENAS = 2
#: Stack of the thread that parses and runs queries. With the default 8 MiB,
#: pyoxigraph overflowed (SIGSEGV) on ~1,000 chained OPTIONALs, path steps or
#: triple patterns and ~7,000 chained operators; with 128 MiB, 20,000 of each are
#: parsed (measured, pyoxigraph 0.5). Address space only: pages are used as touched.
QUERY_STACK_BYTES = 128 * 1024 * 1024
_MENTIONS_SERVICE = "service"
# An IRI or a prefixed name followed by "(": the only way to call a function by its IRI
# (a text that merely looks so, in a string or a comment, only costs the full check).
_MAY_CALL_FUNCTION = re.compile(r"(?:>|[\w.-]*:[\w.%-]*)\s*\(")


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
    max_bytes: int | None = None  # cap of the serialized result
    jsonld_context: JsonLdContext | None = None  # compacts JSON-LD graphs; None: expanded
    has_dataset_clause: bool | None = None  # known from a CheckRequest; None: inspect here


@dataclass(frozen=True)
class CheckRequest:
    """Parse ``query`` (with these prefixes and base) without running it on the data.

    ``forwarded``: the query goes to a remote engine, which runs whatever functions it
    names: only XSD casts are allowed (:func:`~lodplan.sparql.inspection.function_iris`).
    """

    query: str
    base_iri: str | None
    prefixes: dict[str, str]
    forwarded: bool = False


@dataclass(frozen=True)
class Checked:
    """A query that parses; whether it declares its own dataset (``FROM``), and what it
    gives: ``solutions`` (SELECT), ``boolean`` (ASK) or ``graph`` (CONSTRUCT, DESCRIBE)."""

    has_dataset_clause: bool
    kind: str = "solutions"


@dataclass(frozen=True)
class Answer:
    body: bytes
    kind: str  # solutions | boolean | graph
    format_name: str
    count: int
    truncated: bool
    truncated_by: str | None = None  # "rows" or "bytes" when truncated


@dataclass(frozen=True)
class Failure:
    # syntax | update | service | function | not-acceptable | memory | evaluation | execution
    # | unconfined
    reason: str
    message: str


def worker_main(
    connection: Connection,
    server_pid: int,
    die_with_server: bool,
    memory_limit_bytes: int | None = None,
    data_path: str | None = None,
) -> None:
    """Entry point of the worker process: answer requests until the server hangs up.

    The network is closed to this process first, before anything else runs; a
    worker that cannot close it answers the start-up handshake with a
    :class:`Failure` and ends. The memory cap is set before the store at
    ``data_path`` is opened, so that a cap too small for the store itself shows
    at start-up, not as a failed query.
    """
    # Ctrl-C reaches the whole process group; the server decides when this worker ends.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if die_with_server:
        _die_with_server(server_pid)
    try:
        confine_network()
    except ConfinementError as error:
        connection.send(Failure("unconfined", f"the query worker cannot be confined: {error}"))
        return
    if memory_limit_bytes:
        _limit_memory(memory_limit_bytes)
    threading.stack_size(QUERY_STACK_BYTES)
    serving = threading.Thread(target=_serve, args=(connection, data_path), name="queries")
    serving.start()
    serving.join()


def _serve(connection: Connection, data_path: str | None) -> None:
    worker = QueryWorker()
    if data_path is not None:
        worker.open(data_path)
    connection.send(READY)
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if isinstance(request, CheckRequest):
            connection.send(check(request))
        else:
            connection.send(worker.answer(request))


def check(request: CheckRequest) -> Checked | Failure:
    """Whether ``request.query`` is a query this endpoint accepts, without reading any data.

    pyoxigraph parses (and plans) it over an empty store; nothing is evaluated
    except an ``ASK``, which finds the empty store at once.
    """
    features = inspect_query(request.query)
    if features.uses_service:
        return _service_refused(features.checked)
    try:
        result = Store().query(
            request.query,
            base_iri=request.base_iri,
            prefixes=request.prefixes,
            use_default_graph_as_union=not features.has_dataset_clause,
        )
        kind = _kind(result)
        del result  # never iterated: no evaluation
    except SyntaxError as error:
        if looks_like_update(request.query):
            return Failure("update", "SPARQL Update is not allowed: this endpoint is read-only")
        return Failure("syntax", str(error))
    except MemoryError:
        return Failure("memory", "the query needed more memory than the query worker may use")
    except Exception as error:
        return _evaluation_failure(request.query, error)
    if request.forwarded:
        refused = _non_standard_functions(request)
        if refused is not None:
            return refused
    return Checked(features.has_dataset_clause, kind)


def _kind(result: object) -> str:
    if isinstance(result, QuerySolutions):
        return "solutions"
    return "boolean" if isinstance(result, QueryBoolean) else "graph"


def _non_standard_functions(request: CheckRequest) -> Failure | None:
    """A failure if the query calls a function other than an XSD cast, or cannot be checked.

    A query in which no IRI or prefixed name is followed by ``(`` calls none: rdflib's
    parse (tens of milliseconds) is skipped."""
    if not _MAY_CALL_FUNCTION.search(without_comments(request.query)):
        return None
    functions = function_iris(request.query, request.base_iri, request.prefixes)
    if functions is None:
        return Failure(
            "function",
            "this query could not be checked for the functions it calls (a SPARQL 1.1 "
            "parser could not read it), so it is not sent to the SPARQL engine",
        )
    others = sorted(f for f in functions if not f.startswith(STANDARD_FUNCTIONS))
    if others:
        return Failure(
            "function",
            f"the function {others[0]} is not allowed: queries may call SPARQL's own "
            "functions and the XSD casts only (engine extensions could reach the network "
            "or files)",
        )
    return None


def _die_with_server(server_pid: int) -> None:
    """Linux: have the kernel kill this worker when the process that started it dies.

    Without it a server killed mid-query (OOM killer, SIGKILL) would leave the
    query running to its end: pyoxigraph holds the GIL, so no watchdog thread
    could notice. The death signal fires when the *thread* that started the
    worker ends, which is why the server starts workers from one long-lived
    thread. A worker forked by multiprocessing's fork server dies with the fork
    server, which itself ends when the server does.
    """
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    if parent != server_pid and multiprocessing.parent_process() is None:
        os._exit(0)  # neither the server nor a fork server started it: it is gone
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)


def _limit_memory(limit_bytes: int) -> None:
    """Cap this process's address space (Linux, other Unixes) at ``limit_bytes``."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # AttributeError: not glibc
            ctypes.CDLL(None).mallopt(_M_ARENA_MAX, _MALLOC_ARENAS)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = limit_bytes if hard == resource.RLIM_INFINITY else min(limit_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class QueryWorker:
    def __init__(self) -> None:
        self._store: Store | None = None
        self._data_path: str | None = None
        self._compactors: dict[JsonLdContext, JsonLdCompactor] = {}

    def open(self, data_path: str) -> None:
        """Open a build ahead of its first query (a build that went away is opened later)."""
        with contextlib.suppress(OSError):
            self._open(data_path)

    def answer(self, request: QueryRequest) -> Answer | Failure:
        try:
            store = self._open(request.data_path)
        except OSError as error:
            return Failure("execution", f"the served build could not be opened ({error})")
        try:
            return self._answer(request, store)
        except MemoryError:
            return Failure("memory", "the query needed more memory than the query worker may use")
        except Exception as error:  # keep the worker alive whatever the query does
            return _evaluation_failure(request.query, error)

    def _answer(self, request: QueryRequest, store: Store) -> Answer | Failure:
        has_dataset_clause = request.has_dataset_clause
        if has_dataset_clause is None:
            features = inspect_query(request.query)
            if features.uses_service:
                return _service_refused(features.checked)
            has_dataset_clause = features.has_dataset_clause
        try:
            result = store.query(
                request.query,
                base_iri=request.base_iri,
                prefixes=request.prefixes,
                **_dataset_options(request, has_dataset_clause),
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
        if request.graph_format is None:
            return _not_acceptable("CONSTRUCT or DESCRIBE")
        return _graph(result, request, self._graph_writer(request))

    def _open(self, data_path: str) -> Store:
        """The served build, opened read-only; reopened when the server moved to a new build."""
        if self._store is None or data_path != self._data_path:
            self._store = None  # release the previous build before opening the next
            self._store = Store.read_only(data_path)
            self._data_path = data_path
        return self._store

    def _graph_writer(self, request: QueryRequest) -> Callable[[Sequence[Triple]], bytes]:
        """How graphs are written in the requested format (JSON-LD: compacted when possible)."""
        if request.graph_format == JSONLD.name and request.jsonld_context is not None:
            context = request.jsonld_context
            if context not in self._compactors:
                self._compactors[context] = JsonLdCompactor(context)
            return self._compactors[context].to_bytes
        rdf_format = next(f.rdf_format for f in RDF_FORMATS if f.name == request.graph_format)

        def write(triples: Sequence[Triple]) -> bytes:
            written = serialize(
                triples, format=rdf_format, prefixes=used_prefixes(triples, request.prefixes)
            )
            assert written is not None  # no output file: the bytes are returned
            return written

        return write


def _service_refused(checked: bool) -> Failure:
    message = "federated queries (SERVICE) are not allowed on this endpoint"
    if not checked:
        message += (
            "; this query mentions SERVICE and uses syntax that could not be checked, "
            "so it is refused"
        )
    return Failure("service", message)


def _evaluation_failure(query: str, error: Exception) -> Failure:
    """What a query that failed while being planned or evaluated is told.

    The store is read-only and was opened, so the query is the cause. An
    ``OSError`` of a query that names a service is the engine trying to open a
    connection, which the confinement refused: that query is federated.
    """
    if isinstance(error, OSError) and _MENTIONS_SERVICE in code_text(query).lower():
        return Failure(
            "service",
            "federated queries (SERVICE) are not allowed: this endpoint makes no outbound requests",
        )
    return Failure("evaluation", f"the query could not be evaluated: {error}")


class _DatasetOptions(TypedDict, total=False):
    default_graph: list[NamedNode | BlankNode | DefaultGraph] | None
    named_graphs: list[NamedNode | BlankNode] | None
    use_default_graph_as_union: bool


def _dataset_options(request: QueryRequest, has_dataset_clause: bool) -> _DatasetOptions:
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
    written = write_solutions(
        request.solutions_format,
        variables,
        ([solution[i] for i in width] for solution in result),  # read only as far as written
        max_rows=request.max_rows,
        max_bytes=request.max_bytes,
    )
    return Answer(
        written.body,
        "solutions",
        request.solutions_format,
        written.count,
        written.truncated_by is not None,
        written.truncated_by,
    )


def _boolean(result: QueryBoolean, request: QueryRequest) -> Answer | Failure:
    if request.solutions_format is None:
        return _not_acceptable("ASK")
    body = serialize_boolean(request.solutions_format, bool(result))
    return Answer(body, "boolean", request.solutions_format, 1, False)


def _graph(
    result: QueryTriples, request: QueryRequest, write: Callable[[Sequence[Triple]], bytes]
) -> Answer | Failure:
    assert request.graph_format is not None
    triples = list(itertools.islice(result, request.max_rows + 1))
    truncated_by = "rows" if len(triples) > request.max_rows else None
    del triples[request.max_rows :]
    try:
        body, count = _fitting(triples, write, request.max_bytes)
    except MemoryError:
        raise
    except Exception as error:  # the format cannot hold it: e.g. triple terms in JSON-LD
        return Failure(
            "not-acceptable",
            f"this result cannot be written as {request.graph_format} ({error}); "
            "ask for N-Triples or Turtle",
        )
    if count < len(triples):
        truncated_by = "bytes"
    truncated = truncated_by is not None
    return Answer(body, "graph", request.graph_format, count, truncated, truncated_by)


def _fitting(
    triples: list[Triple], write: Callable[[Sequence[Triple]], bytes], max_bytes: int | None
) -> tuple[bytes, int]:
    """The document of the longest first part of ``triples`` found to fit in ``max_bytes``.

    A document of several syntaxes (Turtle, RDF/XML, JSON-LD) cannot be cut at
    any byte: it is written again with fewer triples, in proportion to the
    excess, until it fits. The values' total length bounds the first attempt.
    """
    if max_bytes is None:
        return write(triples), len(triples)
    count, text_length = 0, 0
    for triple in triples:  # plenty of room for prefixes, indentation and escapes
        text_length += _text_length(triple)
        if text_length > 2 * max_bytes:
            break
        count += 1
    while True:
        body = write(triples[:count])
        if len(body) <= max_bytes or count == 0:
            return body, count
        count = min(count - 1, int(count * max_bytes / len(body) * 0.95))


def _text_length(triple: Triple) -> int:
    total = 0
    for term in (triple.subject, triple.predicate, triple.object):
        if isinstance(term, NamedNode | BlankNode | Literal):
            total += len(term.value)
        else:  # a triple term
            total += _text_length(term)
    return total
