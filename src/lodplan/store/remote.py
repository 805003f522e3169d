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
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from lodplan.errors import LodplanError
from lodplan.store.base import (
    RDF_SUBJECT,
    DownloadFile,
    MemoryStagedBuild,
    NamedGraph,
    Solution,
    StoreInfo,
    StoreWriteError,
    describe_with_fragments,
    replace_directory,
    sparql_iri,
    staged_in_memory,
    with_bindings,
)

MANIFEST_GRAPH = "graph/build"
GSP_ATTEMPTS = 3
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


class RemoteStore:
    """Read side on a remote engine, through the SPARQL Protocol."""

    def __init__(
        self, endpoint: RemoteEndpoint, base_iri: str, session: requests.Session | None = None
    ) -> None:
        self.endpoint = endpoint
        self.base_iri = base_iri
        self.session = session or requests.Session()

    def info(self) -> StoreInfo:
        manifest = self.base_iri + MANIFEST_GRAPH
        query = (
            f"SELECT ?m WHERE {{ GRAPH {sparql_iri(manifest)} "
            f"{{ {sparql_iri(manifest)} {sparql_iri(RDF_VALUE)} ?m }} }}"
        )
        bindings = self._select(query)
        if not bindings:
            raise RemoteStoreError(f"no lodplan build published at {self.endpoint.query_url}")
        data = json.loads(bindings[0]["m"]["value"])
        return StoreInfo(data["build_id"], data["base_iri"], data["built_at"], data["graphs"])

    def describe(self, iri: str) -> list[Triple]:
        """One request: the resource, its ``#`` parts and blank nodes down to
        DESCRIBE_DEPTH links, and the ``#`` statements about it with their parts, in
        one CONSTRUCT — so a blank node (a catalog's period of time) keeps its
        identity, which it cannot across requests. Parts deeper than that, never seen
        in lodplan's data, are fetched by further requests rather than dropped."""
        fetched = self._construct(describe_query(iri))
        by_subject: dict[NamedNode | BlankNode, list[Triple]] = {}
        for triple in fetched:
            if isinstance(triple.subject, NamedNode | BlankNode):  # not RDF-star terms
                by_subject.setdefault(triple.subject, []).append(triple)
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

    def _statements_about(self, subject: NamedNode) -> list[NamedNode]:
        query = (
            f"SELECT DISTINCT ?s WHERE {{ ?s {sparql_iri(RDF_SUBJECT)} {sparql_iri(subject.value)} "
            "FILTER(isIRI(?s)) }"
        )
        return [NamedNode(row["s"]["value"]) for row in self._select(query)]

    def _triples_about(self, subject: NamedNode | BlankNode) -> list[Triple]:
        if isinstance(subject, BlankNode):  # not addressable across SPARQL requests
            return []
        query = (
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o "
            f"VALUES ?s {{ {sparql_iri(subject.value)} }} }}"
        )
        return self._construct(query)

    def graph_triples(self, graph_iri: str) -> list[Triple]:
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {sparql_iri(graph_iri)} {{ ?s ?p ?o }} }}"
        return self._construct(query)

    def objects(self, subject: str, predicate: str) -> list:
        query = (
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o "
            f"VALUES (?s ?p) {{ ({sparql_iri(subject)} {sparql_iri(predicate)}) }} }}"
        )
        return list(dict.fromkeys(triple.object for triple in self._construct(query)))

    def subjects_of_type(self, class_iri: str) -> list[str]:
        query = f"SELECT DISTINCT ?s WHERE {{ ?s a {sparql_iri(class_iri)} FILTER(isIRI(?s)) }}"
        return sorted(row["s"]["value"] for row in self._select(query))

    def download(self, name: str) -> Path | None:
        return None  # an engine serves SPARQL; the files are in the publisher's downloads_dir

    def select(self, query: str, bindings: Mapping[str, str] | None = None) -> list[Solution]:
        rows = self._select(with_bindings(query, bindings))
        return [{name: _term(value) for name, value in row.items()} for row in rows]

    def _select(self, query: str) -> list[dict]:
        response = self._query(query, "application/sparql-results+json")
        return response.json()["results"]["bindings"]

    def _construct(self, query: str) -> list[Triple]:
        response = self._query(query, "application/n-triples")
        return [quad.triple for quad in parse(response.content, format=RdfFormat.N_TRIPLES)]

    def _query(self, query: str, accept: str) -> requests.Response:
        response = self.session.post(
            self.endpoint.query_url,
            data={"query": query},
            headers={"Accept": accept},
            timeout=self.endpoint.timeout_s,
        )
        if response.status_code != 200:
            raise RemoteStoreError(
                f"query to {self.endpoint.query_url} failed: HTTP {response.status_code} "
                f"{response.text[:300]}"
            )
        return response


DESCRIBE_DEPTH = 4  # lodplan's deepest part: a stated fact's source's selector (3)


def describe_query(iri: str) -> str:
    """A CONSTRUCT of everything :meth:`RemoteStore.describe` returns, in one query."""
    resource = sparql_iri(iri)
    own = f'(isBlank(?{{v}}) || STRSTARTS(STR(?{{v}}), CONCAT(STR({resource}), "#")))'
    branches = [f"{{ VALUES ?s {{ {resource} }} ?s ?p ?o }}"]
    for depth in range(1, DESCRIBE_DEPTH + 1):
        chain, previous = [], resource
        for step in range(1, depth + 1):
            node = "?s" if step == depth else f"?n{step}"
            chain.append(f"{previous} ?l{step} {node} . FILTER{own.format(v=node[1:])}")
            previous = node
        branches.append("{ " + " ".join(chain) + " ?s ?p ?o }")
    stated = f"?t {sparql_iri(RDF_SUBJECT)} {resource} . FILTER{own.format(v='t')}"
    branches.append(f"{{ {stated} BIND(?t AS ?s) ?s ?p ?o }}")
    for depth in range(1, 3):  # a statement's source and its selectors
        chain, previous = [stated], "?t"
        for step in range(1, depth + 1):
            node = "?s" if step == depth else f"?m{step}"
            chain.append(f"{previous} ?k{step} {node} . FILTER{own.format(v=node[1:])}")
            previous = node
        branches.append("{ " + " ".join(chain) + " ?s ?p ?o }")
    return "CONSTRUCT { ?s ?p ?o } WHERE {\n  " + "\n  UNION ".join(branches) + "\n}"


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
