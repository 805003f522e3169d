"""The ontology page's view model, checked against the Turtle files it documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SH, SKOS

from lodplan.pages.links import StaticLinks
from lodplan.pages.ontology_docs import (
    ClassDoc,
    Constraint,
    NodeShapeDoc,
    OntologyDocs,
    PropertyDoc,
    Ref,
    Sources,
    bundled_ontology_docs,
    load_ontology_docs,
    render_ontology_page,
)
from lodplan.pages.render import PageRenderer
from lodplan.terms import LP

SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
CODE = "https://w3id.org/lodplan/code/"


@pytest.fixture(scope="module")
def docs() -> OntologyDocs:
    return bundled_ontology_docs()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(Sources.bundled().ontology)


def _class(docs: OntologyDocs, name: str) -> ClassDoc:
    return next(c for c in docs.classes if c.ref.iri == str(LP[name]))


def _property(docs: OntologyDocs, name: str) -> PropertyDoc:
    return next(p for p in docs.properties if p.ref.iri == str(LP[name]))


def _iris(refs) -> list[str]:
    return [r.iri for r in refs]


def _lodplan_subjects(graph: Graph, rdf_type: URIRef) -> set[str]:
    return {str(s) for s in graph.subjects(RDF.type, rdf_type) if str(s).startswith(str(LP))}


# -- every term, in both languages ------------------------------------------------------


def test_every_class_of_the_ontology_is_documented_with_french_and_english_labels(docs, ontology):
    expected = _lodplan_subjects(ontology, OWL.Class)
    assert expected  # the file defines classes: the comparison is not vacuous
    assert {c.ref.iri for c in docs.classes} == expected
    for doc in docs.classes:
        languages = {item.lang for item in doc.notes.label.items}
        assert {"fr", "en"} <= languages, doc.ref.name
        assert {"fr", "en"} <= {item.lang for item in doc.notes.definition.items}, doc.ref.name
        assert doc.ref.anchor == doc.ref.iri.removeprefix(str(LP))


@pytest.mark.parametrize(
    ("rdf_type", "section"),
    [
        (OWL.ObjectProperty, "object_properties"),
        (OWL.DatatypeProperty, "datatype_properties"),
        (OWL.AnnotationProperty, "other_properties"),
    ],
)
def test_every_property_is_documented_in_its_section(docs, ontology, rdf_type, section):
    expected = _lodplan_subjects(ontology, rdf_type)
    documented = getattr(docs, section)
    assert {p.ref.iri for p in documented} == expected
    for doc in documented:
        assert {"fr", "en"} <= {item.lang for item in doc.notes.label.items}, doc.ref.name


def test_the_external_terms_the_file_declares_are_listed(docs, ontology):
    declared = {
        str(s)
        for rdf_type in (
            OWL.Class,
            OWL.ObjectProperty,
            OWL.DatatypeProperty,
            OWL.AnnotationProperty,
        )
        for s in ontology.subjects(RDF.type, rdf_type)
        if isinstance(s, URIRef) and not str(s).startswith(str(LP))
    }
    listed = _iris(docs.reused_classes) + _iris(docs.reused_properties)
    assert set(listed) == declared
    assert all(r.kind == "external" for r in docs.reused_classes)


FRENCH_ONLY_SCHEMES = {
    "https://w3id.org/lodplan/code/sgpe-lever",
    "https://w3id.org/lodplan/code/m57-competence",
}


def test_every_concept_of_every_code_list_is_documented_under_its_scheme(docs):
    codelists = Graph()
    for path in Sources.bundled().codelists:
        codelists.parse(path)
    schemes = {str(s) for s in codelists.subjects(RDF.type, SKOS.ConceptScheme)}
    assert {s.ref.iri for s in docs.schemes} == schemes
    for scheme in docs.schemes:
        members = {str(c) for c in codelists.subjects(SKOS.inScheme, URIRef(scheme.ref.iri))}
        assert {c.ref.iri for c in scheme.concepts} == members
        # External referentials published in French only keep their source's language.
        languages = {"fr"} if scheme.ref.iri in FRENCH_ONLY_SCHEMES else {"fr", "en"}
        for concept in scheme.concepts:
            assert languages <= {item.lang for item in concept.label.items}
            assert concept.ref.kind == "concept"


def test_every_named_node_shape_is_documented_once(docs):
    shapes = Graph().parse(Sources.bundled().shapes[0])
    declared = {str(s) for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    documented = [s.ref.iri for s in docs.node_shapes()]
    assert sorted(documented) == sorted(declared)
    anchors = docs.anchors()
    assert len(anchors) == len(set(anchors))


# -- domains, ranges, alignments -------------------------------------------------------


def test_has_element_goes_from_plans_to_plan_elements(docs):
    prop = _property(docs, "hasElement")
    assert prop.kind == "object"
    assert [(e.operator, _iris(e.members)) for e in prop.domains] == [("", [str(LP.Plan)])]
    assert [(e.operator, _iris(e.members)) for e in prop.ranges] == [("", [str(LP.PlanElement)])]
    assert str(LP.hasElement) in _iris(_class(docs, "Plan").properties)
    assert str(LP.hasElement) in _iris(_class(docs, "PlanElement").range_of)


def test_a_union_domain_lists_the_property_under_each_member(docs):
    prop = _property(docs, "source")
    assert [(e.operator, set(_iris(e.members))) for e in prop.domains] == [
        (
            "union",
            {str(LP[name]) for name in (
                "Plan", "PlanElement", "Passage", "Indicator", "IndicatorValue", "BudgetLine",
                "StatusAssertion", "AdoptionAct",
            )},
        )
    ]  # fmt: skip
    for name in ("Plan", "PlanElement", "Passage", "StatusAssertion"):
        assert str(LP.source) in _iris(_class(docs, name).properties)
    assert str(LP.source) not in _iris(_class(docs, "Territory").properties)


def test_datatype_ranges_and_characteristics(docs):
    level = _property(docs, "level")
    assert level.kind == "datatype"
    assert _iris(level.ranges[0].members) == [XSD + "integer"]
    assert level.ranges[0].members[0].name == "xsd:integer"
    assert "functional" in level.characteristics
    assert "inverse-functional" in _property(docs, "hasPart").characteristics


def test_alignments_sub_properties_inverses_and_chains(docs):
    action = _class(docs, "Action")
    close = [a for a in action.alignments if a.key == "closeMatch"]
    assert [_iris(a.targets) for a in close] == [[SCHEMA + "Action"]]
    assert close[0].targets[0].kind == "external"
    assert _class(docs, "Plan").alignments == ()  # it has none: nothing is made up
    plan_supers = [m.iri for e in _class(docs, "Plan").superclasses for m in e.members]
    assert plan_supers == [PROV + "Plan"]
    assert str(LP.Objective) in _iris(_class(docs, "PlanElement").subclasses)
    assert _iris(_class(docs, "Objective").disjoint) == [str(LP.Action)]
    assert _iris(_property(docs, "partOf").inverses) == [str(LP.hasPart)]
    assert _iris(_property(docs, "hasPart").inverses) == [str(LP.partOf)]
    assert _iris(_property(docs, "involves").chain) == [str(LP.involvement), PROV + "agent"]
    assert _iris(_property(docs, "territory").superproperties) == [
        "http://purl.org/dc/terms/spatial"
    ]


def test_definitions_link_the_terms_they_name(docs):
    definition = _class(docs, "Plan").notes.definition.primary("en")
    assert definition is not None and definition.lang == "en"
    refs = [s for s in definition.segments if isinstance(s, Ref)]
    assert [(r.iri, r.kind) for r in refs] == [(str(LP.SourceDocument), "term")]
    assert "".join(s if isinstance(s, str) else s.name for s in definition.segments) == (
        definition.text
    )
    assert _class(docs, "Plan").notes.definition.primary("fr").lang == "fr"


# -- shapes beside their classes -------------------------------------------------------


def _shape(doc: ClassDoc, local: str) -> NodeShapeDoc:
    return next(s for s in doc.shapes if s.ref.iri.endswith("#" + local))


def _constraint(shape: NodeShapeDoc, local: str) -> Constraint:
    return next(c for c in shape.body.properties if c.ref and c.ref.iri.endswith("#" + local))


def test_a_shape_is_described_under_the_class_it_targets(docs):
    plan = _class(docs, "Plan")
    shape = _shape(plan, "PlanShape")
    assert [(t.key, _iris(t.values)) for t in shape.targets] == [("targetClass", [str(LP.Plan)])]
    plan_type = _constraint(shape, "Plan-planType")
    assert [t.iri for t in plan_type.path if isinstance(t, Ref)] == [str(LP.planType)]
    assert plan_type.cardinality == "1..1"
    assert plan_type.severity == "violation"
    assert {item.lang for item in plan_type.messages.items} == {"fr", "en"}
    allowed = next(p for p in plan_type.parameters if p.key == "in")
    codelist = Graph().parse(Sources.bundled().ontology.parent / "codelists" / "plan-type.ttl")
    assert set(_iris(allowed.values)) == {
        str(c) for c in codelist.subjects(SKOS.inScheme, URIRef(CODE + "plan-type"))
    }
    assert _constraint(shape, "Plan-statusValue").severity == "warning"
    assert _constraint(shape, "Plan-issued").cardinality == "0..1"


def test_subclasses_point_to_the_shapes_they_inherit(docs):
    objective = _class(docs, "Objective")
    assert [s.ref.name for s in objective.shapes] == ["lpsh:ObjectiveShape"]
    assert _iris(objective.inherited_shapes) == [str(LP.PlanElement)]
    assert _class(docs, "Plan").inherited_shapes == ()


def test_paths_datatype_alternatives_and_nested_shapes(docs):
    element = _class(docs, "PlanElement")
    tree = _shape(element, "PlanElementTreeShape")
    inverse = _constraint(tree, "Tree-inverse")
    assert [t if isinstance(t, str) else t.name for t in inverse.path] == ["^", "lodplan:hasPart"]
    deeper = _constraint(tree, "Tree-deeperThanParent")
    assert [t if isinstance(t, str) else t.name for t in deeper.path] == [
        "lodplan:partOf",
        " / ",
        "lodplan:level",
    ]
    level_name = _constraint(_shape(element, "PlanElementShape"), "PlanElement-levelName")
    datatypes = next(p for p in level_name.parameters if p.key == "datatype")
    assert datatypes.any_of
    assert [v.name for v in datatypes.values] == ["xsd:string", "rdf:langString"]
    listed = _shape(element, "ListedIsTopLevelShape")
    alternatives = next(p for p in listed.body.parameters if p.key == "or")
    assert [type(v) for v in alternatives.values] == [Constraint, Constraint]
    assert [c.cardinality for c in alternatives.values[1].properties] == ["0", ""]


def test_shapes_of_other_targets_are_documented_apart(docs):
    others = {s.ref.name: s for s in docs.other_shapes}
    level_step = others["lpsh:LevelStepShape"]
    assert [t.key for t in level_step.targets] == ["sparql"]
    assert "lodplan:partOf" in level_step.targets[0].query
    assert {t.key for t in others["lpsh:SourceShape"].targets} == {
        "targetSubjectsOf",
        "targetObjectsOf",
    }
    assert others["lpsh:ChecksumShape"].targets == ()
    assert _iris(others["lpsh:ConceptShape"].targets[0].values) == [str(SKOS.Concept)]


def test_properties_name_their_code_lists_and_shapes(docs):
    kind = _property(docs, "kind")
    assert _iris(kind.code_lists) == [CODE + "element-kind"]
    assert "lpsh:PlanElementShape" in [r.name for r in kind.shapes]
    role = next(s for s in docs.schemes if s.ref.iri == CODE + "role")
    assert _iris(role.used_by) == [PROV + "hadRole"]
    assert _property(docs, "siren").shapes == ()  # no shape checks it


# -- a small ontology of our own --------------------------------------------------------

ONTOLOGY = """
@prefix ex: <https://w3id.org/lodplan/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/lodplan/ontology> a owl:Ontology ;
    rdfs:label "Essai <b>gras</b>"@fr .
ex:Thing a owl:Class ;
    rdfs:label "Chose <script>alert(1)</script>"@fr ;
    skos:definition "Voir ex:Missing et ex:name, \\"cité\\"."@fr ;
    rdfs:seeAlso <javascript:alert(1)> .
ex:name a owl:DatatypeProperty ; rdfs:domain ex:Thing .
"""

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://w3id.org/lodplan/ontology#> .
@prefix t: <https://example.org/shapes#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
t:ThingShape a sh:NodeShape , rdfs:Class ;
    sh:property [ sh:path ex:name ; sh:pattern "^<[a-z]+>$" ; sh:minCount 1 ;
                  sh:message "Nom <i>requis</i>"@fr ] .
"""


@pytest.fixture
def small_docs(tmp_path: Path) -> OntologyDocs:
    (tmp_path / "onto.ttl").write_text(ONTOLOGY, encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(SHAPES, encoding="utf-8")
    return load_ontology_docs(Sources(tmp_path / "onto.ttl", (), (tmp_path / "shapes.ttl",)))


def test_a_shape_that_is_a_class_targets_its_own_instances(small_docs):
    [shape] = small_docs.other_shapes
    assert [t.key for t in shape.targets] == ["implicit"]
    [constraint] = shape.body.properties
    assert constraint.cardinality == "1..*"
    assert constraint.severity == ""  # sh:Violation by default, shown as such


def test_unknown_lodplan_names_are_not_linked(small_docs):
    [thing] = small_docs.classes
    segments = thing.notes.definition.items[0].segments
    assert [s.name for s in segments if isinstance(s, Ref)] == ["lodplan:name"]
    assert "Voir ex:Missing et " in segments  # a name the ontology lacks stays text


def test_the_page_escapes_what_the_files_say(small_docs):
    links = StaticLinks("http://data.example/", current="ontology.html")
    html = render_ontology_page(PageRenderer(), links, small_docs)
    assert "<script>alert(1)" not in html
    assert "Chose &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Essai &lt;b&gt;gras&lt;/b&gt;" in html
    assert "Nom &lt;i&gt;requis&lt;/i&gt;" in html
    assert "<code>^&lt;[a-z]+&gt;$</code>" in html
    assert "&#34;cité&#34;" in html
    assert 'href="javascript:' not in html  # not a web IRI: shown, never linked
    assert 'href="ontology.html#name"' in html  # a term: its anchor on this page
    assert re.search(r'<section class="term" id="Thing">', html)
