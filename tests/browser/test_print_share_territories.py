"""Printing and sharing a plan, territory and organisation pages, and checking a text
against its source, in a real browser over the five bundled plans (issue 19, items 3,
4 and 6). Selectors are roles, texts of the message catalogue and documented ids."""

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

CODEV = "plan/metz-codev-actions"  # 73 actions, most in collapsed branches
CODEV_ACTIONS = 73
PROJECT = "plan/metz-projet-metropolitain"  # its elements cite several lines each
METZ = "territory/commune/57463"
METZ_METROPOLE = "territory/epci/200039865"
METZ_METROPOLE_ACTOR = "actor/metz-metropole"

fr = bundled_messages().translator("fr")


def test_printing_a_plan_prints_every_action(visit: Visit) -> None:
    page = visit.page
    visit.open("/" + CODEV, "plan-on-screen")
    leaves = page.locator(".tree a")  # every element of the tree: its 73 actions and the rest
    assert leaves.count() > CODEV_ACTIONS
    hidden_on_screen = [leaf.is_visible() for leaf in leaves.all()].count(False)
    assert hidden_on_screen > CODEV_ACTIONS // 2  # most branches are collapsed on screen

    page.emulate_media(media="print")
    visit.shot("plan-printed")
    missing = [leaf.inner_text() for leaf in leaves.all() if not leaf.is_visible()]
    assert missing == [], "elements missing from print"
    expect(page.get_by_role("navigation", name=fr("nav.label"))).to_be_hidden()
    expect(page.get_by_role("button", name=fr("resource.expand_all"))).to_be_hidden()
    footer = page.locator(".site-footer .print-only")
    expect(footer).to_be_visible()
    expect(footer).to_contain_text(visit.base + CODEV)
    expect(footer).to_contain_text(re.compile(r"données du \d{1,2} \S+ \d{4}"))

    page.emulate_media(media="screen")  # back on screen: the branches closed again
    expect(footer).to_be_hidden()
    assert [leaf.is_visible() for leaf in leaves.all()].count(False) == hidden_on_screen


def test_a_shared_plan_link_shows_the_plan(visit: Visit) -> None:
    page = visit.page
    visit.open("/" + CODEV, "plan")
    title = page.get_by_role("heading", level=1).inner_text()
    url = visit.base + CODEV
    head = page.locator("head")
    expect(head.locator('link[rel="canonical"]')).to_have_attribute("href", url)
    for name, value in (
        ("og:title", title),
        ("og:url", url),
        ("og:site_name", fr("site.name")),
        ("og:locale", "fr_FR"),
        ("og:type", "article"),
    ):
        expect(head.locator(f'meta[property="{name}"]')).to_have_attribute("content", value)
    description = head.locator('meta[property="og:description"]').get_attribute("content")
    assert description and description.startswith("Tableau de Metz Métropole")
    expect(head.locator('meta[name="twitter:card"]')).to_have_attribute("content", "summary")
    expect(head.locator('meta[name="twitter:title"]')).to_have_attribute("content", title)
    assert title in page.title()

    # no Web Share dialog in a desktop Chromium: the link is copied
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    share = page.get_by_role("link", name=fr("share.button"))
    expect(share).to_have_attribute("href", url)  # a plain link without script
    share.click()
    expect(page.get_by_role("status")).to_have_text(fr("share.copied"))
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert page.url == url


def test_an_elements_title_names_its_plan(visit: Visit) -> None:
    page = visit.page
    visit.open("/" + CODEV, "plan")
    plan_title = page.get_by_role("heading", level=1).inner_text()
    action = page.locator(".tree li:not(:has(details)) > a").first.get_attribute("href") or ""
    visit.open(action, "action")
    expect(page).to_have_title(re.compile(re.escape(f" — {plan_title} · ")))


def test_a_commune_leads_to_its_intercommunality_and_the_plans_covering_it(visit: Visit) -> None:
    page = visit.page
    visit.open("/" + METZ, "commune")
    epci = page.locator("section", has=page.locator("#intercommunalities-title"))
    covering = page.locator("section", has=page.locator("#covering-plans-title"))
    for plan in ("plan/metz-codev-actions", PROJECT):  # both through Metz Métropole
        item = covering.locator("li", has=page.locator(f'a[href$="/{plan}"]'))
        expect(item).to_contain_text(f"{fr('territory.through')} Metz Métropole")
    incoming = page.locator("section", has=page.locator("#incoming-title"))
    expect(incoming.get_by_role("heading", name=re.compile(fr("incoming.actions")))).to_be_visible()
    expect(incoming).not_to_contain_text("au titre de « territoire »")

    epci.get_by_role("link", name="Metz Métropole").click()
    expect(page).to_have_url(re.compile(re.escape(METZ_METROPOLE) + "$"))
    visit.shot("intercommunality")
    expect(page.locator(".key-figures .population")).to_have_text(
        re.compile(r"^232\u202f612 habitants \(\d{4}\)$")
    )
    communes = page.locator("table.communes tbody tr")
    expect(communes).to_have_count(46)
    expect(communes.filter(has_text="Metz").filter(has_text="57463")).to_have_count(1)
    published = page.locator("section", has=page.locator("#published-plans-title"))
    expect(published.get_by_role("link")).to_contain_text(["Actions à conduire"])


def test_an_organisation_page_rolls_up_its_services(visit: Visit) -> None:
    page = visit.page
    visit.open("/" + METZ_METROPOLE_ACTOR, "organisation")
    table = page.locator("section", has=page.locator("#involvements-title")).locator("table")
    expect(table.get_by_role("columnheader", name=fr("actor.service"))).to_be_visible()
    through_services = table.locator("tbody tr td:last-child a")
    assert through_services.count() > 10
    expect(through_services.filter(has_text="Mobilité").first).to_be_visible()
    incoming = page.locator("section", has=page.locator("#incoming-title"))
    expect(
        incoming.get_by_role("heading", name=re.compile(fr("incoming.services")))
    ).to_be_visible()


def test_read_in_the_document_highlights_the_cited_lines_below_some_context(visit: Visit) -> None:
    page = visit.page
    visit.open("/" + PROJECT, "plan")
    link = page.locator("section.provenance").get_by_role("link", name=fr("resource.open_source"))
    href = link.get_attribute("href") or ""
    match = re.search(r"#L(\d+)-L(\d+)$", href)
    assert match, href
    start, end = int(match.group(1)), int(match.group(2))
    link.click()
    expect(page).to_have_url(re.compile(re.escape(f"#L{start}-L{end}") + "$"))
    visit.shot("source-at-range")
    highlighted = page.locator(".source-lines li.quoted")
    expect(highlighted).to_have_count(end - start + 1)
    expect(highlighted.first).to_have_attribute("id", f"L{start}")
    expect(page.locator(f"#L{start}")).to_be_in_viewport()
    assert start > 1
    expect(page.locator(f"#L{start - 1}")).to_be_in_viewport()  # context above, on screen too
    colour = page.locator(f"#L{start}").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour != page.locator(f"#L{end + 1}").evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
