"""Negotiation on the routes, with Flask's test client (issue 14, item 3): media ranges
with parameters, the names clients send, ``/ontology`` in RDF, and a query link opened
in a browser. The same against the real server and real clients: test_real_clients.py."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

ONTOLOGY = URIRef("https://w3id.org/lodplan/ontology")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SELECT = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 3"
RDF_SYNTAXES = {  # media type: (?format= name, rdflib parser)
    "text/turtle": ("ttl", "turtle"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("rdf", "xml"),
    "application/ld+json": ("jsonld", None),  # its context is fetched: see test_real_clients
}


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/turtle; charset=utf-8", "text/turtle"),
        (
            'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"',
            "application/ld+json",
        ),
        ("application/n-triples;charset=UTF-8", "application/n-triples"),
        ("application/rdf+xml;q=0.9, text/html;q=0.2", "application/rdf+xml"),
    ],
)
def test_resources_and_void_accept_parameters(lod_client, lod, accept, media_type):
    for path in (lod.path(lod.plan), "/ontology"):  # VoID: test_real_clients.py
        response = lod_client.get(path, headers={"Accept": accept})
        assert response.status_code == 200, (path, response.data[:200])
        assert response.mimetype == media_type, path


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("turtle", "text/turtle"), ("n3", "text/turtle"), ("json-ld", "application/ld+json"),
     ("rdf+xml", "application/rdf+xml"), ("n-triples", "application/n-triples")],
)  # fmt: skip
def test_format_names_of_sparql_clients_on_resources(lod_client, lod, name, media_type):
    response = lod_client.get(lod.path(lod.plan), query_string={"format": name})
    assert response.status_code == 200 and response.mimetype == media_type


def test_the_ontology_in_every_rdf_syntax(lod_client):
    turtle = lod_client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.headers["Content-Location"] == "/ontology.ttl"
    assert turtle.data.startswith(b"# lodplan ontology")  # the file as its authors wrote it
    expected = Graph().parse(data=turtle.data, format="turtle")
    assert (ONTOLOGY, None, None) in expected
    for media_type, (name, parser) in RDF_SYNTAXES.items():
        for response in (
            lod_client.get("/ontology", headers={"Accept": media_type}),
            lod_client.get("/ontology", query_string={"format": name}),
        ):
            assert response.status_code == 200 and response.mimetype == media_type
            assert (
                response.headers["Vary"] == "Accept, Accept-Encoding" and response.headers["ETag"]
            )
            if parser is not None:
                graph = Graph().parse(data=response.data, format=parser)
                assert isomorphic(graph, expected), media_type
    assert lod_client.get("/ontology.ttl").mimetype == "text/turtle"
    assert lod_client.get("/ontology.nt").mimetype == "application/n-triples"
    assert lod_client.get("/ontology").mimetype == "text/html"  # browsers, */*
    assert lod_client.get("/ontology", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_query_link_in_a_browser_is_a_page(lod_client, lang):
    response = lod_client.get(
        "/sparql", query_string={"query": SELECT, "lang": lang}, headers={"Accept": BROWSER}
    )
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Language"] == lang
    assert "X-SPARQL-MaxRows" not in response.headers  # LIMIT 3: under the cap of 5 rows
    html = response.get_data(as_text=True)
    assert '<th scope="col">label</th>' in html
    assert "format=csv" in html and "format=json" in html
    capped = "limité aux 5 premières lignes" if lang == "fr" else "limited to the first 5 rows"
    assert capped not in html
    everything = lod_client.get(
        "/sparql",
        query_string={"query": SELECT.replace("LIMIT 3", ""), "lang": lang},
        headers={"Accept": BROWSER},
    )
    assert everything.headers["X-SPARQL-MaxRows"] == "5"
    assert capped in everything.get_data(as_text=True)


def test_the_result_page_escapes_values(lod_client):
    query = 'SELECT ?x ?iri WHERE { BIND("<script>alert(1)</script>"@fr AS ?x) '
    query += "BIND(<javascript:alert(1)> AS ?iri) }"
    response = lod_client.get("/sparql", query_string={"query": query, "format": "html"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html  # only http(s) IRIs become links
    assert "@fr" in html


def test_programs_still_get_data_from_sparql(lod_client):
    for accept in (None, "*/*", "application/sparql-results+json; charset=utf-8"):
        headers = {"Accept": accept} if accept else {}
        response = lod_client.get("/sparql", query_string={"query": SELECT}, headers=headers)
        assert response.mimetype == "application/sparql-results+json"
    construct = lod_client.get(
        "/sparql",
        query_string={"query": "CONSTRUCT WHERE { ?s rdfs:label ?o } LIMIT 2"},
        headers={"Accept": BROWSER},
    )
    assert construct.mimetype == "text/html" and '<th scope="col">predicate</th>' in (
        construct.get_data(as_text=True)
    )
