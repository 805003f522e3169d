"""Content negotiation of resource formats."""

from __future__ import annotations

import pytest

from lodplan.publishing.negotiation import (
    HTML,
    JSONLD,
    NTRIPLES,
    RDFXML,
    RESOURCE_FORMATS,
    TURTLE,
    by_name,
    choose_resource_format,
    negotiate,
    split_extension,
)
from lodplan.sparql.results import CSV, JSON, SOLUTION_FORMATS

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize("accept", [None, "", "   ", "*/*", BROWSER, "text/*"])
def test_indifferent_clients_and_browsers_get_html(accept):
    assert choose_resource_format(accept) is HTML


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html", HTML),
        ("application/ld+json", JSONLD),
        ("application/json", JSONLD),
        ("text/turtle", TURTLE),
        ("application/n-triples", NTRIPLES),
        ("application/rdf+xml", RDFXML),
        ("application/*", JSONLD),
    ],
)
def test_each_media_type_selects_its_format(accept, expected):
    assert choose_resource_format(accept) is expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle;q=0.5, application/rdf+xml", RDFXML),
        ("text/html;q=0.1, text/turtle", TURTLE),
        ("application/n-triples;q=0.9, text/turtle;q=0.9, */*;q=0.1", TURTLE),
        ("application/ld+json;q=0.2, application/n-triples;q=0.3", NTRIPLES),
        ("text/turtle;q=0.2, */*;q=0.8", HTML),
    ],
)
def test_q_values_decide(accept, expected):
    assert choose_resource_format(accept) is expected


@pytest.mark.parametrize("accept", ["image/png", "text/html;q=0", "application/pdf, text/csv"])
def test_nothing_acceptable_gives_none(accept):
    assert choose_resource_format(accept) is None


def test_ties_go_to_the_servers_first_offer():
    assert negotiate("*/*", SOLUTION_FORMATS) is JSON
    assert negotiate("text/csv, application/sparql-results+json", SOLUTION_FORMATS) is JSON
    assert negotiate("text/csv, application/json;q=0.5", SOLUTION_FORMATS) is CSV


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("html", HTML),
        ("jsonld", JSONLD),
        ("json", JSONLD),
        ("ttl", TURTLE),
        ("turtle", TURTLE),
        ("nt", NTRIPLES),
        ("ntriples", NTRIPLES),
        ("rdf", RDFXML),
        ("xml", RDFXML),
        ("rdfxml", RDFXML),
        ("TTL", TURTLE),
        ("text/turtle", TURTLE),
    ],
)
def test_format_parameter_names(name, expected):
    assert by_name(name) is expected


def test_unknown_format_name_is_none():
    assert by_name("pdf") is None


@pytest.mark.parametrize(
    ("path", "stem", "expected"),
    [
        ("plan/p.html", "plan/p", HTML),
        ("plan/p.jsonld", "plan/p", JSONLD),
        ("plan/p.json", "plan/p", JSONLD),
        ("plan/p.ttl", "plan/p", TURTLE),
        ("plan/p.nt", "plan/p", NTRIPLES),
        ("plan/p.rdf", "plan/p", RDFXML),
        ("plan/element/1.1.ttl", "plan/element/1.1", TURTLE),
    ],
)
def test_split_extension(path, stem, expected):
    assert split_extension(path) == (stem, expected)


@pytest.mark.parametrize("path", ["plan/p", "plan/element/1.1", "plan/p.txt"])
def test_paths_without_format_extension(path):
    assert split_extension(path) is None


def test_textual_formats_declare_utf8():
    assert TURTLE.content_type == "text/turtle; charset=utf-8"
    assert HTML.content_type == "text/html; charset=utf-8"
    assert RDFXML.content_type == "application/rdf+xml; charset=utf-8"
    assert JSONLD.content_type == "application/ld+json"


def test_every_resource_format_has_media_type_extension_and_name():
    for fmt in RESOURCE_FORMATS:
        assert fmt.media_type and fmt.extension.startswith(".") and fmt.names
