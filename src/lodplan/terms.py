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
ONTOLOGY_VERSION = "0.2"
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
PHASE = Namespace(CODE + "phase/")
INDICATOR_VALUE_KIND = Namespace(CODE + "indicator-value-kind/")
AMOUNT_KIND = Namespace(CODE + "amount-kind/")
EXPENDITURE_NATURE = Namespace(CODE + "expenditure-nature/")
FUNDING_PROGRAMME = Namespace(CODE + "funding-programme/")
# Themes shared across plans (values of lodplan:theme), shipped as data with their
# source and licence: SGPE levers, M57 competences, Territoires en Transitions
# thématiques, UN Sustainable Development Goals.
SGPE_LEVER = Namespace(CODE + "sgpe-lever/")
M57_COMPETENCE = Namespace(CODE + "m57-competence/")
TET_THEMATIQUE = Namespace(CODE + "tet-thematique/")
SDG = Namespace(CODE + "sdg/")

OA = Namespace("http://www.w3.org/ns/oa#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
SCHEMA = Namespace("https://schema.org/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
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
    "phase": str(PHASE),
    "valuekind": str(INDICATOR_VALUE_KIND),
    "amountkind": str(AMOUNT_KIND),
    "expnature": str(EXPENDITURE_NATURE),
    "programme": str(FUNDING_PROGRAMME),
    "sgpe": str(SGPE_LEVER),
    "m57": str(M57_COMPETENCE),
    "tettheme": str(TET_THEMATIQUE),
    "sdg": str(SDG),
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
    "adms": str(ADMS),
    "country": str(COUNTRY),
    "void": "http://rdfs.org/ns/void#",
}

__all__ = [
    "ADMS",
    "AMOUNT_KIND",
    "CODE",
    "COUNTRY",
    "DATE_PRECISION",
    "DATE_ROLE",
    "ELEMENT_KIND",
    "EXPENDITURE_NATURE",
    "FUNDING_PROGRAMME",
    "IGEO",
    "INDICATOR_VALUE_KIND",
    "LODPLAN_HOME",
    "LP",
    "M57_COMPETENCE",
    "OA",
    "ONTOLOGY_IRI",
    "ONTOLOGY_VERSION",
    "ONTOLOGY_VERSION_IRI",
    "PHASE",
    "PLAN_TYPE",
    "PREFIXES",
    "PRIORITY",
    "RFC5147",
    "ROLE",
    "SCHEMA",
    "SDG",
    "SGPE_LEVER",
    "SPDX",
    "STATUS",
    "TERRITORY_KIND",
    "TET_THEMATIQUE",
]
