"""SHACL validation per plan: findings name the node, the constraint and the source line."""

from __future__ import annotations

import hashlib
import json

import pyshacl_turbo
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH

from lodplan.errors import LodplanError
from lodplan.terms import LP, STATUS
from lodplan.validation import (
    ENGINE_ENV,
    REFERENCE,
    TURBO,
    ValidationReport,
    Validator,
    report_summary,
    validation_files,
)
from tests.conftest import TEST_BASE
from tests.support.validation_reports import ACTION as TEST_ACTION
from tests.support.validation_reports import (
    HOSTILE_LABEL,
    PLAN,
    SOURCE_LINES,
    plan_graph,
    validate_test_plan,
)

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


# --- what a report records, and the files a build publishes from it ---


@pytest.fixture
def validated(tmp_path, vocabulary):
    return validate_test_plan(tmp_path, vocabulary)


def test_report_records_what_was_checked(validated):
    report, run = validated.report, validated.report.run
    assert report.counts() == {"violation": 1, "warning": 1, "info": 1}
    assert not report.conforms
    assert run is not None
    assert run.data_triples == len(plan_graph())
    assert run.validated_triples == run.data_triples + run.vocabulary_triples
    assert run.vocabulary_triples > 1000  # the ontology and code lists are validated too
    assert (run.validator, run.validator_version) == (TURBO, pyshacl_turbo.__version__)
    digest = hashlib.sha256(validated.shapes_file.read_bytes()).hexdigest()
    assert run.shapes_files == (("shapes.ttl", digest),)
    uses = {shape.name: shape for shape in run.shapes}
    # property shapes have no target of their own: only the node shapes are listed
    assert set(uses) == {"lpsh:PlanShape", "lpsh:ActionShape", "lpsh:KeyFiguresShape"}
    assert (uses["lpsh:PlanShape"].focus_nodes, uses["lpsh:PlanShape"].constraints) == (1, 1)
    assert (uses["lpsh:ActionShape"].focus_nodes, uses["lpsh:ActionShape"].constraints) == (1, 2)
    assert uses["lpsh:KeyFiguresShape"].focus_nodes == 0
    assert [(t.kind, t.value) for t in uses["lpsh:ActionShape"].targets] == [
        ("class", "lodplan:Action")
    ]
    assert uses["lpsh:PlanShape"].labels == {"fr": "Plan", "en": "Plan"}


def test_the_cli_rendering_is_unchanged_by_the_new_fields(validated):
    rendered = validated.report.render()
    assert rendered.splitlines()[0] == "essai: FAILS"
    assert f"{validated.mappings / 'essai' / 'source.txt'}:5: violation: " in rendered
    assert "    en: An action label has at most 20 characters." in rendered


def summaries(files):
    return {f.name: f for f in files}


def test_summary_gives_each_result_with_its_source_lines(validated):
    files = summaries(validation_files([validated.report], [validated.plan], validated.mappings))
    assert set(files) == {"validation/essai.ttl", "validation/essai.json", "validation/index.json"}
    summary = json.loads(files["validation/essai.json"].content)
    assert summary["conforms"] is False
    assert summary["counts"] == {"violation": 1, "warning": 1, "info": 1}
    assert summary["subject"] == str(PLAN) and summary["kind"] == "plan"
    assert summary["validator"] == {
        "name": "pyshacl-turbo",
        "version": pyshacl_turbo.__version__,
        "inference": "none",
        "advanced": True,
    }
    assert summary["triples"]["data"] == len(plan_graph())
    warning = next(r for r in summary["results"] if r["severity"] == "warning")
    assert warning["focus"] == str(PLAN)
    assert warning["path"] == "dcterms:issued"
    assert warning["shape"] == "lpsh:Plan-issued"
    assert warning["shape_name"] == {"fr": "date de publication", "en": "issued"}
    assert warning["messages"]["en"] == "A plan should have an issue date."
    assert warning["focus_label"]["en"] == "Test plan"
    assert (
        warning["source"]
        == {
            "file": "essai/source.txt",  # relative to the mappings folder
            "start_line": 1,
            "end_line": 3,
            "lines": list(SOURCE_LINES[0:3]),
            "truncated": False,
        }
    )
    violation = next(r for r in summary["results"] if r["severity"] == "violation")
    assert (violation["focus"], violation["value"]) == (str(TEST_ACTION), HOSTILE_LABEL)
    assert violation["source"]["lines"] == [HOSTILE_LABEL]
    shapes = {s["name"]: s["focus_nodes"] for s in summary["shapes"]}
    assert shapes == {"lpsh:PlanShape": 1, "lpsh:ActionShape": 1, "lpsh:KeyFiguresShape": 0}


def test_the_report_graph_is_published_as_turtle(validated):
    files = summaries(validation_files([validated.report], [validated.plan], validated.mappings))
    graph = Graph().parse(data=files["validation/essai.ttl"].content, format="turtle")
    [report] = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(False)
    severities = {graph.value(r, SH.resultSeverity) for r in graph.objects(report, SH.result)}
    assert severities == {SH.Violation, SH.Warning, SH.Info}
    assert graph.value(report, DCTERMS.created) is not None


def test_the_index_lists_every_report(validated, tmp_path):
    actors_file = tmp_path / "mappings" / "actors.yaml"
    actors_file.write_text("actors: {}\n", encoding="utf-8")
    shared = ValidationReport("actors")
    files = summaries(
        validation_files([shared, validated.report], [validated.plan], validated.mappings)
    )
    index = json.loads(files["validation/index.json"].content)
    assert [(e["id"], e["kind"], e["conforms"]) for e in index["reports"]] == [
        ("actors", "shared", True),
        ("essai", "plan", False),
    ]


def test_a_warning_leaves_a_bundled_plan_conforming(validator, mot):
    graph = copy(mot.graph)
    plan = next(graph.subjects(RDF.type, LP.Plan))
    graph.set((plan, LP.status, STATUS["en-cours"]))  # a status of elements, not of plans
    report = validator.validate("mot", graph, mot.spec.source.path)
    assert report.conforms
    [warning] = report.findings
    assert (warning.severity, warning.shape, warning.path) == (
        "warning",
        "lpsh:Plan-statusValue",
        "lodplan:status",
    )
    assert report.counts() == {"violation": 0, "warning": 1, "info": 0}
    applied = {shape.name: shape.focus_nodes for shape in report.run.shapes}
    assert applied["lpsh:PlanShape"] == 1
    assert applied["lpsh:ActionShape"] == len(set(graph.subjects(RDF.type, LP.Action)))


def test_an_editorial_note_without_its_language_is_reported(validator, mot):
    skos_note = URIRef("http://www.w3.org/2004/02/skos/core#editorialNote")
    graph = copy(mot.graph)
    graph.add((ACTION, skos_note, Literal("Note de l'éditeur.", lang="fr")))
    assert validator.validate("mot", graph, mot.spec.source.path).conforms
    graph.add((ACTION, skos_note, Literal("Une note sans langue.")))
    report = validator.validate("mot", graph, mot.spec.source.path)
    assert not report.conforms
    assert any(f.focus == str(ACTION) and f.path == "skos:editorialNote" for f in report.findings)


# --- the engine ---


def test_the_engine_is_chosen_by_its_setting(vocabulary, monkeypatch):
    assert Validator(vocabulary).engine == TURBO
    monkeypatch.setenv(ENGINE_ENV, REFERENCE)
    assert Validator(vocabulary).engine == REFERENCE
    assert Validator(vocabulary, engine=TURBO).engine == TURBO
    monkeypatch.setenv(ENGINE_ENV, "jena")
    with pytest.raises(LodplanError, match="pyshacl-turbo, pyshacl"):
        Validator(vocabulary)


def test_pyshacl_as_engine_gives_the_same_report(tmp_path, vocabulary):
    pytest.importorskip("pyshacl")
    turbo = validate_test_plan(tmp_path / "turbo", vocabulary)
    reference = validate_test_plan(tmp_path / "reference", vocabulary, engine=REFERENCE)
    assert reference.report.run.validator == "pyshacl"
    assert turbo.report.findings != []
    mine, theirs = (report_summary(v.report, v.plan, v.mappings) for v in (turbo, reference))
    for summary in (mine, theirs):
        for key in ("validated_at", "duration_seconds", "validator"):
            summary.pop(key)
    assert json.dumps(mine) == json.dumps(theirs)
    assert turbo.report.graph.isomorphic(reference.report.graph)


def test_the_plans_n_triples_can_be_given(validator, mot):
    graph = copy(mot.graph)
    graph.remove((ACTION, RDFS.label, None))
    ntriples = graph.serialize(format="nt")
    given = validator.validate("mot", graph, mot.spec.source.path, ntriples)
    made = validator.validate("mot", graph, mot.spec.source.path)
    assert given.findings == made.findings
    assert given.run.shapes == made.run.shapes


def test_a_source_line_that_is_not_a_number_is_no_place(validator, mot):
    graph = copy(mot.graph)
    source = graph.value(ACTION, LP.source)
    graph.set((source, LP.startLine, Literal("cent sept")))
    report = validator.validate("mot", graph, mot.spec.source.path)
    finding = next(f for f in report.findings if f.path == "lodplan:startLine")
    assert finding.place is None  # reported, without a line to point to
