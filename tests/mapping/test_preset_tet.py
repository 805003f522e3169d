"""The Territoires en Transitions preset: a plan d'action exported from the platform
(XLSX, its own layout: section headings, column headings, one row per fiche with the
path of axes) read with no column mapping, only the plan's facts and its actors.

The fixture (tests/fixtures/tet-mappings/) is a fictitious EPCI's plan written in that
layout by make_export.py."""

from __future__ import annotations

import hashlib
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS

from lodplan.build import check_plans
from lodplan.errors import MappingError
from lodplan.mapping import read_source_lines
from lodplan.mapping.presets import merge_preset
from lodplan.mapping.readers.table_fields import resolve_column
from lodplan.terms import (
    ELEMENT_KIND,
    EXPENDITURE_NATURE,
    LP,
    PRIORITY,
    ROLE,
    SCHEMA,
    STATUS,
    TET_THEMATIQUE,
)
from tests.conftest import TEST_BASE

TET = Path(__file__).parent.parent / "fixtures" / "tet-mappings"
PLAN_ID = "cc-val-exemple-pcaet"
PLAN = URIRef(f"{TEST_BASE}plan/{PLAN_ID}")
EXPORT = f"{PLAN_ID}/plan-export.xlsx"

AXE_1 = "1-sobriete-et-efficacite-energetique"
PATRIMOINE = f"{AXE_1}/1-1-renover-le-patrimoine-public"
MONTBRUN = f"{PATRIMOINE}/renovation-energetique-du-groupe-scolaire-de-montbrun"
CYCLABLE = "2-mobilites-durables/schema-directeur-cyclable"
RESEAU = "3-energies-renouvelables/3-2-chaleur-renouvelable/etude-d-opportunite-d-un-reseau-de-chaleur-bois"  # noqa: E501


def element(path: str) -> URIRef:
    return URIRef(f"{PLAN}/element/{path}")


def actor(actor_id: str) -> URIRef:
    return URIRef(f"{TEST_BASE}actor/{actor_id}")


@pytest.fixture(scope="module")
def mapped():
    checked = check_plans(TET, TEST_BASE)
    assert checked.ok, checked.render_problems()
    return checked.plans[0]


@pytest.fixture(scope="module")
def graph(mapped) -> Graph:
    return mapped.graph


def of_kind(graph: Graph, kind: str) -> set[str]:
    return {str(graph.value(e, RDFS.label)) for e in graph.subjects(LP.kind, ELEMENT_KIND[kind])}


def test_every_cell_of_the_export_is_read_or_left_out_with_its_reason(mapped):
    coverage = mapped.coverage
    assert coverage.unaccounted == []
    assert len([s for s in coverage.spans if s.status == "carried"]) == 158
    assert len([s for s in coverage.spans if s.status == "ignored"]) == 92
    ignored = {(s.line, s.column): s for s in coverage.spans if s.status == "ignored"}
    pilote, note = ignored[5, 14], ignored[5, 23]  # the Montbrun school's fiche
    assert pilote.text == "Julie Martin" and pilote.detail.startswith("personal data: the names")
    assert note.text == "Lot menuiseries attribué." and "follow-up notes" in note.detail


def test_axes_and_sub_axes_are_levels_and_fiches_are_fiche_actions(graph):
    assert of_kind(graph, "axe") == {
        "1 - Sobriété et efficacité énergétique",
        "2 - Mobilités durables",
        "3 - Énergies renouvelables",
    }  # one element per axe, though the export repeats its name on every row
    assert len(of_kind(graph, "objectif")) == 5
    assert len(of_kind(graph, "fiche-action")) == 10
    # a fiche outside any axe, « (Action non classée) » in the Axe column, is under the plan
    ecogestes = element("sensibilisation-des-agents-aux-ecogestes")
    assert (ecogestes, LP.partOf, None) not in graph
    assert graph.value(ecogestes, LP.inPlan) == PLAN
    assert graph.value(element(MONTBRUN), LP.partOf) == element(PATRIMOINE)
    assert graph.value(element(PATRIMOINE), LP.partOf) == element(AXE_1)
    assert str(graph.value(element(PATRIMOINE), LP.levelName)) == "Sous-axe"
    # a fiche directly under its axe: the empty sub-axis cell is no sub-axis (no fill-down)
    assert graph.value(element(CYCLABLE), LP.partOf) == element("2-mobilites-durables")


def test_every_tet_status_is_a_status_of_the_list_dated_by_the_last_edit(graph):
    statuses = {
        str(graph.value(e, RDFS.label)): str(graph.value(e, LP.status)).rsplit("/", 1)[1]
        for e in graph.subjects(LP.kind, ELEMENT_KIND["fiche-action"])
    }
    assert sorted(statuses.values()) == sorted(
        ["en-cours", "realisee", "prevue", "en-cours", "en-retard", "bloquee", "en-attente",
         "abandonnee", "a-discuter", "realisee"]
    )  # fmt: skip
    assert statuses["Aide locale à la rénovation performante"] == "prevue"  # « À venir »
    [assertion] = graph.objects(element(MONTBRUN), LP.statusAssertion)
    assert graph.value(assertion, LP.status) == STATUS["en-cours"]
    assert str(graph.value(assertion, LP.statusDate)) == "2025-03-17"


def test_tet_priorities_and_a_fiche_without_one(graph):
    assert graph.value(element(MONTBRUN), LP.priority) == PRIORITY["haute"]  # « Élevé »
    priorities = {
        graph.value(e, LP.priority) for e in graph.subjects(LP.kind, ELEMENT_KIND["fiche-action"])
    }
    assert priorities == {PRIORITY["haute"], PRIORITY["moyenne"], PRIORITY["basse"], None}
    assert graph.value(element(RESEAU), LP.priority) is None


def test_themes_from_the_tet_list_one_per_line_of_the_cell(graph):
    assert set(graph.objects(element(MONTBRUN), LP.theme)) == {
        TET_THEMATIQUE["urbanisme-logement-amenagement-batiments"],
        TET_THEMATIQUE["energie-et-climat"],
    }


def test_pilotes_partners_and_funders_with_their_roles(graph):
    roles = {
        (str(graph.value(i, PROV.agent)).rsplit("/", 1)[1], graph.value(i, PROV.hadRole))
        for i in graph.objects(element(MONTBRUN), LP.involvement)
    }
    assert roles == {
        ("cc-val-exemple-patrimoine", ROLE.pilote),
        ("cc-val-exemple", ROLE.pilote),
        ("alec-val", ROLE.partenaire),
        ("commune-montbrun", ROLE.partenaire),
        ("etat", ROLE.financeur),
        ("region-exemple", ROLE.financeur),
    }


def test_the_names_of_agents_and_elected_referents_are_not_published(graph):
    for name in ("Julie Martin", "Paul Dupuis", "Thomas Roux"):
        assert not any(name in str(o) for o in graph.objects())


def budget_lines(graph: Graph, path: str) -> set[tuple]:
    return {
        (graph.value(b, LP.amount).toPython(), graph.value(b, LP.amountKind).rsplit("/", 1)[1],
         graph.value(b, LP.funder), graph.value(b, LP.taxIncluded),
         graph.value(b, LP.fiscalYear), graph.value(b, LP.expenditureNature))
        for b in graph.objects(element(path), LP.budgetLine)
    }  # fmt: skip


def test_each_funder_and_its_amount_is_a_funding_line(graph):
    funding = {line[:4] for line in budget_lines(graph, MONTBRUN) if line[2] is not None}
    assert funding == {
        (Decimal("250000"), "financement-prevu", actor("etat"), Literal(True)),
        (Decimal("120000"), "financement-prevu", actor("region-exemple"), Literal(True)),
    }
    # a funder named without an amount is a funder, with no budget line
    funding = {line[:3] for line in budget_lines(graph, CYCLABLE) if line[2] is not None}
    assert funding == {(Decimal("30000"), "financement-prevu", actor("ademe"))}
    funders = {
        graph.value(i, PROV.agent)
        for i in graph.objects(element(CYCLABLE), LP.involvement)
        if graph.value(i, PROV.hadRole) == ROLE.financeur
    }
    assert funders == {actor("ademe"), actor("departement-exemple")}


def test_budgets_per_year_and_in_total_planned_and_spent(graph):
    """« Budgets d'investissement »: « 2025 : | - 600000 € HT prévisionnels | - 410000 € HT
    dépensés | 2026 : | - 300000 € HT prévisionnels » (format.ts), one line per amount."""
    investissement = EXPENDITURE_NATURE["investissement"]
    budgets = {
        (line[0], line[1], line[3], str(line[4]), line[5])
        for line in budget_lines(graph, MONTBRUN)
        if line[2] is None
    }
    assert budgets == {
        (Decimal("600000"), "budget-previsionnel", Literal(False), "2025", investissement),
        (Decimal("410000"), "depense-realisee", Literal(False), "2025", investissement),
        (Decimal("300000"), "budget-previsionnel", Literal(False), "2026", investissement),
    }  # fmt: skip
    # a total (« Total en € HT (non étalé dans le temps): ») has no year
    [total] = [line for line in budget_lines(graph, CYCLABLE) if line[2] is None]
    assert total[:2] == (Decimal("60000"), "budget-previsionnel") and total[4] is None
    # staff time: « - 2 ETP prévisionnels » is in ETP, not euros
    guichet = (
        f"{AXE_1}/1-2-accompagner-la-renovation-des-logements/guichet-france-renov-intercommunal"
    )
    [staff] = [
        b for b in graph.objects(element(guichet), LP.budgetLine)
        if graph.value(b, SCHEMA.currency) is None
    ]  # fmt: skip
    assert (graph.value(staff, LP.amount).toPython(), str(graph.value(staff, LP.unit))) == (
        Decimal("2"),
        "ETP",
    )


def test_planned_dates_texts_and_indicators(graph):
    assert str(graph.value(element(MONTBRUN), LP.plannedStartDate)) == "2024-09-01"
    assert str(graph.value(element(MONTBRUN), LP.plannedEndDate)) == "2026-08-31"
    assert str(graph.value(element(MONTBRUN), LP.means)).startswith("Chef de projet patrimoine")
    description = str(graph.value(element(MONTBRUN), DCTERMS.description))
    assert description.endswith("pompe à chaleur. | Objectif BBC rénovation.")
    [indicator] = graph.objects(element(MONTBRUN), LP.indicator)
    assert str(graph.value(indicator, RDFS.label)) == (
        "Consommation d'énergie finale des bâtiments publics (MWh)"
    )


# -- other exports and the errors a person gets ---------------------------------------


def copy_fixture(tmp_path: Path) -> Path:
    copy = tmp_path / "mappings"
    shutil.copytree(TET, copy, ignore=shutil.ignore_patterns("*.py"))
    return copy


def edit_export(copy: Path, change) -> None:
    path = copy / EXPORT
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    for merged in list(sheet.merged_cells.ranges):
        sheet.unmerge_cells(str(merged))
    change(sheet)
    workbook.save(path)
    mapping = copy / PLAN_ID / "mapping.yaml"  # the source changed: its new checksum
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    text = re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", mapping.read_text("utf-8"))
    mapping.write_text(text, encoding="utf-8")


def column_of(sheet, heading: str, occurrence: int = 1) -> int:
    found = [c.column for c in sheet[2] if c.value == heading]
    return found[occurrence - 1]


def test_an_export_without_sub_axes_nor_a_second_funder_maps_too(tmp_path):
    """The export leaves out the columns no fiche fills: the preset's optional columns."""
    copy = copy_fixture(tmp_path)

    def drop(sheet) -> None:
        for heading, occurrence in (("Montant (TTC)", 2), ("Financeur 2", 1),
                                    ("Sous-axe (x.x)", 1)):  # fmt: skip
            sheet.delete_cols(column_of(sheet, heading, occurrence))

    edit_export(copy, drop)
    checked = check_plans(copy, TEST_BASE)
    assert checked.ok, checked.render_problems()
    graph = checked.plans[0].graph
    assert of_kind(graph, "objectif") == set()
    fiche = element(f"{AXE_1}/renovation-energetique-du-groupe-scolaire-de-montbrun")
    assert graph.value(fiche, LP.partOf) == element(AXE_1)
    funders = [graph.value(b, LP.funder) for b in graph.objects(fiche, LP.budgetLine)]
    assert [f for f in funders if f is not None] == [actor("etat")]  # the first funder only


def test_a_status_word_tet_does_not_have_lists_the_allowed_values(tmp_path):
    copy = copy_fixture(tmp_path)
    edit_export(copy, lambda sheet: sheet.cell(4, column_of(sheet, "Statut"), "Démarré"))
    with pytest.raises(MappingError) as caught:
        check_plans(copy, TEST_BASE)
    message = str(caught.value)
    assert "plan-export.xlsx:4: column 9 (status)" in message
    assert "'Démarré' is not a value of the list status" in message
    assert "En cours (en-cours)" in message and "À discuter (a-discuter)" in message


def test_a_name_no_actor_is_declared_for_says_what_to_add(tmp_path):
    copy = copy_fixture(tmp_path)
    edit_export(copy, lambda sheet: sheet.cell(4, column_of(sheet, "Partenaires"), "CAUE"))
    with pytest.raises(MappingError) as caught:
        check_plans(copy, TEST_BASE)
    message = str(caught.value)
    assert "plan-export.xlsx:4: column 18 (actor)" in message
    assert 'in actor-names (under reader), "CAUE": [<id of the actor in actors.yaml>]' in message


def test_a_funder_no_actor_is_declared_for_says_what_to_add(tmp_path):
    copy = copy_fixture(tmp_path)
    edit_export(copy, lambda sheet: sheet.cell(4, column_of(sheet, "Financeur 1"), "FEDER"))
    with pytest.raises(MappingError, match=r'xlsx:4: column 27 \(actor\).*"FEDER"'):
        check_plans(copy, TEST_BASE)


def test_a_budget_line_the_reader_cannot_read_says_what_it_expects(tmp_path):
    copy = copy_fixture(tmp_path)
    budgets = "Budgets de fonctionnement"
    edit_export(
        copy, lambda sheet: sheet.cell(4, column_of(sheet, budgets), "2023 :\n  - 15 k€ HT")
    )
    with pytest.raises(MappingError) as caught:
        check_plans(copy, TEST_BASE)
    message = str(caught.value)
    assert "plan-export.xlsx:4: column 25 (budget)" in message
    assert (
        "'- 15 k€ HT' is neither a heading" in message
        and "« - 12000 € HT prévisionnels »" in message
    )


def test_a_repeated_heading_is_named_with_its_number():
    header = ["Financeur 1", "Montant (TTC)", "Financeur 2", "Montant (TTC)"]
    assert resolve_column("Montant (TTC)#2", header, "f", "m.yaml") == 4
    assert resolve_column("Montant (TTC) #1", header, "f", "m.yaml") == 2
    twice = r"2 columns are headed 'Montant \(TTC\)' \(columns 2, 4\)"
    with pytest.raises(MappingError, match=twice):
        resolve_column("Montant (TTC)", header, "f", "m.yaml")
    with pytest.raises(MappingError, match=r"only 2 column\(s\) are headed"):
        resolve_column("Montant (TTC)#3", header, "f", "m.yaml")


def test_a_mapping_adds_to_the_maps_and_names_of_the_preset():
    reader = {
        "preset": "territoires-en-transitions",
        "ignore-columns": {"2031": "follow-up notes of 2031"},
        "optional-columns": ["2031"],
    }
    merged = merge_preset(reader, file=Path("mapping.yaml"))
    assert merged["ignore-columns"]["2031"] == "follow-up notes of 2031"
    assert "Personne pilote" in merged["ignore-columns"]  # the preset's reasons stay
    assert "Sous-axe (x.x)" in merged["optional-columns"] and "2031" in merged["optional-columns"]
    assert merged["format"] == "xlsx"
    replaced = merge_preset({**reader, "fields": []}, file=Path("mapping.yaml"))
    assert replaced["fields"] == []  # a list of declarations replaces the preset's


def test_a_fiche_marked_confidential_is_withheld_even_from_the_source_text(tmp_path):
    copy = copy_fixture(tmp_path)
    confidential = "Confidentialité de l'action"
    edit_export(copy, lambda sheet: sheet.cell(4, column_of(sheet, confidential), "Oui"))
    sheet = openpyxl.load_workbook(copy / EXPORT).worksheets[0]
    title = sheet.cell(4, column_of(sheet, "Titre de l'action")).value
    checked = check_plans(copy, TEST_BASE)
    assert checked.ok, checked.render_problems()
    [plan] = checked.plans
    lines = plan.outline.published_lines(read_source_lines(plan.spec)[0])
    assert lines[3].startswith("[ligne non publiée : fiche marked confidential")
    assert title and all(title not in line for line in lines)
    assert title not in {str(o) for o in plan.graph.objects(None, RDFS.label)}
    assert plan.coverage.lines[3].status == "ignored"
