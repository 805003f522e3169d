"""axe-core's WCAG 2.2 A and AA rules on every page type of the site, in the light and
dark colour schemes, on a computer and on a phone: no critical and no serious violation.

axe-core is pinned by tests/support/axe/ and installed into ``.axe/`` by
``tests/support/npm_env.py`` (``.ci/run`` does it first; the tests do it when it is
missing). Its script is evaluated in each page by Playwright (not added as a <script>:
the site's Content-Security-Policy refuses inline scripts). Each checked page is
screenshot into test-artifacts/screenshots/. What these tests check is what the
accessibility statement (/accessibility, site/accessibility.yaml) reports.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from lodplan.pages.accessibility import bundled_statement
from lodplan.pages.i18n import bundled_messages
from tests.browser.visit import missing
from tests.support.npm_env import AXE

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium_path` fixture skips, or fails in CI, saying how to install it
    expect = None

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.visit import Visit

pytestmark = pytest.mark.e2e

#: One page of each type, in the bundled plans.
PAGES = {
    "home": "/",
    "plan": "/plan/mot-programme-2023",
    "action": "/plan/mot-programme-2023/element/3.2.2/bons-a-tirer",
    "actor": "/actor/mot",
    "territory": "/territory/epci/200039865",  # Metz Métropole: its 46 communes
    "commune": "/territory/commune/57463",  # Metz: its EPCI, the plans covering it
    "concept": "/resource?iri=https://w3id.org/lodplan/code/element-kind/action",
    "source": "/source/mot-programme-2023",
    "search": "/search?q=metz",
    "actions": "/actions",
    "charts": "/charts",
    "sparql": "/sparql",
    "ontology": "/ontology",
    "catalog": "/catalog",
    "void": "/.well-known/void",
    "validation": "/validation/mot-programme-2023",
    "accessibility": "/accessibility",
    # plans over time (issue 17), on the plan published in three versions
    # (the `versioned_site_url` fixture): no bundled plan has versions
    "versioned_plan": "/plan/exempleville-climat",  # its versions, late and stale actions
    "version": "/plan/exempleville-climat/version/2025-t3",  # what changed since 2025-t2
    # an action's status stated in each version
    "status_history": "/plan/exempleville-climat/element/mobilite-douce/"
    "installer-des-arceaux-velos",
}
#: The page types served by the `versioned_site_url` fixture's server.
VERSIONED = {"versioned_plan", "version", "status_history"}
#: The WCAG 2.2 rules at levels A and AA, by axe-core's tags.
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("critical", "serious")
PHONE = (390, 844)
EDITOR_SCRIPT = "yasgui.min.js"
EXAMPLE = "most-involved-actors"  # answers in well under a second

fr = bundled_messages().translator("fr")

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + (n.failureSummary || ""))
  }));
}"""


@pytest.fixture(scope="session")
def axe_script() -> str:
    problem = AXE.install()
    if problem:
        missing(f"axe-core ({problem})")
    return AXE.path().read_text(encoding="utf-8")


def blocking_violations(page: Page, axe_script: str) -> list[str]:
    """axe-core's critical and serious violations of the page as it is now, in words."""
    page.evaluate(axe_script + "\n;0")  # defines window.axe
    violations = page.evaluate(RUN_AXE, RULES)
    return [
        f"{v['impact']} {v['id']} ({v['help']}):\n    " + "\n    ".join(v["nodes"])
        for v in violations
        if v["impact"] in BLOCKING
    ]


def open_the_editor_and_run_an_example(page: Page) -> None:
    """The SPARQL page's other state: YASGUI loaded, an example's results shown."""
    page.locator(f"#example-{EXAMPLE}").get_by_role("link", name=fr("sparql.examples.open")).click()
    panel = page.locator("#sparql-editor").get_by_role("tabpanel")
    panel.get_by_role("button", name=fr("yasgui.run")).click()
    expect(panel.locator(".yasr").get_by_role("table").locator("tbody tr").first).to_be_visible()


def check(
    visit: Visit, axe_script: str, kind: str, width: int, request: pytest.FixtureRequest
) -> None:
    page = visit.page
    if kind in VERSIONED:
        visit.base = request.getfixturevalue("versioned_site_url")
    visit.open(PAGES[kind], kind)
    problems = blocking_violations(page, axe_script)
    loaded = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not [name for name in loaded if EDITOR_SCRIPT in name], (
        f"{kind}: the SPARQL editor's script was loaded before it was used"
    )
    wide = page.evaluate("document.scrollingElement.scrollWidth")
    assert wide <= width, f"{kind} is {wide}px wide on a {width}px screen"
    if kind == "sparql":
        open_the_editor_and_run_an_example(page)
        visit.shot("editor-with-results")
        problems += [f"(editor open) {p}" for p in blocking_violations(page, axe_script)]
    assert not problems, f"{kind}: " + "\n".join(problems)


@pytest.mark.color_scheme("light")
@pytest.mark.parametrize("kind", PAGES)
def test_light_desktop(
    visit: Visit, axe_script: str, kind: str, request: pytest.FixtureRequest
) -> None:
    check(visit, axe_script, kind, request=request, width=1280)


@pytest.mark.color_scheme("dark")
@pytest.mark.parametrize("kind", PAGES)
def test_dark_desktop(
    visit: Visit, axe_script: str, kind: str, request: pytest.FixtureRequest
) -> None:
    check(visit, axe_script, kind, request=request, width=1280)


@pytest.mark.color_scheme("light")
@pytest.mark.viewport(*PHONE)
@pytest.mark.parametrize("kind", PAGES)
def test_light_phone(
    visit: Visit, axe_script: str, kind: str, request: pytest.FixtureRequest
) -> None:
    check(visit, axe_script, kind, request=request, width=PHONE[0])


@pytest.mark.color_scheme("dark")
@pytest.mark.viewport(*PHONE)
@pytest.mark.parametrize("kind", PAGES)
def test_dark_phone(
    visit: Visit, axe_script: str, kind: str, request: pytest.FixtureRequest
) -> None:
    check(visit, axe_script, kind, request=request, width=PHONE[0])


def test_the_editor_loads_when_used_compressed_and_in_french(visit: Visit) -> None:
    page = visit.page
    encodings: dict[str, str | None] = {}
    page.on(
        "response",
        lambda response: encodings.__setitem__(
            response.url, response.headers.get("content-encoding")
        ),
    )
    visit.open("/sparql", "sparql-before")
    assert not [url for url in encodings if EDITOR_SCRIPT in url]
    expect(page.locator(".CodeMirror")).to_have_count(0)
    page.get_by_role("button", name=fr("sparql.editor.open")).click()
    expect(page.get_by_role("button", name=fr("yasgui.run")).first).to_be_visible()
    visit.shot("editor-open")
    [script] = [url for url in encodings if EDITOR_SCRIPT in url]
    assert encodings[script] in ("br", "gzip")  # the browser asked: the server compressed
    expect(
        page.get_by_role("button", name=re.compile(re.escape(fr("yasgui.add_tab"))))
    ).to_be_visible()
    expect(page.get_by_role("textbox", name=fr("yasgui.label.query"))).to_have_count(1)


def test_the_statement_reports_what_these_tests_check() -> None:
    statement = bundled_statement()
    assert list(statement.page_types) == list(PAGES)
    assert list(statement.rules) == RULES
    assert statement.color_schemes == ("light", "dark")
    assert statement.viewports == ("1280 × 800", f"{PHONE[0]} × {PHONE[1]}")
    assert statement.results.critical == statement.results.serious == 0  # as required above
