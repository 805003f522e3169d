"""Namespaces and IRIs of the lodplan ontology and of the vocabularies it reuses.

The ontology lives in a persistent namespace (w3id.org) that does not depend on
where a collectivity serves its data; data IRIs are minted under the configured
base IRI (see :mod:`lodplan.iris`).
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

LODPLAN_HOME = "https://w3id.org/lodplan/"
LP = Namespace(LODPLAN_HOME + "ontology#")
ONTOLOGY_IRI = LODPLAN_HOME + "ontology"
ONTOLOGY_VERSION = "0.1"
ONTOLOGY_VERSION_IRI = f"{ONTOLOGY_IRI}/{ONTOLOGY_VERSION}"
CODE = LODPLAN_HOME + "code/"

# One namespace per closed list (SKOS concept scheme); the scheme IRI is the
# namespace without its trailing slash.
PLAN_TYPE = Namespace(CODE + "plan-type/")
ELEMENT_KIND = Namespace(CODE + "element-kind/")
ROLE = Namespace(CODE + "role/")
STATUS = Namespace(CODE + "status/")
PRIORITY = Namespace(CODE + "priority/")
DATE_PRECISION = Namespace(CODE + "date-precision/")
DATE_ROLE = Namespace(CODE + "date-role/")
TERRITORY_KIND = Namespace(CODE + "territory-kind/")

OA = Namespace("http://www.w3.org/ns/oa#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
SCHEMA = Namespace("https://schema.org/")
COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
RFC5147 = "http://tools.ietf.org/rfc/rfc5147"

PREFIXES: dict[str, str] = {
    "lodplan": str(LP),
    "plantype": str(PLAN_TYPE),
    "kind": str(ELEMENT_KIND),
    "role": str(ROLE),
    "status": str(STATUS),
    "priority": str(PRIORITY),
    "precision": str(DATE_PRECISION),
    "daterole": str(DATE_ROLE),
    "tkind": str(TERRITORY_KIND),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "org": str(ORG),
    "prov": str(PROV),
    "oa": str(OA),
    "spdx": str(SPDX),
    "igeo": str(IGEO),
    "schema": str(SCHEMA),
    "country": str(COUNTRY),
    "void": "http://rdfs.org/ns/void#",
}

__all__ = [
    "CODE",
    "COUNTRY",
    "DATE_PRECISION",
    "DATE_ROLE",
    "ELEMENT_KIND",
    "IGEO",
    "LODPLAN_HOME",
    "LP",
    "OA",
    "ONTOLOGY_IRI",
    "ONTOLOGY_VERSION",
    "ONTOLOGY_VERSION_IRI",
    "PLAN_TYPE",
    "PREFIXES",
    "PRIORITY",
    "RFC5147",
    "ROLE",
    "SCHEMA",
    "SPDX",
    "STATUS",
    "TERRITORY_KIND",
]
