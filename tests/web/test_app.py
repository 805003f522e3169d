"""The HTTP layer through Flask's test client: dereferencing and the SPARQL protocol."""

from __future__ import annotations

import json

import pytest
from pyoxigraph import RdfFormat, parse

from lodplan.config import QueryLimits
from lodplan.web.app import create_app, create_app_for_store

RDF_TYPES = {
    "application/ld+json": ".jsonld",
    "text/turtle": ".ttl",
    "application/n-triples": ".nt",
    "application/rdf+xml": ".rdf",
}
ALL_TYPES = {"text/html": ".html", **RDF_TYPES}


def _alternates(response) -> dict[str, str]:
    """``type -> target`` of the Link header's rel="alternate" entries."""
    links = {}
    for part in response.headers["Link"].split(", "):
        target, *params = part.split("; ")
        attributes = dict(p.split("=", 1) for p in params)
        assert attributes["rel"] == '"alternate"'
        links[attributes["type"].strip('"')] = target.strip("<>")
    return links


# -- dereferencing ----------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "extension"), ALL_TYPES.items())
def test_every_accept_type(lod_client, lod, accept, extension):
    response = lod_client.get(lod.path(lod.plan), headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    assert response.headers["Vary"] == "Accept, Accept-Encoding"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Content-Location"] == lod.path(lod.plan) + extension
    assert response.headers["ETag"]
    alternates = _alternates(response)
    # every other format, not this one; JSON-LD names only its page (pyld reads one alternate)
    others = {"text/html"} if accept == "application/ld+json" else set(ALL_TYPES) - {accept}
    assert set(alternates) == others
    for media_type, target in alternates.items():
        assert target == lod.path(lod.plan) + ALL_TYPES[media_type]


@pytest.mark.parametrize("accept", [None, "*/*", "text/html,application/xml;q=0.9,*/*;q=0.8"])
def test_browsers_and_indifferent_clients_get_html(lod_client, lod, accept):
    headers = {"Accept": accept} if accept else {}
    response = lod_client.get(lod.path(lod.plan), headers=headers)
    assert response.mimetype == "text/html"


def test_application_json_gets_jsonld(lod_client, lod):
    response = lod_client.get(lod.path(lod.plan), headers={"Accept": "application/json"})
    assert response.mimetype == "application/ld+json"
    assert json.loads(response.data)["@context"] == lod.base + "context.jsonld"


@pytest.mark.parametrize(("media_type", "extension"), RDF_TYPES.items())
def test_extension_selects_the_format_whatever_the_accept(lod_client, lod, media_type, extension):
    response = lod_client.get(lod.path(lod.plan) + extension, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Content-Location"] == lod.path(lod.plan) + extension


def test_json_extension(lod_client, lod):
    assert lod_client.get(lod.path(lod.plan) + ".json").mimetype == "application/ld+json"


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("rdf", "application/rdf+xml"),
        ("html", "text/html"),
        ("turtle", "text/turtle"),
    ],
)
def test_format_parameter_overrides_accept_and_extension(lod_client, lod, name, media_type):
    by_accept = lod_client.get(
        lod.path(lod.plan), query_string={"format": name}, headers={"Accept": "image/png"}
    )
    assert by_accept.mimetype == media_type
    by_extension = lod_client.get(lod.path(lod.plan) + ".nt", query_string={"format": name})
    assert by_extension.mimetype == media_type


def test_resource_served_as_turtle_is_the_description(lod_client, lod, lod_store):
    body = lod_client.get(lod.path(lod.element_1) + ".ttl").data
    triples = {quad.triple for quad in parse(body, format=RdfFormat.TURTLE)}
    assert triples == set(lod_store.describe(lod.element_1))


def test_an_iri_ending_like_an_extension_is_tried_first(lod_client, lod):
    response = lod_client.get(lod.path(lod.notes_ttl))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert lod_client.get(lod.path(lod.notes_ttl) + ".ttl").mimetype == "text/turtle"


def test_if_none_match_gives_304(lod_client, lod):
    first = lod_client.get(lod.path(lod.plan), headers={"Accept": "text/turtle"})
    etag = first.headers["ETag"]
    again = lod_client.get(
        lod.path(lod.plan), headers={"Accept": "text/turtle", "If-None-Match": etag}
    )
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Vary"] == "Accept, Accept-Encoding"
    other_format = lod_client.get(
        lod.path(lod.plan), headers={"Accept": "application/n-triples", "If-None-Match": etag}
    )
    assert other_format.status_code == 200


def test_head_has_headers_and_no_body(lod_client, lod):
    response = lod_client.head(lod.path(lod.plan), headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["ETag"] and response.mimetype == "text/turtle"


def test_unknown_iri_is_404_in_html_or_text(lod_client, lod):
    html = lod_client.get("/plan/nope")
    assert html.status_code == 404 and html.mimetype == "text/html"
    assert "http://lod.test/plan/nope" in html.data.decode()
    text = lod_client.get("/plan/nope", headers={"Accept": "text/turtle"})
    assert text.status_code == 404 and text.mimetype == "text/plain"
    assert lod_client.get("/plan/nope.ttl").status_code == 404
    assert text.headers["Access-Control-Allow-Origin"] == "*"


def test_unsupported_types_and_formats_are_406(lod_client, lod):
    by_accept = lod_client.get(lod.path(lod.plan), headers={"Accept": "image/png"})
    assert by_accept.status_code == 406
    assert "text/turtle" in by_accept.data.decode()
    by_name = lod_client.get(lod.path(lod.plan), query_string={"format": "pdf"})
    assert by_name.status_code == 406


def test_html_escapes_data(lod_client, lod):
    html = lod_client.get(lod.path(lod.element_1)).data.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_404_page_escapes_the_requested_path(lod_client):
    html = lod_client.get("/plan/<script>x</script>").data.decode()
    assert "<script>x" not in html


def test_context_document(lod_client, lod):
    response = lod_client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.data) == json.loads(lod.context)
    cached = lod_client.get("/context.jsonld", headers={"If-None-Match": response.headers["ETag"]})
    assert cached.status_code == 304
    assert "Content-Location" not in response.headers  # one unversioned file
    assert lod_client.get("/context/0.1.jsonld").status_code == 404


@pytest.fixture(scope="module")
def versioned_client(lod_store, lod_query_service, lod, lod_context, tmp_path_factory):
    """An app whose context has two versions: 0.1 (older) and 0.2 (current)."""
    folder = tmp_path_factory.mktemp("contexts") / "context"
    folder.mkdir()
    (folder / "0.1.jsonld").write_text(lod_context.read_text().replace('"label"', '"libelle"'))
    (folder / "0.2.jsonld").write_text(lod_context.read_text())
    app = create_app(lod_store, lod_query_service, base_iri=lod.base, context_path=folder)
    app.testing = True
    return app.test_client(), folder


def test_every_context_version_is_served_at_its_own_url(versioned_client):
    client, folder = versioned_client
    for version in ("0.1", "0.2"):
        response = client.get(f"/context/{version}.jsonld")
        assert response.status_code == 200 and response.mimetype == "application/ld+json"
        assert response.data == (folder / f"{version}.jsonld").read_bytes()
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Cache-Control"] == "public, max-age=86400"
        cached = client.get(
            response.request.path, headers={"If-None-Match": response.headers["ETag"]}
        )
        assert cached.status_code == 304
    missing = client.get("/context/0.3.jsonld")
    assert missing.status_code == 404 and "0.3" in missing.data.decode()


def test_the_unversioned_context_url_serves_the_current_version(versioned_client, lod):
    client, folder = versioned_client
    response = client.get("/context.jsonld")
    assert response.data == (folder / "0.2.jsonld").read_bytes()
    assert response.headers["Content-Location"] == "/context/0.2.jsonld"
    described = client.get(lod.path(lod.plan), headers={"Accept": "application/ld+json"})
    assert json.loads(described.data)["@context"] == lod.base + "context/0.2.jsonld"


def test_home_lists_the_plans(lod_client, lod):
    response = lod_client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.data.decode()
    assert f'href="{lod.path(lod.plan)}"' in html and "Plan de démonstration" in html


def test_cors_preflight(lod_client):
    response = lod_client.options(
        "/sparql",
        headers={"Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_other_methods_are_405(lod_client, lod):
    response = lod_client.post(lod.path(lod.plan))
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


# -- SPARQL protocol --------------------------------------------------------------------

SELECT_PLANS = "SELECT ?label WHERE { ?p a lodplan:Plan ; rdfs:label ?label } ORDER BY ?label"


def _labels(response) -> list[str]:
    return [b["label"]["value"] for b in json.loads(response.data)["results"]["bindings"]]


def test_sparql_get(lod_client):
    response = lod_client.get("/sparql", query_string={"query": SELECT_PLANS})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert _labels(response) == ["Demonstration plan", "Plan de démonstration"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Vary"] == "Accept, Accept-Encoding"
    assert "X-SPARQL-MaxRows" not in response.headers


def test_sparql_post_form(lod_client):
    response = lod_client.post("/sparql", data={"query": SELECT_PLANS})
    assert response.status_code == 200
    assert _labels(response) == ["Demonstration plan", "Plan de démonstration"]


def test_sparql_post_direct(lod_client):
    response = lod_client.post(
        "/sparql",
        data=SELECT_PLANS.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.decode() == "label\r\nDemonstration plan\r\nPlan de démonstration\r\n"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_result_formats_by_accept(lod_client, accept, media_type):
    response = lod_client.get(
        "/sparql", query_string={"query": SELECT_PLANS}, headers={"Accept": accept}
    )
    assert response.status_code == 200 and response.mimetype == media_type


@pytest.mark.parametrize(
    ("parameter", "name", "media_type"),
    [
        ("format", "json", "application/sparql-results+json"),
        ("format", "xml", "application/sparql-results+xml"),
        ("output", "csv", "text/csv"),
        ("output", "tsv", "text/tab-separated-values"),
        ("format", "text/csv", "text/csv"),
    ],
)
def test_select_result_formats_by_parameter(lod_client, parameter, name, media_type):
    response = lod_client.get(
        "/sparql",
        query_string={"query": SELECT_PLANS, parameter: name},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.mimetype == media_type


@pytest.mark.parametrize(
    ("accept", "name", "media_type"),
    [
        ("text/turtle", None, "text/turtle"),
        ("application/ld+json", None, "application/ld+json"),
        ("application/n-triples", None, "application/n-triples"),
        ("application/rdf+xml", None, "application/rdf+xml"),
        (None, None, "text/turtle"),
        (None, "ttl", "text/turtle"),
        (None, "jsonld", "application/ld+json"),
        (None, "nt", "application/n-triples"),
        (None, "rdf", "application/rdf+xml"),
    ],
)
def test_construct_result_formats(lod_client, lod, accept, name, media_type):
    query = {"query": f"DESCRIBE <{lod.actor}>"}
    if name:
        query["format"] = name
    response = lod_client.get(
        "/sparql", query_string=query, headers={"Accept": accept} if accept else {}
    )
    assert response.status_code == 200 and response.mimetype == media_type
    assert "Ville de Test" in response.data.decode()


def test_row_cap_header(lod_client):
    response = lod_client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
    assert response.headers["X-SPARQL-MaxRows"] == "5"
    assert len(json.loads(response.data)["results"]["bindings"]) == 5


def test_malformed_query_is_400_with_the_parser_message(lod_client):
    response = lod_client.get("/sparql", query_string={"query": "SELEC ?x"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "error at 1:" in response.data.decode()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ({"update": "INSERT DATA { <a:a> <a:b> <a:c> }"}, None),
        (b"INSERT DATA { <a:a> <a:b> <a:c> }", "application/sparql-update"),
        ({"query": "DELETE WHERE { ?s ?p ?o }"}, None),
    ],
)
def test_updates_are_403(lod_client, data, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = lod_client.post("/sparql", data=data, headers=headers)
    assert response.status_code == 403
    assert "read-only" in response.data.decode()


def test_service_clause_is_403(lod_client):
    response = lod_client.get(
        "/sparql", query_string={"query": "SELECT * { SERVICE <http://10.0.0.1/> { ?s ?p ?o } }"}
    )
    assert response.status_code == 403
    assert "SERVICE" in response.data.decode()


def test_unacceptable_result_type_is_406(lod_client, lod):
    response = lod_client.get(
        "/sparql", query_string={"query": SELECT_PLANS}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    construct_as_csv = lod_client.get(
        "/sparql",
        query_string={"query": f"DESCRIBE <{lod.actor}>", "format": "csv"},
        headers={"Accept": "text/csv"},
    )
    assert construct_as_csv.status_code == 406
    # a name of the other kind of result leaves the format to Accept (SPARQLWrapper
    # sends its return format's name whatever the query form)
    construct_any = lod_client.get(
        "/sparql", query_string={"query": f"DESCRIBE <{lod.actor}>", "format": "csv"}
    )
    assert construct_any.status_code == 200 and construct_any.mimetype == "text/turtle"


def test_protocol_errors(lod_client, lod):
    two_queries = lod_client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert two_queries.status_code == 400
    empty = lod_client.get("/sparql", query_string={"query": " "})
    assert empty.status_code == 400
    wrong_body = lod_client.post("/sparql", data=b"ASK {}", headers={"Content-Type": "text/x"})
    assert wrong_body.status_code == 415
    bad_graph = lod_client.get(
        "/sparql", query_string={"query": "ASK {}", "default-graph-uri": "not an iri"}
    )
    assert bad_graph.status_code == 400


def test_dataset_parameters(lod_client, lod):
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    response = lod_client.get(
        "/sparql", query_string={"query": count, "default-graph-uri": lod.graphs[1]}
    )
    assert json.loads(response.data)["results"]["bindings"][0]["n"]["value"] == "3"


def test_service_description_in_turtle_by_default(lod_client, lod):
    response = lod_client.get("/sparql")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    triples = {quad.triple for quad in parse(response.data, format=RdfFormat.TURTLE)}
    values = {(t.predicate.value.rsplit("#", 1)[-1], t.object.value) for t in triples}
    assert ("endpoint", lod.base + "sparql") in values
    assert (
        "feature",
        "http://www.w3.org/ns/sparql-service-description#UnionDefaultGraph",
    ) in values
    assert (
        "supportedLanguage",
        "http://www.w3.org/ns/sparql-service-description#SPARQL11Query",
    ) in values
    assert ("resultFormat", "http://www.w3.org/ns/formats/SPARQL_Results_CSV") in values
    assert {graph for name, graph in values if name == "name"} == set(lod.graphs)
    assert any("X-SPARQL-MaxRows: 5" in value for _, value in values)


@pytest.mark.parametrize(
    "media_type", ["application/ld+json", "application/rdf+xml", "application/n-triples"]
)
def test_service_description_negotiates(lod_client, media_type):
    response = lod_client.get("/sparql", headers={"Accept": media_type})
    assert response.status_code == 200 and response.mimetype == media_type


def test_browsers_get_a_query_form(lod_client):
    response = lod_client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.mimetype == "text/html"
    assert "<textarea" in response.data.decode()


def test_timeout_is_503(tmp_path, publish_lod, lod, lod_context):
    publish_lod(tmp_path / "store")
    app = create_app_for_store(
        tmp_path / "store", lod.base, QueryLimits(timeout_s=1.0), context_path=lod_context
    )
    endless = "SELECT (COUNT(*) AS ?n) { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(6))
    try:
        response = app.test_client().get("/sparql", query_string={"query": endless + " }"})
        assert response.status_code == 503
        assert "did not finish within 1 s" in response.data.decode()
    finally:
        app.extensions["lodplan"].queries.close()


def test_request_paths_map_to_iris(lod_client):
    response = lod_client.get("/plan/a%20b%3Fc", headers={"Accept": "text/plain, */*;q=0.1"})
    assert response.status_code == 404
    assert "http://lod.test/plan/a%20b%3Fc" in response.data.decode()  # encoded as in an IRI


def test_pages_link_to_their_other_language_without_foreign_parameters(lod_client, lod):
    html = lod_client.get(lod.path(lod.plan) + "?utm=x&lang=fr").data.decode()
    assert f'hreflang="en" href="{lod.path(lod.plan)}?lang=en"' in html
    searched = lod_client.get("/search?q=plan&utm=x").data.decode()
    assert 'href="/search?q=plan&amp;lang=en"' in searched


def test_language_links_keep_the_mount_point(lod_client, lod):
    html = lod_client.get(lod.path(lod.plan), environ_overrides={"SCRIPT_NAME": "/lod"}).data
    assert f'hreflang="en" href="/lod{lod.path(lod.plan)}?lang=en"'.encode() in html


def test_a_resource_iri_never_redirects_to_another_host(lod_client, lod):
    response = lod_client.get("/resource", query_string={"iri": lod.base + "/evil.example/#a"})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/%2Fevil.example/")


def test_names_too_long_for_the_file_system_are_not_found(lod_client):
    assert lod_client.get("/validation/" + "a" * 300).status_code == 404
    assert lod_client.get("/download/" + "a" * 300).status_code == 404
