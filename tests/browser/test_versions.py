"""The pages of plans over time in a browser, on the plan published in three versions
(the `versioned_site_url` fixture): their facts and « Cité par » groups are named in
words, not by RDF property names (issue 19 item 5), and a phone reads them without
sideways scrolling. Their accessibility is checked with the other page types
(test_accessibility.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from lodplan.pages.i18n import bundled_messages

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium_path` fixture skips, or fails in CI, saying how to install it
    expect = None

if TYPE_CHECKING:
    from tests.browser.visit import Visit

pytestmark = pytest.mark.e2e

PLAN = "plan/exempleville-climat"
ARCEAUX = PLAN + "/element/mobilite-douce/installer-des-arceaux-velos"  # changed in t2, t3
PAGES = {"plan": PLAN, "version": PLAN + "/version/2025-t3", "action": ARCEAUX}
PREFIXED_NAME = re.compile(r"\b[a-z][a-z0-9]*:[A-Za-z]")  # dcat:hasVersion, as:object…

fr = bundled_messages().translator("fr")


@pytest.mark.viewport(390, 844)
@pytest.mark.parametrize("kind", PAGES)
def test_facts_and_cited_by_in_words_on_a_phone(
    visit: Visit, versioned_site_url: str, kind: str
) -> None:
    page = visit.page
    visit.base = versioned_site_url
    visit.open("/" + PAGES[kind], kind)
    names = page.locator("section[aria-labelledby=facts-title] th[scope=row]").all_inner_texts()
    names += page.locator("section[aria-labelledby=incoming-title] h3").all_inner_texts()
    assert names, "no facts and no « Cité par » on the page"
    assert [name for name in names if PREFIXED_NAME.search(name) or "://" in name] == []
    width = page.evaluate(
        "[document.scrollingElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], width


def test_an_action_leads_to_the_versions_that_changed_it(
    visit: Visit, versioned_site_url: str
) -> None:
    page = visit.page
    visit.base = versioned_site_url
    visit.open("/" + ARCEAUX, "action")
    changed = page.locator("section[aria-labelledby=incoming-title]").locator(
        "h3", has_text=fr("incoming.version_changes")
    )
    expect(changed).to_be_visible()
    versions = page.locator("section[aria-labelledby=incoming-title] li a")
    expect(versions).to_have_text(["Bilan du 2e trimestre 2025", "Bilan du 3e trimestre 2025"])
    versions.last.click()
    expect(page).to_have_url(re.compile(re.escape(PLAN + "/version/2025-t3") + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilan du 3e trimestre 2025")
    visit.shot("version")
