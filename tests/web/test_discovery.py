"""``/.well-known/void``: the whole VoID description, negotiated, cached per build, and the
SPARQL service description's link to it."""

from __future__ import annotations

import pytest
from pyld import jsonld
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from lodplan.publishing.jsonld import JsonLdCompactor
from lodplan.web.app import create_app
from lodplan.web.services import EXTENSION_KEY

VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
FOAF_PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"
RDF_FORMATS = {
    "text/turtle": (".ttl", RdfFormat.TURTLE),
    "application/n-triples": (".nt", RdfFormat.N_TRIPLES),
    "application/rdf+xml": (".rdf", RdfFormat.RDF_XML),
}
ALL_TYPES = {
    **{media_type: extension for media_type, (extension, _) in RDF_FORMATS.items()},
    "application/ld+json": ".jsonld",
    "text/html": ".html",
}


@pytest.fixture(scope="module")
def void_store(tmp_path_factory, publish_lod):
    return publish_lod(tmp_path_factory.mktemp("void-store"), void=True)


@pytest.fixture(scope="module")
def void_app(void_store, lod_query_service, lod_context, lod):
    # the query service is never asked a query here: only its limits are described
    app = create_app(void_store, lod_query_service, base_iri=lod.base, context_path=lod_context)
    app.testing = True
    return app


@pytest.fixture
def client(void_app):
    return void_app.test_client()


def _triples(body: bytes, rdf_format: RdfFormat) -> set[Triple]:
    return {quad.triple for quad in parse(body, format=rdf_format)}


def _void_graph(store, lod) -> set[Triple]:
    return set(store.graph_triples(lod.base + "graph/void"))


def _object(triples: set[Triple], subject: str, predicate: str):
    [value] = [
        t.object
        for t in triples
        if t.subject == NamedNode(subject) and t.predicate.value == predicate
    ]
    return value


def test_turtle_by_default_with_the_whole_description(client, void_store, lod):
    response = client.get("/.well-known/void")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    assert response.headers["Content-Location"] == "/.well-known/void.ttl"
    assert response.headers["Vary"] == "Accept, Accept-Encoding"
    # the whole graph, not only what is said about the document's own IRI
    assert _triples(response.data, RdfFormat.TURTLE) == _void_graph(void_store, lod)


def test_the_counts_are_those_of_the_store(client, void_store, lod):
    triples = _triples(client.get("/.well-known/void").data, RdfFormat.TURTLE)
    info = void_store.info()
    data_graphs = {g: n for g, n in info.graphs.items() if g != lod.base + "graph/void"}
    assert set(data_graphs) == set(lod.graphs)
    for graph, count in data_graphs.items():
        assert int(_object(triples, graph, VOID + "triples").value) == count
    assert int(_object(triples, lod.base, VOID + "triples").value) == sum(data_graphs.values())
    # the class partition of lodplan:Objective counts the store's objectives
    partitions = {
        t.object
        for t in triples
        if t.subject == NamedNode(lod.base) and t.predicate.value == VOID + "classPartition"
    }
    objective = "https://w3id.org/lodplan/ontology#Objective"
    [partition] = [
        p for p in partitions if _object(triples, p.value, VOID + "class").value == objective
    ]
    entities = int(_object(triples, partition.value, VOID + "entities").value)
    assert entities == len(void_store.subjects_of_type(objective)) == 3


@pytest.mark.parametrize(("media_type", "extension"), ALL_TYPES.items())
def test_every_format_by_accept_extension_and_parameter(client, media_type, extension):
    by_accept = client.get("/.well-known/void", headers={"Accept": media_type})
    by_extension = client.get("/.well-known/void" + extension, headers={"Accept": "text/html"})
    by_parameter = client.get("/.well-known/void", query_string={"format": extension[1:]})
    for response in (by_accept, by_extension, by_parameter):
        assert response.status_code == 200 and response.mimetype == media_type
        assert response.headers["Content-Location"] == "/.well-known/void" + extension
    if media_type != "text/html":  # a page's language links name the address it was asked at
        assert by_accept.data == by_extension.data == by_parameter.data
    alternates = {part.split(">")[0].strip("<") for part in by_accept.headers["Link"].split(", ")}
    others = {".html"} if extension == ".jsonld" else set(ALL_TYPES.values()) - {extension}
    assert alternates == {"/.well-known/void" + e for e in others}  # JSON-LD: its page only


@pytest.mark.parametrize("media_type", sorted(RDF_FORMATS))
def test_every_rdf_syntax_says_the_same(client, void_store, lod, media_type):
    response = client.get("/.well-known/void", headers={"Accept": media_type})
    assert _triples(response.data, RDF_FORMATS[media_type][1]) == _void_graph(void_store, lod)


def test_jsonld_says_the_same(client, void_app, void_store, lod):
    response = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    compactor = JsonLdCompactor(void_app.extensions[EXTENSION_KEY].resources.jsonld_context)
    nquads = jsonld.to_rdf(
        response.json, {"format": "application/n-quads", "documentLoader": compactor.load_document}
    )
    assert _triples(nquads.encode(), RdfFormat.N_QUADS) == _void_graph(void_store, lod)


def test_browsers_get_the_page_of_the_dataset(client, lod):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/.well-known/void", headers={"Accept": browser})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Content-Security-Policy" in response.headers
    html = response.data.decode()
    assert "Plans publiés avec lodplan" in html
    assert 'href="/graph/plan/demo"' in html  # each graph's own page
    assert 'id="class-Objective-' in html  # the dataset's partitions, as sections
    assert 'href="/.well-known/void.ttl"' in html  # the formats of this document


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/.well-known/void", {"Accept": "image/png"}, 406),
        ("/.well-known/void?format=pdf", {}, 406),
        ("/.well-known/void.pdf", {}, 404),
    ],
)
def test_unavailable_formats(client, path, headers, status):
    assert client.get(path, headers=headers).status_code == status


def test_etag_and_304(client):
    first = client.get("/.well-known/void")
    etag = first.headers["ETag"]
    again = client.get("/.well-known/void", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    other = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert other.headers["ETag"] != etag


def test_a_new_build_is_served_with_a_new_etag(
    tmp_path, publish_lod, lod, lod_query_service, lod_context
):
    store = publish_lod(tmp_path / "store", void=True)
    app = create_app(store, lod_query_service, base_iri=lod.base, context_path=lod_context)
    client = app.test_client()
    before = client.get("/.well-known/void")
    publish_lod(tmp_path / "store", build_id="build-0002", extra=2, void=True)
    after = client.get("/.well-known/void", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    plan_graph = lod.base + "graph/plan/demo"
    counts = [
        int(_object(_triples(r.data, RdfFormat.TURTLE), plan_graph, VOID + "triples").value)
        for r in (before, after)
    ]
    assert counts[1] == counts[0] + 2  # not the cached description of the first build


def test_404_when_the_build_has_no_description(lod_client):
    response = lod_client.get("/.well-known/void")
    assert response.status_code == 404 and response.mimetype == "text/plain"


def test_the_service_description_links_to_the_void_description(client, lod):
    """From the endpoint to the VoID dataset: sd:defaultDataset → rdfs:seeAlso →
    foaf:primaryTopic, whose subsets are the endpoint's named graphs (but the VoID one)."""
    service = _triples(client.get("/sparql").data, RdfFormat.TURTLE)
    dataset = _object(service, lod.base + "sparql", SD + "defaultDataset")
    [link] = [
        t.object for t in service if t.subject == dataset and t.predicate.value == RDFS_SEE_ALSO
    ]
    assert link == NamedNode(lod.base + ".well-known/void")
    names = {t.object.value for t in service if t.predicate.value == SD + "name"}

    path = link.value.removeprefix(lod.base.rstrip("/"))
    void = _triples(client.get(path).data, RdfFormat.TURTLE)
    described = _object(void, link.value, FOAF_PRIMARY_TOPIC)
    assert described == NamedNode(lod.base)
    subsets = {
        t.object.value
        for t in void
        if t.subject == described and t.predicate.value == VOID + "subset"
    }
    assert subsets == names - {lod.base + "graph/void"} == set(lod.graphs)
    assert isinstance(_object(void, lod.base, VOID + "triples"), Literal)
