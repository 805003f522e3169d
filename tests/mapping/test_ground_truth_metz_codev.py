"""Ground truth for Metz Métropole's action table for the CODEV report, read from the source.

Source: mappings/metz-codev-actions/000_713d483f77f7ea7c.txt (37 lines, tab-separated,
7 columns: thème, sous-thème, constats/objectifs, actions proposées par le CODEV,
actions à conduire, niveau de priorité, services concernés). Lines 23, 24 and 37 are
shifted left by one column in the extraction and repaired by the mapping; line 7's
multi-line cells were flattened (three actions à conduire facing three lines of services).
"""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from lodplan.terms import LP, OA, PRIORITY
from lodplan.validation import Validator
from tests.conftest import TEST_BASE
from tests.mapping.graph_helpers import (
    cited_text,
    find,
    label,
    of_kind,
    parent_label,
    quotes_of,
    stated,
)

PLAN = URIRef(TEST_BASE + "plan/metz-codev-actions")


@pytest.fixture(scope="module")
def metz(map_bundled):
    return map_bundled("metz-codev-actions")


@pytest.fixture(scope="module")
def graph(metz):
    return metz.graph


def actors_of(graph, node):
    return {
        str(graph.value(i, PROV.agent)).rsplit("/", 1)[1].removeprefix("metz-metropole-")
        for i in graph.objects(node, LP.involvement)
    }


def line_of(graph, node):
    return int(graph.value(graph.value(node, LP.source), LP.startLine))


def test_counts_of_each_level(graph):
    assert len(of_kind(graph, "theme")) == 6
    assert len(of_kind(graph, "sous-theme")) == 5
    assert len(of_kind(graph, "constat")) == 10
    assert len(of_kind(graph, "action-proposee")) == 29
    # line 7 gives three, line 20's "… pour :" one with the three items it introduces
    assert len(of_kind(graph, "action-a-conduire")) == 44
    assert len(set(graph.subjects(RDF.type, LP.Action))) == 73


def test_plan_metadata(graph):
    assert str(graph.value(PLAN, LP.planType)).endswith("/plan-d-actions")
    assert str(graph.value(PLAN, LP.planType)) != ""
    publisher = graph.value(PLAN, URIRef("http://purl.org/dc/terms/publisher"))
    assert str(publisher) == TEST_BASE + "actor/metz-metropole"
    themes = sorted(label(graph, t) for t in graph.objects(PLAN, LP.hasElement))
    assert len(themes) == 6
    assert "Mobilités, une coconstruction Lorraine Nord - Luxembourg" in themes


def test_the_territory_is_the_eurometropole_with_the_line_that_names_it(graph):
    # issue 15.5: the table concerns the Eurométropole de Metz (EPCI 200039865), line 9
    epci = URIRef(TEST_BASE + "territory/epci/200039865")
    assert set(graph.objects(PLAN, DCTERMS.spatial)) == {epci}
    assert stated(graph, PLAN, DCTERMS.spatial) == [(epci, 9, 9, "Eurométropole de Metz")]
    # the table states no date and no author: none is declared
    assert graph.value(PLAN, DCTERMS.issued) is None
    assert graph.value(PLAN, DCTERMS.creator) is None


def test_every_action_has_an_undetermined_priority(graph):
    for kind in ("action-proposee", "action-a-conduire"):
        for node in of_kind(graph, kind):
            assert graph.value(node, LP.priority) == PRIORITY["non-determinee"]


def test_html_is_cleaned_and_kept_verbatim_in_the_quote(graph):
    theme = find(graph, "theme", 'Rapport "Pour une métropole transfrontalière"')
    assert label(graph, theme).endswith(
        "Volume 1 (état des lieux -diagnostic) & Volume 2 (Propositions)"
    )
    quote = graph.value(URIRef(f"{theme}#quote"), OA.exact)
    assert str(quote).startswith("<b>Rapport") and "&amp;" in str(quote)


def test_fill_down_puts_actions_under_the_constat_above(graph):
    for start in ("Faire évoluer le Projet", "Relancer le dialogue Lorraine Nord",
                  "Faire valoir la spécificité"):  # fmt: skip
        node = find(graph, "action-proposee", start)
        assert parent_label(graph, node).startswith("Les frontaliers sont un public spécifique")
    constat = find(graph, "constat", "Les frontaliers")
    assert label(graph, constat) == (
        "Les frontaliers sont un public spécifique ; Enjeu de soutenabilité ; "
        "Défi démographie et emploi"
    )
    assert parent_label(graph, constat).startswith("Un nouveau périmètre de dialogue")


def test_specific_actions_with_their_services(graph):
    observatory = find(graph, "action-a-conduire", "Mission nouvelle pour AGURAM")
    assert parent_label(graph, observatory).startswith("Mettre en place un Observatoire")
    # the services of the row, and the organisations the action names (role: mentionné)
    assert actors_of(graph, observatory) == {
        "planification-strategie", "rit", "aguram", "insee", "statec",
    }  # fmt: skip
    lobbying = find(graph, "action-a-conduire", "Exercer un Lobbying politique")
    assert actors_of(graph, lobbying) == {"cabinet", "dg"}
    operational = find(graph, "action-a-conduire", "Rendre opérationnel le projet")
    assert actors_of(graph, operational) == {
        "economie", "mission-esr", "habitat", "mobilite", "amenagement", "culture",
    }  # fmt: skip
    inspire = find(graph, "action-a-conduire", "Compléter la feuille de route de l'Agence")
    assert actors_of(graph, inspire) == {"developpement-economique", "inspire-metz"}
    prospective = find(graph, "action-a-conduire", "Mener une démarche prospective")
    assert actors_of(graph, prospective) == {"presidence", "planification-strategie", "aguram"}


def test_flattened_cells_of_line_7_are_three_actions_with_their_services(graph):
    report = find(graph, "action-proposee", "Ensemble du Rapport du CODEV")
    children = sorted(graph.objects(report, LP.hasPart), key=lambda c: graph.value(c, LP.order))
    assert [(label(graph, c), actors_of(graph, c)) for c in children] == [
        ("Pilotage mise en œuvre", {"presidence", "cabinet", "dgs"}),
        ("Coordination mise en œuvre technique", {"dg", "dga"}),
        ("Suivi", {"bureau", "presidence", "codev"}),
    ]
    assert {line_of(graph, c) for c in children} == {7}


def test_period_of_the_report_is_typed(graph):
    constat = find(graph, "constat", "2019 2021, le CODEV réalise")
    [mention] = graph.objects(constat, LP.date)
    assert str(graph.value(mention, LP.dateText)) == "2019 2021"
    assert str(graph.value(mention, LP.startDate)) == "2019-01-01"
    assert str(graph.value(mention, LP.endDate)) == "2021-12-31"


def test_lists_of_actions_are_several_actions(graph):
    sante = find(graph, "action-proposee", "Répondre à l'urgence des métiers de santé")
    [concertation] = graph.objects(sante, LP.hasPart)  # "… pour :" and what it is for
    assert label(graph, concertation) == (
        "Initier une concertation de tous les acteurs des formations paramédicales pour : "
        "Créer un dispositif transfrontalier de formation ; "
        "Proposer un schéma de cofinancement avec le Luxembourg ; "
        "Elaborer un plan de formation transfrontalier des professions paramédicales"
    )
    assert actors_of(graph, concertation) == {
        "vice-presidence-cohesion-sociale", "vice-presidence-esr",
    }  # fmt: skip
    gare = find(graph, "action-a-conduire", "Faciliter les accès gare")
    assert label(graph, gare) == "Faciliter les accès gare"  # bullet and comma removed
    assert parent_label(graph, gare) == "Développer une offre de services du quotidien adaptée"
    assert len(list(graph.objects(find(graph, "action-proposee", "Privilégier"), LP.hasPart))) == 5


def test_shifted_rows_land_in_the_right_fields(graph):
    belval = find(graph, "action-proposee", "Construire un projet miroir au site de Belval")
    assert line_of(graph, belval) == 23
    assert parent_label(graph, belval).startswith("Répondre à des besoins de main d'œuvre")
    assert len(list(graph.objects(belval, LP.hasPart))) == 3
    for child in graph.objects(belval, LP.hasPart):
        assert actors_of(graph, child) == set()  # "Vice-présidence et": name cut off
    interculturel = find(graph, "action-proposee", "Développer la dimension interculturelle")
    by_label = {
        label(graph, c): actors_of(graph, c) for c in graph.objects(interculturel, LP.hasPart)
    }
    assert all("mission-esr" in actors for actors in by_label.values())
    # « auprès des autorités académiques, des communes, du Département et de la Région »:
    # named, their role unstated (reviews.yaml, line 24)
    german = next(
        a for text, a in by_label.items() if text.startswith("Développer l'apprentissage")
    )
    assert german == {"mission-esr", "departement-de-la-moselle", "region-grand-est"}
    douces = find(graph, "constat", "Mobilités internes douces")
    assert parent_label(graph, douces).startswith("Faire du rapport au temps")
    [proposee] = graph.objects(douces, LP.hasPart)
    assert label(graph, proposee).startswith("Intégrer les trafics et enjeux transfrontaliers")
    [conduire] = graph.objects(proposee, LP.hasPart)
    assert label(graph, conduire).startswith("Adapter les réseaux de transports")
    assert actors_of(graph, conduire) == {"mobilite"}


def test_every_line_is_accounted_for(metz):
    assert metz.coverage.unaccounted == []
    assert metz.coverage.count("used") == 29
    assert metz.coverage.count("ignored") == 3  # legend (3, 4) and header (6)


def test_every_quote_is_found_at_its_cited_line(metz, graph):
    lines = metz.spec.source.path.read_text(encoding="utf-8").split("\n")
    sources = list(graph.subject_objects(LP.source))
    assert len(sources) == 95  # 94 elements and the plan's territory (line 9)
    for _node, source in sources:
        [exact] = quotes_of(graph, source)
        assert exact in cited_text(graph, source, lines)


def test_plan_validates(vocabulary, metz):
    report = Validator(vocabulary).validate("metz", metz.graph, metz.spec.source.path)
    assert report.conforms, report.render()


def written_names(graph, element) -> dict[str, str]:
    """Actor → the cell's words for it, where they say more than the actor's name."""
    return {
        str(graph.value(i, PROV.agent)).rsplit("metz-metropole-", 1)[-1]: str(text)
        for i in graph.objects(element, LP.involvement)
        for text in graph.objects(i, DCTERMS.description)
    }


def test_the_words_of_a_services_cell_are_kept_with_the_involvement(graph):
    """Line 13 « DG pour renforcer les capacités d'ingénierie » and line 7 « Bureau et
    Concertation Présidence/CODEV »: words that name no service are not lost."""
    lobbying = find(graph, "action-a-conduire", "Exercer un Lobbying politique")
    assert written_names(graph, lobbying) == {"dg": "DG pour renforcer les capacités d'ingénierie"}
    report = find(graph, "action-proposee", "Ensemble du Rapport du CODEV")
    suivi = next(c for c in graph.objects(report, LP.hasPart) if label(graph, c) == "Suivi")
    assert set(written_names(graph, suivi).values()) == {"Bureau et Concertation Présidence/CODEV"}
    cabinet = find(graph, "action-a-conduire", "Exercer un Lobbying politique")
    assert "cabinet" not in written_names(graph, cabinet)  # « Cabinet » is its name
