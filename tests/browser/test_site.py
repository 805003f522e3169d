"""What a visitor does on the human site, in a real browser, over the five bundled plans.

Selectors are roles, visible texts (from the site's message catalogue, so wording
changes do not break the tests) and the ids the templates document.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from lodplan.bundled import example_queries_dir
from lodplan.pages.i18n import bundled_messages
from lodplan.pages.sparql_editor import read_example

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium_path` fixture skips, or fails in CI, saying how to install it
    expect = None

if TYPE_CHECKING:
    from playwright.sync_api import Locator

    from tests.browser.visit import Visit

pytestmark = pytest.mark.e2e

PLAN = "plan/mot-programme-2023"
ACTION = PLAN + "/element/3.2.2/bons-a-tirer"  # a leaf three levels down the tree
EXAMPLE = "most-involved-actors"  # an example query that answers in well under a second
PHONE = (375, 740)

fr = bundled_messages().translator("fr")
en = bundled_messages().translator("en")


def test_from_the_home_page_to_an_action_and_its_source_and_back(visit: Visit) -> None:
    page = visit.page
    visit.open("/", "home")
    cards = page.get_by_role("main").get_by_role("heading", level=3).get_by_role("link")
    expect(cards).to_have_count(5)  # one card per bundled plan
    card = cards.and_(page.locator(f'[href$="/{PLAN}"]'))
    plan_title = card.inner_text()
    card.click()
    expect(page).to_have_url(re.compile(re.escape(PLAN) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(plan_title)
    visit.shot("plan")

    tree = page.locator(".tree")
    # no link inside a disclosure button: the element's link is beside its <summary>
    expect(tree.locator("summary a")).to_have_count(0)
    # the first closed element, pinned by its link (":not([open])" stops matching it once open)
    branch = tree.locator("li:has(> details:not([open]))").first
    href = branch.locator(":scope > .node-head a").get_attribute("href")
    details = tree.locator(f'li:has(> .node-head a[href="{href}"]) > details')
    nested = details.locator(":scope > ul > li").first.get_by_role("link")
    expect(nested.first).to_be_hidden()
    details.locator(":scope > summary").click()
    expect(nested.first).to_be_visible()
    expect(details).to_have_attribute("open", "")
    visit.shot("one-element-open")

    action = tree.locator(f'a[href$="/{ACTION}"]')
    expect(action).to_be_hidden()
    page.get_by_role("button", name=fr("resource.expand_all")).click()
    expect(tree.locator("details:not([open])")).to_have_count(0)
    expect(action).to_be_visible()
    visit.shot("tree-expanded")

    action_label = action.inner_text()
    action.click()
    expect(page).to_have_url(re.compile(re.escape(ACTION) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(action_label)
    _check_source_section(page.locator("section.provenance"))
    visit.shot("action")

    breadcrumb = page.get_by_role("navigation", name=fr("resource.breadcrumb"))
    breadcrumb.get_by_role("link", name=plan_title, exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(PLAN) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(plan_title)
    visit.shot("back-to-plan")


def _check_source_section(source: Locator) -> None:
    """The verbatim quote, and the source's lines with the quoted one highlighted."""
    expect(source.get_by_role("heading", name=fr("resource.provenance"))).to_be_visible()
    quote = source.locator("blockquote.quote")
    expect(quote).to_be_visible()
    quoted = source.locator(".source-lines li.quoted")
    expect(quoted.first).to_be_visible()
    numbers = [int(n) for n in quoted.locator(".n").all_inner_texts()]
    texts = [line.locator("span").last.inner_text() for line in quoted.all()]
    assert _words(quote.inner_text()) in _words(" ".join(texts))
    # the link to the whole document opens at the quoted lines ("#L12", "#L12-L15")
    document_link = source.get_by_role("link", name=fr("resource.open_source"))
    cited = f"L{numbers[0]}" + (f"-L{numbers[-1]}" if numbers[-1] > numbers[0] else "")
    expect(document_link).to_have_attribute("href", re.compile(f"#{cited}$"))


def _words(text: str) -> str:
    return " ".join(text.split())


def test_search_ignores_accents_and_case(visit: Visit) -> None:
    found = {}
    for word in ("ecologie", "écologie", "Écologie"):
        visit.open("/search", f"search-{word}")
        field = visit.page.get_by_role("main").get_by_role("searchbox", name=fr("search.field"))
        field.fill(word)
        field.press("Enter")
        visit.page.wait_for_url(re.compile(r"/search\?"))
        results = visit.page.get_by_role("main").locator("ol.hits")
        expect(results.first).to_be_visible()  # results come ranked
        found[word] = [
            (link.get_attribute("href"), link.inner_text())
            for link in results.get_by_role("link").all()
        ]
        visit.shot(f"results-{word}")
    assert found["ecologie"], "no result for 'ecologie'"
    assert any("écologie" in text.lower() for _, text in found["ecologie"])
    assert found["écologie"] == found["ecologie"]
    assert found["Écologie"] == found["ecologie"]


def test_an_example_query_runs_in_the_editor(visit: Visit) -> None:
    page = visit.page
    example = read_example(example_queries_dir() / f"{EXAMPLE}.rq")
    header, first_row = example.answer()[:2]
    visit.open("/sparql", "sparql")
    page.locator(f"#example-{EXAMPLE}").get_by_role("link", name=fr("sparql.examples.open")).click()

    editor = page.locator("#sparql-editor")
    expect(editor.get_by_role("tab", name=example.title("fr"))).to_have_attribute(
        "aria-selected", "true"
    )
    panel = editor.get_by_role("tabpanel")  # the selected tab's panel: the others are hidden
    text = panel.locator(".CodeMirror").evaluate("element => element.CodeMirror.getValue()")
    assert text.strip() == example.query.strip()
    visit.shot("example-loaded")

    panel.get_by_role("button", name=fr("yasgui.run")).click()  # YASGUI in French
    table = panel.locator(".yasr").get_by_role("table")
    expect(table.locator("tbody tr").first).to_be_visible()
    columns = [name.strip() for name in table.get_by_role("columnheader").all_inner_texts()]
    cells = table.locator("tbody tr").first.get_by_role("cell").all_inner_texts()
    shown = dict(zip(columns, (cell.strip() for cell in cells), strict=True))
    assert {name: shown.get(name) for name in header} == dict(zip(header, first_row, strict=True))
    visit.shot("results")


MARKUP = "<img src=x onerror=window.__xss=1>"
MARKUP_QUERY = f"""SELECT ?markup ?search ?tagged ?iri WHERE {{
  BIND("{MARKUP}" AS ?markup)
  BIND("<img src=y onerror=window.__xss=2> & co" AS ?search)
  BIND("<b>gras</b>"@fr AS ?tagged)
  BIND(IRI("http://example.org/a'onmouseover='window.__xss=3") AS ?iri)
}}"""


def test_the_results_table_shows_markup_in_the_data_as_text(visit: Visit) -> None:
    page = visit.page
    # a handler the Content-Security-Policy blocked would only show up as a violation
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " event => window.__violations.push(event.violatedDirective), true);"
    )
    visit.open("/sparql", "sparql")
    page.get_by_role("button", name=fr("sparql.editor.open")).click()  # loads YASGUI
    panel = page.locator("#sparql-editor").get_by_role("tabpanel")
    editor = panel.locator(".CodeMirror")
    editor.evaluate("(element, query) => element.CodeMirror.setValue(query)", MARKUP_QUERY)
    panel.get_by_role("button", name=fr("yasgui.run")).click()
    table = panel.locator(".yasr").get_by_role("table")
    row = table.locator("tbody tr").first
    expect(row).to_be_visible()

    def shown() -> list[str]:
        return row.get_by_role("cell").evaluate_all("cells => cells.map(c => c.textContent)")

    iri = "http://example.org/a'onmouseover='window.__xss=3"
    assert shown() == [MARKUP, "<img src=y onerror=window.__xss=2> & co", "<b>gras</b>", iri]
    link = row.get_by_role("link")
    handlers = "a => a.getAttributeNames().filter(name => name.startsWith('on'))"
    assert (link.get_attribute("href"), link.evaluate(handlers)) == (iri, [])
    visit.shot("markup-as-text")
    # the search box, whose keys DataTables decodes through HTML when they hold "&"
    panel.get_by_placeholder(fr("yasgui.filter")).press_sequentially("y onerror")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(row.get_by_role("cell").first).to_have_text(MARKUP)
    # the full view: datatypes and language tags, as text too
    panel.get_by_text(fr("yasgui.simple_view")).click()
    expect(table.locator("tbody tr").first.get_by_role("cell").nth(3)).to_have_text(
        '"<b>gras</b>"@fr'
    )
    visit.shot("full-view")
    expect(table.locator("img, b")).to_have_count(0)
    assert page.evaluate("[window.__xss, window.__violations]") == [None, []]


def test_switching_to_english(visit: Visit) -> None:
    page = visit.page
    visit.open("/", "home-fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("home.title"))
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(en("home.title"))
    expect(page.get_by_role("heading", level=2, name=en("home.plans"))).to_be_visible()
    visit.shot("home-en")

    # the language follows the links: a plan opened from the English home is in English
    page.get_by_role("main").get_by_role("heading", level=3).get_by_role("link").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=2, name=en("resource.tree"))).to_be_visible()
    visit.shot("plan-en")


def test_the_skip_link_comes_first_and_moves_focus_to_the_content(visit: Visit) -> None:
    page = visit.page
    visit.open("/", "home")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=fr("nav.skip"))
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, (
        "the focused skip link is off-screen"
    )
    visit.shot("skip-link-focused")
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


@pytest.mark.viewport(*PHONE)
@pytest.mark.parametrize("path", ["/", ACTION], ids=["home", "action"])
def test_pages_fit_a_phone_without_horizontal_scrolling(visit: Visit, path: str) -> None:
    visit.open(path, "phone")
    width = visit.page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE[0], f"{path} is {width}px wide on a {PHONE[0]}px screen"


@pytest.mark.parametrize(
    "path",
    ["charts", "ontology", "validation/mot-programme-2023", "search?q=metz", "sparql"],
)
def test_every_page_of_the_site_opens_without_errors(visit: Visit, path: str) -> None:
    visit.open(path, "page")
    expect(visit.page.get_by_role("heading", level=1)).to_be_visible()
