"""SHACL validation per plan: findings name the node, the constraint and the source line."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from lodplan.terms import LP, STATUS
from lodplan.validation import Validator
from tests.conftest import TEST_BASE

ACTION = URIRef(TEST_BASE + "plan/mot-programme-2023/element/3.2.2/bons-a-tirer")


@pytest.fixture(scope="module")
def validator(vocabulary):
    return Validator(vocabulary)


@pytest.fixture
def mot(map_bundled):
    return map_bundled("mot-programme-2023")


def copy(graph: Graph) -> Graph:
    clone = Graph()
    for triple in graph:
        clone.add(triple)
    return clone


def test_bundled_plan_conforms(validator, mot):
    report = validator.validate("mot", mot.graph, mot.spec.source.path)
    assert report.conforms, report.render()


def test_missing_label_is_reported_at_its_source_line(validator, mot):
    graph = copy(mot.graph)
    graph.remove((ACTION, RDFS.label, None))
    report = validator.validate("mot", graph, mot.spec.source.path)
    assert not report.conforms
    [finding] = [f for f in report.findings if f.focus == str(ACTION)]
    assert finding.place is not None and finding.place.start_line == 107
    assert finding.path == "rdfs:label"
    assert "MinCount" in finding.constraint
    assert {"fr", "en"} <= set(finding.messages)
    assert "002_b6921b81c624d4f5.txt:107" in report.render()


def test_value_outside_its_code_list_is_reported(validator, mot):
    graph = copy(mot.graph)
    graph.add((ACTION, LP.status, STATUS["inventee"]))
    report = validator.validate("mot", graph, mot.spec.source.path)
    assert not report.conforms
    assert any(f.focus == str(ACTION) and f.path == "lodplan:status" for f in report.findings)


def test_finding_on_a_sub_resource_points_to_its_element_line(validator, mot):
    graph = copy(mot.graph)
    date_node = next(iter(graph.objects(None, LP.date)))
    element = str(date_node).split("#")[0]
    graph.remove((date_node, LP.dateText, None))
    graph.add((date_node, LP.dateText, Literal("")))
    report = validator.validate("mot", graph, mot.spec.source.path)
    finding = next(f for f in report.findings if f.focus == str(date_node))
    source = mot.graph.value(URIRef(element), LP.source)
    assert finding.place.start_line == int(mot.graph.value(source, LP.startLine))
