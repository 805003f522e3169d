"""Ground truth for Metz Métropole's Projet métropolitain, part 2, read from the source.

Source: mappings/metz-projet-metropolitain/001_d83e1845c0fb7fff.txt (752 lines,
Markdown-like text extracted from the brochure « Une métropole qui s'affirme à vos
côtés », 2019-2020). Three ambitions (lines 146, 333, 569), ten chantiers, each
with its « 100 jours » actions highlighted as bold (chantiers 1, 3, 8, 9), italic
(2), links [..](#) (5, 6, 7, 10) or both links and italic (4).
"""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, XSD

from lodplan.publishing.downloads import _action_rows, _PlanRows, memory_store
from lodplan.store.base import NamedGraph
from lodplan.terms import LP, OA
from lodplan.validation import Validator
from tests.conftest import TEST_BASE
from tests.mapping.graph_helpers import cited_text, label, of_kind, quotes_of, stated

PLAN = URIRef(TEST_BASE + "plan/metz-projet-metropolitain")
ELEMENT = TEST_BASE + "plan/metz-projet-metropolitain/element/"

# Actions per chantier, counted by reading the source. Not actions: "Horizon 2020"
# (line 289), a label; and the highlighted names whose sentence says what a place or
# an organisation is or does, not what is to be done (issue 15.3): in chantier 8
# "Invent Metz Campus" (602, « l'association … donne un nouvel élan »), "BLIIDA" and
# "Synergie" (604, « diverses initiatives ont vu le jour : BLIIDA, tiers lieu …,
# Synergie, accélérateur … »), "BLIIDA" again (606, « BLIIDA ambitionne de devenir …
# et lance … »), "Le quartier de la gare de Metz-Ville" (610, « étant par définition
# un hub … devra devenir … »), BLIIDA and Synergie in the list of places of the map
# (614); in chantier 9 "Invent Metz Campus" (668, « Avec Invent Metz Campus, Metz
# Métropole donne … un cadre »). Chantier 2's box (lines 217-271, the franco-German
# escape game) is one action (issue 15.6).
ACTIONS_PER_CHANTIER = {1: 5, 2: 7, 3: 5, 4: 12, 5: 5, 6: 11, 7: 17, 8: 2, 9: 2, 10: 4}
ACTIONS = sum(ACTIONS_PER_CHANTIER.values())  # 70


@pytest.fixture(scope="module")
def metz(map_bundled):
    return map_bundled("metz-projet-metropolitain")


@pytest.fixture(scope="module")
def graph(metz):
    return metz.graph


def chantier(number):
    return URIRef(ELEMENT + str(number))


def action(graph, number, start):
    [node] = [
        n for n in graph.subjects(LP.partOf, chantier(number)) if label(graph, n).startswith(start)
    ]
    return node


def line_of(graph, node):
    return int(graph.value(graph.value(node, LP.source), LP.startLine))


def dates_of(graph, node):
    mentions = [
        (
            str(graph.value(m, LP.dateText)),
            graph.value(m, LP.startDate).toPython(),
            graph.value(m, LP.endDate).toPython(),
            str(graph.value(m, LP.datePrecision)).rsplit("/", 1)[1],
        )
        for m in graph.objects(node, LP.date)
    ]
    return sorted(mentions)


def partners_of(graph, node):
    return {
        (
            str(graph.value(i, PROV.agent)).rsplit("/", 1)[1],
            str(graph.value(i, PROV.hadRole)).rsplit("/", 1)[1],
        )
        for i in graph.objects(node, LP.involvement)
    }


def test_counts_of_each_level(graph):
    assert len(of_kind(graph, "ambition")) == 3
    assert len(of_kind(graph, "chantier")) == 10
    assert len(of_kind(graph, "action")) == ACTIONS == 70
    assert len(set(graph.subjects(RDF.type, LP.Action))) == 70
    for number, count in ACTIONS_PER_CHANTIER.items():
        assert len(set(graph.subjects(LP.partOf, chantier(number)))) == count, number


def test_plan_metadata(graph):
    assert str(graph.value(PLAN, LP.planType)).endswith("/strategie")
    assert str(graph.value(PLAN, DCTERMS.publisher)) == TEST_BASE + "actor/metz-metropole"
    ambitions = [URIRef(ELEMENT + f"A{n}") for n in (1, 2, 3)]
    assert set(graph.objects(PLAN, LP.hasElement)) == set(ambitions)
    assert [label(graph, a) for a in ambitions] == [
        "LA MÉTROPOLE DES LIAISONS EUROPÉENNES",
        "LA MÉTROPOLE DE L'ÉCOLOGIE URBAINE ET HUMAINE",
        "LA MÉTROPOLE ART & TECH",
    ]


def test_facts_of_the_cover_and_back_cover_with_their_lines(graph):
    # issue 15.5: the Eurométropole de Metz (Metz Métropole, EPCI 200039865), line 44
    epci = URIRef(TEST_BASE + "territory/epci/200039865")
    assert set(graph.objects(PLAN, DCTERMS.spatial)) == {epci}
    [(territory, first, last, quote)] = stated(graph, PLAN, DCTERMS.spatial)
    assert (territory, first, last) == (epci, 44, 44)
    assert "ce projet de territoire n'est pas celui de la seule métropole" in quote
    # back cover: "RÉDACTION : METZ MÉTROPOLE, AGURAM - JANVIER 2019" (line 745)
    authors = [URIRef(TEST_BASE + "actor/" + a) for a in ("aguram", "metz-metropole")]
    assert sorted(graph.objects(PLAN, DCTERMS.creator)) == authors
    assert stated(graph, PLAN, DCTERMS.creator) == [
        (a, 745, 745, "RÉDACTION : METZ MÉTROPOLE, AGURAM") for a in authors
    ]
    # "CONCEPTION ET MISE EN PAGE : MAGELLAN FÉVRIER 2019" (line 747): a month, not a day
    issued = graph.value(PLAN, DCTERMS.issued)
    assert (str(issued), issued.datatype) == ("2019-02", XSD.gYearMonth)
    assert [f[1:] for f in stated(graph, PLAN, DCTERMS.issued)] == [
        (747, 747, "CONCEPTION ET MISE EN PAGE : MAGELLAN FÉVRIER 2019")
    ]
    # "LA STRATÉGIE MÉTROPOLITAINE 2019-2020" (lines 5-7)
    period = URIRef(f"{PLAN}#period")
    for predicate, day in ((DCAT.startDate, date(2019, 1, 1)), (DCAT.endDate, date(2020, 12, 31))):
        [(value, first, last, quote)] = stated(graph, period, predicate)
        assert (value.toPython(), first, last, quote) == (day, 7, 7, "2019-2020")


def test_chantiers_under_their_ambition(graph):
    parents = {n: str(graph.value(chantier(n), LP.partOf)).rsplit("/", 1)[1] for n in range(1, 11)}
    assert parents == {1: "A1", 2: "A1", 3: "A1", 4: "A2", 5: "A2", 6: "A2", 7: "A2",
                       8: "A3", 9: "A3", 10: "A3"}  # fmt: skip
    assert label(graph, chantier(5)) == "LA NATURE ET SES USAGES"
    assert str(graph.value(chantier(5), DCTERMS.description)) == "PATRIMOINE MÉTROPOLITAIN COMMUN"
    # lines 642-644 « VERS UN NOUVEAU / MIX INDUSTRIES- / SERVICES »: a compound the line
    # break cut after its hyphen, not « INDUSTRIES- SERVICES » (the quote keeps the lines)
    assert str(graph.value(chantier(9), DCTERMS.description)) == (
        "VERS UN NOUVEAU MIX INDUSTRIES-SERVICES"
    )
    assert label(graph, chantier(6)) == "L'INTENSIFICATION URBAINE"
    assert (line_of(graph, chantier(6)), line_of(graph, chantier(10))) == (453, 676)


def test_specific_actions_with_dates_and_partners(graph):
    # chantier 1, bold
    node = action(graph, 1, "maintenir et promouvoir une desserte")
    assert line_of(graph, node) == 184
    assert dates_of(graph, node) == [
        ("dès janvier 2019", date(2019, 1, 1), date(2019, 1, 31), "mois")
    ]
    node = action(graph, 1, "stratégie logistique métropolitaine")
    assert dates_of(graph, node) == [
        ("dès le mois de mars", date(2019, 3, 1), date(2019, 3, 31), "mois")
    ]
    # chantier 2, italic
    node = action(graph, 2, "réseau franco-allemand d'incubateurs")
    assert partners_of(graph, node) == {
        ("bliida", "partenaire"),
        ("universite-de-la-sarre", "partenaire"),
    }
    assert dates_of(graph, node) == [("avril 2019", date(2019, 4, 1), date(2019, 4, 30), "mois")]
    node = action(graph, 2, "Metz est wunderbar")
    assert dates_of(graph, node) == [
        ("Au printemps", date(2019, 3, 1), date(2019, 5, 31), "saison")
    ]
    # chantier 3, bold
    node = action(graph, 3, "partenariat entre BLIIDA et le Luxembourg City Incubator")
    assert ("luxembourg-city-incubator", "partenaire") in partners_of(graph, node)
    # chantier 4, links and italic; two actions of one sentence keep their own date
    node = action(graph, 4, "concours national écologie et technologie")
    assert dates_of(graph, node) == [
        ("18 et 19 mars 2019", date(2019, 3, 18), date(2019, 3, 19), "jour")
    ]
    assert dates_of(graph, action(graph, 4, "thèse sur les îlots de chaleur")) == []
    # GRDF is its partner ("(GRDF notamment)"); UEM, partner of the other action of the
    # same sentence, is in the other clause (« … ou la mise en place d'[…(UEM)] »): not
    # on this one (issue 15.2)
    assert partners_of(graph, action(graph, 4, "études de potentiel")) == {("grdf", "partenaire")}
    assert partners_of(graph, action(graph, 4, "actions de communication")) == {
        ("uem", "partenaire")
    }
    node = action(graph, 4, "éco-défis")
    assert ("avril 2019", date(2019, 4, 1), date(2019, 4, 30), "mois") in dates_of(graph, node)
    # chantier 5, links
    node = action(graph, 5, "territoire vélo")
    assert dates_of(graph, node) == [
        ("courant mars 2019", date(2019, 3, 1), date(2019, 3, 31), "mois")
    ]
    node = action(graph, 5, "Plan paysage")
    assert partners_of(graph, node) == {("esal", "partenaire")}
    # chantier 6: the commune stays in the description
    node = action(graph, 6, "commission locale des sites patrimoniaux remarquables")
    assert dates_of(graph, node) == [
        ("25 février 2019", date(2019, 2, 25), date(2019, 2, 25), "jour")
    ]
    assert "Scy-Chazelles" in str(graph.value(node, DCTERMS.description))
    assert "Peltre" in str(graph.value(action(graph, 6, "résidence senior"), DCTERMS.description))
    # chantier 7, list items
    node = action(graph, 7, "Proxidon")
    assert line_of(graph, node) == 561
    assert partners_of(graph, node) == {("banque-alimentaire", "pilote")}
    assert dates_of(graph, node) == [  # written "1^{er}" by the extraction (issue 15.7)
        ("lancement est prévu au 1er trimestre 2019", date(2019, 1, 1), date(2019, 3, 31), "mois")
    ]
    assert "1^{er}" not in str(graph.value(node, DCTERMS.description))
    node = action(graph, 7, "la Conserverie Locale")
    assert dates_of(graph, node) == [
        ("inauguration est prévue au printemps 2019", date(2019, 3, 1), date(2019, 5, 31),
         "saison")
    ]  # fmt: skip
    # chantier 8 and 9, bold
    node = action(graph, 8, "présentation de l'écosystème d'innovation")
    assert line_of(graph, node) == 614
    node = action(graph, 9, "étude relative aux enjeux de mobilité")
    assert partners_of(graph, node) == {("aguram", "pilote"), ("etat", "pilote")}
    # chantier 10, links
    node = action(graph, 10, "30e anniversaire de l'Arsenal")  # "30^e", issue 15.7
    assert str(node).endswith("/30-e-anniversaire-de-l-arsenal")  # IRIs: the text as read
    assert "[30^e anniversaire de l'Arsenal](#)" in quotes_of(graph, graph.value(node, LP.source))
    assert partners_of(graph, node) == {
        ("inspire-metz", "pilote"),
        ("cite-musicale-metz", "partenaire"),
    }
    node = action(graph, 10, "Contrat Territorial d'éducation")
    assert partners_of(graph, node) == {("ville-de-metz", "partenaire"), ("etat", "partenaire")}


def test_dates_in_the_sentence_after_the_highlight(graph):
    for start, phrase in (("écologie industrielle territoriale", "2019"),
                          ("Projet alimentaire territorial", "début 2019")):  # fmt: skip
        [(text, first, last, precision)] = dates_of(graph, action(graph, 4, start))
        assert (text, first, last, precision) == (
            phrase,
            date(2019, 1, 1),
            date(2019, 12, 31),
            "annee",
        )


def roles_of(graph, node):
    return {
        (str(graph.value(m, LP.dateText)), str(graph.value(m, LP.dateRole)).rsplit("/", 1)[1])
        for m in graph.objects(node, LP.date)
    }


def test_date_roles_come_from_the_words_that_introduce_them(graph):
    """The cue before a date gives its role, and stays in its text (issue 15, fresh
    reading; referentials/date-cues/date-cues.yaml)."""
    # 561: « Proxidon, … dont le lancement est prévu au 1^{er} trimestre 2019 »: the
    # action starts then (was published as the action's period)
    assert roles_of(graph, action(graph, 7, "Proxidon")) == {
        ("lancement est prévu au 1er trimestre 2019", "debut")
    }
    # 560: « la Conserverie Locale, dont l'inauguration est prévue au printemps 2019 »
    assert roles_of(graph, action(graph, 7, "la Conserverie Locale")) == {
        ("inauguration est prévue au printemps 2019", "debut")
    }
    # 184, 202: « dès janvier 2019 », « dès le mois de mars »
    assert roles_of(graph, action(graph, 1, "maintenir et promouvoir une desserte")) == {
        ("dès janvier 2019", "debut")
    }
    assert roles_of(graph, action(graph, 1, "stratégie logistique métropolitaine")) == {
        ("dès le mois de mars", "debut")
    }
    # 281: « les *actions de mobilisation sur les économies d'énergie* menées par l'ALEC
    # … et Metz Métropole depuis 2017, et qui seront élargies en 2019 à … Worms »: the
    # actions themselves have been led since 2017 (the date is in their own clause),
    # their extension to Worms in 2019 is an event
    assert roles_of(graph, action(graph, 2, "actions de mobilisation")) == {
        ("depuis 2017", "debut"),
        ("2019", "evenement"),
    }
    # 397: « le futur aménagement sera présenté fin avril 2019 »: the date of a
    # presentation, not the end of the action — « fin » stays in the text only
    assert roles_of(graph, action(graph, 4, "Fermes d'avenir")) == {("fin avril 2019", "evenement")}
    # 541: « BLIIDA qui a lancé en septembre 2018 un incubateur (The POOL) »
    assert roles_of(graph, action(graph, 7, "incubateur (The POOL)")) == {
        ("a lancé en septembre 2018", "debut")
    }


def test_the_csv_span_of_an_action_follows_its_date_roles(metz):
    """start_date / end_date (publishing.downloads STARTING_ROLES, ENDING_ROLES): a
    launch is a start with no end, an event no span."""
    ntriples = metz.graph.serialize(format="nt", encoding="utf-8")
    store = memory_store([NamedGraph(metz.graph_iri, ntriples, len(metz.graph))])
    rows = {
        row["source_lines"] + " " + row["label"]: row
        for row in _action_rows(_PlanRows.of(store, PLAN))
    }

    def span(key):
        return rows[key]["start_date"], rows[key]["end_date"]

    assert span("561-561 Proxidon") == ("2019-01-01", "")  # was the quarter, as a period
    assert span("281-281 actions de mobilisation sur les économies d'énergie") == (
        "2017-01-01",
        "",
    )
    assert span("397-397 Fermes d'avenir") == ("", "")  # « présenté fin avril 2019 »


def test_the_sentence_that_introduces_a_list_gives_its_actor_to_the_items(graph):
    # line 547: « … le projet de [continuité éducative …](#), action inscrite dans le
    # projet éducatif de territoire de la Ville de Metz ou les projets d'entraide portés
    # par le CCAS de Metz : » and the list of lines 549-552: the CCAS « porte » the five
    # projects (reader.actions.list-roles), not the continuité éducative
    for start in ("3 dispositifs", "Séniors messins solidaires", "permanence visant",
                  "forum de l'engagement", "réseau solidaire"):  # fmt: skip
        assert ("ccas-de-metz", "pilote") in partners_of(graph, action(graph, 7, start)), start
    continuity = action(graph, 7, "continuité éducative")
    assert "ccas-de-metz" not in {actor for actor, _ in partners_of(graph, continuity)}
    # the link's words are cited on the introducing line
    [link] = [n for n in graph.objects(action(graph, 7, "Séniors messins solidaires"), LP.nameLink)]
    target = graph.value(link, OA.hasTarget)
    assert int(graph.value(target, LP.startLine)) == 547


def test_names_of_one_clause_stay_on_its_action(graph):
    # line 439: « … entre communes, avec le lancement du réseau [BiodiverCités](#), ou
    # avec la population avec notre soutien lors de l'ouverture de [l'Atelier de
    # Jean-Marie](#) à Montigny-lès-Metz. » — the network names no place; the Atelier
    # and its commune are the Atelier's (its clause is declared: reader.actions.contexts)
    network = action(graph, 5, "BiodiverCités")
    atelier = action(graph, 5, "l'Atelier de Jean-Marie")
    montigny = URIRef(TEST_BASE + "territory/commune/57480")
    assert set(graph.objects(network, LP.territory)) == set()
    assert partners_of(graph, network) == {("biodivercites", "mentionne")}
    assert set(graph.objects(atelier, LP.territory)) == {
        montigny, URIRef(TEST_BASE + "territory/atelier-de-jean-marie"),
    }  # fmt: skip
    assert partners_of(graph, atelier) == set()
    # line 731: the cathedral is named inside the first item only
    cathedral = URIRef(TEST_BASE + "territory/cathedrale-saint-etienne")
    assert set(graph.objects(action(graph, 10, "festivités"), LP.territory)) == {cathedral}
    assert set(graph.objects(action(graph, 10, "Balades nature"), LP.territory)) == set()
    # both keep the whole sentence as their description (nothing lost)
    festivities = action(graph, 10, "festivités")
    assert "Balades nature" in str(graph.value(festivities, DCTERMS.description))


def test_highlighted_names_are_mentions_not_actions(graph):
    labels = {label(graph, n) for n in graph.subjects(LP.partOf, chantier(8))}
    assert labels == {
        "Il s'agit de faire de BLIIDA un smart building",
        "présentation de l'écosystème d'innovation de Metz Métropole",
    }
    assert {label(graph, n) for n in graph.subjects(LP.partOf, chantier(9))} == {
        "la définition et la mise en œuvre d'un modèle multimodal des déplacements",
        "étude relative aux enjeux de mobilité",
    }
    # the sentences that highlight them are chantier 8's narrative, which names them
    bliida, synergie = (URIRef(TEST_BASE + "actor/" + a) for a in ("bliida", "synergie"))
    [passage] = [
        p for p in graph.objects(chantier(8), LP.passage)
        if graph.value(graph.value(p, LP.source), LP.startLine).toPython() == 604
    ]  # fmt: skip
    assert {bliida, synergie} <= set(graph.objects(passage, LP.mentions))
    assert "**BLIIDA**" in quotes_of(graph, graph.value(passage, LP.source))[0]
    # a highlighted name is an action when its clause says what is done with it
    action(graph, 2, "InnodeSIGN")  # « l'installation sur la métropole d'InnodeSIGN »
    action(graph, 7, "Metz Mécènes Solidaires")  # « la création du fonds »
    action(graph, 7, "la Conserverie Locale")  # « dont l'inauguration est prévue »
    action(graph, 5, "BiodiverCités")  # « le lancement du réseau »
    smart = action(graph, 8, "Il s'agit de faire de BLIIDA un smart building")
    assert partners_of(graph, smart) == {("bliida", "mentionne")}


def test_excluded_highlights_are_not_actions(graph):
    labels = {label(graph, n) for n in of_kind(graph, "action")}
    assert "Horizon 2020" not in labels
    assert not labels & {"BLIIDA", "Synergie", "Invent Metz Campus"}


def test_the_box_of_chantier_2_is_one_action_with_its_questions(graph):
    # lines 217-271: « Escape Game franco-allemand … Quoi ? … Par qui ? … Pour qui ? …
    # Pourquoi ? … Comment ? », not 26 one-line passages (issue 15.6)
    box = action(graph, 2, "Escape Game franco-allemand")
    assert str(graph.value(box, LP.levelName)) == "Encadré"
    source = graph.value(box, LP.source)
    assert (line_of(graph, box), int(graph.value(source, LP.endLine))) == (217, 271)
    sections = {}
    for p in graph.objects(box, LP.passage):
        name = graph.value(p, RDFS.label)
        first = graph.value(graph.value(p, LP.source), LP.startLine).toPython()
        sections[str(name) if name else None] = (first, str(graph.value(p, RDF.value)))
    assert sorted(sections, key=lambda k: sections[k][0]) == [
        None, "Quoi ?", "Pour qui ?", "Pourquoi ?", "Comment ?",
    ]  # fmt: skip
    assert sections["Pour qui ?"] == (
        244,
        "Lycéens, étudiants et adultes (qui connaissent déjà ou aimeraient connaître le "
        "format Escape Game)",
    )
    assert sections["Pourquoi ?"][1].startswith("Objectifs institutionnels Enrichir le format")
    assert "Sur une idée originale de l'Alec du Pays Messin" in sections["Comment ?"][1]
    assert str(graph.value(box, DCTERMS.description)).startswith("▼ Un format ludique")
    # who: the partner city (line 256) and the ALEC, whose idea it is (line 269)
    assert partners_of(graph, box) == {
        ("ville-de-worms", "partenaire"), ("alec-pays-messin", "mentionne"),
    }  # fmt: skip
    assert set(graph.objects(box, LP.territory)) == {URIRef(TEST_BASE + "territory/worms")}
    # chantier 2 keeps no passage of the box's lines
    lines = {
        graph.value(graph.value(p, LP.source), LP.startLine).toPython()
        for p in graph.objects(chantier(2), LP.passage)
    }
    assert not lines & set(range(217, 272))


def test_every_line_is_accounted_for(metz):
    assert metz.coverage.unaccounted == []
    ignored = {line.line for line in metz.coverage.lines if line.status == "ignored"}
    # only page furniture: title page, sommaire, dividers, footnotes, back cover
    assert {3, 59, 71, 163, 204, 579, 749} <= ignored
    # but the back cover's authorship and date state facts of the plan (plan.stated)
    assert not ignored & {745, 747}
    assert not ignored & {13, 44, 105, 142, 176, 232, 297, 632, 672}  # narrative


# Passages counted in the source: the plan's narrative before the chantiers is
# paragraphs of four parts; each chantier's narrative is its other paragraphs.
PLAN_PASSAGES = {
    "Un projet métropolitain en trois volumes": 7,  # lines 13-30
    "Préambule": 10,  # lines 32-57: heading, question, 6 paragraphs, 2 signatures
    "Manifeste « Une métropole qui s'affirme à vos côtés »": 11,  # lines 101-132
    "Le projet métropolitain en actions : la réponse aux 10 chantiers": 3,  # lines 138-142
}
# Each chantier's narrative: its paragraphs that highlight no action, the sentences
# of the paragraphs that do which hold no action (before, between or after them);
# chantier 2: its box (26 lines) is an action; chantiers 8 and 9: the lines whose
# highlighted names are not actions (602, 604, 606, 610; 668) are narrative
PASSAGES_PER_CHANTIER = {1: 13, 2: 12, 3: 14, 4: 17, 5: 16, 6: 20, 7: 13, 8: 22, 9: 14, 10: 23}
BOX_PASSAGES = 5  # the box's title lines, Quoi ?, Pour qui ?, Pourquoi ?, Comment ?


def test_the_narrative_is_published_as_passages(graph):
    plan_passages = list(graph.objects(PLAN, LP.passage))
    by_label = {}
    for passage in plan_passages:
        name = str(graph.value(passage, RDFS.label))
        by_label[name] = by_label.get(name, 0) + 1
    assert by_label == PLAN_PASSAGES
    for number, count in PASSAGES_PER_CHANTIER.items():
        assert len(list(graph.objects(chantier(number), LP.passage))) == count, number


def passages_at(graph, element, line):
    return [
        str(graph.value(p, RDF.value)) for p in graph.objects(element, LP.passage)
        if graph.value(graph.value(p, LP.source), LP.startLine).toPython() == line
    ]  # fmt: skip


def test_the_sentences_of_an_actions_line_that_hold_no_action_are_passages(graph):
    # line 387 (chantier 4): the action is the escape game; the call for volunteers
    # "dès janvier 2019" and the two sentences before it were in no data
    [before, after] = passages_at(graph, chantier(4), 387)
    assert before.startswith("Parallèlement, la métropole accompagne les habitants")
    assert after.startswith("Metz Métropole innove également directement en lançant dès "
                            "janvier 2019 un appel à volontaires")  # fmt: skip
    # line 674 (chantier 9): between two actions, the partnership with the State
    # "au cours des 100 jours" and what the modèle multimodal is for
    texts = passages_at(graph, chantier(9), 674)
    assert any(t.startswith("Cet outil permettra de qualifier") and
               "Au cours des 100 jours, le partenariat entre la métropole et l'État" in t
               for t in texts)  # fmt: skip


def passage_dates_at(graph, element, line):
    return {
        (str(graph.value(d, LP.dateText)), graph.value(d, LP.startDate).toPython(),
         graph.value(d, LP.endDate).toPython(), d.split("#")[1])
        for p in graph.objects(element, LP.passage)
        if graph.value(graph.value(p, LP.source), LP.startLine).toPython() == line
        for d in graph.objects(p, LP.date)
    }  # fmt: skip


def test_dated_commitments_of_the_narrative_keep_their_dates(graph):
    # the call for volunteers "dès janvier 2019" (line 387, chantier 4)
    assert passage_dates_at(graph, chantier(4), 387) == {
        ("dès janvier 2019", date(2019, 1, 1), date(2019, 1, 31), "passage-10-date-1")
    }
    # targets « à l'horizon » are deadlines of the narrative (they were declared
    # not-dates): 178 (the Metz-Sarrebruck offer, 2025), 377 (the energy system, 2050),
    # 606 (BLIIDA's works, 2020)
    for number, line, phrase in ((1, 178, "à l'horizon 2025"), (4, 377, "à l'horizon 2050"),
                                 (8, 606, "à l'horizon 2020")):  # fmt: skip
        assert phrase in {d[0] for d in passage_dates_at(graph, chantier(number), line)}
    # « Depuis 2010 déjà, la métropole s'investit … » (395): narrative, no action
    # started then — an event
    [since] = [
        d for p in graph.objects(chantier(4), LP.passage) for d in graph.objects(p, LP.date)
        if str(graph.value(d, LP.dateText)) == "Depuis 2010"
    ]  # fmt: skip
    assert str(graph.value(since, LP.dateRole)).endswith("/evenement")
    # "au cours des 100 jours": the period the mapping names (line 142: 30 January
    # to 9 May 2019)
    assert ("100 jours", date(2019, 1, 30), date(2019, 5, 9)) in {
        d[:3] for d in passage_dates_at(graph, chantier(9), 674)
    }


def test_a_passage_keeps_its_text_and_mentions_what_it_names(graph):
    # line 672, chantier 9: « … le Nord Lorrain, … Metz et Thionville … »
    [passage] = [
        p for p in graph.objects(chantier(9), LP.passage)
        if graph.value(graph.value(p, LP.source), LP.startLine).toPython() == 672
    ]  # fmt: skip
    assert "Thionville" in str(graph.value(passage, RDF.value))
    assert set(graph.objects(passage, LP.mentions)) >= {
        URIRef(TEST_BASE + "territory/commune/57672"),
        URIRef(TEST_BASE + "territory/commune/57463"),
        URIRef(TEST_BASE + "territory/lorraine-nord"),
    }
    # naming is not concerning: the chantier's territories come from its own text
    assert URIRef(TEST_BASE + "territory/commune/57672") not in set(
        graph.objects(chantier(9), LP.territory)
    )


def test_every_quote_is_found_at_its_cited_lines(metz, graph):
    lines = metz.spec.source.path.read_text(encoding="utf-8").split("\n")
    sources = list(graph.subject_objects(LP.source))
    passages = sum(PLAN_PASSAGES.values()) + sum(PASSAGES_PER_CHANTIER.values()) + BOX_PASSAGES
    # the plan (title, lines 5-11), its elements and passages, its stated facts
    # (territory, 2 authors, date of issue, start and end of its period)
    assert len(sources) == 1 + 3 + 10 + ACTIONS + passages + 6
    for _node, source in sources:
        [exact] = quotes_of(graph, source)
        assert exact in cited_text(graph, source, lines)


def test_multi_line_heading_quote_is_verbatim(graph):
    quote = graph.value(URIRef(f"{ELEMENT}A3#quote"), OA.exact)
    assert str(quote) == "AMBITION #3\n**LA MÉTROPOLE\nART & TECH**"


def test_plan_validates(vocabulary, metz):
    report = Validator(vocabulary).validate("metz-projet", metz.graph, metz.spec.source.path)
    assert report.conforms, report.render()
