"""An action's page shows its fiche (issue 16): dated status, phase, completion, schedule
at its precision, budget and funding lines, themes, texts, identifiers, and indicators
as small charts; a plan whose actions are at its top level shows them with their facts.

On a store built once from the fiche fixtures (tests/support/fiche_site.py).
"""

from __future__ import annotations

import re

import pytest

from lodplan.pages.links import ServerLinks
from lodplan.pages.render import PageRenderer
from lodplan.pages.site import SitePages
from lodplan.publishing.representations import ResourceService
from lodplan.store.embedded import EmbeddedStore
from tests.support.fiche_site import BASE, build_fiche_store

PCAET = BASE + "plan/exempleville-pcaet"
SUIVI = BASE + "plan/exempleville-suivi"
PRESET = BASE + "plan/ville-exemple-projets"
NNBSP, NBSP = "\u202f", "\u00a0"  # the CLDR's group separator and the space before €


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> SitePages:
    store = build_fiche_store(tmp_path_factory.mktemp("fiche-site"))
    return SitePages(ResourceService(EmbeddedStore(store), base_iri=BASE), PageRenderer())


def page(site: SitePages, iri: str, lang: str = "fr") -> str:
    html = site.resource(iri, ServerLinks(data_base=BASE, lang=lang))
    assert html is not None, iri
    return html


def section(html: str, start: str, end: str = "</section>") -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def text_of(html: str) -> str:
    """The visible text, ASCII white space collapsed (the CLDR's spaces are kept)."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_fiche_of_an_action_shows_status_schedule_budget_themes_and_identifiers(site):
    html = page(site, PCAET + "/element/a1")
    fiche = section(html, '<section class="fiche"')
    text = text_of(fiche)
    assert '<h2 id="fiche-title">Fiche action</h2>' in fiche
    assert "Statut En cours au 15 mars 2025" in text
    assert f"Avancement 35{NBSP}%" in text  # 0.35, as a percentage
    assert "Début prévu 1 septembre 2024" in text  # a day
    assert "Fin prévue août 2026" in text  # a month stays a month
    # the planned budget, then the funding lines with their funder and programme
    budget = section(fiche, '<table class="budget"', "</table>")
    rows = [text_of(row).strip() for row in budget.split("<tr>")[2:]]
    assert rows[0].startswith(f"Budget prévisionnel 1{NNBSP}200{NNBSP}000{NBSP}€")
    assert "Investissement" in rows[0]
    assert f"Financement obtenu 250{NNBSP}000{NBSP}€ ADEME Fonds vert" in rows[1]
    assert f"Financement obtenu 300{NNBSP}000{NBSP}€ Région Exemple" in rows[2]
    assert 'href="/actor/ademe"' in budget
    # the texts of the fiche, escaped
    assert "Résultats attendus -40 % de consommation d&#39;énergie" in text
    assert "Moyens Marché de travaux, maîtrise d&#39;œuvre interne" in text
    assert "Public cible Élèves et personnels" in text
    # themes by list, SDGs with their number and label
    themes = section(fiche, '<dl class="facts fiche-themes"', "</dl>")
    assert "Objectifs de développement durable (ODD)" in themes
    assert '<span class="code">7</span> <a href="/resource?iri=' in themes
    assert "Énergie propre et d&#39;un coût abordable" in themes
    assert "Urbanisme, logement, aménagement, bâtiments" in themes
    assert "Territoires en Transitions 4512" in text_of(
        section(fiche, '<dl class="facts fiche-identifiers"', "</dl>")
    )
    # pilote and partners stay in the actors section, by role
    actors = text_of(section(html, 'id="actors-title"'))
    assert "Pilote Services techniques" in actors and "Partenaire" in actors
    # what the fiche shows is not repeated among the key facts
    facts = section(html, 'id="facts-title"') if 'id="facts-title"' in html else ""
    assert "budgetLine" not in facts and "Date de début prévue" not in text_of(facts)


def test_an_indicator_is_a_small_chart_of_its_values_against_its_target(site):
    html = page(site, SUIVI + "/element/p1")
    indicator = section(html, '<div class="indicator">', "</figure>")
    assert "Dernière mesure : 15 (2024) · Cible : 40 (2030)" in text_of(indicator)
    svg = section(indicator, "<svg", "</svg>")
    bars = re.findall(r'<rect class="segment series-(\d)"[^>]*width="([\d.]+)%"', svg)
    values = re.findall(r'<text class="value"[^>]*>([^<]+)</text>', svg)
    # reference 2020, measure 2024, target 2030: one colour per kind, scaled to the largest
    assert values == ["12", "15", "40"]
    assert bars == [("1", "26.4"), ("2", "33.0"), ("3", "88.0")]
    assert "2024 · Mesure" in svg and "la cible est 40 (2030)" in svg
    table = text_of(section(indicator, "<table>", "</table>"))
    assert "2020 Valeur de référence 12" in table and "2030 Cible 40" in table


def test_the_page_in_english_writes_amounts_and_dates_the_english_way(site):
    text = text_of(page(site, PCAET + "/element/a1", "en"))
    assert "€1,200,000" in text and "Planned start September 1, 2024" in text
    assert "Planned end August 2026" in text and "Completion 35%" in text
    assert "Status Under way as of March 15, 2025" in text


def test_data_in_the_fiche_is_escaped(site):
    html = page(site, SUIVI + "/element/p1")
    assert "Voies « vélo » sécurisées &amp; éclairées, à moins de 30 km/h (vitesse &lt; 30)" in html
    assert "vitesse < 30" not in html and "<b>" not in html


def test_a_flat_plan_lists_its_projects_with_status_phase_schedule_and_budget(site):
    html = page(site, PRESET)
    tree = section(html, '<ul class="tree">', "</section>")
    items = [text_of(item) for item in tree.split("<li>")[1:]]
    assert len(items) == 5  # every project at the top level of the plan
    first = items[0]
    assert "Rénovation énergétique des bâtiments publics" in first
    assert "(Pilote)" in first and "En cours" in first and "Étude" in first
    assert "début prévu : 1 mars 2025" in first
    assert f"budget prévisionnel : 450{NNBSP}000{NBSP}€" in first
    pcaet = text_of(section(page(site, PCAET), '<ul class="tree">', "</section>"))
    assert "prévu : 1 septembre 2024 – août 2026" in pcaet and "prévu : 2026 – 2027" in pcaet
    suivi = text_of(section(page(site, SUIVI), '<ul class="tree">', "</section>"))
    assert "Rénover la mairie" in suivi and "Prévue" in suivi  # a project without a pilote


def test_an_element_without_fiche_fields_has_no_fiche(site):
    html = page(site, PCAET + "/element/batiments-sobres")  # an axis
    assert 'class="fiche"' not in html
    assert "Rénover l&#39;école Jules-Ferry" in html  # its parts are still listed


def test_a_flat_table_s_planned_dates_count_as_dated_and_a_missing_period_agrees(site):
    """The trial user saw « 0 éléments datés » for projects that all have a planned start,
    and « Période : non précisé »."""
    home = text_of(site.home(ServerLinks(data_base=BASE, lang="fr")))
    assert "0 éléments datés" not in home
    assert re.search(r"[1-9][0-9]* éléments datés", home)
    assert "Période non précisée" in home and not re.search(r"Période non précisé\b", home)
