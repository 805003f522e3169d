"""The validation pages, rendered without Flask from a build's report files."""

from __future__ import annotations

import html
import re

import pytest

from lodplan.pages.links import ServerLinks, StaticLinks
from lodplan.pages.render import PageRenderer
from lodplan.pages.validation_report import (
    read_summary,
    render_validation_index,
    render_validation_page,
    validation_report_ids,
)
from tests.support.validation_reports import (
    ACTION,
    BASE,
    HOSTILE_LABEL,
    PLAN,
    PLAN_ID,
    SOURCE_DOCUMENT,
    publish_test_build,
)


@pytest.fixture(scope="module")
def store(tmp_path_factory, vocabulary):
    return publish_test_build(tmp_path_factory.mktemp("validation-build"), vocabulary)


@pytest.fixture(scope="module")
def renderer():
    return PageRenderer()


def english(current: str = f"validation/{PLAN_ID}") -> ServerLinks:
    return ServerLinks(data_base=BASE, lang="en", current=current)


def headings(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", h).strip()
        for h in re.findall(r"<h[234][^>]*>(.*?)</h[234]>", page, re.S)
    ]


def test_the_page_groups_results_by_severity_then_focus_node(store, renderer):
    page = render_validation_page(store, renderer, english(), PLAN_ID)
    assert page is not None
    assert '<html lang="en">' in page
    assert "SHACL validation: Test plan" in page  # the plan's English label from the store
    assert "Does not conform" in page
    assert "violations: 1 · warnings: 1 · infos: 1" in page
    found = headings(page)
    order = [found.index(name) for name in ("Violations (1)", "Warnings (1)", "Infos (1)")]
    assert order == sorted(order)
    # each group names its focus node, linked to its page, in the page's language
    assert f'<a href="/plan/{PLAN_ID}?lang=en">Test plan</a>' in page
    assert f'href="/plan/{PLAN_ID}/element/1?lang=en"' in page
    assert "A plan should have an issue date." in page
    assert "Un plan devrait" not in page
    assert "<code>dcterms:issued</code>" in page
    assert "(issued)" in page  # the shape's name in English


def test_the_source_lines_are_shown_and_linked_to_the_source_document(store, renderer):
    page = render_validation_page(store, renderer, english(), PLAN_ID)
    assert page is not None
    assert f'href="/source/{PLAN_ID}?lang=en#L1">essai/source.txt, lines 1 to 3</a>' in page
    assert "essai/source.txt, line 5</a>" in page
    assert '<span class="n">3</span><span>Préambule</span>' in page
    assert '<span class="n">5</span>' in page
    assert str(SOURCE_DOCUMENT) not in re.findall(r'href="([^"]+)"', page)  # a local link


def test_data_reaches_the_page_escaped(store, renderer):
    page = render_validation_page(store, renderer, english(), PLAN_ID)
    assert page is not None
    assert HOSTILE_LABEL not in page
    assert html.escape(HOSTILE_LABEL, quote=False) in page


def test_what_was_checked_is_shown(store, renderer):
    summary = read_summary(store, PLAN_ID)
    assert summary is not None
    page = render_validation_page(store, renderer, english(), PLAN_ID)
    assert page is not None
    triples = summary["triples"]
    assert f"{triples['validated']:,}: {triples['data']} of the graph" in page
    assert "2 shapes of 3 found nodes to check" in page
    validator = summary["validator"]
    assert f"{validator['name']} {validator['version']}" in page  # the engine that validated
    assert summary["shapes_files"][0]["sha256"] in page
    assert f'<time datetime="{summary["validated_at"]}">' in page
    assert f'href="/download/validation/{PLAN_ID}.ttl"' in page
    assert "instances of lodplan:Action" in page
    assert "Shapes with no node to check in this data (1)" in page


def test_the_french_page_is_the_default(store, renderer):
    links = ServerLinks(data_base=BASE, current=f"validation/{PLAN_ID}")
    page = render_validation_page(store, renderer, links, PLAN_ID)
    assert page is not None
    assert '<html lang="fr">' in page
    assert "Validation SHACL : Plan d&#39;essai" in page
    assert "Non conforme" in page
    assert "Un plan devrait avoir une date de publication." in page
    assert "lignes 1 à 3" in page


@pytest.mark.parametrize("report_id", ["inconnu", "index", "../manifest", ""])
def test_an_unknown_report_has_no_page(store, renderer, report_id):
    assert render_validation_page(store, renderer, english(), report_id) is None


def test_the_index_lists_the_reports_with_their_status(store, renderer):
    assert validation_report_ids(store) == [PLAN_ID]
    page = render_validation_index(store, renderer, english("validation"))
    assert f'<a href="/validation/{PLAN_ID}?lang=en">Test plan</a>' in page
    assert "Does not conform" in page
    assert "pyshacl" in page


def test_a_build_without_reports_has_an_empty_index(lod_store, renderer):
    links = ServerLinks(data_base=lod_store.info().base_iri, lang="en", current="validation")
    page = render_validation_index(lod_store, renderer, links)
    assert "This publication holds no validation report" in page
    assert validation_report_ids(lod_store) == []


def test_static_export_links_are_relative(store, renderer):
    links = StaticLinks(data_base=BASE, current=f"en/validation/{PLAN_ID}.html", lang="en")
    page = render_validation_page(store, renderer, links, PLAN_ID)
    assert page is not None
    assert 'href="../plan/essai.html">Test plan</a>' in page
    assert f'href="../../download/validation/{PLAN_ID}.json"' in page
    assert str(PLAN) not in re.findall(r'href="([^"]+)"', page)
    assert str(ACTION) in page  # shown as text, under the label
