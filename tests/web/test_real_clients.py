"""The clients people already use, against the real server serving the bundled plans
(issue 14, items 3 and 6): SPARQLWrapper for every query form and return format,
rdflib's SPARQLStore, pyld's default document loader, and curl-like ``Accept``
headers with parameters.

The server runs at the address the bundled IRIs are minted under, so that pyld and
rdflib can dereference them (and the JSON-LD context they name) over HTTP.
"""

from __future__ import annotations

import re
import warnings
from urllib.parse import urljoin
from xml.dom.minidom import Document

import pytest
import requests
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.support.server import running_server

pytestmark = pytest.mark.e2e

PLAN = "plan/mot-programme-2023"
ELEMENT = "plan/mot-programme-2023/element/3.2.2/bons-a-tirer"
ACTOR = "actor/mot"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

QUERIES = {
    "SELECT": "SELECT ?plan ?label WHERE { ?plan a lodplan:Plan ; rdfs:label ?label } LIMIT 5",
    "ASK": "ASK { ?plan a lodplan:Plan }",
    "CONSTRUCT": "CONSTRUCT { ?plan rdfs:label ?label } WHERE "
    "{ ?plan a lodplan:Plan ; rdfs:label ?label }",
    "DESCRIBE": "DESCRIBE <{base}plan/mot-programme-2023>",
}
#: every return format SPARQLWrapper 2 offers (SPARQLWrapper.Wrapper._allowedFormats)
RETURN_FORMATS = [JSON, XML, TURTLE, N3, RDF, RDFXML, CSV, TSV, JSONLD]
PREFIXES = (
    "PREFIX lodplan: <https://w3id.org/lodplan/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)


@pytest.fixture(scope="module")
def base(bundled_build):
    with running_server(bundled_build.store, bundled_build.port) as root:
        assert root == bundled_build.base  # the IRIs dereference at their own address
        yield root


def _query(base: str, form: str) -> str:
    return PREFIXES + QUERIES[form].replace("{base}", base)


# -- SPARQLWrapper: every query form x every return format, GET and POST ------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("return_format", RETURN_FORMATS)
@pytest.mark.parametrize("form", list(QUERIES))
def test_sparqlwrapper(base, form, return_format, method):
    client = SPARQLWrapper(base + "sparql", returnFormat=return_format)
    client.setMethod(method)
    client.setQuery(_query(base, form))
    with warnings.catch_warnings():
        # SPARQLWrapper warns when it asks a format the query form cannot have
        # (Turtle for a SELECT): it then sends Accept: */*, and gets the default
        warnings.simplefilter("ignore", RuntimeWarning)
        result = client.query()
        converted = result.convert()
    content_type = result.response.headers["Content-Type"]
    if form in ("CONSTRUCT", "DESCRIBE"):
        if isinstance(converted, bytes):  # SPARQLWrapper hands Turtle over as it came
            assert content_type.startswith("text/turtle")
            converted = Graph().parse(data=converted, format="turtle")
        assert isinstance(converted, Graph), (content_type, converted)
        labels = {str(o) for o in converted.objects(URIRef(base + PLAN), URIRef(RDFS_LABEL))}
        assert labels, content_type
        expected = {
            TURTLE: "text/turtle",
            N3: "text/turtle",
            RDF: "application/rdf+xml",
            RDFXML: "application/rdf+xml",
            XML: "application/rdf+xml",
            JSONLD: "application/ld+json",
            JSON: "application/ld+json",
        }.get(return_format, "text/turtle")  # CSV, TSV name no graph format: Accept decides
        assert content_type.startswith(expected)
        return
    expected = {
        XML: "application/sparql-results+xml",
        CSV: "text/csv",
        TSV: "text/tab-separated-values",
    }.get(return_format, "application/sparql-results+json")  # RDF names: Accept decides
    assert content_type.startswith(expected)
    if expected.endswith("json"):
        assert ("boolean" in converted) if form == "ASK" else converted["results"]["bindings"]
        if form == "ASK":
            assert converted["boolean"] is True
    elif expected.endswith("xml"):
        assert isinstance(converted, Document)
        assert converted.getElementsByTagName("boolean" if form == "ASK" else "result")
    else:
        text = converted.decode("utf-8")
        assert ("true" in text) if form == "ASK" else "Programme" in text


# -- rdflib's SPARQLStore -----------------------------------------------------------------


def test_rdflib_sparqlstore(base):
    """SPARQLStore's default (returnFormat="xml") asks SPARQL XML or RDF/XML: every form."""
    store = SPARQLStore(base + "sparql")
    graph = Graph(store=store)
    plan = URIRef(base + PLAN)
    assert plan in {row[0] for row in graph.query(_query(base, "SELECT"))}
    assert graph.query(_query(base, "ASK")).askAnswer is True
    for form in ("CONSTRUCT", "DESCRIBE"):
        result = graph.query(_query(base, form))
        assert any(s == plan for s, _, _ in result), form
    assert (plan, URIRef(RDFS_LABEL), None) in graph  # triple patterns become SELECTs
    store.close()


@pytest.mark.parametrize("return_format", ["json", "csv", "tsv"])
def test_rdflib_sparqlstore_table_formats(base, return_format):
    """With another returnFormat, SPARQLStore accepts only that results format: SELECT
    works; ASK too in JSON (CSV and TSV define no boolean, rdflib reads lodplan's
    ``_askResult`` table as rows); a graph has no such format, so CONSTRUCT and
    DESCRIBE are refused 406 (rdflib reports a ValueError) — the client's choice."""
    store = SPARQLStore(base + "sparql", returnFormat=return_format)
    graph = Graph(store=store)
    assert URIRef(base + PLAN) in {row[0] for row in graph.query(_query(base, "SELECT"))}
    if return_format == "json":
        assert graph.query(_query(base, "ASK")).askAnswer is True
    with pytest.raises(ValueError):
        graph.query(_query(base, "CONSTRUCT"))
    store.close()


# -- pyld's default document loader --------------------------------------------------------


@pytest.mark.parametrize(
    "path", [PLAN, ELEMENT, ACTOR, "source/mot-programme-2023", "graph/plan/mot-programme-2023", ""]
)
def test_pyld_dereferences_lodplan_iris(base, path):
    iri = base + path
    loader = jsonld.get_document_loader()  # requests, with pyld's own Accept
    remote = loader(iri, {})
    assert remote["contentType"] == "application/ld+json"
    expanded = jsonld.expand(iri)  # loads the document, then its @context, over HTTP
    assert iri in {node.get("@id") for node in expanded}


@pytest.mark.parametrize("path", [PLAN, ELEMENT, ACTOR, ".well-known/void", "ontology"])
@pytest.mark.parametrize(
    "accept", ["text/html", "application/ld+json", "text/turtle", "application/rdf+xml"]
)
def test_link_headers_follow_rfc_8288(base, path, accept):
    response = requests.get(base + path, headers={"Accept": accept}, timeout=10)
    assert response.status_code == 200
    links = _parse_link_header(response.headers["Link"])
    assert links, response.headers["Link"]
    for target, params in links:
        assert params["rel"] == "alternate"
        other = requests.get(urljoin(response.url, target), timeout=10)
        assert other.status_code == 200, target
        assert other.headers["Content-Type"].split(";")[0] == params["type"], target
    if accept == "application/ld+json":  # pyld reads a single rel="alternate"
        assert [params["type"] for _, params in links] == ["text/html"]


_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_PARAM = rf"[ \t]*;[ \t]*({_TOKEN})(?:[ \t]*=[ \t]*({_TOKEN}|{_QUOTED}))?"  # link-param
_LINK_VALUE = re.compile(rf"<(?P<target>[^<>\s]*)>(?P<params>(?:{_PARAM})*)")
_LINK_PARAM = re.compile(_PARAM)


def _parse_link_header(header: str) -> list[tuple[str, dict[str, str]]]:
    """Parse a ``Link`` field value by RFC 8288's grammar; fail on anything else."""
    links: list[tuple[str, dict[str, str]]] = []
    position = 0
    while position < len(header):
        match = _LINK_VALUE.match(header, position)
        assert match, f"not an RFC 8288 link-value at {header[position:]!r}"
        params = {
            name.lower(): value[1:-1] if value.startswith('"') else value
            for name, value in _LINK_PARAM.findall(match["params"])
        }
        links.append((match["target"], params))
        position = match.end()
        separator = re.compile(r"[ \t]*,[ \t]*").match(header, position)
        assert separator or position == len(header), header[position:]
        position = separator.end() if separator else position
    return links


# -- Accept headers with parameters, as curl users write them ----------------------------

COMPACTED = 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"'
RDF_ACCEPTS = [
    ("text/turtle; charset=utf-8", "text/turtle"),
    ("text/turtle;charset=UTF-8;q=0.9, */*;q=0.1", "text/turtle"),
    (COMPACTED, "application/ld+json"),
    ('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"', "application/ld+json"),
    ("application/n-triples; charset=utf-8", "application/n-triples"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.4, */*;q=0.1", "application/rdf+xml"),
    ("application/*;q=0.8, text/html;q=0.1", "application/ld+json"),
]


@pytest.mark.parametrize(("accept", "media_type"), RDF_ACCEPTS)
@pytest.mark.parametrize(
    "path", [PLAN, ELEMENT, ACTOR, ".well-known/void", "catalog", "ontology", "sparql"]
)
def test_accept_with_parameters(base, path, accept, media_type):
    response = requests.get(base + path, headers={"Accept": accept}, timeout=10)
    assert response.status_code == 200, (path, accept, response.text[:200])
    assert response.headers["Content-Type"].split(";")[0] == media_type


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
        ("application/sparql-results+xml;charset=utf-8", "application/sparql-results+xml"),
        ("text/csv; charset=utf-8; header=present", "text/csv"),
        ("text/tab-separated-values;q=0.9, application/json;q=0.1", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_sparql_results_with_parameters(base, accept, media_type):
    response = requests.get(
        base + "sparql", params={"query": _query(base, "SELECT")}, headers={"Accept": accept}
    )
    assert response.status_code == 200, response.text[:200]
    assert response.headers["Content-Type"].split(";")[0] == media_type


@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
@pytest.mark.parametrize(("accept", "media_type"), RDF_ACCEPTS[:-1])
def test_sparql_graphs_with_parameters(base, form, accept, media_type):
    response = requests.get(
        base + "sparql", params={"query": _query(base, form)}, headers={"Accept": accept}
    )
    assert response.status_code == 200, response.text[:200]
    assert response.headers["Content-Type"].split(";")[0] == media_type


def test_a_charset_lodplan_does_not_write_is_still_406(base):
    response = requests.get(
        base + PLAN, headers={"Accept": "text/turtle; charset=iso-8859-1"}, timeout=10
    )
    assert response.status_code == 406


# -- a shared query link opened in a browser ------------------------------------------------

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize("form", list(QUERIES))
def test_a_browser_gets_the_result_as_a_page(base, form):
    query = _query(base, form)
    response = requests.get(
        base + "sparql", params={"query": query}, headers={"Accept": BROWSER}, timeout=10
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    html = response.text
    assert "<table" in html or form == "ASK"
    if form == "ASK":
        assert "true" in html
    else:
        assert f'href="{base}{PLAN}"' in html  # IRIs are links
    assert "format=csv" in html or "format=ttl" in html  # the machine formats are a click away


def test_the_result_page_shows_markup_as_text(base):
    query = 'SELECT ?x WHERE { BIND("<img src=x onerror=alert(1)>" AS ?x) }'
    response = requests.get(
        base + "sparql", params={"query": query}, headers={"Accept": BROWSER}, timeout=10
    )
    assert response.status_code == 200
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text
