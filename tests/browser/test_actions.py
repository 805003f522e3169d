"""The table of actions in a browser (issue 19 item 2): filters chosen in the form land
in the URL, the CSV link gives exactly the rows shown in their order, headers sort, and
the table reads on a phone."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium_path` fixture skips, or fails in CI, saying how to install it
    expect = None

if TYPE_CHECKING:
    from tests.browser.visit import Visit

pytestmark = pytest.mark.e2e

PLAN = "plan/pnfc-feuille-de-route"  # pilots for half its actions, statuses
PILOTE = "https://w3id.org/lodplan/code/role/pilote"


def rows(visit: Visit) -> list[str]:
    found = visit.page.locator("table.actions-table tbody tr")
    return [found.nth(n).get_attribute("data-iri") or "" for n in range(found.count())]


def csv_rows(visit: Visit) -> list[dict[str, str]]:
    href = visit.page.locator("[data-action-csv]").get_attribute("href")
    assert href is not None
    response = visit.page.request.get(visit.base + href.lstrip("/"))
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text())))


def test_filters_in_the_url_and_the_csv_of_exactly_the_rows_shown(visit: Visit) -> None:
    page = visit.page
    visit.open("/actions", "every-action")
    every = rows(visit)
    assert len(every) == 50  # the first page
    page.select_option("#filter-plan", visit.base + PLAN)
    page.select_option("#filter-role", PILOTE)
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/actions?*role=*")
    assert "plan=" in page.url
    visit.shot("filtered")
    shown = rows(visit)
    assert 0 < len(shown) < 50 and all(iri.startswith(visit.base + PLAN) for iri in shown)
    expect(page.locator("[data-action-count]")).to_have_text(f"{len(shown)} actions")
    assert [line["action"] for line in csv_rows(visit)] == shown

    page.locator("[data-sort=status]").click()  # sort by status, then the other way
    page.wait_for_url("**sort=status*")
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Statut")
    ascending = rows(visit)
    page.locator("[data-sort=status]").click()
    page.wait_for_url("**desc=1*")
    visit.shot("sorted-by-status-descending")
    descending = rows(visit)
    assert sorted(ascending) == sorted(descending) == sorted(shown)
    assert [line["action"] for line in csv_rows(visit)] == descending
    statuses = [line["status"] for line in csv_rows(visit) if line["status"]]
    assert statuses == sorted(statuses, reverse=True)


def test_without_a_pilot_and_the_plans_own_table(visit: Visit) -> None:
    page = visit.page
    visit.open(f"/{PLAN}", "plan")
    page.get_by_role("link", name="Tableau des actions de ce plan").click()
    page.wait_for_url(f"**/{PLAN}/actions")
    every = len(csv_rows(visit))
    page.check("#filter-without-pilot")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**without_pilot=1*")
    visit.shot("without-pilot")
    lines = csv_rows(visit)
    assert 0 < len(lines) < every and all(line["pilots"] == "" for line in lines)
    assert [line["action"] for line in lines] == rows(visit)[: len(lines)]


@pytest.mark.viewport(390, 800)
def test_the_table_reads_on_a_phone(visit: Visit) -> None:
    visit.open(f"/{PLAN}/actions", "phone")
    width = visit.page.evaluate(
        "[document.scrollingElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], width  # no sideways scrolling
