"""``lodplan init``: a starter mapping proposed from a table, which a person confirms."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lodplan.build import check_plans
from lodplan.cli import main
from lodplan.errors import MappingError
from tests.conftest import TEST_BASE

FIXTURES = Path(__file__).parent.parent / "fixtures"
FICHES = FIXTURES / "fiche-mappings" / "exempleville-pcaet" / "fiches.csv"
NATIONAL = FIXTURES / "preset-mappings" / "ville-exemple-projets" / "projets.csv"


def confirm_actors(out: Path) -> None:
    """What the person does after reading each proposed actor: delete to-confirm."""
    path = out / "actors.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept, skipping = [], False
    for line in lines:
        if line.strip().startswith("to-confirm:"):
            skipping = True
            continue
        if skipping and line.startswith("      "):  # the rest of a folded value
            continue
        skipping = False
        kept.append(line)
    path.write_text("".join(kept), encoding="utf-8")


def init(tmp_path: Path, table: Path, plan_id: str, capsys) -> tuple[Path, str]:
    out = tmp_path / "mappings"
    code = main(["init", str(table), "--plan-id", plan_id, "--publisher", "exempleville",
                 "--mappings", str(out)])  # fmt: skip
    assert code == 0
    return out, capsys.readouterr().out


def test_a_commune_export_gets_a_proposal_for_every_column(tmp_path, capsys):
    out, printed = init(tmp_path, FICHES, "exempleville-pcaet", capsys)
    assert "23 columns: 23 with a proposed role" in printed
    mapping = (out / "exempleville-pcaet" / "mapping.yaml").read_text(encoding="utf-8")
    assert "#  10. 'Statut': status — every value is a word of the list status" in mapping
    reader = yaml.safe_load(mapping)["reader"]
    assert reader["separator"] == ";" and reader["key"] == {"column": "Code"}
    assert [lv["kind"] for lv in reader["levels"]] == ["axe", "fiche-action"]
    fields = {f["column"]: f for f in reader["fields"]}
    assert fields["Statut"]["date-column"] == "Date du statut"
    assert fields["Partenaires"]["values"] == {"ADEME": "ademe", "ALEC": "alec", "Région": "region"}
    assert fields["Fonds vert"]["programme"] == "fonds-vert"
    assert fields["Cible 2030"] == {"column": "Cible 2030", "property": "indicator-value",
                                    "value-kind": "cible", "date": "2030",
                                    "indicator-column": "Indicateur"}  # fmt: skip
    actors = yaml.safe_load((out / "actors.yaml").read_text(encoding="utf-8"))["actors"]
    assert actors["alec"]["label"] == {"fr": "ALEC"}
    with pytest.raises(MappingError, match=r"6 actor\(s\) proposed by lodplan init are still"):
        check_plans(out, TEST_BASE)  # nothing proposed is published unread
    confirm_actors(out)
    checked = check_plans(out, TEST_BASE)  # the proposal maps as written
    assert checked.ok, checked.render_problems()
    assert checked.plans[0].coverage.unaccounted == []


def test_a_column_it_cannot_place_is_left_unaccounted_for_the_person(tmp_path, capsys):
    table = tmp_path / "plan.csv"
    table.write_text("Action;Couleur du classeur\nPlanter 200 arbres;vert\n", encoding="utf-8")
    out, printed = init(tmp_path, table, "exempleville-arbres", capsys)
    assert "1 for you to decide" in printed
    mapping = (out / "exempleville-arbres" / "mapping.yaml").read_text(encoding="utf-8")
    assert "'Couleur du classeur': NOT MAPPED" in mapping
    confirm_actors(out)
    checked = check_plans(out, TEST_BASE)
    assert not checked.ok
    [cell] = checked.plans[0].coverage.unaccounted
    assert (cell.line, cell.column, cell.text) == (2, 2, "vert")


def test_the_national_table_gets_its_preset_and_its_porteurs(tmp_path, capsys):
    out, printed = init(tmp_path, NATIONAL, "ville-exemple", capsys)
    assert "the table follows the preset projets-transition-ecologique" in printed
    reader = yaml.safe_load((out / "ville-exemple" / "mapping.yaml").read_text())["reader"]
    assert reader == {"preset": "projets-transition-ecologique"}
    actors = yaml.safe_load((out / "actors.yaml").read_text(encoding="utf-8"))["actors"]
    assert {a.get("siren") for a in actors.values()} >= {"216901234", "242501234"}
    confirm_actors(out)
    checked = check_plans(out, TEST_BASE)
    assert checked.ok, checked.render_problems()


def test_init_never_overwrites_a_mapping(tmp_path, capsys):
    out, _ = init(tmp_path, FICHES, "exempleville-pcaet", capsys)
    code = main(["init", str(FICHES), "--plan-id", "exempleville-pcaet", "--publisher", "x",
                 "--mappings", str(out)])  # fmt: skip
    assert code == 2
    assert "a mapping exists already" in capsys.readouterr().err


def test_an_xlsx_table_is_read_too(tmp_path, capsys):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Axe", "Action", "Statut", "Budget"])
    sheet.append(["Énergie", "Isoler la mairie", "En cours", 120000])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    out, printed = init(tmp_path, path, "exempleville-xlsx", capsys)
    assert "4 columns: 4 with a proposed role" in printed
    confirm_actors(out)
    checked = check_plans(out, TEST_BASE)
    assert checked.ok, checked.render_problems()
