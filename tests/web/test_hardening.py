"""The HTTP layer's answers to the review: refusals, limits, headers, links, French pages,
``/resource?iri=``, invalid request paths, the home page for RDF clients and ETags."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, parse

from lodplan.config import QueryLimits
from lodplan.sparql.results import JSON
from lodplan.sparql.service import (
    EmbeddedQueryService,
    EndpointBusyError,
    QueryMemoryError,
    QueryResult,
    QueryTooComplexError,
    WorkerUnavailableError,
)
from lodplan.web.app import create_app

VOID_DATASET = "http://rdfs.org/ns/void#Dataset"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class StubQueries:
    """A query service that answers every query with ``outcome`` (raised if an exception)."""

    limits = QueryLimits(timeout_s=7, max_rows=5)
    max_result_bytes = 1000

    def __init__(self, outcome: object = None) -> None:
        self.outcome = outcome

    def execute(self, query: str, **options: object) -> QueryResult:
        if isinstance(self.outcome, Exception):
            raise self.outcome
        assert isinstance(self.outcome, QueryResult)
        return self.outcome

    def close(self) -> None:
        pass


class StrictStore:
    """A store that, like pyoxigraph's NamedNode, raises ValueError on an invalid IRI."""

    def __init__(self, store) -> None:
        self._store = store

    def info(self):
        return self._store.info()

    def describe(self, iri: str):
        NamedNode(iri)
        return self._store.describe(iri)

    def objects(self, subject: str, predicate: str):
        NamedNode(subject), NamedNode(predicate)
        return self._store.objects(subject, predicate)

    def subjects_of_type(self, class_iri: str):
        return self._store.subjects_of_type(class_iri)


def _client(store, lod_context: Path, queries: object = None, base: str = "http://lod.test/"):
    app = create_app(store, queries or StubQueries(), base_iri=base, context_path=lod_context)
    app.testing = True
    return app.test_client()


# -- SPARQL: refusals and limits -----------------------------------------------------------


def test_federation_through_http_is_403_and_fetches_nothing(lod_client, http_listener):
    url, hits = http_listener
    lateral = "OPTIONAL { LATERAL { SELECT * {} } }"  # rdflib cannot parse it, pyoxigraph can
    query = f"SELECT * {{ {lateral} ?s a ?t .SERVICE <{url}> {{}} }}"
    response = lod_client.post("/sparql", data={"query": query})
    assert response.status_code == 403
    assert "not allowed" in response.data.decode()
    assert hits == []


def test_deeply_nested_query_is_400(lod_client):
    response = lod_client.post("/sparql", data={"query": "ASK " + "{" * 5000 + "}" * 5000})
    assert response.status_code == 400
    assert "nested too deeply" in response.data.decode()
    assert lod_client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize(
    ("error", "status", "retry_after"),
    [
        (EndpointBusyError("the endpoint is busy; try again later", 7), 503, "7"),
        (WorkerUnavailableError("the query worker stopped unexpectedly"), 503, None),
        (QueryMemoryError("the query exceeded the memory limit (2048 MiB)"), 507, None),
        (QueryTooComplexError("the query is nested too deeply"), 400, None),
    ],
)
def test_query_failures_have_clear_statuses(lod_store, lod_context, error, status, retry_after):
    client = _client(lod_store, lod_context, StubQueries(error))
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == status
    assert str(error) in response.data.decode()
    assert response.headers.get("Retry-After") == retry_after


def test_a_result_cut_at_the_byte_cap_says_so(lod_store, lod_context):
    body = b'{"head": {"vars": []}, "results": {"bindings": []}}'
    cut = QueryResult(body, JSON, "solutions", 0, truncated=True, truncated_by="bytes")
    response = _client(lod_store, lod_context, StubQueries(cut)).get(
        "/sparql", query_string={"query": "SELECT * {}"}
    )
    assert response.headers["X-lodplan-Truncated"] == "bytes"
    assert "X-SPARQL-MaxRows" not in response.headers
    assert "X-lodplan-Truncated" in response.headers["Access-Control-Expose-Headers"]
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


def test_construct_as_jsonld_is_compacted_with_the_context(lod_client, lod):
    response = lod_client.get(
        "/sparql", query_string={"query": f"DESCRIBE <{lod.element_1}>", "format": "jsonld"}
    )
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    document = json.loads(response.data)
    assert document["@context"] == lod.base + "context.jsonld"
    assert document["@id"] == lod.element_1 and document["level"] == 1


# -- headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "headers", "html"),
    [
        ("/", {}, True),
        ("/plan/demo", {}, True),
        ("/plan/demo.ttl", {}, False),
        ("/plan/nope", {}, True),
        ("/plan/nope", {"Accept": "text/turtle"}, False),
        ("/sparql", {"Accept": "text/html"}, True),
        ("/sparql", {}, False),
        ("/sparql?query=ASK%7B%7D", {}, False),
        ("/context.jsonld", {}, False),
    ],
)
def test_security_headers(lod_client, path, headers, html):
    response = lod_client.get(path, headers=headers)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers.get("Content-Security-Policy")
    if html:
        assert response.mimetype == "text/html"
        assert "default-src 'self'" in policy
        assert "style-src 'self' 'unsafe-inline'" in policy
        assert "'unsafe-inline'" not in policy.split("style-src", 1)[0]  # no inline scripts
    else:
        assert policy is None


def test_405_has_the_security_headers_too(lod_client, lod):
    response = lod_client.put(lod.path(lod.plan))
    assert response.status_code == 405
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# -- HTML pages --------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def _links(html: str) -> list[dict[str, str | None]]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def test_only_http_iris_become_links(lod_client, lod):
    html = lod_client.get(lod.path(lod.plan)).data.decode()
    assert lod.script_iri in html  # shown...
    hrefs = [link.get("href") or "" for link in _links(html)]
    assert not [href for href in hrefs if href.lower().startswith("javascript:")]  # ...as text
    assert all(href.startswith(("http://", "https://", "#", "./", "?", "/")) for href in hrefs)


def test_known_iris_outside_the_base_link_to_the_resource_route(lod_client, lod):
    html = lod_client.get(lod.path(lod.element_1_1)).data.decode()
    hrefs = {link.get("href") for link in _links(html)}
    # the code-list concept the store describes: the site's description of it
    assert "/resource?iri=https://w3id.org/lodplan/code/status/en-cours" in hrefs
    assert "/ontology#Objective" in hrefs  # an ontology term: its documentation
    assert lod.path(lod.actor) in hrefs  # under the base: its path on this server
    assert lod.path(lod.plan) in hrefs


def test_the_sparql_form_posts(lod_client):
    html = lod_client.get("/sparql", headers={"Accept": "text/html"}).data.decode()
    assert re.search(r'<form method="post" action="/sparql">', html)


ENGLISH = [
    "Territorial strategy",
    "Linked Open Data",
    "SPARQL endpoint",
    "No plan",
    "Other formats",
    "Run query",
    "Results as",
    "Limits",
    "Not Found",
    "is stopped",
]


def _outside_english_parts(html: str) -> str:
    """What a reader of the French page reads: not the parts marked English, nor the
    editor's configuration (its map from YASGUI's English texts to the page's)."""
    html = re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", html, flags=re.DOTALL)
    return re.sub(r'<(\w+) lang="en"[^>]*>.*?</\1>', "", html, flags=re.DOTALL)


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/", {}), ("/plan/demo", {}), ("/plan/nope", {}), ("/sparql", {"Accept": "text/html"})],
)
def test_pages_are_in_french(lod_client, path, headers):
    html = lod_client.get(path, headers=headers).data.decode()
    assert '<html lang="fr">' in html
    french_parts = _outside_english_parts(html)
    assert [phrase for phrase in ENGLISH if phrase in french_parts] == []


def test_home_page_in_french(lod_client):
    html = lod_client.get("/").data.decode()
    assert "Plans stratégiques territoriaux" in html
    assert "Éditeur de requêtes SPARQL" in html


# -- /resource?iri= ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type", "rdf_format"),
    [
        ("text/turtle", "text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", RdfFormat.N_TRIPLES),
        ("application/rdf+xml", "application/rdf+xml", RdfFormat.RDF_XML),
        ("application/ld+json", "application/ld+json", None),
        ("text/html", "text/html", None),
    ],
)
def test_resource_route_negotiates(lod_client, lod, lod_store, accept, media_type, rdf_format):
    response = lod_client.get(
        "/resource", query_string={"iri": lod.status_concept}, headers={"Accept": accept}
    )
    assert response.status_code == 200 and response.mimetype == media_type
    assert response.headers["Vary"] == "Accept, Accept-Encoding" and response.headers["ETag"]
    name = {"text/turtle": "ttl", "application/n-triples": "nt", "application/rdf+xml": "rdf"}
    location = response.headers["Content-Location"]
    assert location.startswith("/resource?iri=https://w3id.org/lodplan/code/status/en-cours")
    body = response.data.decode()
    if rdf_format is not None:
        assert location.endswith("&format=" + name[media_type])
        triples = {quad.triple for quad in parse(response.data, format=rdf_format)}
        assert triples == set(lod_store.describe(lod.status_concept))
    elif media_type == "text/html":
        assert lod.status_concept in body and "En cours" in body  # the w3id IRI stays visible
        assert (
            '<link rel="alternate" type="text/turtle" '
            'href="/resource?iri=https://w3id.org/lodplan/code/status/en-cours&amp;format=ttl">'
        ) in body
    else:
        assert json.loads(body)["@context"] == lod.base + "context.jsonld"


def test_resource_route_links_to_its_other_formats(lod_client, lod):
    response = lod_client.get("/resource", query_string={"iri": lod.status_concept})
    for part in response.headers["Link"].split(", "):
        target = part.split(";")[0].strip("<>")
        assert target.startswith("/resource?iri=")
        assert lod_client.get(target).status_code == 200


def test_resource_route_errors(lod_client, lod):
    assert lod_client.get("/resource").status_code == 400
    assert lod_client.get("/resource", query_string={"iri": "not an iri"}).status_code == 400
    text = lod_client.get("/resource", headers={"Accept": "text/turtle"})
    assert text.status_code == 400 and text.mimetype == "text/plain"
    unknown = lod_client.get("/resource", query_string={"iri": "https://w3id.org/lodplan/x"})
    assert unknown.status_code == 404
    bad_format = {"iri": lod.status_concept, "format": "pdf"}
    assert lod_client.get("/resource", query_string=bad_format).status_code == 406


def test_resource_route_sends_iris_under_the_base_to_their_address(lod_client, lod):
    response = lod_client.get("/resource", query_string={"iri": lod.plan, "format": "ttl"})
    assert response.status_code == 303
    assert response.headers["Location"] == lod.path(lod.plan) + "?format=ttl"


# -- request paths that are not IRIs ---------------------------------------------------------


@pytest.mark.parametrize("path", ["/plan/%FF", "/plan/%EF%BF%BF", "/plan/%FF.ttl"])
def test_paths_that_make_no_iri_are_404(lod_store, lod_context, path):
    client = _client(StrictStore(lod_store), lod_context)
    for headers in ({}, {"Accept": "text/turtle"}):
        assert client.get(path, headers=headers).status_code == 404


# -- the home page for RDF clients -------------------------------------------------------------


def test_home_for_rdf_clients_is_the_dataset_description(tmp_path, publish_lod, lod, lod_context):
    client = _client(publish_lod(tmp_path / "store", void=True), lod_context)
    response = client.get("/", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    triples = {quad.triple for quad in parse(response.data, format=RdfFormat.TURTLE)}
    assert (NamedNode(lod.base), NamedNode(RDF_TYPE), NamedNode(VOID_DATASET)) in {
        (t.subject, t.predicate, t.object) for t in triples
    }
    assert response.headers["Content-Location"] == "/?format=ttl"
    alternates = {
        part.split("; type=")[1].strip('"'): part.split(";")[0].strip("<>")
        for part in response.headers["Link"].split(", ")
    }
    assert alternates["application/ld+json"] == "/?format=jsonld"
    home = client.get(alternates["text/html"])
    assert "Plans stratégiques territoriaux" in home.data.decode()  # the home page itself
    for target in alternates.values():
        assert client.get(target).status_code == 200
    graph_page = client.get(lod.path(lod.graphs[0]), headers={"Accept": "text/turtle"})
    assert graph_page.status_code == 200  # every graph is described too


def test_home_for_rdf_clients_is_404_without_a_description(lod_client):
    response = lod_client.get("/", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert lod_client.get("/").status_code == 200  # browsers still get the home page


# -- ETags follow the presentation, not only the data -----------------------------------------


def test_etags_change_with_the_context(lod_store, lod_context, lod, tmp_path):
    other_context = tmp_path / "context.jsonld"
    other_context.write_text(lod_context.read_text().replace('"label"', '"nom"'))
    first = _client(lod_store, lod_context).get(lod.path(lod.plan) + ".ttl")
    again = _client(lod_store, lod_context).get(lod.path(lod.plan) + ".ttl")
    changed = _client(lod_store, other_context).get(lod.path(lod.plan) + ".ttl")
    assert first.headers["ETag"] == again.headers["ETag"] != changed.headers["ETag"]


# -- availability ------------------------------------------------------------------------------


def _state(pid: int) -> str:
    """R if one of the process's threads is running, else its main thread's state."""
    states = [
        task.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0]
        for task in Path(f"/proc/{pid}/task").iterdir()
    ]
    return "R" if "R" in states else states[0]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_dereferencing_and_other_clients_do_not_wait_for_a_busy_client(lod_store, lod_context, lod):
    queries = EmbeddedQueryService(
        lod_store, QueryLimits(timeout_s=60, max_rows=10), workers=2, waiting_per_client=0
    )
    app = create_app(lod_store, queries, base_iri=lod.base, context_path=lod_context)
    endless = "SELECT (COUNT(*) AS ?n) { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(6))
    greedy = {"REMOTE_ADDR": "192.0.2.1"}
    try:
        queries.execute("ASK {}")
        slow: list = []
        thread = threading.Thread(
            target=lambda: slow.append(
                app.test_client().get(
                    "/sparql", query_string={"query": endless + " }"}, environ_base=greedy
                )
            )
        )
        thread.start()
        deadline = time.monotonic() + 30
        while not (busy := [p for p in queries.runners.busy_worker_pids if _state(p) == "R"]):
            assert time.monotonic() < deadline  # a worker is computing the slow query
            time.sleep(0.01)
        client = app.test_client()
        assert client.get(lod.path(lod.plan)).status_code == 200
        assert client.get(lod.path(lod.plan) + ".ttl").status_code == 200
        other = client.get("/sparql", query_string={"query": "ASK {}"})
        assert other.status_code == 200  # another client is not behind the slow query
        again = client.get("/sparql", query_string={"query": "ASK {}"}, environ_base=greedy)
        assert again.status_code == 429 and int(again.headers["Retry-After"]) >= 1
        os.kill(busy[0], signal.SIGKILL)  # end the slow query now
        thread.join()
        assert slow[0].status_code == 503
        assert "stopped unexpectedly" in slow[0].data.decode()
    finally:
        queries.close()
