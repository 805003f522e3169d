"""The table of actions (lodplan.pages.actions, /actions and /plan/<id>/actions): its
filters, orders, pages and CSV, on the fiche fixtures (statuses, pilots, themes, dates,
a project without a pilote) built once (tests/support/fiche_site.py)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from lodplan.pages.actions import (
    PILOT_ROLE,
    ActionFilterError,
    ActionFilters,
    ActionTable,
    actions_csv,
    collect_actions,
    date_key,
    table_file,
)
from lodplan.pages.links import ServerLinks
from lodplan.pages.render import PageRenderer
from lodplan.pages.site import SitePages
from lodplan.publishing.representations import ResourceService
from lodplan.store.embedded import EmbeddedStore
from lodplan.web.app import create_app_for_store
from tests.support.fiche_site import BASE, build_fiche_store

PCAET = BASE + "plan/exempleville-pcaet"
SUIVI = BASE + "plan/exempleville-suivi"
STATUS = "https://w3id.org/lodplan/code/status/"
SERVICES = BASE + "actor/exempleville-services-techniques"


@pytest.fixture(scope="module")
def store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fiche_store(tmp_path_factory.mktemp("fiche-actions"))


@pytest.fixture(scope="module")
def table(store_root: Path, tmp_path_factory: pytest.TempPathFactory) -> ActionTable:
    store = EmbeddedStore(store_root)
    path = table_file(tmp_path_factory.mktemp("tables"), store.info(), "fr")
    return ActionTable.open_or_build(path, lambda: collect_actions(store, "fr"))


def labels(table: ActionTable, **args: str) -> list[str]:
    page = table.page(ActionFilters.from_args(args), 1, size=1000)
    assert page is not None
    return [row.label for row in page.items]


def test_every_action_of_every_plan_with_status_pilots_themes_and_dates(table):
    rows = {row.label: row for row in table.rows(ActionFilters())}
    assert len(rows) == 10
    school = rows["Rénover l'école Jules-Ferry"]
    assert school.plan.iri == PCAET and school.status and school.status.label == "En cours"
    assert [p.iri for p in school.pilots] == [SERVICES]
    assert (school.start, school.end) == ("2024-09-01", "2026-08")
    assert "Énergie propre et d'un coût abordable" in [t.label for t in school.themes]
    assert {(i.actor.label, i.role.label if i.role else None) for i in school.others} >= {
        ("ADEME", "Financeur"), ("ADEME", "Partenaire")}  # fmt: skip


def test_filters_status_pilot_without_pilot_theme_actor_and_role(table):
    assert len(labels(table, status=STATUS + "en-cours")) == 3
    assert labels(table, pilot=SERVICES) == [
        "Rénover l'école Jules-Ferry", "Créer une chaufferie bois"]  # fmt: skip
    assert labels(table, without_pilot="1") == ["Rénover la mairie"]
    sdg7 = "https://w3id.org/lodplan/code/sdg/7"
    assert "Créer une chaufferie bois" in labels(table, theme=sdg7)
    ademe = BASE + "actor/ademe"
    financed = labels(table, actor=ademe, role="https://w3id.org/lodplan/code/role/financeur")
    assert financed and set(financed) <= set(labels(table, actor=ademe))
    assert len(labels(table, role=PILOT_ROLE)) == 9
    assert labels(table, plan=SUIVI, status=STATUS + "en-cours") == ["Étendre le réseau cyclable"]


def test_the_due_date_range_counts_a_month_or_a_year_from_its_first_day(table):
    assert date_key("2026") == "2026-01-01" and date_key("2026-08") == "2026-08-01"
    assert labels(table, end_from="2026-01-01", end_to="2026-12-31") == [
        "Rénover l'école Jules-Ferry"]  # fmt: skip
    assert labels(table, end_from="2027-01-01") == ["Créer une chaufferie bois"]
    assert labels(table, end_to="2025-01-01") == ["Aménager une voie verte vers le collège"]
    with pytest.raises(ActionFilterError, match="end_from must be a date written YYYY-MM-DD"):
        ActionFilters.from_args({"end_from": "2026-13-01"})


def test_orders_put_actions_without_the_key_last_either_way(table):
    by_end = labels(table, sort="end")
    assert by_end[:3] == ["Aménager une voie verte vers le collège",
                          "Rénover l'école Jules-Ferry", "Créer une chaufferie bois"]  # fmt: skip
    assert labels(table, sort="end", desc="1")[:3] == by_end[:3][::-1]
    assert labels(table, sort="end", desc="1")[3:] == by_end[3:]  # no due date: last
    assert labels(table, sort="nonsense") == labels(table)  # the document order
    by_label = labels(table, sort="label")
    assert by_label == sorted(by_label, key=lambda label: label.casefold().replace("é", "e"))
    assert labels(table, plan=PCAET)[0] == "Rénover l'école Jules-Ferry"  # a1, first in it


def test_pages_and_the_csv_hold_exactly_the_filtered_view_in_its_order(table):
    filters = ActionFilters.from_args({"role": PILOT_ROLE, "sort": "status", "desc": "1"})
    pages = [table.page(filters, n, size=4) for n in (1, 2, 3)]
    assert [len(p.items) for p in pages if p] == [4, 4, 1]
    assert table.page(filters, 4, size=4) is None
    shown = [row.iri for page in pages if page for row in page.items]
    document = list(csv.DictReader(io.StringIO("".join(actions_csv(table.rows(filters))))))
    assert [line["action"] for line in document] == shown
    assert document[0]["status"] and set(document[0]) >= {"pilots", "themes", "planned_end"}


def test_filters_read_from_and_written_to_the_query_string():
    args = {"status": "s", "without_pilot": "1", "sort": "end", "desc": "1", "end_to": "2026-1-2"}
    with pytest.raises(ActionFilterError):
        ActionFilters.from_args(args)  # not YYYY-MM-DD
    filters = ActionFilters.from_args({**args, "end_to": "2026-01-02", "ignored": "x"})
    assert filters.query() == [("status", "s"), ("without_pilot", "1"), ("end_to", "2026-01-02"),
                               ("sort", "end"), ("desc", "1")]  # fmt: skip
    assert ActionFilters.from_args(dict(filters.query())) == filters
    assert filters.query(sort="order", descending=False, status=None) == [
        ("without_pilot", "1"), ("end_to", "2026-01-02")]  # fmt: skip


def test_the_page_keeps_the_filters_in_its_links_and_escapes_the_data(store_root):
    store = EmbeddedStore(store_root)
    site = SitePages(ResourceService(store, base_iri=BASE), PageRenderer())
    links = ServerLinks(data_base=BASE, lang="fr", current="actions?status=x&sort=end")
    html = site.actions(links, ActionFilters(status=STATUS + "en-cours", sort="end"))
    assert html is not None
    assert len(re.findall(r'<tr data-iri="', html)) == 3
    csv_link = re.search(r'<a href="([^"]+)" type="text/csv"', html)[1]
    status = quote(STATUS + "en-cours", safe="")
    assert csv_link == f"/actions?status={status}&amp;sort=end&amp;format=csv"
    assert 'aria-sort="ascending"' in html and 'data-sort="end">Échéance ▲' in html
    assert '<option value="https://w3id.org/lodplan/code/status/en-cours" selected>' in html
    assert "<script>" not in html.split("</header>", 1)[1].replace('<script src="', "")


def test_the_routes_answer_the_table_its_csv_and_refuse_bad_filters(store_root):
    app = create_app_for_store(store_root, BASE)
    client = app.test_client()
    page = client.get("/plan/exempleville-pcaet/actions?sort=end&desc=1")
    assert page.status_code == 200
    assert page.data.decode().count('<tr data-iri="') == 3
    download = client.get("/plan/exempleville-pcaet/actions?sort=end&desc=1&format=csv")
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="actions-exempleville-pcaet.csv"' in download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.data.decode())))
    assert [row["label"] for row in rows] == [
        "Créer une chaufferie bois",
        "Rénover l'école Jules-Ferry",
        "Aménager une voie verte vers le collège",
    ]
    assert client.get("/actions?end_from=soon").status_code == 400
    assert client.get("/plan/nothing/actions").status_code == 404
    assert client.get("/actions?page=9").status_code == 404
    english = client.get("/actions?lang=en&without_pilot=1").data.decode()
    assert "Table of actions" in english
    assert 'href="/actions?without_pilot=1&amp;sort=label&amp;lang=en"' in english


def test_a_plan_without_versions_is_followed_up_on_the_day_asked(table):
    """« En retard » and « sans mise à jour » judge a plan without versions on the day of
    the request (the versioned plan's case: tests/test_versions.py)."""
    from datetime import date

    def on(day: date, **args: str) -> set[str]:
        page = table.page(ActionFilters.from_args(args), 1, size=1000, today=day)
        assert page is not None
        return {row.label for row in page.items}

    every = {row.label: row for row in table.rows(ActionFilters())}
    ends = {label: row.end for label, row in every.items() if row.end}
    assert on(date(1900, 1, 1), late="1") == set()
    late = on(date(2100, 1, 1), late="1")
    closed = {STATUS + "realisee", STATUS + "abandonnee"}
    assert late == {
        label for label in ends if not (every[label].status and every[label].status.iri in closed)
    }
    assert late  # the fixture has actions not done with a planned end
    with pytest.raises(ActionFilterError, match="months"):
        ActionFilters.from_args({"months": "121"})
