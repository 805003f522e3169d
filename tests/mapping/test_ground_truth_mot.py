"""Ground truth for the MOT "Programme 2023 (projet)", written by reading the source.

Source: mappings/mot-programme-2023/002_b6921b81c624d4f5.txt (130 lines, 3 axes,
11 objectives, 25 sub-objectives, 83 action lines).
"""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, PROV, RDF, RDFS, SKOS

from lodplan.terms import COUNTRY, LP, ROLE, STATUS
from tests.conftest import TEST_BASE
from tests.mapping.graph_helpers import cited_text, label, of_kind, quotes_of, stated

PLAN = URIRef(TEST_BASE + "plan/mot-programme-2023")
ELEMENT = TEST_BASE + "plan/mot-programme-2023/element/"


@pytest.fixture(scope="module")
def mot(map_bundled):
    return map_bundled("mot-programme-2023")


@pytest.fixture(scope="module")
def graph(mot):
    return mot.graph


def children_labels(graph, parent):
    children = sorted(
        graph.objects(URIRef(parent), LP.hasPart), key=lambda c: int(graph.value(c, LP.order))
    )
    return [label(graph, c) for c in children]


def test_counts_of_each_level(graph):
    assert len(of_kind(graph, "axe")) == 3
    assert len(of_kind(graph, "objectif")) == 11
    assert len(of_kind(graph, "sous-objectif")) == 25
    assert len(of_kind(graph, "action")) == 83
    assert len(set(graph.subjects(RDF.type, LP.Action))) == 83
    assert len(set(graph.subjects(RDF.type, LP.Objective))) == 39


def test_plan_metadata(graph):
    assert str(graph.value(PLAN, LP.planType)).endswith("/programme-d-actions")
    assert graph.value(PLAN, LP.status) == STATUS["projet"]
    assert sorted(label(graph, a) for a in graph.objects(PLAN, LP.hasElement)) == [
        "DONNER UN CADRE ET UNE STRATEGIE D'ENSEMBLE A L'ACTION TRANSFRONTALIERE",
        "FABRIQUER ET CONCRETISER LES PROJETS TRANSFRONTALIERS",
        "FACILITER LES PROJETS, LES RELATIONS ET LA PRISE DE CONSCIENCE DES ACTEURS "
        "TRANSFRONTALIERS",
    ]
    # the title cell of the table (line 3) is the plan's own provenance
    source = graph.value(PLAN, LP.source)
    assert int(graph.value(source, LP.startLine)) == 3
    # and states the period (issue 15.5): "PROGRAMME 2023"
    period = URIRef(f"{PLAN}#period")
    for predicate, day in ((DCAT.startDate, date(2023, 1, 1)), (DCAT.endDate, date(2023, 12, 31))):
        [(value, first, last, quote)] = stated(graph, period, predicate)
        assert (value.toPython(), first, last, quote) == (day, 3, 3, "PROGRAMME 2023")


def test_axes_keep_their_tag_and_number(graph):
    axis3 = URIRef(ELEMENT + "3")
    assert str(graph.value(axis3, SKOS.notation)) == "3"
    assert URIRef(TEST_BASE + "plan/mot-programme-2023/tag/sur-mesure") in set(
        graph.objects(axis3, LP.category)
    )
    assert str(graph.value(axis3, LP.levelName)) == "Axe"


def test_first_line_of_a_code_is_its_heading_later_lines_its_actions(graph):
    assert label(graph, URIRef(ELEMENT + "1.1.1")) == (
        "Prise de position dans les politiques et projets de loi français"
    )
    assert children_labels(graph, ELEMENT + "1.1.1") == [
        "Suivi des PdL de la mandature 2022-2027 et veille juridique",
        "Soutien à l'organisation de CNR transfrontaliers",
    ]


def test_actions_directly_under_a_level_two_code(graph):
    labels = children_labels(graph, ELEMENT + "1.4")
    assert labels == [
        "Poursuite de la coopération inter-associative européenne MOT/ARFE/CESCI",
        "Partenariats avec TEIN, etc.",
        "Coordination avec les réseaux nationaux (FNAU, PNR, Régions de France, AMF, MEF...)",
    ]
    for child in graph.objects(URIRef(ELEMENT + "1.4"), LP.hasPart):
        assert (child, RDF.type, LP.Action) in graph


def test_code_with_trailing_dot_is_normalised(graph):
    objective = URIRef(ELEMENT + "3.3")
    assert label(graph, objective) == "RESOUDRE LES OBSTACLES A LA COOPERATION TRANSFRONTALIERE"
    assert graph.value(objective, LP.partOf) == URIRef(ELEMENT + "3")
    assert str(graph.value(objective, SKOS.notation)) == "3.3"


def test_equal_labels_under_different_parents_are_different_resources(graph):
    bons = {s for s in graph.subjects(RDFS.label, Literal("Bons-à-tirer", lang="fr"))}
    parents = {str(graph.value(b, LP.partOf)).removeprefix(ELEMENT) for b in bons}
    assert len(bons) == 4
    assert parents == {"3.2.2", "3.2.3", "3.3.2", "3.4.2"}
    assert URIRef(ELEMENT + "3.2.2/bons-a-tirer") in bons


def test_public_contract_lines_become_categories_and_status(graph):
    contract = URIRef(ELEMENT + "3.2.2/marche-public-telt-mobilites-val-de-suse-maurienne-42188b45")
    assert label(graph, contract) == "TELT - Mobilités Val de Suse / Maurienne / Grand Briançonnais"
    tags = {str(t).rsplit("/", 1)[1] for t in graph.objects(contract, LP.category)}
    assert tags == {"marche-public", "italique"}
    assert graph.value(contract, LP.status) == STATUS["en-attente"]

    chav = URIRef(ELEMENT + "3.2.2/marche-public-hors-programme-partage-fr-it-6670097c")
    tags = {str(t).rsplit("/", 1)[1] for t in graph.objects(chav, LP.category)}
    assert tags == {"marche-public", "hors-programme-partage", "italique"}
    assert set(graph.objects(chav, LP.territory)) == {COUNTRY.FRA, COUNTRY.ITA}


def test_country_pairs_become_territories(graph):
    alcotra = URIRef(ELEMENT + "3.4.1/fr-it-mc-assistance-observation-transfrontaliere-7b79e9af")
    nice = URIRef(TEST_BASE + "territory/epci/200030195")  # "NCA-IT-MC": Nice Côte d'Azur
    assert set(graph.objects(alcotra, LP.territory)) == {
        COUNTRY.FRA, COUNTRY.ITA, COUNTRY.MCO, nice,
    }  # fmt: skip
    colloque = next(
        s
        for s in graph.subjects(LP.partOf, URIRef(ELEMENT + "2.1.2"))
        if "Colloque" in label(graph, s)
    )
    nancy = URIRef(TEST_BASE + "territory/commune/54395")  # "- Nancy -": where it takes place
    assert set(graph.objects(colloque, LP.territory)) == {COUNTRY.FRA, COUNTRY.LUX, nancy}


def test_subject_to_interest_tag(graph):
    guide = next(
        s
        for s in graph.subjects(LP.partOf, URIRef(ELEMENT + "3.3.2"))
        if label(graph, s).startswith("Rédaction d'un guide")
    )
    tags = {str(t).rsplit("/", 1)[1] for t in graph.objects(guide, LP.category)}
    assert tags == {"soumis-a-interet"}


def test_institution_prefix_names_an_actor_without_inventing_a_role(graph):
    node = URIRef(ELEMENT + "1.2.2/pe-suivi-du-projet-pilote-cb-crii")
    assert label(graph, node) == "Suivi du projet pilote CB-CRII"
    involvement = graph.value(node, LP.involvement)
    assert graph.value(involvement, PROV.agent) == URIRef(TEST_BASE + "actor/parlement-europeen")
    assert graph.value(involvement, PROV.hadRole) == ROLE["mentionne"]


def test_dates_are_typed_with_their_verbatim_text(graph):
    def dates_of(parent, prefix):
        node = next(
            s
            for s in graph.subjects(LP.partOf, URIRef(ELEMENT + parent))
            if label(graph, s).startswith(prefix)
        )
        mentions = list(graph.objects(node, LP.date))
        return sorted(
            (
                graph.value(m, LP.startDate).toPython(),
                graph.value(m, LP.endDate).toPython(),
                str(graph.value(m, LP.dateText)),
            )
            for m in mentions
        )

    assert dates_of("1.2.1", "Appui à l'organisation de 2 événements") == [
        (date(2023, 2, 15), date(2023, 2, 15), "15 février"),
        (date(2023, 3, 29), date(2023, 3, 29), "29 mars"),
    ]
    assert dates_of("2.1.3", "Assemblée Générale METZ") == [
        (date(2023, 6, 27), date(2023, 6, 28), "27-28 juin")
    ]
    assert dates_of("2.3.2", "Formation CNFPT") == [
        (date(2023, 3, 1), date(2023, 3, 31), "mars 2023")
    ]
    assert dates_of("3.3.1", "Co-organisation avec l'ARFE") == [
        (date(2023, 2, 7), date(2023, 2, 7), "7 février")
    ]


def test_every_line_is_accounted_for(mot):
    assert mot.coverage.unaccounted == []
    assert mot.coverage.count("used") == 123  # 3+11+25 headings, 83 actions, the title


def test_every_quote_is_found_at_its_cited_lines(mot, graph):
    lines = mot.spec.source.path.read_text(encoding="utf-8").split("\n")
    sources = list(graph.subject_objects(LP.source))
    assert len(sources) == 123 + 2  # elements and title, the period's start and end
    for _node, source in sources:
        exact = quotes_of(graph, source)
        assert len(exact) == 1, source
        assert exact[0] in cited_text(graph, source, lines)


def actors_of(graph, node):
    return {
        str(graph.value(i, PROV.agent)).rsplit("/", 1)[1]
        for i in graph.objects(node, LP.involvement)
    }


def test_institutions_named_in_full_or_as_suffix_are_actors(graph):
    def find(parent, prefix):
        return next(
            s
            for s in graph.subjects(LP.partOf, URIRef(ELEMENT + parent))
            if label(graph, s).startswith(prefix)
        )

    assert actors_of(graph, find("1.1.2", "Lien avec les travaux")) == {
        "comite-europeen-des-regions",
        "parlement-europeen",
    }
    suffixed = find("1.1.2", "Appui au rapport")
    assert (
        label(graph, suffixed) == 'Appui au rapport sur le "mécanisme transfrontalier européen 2.0"'
    )
    assert actors_of(graph, suffixed) == {"comite-europeen-des-regions"}
    actions_with_cor = {
        s
        for s, i in graph.subject_objects(LP.involvement)
        if str(graph.value(i, PROV.agent)).endswith("/comite-europeen-des-regions")
    }
    assert len(actions_with_cor) == 3


def test_a_directorate_of_the_commission_named_in_a_contract_is_its_actor(graph):
    # line 121: « <i>Marché public - DG REGIO - Cross-border Labour Market (en
    # attente)</i> »: the Commission's directorate-general for regional and urban
    # policy (actors.yaml dg-regio, a unit of the Commission), named by the text only
    [contract] = [
        s
        for s in graph.subjects(LP.partOf, URIRef(ELEMENT + "3.3.2"))
        if label(graph, s) == "DG REGIO - Cross-border Labour Market"
    ]
    assert actors_of(graph, contract) == {"dg-regio"}
    [involvement] = graph.objects(contract, LP.involvement)
    assert graph.value(involvement, PROV.hadRole) == ROLE["mentionne"]


def test_prefixed_places_become_territories(graph):
    maritime = URIRef(ELEMENT + "1.3.2/frontieres-maritimes-evenement-a-prevoir")
    assert label(graph, maritime) == "Evènement à prévoir"
    assert graph.value(maritime, LP.territory) == URIRef(
        TEST_BASE + "territory/frontieres-maritimes"
    )


def test_periods_and_years_written_in_the_text(graph):
    def dates_of(key):
        node = URIRef(ELEMENT + key)
        return [
            (graph.value(m, LP.startDate).toPython(), graph.value(m, LP.endDate).toPython())
            for m in graph.objects(node, LP.date)
        ]

    assert dates_of("1.1.1/suivi-des-pdl-de-la-mandature-2022-2027-et-veille-juridique") == [
        (date(2022, 1, 1), date(2027, 12, 31))
    ]
    assert dates_of("2.1.3/borders-forum-2024-preparation") == [
        (date(2024, 1, 1), date(2024, 12, 31))
    ]
    agenda = [
        s
        for s in graph.subjects(LP.partOf, URIRef(ELEMENT + "1.2.2"))
        if label(graph, s).startswith("Agenda Territorial 2030")
    ]
    assert agenda and list(graph.objects(agenda[0], LP.date)) == []
