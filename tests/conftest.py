"""Shared fixtures. Sections are owned by the modules they serve."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from lodplan.bundled import mappings_dir
from lodplan.codelists import bundled_vocabulary
from lodplan.config import QueryLimits
from lodplan.iris import IriMinter
from lodplan.mapping import map_plan
from lodplan.mapping.actors import load_actors
from lodplan.mapping.reviews import load_reviews
from lodplan.referentials.cog import bundled_cog
from lodplan.referentials.places import load_places
from lodplan.store.base import NamedGraph
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from lodplan.sparql.service import EmbeddedQueryService

TEST_BASE = "http://data.test.example/"

# --- mapping fixtures ---


@pytest.fixture(scope="session")
def vocabulary():
    return bundled_vocabulary()


@pytest.fixture(scope="session")
def bundled_actors():
    return load_actors(mappings_dir() / "actors.yaml")


@pytest.fixture(scope="session")
def bundled_places():
    return load_places(mappings_dir() / "places.yaml")


@pytest.fixture(scope="session")
def map_bundled(vocabulary, bundled_actors, bundled_places):
    """Map one bundled plan by its folder name, with its mentions linked (cached)."""
    cache = {}

    def _map(plan_dir: str):
        if plan_dir not in cache:
            cache[plan_dir] = map_plan(
                mappings_dir() / plan_dir / "mapping.yaml",
                iris=IriMinter(TEST_BASE),
                vocabulary=vocabulary,
                actors=bundled_actors,
                places=bundled_places,
                cog=bundled_cog(),
                # the decisions a person took on names, as a build applies them
                reviews=load_reviews(mappings_dir() / "reviews.yaml", lambda ref: True),
            )
        return cache[plan_dir]

    return _map


@pytest.fixture
def mapping_dir(tmp_path: Path):
    """Write a small mapping + source into tmp_path; returns a writer function."""

    def _write(source: str, mapping: str) -> Path:
        (tmp_path / "source.txt").write_text(source, encoding="utf-8")
        path = tmp_path / "mapping.yaml"
        path.write_text(mapping, encoding="utf-8")
        return path

    return _write


# --- web/sparql fixtures ---
# A small hand-made dataset published into an embedded store, the services over
# it and a Flask app. Session-scoped: publishing and the query worker are costly.
# Tests reach the dataset's IRIs and texts through the `lod` fixture.

LOD_BASE = "http://lod.test/"
LOD_BUILD_ID = "build-0001"
_LP = "https://w3id.org/lodplan/ontology#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"
_OA = "http://www.w3.org/ns/oa#"
_ORG = "http://www.w3.org/ns/org#"

PLAN = LOD_BASE + "plan/demo"
ELEMENT_1 = PLAN + "/element/1"
ELEMENT_1_1 = PLAN + "/element/1.1"
ELEMENT_1_2 = PLAN + "/element/1.2"
ACTOR = LOD_BASE + "actor/ville"
NOTES_TTL = LOD_BASE + "doc/notes.ttl"  # a resource whose IRI ends like a format extension
XSS_LABEL = "Axe 1 : <script>alert(1)</script>"
TRICKY_TEXT = 'Dit "bonjour", puis\npart\tvite'
SCRIPT_IRI = "javascript:alert(1)"  # a valid IRI that must never become a link
STATUS_CONCEPT = "https://w3id.org/lodplan/code/status/en-cours"  # known, outside the base
GRAPH_PLAN = LOD_BASE + "graph/plan/demo"
GRAPH_ONTOLOGY = LOD_BASE + "graph/ontology"
GRAPH_CODELISTS = LOD_BASE + "graph/codelists"
GRAPH_VOID = LOD_BASE + "graph/void"

LOD_CONTEXT = {
    "@context": {
        "lodplan": _LP,
        "rdfs": _RDFS,
        "skos": _SKOS,
        "xsd": _XSD,
        "dcterms": _DCT,
        "oa": _OA,
        "org": _ORG,
        "Plan": "lodplan:Plan",
        "Objective": "lodplan:Objective",
        "label": {"@id": "rdfs:label"},
        "notation": "skos:notation",
        "hasElement": {"@id": "lodplan:hasElement", "@type": "@id"},
        "hasPart": {"@id": "lodplan:hasPart", "@type": "@id"},
        "inPlan": {"@id": "lodplan:inPlan", "@type": "@id"},
        "level": {"@id": "lodplan:level", "@type": "xsd:integer"},
        "source": {"@id": "lodplan:source", "@type": "@id"},
        "involves": {"@id": "lodplan:involves", "@type": "@id"},
    }
}


def _iri(value: str) -> NamedNode:
    return NamedNode(value)


def _t(s: str, p: str, o: NamedNode | Literal) -> Triple:
    return Triple(_iri(s), _iri(p), o)


def _plan_triples() -> list[Triple]:
    a = _RDF + "type"
    label = _RDFS + "label"
    triples = [
        _t(PLAN, a, _iri(_LP + "Plan")),
        _t(PLAN, label, Literal("Plan de démonstration", language="fr")),
        _t(PLAN, label, Literal("Demonstration plan", language="en")),
        _t(PLAN, _DCT + "title", Literal("Plan de démonstration", language="fr")),
        _t(PLAN, _DCT + "description", Literal(TRICKY_TEXT)),
        _t(PLAN, _LP + "hasElement", _iri(ELEMENT_1)),
        _t(PLAN, _LP + "source", _iri(PLAN + "#source")),
        _t(PLAN + "#source", a, _iri(_OA + "SpecificResource")),
        _t(PLAN + "#source", _OA + "hasSource", _iri(LOD_BASE + "source/demo")),
        _t(PLAN + "#source", _LP + "startLine", Literal("1", datatype=_iri(_XSD + "integer"))),
        _t(PLAN, _RDFS + "seeAlso", _iri(SCRIPT_IRI)),
        _t(ACTOR, a, _iri(_ORG + "Organization")),
        _t(ACTOR, label, Literal("Ville de Test", language="fr")),
        _t(NOTES_TTL, a, _iri("http://xmlns.com/foaf/0.1/Document")),
        _t(NOTES_TTL, label, Literal("Notes")),
    ]
    for iri, notation, text in (
        (ELEMENT_1, "1", XSS_LABEL),
        (ELEMENT_1_1, "1.1", "Sous-objectif un"),
        (ELEMENT_1_2, "1.2", "Sous-objectif deux"),
    ):
        level = "1" if notation == "1" else "2"
        triples += [
            _t(iri, a, _iri(_LP + "Objective")),
            _t(iri, label, Literal(text, language="fr")),
            _t(iri, _SKOS + "notation", Literal(notation)),
            _t(iri, _LP + "level", Literal(level, datatype=_iri(_XSD + "integer"))),
            _t(iri, _LP + "inPlan", _iri(PLAN)),
        ]
    triples += [
        _t(ELEMENT_1, _LP + "hasPart", _iri(ELEMENT_1_1)),
        _t(ELEMENT_1, _LP + "hasPart", _iri(ELEMENT_1_2)),
        _t(ELEMENT_1_1, _LP + "involves", _iri(ACTOR)),
        _t(ELEMENT_1_1, _LP + "status", _iri(STATUS_CONCEPT)),
    ]
    return triples


def _ontology_triples() -> list[Triple]:
    return [
        _t(_LP + "Plan", _RDF + "type", _iri("http://www.w3.org/2002/07/owl#Class")),
        _t(_LP + "Plan", _RDFS + "label", Literal("Plan", language="en")),
        _t(_LP + "Objective", _RDFS + "label", Literal("Objectif", language="fr")),
    ]


def _codelist_triples() -> list[Triple]:
    return [
        _t(STATUS_CONCEPT, _RDF + "type", _iri(_SKOS + "Concept")),
        _t(STATUS_CONCEPT, _SKOS + "prefLabel", Literal("En cours", language="fr")),
    ]


def _void_graph(graphs: list[NamedGraph]) -> NamedGraph:
    """The VoID description of ``graphs``, as builds write it (the dataset, its graphs,
    their statistics and partitions)."""
    from lodplan.description import dataset_description  # imports local to this section
    from lodplan.publishing.downloads import PlanFiles

    demo = PlanFiles("demo", PLAN, GRAPH_PLAN, "Plan de démonstration")
    description = dataset_description(IriMinter(LOD_BASE), graphs, [demo])
    lines = sorted(line for line in description.serialize(format="nt").splitlines() if line)
    return NamedGraph(GRAPH_VOID, "".join(f"{line}\n" for line in lines).encode(), len(lines))


def _named_graph(iri: str, triples: list[Triple]) -> NamedGraph:
    return NamedGraph(iri, serialize(triples, format=RdfFormat.N_TRIPLES), len(triples))


def publish_lod_dataset(
    root: Path, *, build_id: str = LOD_BUILD_ID, extra: int = 0, void: bool = False
) -> EmbeddedStore:
    """Publish the dataset (plus ``extra`` labelled resources, plus a VoID description
    of the base IRI if ``void``) as a new build of ``root``."""
    extras = [
        _t(f"{LOD_BASE}extra/{n}", _RDFS + "label", Literal(f"extra {n}")) for n in range(extra)
    ]
    graphs = [
        _named_graph(GRAPH_PLAN, _plan_triples() + extras),
        _named_graph(GRAPH_ONTOLOGY, _ontology_triples()),
        _named_graph(GRAPH_CODELISTS, _codelist_triples()),
    ]
    if void:
        graphs.append(_void_graph(graphs))
    EmbeddedPublisher(root).publish(graphs, base_iri=LOD_BASE, build_id=build_id)
    return EmbeddedStore(root)


@dataclass(frozen=True)
class LodDataset:
    base: str = LOD_BASE
    build_id: str = LOD_BUILD_ID
    plan: str = PLAN
    element_1: str = ELEMENT_1
    element_1_1: str = ELEMENT_1_1
    element_1_2: str = ELEMENT_1_2
    actor: str = ACTOR
    notes_ttl: str = NOTES_TTL
    xss_label: str = XSS_LABEL
    tricky_text: str = TRICKY_TEXT
    script_iri: str = SCRIPT_IRI
    status_concept: str = STATUS_CONCEPT
    plan_class: str = _LP + "Plan"
    graphs: tuple[str, ...] = (GRAPH_PLAN, GRAPH_ONTOLOGY, GRAPH_CODELISTS)
    triple_count: int = len(_plan_triples()) + len(_ontology_triples()) + len(_codelist_triples())
    context: str = json.dumps(LOD_CONTEXT)

    def path(self, iri: str) -> str:
        """The request path of a data IRI."""
        return "/" + iri[len(self.base) :]


@pytest.fixture(scope="session")
def lod() -> LodDataset:
    return LodDataset()


@pytest.fixture(scope="session")
def publish_lod():
    """Publish the dataset into a store directory (a new build each call); returns the store."""
    return publish_lod_dataset


@pytest.fixture(scope="session")
def lod_store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lod-store")
    publish_lod_dataset(root)
    return root


@pytest.fixture(scope="session")
def lod_store(lod_store_root: Path) -> EmbeddedStore:
    return EmbeddedStore(lod_store_root)


@pytest.fixture(scope="session")
def lod_context(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lod-context") / "context.jsonld"
    path.write_text(json.dumps(LOD_CONTEXT, indent=2))
    return path


@pytest.fixture(scope="session")
def lod_query_service(lod_store: EmbeddedStore) -> Iterator[EmbeddedQueryService]:
    from lodplan.sparql.service import (
        EmbeddedQueryService,
    )  # keeps other suites' collection independent

    service = EmbeddedQueryService(lod_store, QueryLimits(timeout_s=20.0, max_rows=5))
    yield service
    service.close()


@pytest.fixture(scope="session")
def lod_app(
    lod_store: EmbeddedStore, lod_query_service: EmbeddedQueryService, lod_context: Path
) -> Flask:
    from lodplan.web.app import create_app

    app = create_app(lod_store, lod_query_service, base_iri=LOD_BASE, context_path=lod_context)
    app.testing = True
    return app


@pytest.fixture
def lod_client(lod_app: Flask) -> FlaskClient:
    return lod_app.test_client()


@pytest.fixture
def http_listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server recording every request (what a SERVICE clause would fetch).

    Yields its URL and the list of paths requested.
    """
    import http.server  # imports local to this section of the shared file
    import threading

    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET  # noqa: N815 (http.server's naming)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/x", hits
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


# --- end of web/sparql fixtures ---


# --- the bundled plans, built once per session ---
# `lodplan build` of the bundled plans takes ~20 s: every test that serves them shares
# this build (the e2e and browser tests, the serving tests of tests/web).


@dataclass(frozen=True)
class BundledBuild:
    store: Path
    #: the data's IRIs are under http://127.0.0.1:{port}/: a server there serves them at
    #: their own address (any other port serves them too, with a warning)
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory: pytest.TempPathFactory) -> BundledBuild:
    from tests.support.server import build_bundled_plans, free_port

    build = BundledBuild(tmp_path_factory.mktemp("bundled") / "store", free_port())
    build_bundled_plans(build.store, build.base)
    return build


# --- end of the bundled plans ---


# --- the bundled plans in Virtuoso, built once per session ---
# Debian's Virtuoso, started on free ports, fed by `lodplan build --graph-store` (~1 min):
# the remote-store tests and the end-to-end suite on a remote engine share it.


@dataclass(frozen=True)
class VirtuosoEngine:
    root: str  # http://127.0.0.1:PORT/

    @property
    def query_url(self) -> str:
        return self.root + "sparql"

    @property
    def graph_store_url(self) -> str:
        return self.root + "sparql-graph-crud-auth"

    def endpoint(self):
        from lodplan.store.remote import RemoteEndpoint

        return RemoteEndpoint(
            query_url=self.query_url,
            graph_store_url=self.graph_store_url,
            user="dba",
            password="dba",  # the password of a fresh Virtuoso database
            digest_auth=True,
        )

    def build_args(self) -> list[str]:
        """The arguments of `lodplan build` that publish to this engine (with
        LODPLAN_GRAPH_STORE_PASSWORD=dba)."""
        return ["--graph-store", self.graph_store_url, "--graph-store-user", "dba",
                "--digest-auth"]  # fmt: skip


@pytest.fixture(scope="session")
def virtuoso_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoEngine]:
    from tests.support import virtuoso

    if not virtuoso.available():
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource; .ci/run does)")
    with virtuoso.running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as root:
        yield VirtuosoEngine(root)


@dataclass(frozen=True)
class VirtuosoBuild:
    engine: VirtuosoEngine
    downloads: Path  # where the build wrote its files (build --downloads)
    #: the data's IRIs are under http://127.0.0.1:{port}/: a server there serves them
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@pytest.fixture(scope="session")
def virtuoso_build(
    virtuoso_engine: VirtuosoEngine, tmp_path_factory: pytest.TempPathFactory
) -> VirtuosoBuild:
    """The bundled plans published to Virtuoso by the CLI, once per session."""
    from tests.support.server import free_port, lodplan

    build = VirtuosoBuild(virtuoso_engine, tmp_path_factory.mktemp("virtuoso-files"), free_port())
    built = lodplan(
        "build", "--base-iri", build.base, *virtuoso_engine.build_args(),
        "--downloads", str(build.downloads),
        env={**os.environ, "LODPLAN_GRAPH_STORE_PASSWORD": "dba"},
    )  # fmt: skip
    if built.returncode != 0:
        raise RuntimeError(
            f"lodplan build --graph-store failed ({built.returncode}):\n{built.stderr}"
        )
    return build


# --- end of the bundled plans in Virtuoso ---
