"""Deterministic generator of synthetic plans in lodplan's ontology, as N-Quads.

The data has exactly the shape that :mod:`lodplan.mapping.graph` writes for a
real plan (one named graph ``{base}graph/plan/<id>`` per plan): the plan and
its metadata, its source document with a checksum, a tree of axes → objectives
→ (sub-objectives) → actions with French labels, kind, levelName, level, order,
notation, inPlan, partOf/hasPart, provenance (``#source``, ``#quote``,
``#lines``) on every element, and on actions: statuses, plan-specific
categories, territories (EU country IRIs, INSEE commune IRIs, a few
lodplan:Territory), involvements of actors with roles, and date mentions. The
actors referred to go into ``{base}graph/actors`` as ``lodplan build`` does.

Plans look like the plans of French intercommunalities (EPCI): many plans of
varied size (10 to ~250 elements) rather than one giant plan. Plans are added
until the target number of triples is reached, so the result overshoots the
target by less than one plan. The same ``--seed`` and ``--triples`` always give
the same bytes.

Written with string templates (no rdflib) so that a million triples take seconds::

    python benchmarks/generate.py --triples 100000 --out benchmarks/out/plans-100k.nq
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from lodplan.iris import IriMinter, slugify
from lodplan.terms import (
    COUNTRY,
    DATE_PRECISION,
    DATE_ROLE,
    ELEMENT_KIND,
    LP,
    OA,
    PLAN_TYPE,
    RFC5147,
    ROLE,
    SPDX,
    STATUS,
    TERRITORY_KIND,
)

DEFAULT_BASE = "http://localhost:8080/"
DEFAULT_SEED = 1250

# --- terms, pre-bracketed -----------------------------------------------------------


def _i(iri: str) -> str:
    return f"<{iri}>"


RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
DCT_NS = "http://purl.org/dc/terms/"
DCAT_NS = "http://www.w3.org/ns/dcat#"
PROV_NS = "http://www.w3.org/ns/prov#"
ORG_NS = "http://www.w3.org/ns/org#"

A = _i(RDF_NS + "type")
RDF_VALUE = _i(RDF_NS + "value")
LABEL = _i(RDFS_NS + "label")
SKOS_PREF = _i(SKOS_NS + "prefLabel")
SKOS_ALT = _i(SKOS_NS + "altLabel")
SKOS_DEF = _i(SKOS_NS + "definition")
SKOS_NOTATION = _i(SKOS_NS + "notation")
SKOS_CONCEPT = _i(SKOS_NS + "Concept")
SKOS_SCHEME = _i(SKOS_NS + "ConceptScheme")
SKOS_IN_SCHEME = _i(SKOS_NS + "inScheme")
SKOS_TOP_OF = _i(SKOS_NS + "topConceptOf")
SKOS_HAS_TOP = _i(SKOS_NS + "hasTopConcept")
DCT_TITLE = _i(DCT_NS + "title")
DCT_DESCRIPTION = _i(DCT_NS + "description")
DCT_IDENTIFIER = _i(DCT_NS + "identifier")
DCT_PUBLISHER = _i(DCT_NS + "publisher")
DCT_ISSUED = _i(DCT_NS + "issued")
DCT_LANGUAGE = _i(DCT_NS + "language")
DCT_TEMPORAL = _i(DCT_NS + "temporal")
DCT_SPATIAL = _i(DCT_NS + "spatial")
DCT_PERIOD = _i(DCT_NS + "PeriodOfTime")
DCT_LOCATION = _i(DCT_NS + "Location")
DCT_CONFORMS = _i(DCT_NS + "conformsTo")
DCAT_START = _i(DCAT_NS + "startDate")
DCAT_END = _i(DCAT_NS + "endDate")
DCAT_MEDIA = _i(DCAT_NS + "mediaType")
PROV_DERIVED = _i(PROV_NS + "wasDerivedFrom")
PROV_AGENT = _i(PROV_NS + "agent")
PROV_ROLE = _i(PROV_NS + "hadRole")
ORG_ORGANIZATION = _i(ORG_NS + "Organization")
ORG_UNIT = _i(ORG_NS + "OrganizationalUnit")
ORG_UNIT_OF = _i(ORG_NS + "unitOf")
ORG_HAS_UNIT = _i(ORG_NS + "hasUnit")
OA_SPECIFIC = _i(str(OA.SpecificResource))
OA_HAS_SOURCE = _i(str(OA.hasSource))
OA_HAS_SELECTOR = _i(str(OA.hasSelector))
OA_QUOTE = _i(str(OA.TextQuoteSelector))
OA_EXACT = _i(str(OA.exact))
OA_FRAGMENT = _i(str(OA.FragmentSelector))
SPDX_CHECKSUM = _i(str(SPDX.checksum))
SPDX_CHECKSUM_CLASS = _i(str(SPDX.Checksum))
SPDX_ALGORITHM = _i(str(SPDX.algorithm))
SPDX_SHA256 = _i(str(SPDX.checksumAlgorithm_sha256))
SPDX_VALUE = _i(str(SPDX.checksumValue))
RFC5147_IRI = _i(RFC5147)
LP_ = {
    name: _i(str(LP[name]))
    for name in [
        "Plan",
        "Objective",
        "Action",
        "Involvement",
        "DateMention",
        "SourceDocument",
        "Territory",
        "planType",
        "status",
        "adoptedBy",
        "sourceDocument",
        "hasElement",
        "inPlan",
        "hasPart",
        "partOf",
        "kind",
        "levelName",
        "level",
        "order",
        "involvement",
        "involves",
        "territory",
        "category",
        "date",
        "startDate",
        "endDate",
        "datePrecision",
        "dateRole",
        "dateText",
        "source",
        "startLine",
        "endLine",
        "territoryKind",
    ]
}
XSD_DATE = XSD_NS + "date"
XSD_INTEGER = XSD_NS + "integer"  # level, order, startLine, endLine (as graph.py)
XSD_HEX = XSD_NS + "hexBinary"
LANGUAGE_FRA = "<http://publications.europa.eu/resource/authority/language/FRA>"
MEDIA_TEXT = "<https://www.iana.org/assignments/media-types/text/plain>"
INSEE_GEO = "http://id.insee.fr/geo/"
UUID_NAMESPACE = uuid.UUID("6b3c1f0e-2f1d-4c55-9a57-6c6f64706c61")  # fixed: stable IRIs


def concept(namespace, concept_id: str) -> str:
    return _i(str(namespace[concept_id]))


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def insee_iri(kind: str, code: str) -> str:
    """An INSEE COG IRI (id.insee.fr uses UUIDs; derived here from the code, stably)."""
    return _i(f"{INSEE_GEO}{kind}/{uuid.uuid5(UUID_NAMESPACE, f'{kind}/{code}')}")


# --- vocabulary of the synthetic plans --------------------------------------------------

# (plan-type concept, French name used in titles)
PLAN_TYPES = [
    ("projet-de-territoire", "Projet de territoire"),
    ("projet-de-territoire", "Projet de territoire"),
    ("programme-d-actions", "Programme d'actions"),
    ("plan-d-actions", "Plan d'actions"),
    ("feuille-de-route", "Feuille de route"),
    ("contrat", "Contrat de relance et de transition écologique"),
    ("strategie", "Stratégie de transition"),
]
# Each plan style: (level-1 kind, level name), (level-2), (level-3), (action kind, level name)
LEVEL_STYLES = [
    (("axe", "Axe"), ("objectif", "Objectif"), ("sous-objectif", "Sous-objectif"),
     ("action", "Action")),
    (("ambition", "Ambition"), ("chantier", "Chantier"), ("objectif", "Objectif"),
     ("fiche-action", "Fiche action")),
    (("defi", "Défi"), ("enjeu", "Enjeu"), ("objectif", "Objectif"), ("action", "Action")),
    (("orientation", "Orientation"), ("objectif", "Objectif"), ("sous-objectif", "Objectif"),
     ("mesure", "Mesure")),
    (("priorite-strategique", "Priorité"), ("axe", "Axe"), ("objectif", "Objectif"),
     ("action", "Action")),
]  # fmt: skip
AXIS_THEMES = [
    "Un territoire attractif et dynamique",
    "Un territoire solidaire et inclusif",
    "Un territoire engagé dans la transition écologique",
    "Un territoire des mobilités pour tous",
    "Un cadre de vie préservé",
    "Une économie locale et durable",
    "Des services au plus près des habitants",
    "Une gouvernance partagée avec les communes",
    "Une agriculture nourricière et résiliente",
    "Un territoire sobre en énergie",
    "La jeunesse au cœur du projet",
    "Un tourisme de nature et de patrimoine",
    "Habiter et se loger sur le territoire",
    "Santé et bien-vieillir",
    "Une ressource en eau protégée",
    "Culture, sport et vie associative",
]
VERBS = [
    "Développer", "Accompagner", "Renforcer", "Favoriser", "Soutenir", "Structurer",
    "Préserver", "Valoriser", "Améliorer", "Promouvoir", "Consolider", "Encourager",
]  # fmt: skip
ACTION_VERBS = [
    "Créer", "Mettre en place", "Aménager", "Réaliser", "Déployer", "Expérimenter",
    "Réhabiliter", "Organiser", "Lancer", "Étudier", "Animer", "Sensibiliser à",
    "Financer", "Élaborer", "Construire", "Poursuivre",
]  # fmt: skip
OBJECTS = [
    # mobility (the "mobilit" full-text query finds these)
    "les mobilités douces", "l'offre de mobilité solidaire", "le covoiturage du quotidien",
    "un plan de mobilité simplifié", "le transport à la demande",
    "les pôles d'échanges multimodaux",
    # the rest of a territorial project
    "la rénovation énergétique des logements", "les énergies renouvelables locales",
    "un réseau de chaleur bois", "les zones d'activités économiques",
    "le commerce de centre-bourg", "l'économie sociale et solidaire", "les circuits courts",
    "le projet alimentaire territorial", "la ressource en eau", "les zones humides",
    "l'habitat inclusif", "l'accès aux soins de proximité",
    "une maison de santé pluriprofessionnelle", "le patrimoine bâti",
    "l'itinérance touristique", "l'inclusion numérique", "la couverture en fibre optique",
    "l'accueil de la petite enfance", "la réduction des déchets ménagers",
    "la biodiversité ordinaire", "les friches industrielles", "les équipements sportifs",
    "la lecture publique", "l'offre de logements pour les jeunes actifs",
    "l'installation de nouveaux agriculteurs", "la prévention des inondations",
    "l'éclairage public", "les tiers-lieux", "l'emploi des jeunes",
]  # fmt: skip
COMPLEMENTS = [
    "sur l'ensemble du territoire", "dans les centres-bourgs", "à l'échelle intercommunale",
    "en lien avec les communes", "pour tous les habitants", "avec les acteurs locaux",
    "dans les quartiers prioritaires", "en milieu rural", "avec les entreprises du territoire",
    "à destination des seniors",
]  # fmt: skip
ACTION_PREFIXES = ["", "", "", "Étude : ", "Schéma directeur : ", "Appel à projets : "]
PLACE_ROOTS = [
    "Aubrac", "Béthune", "Brocéliande", "Causses", "Chartreuse", "Combrailles", "Dombes",
    "Forez", "Gâtinais", "Hautes-Vosges", "Lauragais", "Livradois", "Morvan", "Ouche",
    "Pays de Caux", "Perche", "Queyras", "Sologne", "Thiérache", "Trièves", "Vexin",
    "Vercors", "Bocage", "Marais", "Haut-Jura", "Médoc", "Pévèle", "Chalosse",
]  # fmt: skip
RIVERS = ["Loire", "Dordogne", "Lot", "Aisne", "Meuse", "Saône", "Garonne", "Vienne", "Orne"]
SAINTS = ["Martin", "Pierre", "Jean", "Étienne", "Laurent", "Germain", "Julien", "Hilaire"]
COMMUNE_BASES = [
    "Villeneuve", "Montfort", "Beaumont", "Châteauneuf", "Fontaine", "Lavaur", "Mirebeau",
    "Roche", "Bellevue", "Pontarlier", "Marsac", "Cernay", "Vaudrey", "Lussac", "Brive",
]  # fmt: skip
BORDER_COUNTRIES = ["DEU", "BEL", "CHE", "ITA", "ESP", "LUX", "AND", "MCO"]
REGIONS = [
    "auvergne-rhone-alpes", "bourgogne-franche-comte", "bretagne", "centre-val-de-loire",
    "corse", "grand-est", "hauts-de-france", "ile-de-france", "normandie",
    "nouvelle-aquitaine", "occitanie", "pays-de-la-loire", "provence-alpes-cote-d-azur",
]  # fmt: skip
NATIONAL_ACTORS = {
    "ademe": "ADEME",
    "anct": "Agence nationale de la cohésion des territoires",
    "banque-des-territoires": "Banque des Territoires",
    "cerema": "Cerema",
    "etat": "État",
    "caf": "Caisse d'allocations familiales",
    "ars": "Agence régionale de santé",
    "office-francais-de-la-biodiversite": "Office français de la biodiversité",
    "agence-de-l-eau": "Agence de l'eau",
    "chambre-d-agriculture": "Chambre d'agriculture",
    "cci": "Chambre de commerce et d'industrie",
    "action-logement": "Action Logement",
    "france-travail": "France Travail",
    "sncf-reseau": "SNCF Réseau",
}
SERVICES = [
    ("service-mobilite", "Service mobilité"),
    ("service-developpement-economique", "Service développement économique"),
    ("service-environnement", "Service environnement"),
    ("service-habitat", "Service habitat"),
    ("service-enfance-jeunesse", "Service enfance-jeunesse"),
]
TAGS = [
    ("prioritaire", "Prioritaire", "Action retenue comme prioritaire par le conseil."),
    ("transition-ecologique", "Transition écologique", "Action contribuant à la transition."),
    ("cohesion-sociale", "Cohésion sociale", "Action en faveur de la cohésion sociale."),
    ("crte", "CRTE", "Action inscrite au contrat de relance et de transition écologique."),
    ("petites-villes-de-demain", "Petites villes de demain", "Action du programme PVD."),
    ("leader", "LEADER", "Action éligible au programme européen LEADER."),
    ("nouvelle", "Nouvelle action", "Action nouvelle par rapport au plan précédent."),
]
# role concept and its weight among the partners of an action (the pilot is separate)
PARTNER_ROLES = ["partenaire"] * 5 + ["financeur"] * 3 + ["beneficiaire", "mentionne"]
ACTION_STATUSES = ["prevue"] * 8 + ["en-cours"] * 6 + ["realisee"] * 3 + ["en-attente"] * 2
ACTION_STATUSES += ["abandonnee"]
MONTH_NAMES = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip
SEASONS = [("printemps", 3, 5), ("été", 6, 8), ("automne", 9, 11)]
DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


# --- model of one generated plan -------------------------------------------------------


@dataclass
class Node:
    cls: str
    kind: str
    level_name: str
    label: str
    level: int
    order: int
    notation: str | None
    key: str = ""
    start_line: int = 0
    end_line: int = 0
    quote: str = ""
    description: str | None = None
    children: list[Node] = field(default_factory=list)


@dataclass
class Epci:
    siren: str
    name: str
    communes: list[tuple[str, str]]  # (INSEE code, name)
    region: str
    departement: str
    border: str | None  # alpha-3 of the neighbouring country, if any


class Generator:
    def __init__(self, seed: int, base: str) -> None:
        self.rng = random.Random(seed)
        self.base = base
        self.iris = IriMinter(base)
        self.actors: dict[str, tuple[str, str, str | None, str | None]] = {}
        self.actor_triples = 0
        self.stats = {"plans": 0, "elements": 0, "actions": 0, "plan_triples": 0}

    # -- actors (shared graph) --

    def actor(self, actor_id: str, label: str, unit_of: str | None = None, alt=None) -> str:
        if actor_id not in self.actors:
            self.actors[actor_id] = (actor_id, label, unit_of, alt)
            self.actor_triples += 3 + (2 if unit_of else 0) + (1 if alt else 0)
        return _i(self.iris.actor(actor_id))

    def actor_lines(self) -> list[str]:
        g = _i(self.iris.graph("actors"))
        out = []
        for actor_id, label, unit_of, alt in self.actors.values():
            node = _i(self.iris.actor(actor_id))
            cls = ORG_UNIT if unit_of else ORG_ORGANIZATION
            out.append(f"{node} {A} {cls} {g} .\n")
            out.append(f"{node} {LABEL} {lit(label, 'fr')} {g} .\n")
            out.append(f"{node} {SKOS_PREF} {lit(label, 'fr')} {g} .\n")
            if alt:
                out.append(f"{node} {SKOS_ALT} {lit(alt)} {g} .\n")
            if unit_of:
                parent = _i(self.iris.actor(unit_of))
                out.append(f"{node} {ORG_UNIT_OF} {parent} {g} .\n")
                out.append(f"{parent} {ORG_HAS_UNIT} {node} {g} .\n")
        return out

    # -- one EPCI and its plan --

    def epci(self, number: int) -> Epci:
        rng = self.rng
        root = rng.choice(PLACE_ROOTS)
        form = rng.random()
        if form < 0.55:
            name = f"Communauté de communes {self._de(root)}"
        elif form < 0.85:
            name = f"Communauté d'agglomération {self._de(root)}"
        else:
            name = f"Communauté de communes {self._de(root)} et {rng.choice(RIVERS)}"
        name += f" ({number})" if number >= len(PLACE_ROOTS) else ""
        departement = f"{rng.randint(1, 95):02d}"
        communes = []
        for n in range(rng.randint(8, 40)):
            communes.append((f"{departement}{(number * 41 + n) % 1000:03d}", self._commune(rng)))
        # one EPCI in six borders Germany (the country query always finds some), a few others
        if number % 6 == 1:
            border = "DEU"
        else:
            border = rng.choice(BORDER_COUNTRIES) if rng.random() < 0.1 else None
        return Epci(
            siren=str(200000000 + number * 7919),
            name=name,
            communes=communes,
            region=rng.choice(REGIONS),
            departement=departement,
            border=border,
        )

    @staticmethod
    def _de(root: str) -> str:
        return f"de {root}" if root[0] not in "AEIOUÉH" else f"d'{root}"

    @staticmethod
    def _commune(rng: random.Random) -> str:
        form = rng.random()
        if form < 0.3:
            return f"Saint-{rng.choice(SAINTS)}-{rng.choice(['sur', 'lès'])}-{rng.choice(RIVERS)}"
        if form < 0.6:
            return f"{rng.choice(COMMUNE_BASES)}-sur-{rng.choice(RIVERS)}"
        return f"{rng.choice(COMMUNE_BASES)}{rng.choice(['', '-le-Château', '-les-Bains'])}"

    def plan(self, number: int) -> list[str]:
        rng = self.rng
        epci = self.epci(number)
        type_id, type_name = rng.choice(PLAN_TYPES)
        start_year = rng.randint(2020, 2026)
        end_year = start_year + rng.choice([3, 5, 6])
        plan_id = f"cc-{epci.siren}-{type_id}-{start_year}"
        title = f"{type_name} {start_year}-{end_year} — {epci.name}"
        style = rng.choice(LEVEL_STYLES)
        coded_actions = rng.random() < 0.6
        tags = rng.sample(TAGS, rng.randint(2, 5))

        plan_iri = _i(self.iris.plan(plan_id))
        g = _i(self.iris.plan_graph(plan_id))
        doc = _i(self.iris.source(plan_id))
        epci_actor = self.actor(f"cc-{epci.siren}", epci.name, alt=f"CC{epci.siren[-4:]}")
        council = self.actor(
            f"cc-{epci.siren}-conseil", f"Conseil communautaire — {epci.name}", f"cc-{epci.siren}"
        )
        out: list[str] = []

        def t(s: str, p: str, o: str) -> None:
            out.append(f"{s} {p} {o} {g} .\n")

        tree = self._tree(style, coded_actions, epci, start_year, end_year)
        line = self._assign_lines(tree, title)

        # plan
        t(plan_iri, A, LP_["Plan"])
        t(plan_iri, DCT_TITLE, lit(title, "fr"))
        t(plan_iri, LABEL, lit(title, "fr"))
        if rng.random() < 0.7:
            description = (
                f"{type_name} de la {epci.name[0].lower()}{epci.name[1:]} pour la période "
                f"{start_year}-{end_year}, adopté en conseil communautaire."
            )
            t(plan_iri, DCT_DESCRIPTION, lit(description, "fr"))
        t(plan_iri, DCT_IDENTIFIER, lit(plan_id))
        t(plan_iri, LP_["planType"], concept(PLAN_TYPE, type_id))
        t(plan_iri, LP_["status"], concept(STATUS, "adoptee" if rng.random() < 0.8 else "projet"))
        t(plan_iri, DCT_PUBLISHER, epci_actor)
        t(plan_iri, LP_["adoptedBy"], council)
        issued = f"{start_year - 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        t(plan_iri, DCT_ISSUED, lit(issued, datatype=XSD_DATE))
        t(plan_iri, DCT_LANGUAGE, LANGUAGE_FRA)
        period = _i(f"{self.iris.plan(plan_id)}#period")
        t(plan_iri, DCT_TEMPORAL, period)
        t(period, A, DCT_PERIOD)
        t(period, DCAT_START, lit(f"{start_year}-01-01", datatype=XSD_DATE))
        t(period, DCAT_END, lit(f"{end_year}-12-31", datatype=XSD_DATE))
        t(plan_iri, DCT_SPATIAL, insee_iri("intercommunalite", epci.siren))
        t(plan_iri, LP_["sourceDocument"], doc)
        t(plan_iri, PROV_DERIVED, doc)
        self._provenance(t, plan_iri, doc, 1, 1, title)

        # source document
        t(doc, A, LP_["SourceDocument"])
        doc_title = f"{title}, texte extrait du PDF"
        t(doc, DCT_TITLE, lit(doc_title, "fr"))
        t(doc, LABEL, lit(doc_title, "fr"))
        t(doc, DCT_IDENTIFIER, lit(f"{plan_id}.txt"))
        t(doc, DCAT_MEDIA, MEDIA_TEXT)
        checksum = _i(f"{self.iris.source(plan_id)}#checksum")
        t(doc, SPDX_CHECKSUM, checksum)
        t(checksum, A, SPDX_CHECKSUM_CLASS)
        t(checksum, SPDX_ALGORITHM, SPDX_SHA256)
        sha = hashlib.sha256(f"{plan_id}:{line}".encode()).hexdigest()
        t(checksum, SPDX_VALUE, lit(sha, datatype=XSD_HEX))

        # plan-specific tags
        scheme = _i(self.iris.tag_scheme(plan_id))
        t(scheme, A, SKOS_SCHEME)
        t(scheme, LABEL, lit(f"Étiquettes — {title}", "fr"))
        t(scheme, SKOS_PREF, lit(f"Étiquettes — {title}", "fr"))
        for tag_id, tag_label, definition in tags:
            node = _i(self.iris.tag(plan_id, tag_id))
            t(node, A, SKOS_CONCEPT)
            t(node, SKOS_IN_SCHEME, scheme)
            t(node, SKOS_TOP_OF, scheme)
            t(scheme, SKOS_HAS_TOP, node)
            t(node, SKOS_PREF, lit(tag_label, "fr"))
            t(node, LABEL, lit(tag_label, "fr"))
            t(node, SKOS_DEF, lit(definition, "fr"))

        # a territory outside the official referentials (like the mapping's "outre-mer")
        own_territory = None
        if rng.random() < 0.3:
            own_territory = _i(self.iris.territory(f"bassin-de-vie-{epci.siren}"))
            t(own_territory, A, LP_["Territory"])
            t(own_territory, A, DCT_LOCATION)
            t(own_territory, LABEL, lit(f"Bassin de vie {self._de(epci.name.split()[-1])}", "fr"))
            t(
                own_territory,
                LP_["territoryKind"],
                concept(TERRITORY_KIND, "groupement-de-territoires"),
            )

        # the tree
        context = (plan_iri, doc, plan_id, epci, tags, own_territory, start_year, end_year)
        for node in tree:
            t(plan_iri, LP_["hasElement"], self._element(t, node, None, context))

        out = list(dict.fromkeys(out))  # a graph is a set: the plan's prov:wasDerivedFrom twice
        self.stats["plans"] += 1
        self.stats["plan_triples"] += len(out)
        return out

    # -- tree of elements --

    def _tree(self, style, coded_actions: bool, epci: Epci, start: int, end: int) -> list[Node]:
        rng = self.rng
        (k1, n1), (k2, n2), (k3, n3), (ka, na) = style
        max_actions = rng.choice([1, 2, 2, 3, 3, 4])
        sub_share = rng.choice([0.0, 0.25, 0.5])
        axes = []
        themes = rng.sample(AXIS_THEMES, rng.randint(2, 5))
        for a, theme in enumerate(themes, start=1):
            axis = Node("Objective", k1, n1, theme, 1, a, str(a))
            for o in range(1, rng.randint(2, 4) + 1):
                objective = Node("Objective", k2, n2, self._objective_label(), 2, o, f"{a}.{o}")
                if rng.random() < sub_share:
                    for s in range(1, rng.randint(2, 3) + 1):
                        sub = Node(
                            "Objective", k3, n3, self._objective_label(True), 3, s, f"{a}.{o}.{s}"
                        )
                        self._actions(sub, ka, na, max_actions, coded_actions, epci, start, end)
                        objective.children.append(sub)
                else:
                    self._actions(objective, ka, na, max_actions, coded_actions, epci, start, end)
                axis.children.append(objective)
            if rng.random() < 0.5:
                aim = self._objective_label().lower()
                axis.description = f"{theme} : {aim} {rng.choice(COMPLEMENTS)}."
            axes.append(axis)
        return axes

    def _objective_label(self, complement: bool = False) -> str:
        rng = self.rng
        label = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        return f"{label} {rng.choice(COMPLEMENTS)}" if complement else label

    def _actions(self, parent: Node, kind, level_name, max_actions, coded, epci, start, end):
        rng = self.rng
        for n in range(1, rng.randint(1, max_actions) + 1):
            where = rng.random()
            if where < 0.25:
                place = f" à {rng.choice(epci.communes)[1]}"
            elif where < 0.35:
                a, b = rng.sample(epci.communes, 2)
                place = f" entre {a[1]} et {b[1]}"
            else:
                place = f" {rng.choice(COMPLEMENTS)}"
            label = (
                f"{rng.choice(ACTION_PREFIXES)}{rng.choice(ACTION_VERBS)} "
                f"{rng.choice(OBJECTS)}{place}"
            )
            notation = f"{parent.notation}.{n}" if coded else None
            node = Node("Action", kind, level_name, label, parent.level + 1, n, notation)
            parent.children.append(node)

    def _assign_lines(self, tree: list[Node], title: str) -> int:
        """Give every element its source lines, verbatim quote and key among its siblings."""
        line = 2  # line 1 is the title

        def walk(nodes: list[Node]) -> None:
            nonlocal line
            used: set[str] = set()
            for node in nodes:
                line += 1 if self.rng.random() < 0.3 else 0  # blank lines between blocks
                node.start_line = line
                node.end_line = line + (1 if self.rng.random() < 0.15 else 0)
                line = node.end_line + 1
                if node.notation:
                    node.quote = f"{node.notation}\t{node.label}"
                else:
                    node.quote = f"{node.level_name} {node.order} : {node.label}"
                # as lodplan.mapping.graph.assign_keys: the code, else a slug of the label
                base = node.notation or slugify(node.label)
                key, suffix = base, 2
                while key in used:
                    key, suffix = f"{base}-{suffix}", suffix + 1
                used.add(key)
                node.key = key
                walk(node.children)

        walk(tree)
        return line

    def _element(self, t, node: Node, parent: str | None, context) -> str:
        plan_iri, doc, plan_id, epci, tags, own_territory, start, end = context
        rng = self.rng
        if node.notation or parent is None:
            s = _i(self.iris.coded_element(plan_id, node.key))
        else:  # an element without a code hangs under its parent's IRI
            s = f"{parent[:-1]}/{node.key}>"
        t(s, A, LP_[node.cls])
        t(s, LABEL, lit(node.label, "fr"))
        t(s, LP_["kind"], concept(ELEMENT_KIND, node.kind))
        t(s, LP_["levelName"], lit(node.level_name, "fr"))
        t(s, LP_["level"], lit(str(node.level), datatype=XSD_INTEGER))
        t(s, LP_["order"], lit(str(node.order), datatype=XSD_INTEGER))
        t(s, LP_["inPlan"], plan_iri)
        if node.notation:
            t(s, SKOS_NOTATION, lit(node.notation))
        if node.description:
            t(s, DCT_DESCRIPTION, lit(node.description, "fr"))
        if parent is not None:
            t(s, LP_["partOf"], parent)
            t(parent, LP_["hasPart"], s)
        self.stats["elements"] += 1
        if node.cls == "Action":
            self.stats["actions"] += 1
            self._action_facts(t, s, node, plan_id, epci, tags, own_territory, start, end)
        elif rng.random() < 0.1:
            self._involve(
                t,
                s,
                self.actor(f"region-{epci.region}", _region_label(epci.region)),
                f"region-{epci.region}",
                "mentionne",
            )
        self._provenance(t, s, doc, node.start_line, node.end_line, node.quote)
        for child in node.children:
            self._element(t, child, s, context)
        return s

    def _action_facts(self, t, s, node, plan_id, epci: Epci, tags, own_territory, start, end):
        rng = self.rng
        if rng.random() < 0.6:
            t(s, LP_["status"], concept(STATUS, rng.choice(ACTION_STATUSES)))
        if rng.random() < 0.45:
            for tag_id, _, _ in rng.sample(tags, rng.randint(1, min(2, len(tags)))):
                t(s, LP_["category"], _i(self.iris.tag(plan_id, tag_id)))
        # territories: communes (INSEE), neighbouring country for border EPCIs, own territory
        if rng.random() < 0.3:
            for code, _ in rng.sample(epci.communes, rng.randint(1, 2)):
                t(s, LP_["territory"], insee_iri("commune", code))
        if epci.border and rng.random() < 0.35:
            t(s, LP_["territory"], _i(str(COUNTRY[epci.border])))
        elif rng.random() < 0.02:
            t(s, LP_["territory"], _i(str(COUNTRY[rng.choice(BORDER_COUNTRIES)])))
        if own_territory and rng.random() < 0.1:
            t(s, LP_["territory"], own_territory)
        # involvements: a pilot, then partners
        if rng.random() < 0.7:
            if rng.random() < 0.5:
                service_id, service_label = rng.choice(SERVICES)
                pilot_id = f"cc-{epci.siren}-{service_id}"
                pilot = self.actor(pilot_id, f"{service_label} — {epci.name}", f"cc-{epci.siren}")
            else:
                pilot_id = f"cc-{epci.siren}"
                pilot = self.actor(pilot_id, epci.name)
            self._involve(t, s, pilot, pilot_id, "pilote")
            seen = {pilot_id}
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                actor_id, actor = self._partner(epci)
                if actor_id not in seen:
                    seen.add(actor_id)
                    self._involve(t, s, actor, actor_id, rng.choice(PARTNER_ROLES))
        # dates stated in the text
        if rng.random() < 0.35:
            for number in range(1, (2 if rng.random() < 0.2 else 1) + 1):
                self._date(t, s, number, rng.randint(start, end))

    def _partner(self, epci: Epci) -> tuple[str, str]:
        rng = self.rng
        pick = rng.random()
        if pick < 0.45:
            actor_id = rng.choice(list(NATIONAL_ACTORS))
            return actor_id, self.actor(actor_id, NATIONAL_ACTORS[actor_id])
        if pick < 0.65:
            actor_id = f"region-{epci.region}"
            return actor_id, self.actor(actor_id, _region_label(epci.region))
        if pick < 0.8:
            actor_id = f"departement-{epci.departement}"
            return actor_id, self.actor(actor_id, f"Département {epci.departement}")
        code, name = rng.choice(epci.communes)
        actor_id = f"commune-{code}"
        return actor_id, self.actor(actor_id, f"Commune de {name} ({code})")

    def _involve(self, t, s: str, agent: str, actor_id: str, role: str) -> None:
        involvement = f"{s[:-1]}#involvement-{actor_id}-{role}>"
        t(s, LP_["involvement"], involvement)
        t(s, LP_["involves"], agent)
        t(involvement, A, LP_["Involvement"])
        t(involvement, PROV_AGENT, agent)
        t(involvement, PROV_ROLE, concept(ROLE, role))

    def _date(self, t, s: str, number: int, year: int) -> None:
        rng = self.rng
        pick = rng.random()
        if pick < 0.3:
            month = rng.randint(1, 12)
            day = rng.randint(1, DAYS_IN_MONTH[month - 1])
            first = last = f"{year}-{month:02d}-{day:02d}"
            text, precision = f"{day} {MONTH_NAMES[month - 1]} {year}", "jour"
        elif pick < 0.65:
            month = rng.randint(1, 12)
            first = f"{year}-{month:02d}-01"
            last = f"{year}-{month:02d}-{DAYS_IN_MONTH[month - 1]}"
            text, precision = f"{MONTH_NAMES[month - 1]} {year}", "mois"
        elif pick < 0.8:
            name, m1, m2 = rng.choice(SEASONS)
            first, last = f"{year}-{m1:02d}-01", f"{year}-{m2:02d}-{DAYS_IN_MONTH[m2 - 1]}"
            text, precision = f"{name} {year}", "saison"
        else:
            first, last = f"{year}-01-01", f"{year}-12-31"
            text, precision = f"{year}", "annee"
        dated = f"{s[:-1]}#date-{number}>"
        t(s, LP_["date"], dated)
        t(dated, A, LP_["DateMention"])
        t(dated, LP_["startDate"], lit(first, datatype=XSD_DATE))
        t(dated, LP_["endDate"], lit(last, datatype=XSD_DATE))
        t(dated, LP_["datePrecision"], concept(DATE_PRECISION, precision))
        t(dated, LP_["dateRole"], concept(DATE_ROLE, "evenement"))
        t(dated, LP_["dateText"], lit(text, "fr"))

    @staticmethod
    def _provenance(t, s: str, doc: str, start: int, end: int, quote: str) -> None:
        iri = s[1:-1]
        source, quote_iri, lines = f"<{iri}#source>", f"<{iri}#quote>", f"<{iri}#lines>"
        t(s, LP_["source"], source)
        t(s, PROV_DERIVED, doc)
        t(source, A, OA_SPECIFIC)
        t(source, OA_HAS_SOURCE, doc)
        t(source, OA_HAS_SELECTOR, quote_iri)
        t(source, OA_HAS_SELECTOR, lines)
        t(source, LP_["startLine"], lit(str(start), datatype=XSD_INTEGER))
        t(source, LP_["endLine"], lit(str(end), datatype=XSD_INTEGER))
        t(quote_iri, A, OA_QUOTE)
        t(quote_iri, OA_EXACT, lit(quote))
        t(lines, A, OA_FRAGMENT)
        t(lines, DCT_CONFORMS, RFC5147_IRI)
        t(lines, RDF_VALUE, lit(f"line={start - 1},{end}"))


def _region_label(region_id: str) -> str:
    return "Région " + region_id.replace("-", " ").title()


def parse_size(text: str) -> int:
    """'10k' → 10000, '1m' → 1000000, '25000' → 25000."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def generate(target: int, out: Path, *, seed: int = DEFAULT_SEED, base: str = DEFAULT_BASE):
    """Write plans to ``out`` until ``target`` triples; return statistics."""
    generator = Generator(seed, base)
    out.parent.mkdir(parents=True, exist_ok=True)
    plan_triples = 0
    with out.open("w", encoding="utf-8", newline="\n") as stream:
        while plan_triples + generator.actor_triples < target:
            lines = generator.plan(generator.stats["plans"] + 1)
            stream.writelines(lines)
            plan_triples += len(lines)
        actor_lines = generator.actor_lines()
        stream.writelines(actor_lines)
    stats = dict(generator.stats)
    stats.update(
        target=target,
        seed=seed,
        base=base,
        actors=len(generator.actors),
        actor_triples=len(actor_lines),
        triples=plan_triples + len(actor_lines),
        graphs=stats["plans"] + 1,
    )
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", required=True, help="target size: 10000, 10k, 100k, 1m…")
    parser.add_argument("--out", required=True, type=Path, help="N-Quads file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--base", default=DEFAULT_BASE, help="base IRI of the data")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stats = generate(parse_size(args.triples), args.out, seed=args.seed, base=args.base)
    stats["seconds"] = round(time.perf_counter() - started, 2)
    args.out.with_suffix(".json").write_text(json.dumps(stats, indent=2) + "\n")
    print(
        f"{args.out}: {stats['triples']} triples in {stats['graphs']} graphs "
        f"({stats['plans']} plans, {stats['elements']} elements of which {stats['actions']} "
        f"actions, {stats['actors']} actors) in {stats['seconds']} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
