"""The worked example of docs/mapping.md: a commune's small action table, mapped end to end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rdflib.namespace import PROV, RDFS

from lodplan.build import check_plans
from lodplan.terms import ELEMENT_KIND, LP
from tests.conftest import TEST_BASE

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "example-mappings"


def test_the_worked_example_maps_validates_and_accounts_for_every_line():
    checked = check_plans(EXAMPLE, TEST_BASE)
    assert checked.ok, checked.render_problems()
    [plan] = checked.plans
    graph = plan.graph
    assert len(set(graph.subjects(LP.kind, ELEMENT_KIND.axe))) == 2
    assert len(set(graph.subjects(LP.kind, ELEMENT_KIND.objectif))) == 3
    actions = set(graph.subjects(LP.kind, ELEMENT_KIND.action))
    labels = {str(graph.value(a, RDFS.label)) for a in actions}
    # the <ul> list of the "Énergie" row is two actions
    assert "Isoler l’école Jules-Ferry en 2025" in labels
    assert "Remplacer la chaudière de l’école du Centre" in labels
    assert len(actions) == 5
    velo = next(a for a in actions if "vélo-école" in str(graph.value(a, RDFS.label)))
    pilots = {
        str(graph.value(i, PROV.agent)).rsplit("/", 1)[1]
        for i in graph.objects(velo, LP.involvement)
    }
    assert pilots == {"exempleville-services-techniques", "exempleville-sport"}
    [dated] = graph.objects(velo, LP.date)
    assert graph.value(dated, LP.startDate).toPython() == date(2025, 3, 1)
    assert plan.coverage.count("used") == 4 and plan.coverage.count("ignored") == 1


def test_a_cell_no_role_reads_is_unaccounted_unless_ignored_with_a_reason(tmp_path):
    import shutil

    copy = tmp_path / "mappings"
    shutil.copytree(EXAMPLE, copy)
    plan_dir = copy / "exempleville-plan-climat"
    table = plan_dir / "actions.tsv"
    table.write_text(
        table.read_text(encoding="utf-8").replace("\tPatrimoine\n", "\tPatrimoine\t2 M€\n"),
        encoding="utf-8",
    )
    mapping = plan_dir / "mapping.yaml"
    text = "\n".join(line for line in mapping.read_text().splitlines() if "sha256" not in line)
    mapping.write_text(text.replace("  columns: 4\n", ""))
    checked = check_plans(copy, TEST_BASE)
    assert not checked.ok
    [cell] = checked.plans[0].coverage.unaccounted
    assert (cell.line, cell.column, cell.text) == (5, 5, "2 M€")
    assert "actions.tsv:5: unaccounted cell (column 5)" in checked.render_problems()
    mapping.write_text(
        mapping.read_text().replace(
            "  ignore:\n", '  ignore-columns: {5: "budget, not modelled yet"}\n  ignore:\n'
        )
    )
    assert check_plans(copy, TEST_BASE).ok


def test_the_same_table_as_an_xlsx_workbook_maps_to_the_same_plan(tmp_path):
    import shutil

    import openpyxl

    copy = tmp_path / "mappings"
    shutil.copytree(EXAMPLE, copy)
    plan_dir = copy / "exempleville-plan-climat"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in (plan_dir / "actions.tsv").read_text(encoding="utf-8").splitlines():
        sheet.append([cell or None for cell in line.split("\t")])
    workbook.save(plan_dir / "actions.xlsx")
    mapping = plan_dir / "mapping.yaml"
    text = "\n".join(line for line in mapping.read_text().splitlines() if "sha256" not in line)
    text = text.replace("file: actions.tsv", "file: actions.xlsx")
    text = text.replace(
        "media-type: text/tab-separated-values",
        "media-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    mapping.write_text(text.replace("  format: tsv", "  format: xlsx"))
    (plan_dir / "actions.tsv").unlink()

    from_xlsx = check_plans(copy, TEST_BASE)
    from_tsv = check_plans(EXAMPLE, TEST_BASE)
    assert from_xlsx.ok, from_xlsx.render_problems()
    labels = sorted(str(o) for o in from_xlsx.plans[0].graph.objects(None, RDFS.label))
    assert labels == sorted(str(o) for o in from_tsv.plans[0].graph.objects(None, RDFS.label))
    assert from_xlsx.plans[0].coverage.count("used") == 4


def test_a_damaged_workbook_is_named(tmp_path):
    import shutil

    import pytest

    from lodplan.errors import MappingError

    copy = tmp_path / "mappings"
    shutil.copytree(EXAMPLE, copy)
    plan_dir = copy / "exempleville-plan-climat"
    (plan_dir / "actions.xlsx").write_bytes(b"not a workbook")
    mapping = plan_dir / "mapping.yaml"
    text = "\n".join(line for line in mapping.read_text().splitlines() if "sha256" not in line)
    mapping.write_text(text.replace("file: actions.tsv", "file: actions.xlsx"))
    with pytest.raises(MappingError, match=r"actions\.xlsx: not a readable XLSX workbook"):
        check_plans(copy, TEST_BASE)
