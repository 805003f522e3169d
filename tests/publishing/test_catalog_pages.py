"""The catalog served page by page, with Hydra paging links."""

from __future__ import annotations

import json

import pytest
from pyoxigraph import RdfFormat, Store, serialize
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from lodplan.bundled import ontology_dir
from lodplan.publishing.catalog_pages import CatalogPages
from lodplan.publishing.jsonld import JsonLdCompactor, JsonLdContext
from lodplan.publishing.negotiation import JSONLD, NTRIPLES, TURTLE
from lodplan.store.embedded import EmbeddedStore
from tests.support.catalogs import publish_catalog

B = "http://example.org/"
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
PLANS = ["a", "b", "c", "d", "e"]


def _publish(root) -> EmbeddedStore:
    period = (
        f"<{B}plan/a> <{DCTERMS}temporal> <{B}plan/a#p> .\n"
        f'<{B}plan/a#p> <{DCAT.startDate}> "2020-01-01" .'
    )
    data = Store()
    data.load(period.encode(), format=RdfFormat.N_TRIPLES)
    publish_catalog(root, B, PLANS, data=data)
    return EmbeddedStore(root)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> EmbeddedStore:
    return _publish(tmp_path_factory.mktemp("catalog-pages"))


def test_the_same_catalog_gives_the_same_bytes_from_another_store(store, tmp_path):
    """A store relabels blank nodes (the periods) on load: pages name them stably."""
    again = _publish(tmp_path)
    for fmt in (TURTLE, NTRIPLES):
        first = _pages(store, 2).represent(1, fmt, url_of)
        second = _pages(again, 2).represent(1, fmt, url_of)
        assert first.body == second.body and first.etag == second.etag
    graph = _graph(_pages(store, 2), 1)
    [period] = graph.objects(URIRef(B + "dataset/a"), DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2020-01-01"


def _pages(store: EmbeddedStore, size: int) -> CatalogPages:
    context = JsonLdContext(B + "context.jsonld", ontology_dir() / "context.jsonld")
    return CatalogPages(store, JsonLdCompactor(context), page_size=size)


def url_of(number: int) -> str:
    return f"{B}catalog.ttl?page={number}"


def _graph(pages: CatalogPages, number: int) -> Graph:
    page = pages.page(number, url_of)
    assert page is not None
    return Graph().parse(data=serialize(page.triples, format=RdfFormat.N_TRIPLES), format="nt")


def _datasets(graph: Graph) -> list[str]:
    return sorted(str(d).rsplit("/", 1)[-1] for d in graph.subjects(RDF.type, DCAT.Dataset))


def test_pages_hold_their_datasets_in_identifier_order(store):
    pages = _pages(store, 2)
    assert [_datasets(_graph(pages, n)) for n in (1, 2, 3)] == [["a", "b"], ["c", "d"], ["e"]]
    assert pages.page(4, url_of) is None and pages.page(0, url_of) is None


def test_every_page_links_to_the_next_as_hydra_says(store):
    pages = _pages(store, 2)
    catalog = URIRef(B + "catalog")
    for number in (1, 2, 3):
        graph = _graph(pages, number)
        view = URIRef(url_of(number))
        assert (catalog, HYDRA.view, view) in graph
        assert (view, RDF.type, HYDRA.PartialCollectionView) in graph
        assert graph.value(catalog, HYDRA.totalItems).toPython() == 5
        assert graph.value(view, HYDRA.first) == URIRef(url_of(1))
        assert graph.value(view, HYDRA.last) == URIRef(url_of(3))
        expected_next = URIRef(url_of(number + 1)) if number < 3 else None
        assert graph.value(view, HYDRA.next) == expected_next
        expected_previous = URIRef(url_of(number - 1)) if number > 1 else None
        assert graph.value(view, HYDRA.previous) == expected_previous


def test_the_data_services_are_on_the_first_page_only(store):
    pages = _pages(store, 2)
    services = [set(_graph(pages, n).subjects(RDF.type, DCAT.DataService)) for n in (1, 2, 3)]
    assert [len(s) for s in services] == [2, 0, 0]  # the SPARQL endpoint, the change feed
    first = _graph(pages, 1)
    for service in services[0]:
        served = set(first.objects(service, DCAT.servesDataset))
        assert len(served) == 5  # references only: the others are described on their pages
    assert not set(first.subjects(DCAT.distribution, None)) - {
        URIRef(B + "dataset/a"),
        URIRef(B + "dataset/b"),
    }


def test_a_catalog_that_fits_one_page_has_no_paging(store):
    graph = _graph(_pages(store, 100), 1)
    assert _datasets(graph) == PLANS
    assert not list(graph.triples((None, None, HYDRA.PartialCollectionView)))


def test_byte_sizes_keep_the_datatype_dcat_requires(store):
    """The store reads xsd:nonNegativeInteger as xsd:integer; the page restores it."""
    graph = _graph(_pages(store, 100), 1)
    sizes = set(graph.objects(None, DCAT.byteSize))
    assert sizes and all(s.datatype == XSD.nonNegativeInteger for s in sizes)
    assert Literal("1", datatype=XSD.nonNegativeInteger) in sizes


@pytest.mark.parametrize("fmt", [TURTLE, NTRIPLES, JSONLD])
def test_pages_serialise_in_every_rdf_format_and_are_cached(store, fmt):
    pages = _pages(store, 2)
    first = pages.represent(2, fmt, url_of)
    assert first is not None and pages.represent(2, fmt, url_of) == first
    if fmt is JSONLD:
        assert json.loads(first.body)["@context"]
    else:
        graph = Graph().parse(data=first.body, format="turtle" if fmt is TURTLE else "nt")
        assert _datasets(graph) == ["c", "d"]
    assert pages.represent(9, fmt, url_of) is None
