"""The change feed's routes (lodplan.web.feed): /feed, /feed/view, /feed/page/<n>,
/feed/event/<n>, negotiated, with their caching headers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from lodplan.dataset import NamedGraph
from lodplan.publishing.changes import LOG_FILE, record_changes
from lodplan.store.base import DownloadFile
from lodplan.store.embedded import EmbeddedPublisher
from lodplan.web.app import create_app_for_store

B = "http://feed.test/"
TREE = "https://w3id.org/tree#"


def _graph(iri: str, text: str) -> NamedGraph:
    return NamedGraph(iri, f'<{iri}> <http://purl.org/dc/terms/title> "{text}" .\n'.encode(), 1)


@pytest.fixture
def client(tmp_path: Path, monkeypatch):
    """A store whose build carries a log of five events (pages of two: three pages)."""
    graphs = [_graph(B + f"g/{n}", "v1") for n in "abcde"]
    log = record_changes(None, graphs, B, now=datetime(2026, 1, 1, tzinfo=UTC)).log("b1")
    EmbeddedPublisher(tmp_path).publish(
        graphs, base_iri=B, build_id="b1", downloads=[log.download()]
    )
    monkeypatch.setenv("LODPLAN_FEED_PAGE_SIZE", "2")
    return create_app_for_store(tmp_path, B).test_client()


def test_a_client_without_preference_gets_turtle_and_the_stream(client):
    response = client.get("/feed")
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert response.headers["Vary"] == "Accept, Accept-Encoding"  # negotiated, compressed
    assert response.headers["Cache-Control"] == "no-cache"
    stream = Graph().parse(data=response.data, format="turtle")
    view = stream.value(URIRef(B + "feed"), URIRef(TREE + "view"))
    assert view == URIRef(B + "feed/view")
    assert "/feed.jsonld" in response.headers["Link"]


@pytest.mark.parametrize(
    ("path", "headers", "mimetype"),
    [
        ("/feed/page/1", {"Accept": "application/ld+json"}, "application/ld+json"),
        ("/feed/page/1.jsonld", {}, "application/ld+json"),
        ("/feed/page/1?format=nt", {}, "application/n-triples"),
        ("/feed/view.nt", {"Accept": "text/turtle"}, "application/n-triples"),
        ("/feed.ttl", {}, "text/turtle"),
    ],
)
def test_formats_by_accept_parameter_or_extension(client, path, headers, mimetype):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == mimetype


def test_full_pages_are_immutable_the_last_one_is_not(client):
    first = client.get("/feed/page/1")
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/feed/page/3").headers["Cache-Control"] == "no-cache"
    again = client.get("/feed/page/1", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_members_dereference(client):
    response = client.get("/feed/event/5")
    assert response.status_code == 200
    member = Graph().parse(data=response.data, format="turtle")
    created = URIRef("https://www.w3.org/ns/activitystreams#Create")
    assert member.value(URIRef(B + "feed/event/5"), RDF.type) == created


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/feed/page/4", {}, 404),
        ("/feed/page/0", {}, 404),
        ("/feed/event/6", {}, 404),
        ("/feed/event/0", {}, 404),
        ("/feed", {"Accept": "text/html"}, 406),
        ("/feed/page/1?format=html", {}, 406),
    ],
)
def test_what_the_feed_does_not_have_is_a_clear_error(client, path, headers, status):
    response = client.get(path, headers=headers)
    assert response.status_code == status
    assert response.mimetype == "text/plain"
    assert client.get("/feed.html").status_code == 404  # the site's page of an unknown IRI


def test_a_build_without_a_log_serves_an_empty_feed(tmp_path):
    EmbeddedPublisher(tmp_path).publish([_graph(B + "g/a", "a")], base_iri=B, build_id="b0")
    client = create_app_for_store(tmp_path, B).test_client()
    page = client.get("/feed/page/1")
    assert page.status_code == 200
    graph = Graph().parse(data=page.data, format="turtle")
    assert list(graph.objects(URIRef(B + "feed"), URIRef(TREE + "member"))) == []


def test_a_log_that_cannot_be_read_is_no_error_page(tmp_path):
    broken = DownloadFile(LOG_FILE, "application/json", b"{not json")
    EmbeddedPublisher(tmp_path).publish(
        [_graph(B + "g/a", "a")], base_iri=B, build_id="b0", downloads=[broken]
    )
    client = create_app_for_store(tmp_path, B).test_client()
    assert client.get("/feed/page/1").status_code == 200
