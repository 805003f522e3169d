"""The description of a build: the dataset at the base IRI and each of its named graphs.

Every named graph IRI under the base dereferences to this description (VoID),
and RDF clients asking for the base IRI itself get the dataset.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, VOID, XSD

from lodplan.iris import IriMinter
from lodplan.store.base import NamedGraph

GRAPH_LABELS = {
    "ontology": ("Ontologie lodplan", "lodplan ontology"),
    "codelists": ("Listes de codes lodplan", "lodplan code lists"),
    "actors": ("Acteurs", "Actors"),
}


def dataset_description(
    iris: IriMinter, graphs: list[NamedGraph], plan_titles: dict[str, tuple[str, str]]
) -> Graph:
    """``plan_titles`` maps plan graph IRIs to the plan's IRI and title: ``{graph: (plan, t)}``."""
    description = Graph()
    dataset = URIRef(iris.base)
    description.add((dataset, RDF.type, VOID.Dataset))
    description.add((dataset, RDFS.label, Literal("Plans publiés avec lodplan", lang="fr")))
    description.add((dataset, RDFS.label, Literal("Plans published with lodplan", lang="en")))
    description.add((dataset, VOID.sparqlEndpoint, URIRef(iris.base + "sparql")))
    description.add((dataset, VOID.uriSpace, Literal(iris.base)))
    for graph in graphs:
        node = URIRef(graph.iri)
        description.add((dataset, VOID.subset, node))
        description.add((node, RDF.type, VOID.Dataset))
        description.add((node, VOID.triples, Literal(graph.triple_count, datatype=XSD.integer)))
        for text, lang in _labels(iris, graph.iri, plan_titles):
            description.add((node, RDFS.label, Literal(text, lang=lang)))
        if graph.iri in plan_titles:
            description.add((node, FOAF.primaryTopic, URIRef(plan_titles[graph.iri][0])))
    return description


def _labels(iris: IriMinter, graph_iri: str, plan_titles: dict[str, tuple[str, str]]):
    if graph_iri in plan_titles:
        title = plan_titles[graph_iri][1]
        return [(f"Graphe du plan « {title} »", "fr"), (f"Graph of the plan “{title}”", "en")]
    name = graph_iri.removeprefix(iris.graph(""))
    french, english = GRAPH_LABELS.get(name, (name, name))
    return [(f"Graphe : {french}", "fr"), (f"Graph: {english}", "en")]
