"""Territory and organisation pages (lodplan.pages.territory, lodplan.pages.incoming),
source checking and sharing, over a small referential with three plans
(tests/fixtures/territories/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib

from lodplan.pages.incoming import GroupRule, IncomingGroupsError, group_of, load_rules
from lodplan.pages.links import ServerLinks, StaticLinks
from lodplan.pages.render import PageRenderer
from lodplan.pages.share import shorten
from lodplan.pages.site import SitePages
from lodplan.publishing.representations import ResourceService
from lodplan.store.base import DownloadFile, NamedGraph
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore

FIXTURES = Path(__file__).parent.parent / "fixtures" / "territories"
BASE = "http://terr.test/"
EPCI = BASE + "territory/epci/200000001"
ALPHA = BASE + "territory/commune/98001"
GAMMA = BASE + "territory/commune/98003"
DEPARTEMENT = BASE + "territory/departement/98"
COUNCIL = BASE + "actor/conseil"
SERVICE = BASE + "actor/service-mobilite"
ACTION = BASE + "plan/metro/element/1"
SOURCE = BASE + "source/metro"


def _graph(name: str, file: str) -> NamedGraph:
    graph = rdflib.Graph().parse(FIXTURES / file)
    return NamedGraph(BASE + name, graph.serialize(format="nt").encode(), len(graph))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> SitePages:
    root = tmp_path_factory.mktemp("territory-store")
    EmbeddedPublisher(root).publish(
        [
            _graph("graph/cog", "cog.ttl"),
            _graph("graph/plan/metro", "plans.ttl"),
            _graph("graph/actors", "actors.ttl"),
        ],
        base_iri=BASE,
        build_id="territory-1",
        downloads=[
            DownloadFile("sources/metro.txt", "text/plain", (FIXTURES / "metro.txt").read_bytes())
        ],
    )
    return SitePages(ResourceService(EmbeddedStore(root), base_iri=BASE), PageRenderer())


def links(lang: str = "fr", current: str = "") -> ServerLinks:
    return ServerLinks(data_base=BASE, lang=lang, current=current)


def text_of(html: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def section(html: str, heading_id: str) -> str:
    """The HTML of the section headed by ``heading_id``."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


# -- a commune -------------------------------------------------------------------------


def test_a_commune_page_shows_its_intercommunality(site):
    html = site.resource(ALPHA, links())
    assert 'href="/territory/epci/200000001"' in section(html, "intercommunalities-title")


def test_a_commune_page_lists_the_plans_covering_it_directly_or_through_a_territory(site):
    covering = section(site.resource(ALPHA, links()), "covering-plans-title")
    text = text_of(covering)
    assert "Plan de la métropole par Testmétropole" in text  # through its EPCI
    assert "Plan départemental par Testdépartement" in text  # through its département
    assert "Gammaville" not in text  # another commune's plan
    assert 'href="/territory/departement/98"' in covering
    direct = text_of(section(site.resource(GAMMA, links()), "covering-plans-title"))
    assert "Plan de Gammaville directement" in direct
    assert direct.index("Plan de Gammaville") < direct.index("Plan départemental")  # direct first


def test_a_commune_page_groups_what_cites_it_by_meaning(site):
    html = site.resource(ALPHA, links())
    incoming = html[html.index('id="incoming-title"') :]
    text = text_of(incoming)
    assert "Actions qui le concernent (1)" in text
    assert "Passages et éléments qui le nomment (1)" in text
    assert "au titre de" not in text  # no property name left
    assert 'href="/plan/metro/element/1"' in incoming


# -- an intercommunality -------------------------------------------------------------------


def test_an_epci_page_lists_its_communes_and_formats_its_population(site):
    html = site.resource(EPCI, links())
    communes = text_of(section(html, "communes-title"))
    assert "(2 communes)" in communes
    assert communes.index("Alphaville") < communes.index("Bétaville")
    assert "98001" in communes and "Gammaville" not in communes
    figures = section(html, "figures-title")
    assert "1\u202f234\u202f567 habitants (2023)" in figures  # French: narrow no-break spaces
    assert "1,234,567 inhabitants (2023)" in section(
        site.resource(EPCI, links("en")), "figures-title"
    )
    # the members are listed once: in their section, not among the facts
    assert "a pour membre" not in text_of(html[: html.index('class="all-properties"')])


def test_an_epci_page_lists_the_plans_its_bodies_publish_and_those_covering_it(site):
    html = site.resource(EPCI, links())
    published = text_of(section(html, "published-plans-title"))
    assert "Plan de la métropole publié par Conseil de Testmétropole" in published
    assert "Plan de la métropole directement" in text_of(section(html, "covering-plans-title"))
    incoming = text_of(html[html.index('id="incoming-title"') :])
    assert "Acteurs de ce territoire (1)" in incoming
    assert "Plans qui le couvrent" not in incoming  # shown in its own section


def test_the_communes_of_an_epci_are_paged(site, monkeypatch):
    monkeypatch.setattr("lodplan.pages.resource_page.COMMUNES_PER_PAGE", 1)
    first = site.resource(EPCI, links(current="territory/epci/200000001"))
    second = site.resource(EPCI, links(current="territory/epci/200000001"), page=2)
    assert first is not None and second is not None
    assert "Alphaville" in text_of(section(first, "communes-title"))
    assert "Bétaville" in text_of(section(second, "communes-title"))
    assert "Alphaville" not in text_of(section(second, "communes-title"))
    assert 'href="/territory/epci/200000001?page=2"' in first
    assert site.resource(EPCI, links(current="territory/epci/200000001"), page=3) is None


# -- an organisation -------------------------------------------------------------------


def test_an_organisation_rolls_up_the_involvements_of_its_services(site):
    html = site.resource(COUNCIL, links())
    involvements = section(html, "involvements-title")
    text = text_of(involvements)
    assert "Ouvrir une piste cyclable" in text
    assert "Par le service" in text and "Service mobilité" in text
    incoming = text_of(html[html.index('id="incoming-title"') :])
    assert "Services (1)" in incoming and "Plans qu’il publie ou adopte (1)" in incoming


def test_a_service_page_lists_its_own_involvements_without_a_service_column(site):
    involvements = section(site.resource(SERVICE, links()), "involvements-title")
    assert "Ouvrir une piste cyclable" in text_of(involvements)
    assert "Par le service" not in text_of(involvements)


# -- groups of incoming links -------------------------------------------------------------


def test_the_first_group_taking_a_link_wins_and_types_narrow_a_group():
    actions = GroupRule("actions", frozenset({"p"}), frozenset({"Action"}))
    others = GroupRule("elements", frozenset({"p"}))
    assert group_of([actions, others], "p", {"Action", "Thing"}) is actions
    assert group_of([actions, others], "p", frozenset({"Objective"})) is others
    assert group_of([actions, others], "q", frozenset()) is None


def test_a_malformed_groups_file_is_refused_naming_the_file_and_group(tmp_path):
    path = tmp_path / "incoming.yaml"
    path.write_text("prefixes: {ex: 'http://ex/'}\ngroups:\n  - id: a\n    properties: [zz:p]\n")
    with pytest.raises(IncomingGroupsError, match=r"incoming.yaml: groups\[1\].properties"):
        load_rules(path)
    path.write_text("prefixes: {ex: 'http://ex/'}\ngroups:\n  - id: a\n    colour: red\n")
    with pytest.raises(IncomingGroupsError, match="unknown keys colour"):
        load_rules(path)


# -- source checking -----------------------------------------------------------------------


def test_read_in_the_document_links_to_the_cited_range_and_the_original(site):
    provenance = section(site.resource(ACTION, links()), "provenance-title")
    assert 'href="/source/metro#L3-L5"' in provenance
    assert 'href="https://terr.example/plan-metro.pdf"' in provenance


def test_the_source_page_anchors_every_cited_range_and_links_the_original(site):
    html = site.resource(SOURCE, links())
    assert '<li id="L3"><span class="range" id="L3-L5"></span><span class="n">3</span>' in html
    assert html.count('class="range"') == 1
    assert 'href="https://terr.example/plan-metro.pdf"' in html
    assert "assets/source.js" in html


# -- sharing -------------------------------------------------------------------------------


def test_a_page_names_its_canonical_address_and_what_a_shared_link_shows(site):
    html = site.resource(ACTION, links())
    canonical = f'<link rel="canonical" href="{ACTION}">'
    assert canonical in html
    assert f'<meta property="og:url" content="{ACTION}">' in html
    assert (
        '<meta property="og:title" content="1 Ouvrir une piste cyclable — Plan de la métropole">'
        in html
    )
    assert '<meta property="og:locale" content="fr_FR">' in html
    assert "<title>1 Ouvrir une piste cyclable — Plan de la métropole · lodplan</title>" in html
    english = site.resource(ACTION, links("en"))
    assert f'<link rel="canonical" href="{ACTION}?lang=en">' in english
    assert '<meta property="og:locale" content="en_GB">' in english
    share = re.search(r'<a class="share" href="([^"]+)"', html)
    assert share is not None and share.group(1) == ACTION  # a plain link without script


def test_a_static_page_names_no_address_of_the_data_base(site):
    html = site.resource(ACTION, StaticLinks(BASE, "plan/metro/element/1.html"))
    assert 'rel="canonical"' not in html and "og:url" not in html
    assert '<a class="share" href="1.html"' in html
    assert f'href="{BASE}' not in html


def test_printed_pages_say_their_address_and_the_day_of_the_data(site):
    html = site.resource(ACTION, links())
    footer = text_of(html[html.index('class="print-only"') :])
    assert f"Page publiée à l’adresse {ACTION} · données du" in footer


def test_a_shared_description_is_cut_at_a_word():
    assert shorten("un  deux\ntrois", 50) == "un deux trois"
    assert shorten("alpha beta gamma delta", 12) == "alpha beta…"
