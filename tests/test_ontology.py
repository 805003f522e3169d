"""The lodplan ontology, its SKOS code lists, its SHACL shapes and its JSON-LD context.

These files are the published contract of lodplan (``ontology/``, ``shapes/``):
every term is documented in French and English, nothing refers to an undeclared
term, the shapes cover every class the data instantiates and accept valid data,
and the JSON-LD context compacts lodplan data to readable terms without losing
a triple.
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from pyld import jsonld
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS

from lodplan import terms
from lodplan.bundled import ontology_dir, shapes_dir
from lodplan.terms import ADMS, CODE, COUNTRY, IGEO, LP, OA, SCHEMA, SPDX

# A plain Namespace: rdflib's DefinedNamespace XSD warns when pytest inspects it.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
VANN = Namespace("http://purl.org/vocab/vann/")
LPSH = Namespace("https://w3id.org/lodplan/shapes#")
ONTOLOGY = URIRef(terms.ONTOLOGY_IRI)
DATA = "http://data.test.example/"

# --- expected vocabulary (docs/ARCHITECTURE.md, "Ontology in one page") ---

CLASSES = {
    "Plan", "PlanElement", "Objective", "Action", "Involvement", "DateMention",
    "SourceDocument", "Territory", "KeyFigures", "Passage",
    # 0.2
    "Indicator", "IndicatorValue", "BudgetLine", "StatusAssertion", "AdoptionAct", "NameLink",
}  # fmt: skip
OBJECT_PROPERTIES = {
    "planType", "hasElement", "inPlan", "hasPart", "partOf", "kind", "involvement", "involves",
    "territory", "status", "priority", "category", "date", "source", "sourceDocument",
    "adoptedBy", "previousVersion", "territoryKind", "datePrecision", "dateRole", "keyFigures",
    "passage", "mentions",
    # 0.2
    "indicator", "ofIndicator", "valueKind", "statedIn", "statedBy", "budgetLine", "amountKind",
    "expenditureNature", "funder", "fundingProgramme", "statusAssertion", "phase", "theme",
    "adoptionAct", "relatedPlan", "implements", "nameLink",
}  # fmt: skip
DATATYPE_PROPERTIES = {
    "levelName", "level", "order", "startDate", "endDate", "dateText", "startLine", "endLine",
    "population", "communeCount", "referenceYear", "siren",
    # 0.2
    "unit", "valueDate", "amount", "fiscalYear", "taxIncluded", "statusDate", "plannedStartDate",
    "plannedEndDate", "actualStartDate", "actualEndDate", "completion", "continuousImprovement",
    "expectedResults", "means", "targetAudience", "linkRule", "linkConfidence",
}  # fmt: skip

CONCEPTS = {
    "plan-type": {
        "projet-de-territoire", "feuille-de-route", "programme-d-actions", "rapport",
        "plan-d-actions", "strategie", "contrat",
    },
    "element-kind": {
        "axe", "ambition", "chantier", "enjeu", "defi", "orientation", "objectif",
        "sous-objectif", "theme", "sous-theme", "constat", "fiche-action", "action",
        "action-proposee", "action-a-conduire", "role", "besoin", "etape", "mesure",
        "priorite-strategique",
    },
    "role": {
        "pilote", "partenaire", "service-concerne", "financeur", "beneficiaire", "mentionne",
        "referent",
    },
    "status": {
        "prevue", "en-cours", "realisee", "en-attente", "abandonnee", "projet", "adoptee",
        "en-retard", "bloquee", "a-discuter",
    },
    "priority": {
        "haute", "moyenne", "basse", "court-terme", "moyen-terme", "long-terme",
        "non-determinee",
    },
    "date-precision": {"jour", "mois", "saison", "annee", "periode"},
    "date-role": {"evenement", "echeance", "debut", "fin", "periode"},
    "territory-kind": {
        "pays", "region-transfrontaliere", "region-naturelle", "espace-de-cooperation",
        "groupement-de-territoires", "ville-etrangere", "ancienne-region", "site", "autre",
    },
    "phase": {"idee", "etude", "operation"},
    "indicator-value-kind": {"reference", "cible", "mesure", "estimation"},
    "amount-kind": {
        "budget-previsionnel", "depense-realisee", "financement-prevu", "financement-sollicite",
        "financement-obtenu",
    },
    "expenditure-nature": {"investissement", "fonctionnement"},
    "funding-programme": {
        "crte", "fonds-vert", "dsil", "detr", "dsid", "cper", "feder", "fse-plus", "feader",
        "leader", "life", "interreg", "action-coeur-de-ville", "petites-villes-de-demain",
        "fonds-chaleur",
    },
}  # fmt: skip
# Themes shared across plans (values of lodplan:theme): external referentials shipped as
# data, each with its source and licence; their concepts are checked by their own tests.
SHARED_SCHEMES = ("sgpe-lever", "m57-competence", "tet-thematique", "sdg")
COUNTRIES = {
    "FRA": "FR", "DEU": "DE", "ITA": "IT", "ESP": "ES", "BEL": "BE", "CHE": "CH",
    "LUX": "LU", "MCO": "MC",
}  # fmt: skip
COUNTRY_SCHEME = URIRef(CODE + "country")

# Which code lists each closed-list property takes its values from.
CODE_LIST_OF: dict[URIRef, str | tuple[str, ...]] = {
    LP.planType: "plan-type",
    LP.kind: "element-kind",
    PROV.hadRole: "role",
    LP.status: "status",
    LP.priority: "priority",
    LP.datePrecision: "date-precision",
    LP.dateRole: "date-role",
    LP.territoryKind: "territory-kind",
    LP.phase: "phase",
    LP.valueKind: "indicator-value-kind",
    LP.amountKind: "amount-kind",
    LP.expenditureNature: "expenditure-nature",
    LP.fundingProgramme: "funding-programme",
    LP.theme: SHARED_SCHEMES,
}

# Classes of other vocabularies whose instances lodplan data contains, and must be shaped.
REUSED_SHAPED_CLASSES = {
    OA.TextQuoteSelector,
    OA.FragmentSelector,
    URIRef("http://www.w3.org/ns/org#Organization"),
    URIRef("http://www.w3.org/ns/org#OrganizationalUnit"),
    SKOS.Concept,
    SKOS.ConceptScheme,
    DCTERMS.PeriodOfTime,
    ADMS.Identifier,
}
# lodplan classes deliberately without a shape of their own (none today).
UNSHAPED_CLASSES: set[URIRef] = set()

# Terms of the context whose name is also a prefix of terms.PREFIXES: the JSON-LD
# context keeps the readable property term and names the namespace differently.
CONTEXT_PREFIX_RENAMES = {
    "kind": "kindcode", "status": "statuscode", "priority": "prioritycode", "phase": "phasecode",
}  # fmt: skip


def scheme_iri(name: str) -> URIRef:
    return URIRef(CODE + name)


def concept_iri(scheme: str, concept: str) -> URIRef:
    return URIRef(f"{CODE}{scheme}/{concept}")


# --- loading ------------------------------------------------------------------


def _parse(*files: Path) -> Graph:
    graph = Graph()
    for file in files:
        graph.parse(file, format="turtle")
    return graph


def codelist_files() -> list[Path]:
    return sorted((ontology_dir() / "codelists").glob("*.ttl"))


@cache
def ontology() -> Graph:
    return _parse(ontology_dir() / "lodplan.ttl")


@cache
def codelists() -> Graph:
    return _parse(*codelist_files())


@cache
def shapes() -> Graph:
    return _parse(*sorted(shapes_dir().glob("*.ttl")))


@cache
def vocabulary() -> Graph:
    """Ontology and code lists, as the validation gives them to pyshacl (ont_graph)."""
    return ontology() + codelists()


@cache
def context() -> dict:
    return json.loads((ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))


def declared_terms() -> set[URIRef]:
    g = ontology()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(str(LP))}


def langs(graph: Graph, subject, predicate) -> list[str | None]:
    return [o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def members(graph: Graph, head) -> list:
    return list(Collection(graph, head))


# --- ontology -----------------------------------------------------------------


def test_ontology_metadata():
    g = ontology()
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in g
    assert g.value(ONTOLOGY, OWL.versionIRI) == URIRef(terms.ONTOLOGY_VERSION_IRI)
    assert str(g.value(ONTOLOGY, OWL.versionInfo)) == terms.ONTOLOGY_VERSION == "0.2"
    assert g.value(ONTOLOGY, OWL.priorVersion) == URIRef(terms.ONTOLOGY_IRI + "/0.1")
    assert sorted(langs(g, ONTOLOGY, SKOS.changeNote)) == ["en", "fr"]
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert sorted(langs(g, ONTOLOGY, predicate)) == ["en", "fr"], predicate
    assert str(g.value(ONTOLOGY, DCTERMS.creator)) == "lodplan contributors"
    assert g.value(ONTOLOGY, DCTERMS.license) in {
        URIRef("https://creativecommons.org/licenses/by/4.0/"),
        URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    }
    assert g.value(ONTOLOGY, DCTERMS.created).datatype == XSD.date
    assert str(g.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "lodplan"
    assert str(g.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(LP)


def test_ontology_declares_exactly_the_documented_terms():
    g = ontology()

    def local(kind) -> set[str]:
        return {
            str(s).removeprefix(str(LP))
            for s in g.subjects(RDF.type, kind)
            if str(s).startswith(str(LP))
        }

    assert local(OWL.Class) == CLASSES
    assert local(OWL.ObjectProperty) == OBJECT_PROPERTIES
    assert local(OWL.DatatypeProperty) == DATATYPE_PROPERTIES


@pytest.mark.parametrize("term", sorted(declared_terms()), ids=lambda t: t.removeprefix(str(LP)))
def test_every_term_is_documented_in_french_and_english(term):
    g = ontology()
    for predicate in (RDFS.label, SKOS.definition):
        assert sorted(langs(g, term, predicate)) == ["en", "fr"], predicate
        assert all(len(str(o)) > 2 for o in g.objects(term, predicate))
    assert g.value(term, RDFS.isDefinedBy) == ONTOLOGY


@pytest.mark.parametrize(
    "term",
    sorted(t for t in declared_terms() if (t, RDF.type, OWL.Class) not in ontology()),
    ids=lambda t: t.removeprefix(str(LP)),
)
def test_every_property_has_domain_and_range(term):
    g = ontology()
    assert g.value(term, RDFS.domain) is not None
    assert g.value(term, RDFS.range) is not None


def test_core_classes_carry_the_plain_labels_users_search_for():
    g = ontology()
    expected = {
        LP.Plan: ("Plan", "Plan"),
        LP.Objective: ("Objectif", "Objective"),
        LP.Action: ("Action", "Action"),
    }
    for term, (fr, en) in expected.items():
        labels = set(g.objects(term, RDFS.label))
        assert labels == {Literal(fr, lang="fr"), Literal(en, lang="en")}


def test_ontology_reuses_standard_vocabularies():
    g = ontology()
    org = Namespace("http://www.w3.org/ns/org#")
    foaf = Namespace("http://xmlns.com/foaf/0.1/")
    expected = [
        (LP.Plan, RDFS.subClassOf, PROV.Plan),
        (LP.Objective, RDFS.subClassOf, LP.PlanElement),
        (LP.Action, RDFS.subClassOf, LP.PlanElement),
        (LP.Involvement, RDFS.subClassOf, PROV.Association),
        (LP.SourceDocument, RDFS.subClassOf, foaf.Document),
        (LP.SourceDocument, RDFS.subClassOf, PROV.Entity),
        (LP.Territory, RDFS.subClassOf, DCTERMS.Location),
        (LP.hasPart, RDFS.subPropertyOf, DCTERMS.hasPart),
        (LP.partOf, RDFS.subPropertyOf, DCTERMS.isPartOf),
        (LP.partOf, OWL.inverseOf, LP.hasPart),
        (LP.territory, RDFS.subPropertyOf, DCTERMS.spatial),
        (LP.sourceDocument, RDFS.subPropertyOf, PROV.wasDerivedFrom),
        (LP.previousVersion, RDFS.subPropertyOf, PROV.wasRevisionOf),
        (LP.previousVersion, RDFS.domain, LP.Plan),
        (LP.previousVersion, RDFS.range, LP.Plan),
        (LP.involves, RDFS.range, foaf.Agent),
        (LP.adoptedBy, RDFS.range, foaf.Agent),
        (LP.source, RDFS.range, OA.SpecificResource),
        (LP.startLine, RDFS.range, XSD.integer),
        (LP.endLine, RDFS.range, XSD.integer),
        (LP.level, RDFS.range, XSD.integer),
        (LP.order, RDFS.range, XSD.integer),
        (LP.startDate, RDFS.range, XSD.date),
        (LP.endDate, RDFS.range, XSD.date),
        (LP.Action, SKOS.closeMatch, SCHEMA.Action),
        (LP.order, SKOS.closeMatch, SCHEMA.position),
    ]
    missing = [triple for triple in expected if triple not in g]
    assert not missing
    # No own actor class: actors are W3C ORG organisations.
    own_actor_classes = g.subjects(RDFS.subClassOf, org.Organization)
    assert not any(str(c).startswith(str(LP)) for c in own_actor_classes)
    # The territory range lists the INSEE geographic classes next to lodplan:Territory.
    union = members(g, g.value(g.value(LP.territory, RDFS.range), OWL.unionOf))
    assert {LP.Territory, DCTERMS.Location, IGEO.Commune, IGEO.Departement, IGEO.Region,
            IGEO.Intercommunalite} <= set(union)  # fmt: skip


def test_unions_are_well_formed():
    g = ontology()
    for union in g.objects(None, OWL.unionOf):
        items = members(g, union)
        assert len(items) >= 2
        assert all(isinstance(item, URIRef) for item in items)


# --- no typo'd terms anywhere -------------------------------------------------

LP_CURIE = re.compile(r"\blodplan:([A-Za-z][A-Za-z0-9]*)")
LP_IRI = re.compile(re.escape(str(LP)) + r"([A-Za-z][A-Za-z0-9]*)")
CODE_IRI = re.compile(re.escape(CODE) + r"([a-z][a-z0-9-]*)(?:/([A-Za-z0-9-]+))?")


def product_files() -> list[Path]:
    return [
        ontology_dir() / "lodplan.ttl",
        ontology_dir() / "context.jsonld",
        *codelist_files(),
        *sorted(shapes_dir().glob("*.ttl")),
    ]


def test_every_lodplan_term_used_anywhere_is_declared():
    declared = {str(t).removeprefix(str(LP)) for t in declared_terms()}
    used: dict[str, set[str]] = {}
    for file in product_files():
        text = file.read_text(encoding="utf-8")
        for name in LP_CURIE.findall(text) + LP_IRI.findall(text):
            used.setdefault(name, set()).add(file.name)
    for graph in (ontology(), codelists(), shapes()):
        for triple in graph:
            for node in triple:
                if isinstance(node, URIRef) and str(node).startswith(str(LP)):
                    used.setdefault(str(node).removeprefix(str(LP)), set()).add("graph")
    undeclared = {name: files for name, files in used.items() if name not in declared}
    assert not undeclared


def test_every_code_list_iri_mentioned_anywhere_exists():
    known = {str(s) for s in codelists().subjects(RDF.type, SKOS.ConceptScheme)}
    known |= {str(s) for s in codelists().subjects(RDF.type, SKOS.Concept)}
    for file in product_files():
        for match in CODE_IRI.finditer(file.read_text(encoding="utf-8")):
            assert match.group(0).rstrip("/") in known, (file.name, match.group(0))


# --- code lists ---------------------------------------------------------------


def test_each_code_list_file_holds_one_scheme():
    schemes = set()
    for file in codelist_files():
        found = list(_parse(file).subjects(RDF.type, SKOS.ConceptScheme))
        assert len(found) == 1, file.name
        schemes.add(found[0])
    expected = {scheme_iri(name) for name in (*CONCEPTS, *SHARED_SCHEMES)} | {COUNTRY_SCHEME}
    assert schemes == expected


@pytest.mark.parametrize("name", sorted(CONCEPTS))
def test_code_list(name):
    g = codelists()
    scheme = scheme_iri(name)
    for predicate in (SKOS.prefLabel, RDFS.label, SKOS.definition):
        assert sorted(langs(g, scheme, predicate)) == ["en", "fr"], predicate
    concepts = set(g.subjects(SKOS.inScheme, scheme))
    assert concepts == {concept_iri(name, c) for c in CONCEPTS[name]}
    assert set(g.objects(scheme, SKOS.hasTopConcept)) == concepts
    for concept in concepts:
        identifier = str(concept).rsplit("/", 1)[1]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", identifier)
        assert (concept, RDF.type, SKOS.Concept) in g
        assert (concept, SKOS.topConceptOf, scheme) in g
        assert list(g.objects(concept, SKOS.notation)) == [Literal(identifier)]
        assert sorted(langs(g, concept, SKOS.prefLabel)) == ["en", "fr"], concept
        assert sorted(langs(g, concept, SKOS.definition)) == ["en", "fr"], concept
        assert set(g.objects(concept, RDFS.label)) == set(g.objects(concept, SKOS.prefLabel))


def test_element_kinds_say_which_class_they_are_used_with():
    g = codelists()
    for concept in g.subjects(SKOS.inScheme, scheme_iri("element-kind")):
        for definition in g.objects(concept, SKOS.definition):
            assert re.search(r"lodplan:(Objective|Action|PlanElement)", definition), concept


def test_role_concepts_are_prov_roles():
    g = codelists()
    for concept in g.subjects(SKOS.inScheme, scheme_iri("role")):
        assert (concept, RDF.type, PROV.Role) in g


def test_undetermined_priority_is_defined_as_an_unreadable_mark():
    definitions = codelists().objects(concept_iri("priority", "non-determinee"), SKOS.definition)
    french = next(str(d) for d in definitions if d.language == "fr")
    assert "ne peut plus être lue" in french


def test_countries_use_the_eu_authority_table():
    g = codelists()
    assert sorted(langs(g, COUNTRY_SCHEME, SKOS.prefLabel)) == ["en", "fr"]
    assert any("publications.europa.eu" in str(c) for c in g.objects(COUNTRY_SCHEME, RDFS.comment))
    countries = set(g.subjects(SKOS.inScheme, COUNTRY_SCHEME))
    assert countries == {COUNTRY[code] for code in COUNTRIES}
    for alpha3, alpha2 in COUNTRIES.items():
        country = COUNTRY[alpha3]
        for cls in (SKOS.Concept, LP.Territory, DCTERMS.Location):
            assert (country, RDF.type, cls) in g
        assert (country, SKOS.topConceptOf, COUNTRY_SCHEME) in g
        assert list(g.objects(country, SKOS.notation)) == [Literal(alpha2)]
        assert g.value(country, LP.territoryKind) == concept_iri("territory-kind", "pays")
        assert sorted(langs(g, country, SKOS.prefLabel)) == ["en", "fr"]
        assert set(g.objects(country, RDFS.label)) == set(g.objects(country, SKOS.prefLabel))


# --- shapes: structure --------------------------------------------------------


def logical_operands(g: Graph) -> set:
    """Shapes used inside sh:or/sh:and/sh:xone/sh:not: their parent reports for them."""
    found = set()
    for operator in (SH["or"], SH["and"], SH.xone):
        for head in g.objects(None, operator):
            found.update(members(g, head))
    found.update(g.objects(None, SH["not"]))
    return found


def reported_property_shapes(g: Graph) -> set:
    operands = logical_operands(g)
    return {ps for parent, ps in g.subject_objects(SH.property) if parent not in operands}


def test_every_class_the_data_uses_is_targeted_by_a_shape():
    g = shapes()
    targeted = set(g.objects(None, SH.targetClass))
    lodplan_classes = {t for t in declared_terms() if (t, RDF.type, OWL.Class) in ontology()}
    assert lodplan_classes - UNSHAPED_CLASSES <= targeted
    assert targeted >= REUSED_SHAPED_CLASSES
    # oa:SpecificResource is shaped where lodplan uses it: as value of lodplan:source.
    assert LP.source in set(g.objects(None, SH.targetObjectsOf))


def test_every_property_shape_is_documented_and_explained_in_both_languages():
    g = shapes()
    property_shapes = reported_property_shapes(g)
    assert len(property_shapes) > 50
    for ps in property_shapes:
        assert g.value(ps, SH.path) is not None
        assert g.value(ps, SH.severity) in {SH.Violation, SH.Warning}, ps
        for predicate in (SH.message, SH.name, SH.description):
            assert sorted(langs(g, ps, predicate)) == ["en", "fr"], (ps, predicate)


def test_every_node_level_constraint_has_messages_in_both_languages():
    g = shapes()
    node_level = (SH["or"], SH["and"], SH.xone, SH["not"], SH["class"])
    for shape in set(g.subjects(RDF.type, SH.NodeShape)):
        if any(g.value(shape, p) is not None for p in node_level):
            assert g.value(shape, SH.severity) in {SH.Violation, SH.Warning}, shape
            assert sorted(langs(g, shape, SH.message)) == ["en", "fr"], shape


def test_no_sparql_constraint_and_sparql_targets_select_this():
    # pyshacl rewrites the messages of sh:sparql constraints without their language
    # tags; checks that need SPARQL select their focus nodes with a SPARQL target.
    g = shapes()
    assert not list(g.subject_objects(SH.sparql))
    targets = list(g.subjects(RDF.type, SH.SPARQLTarget))
    assert targets
    for target in targets:
        assert "?this" in str(g.value(target, SH.select))
        assert g.value(target, SH.prefixes) is not None


def test_node_shapes_have_labels_in_both_languages():
    g = shapes()
    for shape in g.subjects(RDF.type, SH.NodeShape):
        assert sorted(langs(g, shape, RDFS.label)) == ["en", "fr"], shape


def test_closed_lists_in_shapes_match_the_code_lists():
    g = shapes()
    full_lists: set[URIRef] = set()
    for ps in g.subjects(SH["in"], None):
        path = g.value(ps, SH.path)
        if path not in CODE_LIST_OF:
            continue
        values = set(members(g, g.value(ps, SH["in"])))
        schemes = CODE_LIST_OF[path]
        names = (schemes,) if isinstance(schemes, str) else schemes
        concepts = {c for n in names for c in codelists().subjects(SKOS.inScheme, scheme_iri(n))}
        if g.value(ps, SH.severity) == SH.Violation:
            assert values == concepts, (ps, values ^ concepts)
            full_lists.add(path)
        else:  # advisory subsets: which concepts suit which class
            assert values < concepts, ps
    assert full_lists == set(CODE_LIST_OF)


# --- shapes: validation -------------------------------------------------------

SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

PREFIXES = """\
BASE <http://data.test.example/>
PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
PREFIX plantype: <https://w3id.org/lodplan/code/plan-type/>
PREFIX kind: <https://w3id.org/lodplan/code/element-kind/>
PREFIX role: <https://w3id.org/lodplan/code/role/>
PREFIX status: <https://w3id.org/lodplan/code/status/>
PREFIX priority: <https://w3id.org/lodplan/code/priority/>
PREFIX precision: <https://w3id.org/lodplan/code/date-precision/>
PREFIX daterole: <https://w3id.org/lodplan/code/date-role/>
PREFIX tkind: <https://w3id.org/lodplan/code/territory-kind/>
PREFIX country: <http://publications.europa.eu/resource/authority/country/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <https://schema.org/>
PREFIX adms: <http://www.w3.org/ns/adms#>
PREFIX phase: <https://w3id.org/lodplan/code/phase/>
PREFIX valuekind: <https://w3id.org/lodplan/code/indicator-value-kind/>
PREFIX amountkind: <https://w3id.org/lodplan/code/amount-kind/>
PREFIX expnature: <https://w3id.org/lodplan/code/expenditure-nature/>
PREFIX programme: <https://w3id.org/lodplan/code/funding-programme/>
PREFIX sgpe: <https://w3id.org/lodplan/code/sgpe-lever/>
PREFIX m57: <https://w3id.org/lodplan/code/m57-competence/>
PREFIX tettheme: <https://w3id.org/lodplan/code/tet-thematique/>
PREFIX sdg: <https://w3id.org/lodplan/code/sdg/>
"""

PLAN = "<plan/demo>"
E1 = "<plan/demo/element/1>"
E11 = "<plan/demo/element/1.1>"
E12 = "<plan/demo/element/1.2>"


def provenance(node: str, quote: str, start: int, end: int) -> str:
    iri = node.strip("<>")
    return f"""
<{iri}#source> a oa:SpecificResource ;
    oa:hasSource <source/demo> ;
    oa:hasSelector <{iri}#quote> , <{iri}#lines> ;
    lodplan:startLine "{start}"^^xsd:integer ;
    lodplan:endLine "{end}"^^xsd:integer .
<{iri}#quote> a oa:TextQuoteSelector ; oa:exact "{quote}" .
<{iri}#lines> a oa:FragmentSelector ;
    dcterms:conformsTo <http://tools.ietf.org/rfc/rfc5147> ;
    rdf:value "line={start - 1},{end}" .
"""


def turtle_header(sparql_header: str) -> str:
    """The same prefixes and base, in Turtle syntax."""
    lines = (line.split(" ", 1) for line in sparql_header.splitlines())
    return "\n".join(f"@{keyword.lower()} {rest} ." for keyword, rest in lines) + "\n"


VALID_PLAN = (
    f"""
{PLAN} a lodplan:Plan ;
    rdfs:label "Feuille de route de démonstration"@fr ;
    dcterms:title "Feuille de route de démonstration"@fr ;
    lodplan:planType plantype:feuille-de-route ;
    lodplan:status status:adoptee ;
    dcterms:publisher <actor/demo> ;
    lodplan:adoptedBy <actor/demo> ;
    dcterms:issued "2024-03-12"^^xsd:date ;
    dcterms:language <http://publications.europa.eu/resource/authority/language/FRA> ;
    dcterms:spatial country:FRA ;
    dcterms:temporal <plan/demo#period> ;
    lodplan:sourceDocument <source/demo> ;
    lodplan:source <plan/demo#source> ;
    lodplan:hasElement {E1} .

<plan/demo#period> a dcterms:PeriodOfTime ;
    dcat:startDate "2024-01-01"^^xsd:date ;
    dcat:endDate "2026-12-31"^^xsd:date .

<source/demo> a lodplan:SourceDocument ;
    rdfs:label "demo.txt" ;
    spdx:checksum <source/demo#checksum> .
<source/demo#checksum> a spdx:Checksum ;
    spdx:algorithm spdx:checksumAlgorithm_sha256 ;
    spdx:checksumValue "{SHA256}"^^xsd:hexBinary .

{E1} a lodplan:Objective ;
    rdfs:label "Développer les mobilités"@fr ;
    lodplan:kind kind:axe ;
    lodplan:levelName "Axe"@fr ;
    lodplan:level "1"^^xsd:integer ;
    lodplan:order "1"^^xsd:integer ;
    skos:notation "1" ;
    lodplan:inPlan {PLAN} ;
    lodplan:source <plan/demo/element/1#source> ;
    lodplan:hasPart {E11} , {E12} .

{E11} a lodplan:Action ;
    rdfs:label "Créer une ligne de bus transfrontalière"@fr ;
    lodplan:kind kind:action ;
    lodplan:levelName "Action"@fr ;
    lodplan:level "2"^^xsd:integer ;
    lodplan:order "1"^^xsd:integer ;
    skos:notation "1.1" ;
    lodplan:inPlan {PLAN} ;
    lodplan:partOf {E1} ;
    lodplan:source <plan/demo/element/1.1#source> ;
    lodplan:status status:en-cours ;
    lodplan:priority priority:haute ;
    lodplan:category <plan/demo/tag/socle> ;
    lodplan:territory country:DEU , <territory/sillon-lorrain> ;
    lodplan:involvement <plan/demo/element/1.1#involvement-demo-pilote> ;
    lodplan:involves <actor/demo> ;
    lodplan:date <plan/demo/element/1.1#date-1> ;
    lodplan:nameLink <plan/demo/element/1.1#name-1> .

<plan/demo/element/1.1#name-1> a lodplan:NameLink ;
    oa:motivatedBy oa:identifying ;
    oa:hasBody <territory/sillon-lorrain> ;
    oa:hasTarget <plan/demo/element/1.1#name-1-source> ;
    lodplan:linkRule "place-label" ;
    lodplan:linkConfidence "certain" .

<plan/demo/element/1.1#involvement-demo-pilote> a lodplan:Involvement ;
    prov:agent <actor/demo> ;
    prov:hadRole role:pilote .

<plan/demo/element/1.1#date-1> a lodplan:DateMention ;
    lodplan:startDate "2025-01-01"^^xsd:date ;
    lodplan:endDate "2025-12-31"^^xsd:date ;
    lodplan:datePrecision precision:annee ;
    lodplan:dateRole daterole:echeance ;
    lodplan:dateText "d'ici 2025"@fr .

{E12} a lodplan:PlanElement ;
    rdfs:label "Les trajets domicile-travail traversent la frontière"@fr ;
    lodplan:kind kind:constat ;
    lodplan:level "2"^^xsd:integer ;
    lodplan:order "2"^^xsd:integer ;
    skos:notation "1.2" ;
    lodplan:inPlan {PLAN} ;
    lodplan:partOf {E1} ;
    lodplan:source <plan/demo/element/1.2#source> .

<plan/demo/tags> a skos:ConceptScheme ;
    skos:prefLabel "Étiquettes"@fr ;
    rdfs:label "Étiquettes"@fr .
<plan/demo/tag/socle> a skos:Concept ;
    skos:prefLabel "[SOCLE]"@fr ;
    rdfs:label "[SOCLE]"@fr ;
    skos:inScheme <plan/demo/tags> .

<territory/sillon-lorrain> a lodplan:Territory , dcterms:Location ;
    rdfs:label "Sillon Lorrain"@fr ;
    lodplan:territoryKind tkind:espace-de-cooperation .

<actor/demo> a org:Organization ;
    rdfs:label "Communauté de communes de démonstration"@fr ;
    skos:prefLabel "Communauté de communes de démonstration"@fr ;
    skos:altLabel "CCD"@fr .
<actor/demo-mobilite> a org:OrganizationalUnit ;
    rdfs:label "Service mobilité"@fr ;
    skos:prefLabel "Service mobilité"@fr ;
    org:unitOf <actor/demo> .
"""
    + provenance(PLAN, "Feuille de route de démonstration", 1, 1)
    + provenance(E1, "1. Développer les mobilités", 3, 3)
    + provenance(E11, "1.1 Créer une ligne de bus transfrontalière (d'ici 2025)", 4, 6)
    + provenance(E12, "1.2 Les trajets domicile-travail traversent la frontière", 7, 7)
    + """
<plan/demo/element/1.1#name-1-source> a oa:SpecificResource ;
    oa:hasSource <source/demo> ;
    oa:hasSelector <plan/demo/element/1.1#name-1-quote> , <plan/demo/element/1.1#name-1-lines> ;
    lodplan:startLine "4"^^xsd:integer ;
    lodplan:endLine "6"^^xsd:integer .
<plan/demo/element/1.1#name-1-quote> a oa:TextQuoteSelector ;
    oa:exact "Sillon Lorrain" ; oa:prefix "une ligne vers le " ; oa:suffix " (d'ici 2025)" .
<plan/demo/element/1.1#name-1-lines> a oa:FragmentSelector ;
    dcterms:conformsTo <http://tools.ietf.org/rfc/rfc5147> ;
    rdf:value "line=3,6" .
"""
)


def valid_graph() -> Graph:
    return Graph().parse(data=turtle_header(PREFIXES) + VALID_PLAN, format="turtle")


def validate(data: Graph) -> tuple[bool, Graph]:
    """Validate as lodplan.validation does: code lists and ontology as ont_graph."""
    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes(),
        ont_graph=vocabulary(),
        inference="none",
        advanced=True,
    )
    return conforms, results


def describe(results: Graph) -> list[str]:
    return [
        f"{results.value(r, SH.sourceShape)} {results.value(r, SH.focusNode)} "
        f"{results.value(r, SH.resultPath)}"
        for r in results.subjects(RDF.type, SH.ValidationResult)
    ]


def test_valid_plan_conforms_without_any_result():
    conforms, results = validate(valid_graph())
    assert conforms, describe(results)
    assert not list(results.subjects(RDF.type, SH.ValidationResult))


def test_ontology_and_code_lists_conform_to_the_shapes_as_data():
    conforms, results = validate(vocabulary())
    assert conforms, describe(results)


def shape_names(shapes_graph: Graph, results: Graph, result) -> set:
    """The shapes a result can be attributed to: its source shape or constraint and owners."""
    names = {results.value(result, SH.sourceShape), results.value(result, SH.sourceConstraint)}
    names |= {owner for name in list(names) for owner in shapes_graph.subjects(SH.property, name)}
    return {n for n in names if isinstance(n, URIRef)}


BROKEN = [
    (
        "element-without-label",
        f"DELETE WHERE {{ {E11} rdfs:label ?label }}",
        LPSH["PlanElement-label"],
    ),
    (
        "end-date-before-start-date",
        """DELETE { ?d lodplan:endDate ?end } INSERT { ?d lodplan:endDate "2024-06-30"^^xsd:date }
           WHERE { ?d lodplan:endDate ?end }""",
        LPSH["DateMention-startDate"],
    ),
    (
        "date-without-precision",
        "DELETE WHERE { ?d lodplan:datePrecision ?p }",
        LPSH["DateMention-datePrecision"],
    ),
    (
        "empty-date-text",
        """DELETE { ?d lodplan:dateText ?t } INSERT { ?d lodplan:dateText ""@fr }
           WHERE { ?d lodplan:dateText ?t }""",
        LPSH["DateMention-dateText"],
    ),
    (
        "start-line-after-end-line",
        """DELETE { <plan/demo/element/1.1#source> lodplan:startLine ?s }
           INSERT { <plan/demo/element/1.1#source> lodplan:startLine "9"^^xsd:integer }
           WHERE { <plan/demo/element/1.1#source> lodplan:startLine ?s }""",
        LPSH["Source-startLine"],
    ),
    (
        "malformed-notation",
        f"""DELETE {{ {E11} skos:notation ?n }} INSERT {{ {E11} skos:notation "1..1" }}
           WHERE {{ {E11} skos:notation ?n }}""",
        LPSH["PlanElement-notation"],
    ),
    (
        "role-outside-the-role-list",
        """DELETE { ?i prov:hadRole ?r } INSERT { ?i prov:hadRole status:prevue }
           WHERE { ?i prov:hadRole ?r }""",
        LPSH["Involvement-hadRole"],
    ),
    (
        "kind-outside-the-kind-list",
        f"""DELETE {{ {E12} lodplan:kind ?k }} INSERT {{ {E12} lodplan:kind plantype:rapport }}
           WHERE {{ {E12} lodplan:kind ?k }}""",
        LPSH["PlanElement-kind"],
    ),
    (
        "priority-outside-the-priority-list",
        f"""DELETE {{ {E11} lodplan:priority ?p }} INSERT {{ {E11} lodplan:priority daterole:fin }}
           WHERE {{ {E11} lodplan:priority ?p }}""",
        LPSH["PlanElement-priority"],
    ),
    (
        "plan-without-type",
        f"DELETE WHERE {{ {PLAN} lodplan:planType ?t }}",
        LPSH["Plan-planType"],
    ),
    (
        "plan-without-publisher",
        f"DELETE WHERE {{ {PLAN} dcterms:publisher ?p }}",
        LPSH["Plan-publisher"],
    ),
    (
        "short-checksum",
        """DELETE { ?c spdx:checksumValue ?v } INSERT { ?c spdx:checksumValue "9f86d081" }
           WHERE { ?c spdx:checksumValue ?v }""",
        LPSH["SourceDocument-sha256"],
    ),
    (
        "empty-quote",
        """DELETE { <plan/demo/element/1#quote> oa:exact ?q }
           INSERT { <plan/demo/element/1#quote> oa:exact "" }
           WHERE { <plan/demo/element/1#quote> oa:exact ?q }""",
        LPSH["TextQuote-exact"],
    ),
    (
        "line-fragment-not-rfc5147",
        """DELETE { <plan/demo/element/1#lines> rdf:value ?v }
           INSERT { <plan/demo/element/1#lines> rdf:value "lines 3 to 4" }
           WHERE { <plan/demo/element/1#lines> rdf:value ?v }""",
        LPSH["Fragment-value"],
    ),
    (
        "element-without-source",
        f"DELETE WHERE {{ {E12} lodplan:source ?s }}",
        LPSH["PlanElement-source"],
    ),
    (
        "level-skips-one",
        f"""DELETE {{ {E11} lodplan:level ?l }}
           INSERT {{ {E11} lodplan:level "3"^^xsd:integer }}
           WHERE {{ {E11} lodplan:level ?l }}""",
        LPSH["Tree-levelStep"],
    ),
    (
        "level-not-below-parent",
        f"""DELETE {{ {E12} lodplan:level ?l }}
           INSERT {{ {E12} lodplan:level "1"^^xsd:integer }}
           WHERE {{ {E12} lodplan:level ?l }}""",
        LPSH["Tree-deeperThanParent"],
    ),
    (
        "same-order-among-siblings",
        f"""DELETE {{ {E12} lodplan:order ?o }}
           INSERT {{ {E12} lodplan:order "1"^^xsd:integer }}
           WHERE {{ {E12} lodplan:order ?o }}""",
        LPSH["Tree-order"],
    ),
    (
        "has-part-without-part-of",
        f"DELETE DATA {{ {E1} lodplan:hasPart {E12} }}",
        LPSH["Tree-inverse"],
    ),
    (
        "top-level-element-not-listed",
        f"DELETE DATA {{ {PLAN} lodplan:hasElement {E1} }}",
        LPSH.TopLevelListedShape,
    ),
    (
        "top-level-element-not-level-one",
        f"""DELETE {{ {E1} lodplan:level ?l }}
           INSERT {{ {E1} lodplan:level "2"^^xsd:integer }}
           WHERE {{ {E1} lodplan:level ?l }}""",
        LPSH.TopLevelIsLevelOneShape,
    ),
    (
        "element-in-another-plan-than-its-parent",
        f"""DELETE {{ {E12} lodplan:inPlan {PLAN} }}
           INSERT {{ {E12} lodplan:inPlan <plan/other> . <plan/other> a lodplan:Plan }}
           WHERE {{}}""",
        LPSH.SamePlanAsParentShape,
    ),
    (
        "territory-without-kind",
        "DELETE WHERE { <territory/sillon-lorrain> lodplan:territoryKind ?k }",
        LPSH["Territory-kind"],
    ),
    (
        "plan-is-its-own-previous-version",
        f"INSERT DATA {{ {PLAN} lodplan:previousVersion {PLAN} }}",
        LPSH["Plan-previousVersionAcyclic"],
    ),
    (
        "involvement-without-agent",
        "DELETE WHERE { ?i prov:agent ?a }",
        LPSH["Involvement-agent"],
    ),
    (
        "period-ending-before-it-starts",
        """DELETE { <plan/demo#period> dcat:endDate ?e }
           INSERT { <plan/demo#period> dcat:endDate "2020-12-31"^^xsd:date }
           WHERE { <plan/demo#period> dcat:endDate ?e }""",
        LPSH["Period-startDate"],
    ),
    (
        "actor-without-preferred-label",
        "DELETE WHERE { <actor/demo> skos:prefLabel ?l }",
        LPSH["Actor-prefLabel"],
    ),
]

ADVISORY = [
    (
        "involves-missing-for-an-involvement",
        f"DELETE DATA {{ {E11} lodplan:involves <actor/demo> }}",
        LPSH.PlanElementInvolvesShape,
    ),
    (
        "plan-status-on-an-element",
        f"""DELETE {{ {E11} lodplan:status ?s }} INSERT {{ {E11} lodplan:status status:adoptee }}
           WHERE {{ {E11} lodplan:status ?s }}""",
        LPSH["PlanElement-statusValue"],
    ),
    (
        "objective-with-an-action-kind",
        f"""DELETE {{ {E1} lodplan:kind ?k }} INSERT {{ {E1} lodplan:kind kind:fiche-action }}
           WHERE {{ {E1} lodplan:kind ?k }}""",
        LPSH.ObjectiveShape,
    ),
    (
        "unit-without-organisation",
        "DELETE WHERE { <actor/demo-mobilite> org:unitOf ?o }",
        LPSH.OrganizationalUnitShape,
    ),
]


def broken(update: str) -> Graph:
    graph = valid_graph()
    graph.update(PREFIXES + update)
    return graph


def results_of(results: Graph, shape: URIRef) -> list:
    return [
        r
        for r in results.subjects(RDF.type, SH.ValidationResult)
        if shape in shape_names(shapes(), results, r)
    ]


@pytest.mark.parametrize(("update", "shape"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_plan_is_rejected_with_french_and_english_messages(update, shape):
    conforms, results = validate(broken(update))
    assert not conforms
    found = results_of(results, shape)
    assert found, describe(results)
    for result in found:
        assert results.value(result, SH.resultSeverity) == SH.Violation
        assert sorted(langs(results, result, SH.resultMessage)) == ["en", "fr"]


@pytest.mark.parametrize(
    ("update", "shape"), [a[1:] for a in ADVISORY], ids=[a[0] for a in ADVISORY]
)
def test_advisory_checks_are_warnings(update, shape):
    _, results = validate(broken(update))
    found = results_of(results, shape)
    assert found, describe(results)
    for result in found:
        assert results.value(result, SH.resultSeverity) == SH.Warning
        assert sorted(langs(results, result, SH.resultMessage)) == ["en", "fr"]
    severities = set(results.objects(None, SH.resultSeverity))
    assert severities == {SH.Warning}, describe(results)


# --- JSON-LD context ----------------------------------------------------------


def expand_curie(value: str) -> str:
    ctx = context()["@context"]
    prefix, _, rest = value.partition(":")
    namespace = ctx.get(prefix)
    return namespace + rest if isinstance(namespace, str) and rest else value


def context_terms() -> dict[str, dict]:
    ctx = context()["@context"]
    return {
        name: definition if isinstance(definition, dict) else {"@id": definition}
        for name, definition in ctx.items()
        if not name.startswith("@")
    }


def test_context_declares_every_prefix_of_lodplan():
    ctx = context()["@context"]
    assert ctx["@version"] == 1.1
    assert ctx["id"] == "@id"
    assert ctx["type"] == "@type"
    for prefix, namespace in terms.PREFIXES.items():
        name = CONTEXT_PREFIX_RENAMES.get(prefix, prefix)
        assert ctx[name] == namespace, prefix
    for prefix in CONTEXT_PREFIX_RENAMES:
        assert expand_curie(ctx[prefix]["@id"]) == str(LP[prefix])


def test_context_has_a_readable_term_for_every_lodplan_term():
    by_iri = {expand_curie(d["@id"]): (name, d) for name, d in context_terms().items()}
    g = ontology()
    for term in declared_terms():
        local = str(term).removeprefix(str(LP))
        assert by_iri[str(term)][0] == local
        definition = by_iri[str(term)][1]
        if (term, RDF.type, OWL.ObjectProperty) in g:
            assert definition.get("@type") == "@id", local
        elif (term, RDF.type, OWL.DatatypeProperty) in g:
            datatype = g.value(term, RDFS.range)
            if isinstance(datatype, BNode) or datatype == XSD.string:  # plain strings
                assert "@type" not in definition, local
            else:
                assert expand_curie(definition["@type"]) == str(datatype), local
    reused = {
        "label": RDFS.label, "title": DCTERMS.title, "notation": SKOS.notation,
        "prefLabel": SKOS.prefLabel, "inScheme": SKOS.inScheme, "agent": PROV.agent,
        "hadRole": PROV.hadRole, "hasSource": OA.hasSource, "exact": OA.exact,
        "checksum": SPDX.checksum,
    }  # fmt: skip
    for name, iri in reused.items():
        assert expand_curie(context_terms()[name]["@id"]) == str(iri), name
    for name in CLASSES:
        assert expand_curie(context_terms()[name]["@id"]) == str(LP[name]), name


def to_nquads(graph: Graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")


def test_context_compacts_lodplan_data_to_readable_terms_and_round_trips():
    original = valid_graph()
    expanded = jsonld.from_rdf(to_nquads(original), {"format": "application/n-quads"})
    compacted = jsonld.compact(expanded, context())
    nodes = {node["id"]: node for node in compacted["@graph"]}

    action = nodes[DATA + "plan/demo/element/1.1"]
    assert action["type"] == "Action"
    assert action["label"] == {
        "@value": "Créer une ligne de bus transfrontalière",
        "@language": "fr",
    }
    assert action["partOf"] == DATA + "plan/demo/element/1"
    assert action["inPlan"] == DATA + "plan/demo"
    assert action["kind"] == "kindcode:action"
    assert action["status"] == "statuscode:en-cours"
    assert action["priority"] == "prioritycode:haute"
    assert action["level"] == "2"
    assert action["order"] == "1"
    assert action["notation"] == "1.1"
    assert sorted(action["territory"]) == sorted(["country:DEU", DATA + "territory/sillon-lorrain"])
    assert action["source"] == DATA + "plan/demo/element/1.1#source"
    assert action["date"] == DATA + "plan/demo/element/1.1#date-1"

    date = nodes[DATA + "plan/demo/element/1.1#date-1"]
    assert date["type"] == "DateMention"
    assert (date["startDate"], date["endDate"]) == ("2025-01-01", "2025-12-31")
    assert date["datePrecision"] == "precision:annee"
    assert date["dateRole"] == "daterole:echeance"

    source = nodes[DATA + "plan/demo/element/1.1#source"]
    assert (source["startLine"], source["endLine"]) == ("4", "6")
    assert source["hasSource"] == DATA + "source/demo"

    plan = nodes[DATA + "plan/demo"]
    assert plan["type"] == "Plan"
    assert plan["planType"] == "plantype:feuille-de-route"
    assert plan["hasElement"] == DATA + "plan/demo/element/1"

    involvement = nodes[DATA + "plan/demo/element/1.1#involvement-demo-pilote"]
    assert involvement["hadRole"] == "role:pilote"

    # No lodplan property falls back to a compact or full IRI.
    keys = {key for node in compacted["@graph"] for key in node}
    assert not [k for k in keys if k.startswith(("lodplan:", str(LP)))]

    back = jsonld.to_rdf(compacted, {"format": "application/n-quads"})
    assert isomorphic(Graph().parse(data=back, format="nt"), original)


# --- version 0.2: plans over time, indicators, budgets, themes -----------------
#
# TEST FIXTURE: a fictional plan ("Feuille de route de démonstration") and its
# fictional indicators, budgets and statuses. It describes no real collectivity and
# none of the bundled plans; it uses every term ontology 0.2 adds.

E13 = "<plan/demo/element/1.3>"
INDICATOR = "<indicator/frequentation-ligne>"

PLAN_0_2 = (
    VALID_PLAN
    + f"""
{PLAN} lodplan:theme sdg:11 , tettheme:mobilite-et-transport ;
    lodplan:adoptionAct <plan/demo#act-2024-057> ;
    adms:identifier <plan/demo#id-tet> ;
    lodplan:implements <plan/epci-demo-pcaet> ;
    lodplan:relatedPlan <plan/crte-demo> ;
    lodplan:indicator {INDICATOR} ;
    lodplan:budgetLine <plan/demo#budget-total> ;
    lodplan:statusAssertion <plan/demo#status-2024-03-12> .

<plan/demo#act-2024-057> a lodplan:AdoptionAct ;
    dcterms:issued "2024-03-12"^^xsd:date ;
    skos:notation "2024-DEL-057" ;
    dcterms:title "Adoption de la feuille de route de démonstration"@fr ;
    foaf:page <https://deliberations.demo.example/2024-057> ;
    lodplan:adoptedBy <actor/demo> .

<plan/demo#id-tet> a adms:Identifier ;
    skos:notation "98765" ;
    adms:schemaAgency "Territoires en Transitions" .

<plan/demo#budget-total> a lodplan:BudgetLine ;
    lodplan:amount "1200000"^^xsd:decimal ;
    schema:currency "EUR" ;
    lodplan:amountKind amountkind:budget-previsionnel ;
    lodplan:statedIn {PLAN} .

<plan/demo#status-2024-03-12> a lodplan:StatusAssertion ;
    lodplan:status status:adoptee ;
    lodplan:statusDate "2024-03-12"^^xsd:date ;
    lodplan:statedBy <actor/demo> ;
    lodplan:statedIn {PLAN} .

{E1} lodplan:hasPart {E13} .

{E11} lodplan:plannedStartDate "2024-09"^^xsd:gYearMonth ;
    lodplan:plannedEndDate "2026"^^xsd:gYear ;
    lodplan:actualStartDate "2024-10-01"^^xsd:date ;
    lodplan:completion "40"^^xsd:decimal ;
    lodplan:phase phase:operation ;
    lodplan:continuousImprovement false ;
    lodplan:expectedResults "Une alternative à la voiture pour les trajets domicile-travail"@fr ;
    lodplan:means "Un chargé de mission mobilité à mi-temps"@fr ;
    lodplan:targetAudience "Travailleurs frontaliers"@fr , "Grand public et associations"@fr ;
    lodplan:theme sgpe:transports-en-commun , m57:90-821 , tettheme:mobilite-et-transport ;
    lodplan:indicator {INDICATOR} ;
    lodplan:budgetLine <plan/demo/element/1.1#budget-1> , <plan/demo/element/1.1#budget-2> ,
        <plan/demo/element/1.1#funding-1> ;
    lodplan:statusAssertion <plan/demo/element/1.1#status-1> ,
        <plan/demo/element/1.1#status-2> ;
    adms:identifier <plan/demo/element/1.1#id-national> .

<plan/demo/element/1.1#id-national> a adms:Identifier ;
    skos:notation "01890e30-5a80-7c22-9842-8263d0d0d890" ;
    adms:schemaAgency "projets-transition-ecologique" .

{E13} a lodplan:Action ;
    rdfs:label "Installer des abris vélos aux arrêts"@fr ;
    lodplan:kind kind:action ;
    lodplan:level "2"^^xsd:integer ;
    lodplan:order "3"^^xsd:integer ;
    skos:notation "1.3" ;
    lodplan:inPlan {PLAN} ;
    lodplan:partOf {E1} ;
    lodplan:source <plan/demo/element/1.3#source> ;
    lodplan:status status:realisee ;
    lodplan:actualStartDate "2024"^^xsd:gYear ;
    lodplan:actualEndDate "2025-03-31"^^xsd:date ;
    lodplan:continuousImprovement true ;
    lodplan:theme sgpe:velo , sdg:11 ;
    lodplan:implements <plan/epci-demo-pcaet/element/2.1> .

{INDICATOR} a lodplan:Indicator ;
    rdfs:label "Fréquentation de la ligne transfrontalière"@fr ;
    dcterms:description "Nombre moyen de voyages par jour ouvré sur la ligne."@fr ;
    lodplan:unit "voyages par jour"@fr ;
    lodplan:theme sgpe:transports-en-commun ;
    adms:identifier <indicator/frequentation-ligne#id-tet> .

<indicator/frequentation-ligne#id-tet> a adms:Identifier ;
    skos:notation "ind-4242" ;
    adms:schemaAgency "Territoires en Transitions" .

<indicator/frequentation-ligne#reference-2023> a lodplan:IndicatorValue ;
    lodplan:ofIndicator {INDICATOR} ;
    lodplan:valueKind valuekind:reference ;
    rdf:value "0"^^xsd:decimal ;
    lodplan:valueDate "2023"^^xsd:gYear ;
    lodplan:statedIn {E11} .

<indicator/frequentation-ligne#target-2026> a lodplan:IndicatorValue ;
    lodplan:ofIndicator {INDICATOR} ;
    lodplan:valueKind valuekind:cible ;
    rdf:value "800"^^xsd:decimal ;
    lodplan:valueDate "2026"^^xsd:gYear ;
    lodplan:statedIn {E11} .

<indicator/frequentation-ligne#measure-2025-06> a lodplan:IndicatorValue ;
    lodplan:ofIndicator {INDICATOR} ;
    lodplan:valueKind valuekind:mesure ;
    rdf:value "352.5"^^xsd:decimal ;
    lodplan:valueDate "2025-06"^^xsd:gYearMonth ;
    dcterms:source "Comptages de l'exploitant, juin 2025"@fr ;
    lodplan:statedBy <actor/demo> .

<indicator/frequentation-ligne#estimate-2025> a lodplan:IndicatorValue ;
    lodplan:ofIndicator {INDICATOR} ;
    lodplan:valueKind valuekind:estimation ;
    rdf:value "420"^^xsd:decimal ;
    lodplan:valueDate "2025-12-31"^^xsd:date ;
    dcterms:source <https://observatoire.demo.example/mobilite/2025> .

<plan/demo/element/1.1#budget-1> a lodplan:BudgetLine ;
    lodplan:amount "450000"^^xsd:decimal ;
    schema:currency "EUR" ;
    lodplan:taxIncluded false ;
    lodplan:amountKind amountkind:budget-previsionnel ;
    lodplan:expenditureNature expnature:investissement ;
    lodplan:fiscalYear "2025"^^xsd:gYear ;
    lodplan:statedIn {PLAN} .

<plan/demo/element/1.1#budget-2> a lodplan:BudgetLine ;
    lodplan:amount "0.5"^^xsd:decimal ;
    lodplan:unit "ETP" ;
    lodplan:amountKind amountkind:depense-realisee ;
    lodplan:expenditureNature expnature:fonctionnement ;
    lodplan:fiscalYear "2024"^^xsd:gYear .

<plan/demo/element/1.1#funding-1> a lodplan:BudgetLine ;
    lodplan:amount "200000"^^xsd:decimal ;
    schema:currency "EUR" ;
    lodplan:amountKind amountkind:financement-obtenu ;
    lodplan:funder <actor/etat> ;
    lodplan:fundingProgramme programme:fonds-vert .

<plan/demo/element/1.1#status-1> a lodplan:StatusAssertion ;
    lodplan:status status:prevue ;
    lodplan:statusDate "2024-03-12"^^xsd:date ;
    lodplan:phase phase:etude ;
    lodplan:statedIn {PLAN} .

<plan/demo/element/1.1#status-2> a lodplan:StatusAssertion ;
    lodplan:status status:en-cours ;
    lodplan:statusDate "2024-10-01"^^xsd:date ;
    lodplan:phase phase:operation ;
    lodplan:completion "40"^^xsd:decimal ;
    lodplan:statedBy <actor/demo> ;
    dcterms:source "Comité de suivi du 1er octobre 2024"@fr .

<actor/etat> a org:Organization ;
    rdfs:label "État"@fr ;
    skos:prefLabel "État"@fr .
"""
    + provenance(E13, "1.3 Installer des abris vélos aux arrêts", 8, 8)
)

NEW_IN_0_2 = {
    LP[name]
    for name in [
        "Indicator",
        "IndicatorValue",
        "BudgetLine",
        "StatusAssertion",
        "AdoptionAct",
        "indicator",
        "ofIndicator",
        "valueKind",
        "statedIn",
        "statedBy",
        "budgetLine",
        "amountKind",
        "expenditureNature",
        "funder",
        "fundingProgramme",
        "statusAssertion",
        "phase",
        "theme",
        "adoptionAct",
        "relatedPlan",
        "implements",
        "unit",
        "valueDate",
        "amount",
        "fiscalYear",
        "taxIncluded",
        "statusDate",
        "plannedStartDate",
        "plannedEndDate",
        "actualStartDate",
        "actualEndDate",
        "completion",
        "continuousImprovement",
        "expectedResults",
        "means",
        "targetAudience",
    ]
}


def valid_graph_0_2() -> Graph:
    return Graph().parse(data=turtle_header(PREFIXES) + PLAN_0_2, format="turtle")


def test_the_0_2_terms_are_exactly_those_added_to_0_1():
    assert declared_terms() >= NEW_IN_0_2
    old = valid_graph()
    used_by_0_1 = {p for p in old.predicates()} | {o for o in old.objects(None, RDF.type)}
    assert not NEW_IN_0_2 & used_by_0_1


def test_the_0_2_fixture_uses_every_term_0_2_adds():
    g = valid_graph_0_2()
    used = set(g.predicates()) | set(g.objects(None, RDF.type))
    assert NEW_IN_0_2 - used == set()
    reused = {
        ADMS.identifier, ADMS.Identifier, ADMS.schemaAgency, SCHEMA.currency, DCTERMS.source,
        URIRef("http://xmlns.com/foaf/0.1/page"),
    }  # fmt: skip
    assert reused <= used


def test_valid_0_2_plan_conforms_without_any_result():
    conforms, results = validate(valid_graph_0_2())
    assert conforms, describe(results)
    assert not list(results.subjects(RDF.type, SH.ValidationResult))


STATUS_1 = "<plan/demo/element/1.1#status-1>"
TARGET = "<indicator/frequentation-ligne#target-2026>"
FUNDING = "<plan/demo/element/1.1#funding-1>"
BUDGET_1 = "<plan/demo/element/1.1#budget-1>"

BROKEN_0_2 = [
    (
        "amount-not-a-decimal",
        f"""DELETE {{ {BUDGET_1} lodplan:amount ?a }}
           INSERT {{ {BUDGET_1} lodplan:amount "450 k€" }}
           WHERE {{ {BUDGET_1} lodplan:amount ?a }}""",
        LPSH["BudgetLine-amount"],
    ),
    (
        "negative-amount",
        f"""DELETE {{ {BUDGET_1} lodplan:amount ?a }}
           INSERT {{ {BUDGET_1} lodplan:amount "-10"^^xsd:decimal }}
           WHERE {{ {BUDGET_1} lodplan:amount ?a }}""",
        LPSH["BudgetLine-amount"],
    ),
    (
        "currency-not-iso-4217",
        f"""DELETE {{ {BUDGET_1} schema:currency ?c }} INSERT {{ {BUDGET_1} schema:currency "€" }}
           WHERE {{ {BUDGET_1} schema:currency ?c }}""",
        LPSH["BudgetLine-currency"],
    ),
    (
        "currency-and-unit",
        f"""INSERT DATA {{ {BUDGET_1} lodplan:unit "ETP" }}""",
        LPSH.BudgetLineShape,
    ),
    (
        "amount-without-currency-or-unit",
        f"DELETE WHERE {{ {FUNDING} schema:currency ?c }}",
        LPSH.BudgetLineShape,
    ),
    (
        "unknown-funding-programme",
        f"""DELETE {{ {FUNDING} lodplan:fundingProgramme ?p }}
           INSERT {{ {FUNDING} lodplan:fundingProgramme programme:fonds-bleu }}
           WHERE {{ {FUNDING} lodplan:fundingProgramme ?p }}""",
        LPSH["BudgetLine-fundingProgramme"],
    ),
    (
        "fiscal-year-as-a-date",
        f"""DELETE {{ {BUDGET_1} lodplan:fiscalYear ?y }}
           INSERT {{ {BUDGET_1} lodplan:fiscalYear "2025-01-01"^^xsd:date }}
           WHERE {{ {BUDGET_1} lodplan:fiscalYear ?y }}""",
        LPSH["BudgetLine-fiscalYear"],
    ),
    (
        "budget-line-of-no-element",
        f"DELETE DATA {{ {E11} lodplan:budgetLine {FUNDING} }}",
        LPSH["BudgetLine-holder"],
    ),
    (
        "target-without-date",
        f"DELETE WHERE {{ {TARGET} lodplan:valueDate ?d }}",
        LPSH.IndicatorValueShape,
    ),
    (
        "indicator-value-not-a-number",
        f"""DELETE {{ {TARGET} rdf:value ?v }} INSERT {{ {TARGET} rdf:value "800 voyages" }}
           WHERE {{ {TARGET} rdf:value ?v }}""",
        LPSH["IndicatorValue-value"],
    ),
    (
        "indicator-value-without-indicator",
        f"DELETE WHERE {{ {TARGET} lodplan:ofIndicator ?i }}",
        LPSH["IndicatorValue-ofIndicator"],
    ),
    (
        "value-kind-outside-its-list",
        f"""DELETE {{ {TARGET} lodplan:valueKind ?k }}
           INSERT {{ {TARGET} lodplan:valueKind amountkind:budget-previsionnel }}
           WHERE {{ {TARGET} lodplan:valueKind ?k }}""",
        LPSH["IndicatorValue-valueKind"],
    ),
    (
        "unknown-lever",
        f"INSERT DATA {{ {E11} lodplan:theme sgpe:teleportation }}",
        LPSH["Theme-value"],
    ),
    (
        "theme-from-a-closed-list-of-another-kind",
        f"INSERT DATA {{ {E11} lodplan:theme status:realisee }}",
        LPSH["Theme-value"],
    ),
    (
        "completion-120",
        f"""DELETE {{ {E11} lodplan:completion ?c }}
           INSERT {{ {E11} lodplan:completion "120"^^xsd:decimal }}
           WHERE {{ {E11} lodplan:completion ?c }}""",
        LPSH["Completion-value"],
    ),
    (
        "status-assertion-without-date",
        f"DELETE WHERE {{ {STATUS_1} lodplan:statusDate ?d }}",
        LPSH["StatusAssertion-statusDate"],
    ),
    (
        "status-assertion-with-a-month",
        f"""DELETE {{ {STATUS_1} lodplan:statusDate ?d }}
           INSERT {{ {STATUS_1} lodplan:statusDate "2024-03"^^xsd:gYearMonth }}
           WHERE {{ {STATUS_1} lodplan:statusDate ?d }}""",
        LPSH["StatusAssertion-statusDate"],
    ),
    (
        "status-assertion-outside-the-status-list",
        f"""DELETE {{ {STATUS_1} lodplan:status ?s }}
           INSERT {{ {STATUS_1} lodplan:status phase:idee }}
           WHERE {{ {STATUS_1} lodplan:status ?s }}""",
        LPSH["StatusAssertion-status"],
    ),
    (
        "status-assertion-of-no-element",
        f"DELETE DATA {{ {E11} lodplan:statusAssertion {STATUS_1} }}",
        LPSH["StatusAssertion-holder"],
    ),
    (
        "planned-date-as-text",
        f"""DELETE {{ {E11} lodplan:plannedStartDate ?d }}
           INSERT {{ {E11} lodplan:plannedStartDate "septembre 2024"@fr }}
           WHERE {{ {E11} lodplan:plannedStartDate ?d }}""",
        LPSH["PlanElement-plannedStartDate"],
    ),
    (
        "phase-outside-its-list",
        f"""DELETE {{ {E11} lodplan:phase ?p }} INSERT {{ {E11} lodplan:phase status:en-cours }}
           WHERE {{ {E11} lodplan:phase ?p }}""",
        LPSH["PlanElement-phase"],
    ),
    (
        "empty-expected-results",
        f"""DELETE {{ {E11} lodplan:expectedResults ?r }}
           INSERT {{ {E11} lodplan:expectedResults ""@fr }}
           WHERE {{ {E11} lodplan:expectedResults ?r }}""",
        LPSH["PlanElement-expectedResults"],
    ),
    (
        "identifier-without-agency",
        "DELETE WHERE { <plan/demo#id-tet> adms:schemaAgency ?a }",
        LPSH["Identifier-schemaAgency"],
    ),
    (
        "adoption-act-without-date-number-or-page",
        """DELETE WHERE { <plan/demo#act-2024-057> dcterms:issued ?d ; skos:notation ?n ;
                              foaf:page ?p }""",
        LPSH.AdoptionActShape,
    ),
    (
        "indicator-without-label",
        f"DELETE WHERE {{ {INDICATOR} rdfs:label ?l }}",
        LPSH["Indicator-label"],
    ),
    (
        "implements-a-literal",
        f"""INSERT DATA {{ {E13} lodplan:implements "le plan climat" }}""",
        LPSH["Implements-value"],
    ),
]


def broken_0_2(update: str) -> Graph:
    graph = valid_graph_0_2()
    graph.update(PREFIXES + update)
    return graph


@pytest.mark.parametrize(
    ("update", "shape"), [b[1:] for b in BROKEN_0_2], ids=[b[0] for b in BROKEN_0_2]
)
def test_broken_0_2_data_is_rejected_with_french_and_english_messages(update, shape):
    conforms, results = validate(broken_0_2(update))
    assert not conforms
    found = results_of(results, shape)
    assert found, describe(results)
    for result in found:
        assert results.value(result, SH.resultSeverity) == SH.Violation
        assert sorted(langs(results, result, SH.resultMessage)) == ["en", "fr"]


def test_the_0_2_fixture_round_trips_through_context_0_2():
    original = valid_graph_0_2()
    versioned = json.loads((ontology_dir() / "context" / "0.2.jsonld").read_text(encoding="utf-8"))
    assert versioned == context()  # 0.2 is the current context
    expanded = jsonld.from_rdf(to_nquads(original), {"format": "application/n-quads"})
    compacted = jsonld.compact(expanded, versioned)
    nodes = {node["id"]: node for node in compacted["@graph"]}

    action = nodes[DATA + "plan/demo/element/1.1"]
    assert action["phase"] == "phasecode:operation"
    assert action["completion"] == "40"
    assert action["plannedStartDate"] == {"@value": "2024-09", "type": "xsd:gYearMonth"}
    assert sorted(action["theme"]) == [
        "m57:90-821", "sgpe:transports-en-commun", "tettheme:mobilite-et-transport",
    ]  # fmt: skip
    assert action["externalIdentifier"] == DATA + "plan/demo/element/1.1#id-national"
    target = nodes[DATA + "indicator/frequentation-ligne#target-2026"]
    assert target["type"] == "IndicatorValue"
    assert (target["value"], target["valueKind"]) == ("800", "valuekind:cible")
    assert target["ofIndicator"] == DATA + "indicator/frequentation-ligne"
    funding = nodes[DATA + "plan/demo/element/1.1#funding-1"]
    assert (funding["amount"], funding["currency"]) == ("200000", "EUR")
    assert funding["fundingProgramme"] == "programme:fonds-vert"
    assert funding["amountKind"] == "amountkind:financement-obtenu"
    status = nodes[DATA + "plan/demo/element/1.1#status-2"]
    assert (status["status"], status["statusDate"]) == ("statuscode:en-cours", "2024-10-01")
    act = nodes[DATA + "plan/demo#act-2024-057"]
    assert (act["notation"], act["issued"]) == ("2024-DEL-057", "2024-03-12")
    assert act["page"] == "https://deliberations.demo.example/2024-057"
    identifier = nodes[DATA + "plan/demo#id-tet"]
    assert (identifier["type"], identifier["schemaAgency"]) == (
        "Identifier",
        "Territoires en Transitions",
    )

    keys = {key for node in compacted["@graph"] for key in node}
    assert not [k for k in keys if ":" in k or k.startswith("http")], "a term is missing"

    back = jsonld.to_rdf(compacted, {"format": "application/n-quads"})
    assert isomorphic(Graph().parse(data=back, format="nt"), original)


# Questions on plans over time (docs/mapping.md): statuses accumulate as assertions.

STATUS_ON_A_DATE = """
PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?element ?status WHERE {
  ?element lodplan:statusAssertion ?assertion .
  ?assertion lodplan:status ?status ; lodplan:statusDate ?date .
  FILTER (?date <= "2024-06-30"^^xsd:date)
  FILTER NOT EXISTS {
    ?element lodplan:statusAssertion ?later .
    ?later lodplan:statusDate ?laterDate .
    FILTER (?laterDate <= "2024-06-30"^^xsd:date && ?laterDate > ?date)
  }
}
"""

STATUS_WENT_BACKWARDS = """
PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
PREFIX status: <https://w3id.org/lodplan/code/status/>
SELECT DISTINCT ?element ?before ?after WHERE {
  VALUES (?before ?rankBefore) { (status:prevue 1) (status:en-cours 2) (status:en-retard 2)
                                 (status:realisee 3) }
  VALUES (?after ?rankAfter) { (status:prevue 1) (status:en-cours 2) (status:en-retard 2)
                               (status:realisee 3) }
  ?element lodplan:statusAssertion ?a1 , ?a2 .
  ?a1 lodplan:status ?before ; lodplan:statusDate ?d1 .
  ?a2 lodplan:status ?after ; lodplan:statusDate ?d2 .
  FILTER (?d1 < ?d2 && ?rankAfter < ?rankBefore)
}
"""


def test_the_status_of_every_element_on_a_date_is_a_query():
    rows = {(str(e), str(s)) for e, s in valid_graph_0_2().query(STATUS_ON_A_DATE)}
    assert rows == {
        (DATA + "plan/demo/element/1.1", str(terms.STATUS["prevue"])),
        (DATA + "plan/demo", str(terms.STATUS["adoptee"])),
    }


def test_statuses_that_went_backwards_are_a_query():
    graph = valid_graph_0_2()
    assert not list(graph.query(STATUS_WENT_BACKWARDS))
    graph.update(
        PREFIXES
        + f"""INSERT DATA {{
            {E11} lodplan:statusAssertion <plan/demo-2025/element/1.1#status-1> .
            <plan/demo-2025/element/1.1#status-1> a lodplan:StatusAssertion ;
                lodplan:status status:prevue ; lodplan:statusDate "2025-02-01"^^xsd:date .
        }}"""
    )
    rows = {(str(b), str(a)) for _, b, a in graph.query(STATUS_WENT_BACKWARDS)}
    assert rows == {(str(terms.STATUS["en-cours"]), str(terms.STATUS["prevue"]))}


# --- shared theme schemes: shipped as data, with their source and licence -----

EXPECTED_SIZES = {"sgpe-lever": 50, "sdg": 17, "tet-thematique": 11}


def _themes_csv(name: str) -> list[dict[str, str]]:
    import csv

    path = ontology_dir().parent / "referentials" / "themes" / name
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.mark.parametrize("name", SHARED_SCHEMES)
def test_shared_schemes_name_their_source_and_licence(name):
    g = codelists()
    scheme = scheme_iri(name)
    for predicate in (SKOS.prefLabel, RDFS.label, SKOS.definition):
        assert sorted(langs(g, scheme, predicate)) == ["en", "fr"], predicate
    sources = list(g.objects(scheme, DCTERMS.source))
    assert sources and all(isinstance(s, URIRef) for s in sources)
    assert isinstance(g.value(scheme, DCTERMS.license), URIRef)
    assert g.value(scheme, OWL.versionInfo) is not None
    concepts = set(g.subjects(SKOS.inScheme, scheme))
    assert set(g.objects(scheme, SKOS.hasTopConcept)) == set(g.subjects(SKOS.topConceptOf, scheme))
    for concept in concepts:
        identifier = str(concept).removeprefix(str(scheme) + "/")
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", identifier)
        assert list(g.objects(concept, SKOS.notation)) == [Literal(identifier)]
        assert "fr" in langs(g, concept, SKOS.prefLabel), concept
        assert set(g.objects(concept, RDFS.label)) == set(g.objects(concept, SKOS.prefLabel))
        tops = (concept, SKOS.topConceptOf, scheme) in g
        assert tops != ((concept, SKOS.broader, None) in g), concept


def test_shared_schemes_have_the_sizes_of_their_sources():
    g = codelists()

    def size(name: str) -> int:
        return len(set(g.subjects(SKOS.inScheme, scheme_iri(name))))

    for name, expected in EXPECTED_SIZES.items():
        assert size(name) == expected, name
    assert size("m57-competence") == len(_themes_csv("referentiel_competences_M57_2025.csv"))
    assert size("m57-competence") == 156


def test_sgpe_levers_carry_the_labels_and_descriptions_of_the_national_schema():
    g = codelists()
    rows = _themes_csv("50_leviers_SGPE_03_2025.csv")
    labels = {str(label) for c in g.subjects(SKOS.inScheme, scheme_iri("sgpe-lever"))
              for label in g.objects(c, SKOS.prefLabel)}  # fmt: skip
    assert labels == {row["levier"] for row in rows}  # the values the schema's `leviers` take
    for row in rows:
        [concept] = g.subjects(SKOS.prefLabel, Literal(row["levier"], lang="fr"))
        assert str(g.value(concept, SKOS.definition)) == row["description"]


def test_m57_competences_are_codes_with_their_hierarchy():
    g = codelists()
    rows = _themes_csv("referentiel_competences_M57_2025.csv")
    for row in rows:
        concept = concept_iri("m57-competence", row["code"])
        assert g.value(concept, SKOS.prefLabel) == Literal(
            row["competence-sous-competence"], lang="fr"
        )
        parent = g.value(concept, SKOS.broader)
        if len(row["code"]) == 6 and row["code"] != "90-025":
            assert parent == concept_iri("m57-competence", row["code"][:-1])
        else:
            assert parent is None
    assert (
        len(
            set(g.subjects(SKOS.broader, None))
            & {concept_iri("m57-competence", r["code"]) for r in rows}
        )
        == 102
    )


def test_sdgs_match_the_un_identifiers():
    g = codelists()
    for number in range(1, 18):
        concept = concept_iri("sdg", str(number))
        assert g.value(concept, SKOS.exactMatch) == URIRef(f"http://metadata.un.org/sdg/{number}")
        assert sorted(langs(g, concept, SKOS.prefLabel)) == ["en", "fr"]
        assert sorted(langs(g, concept, SKOS.definition)) == ["en", "fr"]
    assert g.value(concept_iri("sdg", "13"), SKOS.prefLabel, any=True) is not None


def test_generated_theme_schemes_are_what_the_script_derives_from_the_copies():
    import importlib.util

    path = ontology_dir().parent / "tools" / "derive_theme_schemes.py"
    spec = importlib.util.spec_from_file_location("derive_theme_schemes", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    for name, text in module.derived().items():
        assert (ontology_dir() / "codelists" / name).read_text(encoding="utf-8") == text, name


def test_national_schema_and_tet_statuses_each_have_one_concept():
    """The phaseStatut of the national schema and TET's statut map to one concept each."""
    g = codelists()
    by_label: dict[str, set] = {}
    for concept in g.subjects(SKOS.inScheme, scheme_iri("status")):
        for predicate in (SKOS.prefLabel, SKOS.altLabel):
            for label in g.objects(concept, predicate):
                by_label.setdefault(str(label).casefold(), set()).add(concept)
    national = ["En cours", "En retard", "En pause", "Bloqué", "Abandonné", "Terminé"]
    tet = ["À venir", "En cours", "Réalisé", "En pause", "Abandonné", "Bloqué", "En retard",
           "A discuter"]  # fmt: skip
    for label in national + tet:
        assert len(by_label.get(label.casefold(), ())) == 1, label


def test_docs_list_every_value_of_every_code_list():
    """docs/codelists.md and the table of docs/mapping.md are generated from the code
    lists: run `python tools/codelist_docs.py` after a change."""
    import importlib.util

    path = ontology_dir().parent / "tools" / "codelist_docs.py"
    spec = importlib.util.spec_from_file_location("codelist_docs", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    text = (ontology_dir().parent / "docs" / "codelists.md").read_text(encoding="utf-8")
    assert text == module.codelists_markdown(), "run python tools/codelist_docs.py"
    for concept in codelists().subjects(RDF.type, SKOS.Concept):
        assert f"| `{str(concept).rsplit('/', 1)[1]}` |" in text, concept
    mapping = (ontology_dir().parent / "docs" / "mapping.md").read_text(encoding="utf-8")
    assert mapping == module.with_overview(mapping), "run python tools/codelist_docs.py"
