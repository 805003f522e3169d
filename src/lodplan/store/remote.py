"""A store on an existing SPARQL engine (Virtuoso, Fuseki, GraphDB, ...).

Writes use the SPARQL 1.1 Graph Store HTTP Protocol (``PUT`` replaces a named
graph); reads use the SPARQL 1.1 Protocol. Nothing here is specific to one
engine. A build's manifest (an ``rdf:JSON`` literal) is written last into its
own graph, ``{base}graph/build``, so readers see the new build id only once
every plan graph has been replaced.

Unlike the embedded store, the replacement is atomic per graph, not for the
whole build: while a publication runs, a reader may briefly see new plan graphs
next to old ones. A failed mapping or validation never reaches this point.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from lodplan.errors import LodplanError
from lodplan.iris import SKOLEM_PATH
from lodplan.store.base import (
    RDF_SUBJECT,
    DownloadFile,
    MemoryStagedBuild,
    NamedGraph,
    Solution,
    StoreInfo,
    StoreUnavailableError,
    StoreWriteError,
    describe_with_fragments,
    file_in,
    file_names,
    is_valid_iri,
    replace_directory,
    sparql_iri,
    staged_in_memory,
    with_inner_bindings,
)

MANIFEST_GRAPH = "graph/build"
GSP_ATTEMPTS = 3
#: Seconds to open a connection to the engine: one that cannot be reached answers at once.
CONNECT_TIMEOUT_S = 5.0
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"


class RemoteStoreError(LodplanError):
    """The SPARQL engine refused or failed a request."""


GSP_CHUNK_BYTES = 4 * 1024 * 1024  # per request: engines refuse one huge transaction


@dataclass(frozen=True)
class RemoteEndpoint:
    """Where and how to reach the engine."""

    query_url: str
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    digest_auth: bool = False  # Virtuoso's /sparql-graph-crud-auth uses HTTP Digest
    timeout_s: float = 60.0

    def auth(self) -> requests.auth.AuthBase | None:
        if self.user is None:
            return None
        if self.digest_auth:
            return requests.auth.HTTPDigestAuth(self.user, self.password or "")
        return requests.auth.HTTPBasicAuth(self.user, self.password or "")


def ntriples_chunks(ntriples: bytes, max_bytes: int) -> list[bytes]:
    """``ntriples`` cut at line ends into pieces of at most ``max_bytes`` (or one line)."""
    chunks: list[bytes] = []
    start = 0
    while start < len(ntriples):
        end = start + max_bytes
        if end < len(ntriples):
            cut = ntriples.rfind(b"\n", start, end)
            end = cut + 1 if cut >= start else ntriples.find(b"\n", end) + 1 or len(ntriples)
        chunks.append(ntriples[start:end])
        start = end
    return chunks or [b""]


class RemotePublisher:
    """Publishes builds with Graph Store Protocol ``PUT`` requests."""

    def __init__(
        self,
        endpoint: RemoteEndpoint,
        session: requests.Session | None = None,
        downloads_dir: Path | None = None,
    ) -> None:
        self.downloads_dir = downloads_dir
        if endpoint.graph_store_url is None:
            raise RemoteStoreError("publishing to a remote engine needs its Graph Store URL")
        self.graph_store_url: str = endpoint.graph_store_url
        self.endpoint = endpoint
        self.session = session or requests.Session()
        # One auth object for the whole build: with HTTP Digest it keeps the server's
        # nonce, so the 4 MB pieces are sent authenticated at once instead of first
        # drawing a 401 (Virtuoso may then cut the connection mid-body).
        self._auth = endpoint.auth()

    def reserve(self) -> AbstractContextManager[None]:
        """Nothing to hold: an engine offers no lock a build could take (two builds
        publishing to one engine at once interleave their graphs)."""
        return nullcontext()

    def stage(self, graphs: Iterable[NamedGraph]) -> AbstractContextManager[MemoryStagedBuild]:
        """Staged in memory: the engine receives the graphs when the build commits."""
        return staged_in_memory(self, graphs)

    def publish(
        self,
        graphs: Iterable[NamedGraph],
        *,
        base_iri: str,
        build_id: str,
        downloads: Sequence[DownloadFile] = (),
    ) -> StoreInfo:
        """Send the graphs; the engine serves SPARQL, not files: ``downloads`` are
        written to ``downloads_dir`` when one was given (a web server serves them)."""
        manifest_iri = base_iri + MANIFEST_GRAPH
        previous = self._previous_graphs(manifest_iri)
        counts: dict[str, int] = {}
        for graph in graphs:
            self._put(graph.iri, graph.ntriples)
            counts[graph.iri] = graph.triple_count
        info = StoreInfo(
            build_id=build_id,
            base_iri=base_iri,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            graphs=counts,
        )
        self._put(manifest_iri, _manifest_ntriples(manifest_iri, info))
        for stale in sorted(previous - set(counts)):  # e.g. a plan removed from the mappings
            self._request("DELETE", stale, expected=(200, 204, 404))
        if self.downloads_dir is not None:
            try:
                replace_directory(self.downloads_dir, downloads)
            except OSError as exc:
                note = "the graphs are published; the previous files are still in place"
                raise StoreWriteError(exc.filename or self.downloads_dir, exc, note=note) from exc
        return info

    def _previous_graphs(self, manifest_iri: str) -> set[str]:
        response = self._request(
            "GET", manifest_iri, expected=(200, 404), headers={"Accept": "application/n-triples"}
        )
        if response.status_code == 404:
            return set()
        for quad in parse(response.content, format=RdfFormat.N_TRIPLES):
            if quad.predicate.value == RDF_VALUE:
                return set(json.loads(quad.object.value)["graphs"])
        return set()

    def _put(self, graph_iri: str, ntriples: bytes) -> None:
        """Replace the graph: ``PUT`` of the first chunk, ``POST`` (add) of the others.

        Engines refuse one huge transaction (Virtuoso: "SR172: Transaction deadlocked"
        on the 70 MB COG graph). Adding ground triples again is harmless, so a POST
        retried after a cut connection cannot duplicate anything.
        """
        for number, chunk in enumerate(ntriples_chunks(ntriples, GSP_CHUNK_BYTES)):
            self._request(
                "PUT" if number == 0 else "POST",
                graph_iri,
                expected=(200, 201, 204),
                data=chunk,
                headers={"Content-Type": "application/n-triples"},
            )

    def _request(
        self, method: str, graph_iri: str, *, expected: tuple[int, ...], **kwargs
    ) -> requests.Response:
        # GET, PUT and DELETE are idempotent: retry a connection cut by a busy engine.
        for attempt in range(1, GSP_ATTEMPTS + 1):
            try:
                response = self.session.request(
                    method,
                    self.graph_store_url,
                    params={"graph": graph_iri},
                    auth=self._auth,
                    timeout=self.endpoint.timeout_s,
                    **kwargs,
                )
                break
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                if attempt == GSP_ATTEMPTS:
                    raise
                time.sleep(0.5 * attempt)
        if response.status_code not in expected:
            raise RemoteStoreError(
                f"{method} of graph {graph_iri} at {self.endpoint.graph_store_url} failed: "
                f"HTTP {response.status_code} {response.text[:300]}"
            )
        return response


class EngineUnavailableError(StoreUnavailableError, RemoteStoreError):
    """The engine could not be reached, or did not answer in time."""


#: Connections kept open to the engine (the server's threads share them).
CONNECTIONS = 32
#: Values of (subject, predicate) kept per build: the labels pages show.
OBJECTS_KEPT = 200_000


class _Known:
    """A bounded, thread-safe memory of answers (least recently used ones forgotten)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str, str], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str, str], value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def engine_session() -> requests.Session:
    """A session whose connection pool serves the server's threads at once."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=CONNECTIONS)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class RemoteStore:
    """Read side on a remote engine, through the SPARQL Protocol.

    Every query is scoped to the graphs of the served build (its manifest lists them):
    an engine also holds its own graphs (Virtuoso's system graphs) and may hold other
    deployments; ``scoped=False`` leaves the engine's default dataset (an engine that
    holds this deployment only). The build's files (``build --downloads``) are read from
    ``downloads_dir``.
    """

    def __init__(
        self,
        endpoint: RemoteEndpoint,
        base_iri: str,
        session: requests.Session | None = None,
        downloads_dir: Path | None = None,
        *,
        scoped: bool = True,
    ) -> None:
        self.endpoint = endpoint
        self.base_iri = base_iri
        #: every query names the build's graphs as its dataset (else: the engine's own)
        self.scoped = scoped
        self.session = session or engine_session()
        self.downloads_dir = downloads_dir
        self._dataset: tuple[float, StoreInfo] | None = None
        self._lock = threading.Lock()
        self._known = _Known(OBJECTS_KEPT)

    def info(self) -> StoreInfo:
        manifest = self.base_iri + MANIFEST_GRAPH
        query = (
            f"SELECT ?m WHERE {{ GRAPH {sparql_iri(manifest)} "
            f"{{ {sparql_iri(manifest)} {sparql_iri(RDF_VALUE)} ?m }} }}"
        )
        bindings = self._select(query, scoped=False)
        if not bindings:
            raise RemoteStoreError(
                f"no lodplan build for {self.base_iri} published at {self.endpoint.query_url}: "
                f"run 'lodplan build --base-iri {self.base_iri} --graph-store URL' first"
            )
        data = json.loads(bindings[0]["m"]["value"])
        info = StoreInfo(data["build_id"], data["base_iri"], data["built_at"], data["graphs"])
        with self._lock:
            self._dataset = (time.monotonic(), info)
        return info

    def dataset(self) -> list[str]:
        """The named graphs of the served build, as the last :meth:`info` read them (the
        server reads it at the start of every request: a request sees one build)."""
        with self._lock:
            cached = self._dataset
        return sorted((cached[1] if cached else self.info()).graphs)

    def describe(self, iri: str) -> list[Triple]:
        """One request: the resource, its ``#`` parts, skolem IRIs and blank nodes down to
        DESCRIBE_DEPTH links, and the ``#`` statements about it with their parts, in
        one CONSTRUCT. Parts deeper than that (the cells of a long OWL list) are
        fetched by further requests rather than dropped."""
        if not is_valid_iri(iri):
            return []
        build = self._build_id()
        fetched = self._construct(describe_query(iri))
        by_subject: dict[NamedNode | BlankNode, list[Triple]] = {}
        for triple in fetched:
            if isinstance(triple.subject, NamedNode | BlankNode):  # not RDF-star terms
                by_subject.setdefault(triple.subject, []).append(triple)
        self._known.put((build, iri, ""), _values(by_subject.get(NamedNode(iri), [])))
        statements = [
            s
            for s in by_subject
            if isinstance(s, NamedNode) and _is_statement_about(s, iri, by_subject)
        ]

        def triples_about(subject: NamedNode | BlankNode) -> list[Triple]:
            if subject in by_subject:
                return by_subject[subject]
            return self._triples_about(subject)  # deeper than the query reached

        return describe_with_fragments(iri, triples_about, lambda _subject: statements)

    def _triples_about(self, subject: NamedNode | BlankNode) -> list[Triple]:
        if isinstance(subject, BlankNode):  # not addressable across SPARQL requests
            return []
        query = (
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o "
            f"VALUES ?s {{ {sparql_iri(subject.value)} }} }}"
        )
        return self._construct(query)

    def graph_triples(self, graph_iri: str) -> list[Triple]:
        if not is_valid_iri(graph_iri):
            return []
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {sparql_iri(graph_iri)} {{ ?s ?p ?o }} }}"
        return self._construct(query)

    def objects(self, subject: str, predicate: str) -> list:
        """Every value of ``subject`` is fetched at once and kept for the build: pages ask
        the labels (three properties) of what they link to, again and again; a resource
        :meth:`describe` fetched is answered from its description."""
        if not (is_valid_iri(subject) and is_valid_iri(predicate)):
            return []
        build = self._build_id()
        whole = self._known.get((build, subject, ""))  # every value of the subject is known
        if whole is None:  # the next property asked of it is often another label
            whole = _values(self._triples_about(NamedNode(subject)))
            self._known.put((build, subject, ""), whole)
        return list(whole.get(predicate, []))

    def _build_id(self) -> str:
        with self._lock:
            cached = self._dataset
        return (cached[1] if cached else self.info()).build_id

    def subjects_of_type(self, class_iri: str) -> list[str]:
        query = f"SELECT DISTINCT ?s WHERE {{ ?s a {sparql_iri(class_iri)} FILTER(isIRI(?s)) }}"
        return sorted(row["s"]["value"] for row in self._select(query))

    def download(self, name: str) -> Path | None:
        """A file the build wrote to its ``--downloads`` folder (the engine serves SPARQL)."""
        return file_in(self.downloads_dir, name)

    def download_names(self) -> list[str]:
        return file_names(self.downloads_dir)

    def select(self, query: str, bindings: Mapping[str, str] | None = None) -> list[Solution]:
        rows = self._select(with_inner_bindings(query, bindings))
        return [{name: _term(value) for name, value in row.items()} for row in rows]

    def _select(self, query: str, *, scoped: bool = True) -> list[dict]:
        response = self._query(query, "application/sparql-results+json", scoped=scoped)
        try:
            return response.json()["results"]["bindings"]
        except (ValueError, KeyError) as error:
            raise RemoteStoreError(
                f"the engine at {self.endpoint.query_url} answered a query with something "
                f"other than SPARQL JSON results ({error})"
            ) from None

    def _construct(self, query: str) -> list[Triple]:
        response = self._query(query, "application/n-triples")
        return [quad.triple for quad in parse(response.content, format=RdfFormat.N_TRIPLES)]

    def _query(self, query: str, accept: str, *, scoped: bool = True) -> requests.Response:
        data: dict[str, str | list[str]] = {"query": query}
        if scoped and self.scoped:  # the union of the build's graphs, as on the embedded store
            graphs = self.dataset()
            data["default-graph-uri"] = graphs
            data["named-graph-uri"] = graphs
        try:
            response = self.session.post(
                self.endpoint.query_url,
                data=data,
                headers={"Accept": accept},
                timeout=(CONNECT_TIMEOUT_S, self.endpoint.timeout_s),
            )
        except (requests.ConnectionError, requests.Timeout) as error:
            raise EngineUnavailableError(
                f"the SPARQL engine at {self.endpoint.query_url} cannot be reached "
                f"({type(error).__name__})"
            ) from None
        if response.status_code != 200:
            raise RemoteStoreError(
                f"query to {self.endpoint.query_url} failed: HTTP {response.status_code} "
                f"{response.text[:300]}"
            )
        return response


def _values(triples: Iterable[Triple]) -> dict[str, list]:
    """The values of each property in ``triples`` (of one subject), without repetition."""
    values: dict[str, list] = {}
    for triple in triples:
        found = values.setdefault(triple.predicate.value, [])
        if triple.object not in found:
            found.append(triple.object)
    return values


def published_base_iris(
    endpoint: RemoteEndpoint, session: requests.Session | None = None
) -> list[str]:
    """The base IRIs of the lodplan builds an engine holds (one per manifest graph)."""
    query = (
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g {sparql_iri(RDF_VALUE)} ?m }} "
        f'FILTER(STRENDS(STR(?g), "/{MANIFEST_GRAPH}")) }}'
    )
    store = RemoteStore(endpoint, "", session=session)
    rows = store._select(query, scoped=False)
    return sorted(row["g"]["value"].removesuffix(MANIFEST_GRAPH) for row in rows)


DESCRIBE_DEPTH = 4  # lodplan's deepest part: a stated fact's source's selector (3)


def describe_query(iri: str) -> str:
    """A CONSTRUCT of everything :meth:`RemoteStore.describe` returns, in one query.

    Each branch walks from the resource one link at a time, each further link in an
    ``OPTIONAL`` nested in the previous one: engines evaluate an ``OPTIONAL`` after
    what it extends, so the walk starts from the resource. Written as one flat join,
    Virtuoso 7 given a list of graphs may start from the far end (every triple of the
    list whose object passes the filter) and take minutes (docs/performance.md).
    """
    resource = sparql_iri(iri)
    own = (
        f'(isBlank(?{{v}}) || STRSTARTS(STR(?{{v}}), CONCAT(STR({resource}), "#")) '
        f'|| CONTAINS(STR(?{{v}}), "/{SKOLEM_PATH}"))'
    )

    def walk(start: str, links: int, link: str, node: str) -> str:
        """From ``start``, ``links`` links to parts, the last one bound to ``?s``."""
        steps = []
        for step in range(1, links + 1):
            target = "?s" if step == links else f"?{node}{step}"
            steps.append(f"{start} ?{link}{step} {target} . FILTER{own.format(v=target[1:])}")
            start = target
        nested = "OPTIONAL { ?s ?p ?o }"
        for inner in reversed(steps[1:]):
            nested = f"OPTIONAL {{ {inner} {nested} }}"
        return f"{steps[0]} {nested}"

    branches = [f"VALUES ?s {{ {resource} }} ?s ?p ?o"]
    branches += [walk(resource, depth, "l", "n") for depth in range(1, DESCRIBE_DEPTH + 1)]
    # A statement is found in its graph: given a list of graphs, Virtuoso 7 otherwise
    # joins it by hashing every triple of the list (seconds per plan, docs/performance.md)
    stated = f"GRAPH ?g {{ ?t {sparql_iri(RDF_SUBJECT)} {resource} . FILTER{own.format(v='t')} }}"
    branches.append(f"{stated} BIND(?t AS ?s) OPTIONAL {{ ?s ?p ?o }}")
    for depth in range(1, 3):  # a statement's source and its selectors
        branches.append(f"{stated} {walk('?t', depth, 'k', 'm')}")
    return "CONSTRUCT { ?s ?p ?o } WHERE {\n  { " + " }\n  UNION { ".join(branches) + " }\n}"


def _is_statement_about(
    subject: NamedNode | BlankNode, iri: str, by_subject: dict[NamedNode | BlankNode, list[Triple]]
) -> bool:
    return (
        isinstance(subject, NamedNode)
        and subject.value.startswith(iri + "#")
        and any(
            t.predicate.value == RDF_SUBJECT and t.object == NamedNode(iri)
            for t in by_subject[subject]
        )
    )


def _manifest_ntriples(manifest_iri: str, info: StoreInfo) -> bytes:
    payload = json.dumps(
        {
            "build_id": info.build_id,
            "base_iri": info.base_iri,
            "built_at": info.built_at,
            "graphs": info.graphs,
        },
        sort_keys=True,
    )
    literal = json.dumps(payload)  # a JSON string is a valid N-Triples string literal body
    return f"<{manifest_iri}> <{RDF_VALUE}> {literal}^^<{RDF_JSON}> .\n".encode()


def _term(value: dict) -> NamedNode | BlankNode | Literal:
    """A term of the SPARQL 1.1 JSON results format."""
    kind = value["type"]
    if kind == "uri":
        return NamedNode(value["value"])
    if kind == "bnode":
        return BlankNode(value["value"])
    language = value.get("xml:lang")
    if language:
        return Literal(value["value"], language=language)
    datatype = value.get("datatype")
    return Literal(value["value"], datatype=NamedNode(datatype) if datatype else None)
