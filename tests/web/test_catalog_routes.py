"""/catalog over HTTP: formats, pages, errors, validators."""

from __future__ import annotations

import pytest

from lodplan.web.app import create_app_for_store
from tests.support.catalogs import publish_catalog

B = "http://example.org/"
PLANS = ["a", "b", "c"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("catalog-routes")
    publish_catalog(root, B, PLANS, title="Catalogue")
    return create_app_for_store(root, B, catalog_page_size=2).test_client()


@pytest.mark.parametrize(
    ("url", "accept", "content_type", "marker"),
    [
        ("/catalog", "text/turtle", "text/turtle; charset=utf-8", "dcat:Catalog"),
        ("/catalog", "application/ld+json", "application/ld+json", '"@context"'),
        ("/catalog.rdf", "text/html", "application/rdf+xml; charset=utf-8", "<rdf:RDF"),
        ("/catalog.nt", None, "application/n-triples", "<http://example.org/catalog>"),
        ("/catalog?format=ttl", "text/html", "text/turtle; charset=utf-8", "dcat:Catalog"),
        ("/catalog", "text/html", "text/html; charset=utf-8", "Catalogue"),
    ],
)
def test_the_catalog_answers_in_every_format(client, url, accept, content_type, marker):
    response = client.get(url, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert marker in response.get_data(as_text=True)


def test_paging_links_keep_the_address_form(client):
    turtle = client.get("/catalog.ttl").get_data(as_text=True)
    assert "<http://example.org/catalog.ttl?page=2>" in turtle
    negotiated = client.get("/catalog?format=nt&page=2").get_data(as_text=True)
    assert "<http://example.org/catalog?format=nt&page=1>" in negotiated


@pytest.mark.parametrize(
    ("url", "status"),
    [("/catalog.ttl?page=3", 404), ("/catalog.ttl?page=x", 400), ("/catalog.ttl?page=0", 400),
     ("/catalog.xls", 404), ("/catalog?format=xls", 406)],
)  # fmt: skip
def test_bad_pages_and_formats(client, url, status):
    assert client.get(url).status_code == status


def test_a_page_is_conditional(client):
    first = client.get("/catalog.ttl?page=2")
    again = client.get("/catalog.ttl?page=2", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert first.headers["Vary"] == "Accept, Accept-Profile"


def test_paging_links_name_the_format_canonically(client):
    for asked in ("TuRtLe", "text/turtle", " ttl"):
        response = client.get("/catalog", query_string={"format": asked})
        assert response.status_code == 200, asked
        assert "<http://example.org/catalog?format=ttl&page=2>" in response.get_data(as_text=True)


def test_an_absurd_page_number_is_a_bad_request(client):
    assert client.get("/catalog.ttl?page=" + "9" * 5000).status_code == 400


def test_the_etag_follows_the_bytes_whatever_the_page_size(client, tmp_path_factory):
    small = client.get("/catalog.ttl")
    root = client.application.extensions["lodplan"].store.root
    large = create_app_for_store(root, B, catalog_page_size=100).test_client().get("/catalog.ttl")
    assert small.data != large.data and small.headers["ETag"] != large.headers["ETag"]
