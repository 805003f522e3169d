"""A tiny plan validated against tiny shapes, and a build publishing it with its report.

The shapes give one result of each severity (violation, warning, info) and one
shape that finds no focus node, so that summaries, pages and routes can be
checked without mapping or validating a real plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from lodplan.codelists import Vocabulary
from lodplan.publishing.downloads import PlanFiles
from lodplan.store.base import NamedGraph
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore
from lodplan.terms import LP
from lodplan.validation import ValidationReport, Validator, validation_files

BASE = "http://val.test/"
PLAN_ID = "essai"
PLAN = URIRef(BASE + f"plan/{PLAN_ID}")
ACTION = URIRef(BASE + f"plan/{PLAN_ID}/element/1")
SOURCE_DOCUMENT = URIRef(BASE + f"source/{PLAN_ID}")
GRAPH = BASE + f"graph/plan/{PLAN_ID}"
HOSTILE_LABEL = "Action <script>alert(1)</script>"  # too long for its shape: the result's value
SOURCE_LINES = ("Plan d'essai", "", "Préambule", "Axe 1", HOSTILE_LABEL, "fin")
SOURCE_FILE = "source.txt"  # in the plan's folder of the mappings
SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix lpsh: <https://w3id.org/lodplan/shapes#> .
@prefix lodplan: <https://w3id.org/lodplan/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

lpsh:PlanShape a sh:NodeShape ;
    sh:targetClass lodplan:Plan ;
    rdfs:label "Plan"@fr , "Plan"@en ;
    rdfs:comment "Un plan et sa date."@fr , "A plan and its date."@en ;
    sh:property lpsh:Plan-issued .

lpsh:Plan-issued a sh:PropertyShape ;
    sh:path dcterms:issued ;
    sh:minCount 1 ;
    sh:severity sh:Warning ;
    sh:name "date de publication"@fr , "issued"@en ;
    sh:message "Un plan devrait avoir une date de publication."@fr ,
        "A plan should have an issue date."@en .

lpsh:ActionShape a sh:NodeShape ;
    sh:targetClass lodplan:Action ;
    rdfs:label "Action"@fr , "Action"@en ;
    sh:property lpsh:Action-notation , lpsh:Action-label .

lpsh:Action-notation a sh:PropertyShape ;
    sh:path skos:notation ;
    sh:minCount 1 ;
    sh:severity sh:Info ;
    sh:name "code"@fr , "code"@en ;
    sh:message "Une action peut avoir un code."@fr , "An action may have a code."@en .

lpsh:Action-label a sh:PropertyShape ;
    sh:path rdfs:label ;
    sh:maxLength 20 ;
    sh:severity sh:Violation ;
    sh:name "libellé"@fr , "label"@en ;
    sh:message "Un libellé d'action a au plus 20 caractères."@fr ,
        "An action label has at most 20 characters."@en .

lpsh:KeyFiguresShape a sh:NodeShape ;
    sh:targetClass lodplan:KeyFigures ;
    rdfs:label "Chiffres clés"@fr , "Key figures"@en ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
"""
OA = Namespace("http://www.w3.org/ns/oa#")


def plan_graph() -> Graph:
    graph = Graph()
    source = URIRef(PLAN + "#source")
    action_source = URIRef(ACTION + "#source")
    graph.add((PLAN, RDF.type, LP.Plan))
    graph.add((PLAN, RDFS.label, Literal("Plan d'essai", lang="fr")))
    graph.add((PLAN, RDFS.label, Literal("Test plan", lang="en")))
    graph.add((PLAN, LP.sourceDocument, SOURCE_DOCUMENT))
    graph.add((PLAN, LP.source, source))
    graph.add((PLAN, LP.hasElement, ACTION))
    graph.add((SOURCE_DOCUMENT, RDFS.label, Literal("Document source d'essai", lang="fr")))
    graph.add((ACTION, RDF.type, LP.Action))
    graph.add((ACTION, RDFS.label, Literal(HOSTILE_LABEL, lang="fr")))
    graph.add((ACTION, LP.source, action_source))
    for node, start, end in ((source, 1, 3), (action_source, 5, 5)):
        graph.add((node, RDF.type, OA.SpecificResource))
        graph.add((node, LP.startLine, Literal(start)))
        graph.add((node, LP.endLine, Literal(end)))
    return graph


def write_shapes(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "shapes.ttl"
    path.write_text(SHAPES, encoding="utf-8")
    return path


@dataclass(frozen=True)
class ValidatedPlan:
    report: ValidationReport
    plan: PlanFiles
    mappings: Path  # the mappings folder the source file is in
    shapes_file: Path


def validate_test_plan(
    folder: Path, vocabulary: Vocabulary, engine: str | None = None
) -> ValidatedPlan:
    """Validate the test plan against the test shapes; files are written under ``folder``."""
    shapes_file = write_shapes(folder / "shapes")
    mappings = folder / "mappings"
    source = mappings / PLAN_ID / SOURCE_FILE
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("\n".join(SOURCE_LINES) + "\n", encoding="utf-8")
    validator = Validator(vocabulary, shapes_directory=shapes_file.parent, engine=engine)
    report = validator.validate(PLAN_ID, plan_graph(), source)
    plan = PlanFiles(PLAN_ID, str(PLAN), GRAPH, "Plan d'essai", SOURCE_LINES)
    return ValidatedPlan(report, plan, mappings, shapes_file)


def publish_test_build(folder: Path, vocabulary: Vocabulary) -> EmbeddedStore:
    """A build of the test plan with its validation files, as ``lodplan build`` writes them."""
    validated = validate_test_plan(folder, vocabulary)
    triples = plan_graph().serialize(format="nt").splitlines()
    lines = sorted(line for line in triples if line.strip())
    graph = NamedGraph(GRAPH, "".join(f"{line}\n" for line in lines).encode(), len(lines))
    files = validation_files([validated.report], [validated.plan], validated.mappings)
    root = folder / "store"
    EmbeddedPublisher(root).publish([graph], base_iri=BASE, build_id="val-1", downloads=files)
    return EmbeddedStore(root)
