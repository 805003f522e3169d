"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

The static part (labels, comments) comes from ``site/sparql-service.ttl``, parsed
with the endpoint URL as base so that ``<>`` is the endpoint. This module adds
what the code guarantees and what the deployment is: the query language, the
union default graph, the result formats, one ``sd:namedGraph`` per graph of the
served build (with its size) and the time and row limits.

The dataset description links to the VoID description (``rdfs:seeAlso
<{base}.well-known/void>``), where each named graph, by its ``sd:name``, is a
``void:Dataset`` with its statistics. The two are not one resource: the
endpoint's dataset also holds the graph of the VoID description, which the
VoID dataset ``{base}`` does not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urljoin

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from lodplan.bundled import site_dir
from lodplan.config import QueryLimits
from lodplan.description import VOID_PATH
from lodplan.publishing.negotiation import RDF_FORMATS, MediaFormat
from lodplan.sparql.results import SOLUTION_FORMATS
from lodplan.store.base import StoreInfo

SERVICE_FILE = "sparql-service.ttl"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
FORMATS_NS = "http://www.w3.org/ns/formats/"
#: W3C format IRIs (https://www.w3.org/ns/formats/) of the formats offered.
FORMAT_IRIS = {
    "json": FORMATS_NS + "SPARQL_Results_JSON",
    "xml": FORMATS_NS + "SPARQL_Results_XML",
    "csv": FORMATS_NS + "SPARQL_Results_CSV",
    "tsv": FORMATS_NS + "SPARQL_Results_TSV",
    "turtle": FORMATS_NS + "Turtle",
    "jsonld": FORMATS_NS + "JSON-LD",
    "ntriples": FORMATS_NS + "N-Triples",
    "rdfxml": FORMATS_NS + "RDF_XML",
}
SD_PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS_NS}


def service_description(
    endpoint_url: str,
    info: StoreInfo,
    limits: QueryLimits,
    *,
    static_file: Path | None = None,
    max_result_bytes: int | None = None,
) -> list[Triple]:
    """The triples describing the endpoint at ``endpoint_url`` serving the build ``info``."""
    source = static_file or site_dir() / SERVICE_FILE
    triples = [
        quad.triple
        for quad in parse(path=str(source), format=RdfFormat.TURTLE, base_iri=endpoint_url)
    ]
    endpoint = NamedNode(endpoint_url)
    triples += _capabilities(endpoint, (*SOLUTION_FORMATS, *RDF_FORMATS))
    triples += _dataset(endpoint, info)
    triples += _limits(endpoint, limits, max_result_bytes)
    return list(dict.fromkeys(triples))  # drop what the file already states, keep order


def _capabilities(endpoint: NamedNode, formats: Iterable[MediaFormat]) -> list[Triple]:
    triples = [
        Triple(endpoint, _iri(RDF_TYPE), _iri(SD + "Service")),
        Triple(endpoint, _iri(SD + "endpoint"), endpoint),
        Triple(endpoint, _iri(SD + "supportedLanguage"), _iri(SD + "SPARQL11Query")),
        Triple(endpoint, _iri(SD + "feature"), _iri(SD + "UnionDefaultGraph")),
    ]
    triples += [
        Triple(endpoint, _iri(SD + "resultFormat"), _iri(FORMAT_IRIS[fmt.name])) for fmt in formats
    ]
    return triples


def _dataset(endpoint: NamedNode, info: StoreInfo) -> list[Triple]:
    dataset, default_graph = BlankNode(), BlankNode()
    triples = [
        Triple(endpoint, _iri(SD + "defaultDataset"), dataset),
        Triple(dataset, _iri(RDF_TYPE), _iri(SD + "Dataset")),
        # the endpoint is {base}sparql: its VoID description is {base}.well-known/void
        Triple(dataset, _iri(RDFS_SEE_ALSO), _iri(urljoin(endpoint.value, VOID_PATH))),
        Triple(dataset, _iri(SD + "defaultGraph"), default_graph),
        Triple(default_graph, _iri(RDF_TYPE), _iri(SD + "Graph")),
        Triple(default_graph, _iri(VOID + "triples"), _integer(info.triple_count)),
    ]
    for graph_iri, count in sorted(info.graphs.items()):
        named, graph = BlankNode(), BlankNode()
        triples += [
            Triple(dataset, _iri(SD + "namedGraph"), named),
            Triple(named, _iri(RDF_TYPE), _iri(SD + "NamedGraph")),
            Triple(named, _iri(SD + "name"), _iri(graph_iri)),
            Triple(named, _iri(SD + "graph"), graph),
            Triple(graph, _iri(RDF_TYPE), _iri(SD + "Graph")),
            Triple(graph, _iri(VOID + "triples"), _integer(count)),
        ]
    return triples


def _limits(
    endpoint: NamedNode, limits: QueryLimits, max_result_bytes: int | None = None
) -> list[Triple]:
    """The limits, in words: the Service Description vocabulary has no terms for them."""
    english = (
        f"Queries are stopped after {limits.timeout_s:g} seconds (HTTP 503). Results are capped "
        f"at {limits.max_rows} rows or triples; a capped response carries the HTTP header "
        f"'X-SPARQL-MaxRows: {limits.max_rows}'."
    )
    french = (
        f"Les requêtes sont interrompues après {limits.timeout_s:g} secondes (HTTP 503). Les "
        f"résultats sont limités à {limits.max_rows} lignes ou triplets ; une réponse tronquée "
        f"porte l'en-tête HTTP « X-SPARQL-MaxRows: {limits.max_rows} »."
    )
    if max_result_bytes:
        english += (
            f" Results are also cut at {max_result_bytes} bytes; such a response carries "
            "'X-lodplan-Truncated: bytes'."
        )
        french += (
            f" Les résultats sont aussi coupés à {max_result_bytes} octets ; une telle réponse "
            "porte l'en-tête « X-lodplan-Truncated: bytes »."
        )
    comment = _iri(RDFS_COMMENT)
    return [
        Triple(endpoint, comment, Literal(english, language="en")),
        Triple(endpoint, comment, Literal(french, language="fr")),
    ]


def _iri(value: str) -> NamedNode:
    return NamedNode(value)


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD_INTEGER))
