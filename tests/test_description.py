"""The VoID description of a build: statistics, partitions, dumps and vocabularies."""

from __future__ import annotations

import pytest
from pyoxigraph import QuerySolutions, RdfFormat, Store
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, VOID

from lodplan.description import (
    VOID_PATH,
    Statistics,
    dataset_description,
    namespace,
    partition_iri,
)
from lodplan.iris import IriMinter
from lodplan.publishing.downloads import PlanFiles
from lodplan.store.base import NamedGraph

BASE = "http://data.test.example/"
EX = "http://example.org/ns#"  # not a known vocabulary: never a void:vocabulary
FOAF_NS = "http://xmlns.com/foaf/0.1/"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")

# Two IRI entities and a blank node; classes ex:A (a, b) and foaf:Person (b, _:x);
# literals with spaces, dots, quotes, a language and a datatype.
SMALL = f"""\
<{BASE}a> {TYPE} <{EX}A> .
<{BASE}b> {TYPE} <{EX}A> .
<{BASE}b> {TYPE} <{FOAF_NS}Person> .
_:x {TYPE} <{FOAF_NS}Person> .
<{BASE}a> <{FOAF_NS}name> "Ann . B" .
<{BASE}b> <{FOAF_NS}name> "Ann . B"@fr .
<{BASE}b> <{FOAF_NS}name> "say \\"hi\\" ." .
_:x <{FOAF_NS}knows> <{BASE}a> .
<{BASE}a> <{EX}size> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""


def _graph(iri: str, ntriples: str) -> NamedGraph:
    lines = [line for line in ntriples.splitlines() if line.strip() and not line.startswith("#")]
    return NamedGraph(iri, ntriples.encode(), len(lines))


def test_statistics_of_a_small_graph():
    statistics = Statistics.of(SMALL.encode())
    assert statistics.triples == 9
    assert statistics.entities == 2  # a and b; the blank node is no entity
    assert len(statistics.subjects) == 3
    # ex:A, foaf:Person, "Ann . B", "Ann . B"@fr, the quoted text, <a>, "3"
    assert len(statistics.objects) == 7
    assert len(statistics.instances) == 2 and len(statistics.predicates) == 4
    assert statistics.class_entities() == {EX + "A": 2, FOAF_NS + "Person": 1}
    assert statistics.property_triples() == {
        TYPE[1:-1]: 4,
        FOAF_NS + "name": 3,
        FOAF_NS + "knows": 1,
        EX + "size": 1,
    }
    assert statistics.vocabularies() == {FOAF_NS, "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}


@pytest.mark.parametrize(
    "variant",
    [
        SMALL.replace("> <", ">\t<"),  # tabs between terms
        SMALL.replace('"Ann . B" .', '"Ann . B" . # a comment after the triple'),
        SMALL.replace(f"<{EX}size>", "<http://example.org/ns#s\\u0069ze>"),  # an escaped IRI
        "# a comment line\n\n" + SMALL.replace(" .\n", ".\n"),  # no space before the dot
    ],
)
def test_unusual_ntriples_give_the_same_counts(variant):
    expected = Statistics.of(SMALL.encode())
    statistics = Statistics.of(variant.encode())
    assert statistics.triples == expected.triples
    assert statistics.entities == expected.entities
    assert len(statistics.subjects) == len(expected.subjects)
    assert len(statistics.objects) == len(expected.objects)
    assert statistics.class_entities() == expected.class_entities()
    assert statistics.property_triples() == expected.property_triples()


def test_counts_agree_with_sparql_on_a_real_plan(map_bundled):
    """The quick line reader counts what a SPARQL engine counts on the same graph."""
    ntriples = map_bundled("mot-programme-2023").graph.serialize(format="nt").encode()
    store = Store()
    store.bulk_load(ntriples, format=RdfFormat.N_TRIPLES)
    statistics = Statistics.of(ntriples)

    def count(query: str) -> int:
        [row] = _select(store, query)
        return int(row["n"].value)

    assert statistics.triples == len(store)
    assert statistics.entities == count(COUNT_IRI_SUBJECTS)
    assert len(statistics.subjects) == count("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }")
    assert len(statistics.objects) == count("SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }")
    assert len(statistics.predicates) == count("SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }")
    assert len(statistics.instances) == count("SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }")
    per_class = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c FILTER(isIRI(?s)) } GROUP BY ?c"
    assert statistics.class_entities() == {
        row["c"].value: int(row["n"].value) for row in _select(store, per_class)
    }
    per_property = "SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p"
    assert statistics.property_triples() == {
        row["p"].value: int(row["n"].value) for row in _select(store, per_property)
    }
    assert len(statistics.instances) >= 8 and statistics.entities > 100  # a real plan


COUNT_IRI_SUBJECTS = "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o FILTER(isIRI(?s)) }"


def _select(store: Store, query: str) -> list:
    solutions = store.query(query)
    assert isinstance(solutions, QuerySolutions)
    return list(solutions)


# -- the description -------------------------------------------------------------------------

PLAN_GRAPH = BASE + "graph/plan/p1"
OTHER_GRAPH = BASE + "graph/actors"
# the plan graph shares <a> and ex:A with SMALL, adds <c> of class ex:C
PLAN_NT = f"""\
<{BASE}a> {TYPE} <{EX}A> .
<{BASE}c> {TYPE} <{EX}C> .
<{BASE}c> <{FOAF_NS}name> "Cee" .
"""


@pytest.fixture(scope="module")
def description() -> Graph:
    graphs = [_graph(OTHER_GRAPH, SMALL), _graph(PLAN_GRAPH, PLAN_NT)]
    plan = PlanFiles("p1", BASE + "plan/p1", PLAN_GRAPH, "Plan un")
    return dataset_description(IriMinter(BASE), graphs, [plan])


def _value(graph: Graph, subject: str, predicate: URIRef) -> object:
    [value] = graph.objects(URIRef(subject), predicate)
    return value.toPython() if isinstance(value, Literal) else str(value)


def _partitions(graph: Graph, dataset: str, kind: str) -> dict[str, int]:
    """``{class or property: entities or triples}`` of a dataset's partitions."""
    link, term, count = {
        "class": (VOID.classPartition, VOID["class"], VOID.entities),
        "property": (VOID.propertyPartition, VOID.property, VOID.triples),
    }[kind]
    return {
        _value(graph, str(p), term): _value(graph, str(p), count)
        for p in graph.objects(URIRef(dataset), link)
    }


def test_each_graph_has_its_counts(description):
    expected = {VOID.triples: 3, VOID.entities: 2, VOID.classes: 2, VOID.properties: 2}
    expected |= {VOID.distinctSubjects: 2, VOID.distinctObjects: 3}  # ex:A, ex:C, "Cee"
    for predicate, value in expected.items():
        assert _value(description, PLAN_GRAPH, predicate) == value, predicate
    assert _partitions(description, PLAN_GRAPH, "class") == {EX + "A": 1, EX + "C": 1}
    assert _partitions(description, PLAN_GRAPH, "property") == {
        TYPE[1:-1]: 2,
        FOAF_NS + "name": 1,
    }


def test_the_dataset_counts_the_union_of_its_graphs(description):
    # triples add up (the dump's lines); subjects, objects, classes are counted once
    assert _value(description, BASE, VOID.triples) == 12
    assert _value(description, BASE, VOID.entities) == 3  # a, b, c
    assert _value(description, BASE, VOID.distinctSubjects) == 4
    assert _value(description, BASE, VOID.distinctObjects) == 9  # SMALL's 7, ex:C, "Cee"
    assert _value(description, BASE, VOID.classes) == 3
    assert _value(description, BASE, VOID.properties) == 4
    classes = _partitions(description, BASE, "class")
    assert classes == {EX + "A": 2, EX + "C": 1, FOAF_NS + "Person": 1}
    assert _partitions(description, BASE, "property")[FOAF_NS + "name"] == 4
    subsets = {str(s) for s in description.objects(URIRef(BASE), VOID.subset)}
    assert subsets == {PLAN_GRAPH, OTHER_GRAPH}


def test_dumps_endpoint_and_the_document(description):
    assert _value(description, BASE, VOID.dataDump) == BASE + "download/lodplan.nq"
    assert {str(o) for o in description.objects(URIRef(PLAN_GRAPH), VOID.dataDump)} == {
        BASE + "download/plans/p1" + suffix for suffix in (".ttl", ".nq", ".jsonld")
    }
    assert not list(description.objects(URIRef(OTHER_GRAPH), VOID.dataDump))  # in the dump
    assert _value(description, PLAN_GRAPH, FOAF.primaryTopic) == BASE + "plan/p1"
    assert _value(description, BASE, VOID.sparqlEndpoint) == BASE + "sparql"
    document = BASE + VOID_PATH
    assert (URIRef(document), RDF.type, VOID.DatasetDescription) in description
    assert _value(description, document, FOAF.primaryTopic) == BASE


def test_vocabularies_are_the_known_namespaces_of_classes_and_properties(description):
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    vocabularies = {str(v) for v in description.objects(URIRef(BASE), VOID.vocabulary)}
    assert vocabularies == {rdf, FOAF_NS}  # not ex:, not the base IRI
    assert namespace(EX + "A") == EX and namespace(FOAF_NS + "name") == FOAF_NS


def test_partition_iris_depend_on_the_term_only():
    first = partition_iri(PLAN_GRAPH, "class", EX + "A")
    assert first == partition_iri(PLAN_GRAPH, "class", EX + "A")
    assert first.startswith(PLAN_GRAPH + "#class-A-")
    assert first != partition_iri(PLAN_GRAPH, "class", "http://other.example/A")  # same name
    assert partition_iri(BASE, "property", EX).startswith(BASE + "#property-")  # no local name
    # a graph with one more class keeps the IRIs of the others
    more = _graph(PLAN_GRAPH, PLAN_NT + f"<{BASE}d> {TYPE} <{EX}D> .\n")
    richer = dataset_description(IriMinter(BASE), [more], [])
    assert (URIRef(first), VOID["class"], URIRef(EX + "A")) in richer


def test_the_same_graphs_give_the_same_description():
    def describe(graphs: list[NamedGraph]) -> set[str]:
        nt = dataset_description(IriMinter(BASE), graphs, []).serialize(format="nt")
        return set(nt.splitlines())

    graphs = [_graph(OTHER_GRAPH, SMALL), _graph(PLAN_GRAPH, PLAN_NT)]
    assert describe(graphs) == describe(list(reversed(graphs)))
    integers = [
        o
        for o in dataset_description(IriMinter(BASE), graphs, []).objects()
        if isinstance(o, Literal) and o.datatype == XSD_INTEGER
    ]
    assert integers and all(isinstance(i.toPython(), int) for i in integers)


def test_the_description_has_no_blank_nodes(description):
    # stable IRIs: builds need no canonicalisation and every node dereferences
    assert not any(isinstance(term, BNode) for triple in description for term in triple)
