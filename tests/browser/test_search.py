"""The search in a browser (issue 19 item 1): the relevance cases on the served bundled
plans, in the server's order; the filters and the suggestion as links; the marked words."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from lodplan.pages.search import Filters, SearchIndex, collect_entries, search
from lodplan.store.embedded import EmbeddedStore

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium_path` fixture skips, or fails in CI, saying how to install it
    expect = None

if TYPE_CHECKING:
    from tests.browser.visit import Visit
    from tests.conftest import BundledBuild

pytestmark = pytest.mark.e2e

#: The cases of issue 19: query → a label the first results must hold (None: a suggestion).
CASES = {
    "vélo": "Mise en œuvre d'un plan vélo volontariste et ambitieux",
    "vélos": "Mise en œuvre d'un plan vélo volontariste et ambitieux",
    "mobilités": "Mobilités internes douces",
    "Eurométropole de Metz": "Metz Métropole",
    "piste cyclable": None,
}


@pytest.fixture(scope="module")
def index(bundled_build: BundledBuild, tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """The index of the served build, made as the server makes it."""
    store = EmbeddedStore(bundled_build.store)
    path = tmp_path_factory.mktemp("search") / "fr.sqlite"
    return SearchIndex.open_or_build(path, lambda: collect_entries(store, "fr"))


def shown(visit: Visit) -> list[str]:
    """The IRIs of the results the page shows, in its order."""
    hits = visit.page.locator("ol.hits > li")
    return [hits.nth(n).get_attribute("data-iri") or "" for n in range(hits.count())]


@pytest.mark.parametrize("query", list(CASES))
def test_relevance_cases_in_the_servers_order(visit: Visit, index: SearchIndex, query: str) -> None:
    visit.open("/search", f"search-{query}")
    field = visit.page.get_by_role("main").get_by_role("searchbox")
    field.fill(query)
    field.press("Enter")
    visit.page.wait_for_url(f"**/search?q={quote(query).replace('%20', '+')}*")
    visit.shot(f"results-{query}")
    expected = search(index, query)
    if CASES[query] is None:
        suggestion = visit.page.locator("[data-suggestion]")
        expect(suggestion).to_have_text(expected.suggestion or "")
        suggestion.click()
        expect(visit.page.locator("ol.hits > li").first).to_be_visible()
        visit.shot("suggestion")
        return
    assert shown(visit) == [entry.iri for _, entry in expected.ranked[:20]]
    top = visit.page.locator("ol.hits > li").first
    expect(top.locator("mark").first).to_be_visible()  # the matched word, highlighted
    labels = [entry.label for _, entry in expected.ranked[:3]]
    assert CASES[query] in labels, labels


def test_filters_are_links_in_the_url_and_can_be_removed(visit: Visit, index: SearchIndex) -> None:
    visit.open("/search?q=mobilit%C3%A9", "mobilite")
    every = shown(visit)
    visit.page.locator("[data-facet=kind]", has_text="Actions").click()
    visit.page.wait_for_url("**kind=action*")
    visit.shot("actions-only")
    actions = search(index, "mobilité", Filters(kind="action"))
    assert shown(visit) == [entry.iri for _, entry in actions.ranked[:20]]
    assert set(shown(visit)) != set(every)
    plan = visit.page.locator("[data-facet=plan]").first
    plan.click()
    visit.page.wait_for_url("**plan=*")
    assert "kind=action" in visit.page.url
    visit.shot("actions-of-a-plan")
    visit.page.locator(".filters-active a").first.click()  # removes the kind
    visit.page.wait_for_url(lambda url: "kind=" not in url and "plan=" in url)
    visit.shot("filter-removed")


def test_the_page_of_results_is_paged(visit: Visit, index: SearchIndex) -> None:
    expected = search(index, "plan")
    assert expected.total > 20
    visit.open("/search?q=plan&page=2", "second-page")
    assert shown(visit) == [entry.iri for _, entry in expected.ranked[20:40]]
    expect(visit.page.locator("nav.pager")).to_be_visible()
