"""The remote store against a real engine: Virtuoso, fed over the Graph Store Protocol."""

from __future__ import annotations

import gzip

import pytest
import requests
from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, Store

from lodplan.iris import is_skolem_iri
from lodplan.store.base import NamedGraph, describe_with_fragments, sparql_iri
from lodplan.store.remote import (
    RemoteEndpoint,
    RemotePublisher,
    RemoteStore,
    RemoteStoreError,
    ntriples_chunks,
)

BASE = "http://data.test.example/"


def test_sparql_iri_refuses_what_could_escape_the_iri():
    assert sparql_iri(BASE + "plan/p#source") == f"<{BASE}plan/p#source>"
    for hostile in ["x> } DROP ALL { <y", 'a"b', "a b", "", "a\nb"]:
        with pytest.raises(ValueError):
            sparql_iri(hostile)


@pytest.fixture(scope="module")
def engine(virtuoso_engine):
    """The session's Virtuoso (tests/conftest.py), as the remote store reaches it."""
    return virtuoso_engine.endpoint()


RDF_SUBJECT = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>"


def nt(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


def test_publish_replace_and_describe(engine):
    graph_iri = BASE + "graph/plan/p"
    first = NamedGraph(
        graph_iri,
        nt(
            f'<{BASE}plan/p> <http://www.w3.org/2000/01/rdf-schema#label> "Plan é"@fr .',
            f"<{BASE}plan/p> <https://w3id.org/lodplan/ontology#source> <{BASE}plan/p#source> .",
            f"<{BASE}plan/p#source> <http://www.w3.org/ns/oa#hasSelector> <{BASE}plan/p#quote> .",
            f'<{BASE}plan/p#quote> <http://www.w3.org/ns/oa#exact> "4671000.00" .',
            # a fact of the plan with its lines: nothing points to it
            f"<{BASE}plan/p#stated-issued> {RDF_SUBJECT} <{BASE}plan/p> .",
        ),
        5,
    )
    info = RemotePublisher(engine).publish([first], base_iri=BASE, build_id="b1")
    store = RemoteStore(engine, BASE)
    assert store.info() == info
    described = store.describe(BASE + "plan/p")
    assert {t.subject.value for t in described} == {
        BASE + "plan/p",
        BASE + "plan/p#source",
        BASE + "plan/p#quote",
        BASE + "plan/p#stated-issued",
    }
    assert any(t.object.value == "4671000.00" for t in described)  # verbatim text survives
    [label] = store.objects(BASE + "plan/p", "http://www.w3.org/2000/01/rdf-schema#label")
    assert (label.value, label.language) == ("Plan é", "fr")

    second = NamedGraph(graph_iri, nt(f'<{BASE}plan/p> <{BASE}v> "v2" .'), 1)
    RemotePublisher(engine).publish([second], base_iri=BASE, build_id="b2")
    assert store.info().build_id == "b2"
    assert [t.object.value for t in store.describe(BASE + "plan/p")] == ["v2"]


def test_graphs_of_a_removed_plan_are_deleted(engine):
    base = "http://removal.test.example/"
    old = NamedGraph(base + "graph/plan/old", nt(f'<{base}plan/old> <{base}p> "x" .'), 1)
    kept = NamedGraph(base + "graph/plan/kept", nt(f'<{base}plan/kept> <{base}p> "y" .'), 1)
    RemotePublisher(engine).publish([old, kept], base_iri=base, build_id="r1")
    RemotePublisher(engine).publish([kept], base_iri=base, build_id="r2")
    store = RemoteStore(engine, base)
    assert store.describe(base + "plan/old") == []
    assert store.describe(base + "plan/kept")
    assert set(store.info().graphs) == {kept.iri}


def test_refused_write_is_reported(engine):
    wrong = RemoteEndpoint(
        query_url=engine.query_url,
        graph_store_url=engine.graph_store_url,
        user="dba",
        password="not-the-password",
        digest_auth=True,
    )
    with pytest.raises(RemoteStoreError, match="HTTP 401"):
        RemotePublisher(wrong).publish(
            [NamedGraph(BASE + "graph/x", nt(f"<{BASE}a> <{BASE}b> <{BASE}c> ."), 1)],
            base_iri=BASE,
            build_id="bx",
        )


def test_endpoint_is_reachable_for_plain_queries(engine):
    response = requests.get(engine.query_url, params={"query": "ASK {}"}, timeout=10)
    assert response.ok


@pytest.fixture(scope="module")
def bundled_in_virtuoso(virtuoso_build):
    """The bundled plans published to Virtuoso by the CLI, once per session: their files'
    folder and base IRI."""
    return virtuoso_build.downloads, virtuoso_build.base


def test_cli_publishes_the_bundled_plans_to_virtuoso(engine, bundled_in_virtuoso):
    downloads, base = bundled_in_virtuoso
    # the engine serves SPARQL; the build's files are written where --downloads says
    assert (downloads / "lodplan.nq.gz").stat().st_size > 1_000_000
    assert (downloads / "plans" / "mot-programme-2023.csv").is_file()
    query = (
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a "
        "<https://w3id.org/lodplan/ontology#kind> "
        "<https://w3id.org/lodplan/code/element-kind/action> ; "
        f"<https://w3id.org/lodplan/ontology#inPlan> <{base}plan/mot-programme-2023> }}"
    )
    response = requests.get(
        engine.query_url,
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "83"
    assert RemoteStore(engine, base).info().graphs[base + "graph/plan/mot-programme-2023"] > 2000


class CountingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.requests = 0

    def request(self, *args, **kwargs):  # type: ignore[override]
        self.requests += 1
        return super().request(*args, **kwargs)


def shape(triples) -> list[tuple[str, str, str]]:
    """Triples with blank node labels aside (they differ between stores), and
    xsd:nonNegativeInteger read as xsd:integer: Virtuoso answers some queries
    with the one for the other (the catalog's byte sizes)."""

    def term(t):
        if isinstance(t, BlankNode):
            return "_:b"
        return str(t).replace("XMLSchema#nonNegativeInteger>", "XMLSchema#integer>")

    return sorted((term(t.subject), term(t.predicate), term(t.object)) for t in triples)


def test_a_resource_is_described_in_one_request_as_the_embedded_store_describes_it(
    engine, bundled_in_virtuoso
):
    """Parts, stated facts, a dataset's period and the ontology's lists included."""
    downloads, base = bundled_in_virtuoso
    dump = Store()
    dump.bulk_load(gzip.decompress((downloads / "lodplan.nq.gz").read_bytes()),
                   format=RdfFormat.N_QUADS)  # fmt: skip
    # the graphs made after the dump (the catalog describes it)
    dumped = {g.value for g in dump.named_graphs()}
    for graph in RemoteStore(engine, base).info().graphs:
        if graph not in dumped:
            for triple in RemoteStore(engine, base).graph_triples(graph):
                dump.add(Quad(triple.subject, triple.predicate, triple.object, NamedNode(graph)))

    def local(subject):
        return [q.triple for q in dump.quads_for_pattern(subject, None, None, None)]

    def local_statements(subject):
        return [q.subject for q in dump.quads_for_pattern(None, NamedNode(RDF_SUBJECT[1:-1]),
                                                          subject, None)]  # fmt: skip

    session = CountingSession()
    store = RemoteStore(engine, base, session=session)
    store.info()  # the build's graphs, which scope every query
    samples = [
        base + "plan/pnfc-feuille-de-route",  # stated facts with their lines
        base + "plan/metz-projet-metropolitain/element/5",
        base + "dataset/mot-programme-2023",  # its period of time, a #part
        base + "actor/mot",
        base + "catalog",
        "https://w3id.org/lodplan/ontology#order",  # its domain, a union: an OWL list
    ]
    for iri in samples:
        expected = describe_with_fragments(iri, local, local_statements)
        assert expected, iri
        before = session.requests
        described = store.describe(iri)
        assert session.requests - before == 1, iri
        assert shape(described) == shape(expected), iri
    order = store.describe("https://w3id.org/lodplan/ontology#order")
    assert any(is_skolem_iri(t.subject.value) for t in order)  # the list, no blank node
    period = [t for t in store.describe(base + "dataset/mot-programme-2023")
              if t.subject.value.endswith("#period")]  # fmt: skip
    assert any(t.predicate.value.endswith("startDate") for t in period)


def test_ntriples_are_cut_at_line_ends_into_bounded_chunks():
    data = b"".join(b"<urn:s%d> <urn:p> <urn:o> .\n" % i for i in range(100))
    chunks = ntriples_chunks(data, 200)
    assert b"".join(chunks) == data
    assert all(len(c) <= 200 and c.endswith(b"\n") for c in chunks)
    assert ntriples_chunks(b"", 200) == [b""]
    assert ntriples_chunks(b"<urn:a> <urn:b> <urn:c> .\n", 5) == [b"<urn:a> <urn:b> <urn:c> .\n"]


def test_select_reads_terms_and_binds_iris(engine):
    base = "http://select.test.example/"
    data = NamedGraph(
        base + "graph/plan/s",
        nt(
            f'<{base}a> <http://www.w3.org/2000/01/rdf-schema#label> "Étang"@fr .',
            f'<{base}a> <{base}n> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .',
            f'<{base}b> <http://www.w3.org/2000/01/rdf-schema#label> "B" .',
        ),
        3,
    )
    RemotePublisher(engine).publish([data], base_iri=base, build_id="s1")
    store = RemoteStore(engine, base)
    query = (
        "SELECT ?s ?label ?n WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
        f"OPTIONAL {{ ?s <{base}n> ?n }} }}"
    )
    [row] = store.select(query, {"s": base + "a"})
    assert (row["label"].value, row["label"].language) == ("Étang", "fr")
    assert row["n"].value == "3"
    [other] = store.select(query, {"s": base + "b"})
    assert "n" not in other


PAGE_QUERY_BINDINGS = {
    "actor-involvements": {"actor": "actor/mot"},
    "incoming": {"target": "actor/mot"},
    "plan-budgets": {"plan": "plan/metz-codev-actions"},
    "plan-dates": {"plan": "plan/pnfc-feuille-de-route"},
    "plan-elements": {"plan": "plan/mot-programme-2023"},
    "plan-involvements": {"plan": "plan/mot-programme-2023"},
    "plan-territories": {"plan": "plan/metz-projet-metropolitain"},
    "source-ranges": {"document": "source/metz-projet-metropolitain"},
    "territory-communes": {"territory": "territory/epci/200039865"},
    "territory-containers": {"territory": "territory/commune/57463"},
    "territory-covering-plans": {"area": "territory/epci/200039865"},
    "territory-intercommunalities": {"territory": "territory/commune/57463"},
    "territory-published-plans": {"territory": "territory/epci/200039865"},
    "search-plan": {"plan": "plan/metz-codev-actions"},
    "actions-table": {"plan": "plan/pnfc-feuille-de-route"},
    **{
        f"element-{what}": {"element": "plan/mot-programme-2023/element/3.2.2/bons-a-tirer"}
        for what in ("budget", "identifiers", "indicators", "status", "themes")
    },
}


def test_every_page_query_gives_the_rows_of_the_embedded_store(bundled_build, virtuoso_build):
    """The queries behind the pages (site/queries), with the IRIs the pages bind, on the
    bundled plans built into both stores (their base IRIs aside)."""
    from lodplan.bundled import site_dir
    from lodplan.pages.queries import query_text
    from lodplan.store.embedded import EmbeddedStore

    embedded = EmbeddedStore(bundled_build.store)
    remote = RemoteStore(virtuoso_build.engine.endpoint(), virtuoso_build.base)
    remote.info()

    def rows(store, base, name):
        bound = {k: base + v for k, v in PAGE_QUERY_BINDINGS.get(name, {}).items()}
        found = store.select(query_text(name), bound)
        return sorted(
            tuple(sorted((k, str(v).replace(base, "{base}")) for k, v in row.items()))
            for row in found
        )

    names = sorted(path.stem for path in (site_dir() / "queries").glob("*.rq"))
    assert len(names) >= 15
    for name in names:
        here = rows(embedded, bundled_build.base, name)
        assert here == rows(remote, virtuoso_build.base, name), name


def test_the_search_index_and_the_table_of_actions_are_those_of_the_embedded_store(
    bundled_build, virtuoso_build
):
    """Made plan by plan from either store, the search's entries and the rows of the table
    of actions are the same (their base IRIs aside)."""
    from dataclasses import asdict

    from lodplan.pages.actions import collect_actions
    from lodplan.pages.search import collect_entries
    from lodplan.store.embedded import EmbeddedStore

    embedded = EmbeddedStore(bundled_build.store)
    remote = RemoteStore(virtuoso_build.engine.endpoint(), virtuoso_build.base)

    def made(store, base):
        entries = sorted(
            repr(asdict(e)).replace(base, "{base}") for e in collect_entries(store, "fr")
        )
        actions = sorted(
            repr(asdict(a)).replace(base, "{base}") for a in collect_actions(store, "fr")
        )
        return entries, actions

    here = made(embedded, bundled_build.base)
    assert len(here[0]) > 1000 and len(here[1]) > 250
    assert here == made(remote, virtuoso_build.base)
