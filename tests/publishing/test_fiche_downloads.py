"""What re-users get of a fiche action (issue 16): the per-plan CSV's columns (valid
CSVW), the whole-plan JSON-LD's nodes, and the example queries of docs/queries/ that
read budgets, pilotes and indicators — on a store built once from the fiche fixtures
(tests/support/fiche_site.py), since the bundled plans have none of these fields.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from decimal import Decimal
from pathlib import Path

import csvw
import openpyxl
import pytest

from lodplan.store.embedded import EmbeddedStore
from tests.support.fiche_site import BASE, build_fiche_store

QUERIES = Path(__file__).parents[2] / "docs" / "queries"
PCAET = BASE + "plan/exempleville-pcaet"


@pytest.fixture(scope="module")
def store_root(tmp_path_factory) -> Path:
    return build_fiche_store(tmp_path_factory.mktemp("fiche-downloads"))


def plans_dir(store_root: Path) -> Path:
    return store_root / "current" / "downloads" / "plans"


def csv_rows(store_root: Path, plan: str) -> list[dict[str, str]]:
    text = (plans_dir(store_root) / f"{plan}.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_the_columns_of_a_fiche_action_after_the_existing_ones(store_root):
    rows = csv_rows(store_root, "exempleville-pcaet")
    header = list(rows[0])
    # the 21 columns of before (with the editor's note) keep their place
    assert header[:21][-1] == "source_lines" and "editorial_note" in header[:21]
    assert header[21:] == [
        "status_date", "phase", "completion_percent", "planned_start", "planned_end",
        "actual_start", "actual_end", "budget_previsionnel", "financements", "themes",
        "identifiers",
    ]  # fmt: skip
    school = next(row for row in rows if row["label"] == "Rénover l'école Jules-Ferry")
    assert school["status"] == "En cours" and school["status_date"] == "2025-03-15"
    assert school["completion_percent"] == "35"
    assert (school["planned_start"], school["planned_end"]) == ("2024-09-01", "2026-08")
    assert school["budget_previsionnel"] == "1200000"
    assert school["financements"] == (
        "Financement obtenu (ADEME, Fonds vert) : 250000 EUR"
        " | Financement obtenu (Région Exemple) : 300000 EUR"
    )
    assert school["financeur"] == "ADEME | Région Exemple"  # the existing column, by role
    assert school["pilote"] == "Services techniques"
    assert school["themes"] == (
        "13 Mesures relatives à la lutte contre les changements climatiques"
        " | 7 Énergie propre et d'un coût abordable"
        " | Urbanisme, logement, aménagement, bâtiments"
    )
    assert school["identifiers"] == "Territoires en Transitions : 4512"
    boiler = next(row for row in rows if row["label"] == "Créer une chaufferie bois")
    assert (boiler["planned_start"], boiler["planned_end"]) == ("2026", "2027")  # years
    assert boiler["completion_percent"] == "0"
    followed = {row["label"]: row for row in csv_rows(store_root, "exempleville-suivi")}
    assert followed["Étendre le réseau cyclable"]["phase"] == "Opération"
    assert followed["Étendre le réseau cyclable"]["actual_start"] == "2025-03"
    assert followed["Rénover la mairie"]["pilote"] == ""


def test_a_csvw_validator_accepts_the_new_columns_and_types_them(store_root, tmp_path):
    metadata = plans_dir(store_root) / "exempleville-pcaet.csv-metadata.json"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        validated = csvw.CSVW(str(metadata), validate=True)
    assert validated.is_valid, [str(w.message) for w in validated.warnings]
    assert not caught, [str(w.message) for w in caught]
    [table] = validated.tables
    rows = {row["label"]: row for row in table.iterdicts(strict=True)}
    school = rows["Rénover l'école Jules-Ferry"]
    assert school["budget_previsionnel"] == Decimal("1200000")
    assert school["completion_percent"] == Decimal("35")
    assert school["status_date"].isoformat()[:10] == "2025-03-15"  # a date
    assert len(school["themes"]) == 3 and len(school["financements"]) == 2  # lists


def test_the_workbook_has_the_same_columns_with_amounts_as_numbers(store_root):
    workbook = openpyxl.load_workbook(plans_dir(store_root) / "exempleville-pcaet.xlsx")
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == list(csv_rows(store_root, "exempleville-pcaet")[0])
    values = [
        {name: cell.value for name, cell in zip(header, row, strict=True)}
        for row in sheet.iter_rows(min_row=2)
    ]
    school = next(v for v in values if v["label"] == "Rénover l'école Jules-Ferry")
    assert school["budget_previsionnel"] == 1200000  # a number: amounts add up
    assert school["planned_end"] == "2026-08"  # a month, as text at its precision


def _node(document: object, iri: str) -> dict:
    """The node of ``iri`` with its properties, wherever the framed document puts it."""
    if isinstance(document, dict):
        if document.get("id") == iri and len(document) > 1:
            return document
        values: list = list(document.values())
    elif isinstance(document, list):
        values = document
    else:
        return {}
    for value in values:
        found = _node(value, iri)
        if found:
            return found
    return {}


def test_the_plan_jsonld_embeds_budget_lines_status_and_identifiers_in_their_action(
    store_root,
):
    document = json.loads((plans_dir(store_root) / "exempleville-pcaet.jsonld").read_text())
    action = _node(document, PCAET + "/element/a1")
    lines = {line["id"].rsplit("#", 1)[1]: line for line in action["budgetLine"]}
    assert lines["budget-1"] == {
        "id": PCAET + "/element/a1#budget-1",
        "type": "BudgetLine",
        "currency": "EUR",
        "amount": "1200000",
        "amountKind": "amountkind:budget-previsionnel",
        "expenditureNature": "expnature:investissement",
        "statedIn": PCAET,
    }
    assert lines["budget-3"]["fundingProgramme"] == "programme:fonds-vert"
    assert lines["budget-3"]["funder"] == BASE + "actor/ademe"
    assert action["statusAssertion"] == {
        "id": PCAET + "/element/a1#status-1",
        "type": "StatusAssertion",
        "completion": "0.35",
        "statedIn": PCAET,
        "status": "statuscode:en-cours",
        "statusDate": "2025-03-15",
    }
    assert action["externalIdentifier"]["notation"] == "4512"
    assert action["externalIdentifier"]["schemaAgency"] == "Territoires en Transitions"
    assert action["plannedEndDate"] == {"type": "xsd:gYearMonth", "@value": "2026-08"}
    assert action["indicator"]["type"] == "Indicator"
    # an indicator's values point to it (lodplan:ofIndicator), not from the action: they
    # are whole nodes of ``included``
    values = [n for n in document["included"] if n.get("type") == "IndicatorValue"]
    reference = next(
        v
        for v in values
        if v["id"].endswith("a1#indicator-consommation-d-energie-de-l-ecole-mwh-an-reference-2019")
    )
    assert reference["value"] == "410" and reference["valueKind"] == "valuekind:reference"
    assert reference["ofIndicator"] == action["indicator"]["id"]
    assert len(values) == 4  # reference and target of both indicators


def _answer(store_root: Path, name: str) -> list[dict[str, str]]:
    query = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    rows = EmbeddedStore(store_root).select(query, {})
    return [{key: term.value for key, term in row.items()} for row in rows]


def test_budget_per_theme_sums_the_planned_budgets_of_each_theme_across_plans(store_root):
    rows = _answer(store_root, "budget-per-theme")
    by_theme = {(row["list"], row["theme"]): row for row in rows}
    velo = by_theme[("Leviers de la planification écologique (SGPE)", "Vélo")]
    # the national table's cycle network (750,000) and Exempleville's (2,500,000)
    assert (velo["planned_budget_eur"], velo["elements"], velo["plans"]) == ("3250000", "2", "2")
    energy = by_theme[
        ("Objectifs de développement durable (ODD)", "Énergie propre et d'un coût abordable")
    ]
    assert (energy["code"], energy["planned_budget_eur"], energy["elements"]) == (
        "7",
        "2050000",
        "2",
    )
    budgets = [Decimal(row["planned_budget_eur"]) for row in rows]
    assert budgets == sorted(budgets, reverse=True)  # the largest first


def test_actions_without_pilote_are_those_of_plans_that_name_pilotes(store_root):
    rows = _answer(store_root, "actions-without-pilote")
    assert rows == [
        {
            "plan": "Suivi des projets d'Exempleville",
            "action": "Rénover la mairie",
            "status": "Prévue",
        }
    ]


def test_indicators_behind_target_compare_the_latest_measure_with_the_trajectory(store_root):
    rows = _answer(store_root, "indicators-behind-target")
    # cycle lanes: 12 km in 2020, 40 km targeted for 2030, so 23.2 km expected in 2024 and
    # 15 measured: behind. The town hall's consumption (1,000 → 500 MWh, 700 measured in
    # 2024 where 800 was expected) is ahead; the climate plan's indicators have no measure.
    assert rows == [
        {
            "plan": "Suivi des projets d'Exempleville",
            "indicator": "Pistes cyclables (km)",
            "reference_year": "2020",
            "reference": "12",
            "measure_year": "2024",
            "measure": "15",
            "expected": "23.2",
            "target_year": "2030",
            "target": "40",
        }
    ]
