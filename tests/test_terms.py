"""The namespaces of lodplan.terms agree with the ontology and the code lists shipped."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from lodplan import terms
from lodplan.bundled import ontology_dir

VANN = Namespace("http://purl.org/vocab/vann/")


def code_namespaces() -> dict[str, Namespace]:
    """Every namespace of lodplan.terms under the code-list home, by attribute name."""
    return {
        name: value
        for name, value in vars(terms).items()
        if isinstance(value, Namespace) and str(value).startswith(terms.CODE)
    }


def codelists() -> Graph:
    graph = Graph()
    for file in sorted((ontology_dir() / "codelists").glob("*.ttl")):
        graph.parse(file, format="turtle")
    return graph


def test_there_is_one_namespace_per_closed_list():
    assert set(code_namespaces()) == {
        "PLAN_TYPE", "ELEMENT_KIND", "ROLE", "STATUS", "PRIORITY", "DATE_PRECISION",
        "DATE_ROLE", "TERRITORY_KIND", "PHASE", "INDICATOR_VALUE_KIND", "AMOUNT_KIND",
        "EXPENDITURE_NATURE", "FUNDING_PROGRAMME", "SGPE_LEVER", "M57_COMPETENCE",
        "TET_THEMATIQUE", "SDG",
    }  # fmt: skip


def test_every_code_namespace_is_a_scheme_of_the_code_lists():
    g = codelists()
    for name, namespace in code_namespaces().items():
        assert str(namespace).endswith("/"), name
        scheme = URIRef(str(namespace).rstrip("/"))
        assert (scheme, RDF.type, SKOS.ConceptScheme) in g, name
        concepts = set(g.subjects(SKOS.inScheme, scheme))
        assert concepts, name
        assert all(str(c).startswith(str(namespace)) for c in concepts), name


def test_every_scheme_of_the_code_lists_has_its_namespace():
    g = codelists()
    namespaces = {str(ns).rstrip("/") for ns in code_namespaces().values()}
    for scheme in g.subjects(RDF.type, SKOS.ConceptScheme):
        if str(scheme) == terms.CODE + "country":
            # Countries keep the IRIs of the EU authority table.
            members = set(g.subjects(SKOS.inScheme, scheme))
            assert members
            assert all(str(c).startswith(str(terms.COUNTRY)) for c in members)
        else:
            assert str(scheme) in namespaces, scheme


def test_prefixes_cover_the_code_namespaces_and_the_ontology():
    values = set(terms.PREFIXES.values())
    assert {str(ns) for ns in code_namespaces().values()} <= values
    assert terms.PREFIXES["lodplan"] == str(terms.LP)
    assert terms.PREFIXES["country"] == str(terms.COUNTRY)
    assert len(values) == len(terms.PREFIXES)  # no namespace bound twice


def test_ontology_iris_match_the_ontology_file():
    g = Graph().parse(ontology_dir() / "lodplan.ttl", format="turtle")
    ontology = URIRef(terms.ONTOLOGY_IRI)
    assert str(terms.LP) == terms.ONTOLOGY_IRI + "#"
    assert (ontology, RDF.type, OWL.Ontology) in g
    assert g.value(ontology, OWL.versionIRI) == URIRef(terms.ONTOLOGY_VERSION_IRI)
    assert str(g.value(ontology, OWL.versionInfo)) == terms.ONTOLOGY_VERSION
    assert str(g.value(ontology, VANN.preferredNamespaceUri)) == str(terms.LP)


def test_version_0_2_follows_0_1():
    g = Graph().parse(ontology_dir() / "lodplan.ttl", format="turtle")
    ontology = URIRef(terms.ONTOLOGY_IRI)
    assert terms.ONTOLOGY_VERSION == "0.2"
    assert terms.ONTOLOGY_VERSION_IRI == "https://w3id.org/lodplan/ontology/0.2"
    assert g.value(ontology, OWL.priorVersion) == URIRef("https://w3id.org/lodplan/ontology/0.1")
