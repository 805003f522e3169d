"""What the query service reads in a query text before running it: SERVICE, FROM, nesting."""

from __future__ import annotations

import pytest

from lodplan.sparql.inspection import code_text, inspect_query, nesting_depth

TARGET = "<http://127.0.0.1:8765/x>"
# rdflib cannot parse LATERAL (pyoxigraph can): these take the fallback path
LATERAL = "OPTIONAL { LATERAL { SELECT * {} } }"


# -- SERVICE: parsable queries (judged on the syntax tree and the code) -------------------


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ SERVICE {TARGET} {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s a ?t .SERVICE {TARGET} {{ ?x ?y ?z }} }}",
        f"SELECT * {{ {{ ?s ?p ?o }}SERVICE {TARGET} {{ ?x ?y ?z }} }}",
        f"select * {{ ?s a ?t . service silent {TARGET} {{ ?x ?y ?z }} }}",
        f"SELECT * {{ ?s a ?t .\n  Service {TARGET} {{ ?x ?y ?z }} }}",
    ],
)
def test_service_is_found_in_parsable_queries(query):
    assert inspect_query(query).uses_service


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?e WHERE { ?e rdfs:label ?l FILTER(CONTAINS(?l, "Services concernés")) }',
        "SELECT ?e WHERE { ?e rdfs:label 'service public'@fr }",
        'SELECT ?e WHERE { ?e rdfs:label """Service\ndes eaux""" }',
        "PREFIX ex: <http://ex.org/> SELECT * WHERE { ?s ex:service ?o }",
        "PREFIX service: <http://ex.org/> SELECT * WHERE { ?s service:p ?o }",
        "SELECT ?service WHERE { ?service ?p ?o }",
        "SELECT * WHERE { <http://ex.org/service> ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1/>",
    ],
)
def test_the_word_elsewhere_in_a_parsable_query_is_allowed(query):
    assert not inspect_query(query).uses_service


# -- SERVICE: queries rdflib cannot parse (fail closed) -------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ {LATERAL} ?s a ?t .SERVICE {TARGET} {{ ?x ?y ?z }} }}",
        f"SELECT * {{ {LATERAL} {{ ?s ?p ?o }}SERVICE {TARGET} {{ ?x ?y ?z }} }}",
        f"SELECT * {{ {LATERAL} . service {TARGET} {{ ?x ?y ?z }} }}",
        f"SELECT * {{ {LATERAL} ?s ?p 'service public' }}",  # no tree: refused anyway
        f"PREFIX ex: <http://ex.org/> SELECT * {{ {LATERAL} ?s ex:service ?o }}",
    ],
)
def test_unparsable_queries_mentioning_service_are_refused(query):
    features = inspect_query(query)
    assert features.uses_service and not features.checked


def test_unparsable_queries_without_the_word_are_not_federated():
    features = inspect_query(f"SELECT * {{ {LATERAL} ?s ?p ?o }} # servicing")
    assert not features.uses_service


# -- FROM --------------------------------------------------------------------------------


def test_dataset_clause():
    assert inspect_query("SELECT * FROM <http://g.example/> WHERE { ?s ?p ?o }").has_dataset_clause
    assert not inspect_query('SELECT * WHERE { ?s ?p "from" }').has_dataset_clause
    unparsable = f"SELECT * FROM <http://g.example/> WHERE {{ {LATERAL} }}"
    assert inspect_query(unparsable).has_dataset_clause
    assert not inspect_query(f"SELECT * WHERE {{ {LATERAL} ?s ?p 'from' }}").has_dataset_clause


# -- nesting -----------------------------------------------------------------------------


def test_nesting_depth_counts_brackets_braces_and_parentheses():
    assert nesting_depth("ASK {}") == 1
    assert nesting_depth("SELECT * { { ?s ?p ?o } FILTER((1 + 2) > 0) }") == 3
    assert nesting_depth("SELECT * " + "{" * 5000 + "}" * 5000) == 5000
    assert nesting_depth("SELECT * { [ :p [ :q ( 1 2 ) ] ] }") == 4


def test_nesting_depth_ignores_strings_iris_and_comments():
    query = """SELECT * { ?s ?p "{{{((" . ?s ?p '''[[['''  # {{{{{{
      ?s <http://ex.org/a/b> ?o . ?s ?p ex:a\\(b }"""
    assert nesting_depth(query) == 1


def test_brackets_between_angles_count_as_they_may_be_comparisons():
    # pyoxigraph may read "<(…)>" as "less than (…) greater than": the depth counts
    assert nesting_depth("ASK { FILTER(1<((((1))))>0) }") == 6
    assert nesting_depth("SELECT * { <http://ex.org/Paris_(France)> ?p ?o }") == 2


def test_stray_closing_brackets_cannot_hide_depth():
    hidden = "SELECT * " + ")]}" * 50 + "{" * 300 + "}" * 300
    assert nesting_depth(hidden) == 300


def test_code_text_blanks_strings_iris_and_comments():
    code = code_text('SELECT * { ?s <http://x/SERVICE> "SERVICE" } # SERVICE\nLIMIT 1')
    assert "SERVICE" not in code
    assert code.split() == ["SELECT", "*", "{", "?s", "}", "LIMIT", "1"]
