"""The SPARQL endpoint over a remote engine (Debian's Virtuoso, fed by the session's build):
queries checked by lodplan, run by the engine, with the embedded endpoint's guarantees."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lodplan.config import QueryLimits
from lodplan.publishing.negotiation import NTRIPLES
from lodplan.sparql.errors import (
    EngineUnavailableError,
    FederationNotAllowedError,
    QueryTimeoutError,
    UpdateNotAllowedError,
)
from lodplan.sparql.inspection import function_iris
from lodplan.sparql.remote import RemoteQueryService
from lodplan.sparql.results import CSV
from lodplan.sparql.worker import Checked, CheckRequest, Failure, _non_standard_functions, check
from lodplan.store.remote import RemoteEndpoint, RemoteStore
from lodplan.terms import PREFIXES
from tests.support.server import free_port


@pytest.fixture(scope="module")
def store(virtuoso_build) -> RemoteStore:
    return RemoteStore(virtuoso_build.engine.endpoint(), virtuoso_build.base,
                       downloads_dir=virtuoso_build.downloads)  # fmt: skip


@pytest.fixture(scope="module")
def service(store: RemoteStore) -> Iterator[RemoteQueryService]:
    queries = RemoteQueryService(store, QueryLimits(timeout_s=20.0, max_rows=5))
    yield queries
    queries.close()


def csv_rows(body: bytes) -> list[str]:
    return body.decode("utf-8").splitlines()[1:]


def test_the_engine_gets_the_base_and_the_prefixes_the_query_does_not_declare(service):
    text = service.forwarded_text("PREFIX lodplan: <urn:mine#>\nSELECT * WHERE { ?s ?p ?o }",
                                  "http://b.example/")  # fmt: skip
    assert text.startswith("BASE <http://b.example/>\n")
    assert "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>" in text
    assert "PREFIX lodplan: <https://w3id.org" not in text  # its own declaration wins
    assert text.endswith("PREFIX lodplan: <urn:mine#>\nSELECT * WHERE { ?s ?p ?o }")


def test_queries_see_the_build_s_graphs_only(service, store):
    """Not the engine's own graphs, nor the other deployments it holds."""
    info = store.info()
    result = service.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", solutions_format=CSV)
    assert csv_rows(result.body) == [str(info.triple_count)]
    graphs = service.execute("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g",
                             solutions_format=CSV)  # fmt: skip
    assert graphs.count == 5 and graphs.truncated  # capped at max_rows
    assert all(row in info.graphs for row in csv_rows(graphs.body))


def test_results_are_capped_and_written_by_lodplan(service):
    result = service.execute("SELECT ?a WHERE { ?a a lodplan:Action }", solutions_format=CSV)
    assert (result.count, result.truncated, result.truncated_by) == (5, True, "rows")
    assert len(csv_rows(result.body)) == 5
    relative = service.execute("ASK { <plan/mot-programme-2023> a lodplan:Plan }")
    assert relative.kind == "boolean" and b"true" in relative.body  # the base IRI resolves
    graph = service.execute(
        "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a lodplan:Plan ; rdfs:label ?l }",
        graph_format=NTRIPLES,
    )
    assert graph.kind == "graph" and graph.count == 5 and graph.body.count(b"\n") == 5


def test_updates_and_federation_never_reach_the_engine(service):
    with pytest.raises(UpdateNotAllowedError):
        service.execute("LOAD <http://127.0.0.1:9/data.ttl>")
    with pytest.raises(UpdateNotAllowedError):
        service.execute("DROP ALL")
    with pytest.raises(FederationNotAllowedError):
        service.execute("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_only_sparql_s_functions_and_xsd_casts_are_forwarded():
    query = ("PREFIX bif: <bif:> SELECT (bif:http_get('http://127.0.0.1:9/') AS ?x) "
             "(xsd:integer('1') AS ?n) (<urn:f>(1) AS ?y) WHERE {}")  # fmt: skip
    assert function_iris(query, "http://b.example/", PREFIXES) == {
        "bif:http_get", "http://www.w3.org/2001/XMLSchema#integer", "urn:f"}  # fmt: skip
    cast = check(CheckRequest("SELECT (xsd:integer('1') AS ?n) WHERE {}", "http://b.example/",
                              PREFIXES, forwarded=True))  # fmt: skip
    assert cast == Checked(False, "solutions")
    refused = check(CheckRequest(query, "http://b.example/", PREFIXES, forwarded=True))
    assert isinstance(refused, Failure) and refused.reason in ("function", "evaluation")
    # pyoxigraph's planner refuses unknown functions first; lodplan's own check does not
    # rely on it, nor on the call's spelling (a comment before its arguments)
    spelled = "PREFIX bif: <bif:> SELECT (bif:http_get # a comment\n ('x') AS ?y) WHERE {}"
    refused = _non_standard_functions(CheckRequest(spelled, None, PREFIXES, forwarded=True))
    assert refused is not None and refused.reason == "function"
    assert "bif:http_get" in refused.message


def test_a_query_over_its_time_limit_is_stopped(store):
    hurried = RemoteQueryService(store, QueryLimits(timeout_s=1.0))
    try:
        with pytest.raises(QueryTimeoutError, match="within 1 s"):
            hurried.execute(
                "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s ?q ?v . ?v ?r ?w "
                "FILTER(STRLEN(STR(?w)) > 3) }"
            )
    finally:
        hurried.close()


def test_an_engine_that_cannot_be_reached_is_a_503_not_a_500(virtuoso_build):
    gone = RemoteStore(RemoteEndpoint(f"http://127.0.0.1:{free_port()}/sparql"),
                       virtuoso_build.base)  # fmt: skip
    queries = RemoteQueryService(gone, QueryLimits())
    try:
        with pytest.raises(EngineUnavailableError, match="cannot be reached"):
            queries.execute("ASK {}")
    finally:
        queries.close()
    from lodplan.web.app import create_app

    client = create_app(gone, RemoteQueryService(gone, QueryLimits()),
                        base_iri=virtuoso_build.base).test_client()  # fmt: skip
    for path in ("/", "/plan/mot-programme-2023", "/sparql?query=ASK%20%7B%7D", "/catalog"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 503, (path, response.status_code)
        assert response.headers["Retry-After"]
        assert b"cannot be reached" in response.data
