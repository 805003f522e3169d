"""Comunica, the JavaScript SPARQL client, against the live server (issue 14: the clients
people already use get what they ask for).

The real ``comunica-sparql`` (``@comunica/query-sparql``, pinned with its whole tree in
``tests/support/comunica/``, installed by ``.ci/run`` into ``.comunica/``) queries:

* the SPARQL endpoint as a ``sparql@`` source, and as a plain URL it recognises by its
  service description: a SELECT and a CONSTRUCT;
* the dumps, loaded from their URLs as a Linked Data client does: the whole
  ``download/lodplan.nq`` and a plan's ``.nq``, ``.ttl`` and ``.jsonld``;
* a plan's IRI, dereferenced by content negotiation.

Every answer is compared with the plan's graph as the build wrote it (its ``.nq.gz``
file, read with pyoxigraph). One Comunica process per question: each takes 1-2 s, the
whole dump 8 s. Without npm, or if npm cannot install Comunica, the tests are skipped
saying why; with ``CI`` set they fail instead.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
from collections import Counter

import pytest
from pyoxigraph import Literal, QuerySolutions, RdfFormat, Store, parse

from tests.support.npm_env import COMUNICA
from tests.support.server import running_server

pytestmark = pytest.mark.e2e

PLAN = "mot-programme-2023"
LP = "https://w3id.org/lodplan/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ACTIONS_BY_GRAPH = f"""PREFIX lodplan: <{LP}>
SELECT ?g (COUNT(DISTINCT ?action) AS ?actions)
WHERE {{ GRAPH ?g {{ ?action a lodplan:Action ; lodplan:inPlan ?plan }} }} GROUP BY ?g"""


def _actions_of(plan_iri: str) -> str:
    return f"""PREFIX lodplan: <{LP}>
SELECT (COUNT(DISTINCT ?action) AS ?actions)
WHERE {{ ?action a lodplan:Action ; lodplan:inPlan <{plan_iri}> }}"""


@pytest.fixture(scope="module")
def comunica() -> str:
    problem = COMUNICA.install()
    if problem:
        message = f"Comunica (npm @comunica/query-sparql) could not be installed: {problem}"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs it")
        pytest.skip(message)
    return str(COMUNICA.path())


@pytest.fixture(scope="module")
def base(bundled_build):
    with running_server(bundled_build.store, bundled_build.port) as url:
        yield url


@pytest.fixture(scope="module")
def downloads(bundled_build):
    return bundled_build.store / "current" / "downloads"


def _graph_file(downloads, name: str) -> Store:
    store = Store()
    store.load(gzip.decompress((downloads / name).read_bytes()), format=RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def plan_graph(downloads) -> Store:
    """The plan's graph as the build wrote it."""
    return _graph_file(downloads, f"plans/{PLAN}.nq.gz")


def _count(store: Store, query: str) -> int:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, QuerySolutions)
    [solution] = list(solutions)
    value = solution["actions"]
    assert isinstance(value, Literal)
    return int(value.value)


def _run(comunica: str, sources: list[str], query: str, media_type: str) -> str:
    done = subprocess.run(
        [comunica, *sources, query, "-t", media_type],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _select(comunica: str, sources: list[str], query: str) -> list[dict[str, str]]:
    output = _run(comunica, sources, query, "application/sparql-results+json")
    bindings = json.loads(output)["results"]["bindings"]
    return [{name: term["value"] for name, term in row.items()} for row in bindings]


# --- the SPARQL endpoint -----------------------------------------------------------


def test_a_select_through_the_sparql_endpoint(comunica, base, plan_graph):
    plan_iri = f"{base}plan/{PLAN}"
    expected = _count(plan_graph, _actions_of(plan_iri))
    assert expected > 50  # the MOT's programme: 83 actions
    # declared as an endpoint, and a plain URL recognised by its service description
    for source in (f"sparql@{base}sparql", f"{base}sparql"):
        [row] = _select(comunica, [source], _actions_of(plan_iri))
        assert int(row["actions"]) == expected, source


def test_a_construct_through_the_sparql_endpoint(comunica, base, plan_graph):
    plan_iri = f"{base}plan/{PLAN}"
    query = f"""PREFIX lodplan: <{LP}>
CONSTRUCT {{ ?action <{RDFS_LABEL}> ?label }}
WHERE {{ ?action a lodplan:Action ; lodplan:inPlan <{plan_iri}> ; <{RDFS_LABEL}> ?label }}"""
    output = _run(comunica, [f"sparql@{base}sparql"], query, "application/n-triples")
    got = {(t.subject.value, t.object) for t in parse(output.encode(), format=RdfFormat.N_TRIPLES)}
    expected = {
        (q.subject.value, q.object)
        for q in plan_graph.quads_for_pattern(None, None, None)
        if q.predicate.value == RDFS_LABEL and q.subject.value in _actions(plan_graph)
    }
    assert got == expected  # labels with their language tags, accents intact
    assert any("à" in label.value for _, label in got)


def _actions(store: Store) -> set[str]:
    return {
        q.subject.value
        for q in store.quads_for_pattern(None, None, None)
        if q.predicate.value.endswith("#type") and q.object.value == LP + "Action"
    }


# --- the dumps, loaded from their URLs -------------------------------------------------


def test_the_whole_dump_from_its_url(comunica, base, downloads):
    """``lodplan.nq``: 94 MB of N-Quads, gzip-coded on the wire; every graph keeps its
    name (a pattern outside ``GRAPH`` matches only the default graph, empty here)."""
    whole = _graph_file(downloads, "lodplan.nq.gz")
    expected = {
        solution["g"].value: int(solution["actions"].value)  # type: ignore[union-attr]
        for solution in whole.query(ACTIONS_BY_GRAPH)  # type: ignore[union-attr]
    }
    assert len(expected) == 5  # every plan has actions (Pompey's since issue 15.6)
    rows = _select(comunica, [f"{base}download/lodplan.nq"], ACTIONS_BY_GRAPH)
    assert {row["g"]: int(row["actions"]) for row in rows} == expected


@pytest.mark.parametrize("suffix", [".nq", ".ttl", ".jsonld"])
def test_a_plan_file_from_its_url(comunica, base, plan_graph, suffix):
    """A plan's N-Quads (its named graph), Turtle and JSON-LD (its triples in the default
    graph: ``unionDefaultGraph`` reads both alike) give the same actions."""
    plan_iri = f"{base}plan/{PLAN}"
    expected = _count(plan_graph, _actions_of(plan_iri))
    source = f"{base}download/plans/{PLAN}{suffix}"
    output = _run(
        comunica,
        [source, "--unionDefaultGraph"],
        _actions_of(plan_iri),
        "application/sparql-results+json",
    )
    [row] = json.loads(output)["results"]["bindings"]
    assert int(row["actions"]["value"]) == expected, source


def test_the_gzipped_file_is_a_file_not_rdf(comunica, base):
    """``.nq.gz`` is served as what it is, ``application/gzip`` (the catalog's checksum
    is of these bytes): Comunica reads no RDF from it, by design; its ``.nq`` twin is
    the URL for RDF clients (``void:dataDump``)."""
    done = subprocess.run(
        [comunica, f"{base}download/plans/{PLAN}.nq.gz", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert "application/gzip" in done.stderr
    assert json.loads(done.stdout or "[]") == []


# --- Linked Data: a plan's IRI -----------------------------------------------------------


def test_a_plan_iri_dereferenced_by_comunica(comunica, base, plan_graph):
    plan_iri = f"{base}plan/{PLAN}"
    query = f"""PREFIX lodplan: <{LP}>
SELECT ?element WHERE {{ <{plan_iri}> lodplan:hasElement ?element }}"""
    rows = _select(comunica, [plan_iri], query)
    expected = {
        q.object.value
        for q in plan_graph.quads_for_pattern(None, None, None)
        if q.subject.value == plan_iri and q.predicate.value == LP + "hasElement"
    }
    assert expected and Counter(row["element"] for row in rows) == Counter(expected)
