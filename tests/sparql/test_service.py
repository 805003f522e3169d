"""The query service: union default graph, limits, refusals and the killable worker."""

from __future__ import annotations

import json
import os
import time

import pytest
from pyoxigraph import RdfFormat, parse

from lodplan.config import QueryLimits
from lodplan.publishing.negotiation import JSONLD, NTRIPLES, TURTLE
from lodplan.sparql.results import CSV, JSON
from lodplan.sparql.service import (
    EmbeddedQueryService,
    FederationNotAllowedError,
    InvalidQueryRequestError,
    QueryNotAcceptableError,
    QuerySyntaxError,
    QueryTimeoutError,
    UpdateNotAllowedError,
)
from lodplan.store.embedded import EmbeddedStore

# A cross product of six patterns over the ~35 triples of the fixture is ~1.8e9
# solutions to count: minutes of work, far beyond a one-second limit.
ENDLESS = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(6)) + " }"
)


def _bindings(result) -> list[dict]:
    return json.loads(result.body)["results"]["bindings"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_select_sees_the_union_of_all_named_graphs(lod_query_service, lod):
    result = lod_query_service.execute(
        "SELECT ?label WHERE { ?plan a lodplan:Plan ; rdfs:label ?label } ORDER BY ?label"
    )
    assert result.kind == "solutions"
    assert result.media_type == "application/sparql-results+json"
    labels = [b["label"]["value"] for b in _bindings(result)]
    assert labels == ["Demonstration plan", "Plan de démonstration"]
    # the class label lives in another named graph: both are in the default graph
    joined = lod_query_service.execute(
        "SELECT ?l WHERE { ?p a ?class . ?class rdfs:label ?l }", solutions_format=CSV
    )
    assert joined.body.decode().split("\r\n")[1] == "Plan"


def test_row_cap_truncates_and_says_so(lod_query_service):
    capped = lod_query_service.execute("SELECT * WHERE { ?s ?p ?o }")
    assert capped.truncated and capped.count == 5
    assert len(_bindings(capped)) == 5
    small = lod_query_service.execute("SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    assert not small.truncated and small.count == 3


def test_construct_is_capped_and_serialized_as_asked(lod_query_service):
    result = lod_query_service.execute("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=NTRIPLES)
    assert result.kind == "graph" and result.truncated
    assert len(list(parse(result.body, format=RdfFormat.N_TRIPLES))) == 5
    turtle = lod_query_service.execute(
        "CONSTRUCT { ?p a lodplan:Plan } WHERE { ?p a lodplan:Plan }", graph_format=TURTLE
    )
    assert not turtle.truncated
    assert b"@prefix lodplan:" in turtle.body
    as_jsonld = lod_query_service.execute(
        "DESCRIBE <http://lod.test/actor/ville>", graph_format=JSONLD
    )
    assert "Ville de Test" in as_jsonld.body.decode()


def test_ask(lod_query_service):
    result = lod_query_service.execute("ASK { ?s a lodplan:Objective }")
    assert result.kind == "boolean"
    assert json.loads(result.body)["boolean"] is True


def test_from_clause_is_honoured(lod_query_service, lod):
    result = lod_query_service.execute(
        f"SELECT (COUNT(*) AS ?n) FROM <{lod.graphs[1]}> WHERE {{ ?s ?p ?o }}"
    )
    assert _bindings(result)[0]["n"]["value"] == "3"


def test_the_word_from_elsewhere_keeps_the_union(lod_query_service, lod):
    result = lod_query_service.execute(
        "PREFIX ex: <http://ex.org/> SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o "
        'OPTIONAL { ?s ex:from ?x } FILTER(?o != "from") }'
    )
    assert _bindings(result)[0]["n"]["value"] == str(lod.triple_count)


def test_protocol_dataset_parameters(lod_query_service, lod):
    result = lod_query_service.execute(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph_uris=[lod.graphs[1]]
    )
    assert _bindings(result)[0]["n"]["value"] == "3"
    with pytest.raises(InvalidQueryRequestError, match="default-graph-uri"):
        lod_query_service.execute("ASK {}", default_graph_uris=["not an iri"])


def test_syntax_error_carries_the_parser_message(lod_query_service):
    with pytest.raises(QuerySyntaxError, match=r"error at 1:\d+"):
        lod_query_service.execute("SELECT ?x WHERE { ?x ?y }")


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a.example/s> <http://a.example/p> 'o' }",
        "PREFIX ex: <http://a.example/>\nDELETE WHERE { ?s ex:p ?o }",
        "# a comment\nCLEAR ALL",
        "LOAD <http://a.example/data.ttl>",
    ],
)
def test_updates_are_refused(lod_query_service, update):
    with pytest.raises(UpdateNotAllowedError, match="read-only"):
        lod_query_service.execute(update)


def test_federated_queries_are_refused(lod_query_service):
    with pytest.raises(FederationNotAllowedError, match="SERVICE"):
        lod_query_service.execute(
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
        )
    # the word alone (a string, a prefixed name) is not federation
    result = lod_query_service.execute(
        'PREFIX ex: <http://ex.org/> SELECT * WHERE { ?s ex:service ?o FILTER(?o = "service") }'
    )
    assert result.count == 0


def test_kind_without_an_acceptable_format_is_refused(lod_query_service):
    with pytest.raises(QueryNotAcceptableError):
        lod_query_service.execute("SELECT * WHERE { ?s ?p ?o }", solutions_format=None)
    with pytest.raises(QueryNotAcceptableError):
        lod_query_service.execute("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=None)


def test_timeout_kills_the_worker_and_the_next_query_works(lod_store):
    service = EmbeddedQueryService(lod_store, QueryLimits(timeout_s=1.0, max_rows=10))
    try:
        service.execute("ASK {}")  # start the worker outside the timed part
        pid = service.worker_pid
        assert pid is not None and _alive(pid)
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError, match="1 s"):
            service.execute(ENDLESS)
        assert time.monotonic() - started < 10
        assert not _alive(pid)  # killed and reaped: the work really stopped
        assert service.worker_pid is None
        result = service.execute("SELECT ?s WHERE { ?s a lodplan:Plan }", solutions_format=JSON)
        assert len(_bindings(result)) == 1
        assert service.worker_pid not in (None, pid)
    finally:
        service.close()


def test_worker_follows_a_new_build(tmp_path, publish_lod, lod):
    store = publish_lod(tmp_path / "store", build_id="one")
    service = EmbeddedQueryService(store, QueryLimits(timeout_s=20, max_rows=100))
    try:
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        before = _bindings(service.execute(count))[0]["n"]["value"]
        publish_lod(tmp_path / "store", build_id="two", extra=1)
        after = _bindings(service.execute(count))[0]["n"]["value"]
        assert int(after) == int(before) + 1
    finally:
        service.close()


def test_close_stops_the_worker(lod_store):
    service = EmbeddedQueryService(EmbeddedStore(lod_store.root), QueryLimits(timeout_s=20))
    service.execute("ASK {}")
    pid = service.worker_pid
    service.close()
    assert service.worker_pid is None and not _alive(pid)
