"""The human site's pages from the data: home, plan tree, resource pages, search."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib

from lodplan.pages.actions import ActionFilters, table_file
from lodplan.pages.links import ServerLinks, StaticLinks
from lodplan.pages.render import PageRenderer
from lodplan.pages.search import Filters, index_file
from lodplan.pages.site import SitePages
from lodplan.publishing.representations import ResourceService
from lodplan.store.base import DownloadFile, NamedGraph
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore

FIXTURES = Path(__file__).parent.parent / "fixtures" / "site"
BASE = "http://site.test/"
PLAN = BASE + "plan/demo"
AXIS = PLAN + "/element/1"
ACTION = PLAN + "/element/1.1"
ACTOR = BASE + "actor/ville"
COMMUNE = BASE + "territory/commune/99001"
PILOTE = "https://w3id.org/lodplan/code/role/pilote"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> SitePages:
    graph = rdflib.Graph().parse(FIXTURES / "demo.ttl")
    ntriples = graph.serialize(format="nt").encode()
    root = tmp_path_factory.mktemp("site-store")
    EmbeddedPublisher(root).publish(
        [NamedGraph(BASE + "graph/plan/demo", ntriples, len(graph))],
        base_iri=BASE,
        build_id="site-1",
        downloads=[
            DownloadFile("sources/demo.txt", "text/plain", (FIXTURES / "demo.txt").read_bytes())
        ],
    )
    return SitePages(ResourceService(EmbeddedStore(root), base_iri=BASE), PageRenderer())


def links(lang: str = "fr") -> ServerLinks:
    return ServerLinks(data_base=BASE, lang=lang)


def text_of(html: str) -> str:
    """The visible text of a page, one space between words."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_home_shows_each_plan_with_publisher_territory_period_and_counts(site):
    html = site.home(links())
    assert '<a href="/plan/demo">Plan de démonstration</a>' in html
    text = text_of(html)
    assert "Ville de Test" in text and "Testville" in text
    assert "du 1 janvier 2024 au 31 décembre 2026" in text  # dates in words (Babel)
    # CLDR plurals; nothing said of what the plan has none of (objectives)
    assert "2 éléments de premier niveau · 1 action · 1 acteur" in text
    assert "0 objectif" not in text
    assert 'href="/download/plans/demo.csv"' in html and 'href="/sparql"' in html


def test_the_plan_page_is_its_tree_in_document_order_with_the_documents_numbering(site):
    html = site.resource(PLAN, links())
    tree = html[html.index('class="tree"') :]
    # axes in order, each with its code and level name; the action nested in axis 1
    assert tree.index(">1<") < tree.index("Planter des arbres") < tree.index(">2<")
    assert '<span class="level">Axe</span>' in tree
    assert "<details open>" in tree  # top elements open, as collapsible details
    action_line = text_of(tree[tree.index("Planter des arbres") :])[:200]
    assert "Ville de Test (Pilote)" in action_line
    assert "Testville" in action_line and "d’ici 2026" in action_line
    assert "2024-01-01" not in action_line  # the date as stated, not twice


def test_an_action_page_shows_its_place_actors_and_the_quote_in_its_source_lines(site):
    html = site.resource(ACTION, links())
    breadcrumb = html[
        html.index('class="breadcrumb"') : html.index("</nav>", html.index('class="breadcrumb"'))
    ]
    assert breadcrumb.index('href="/plan/demo"') < breadcrumb.index('href="/plan/demo/element/1"')
    assert '<h1><span class="code">1.1</span> Planter des arbres</h1>' in html
    provenance = html[html.index('class="provenance"') :]
    assert '<blockquote class="quote">1.1 Planter des arbres</blockquote>' in provenance
    assert (
        '<li class="quoted"><span class="n">4</span><span>1.1 Planter des arbres</span>'
        in provenance
    )
    for number in (1, 2, 3, 5, 6):  # three lines around the quote, within the document
        assert f'<span class="n">{number}</span>' in provenance
    assert 'href="/source/demo#L4"' in provenance
    assert "Pilote" in text_of(html) and 'href="/actor/ville"' in html


def test_a_passage_shows_the_part_of_the_text_it_answers(site):
    # an inset's answers are passages labelled with their question (issue 15.6)
    html = site.resource(ACTION, links())
    passages = html[html.index('id="passages-title"') :]
    assert passages.index("<h3>Quoi ?</h3>") < passages.index("Mille arbres en ville.")


def test_the_source_page_numbers_every_line(site):
    html = site.resource(BASE + "source/demo", links())
    assert '<li id="L4"><span class="n">4</span><span>1.1 Planter des arbres</span></li>' in html
    assert 'id="L6"' in html and 'id="L7"' not in html


def test_an_actor_page_lists_its_involvements_across_plans(site):
    html = site.resource(ACTOR, links())
    section = text_of(html[html.index('id="involvements-title"') :])
    assert "Plan de démonstration" in section and "1.1 Planter des arbres" in section
    assert "Pilote" in section


def test_a_territory_page_lists_what_concerns_it_and_its_parents(site):
    html = site.resource(COMMUNE, links())
    incoming = html[html.index('id="incoming-title"') :]
    assert 'href="/plan/demo/element/1.1"' in incoming  # the action concerning it
    parents = html[html.index('id="parents-title"') : html.index('id="incoming-title"')]
    assert 'href="/territory/departement/99"' in parents


def test_a_concept_page_lists_the_elements_using_it(site):
    html = site.resource(PILOTE, links())
    assert "<h1>Pilote</h1>" in html
    incoming = html[html.index('id="incoming-title"') :]
    assert 'href="/plan/demo/element/1.1"' in incoming  # via the involvement, shown as its element


def test_data_is_escaped(site):
    for html in (site.resource(AXIS, links()), site.resource(PLAN, links())):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_english_pages_prefer_english_labels_and_keep_the_language_in_links(site):
    html = site.resource(ACTION, links("en"))
    assert '<html lang="en">' in html
    assert "Plant trees" in html and "Lead" in html
    assert 'href="/plan/demo?lang=en"' in html


def test_search_ignores_accents_and_case_and_marks_the_matched_words(site):
    with_accent = site.search("ÉCOLOGIE", links())
    without = site.search("ecologie", links())
    found = re.findall(r'<a href="(/plan/[^"]+)"', with_accent)
    assert found == re.findall(r'<a href="(/plan/[^"]+)"', without)
    assert "/plan/demo/element/1" in found
    assert re.search(r"<mark>[ÉéEe]cologie</mark>", with_accent, re.I)
    assert "Aucun résultat" in site.search("zzzz", links())
    assert '<span class="badge">acteur</span>' in site.search("ville de", links())


def test_search_filters_are_links_that_keep_the_query_and_can_be_removed(site):
    html = site.search("ville", links())
    kinds = re.findall(r'<a href="([^"]+)" data-facet="kind">', html)
    assert kinds and all(href.startswith("/search?q=ville&amp;kind=") for href in kinds)
    filtered = site.search("ville", links(), Filters(kind="actor"))
    assert '<input type="hidden" name="kind" value="actor">' in filtered
    assert 'href="/search?q=ville" aria-label="Retirer le filtre Acteurs"' in filtered
    assert site.search("ville", links(), page=99) is None


def test_search_escapes_what_the_query_and_the_data_hold(site):
    html = site.search('<script>"x"</script> écologie', links())
    assert '<script>"x"' not in html and "&lt;script&gt;" in html


def test_static_links_are_relative_files(site):
    html = site.resource(ACTION, StaticLinks(BASE, "plan/demo/element/1.1.html"))
    assert 'href="../../demo.html"' in html  # the plan, from plan/demo/element/
    assert 'href="../../../source/demo.html#L4"' in html
    assert f'href="{BASE}' not in html and 'href="/' not in html


def test_a_name_link_is_shown_as_the_words_what_they_name_and_why(site):
    text = text_of(site.resource(ACTION, links()))
    assert "« Testville » → Testville (cog-commune, certain)" in text


def test_an_editorial_note_is_shown_apart_labelled_and_escaped(tmp_path):
    graph = rdflib.Graph().parse(FIXTURES / "demo.ttl")
    note = "Titre donné par l'éditeur : <b>le document</b> n'en a pas & c'est dit."
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    graph.add((rdflib.URIRef(ACTION), skos.editorialNote, rdflib.Literal(note, lang="fr")))
    EmbeddedPublisher(tmp_path).publish(
        [NamedGraph(BASE + "graph/plan/demo", graph.serialize(format="nt").encode(), len(graph))],
        base_iri=BASE,
        build_id="site-note",
    )
    pages = SitePages(ResourceService(EmbeddedStore(tmp_path), base_iri=BASE), PageRenderer())
    html = pages.resource(ACTION, links())
    aside = html[html.index('<aside class="editorial-note"') : html.index("</aside>")]
    assert "Note de l’éditeur" in aside and "pas tirée du document source" in aside
    assert "&lt;b&gt;le document&lt;/b&gt; n&#39;en a pas &amp; c&#39;est dit." in aside
    assert "<b>le document</b>" not in html
    # shown apart: once before the table of all the data, not among the key facts
    assert html[: html.index("</aside>")].count("le document&lt;/b&gt;") == 1
    facts = html[html.index('id="facts-title"') :] if 'id="facts-title"' in html else ""
    assert "le document&lt;/b&gt;" not in facts[: facts.find("</section>")]
    lead = re.search(r'<p class="lead literal">(.*?)</p>', html)
    assert lead is None or "le document" not in lead.group(1)
    english = pages.resource(ACTION, links("en"))
    assert "Editor’s note" in english


# -- pages for people, not RDF (issue 19 item 5) ------------------------------------------


def test_a_page_says_one_kind_and_keeps_the_technical_data_one_click_away(site):
    html = site.resource(ACTION, links())
    h1 = html.index("<h1>")
    head = text_of(html[html.rindex("</nav>", 0, h1) + len("</nav>") : h1])  # after the breadcrumb
    assert head.strip() == "Action" and "·" not in head  # one kind, not every rdf:type
    details = html[html.index('<details class="all-properties">') :]
    details = details[: details.index("</details>")]
    assert "Données techniques" in details
    # the other formats, inside the technical data, without their media types
    assert 'href="/plan/demo/element/1.1.ttl"' in details
    assert "text/turtle</span>" not in html
    outside = html.replace(details, "")
    assert "ns/oa#" not in text_of(outside)  # no selector links among the facts


def test_dates_are_written_once_in_words(site):
    english = text_of(site.resource(PLAN, links("en")))
    assert "from January 1, 2024 to December 31, 2026" in english
    french = text_of(site.resource(ACTION, links()))
    assert "d’ici 2026" in french and "d’ici 2026 (" not in french


def _void_view(site, lang):
    from pyoxigraph import BlankNode, Literal, NamedNode, Triple

    from lodplan.pages.resource_page import ResourcePages
    from lodplan.terms import LP

    void, xsd = "http://rdfs.org/ns/void#", "http://www.w3.org/2001/XMLSchema#"
    integer = NamedNode(xsd + "integer")
    dataset, by_class, by_property = NamedNode(BASE), BlankNode("c"), BlankNode("p")
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    french = NamedNode("http://publications.europa.eu/resource/authority/language/FRA")
    triples = [
        Triple(dataset, NamedNode(void + "triples"), Literal("526052", datatype=integer)),
        Triple(dataset, NamedNode(void + "classPartition"), by_class),
        Triple(by_class, NamedNode(void + "class"), NamedNode(str(LP.Action))),
        Triple(by_class, NamedNode(void + "entities"), Literal("1", datatype=integer)),
        Triple(dataset, NamedNode(void + "propertyPartition"), by_property),
        Triple(by_property, NamedNode(void + "property"), label),
        Triple(by_property, NamedNode(void + "triples"), Literal("1350", datatype=integer)),
        Triple(dataset, NamedNode("http://purl.org/dc/terms/language"), french),
    ]
    return ResourcePages(site.store).view(BASE, triples, lang)


def test_void_partitions_say_what_they_count_and_numbers_are_grouped(site):
    view = _void_view(site, "fr")
    facts = {fact.label: [v.text for v in fact.values] for fact in view.facts}
    assert facts["ressources par classe"] == ["Action : 1 ressource"]
    assert facts["valeurs par propriété"] == ["nom : 1\u202f350 valeurs"]
    assert facts["nombre de triplets (faits)"] == ["526\u202f052"]
    assert facts["langue"] == ["français"]  # an EU language by its name, not its IRI
    english = {f.label: [v.text for v in f.values] for f in _void_view(site, "en").facts}
    assert english["values per property"] == ["label: 1,350 values"]
    assert english["language"] == ["French"]


def test_search_works_when_the_cache_folder_cannot_be_written(site, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    elsewhere = SitePages(site.resources, site.renderer, search_dir=blocked / "cache")
    assert "/plan/demo/element/1" in elsewhere.search("écologie", links())
    assert not (blocked / "cache").exists()


def test_the_files_of_builds_no_longer_served_leave_the_cache_folder(tmp_path):
    """The current build's search index and table of actions, and the previous build's
    (a request may still read it), stay; older ones go; other stores' files stay."""
    graph = rdflib.Graph().parse(FIXTURES / "demo.ttl")
    ntriples = graph.serialize(format="nt").encode()
    root, cache = tmp_path / "store", tmp_path / "cache"
    other = cache / "search-0123456789abcdef01234567-fr-v3.sqlite"  # another store's
    builds = []
    for number in (1, 2, 3):
        EmbeddedPublisher(root).publish(
            [NamedGraph(BASE + "graph/plan/demo", ntriples, len(graph))],
            base_iri=BASE,
            build_id=f"site-{number}",
        )
        if number == 1:
            store = EmbeddedStore(root)
            resources = ResourceService(store, base_iri=BASE)
            pages = SitePages(resources, PageRenderer(), search_dir=cache)
        assert "/plan/demo/element/1" in pages.search("écologie", links())
        assert pages.actions(links(), ActionFilters()) is not None
        info = store.info()
        assert info.build_id == f"site-{number}"
        builds.append([index_file(cache, info, "fr"), table_file(cache, info, "fr")])
        other.touch()
    assert [[path.exists() for path in files] for files in builds] == [
        [False, False],
        [True, True],
        [True, True],
    ]
    assert other.exists()
    assert sorted(path.name for path in cache.iterdir()) == sorted(
        [other.name] + [path.name for files in builds[1:] for path in files]
    )
