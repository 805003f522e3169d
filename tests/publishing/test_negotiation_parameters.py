"""Media ranges with parameters (RFC 9110 §12.5.1) and the format names clients send."""

from __future__ import annotations

import pytest

from lodplan.publishing.negotiation import (
    HTML,
    JSONLD,
    NTRIPLES,
    RDF_FORMATS,
    RDFXML,
    RESOURCE_FORMATS,
    TURTLE,
    alternate_links,
    by_name,
    choose_resource_format,
    first_named,
    negotiate,
)
from lodplan.sparql.results import CSV, JSON, SOLUTION_FORMATS, TSV, XML

COMPACTED = '"http://www.w3.org/ns/json-ld#compacted"'


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle; charset=utf-8", TURTLE),  # lodplan's own Content-Type
        ("text/turtle;charset=UTF-8", TURTLE),
        ('text/turtle; charset="utf-8"', TURTLE),
        (f"application/ld+json; profile={COMPACTED}", JSONLD),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"', JSONLD),
        (f"application/ld+json;profile={COMPACTED};q=0.9, text/turtle;q=0.5", JSONLD),
        ("application/n-triples; charset=utf-8", NTRIPLES),
        ("application/rdf+xml;charset=utf-8;q=1", RDFXML),
        ("text/turtle;q=0.9, */*;q=0.1", TURTLE),
        ("text/turtle, */*", TURTLE),  # same weight: the range naming Turtle is more specific
        ("text/*;q=0.9, text/html;q=0.1", TURTLE),  # text/html's own weight applies to HTML
        ("*/*, text/html;q=0", JSONLD),  # q=0: not acceptable
        ("application/x-unknown, text/turtle;q=0.3", TURTLE),
        ("not a media range, text/turtle", TURTLE),
    ],
)
def test_media_ranges_with_parameters(accept, expected):
    assert choose_resource_format(accept) is expected


@pytest.mark.parametrize(
    "accept",
    ["text/turtle; charset=iso-8859-1", "application/ld+json;charset=latin1, text/html;q=0"],
)
def test_a_charset_other_than_utf8_excludes_the_format(accept):
    assert choose_resource_format(accept) is None


def test_a_charset_that_does_not_match_falls_back_to_the_next_range():
    accept = "text/turtle;charset=iso-8859-1, text/turtle;q=0.5, text/html;q=0.4"
    assert choose_resource_format(accept) is TURTLE


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json; charset=utf-8", JSON),
        ("application/sparql-results+xml;charset=UTF-8", XML),
        ("text/csv; charset=utf-8; header=present", CSV),
        ("text/tab-separated-values;charset=utf-8", TSV),
        ("application/json, text/javascript, application/javascript", JSON),
    ],
)
def test_solution_formats_with_parameters(accept, expected):
    assert negotiate(accept, SOLUTION_FORMATS) is expected


@pytest.mark.parametrize(
    ("name", "offers", "expected"),
    [  # what SPARQLWrapper 2 puts in format=/output=/results= for each return format
        ("json-ld", RDF_FORMATS, JSONLD),
        ("application/ld+json,application/x-json+ld", RDF_FORMATS, JSONLD),
        ("rdf+xml", RDF_FORMATS, RDFXML),
        ("application/rdf+xml", RDF_FORMATS, RDFXML),
        ("n3", RDF_FORMATS, TURTLE),
        ("turtle", RDF_FORMATS, TURTLE),
        ("xml", RDF_FORMATS, RDFXML),
        ("rdf", RDF_FORMATS, RDFXML),
        ("json", RDF_FORMATS, JSONLD),
        ("n-triples", RDF_FORMATS, NTRIPLES),
        ("json", SOLUTION_FORMATS, JSON),
        ("xml", SOLUTION_FORMATS, XML),
        ("csv", SOLUTION_FORMATS, CSV),
        ("tsv", SOLUTION_FORMATS, TSV),
        ("text/tab-separated-values", SOLUTION_FORMATS, TSV),
        ("application/sparql-results+json; charset=utf-8", SOLUTION_FORMATS, JSON),
    ],
)
def test_names_clients_send(name, offers, expected):
    assert by_name(name, offers) is expected


def test_first_named_skips_names_of_other_formats():
    assert first_named(["tsv", "text/tab-separated-values"], SOLUTION_FORMATS) is TSV
    assert first_named(["csv", "turtle"], RDF_FORMATS) is TURTLE
    assert first_named(["pdf", ""], RDF_FORMATS) is None


def test_jsonld_representations_name_only_the_html_page_as_alternate():
    alternates = [(f"/r{fmt.extension}", fmt) for fmt in RESOURCE_FORMATS]
    assert alternate_links(alternates, JSONLD) == '</r.html>; rel="alternate"; type="text/html"'
    turtle = alternate_links(alternates, TURTLE)
    assert turtle.count('rel="alternate"') == 4
    assert '</r.jsonld>; rel="alternate"; type="application/ld+json"' in turtle
    assert HTML.media_type not in alternate_links(alternates, HTML)
