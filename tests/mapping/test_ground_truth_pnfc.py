"""Ground truth for the Pôle métropolitain Nord Franche-Comté's feuille de route.

Source: mappings/pnfc-feuille-de-route/004_d987e9617ee8c276.txt (949 lines), Markdown-like
prose with headings in capitals. The plan is read from a curated outline (outline.yaml).
Read from the source: 5 member EPCI with their populations and communes (lines 75-95,
"Source : INSEE, RP 2017"), three instances (lines 145-166), "LES 5 ENJEUX" (line 250)
with their orientations (lines 262-318), 4 défis (lines 326-377), the SRADDET « Ici 2050 »
(line 338), the actions already under way (lines 480-512), 3 rôles (lines 524-534) and
7 fiches action (lines 637, 668, 696, 761, 840, 867, 897).
"""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, SKOS

from lodplan.terms import LP, OA, STATUS
from lodplan.validation import Validator
from tests.conftest import TEST_BASE
from tests.mapping.graph_helpers import (
    children,
    cited_text,
    find,
    label,
    of_kind,
    quotes_of,
    stated,
)

PLAN = URIRef(TEST_BASE + "plan/pnfc-feuille-de-route")
ELEMENT = TEST_BASE + "plan/pnfc-feuille-de-route/element/"
ACTOR = TEST_BASE + "actor/"


@pytest.fixture(scope="module")
def pnfc(map_bundled):
    return map_bundled("pnfc-feuille-de-route")


@pytest.fixture(scope="module")
def graph(pnfc):
    return pnfc.graph


def description(graph, node):
    return str(graph.value(node, DCTERMS.description))


def parent(graph, node):
    return graph.value(node, LP.partOf)


def lines_of(graph, node):
    source = graph.value(node, LP.source)
    return int(graph.value(source, LP.startLine)), int(graph.value(source, LP.endLine))


def dates_of(graph, node):
    return sorted(
        (
            date.fromisoformat(str(graph.value(d, LP.startDate))),
            date.fromisoformat(str(graph.value(d, LP.endDate))),
            str(graph.value(d, LP.dateText)),
        )
        for d in graph.objects(node, LP.date)
    )


def actors_of(graph, node):
    return {
        (
            str(graph.value(i, PROV.agent)).removeprefix(ACTOR),
            str(graph.value(i, PROV.hadRole)).rsplit("/", 1)[1],
        )
        for i in graph.objects(node, LP.involvement)
    }


def test_counts_of_each_level(graph):
    members = find(graph, "constat", "Les membres")
    assert len(children(graph, members)) == 5
    assert len(of_kind(graph, "enjeu")) == 5
    assert len(of_kind(graph, "orientation")) == 4 + 5 + 4 + 5 + 3
    assert len(of_kind(graph, "defi")) == 4
    assert len(of_kind(graph, "role")) == 3
    assert len(of_kind(graph, "fiche-action")) == 3 + 1 + 3
    under_way = children(graph, find(graph, "constat", "Les actions du Pôle"))
    assert len(under_way) == 6
    assert len(of_kind(graph, "axe")) == 3  # the axes of the SRADDET
    process = children(graph, find(graph, "constat", "Les étapes de la démarche"))
    assert [str(graph.value(s, SKOS.notation)) for s in process] == list("123456")


def test_no_element_number_is_invented(graph):
    # the source numbers enjeux (ENJEU 1…), défis (DEFI 1…), steps and scenarios, not rôles
    coded = {str(graph.value(n, LP.kind)).rsplit("/", 1)[1] for n in graph.subjects(SKOS.notation)}
    assert "role" not in coded


def test_plan_metadata(graph):
    assert str(graph.value(PLAN, LP.planType)).endswith("/feuille-de-route")
    assert graph.value(PLAN, DCTERMS.publisher) == URIRef(
        ACTOR + "pole-metropolitain-nord-franche-comte"
    )
    assert str(graph.value(PLAN, DCTERMS.language)).endswith("/FRA")
    assert "24 janvier 2020" in str(graph.value(PLAN, DCTERMS.description))


def test_date_adoption_and_period_with_their_lines(graph):
    # issue 15.5: "Le document est approuvé par le Comité métropolitain le 24 janvier 2020."
    [(issued, first, last, quote)] = stated(graph, PLAN, DCTERMS.issued)
    assert (issued.toPython(), first, last) == (date(2020, 1, 24), 476, 476)
    assert quote.endswith("le 24 janvier 2020.")
    committee = URIRef(ACTOR + "pmnfc-comite-metropolitain")
    assert stated(graph, PLAN, LP.adoptedBy) == [
        (committee, 476, 476, "approuvé par le Comité métropolitain")
    ]
    period = URIRef(f"{PLAN}#period")
    [(start, line, _, quote)] = stated(graph, period, DCAT.startDate)
    assert (start.toPython(), line, quote) == (date(2020, 1, 1), 470, "dès 2020")
    [(end, line, _, quote)] = stated(graph, period, DCAT.endDate)
    assert (end.toPython(), line, quote) == (date(2025, 12, 31), 522, "d'ici à 2025")
    publisher = URIRef(ACTOR + "pole-metropolitain-nord-franche-comte")
    back_cover = "PÔLE\nMÉTROPOLITAIN\nNORD FRANCHE-COMTÉ"
    assert stated(graph, PLAN, DCTERMS.publisher) == [(publisher, 941, 943, back_cover)]


def test_members_with_population_communes_and_year(graph):
    members = children(graph, find(graph, "constat", "Les membres"))
    figures = {
        "Pays de Montbéliard Agglomération": ("139 776 habitants", "72 Communes", (75, 77)),
        "Grand Belfort": ("103 741 habitants", "52 Communes", (79, 81)),
        "Communauté de communes du Pays d'Héricourt": ("20 962 habitants", "23 Communes", (83, 85)),
        "Communauté de communes du Sud Territoire": ("23 531 habitants", "27 Communes", (87, 89)),
        "Communauté de communes des Vosges du Sud": ("15 350 habitants", "22 Communes", (91, 93)),
    }
    assert [label(graph, m) for m in members] == list(figures)
    for member in members:
        population, communes, lines = figures[label(graph, member)]
        # the description is the member's line as the brochure writes it ("139 776
        # HABITANTS - 72 Communes", line 77); the year of the census (line 95) is the
        # editor's note, not the description
        assert description(graph, member) == f"{population} - {communes}"
        assert "RP 2017" in str(graph.value(member, SKOS.editorialNote))
        assert lines_of(graph, member) == lines
    pma = members[0]
    assert ("pays-de-montbeliard-agglomeration", "mentionne") in actors_of(graph, pma)
    assert str(graph.value(URIRef(f"{pma}#quote"), OA.exact)) == (
        "Pays de Montbéliard Agglomération\n\n139 776 HABITANTS - 72 Communes"
    )
    year = dates_of(graph, find(graph, "constat", "Les membres"))
    assert year == [(date(2017, 1, 1), date(2017, 12, 31), "RP 2017")]


def test_governance_bodies(graph):
    instances = children(graph, find(graph, "constat", "L'organisation"))
    assert [label(graph, i) for i in instances][:4] == [
        "Le Bureau",
        "Le Comité métropolitain",
        "Les Comités de projet",
        "L'équipe technique",
    ]
    comite = instances[1]
    assert "32 délégués titulaires" in description(graph, comite)
    assert actors_of(graph, comite) == {("pmnfc-comite-metropolitain", "mentionne")}
    assert "un Président et de quatre Vice-présidents" in description(graph, instances[0])


def test_enjeux_and_their_orientations(graph):
    innovation = URIRef(ELEMENT + "E1")
    assert label(graph, innovation) == "Un territoire d'innovation"
    assert [label(graph, o) for o in children(graph, innovation)] == [
        "Valoriser l'excellence industrielle",
        "Miser sur l'économie de la connaissance",
        "S'appuyer sur les savoir-faire locaux pour diversifier l'économie",
        "Dynamiser l'économie du tourisme",
    ]
    rail = find(graph, "orientation", "Remettre en chantier la globalité de l'étoile ferroviaire")
    assert parent(graph, rail) == URIRef(ELEMENT + "E2")
    assert lines_of(graph, rail) == (281, 281)
    sante = find(graph, "orientation", "Consolider le Territoire de santé")
    assert label(graph, parent(graph, sante)) == "Un territoire solidaire et attractif"
    eau = find(graph, "orientation", "Concevoir l'eau comme un élément d'identité")
    assert parent(graph, eau) == URIRef(ELEMENT + "E3")
    assert "300 000 habitants" in description(graph, URIRef(ELEMENT + "E4"))
    assert len(children(graph, URIRef(ELEMENT + "E5"))) == 3


def test_defis_and_the_sraddet(graph):
    assert label(graph, URIRef(ELEMENT + "D1")) == "Dépasser le découpage administratif complexe"
    assert "11 à 5 EPCI" in description(graph, URIRef(ELEMENT + "D1"))
    sraddet = find(graph, "constat", "Contribution au SRADDET « Ici 2050 »")
    assert parent(graph, sraddet) == URIRef(ELEMENT + "D2")
    assert ("region-bourgogne-franche-comte", "mentionne") in actors_of(graph, sraddet)
    assert [label(graph, a) for a in children(graph, sraddet)] == [
        "Accompagner les transitions sociétales et technologiques",
        "Organiser la réciprocité et la solidarité",
        "Construire des alliances et s'ouvrir vers l'extérieur",
    ]
    strategy = find(graph, "constat", "Une stratégie de coopération transfrontalière")
    assert parent(graph, strategy) == URIRef(ELEMENT + "D3")
    assert (date(2016, 1, 1), date(2020, 12, 31), "2016-2020") in dates_of(graph, strategy)
    assert "Jonxion" in description(graph, URIRef(ELEMENT + "D4"))


def test_steps_of_the_process_with_their_dates(graph):
    reflexion = find(graph, "etape", "Réflexion stratégique")
    assert dates_of(graph, reflexion) == [
        (date(2018, 1, 12), date(2018, 1, 12), "12 janvier 2018"),
        (date(2018, 3, 30), date(2018, 3, 30), "30 mars 2018"),
    ]
    presentation = find(graph, "etape", "Présentation de la feuille de route")
    assert graph.value(presentation, SKOS.notation) is not None
    assert dates_of(graph, presentation) == [
        (date(2020, 1, 24), date(2020, 1, 24), "24 janvier 2020")
    ]
    # "Le séminaire du 4 décembre" (line 397) states no year: no date is invented
    concertation = find(graph, "constat", "La démarche : la concertation")
    # the editor's remark on it is a mapping note, not words of the document
    assert "n'est pas écrite" not in description(graph, concertation)
    assert all(d[2] != "4 décembre" for d in dates_of(graph, concertation))
    # « … a initié une dynamique favorable au déploiement de la feuille de route dès
    # 2020 » (line 470): 2020 starts the roadmap's deployment (the plan's period-start),
    # not the seminar that preceded it nor the concertation (issue 15, fresh reading)
    seminar = find(graph, "etape", "Séminaire de travail")
    assert dates_of(graph, seminar) == []
    assert all("2020" not in d[2] for d in dates_of(graph, concertation))


def test_actions_under_way(graph):
    actions = children(graph, find(graph, "constat", "Les actions du Pôle"))
    assert len(actions) == 6
    for action in actions:
        assert graph.value(action, LP.status) == STATUS["en-cours"]
        assert ("pole-metropolitain-nord-franche-comte", "pilote") in actors_of(graph, action)
    industrie = find(graph, "action", "Territoire d'industrie")
    assert dates_of(graph, industrie) == [(date(2019, 3, 1), date(2019, 3, 31), "mars 2019")]
    smt = find(graph, "action", "Le Syndicat mixte de transport Nord Franche-Comté")
    assert dates_of(graph, smt) == [(date(2019, 12, 20), date(2019, 12, 20), "20 décembre 2019")]
    assert ("syndicat-mixte-transports-nord-franche-comte", "mentionne") in actors_of(graph, smt)
    feder = find(graph, "action", "La sélection des projets FEDER")
    assert "13 millions d'euros" in description(graph, feder)
    contrat = find(graph, "action", "Le contrat de développement métropolitain")
    assert ("region-bourgogne-franche-comte", "partenaire") in actors_of(graph, contrat)
    assert "49 projets structurants" in description(graph, contrat)


def roles(graph):
    return sorted(of_kind(graph, "role"), key=lambda r: graph.value(r, LP.order))


def test_roles_and_their_fiches_action(graph):
    assert [label(graph, r) for r in roles(graph)] == [
        "Le Pôle prospectiviste",
        "Le Pôle porteur de l'identité territoriale",
        "Le Pôle incubateur de coopération",
    ]
    fiches = {
        label(graph, r): [
            label(graph, f) for f in children(graph, r) if f in of_kind(graph, "fiche-action")
        ]
        for r in roles(graph)
    }
    assert fiches == {
        "Le Pôle prospectiviste": [
            "Anticiper les évolutions économiques du territoire",
            "Anticiper les évolutions numériques",
            "Anticiper les évolutions des ressources énergétiques",
        ],
        "Le Pôle porteur de l'identité territoriale": [
            "Construire l'identité territoriale et les outils pour la porter"
        ],
        "Le Pôle incubateur de coopération": [
            "Créer un conseil de développement métropolitain",
            "Étudier la faisabilité du rapprochement des offices du tourisme",
            "Étudier la faisabilité de rapprochement des CCI",
        ],
    }
    for fiche in of_kind(graph, "fiche-action"):
        assert ("pole-metropolitain-nord-franche-comte", "pilote") in actors_of(graph, fiche)
    identite = find(graph, "fiche-action", "Construire l'identité territoriale")
    assert ("adnfc", "mentionne") in actors_of(graph, identite)


def test_fiches_keep_their_pourquoi_and_give_their_comment_as_elements(graph):
    economie = find(graph, "fiche-action", "Anticiper les évolutions économiques")
    assert lines_of(graph, economie) == (635, 664)
    text = description(graph, economie)
    assert text.startswith("Pourquoi ?") and "16 % des emplois industriels régionaux" in text
    assert "Comment ?" not in text
    steps = children(graph, economie)
    assert [label(graph, s) for s in steps] == [
        "Faire un état des lieux de l'existant",
        "Animer un think thank territorial",
    ]
    assert [label(graph, c) for c in children(graph, steps[0])] == [
        "Une cartographie des réserves foncières",
        "Une cartographie des activités en lien avec les dynamiques de recettes et pressions "
        "fiscales",
        "Un état des lieux de l'offre de formation et des besoins en formation des entreprises",
    ]
    assert lines_of(graph, children(graph, steps[0])[0]) == (657, 657)
    energie = find(graph, "fiche-action", "Anticiper les évolutions des ressources")
    assert [label(graph, a) for a in children(graph, energie)][-1] == (
        "Gestion des ressources hydriques"
    )
    assert all(lines_of(graph, a)[0] in range(716, 720) for a in children(graph, energie))
    codev = find(graph, "fiche-action", "Créer un conseil de développement métropolitain")
    [scenarios, *others] = children(graph, codev)
    assert [str(graph.value(s, SKOS.notation)) for s in children(graph, scenarios)] == ["1", "2"]
    assert len(others) == 3
    tourisme = find(graph, "fiche-action", "Étudier la faisabilité du rapprochement des offices")
    [destination] = children(graph, tourisme)
    assert [label(graph, e) for e in children(graph, destination)] == [
        "Construire la destination touristique",
        "Développer un agenda commun",
        "Porter une étude de faisabilité sur le rapprochement des offices du tourisme",
    ]
    assert (
        len(
            children(
                graph,
                find(graph, "fiche-action", "Étudier la faisabilité de rapprochement des CCI"),
            )
        )
        == 4
    )


def test_actions_of_the_pole_in_each_role(graph):
    listed = {
        label(graph, r): [
            label(graph, a)
            for c in children(graph, r)
            if label(graph, c) == "L'action du Pôle sur ce rôle"
            for a in children(graph, c)
            if a in of_kind(graph, "action")
        ]
        for r in roles(graph)
    }
    assert listed["Le Pôle porteur de l'identité territoriale"] == [
        "Construire l'identité",
        "Construire les outils de communication",
        "Incarner le Nord Franche-Comté vers l'extérieur",
    ]
    assert len(listed["Le Pôle incubateur de coopération"]) == 5
    assert listed["Le Pôle prospectiviste"][0] == "Réaliser un diagnostic prospectif et dynamique"
    incarner = find(graph, "action", "Incarner le Nord Franche-Comté")
    assert lines_of(graph, incarner) == (752, 752)
    assert actors_of(graph, incarner) == {("pole-metropolitain-nord-franche-comte", "pilote")}


def test_dates_written_in_the_text_are_typed(graph):
    vision = find(graph, "constat", "Partager une vision stratégique")
    assert (date(2010, 12, 16), date(2010, 12, 16), "16 décembre 2010") in dates_of(graph, vision)
    assert (date(2015, 1, 1), date(2015, 12, 31), "RP 2015") in dates_of(
        graph, URIRef(ELEMENT + "D3")
    )


def test_every_line_is_accounted_for(pnfc):
    assert pnfc.coverage.unaccounted == []
    assert pnfc.coverage.count("ignored") > 0


def test_every_quote_is_found_at_its_cited_lines(pnfc, graph):
    lines = pnfc.spec.source.path.read_text(encoding="utf-8").split("\n")
    sources = list(graph.subject_objects(LP.source))
    assert len(sources) > 100
    for _node, source in sources:
        [exact] = quotes_of(graph, source)
        assert exact in cited_text(graph, source, lines)


def test_plan_validates(vocabulary, pnfc):
    report = Validator(vocabulary).validate("pnfc", pnfc.graph, pnfc.spec.source.path)
    assert report.conforms, report.render()
    assert not report.render().count("warning")
