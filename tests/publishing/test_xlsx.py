"""The per-plan workbook (``plans/<id>.xlsx``): the CSV's table for spreadsheets.

French Excel splits a double-clicked ``.csv`` on ``;``: the comma-separated CSV (RFC
4180, CSVW) opens there in one column. The workbook holds the same columns and rows,
typed. Checked here: with openpyxl (structure, types, the "À propos" sheet, the same
bytes for the same rows whatever the clock says), and with Debian's LibreOffice, which
converts the bundled plans' workbooks back to CSV: every cell equals the CSV's.
LibreOffice is installed by ``.ci/run``; elsewhere that test is skipped when it is
absent, and fails when ``CI`` is set.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import os
import shutil
import subprocess
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import requests
from openpyxl.utils import get_column_letter

from lodplan.publishing.catalog import first_published, publication_dates
from lodplan.publishing.downloads import (
    ActionTable,
    PlanFiles,
    csv_metadata_template,
    plan_csv,
    plan_workbook,
)
from lodplan.publishing.workbooks import (
    ABOUT_SHEET,
    ACTIONS_SHEET,
    CUT_MARK,
    MAX_CELL_CHARACTERS,
    XLSX_MEDIA_TYPE,
)
from lodplan.store.base import DownloadFile
from tests.support.server import running_server

B = "http://data.test.example/"
PLAN = PlanFiles(
    "p",
    B + "plan/p",
    B + "graph/plan/p",
    "Plan « P »",
    licence="https://opendatacommons.org/licenses/odbl/1-0/",
    source_iri=B + "source/p",
)
LONG = "é" * (MAX_CELL_CHARACTERS + 10)


def _row(**values: str) -> dict[str, str]:
    columns = [c["name"] for c in csv_metadata_template()["tableSchema"]["columns"]]
    return {name: values.get(name, "") for name in columns}


ROWS = [
    _row(iri=B + "plan/p/element/1.10", position="1.10", code="1.10", level="Action",
         label="Soutien à l'organisation", description="=1+1", start_date="2023-01-01",
         end_date="2025-12-31", dates="2023 | 2025", pilote="A | B", source_lines="3-4",
         budget_previsionnel="1200000.5", completion_percent="35", planned_end="2026-08"),
    _row(iri=B + "plan/p/element/2", position="2", code="0012", level="Action",
         label="#N/A", description="ligne 1\nligne 2\x01", source_lines="5-5"),
    _row(iri=B + "plan/p/element/3", position="3", level="Action", label="Long",
         description=LONG, source_lines="6-6"),
]  # fmt: skip


def _table() -> ActionTable:
    metadata = csv_metadata_template()
    metadata["dc:title"] = "Actions du plan « P »"
    return ActionTable(PLAN, metadata, [dict(row) for row in ROWS])


def _workbook(published: str = "2024-05-06") -> DownloadFile:
    return plan_workbook(_table(), published)


def _load(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_the_workbook_has_the_csv_columns_and_rows_typed():
    file = _workbook()
    assert (file.name, file.media_type) == ("plans/p.xlsx", XLSX_MEDIA_TYPE)
    workbook = _load(file.content)
    assert workbook.sheetnames == [ACTIONS_SHEET, ABOUT_SHEET]
    sheet = workbook[ACTIONS_SHEET]
    header = [cell.value for cell in sheet[1]]
    assert header == list(ROWS[0])  # the CSV's header: the columns' names
    assert all(cell.font.bold for cell in sheet[1])
    # the fiche's columns (status date… identifiers) follow source_lines
    assert header.index("status_date") == header.index("source_lines") + 1
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == (
        f"A1:{openpyxl.utils.get_column_letter(len(header))}{len(ROWS) + 1}"
    )
    assert sheet.max_row == len(ROWS) + 1
    first = {name: sheet.cell(row=2, column=n).value for n, name in enumerate(header, 1)}
    assert first["position"] == first["code"] == "1.10"  # text, not the number 1.1
    assert first["start_date"] == datetime.datetime(2023, 1, 1)  # a date cell
    assert sheet.cell(row=2, column=header.index("start_date") + 1).number_format == "yyyy-mm-dd"
    assert first["description"] == "=1+1"  # text, never a formula
    assert sheet.cell(row=2, column=header.index("description") + 1).data_type == "s"
    assert sheet.cell(row=2, column=1).hyperlink.target == ROWS[0]["iri"]
    assert first["label"] == "Soutien à l'organisation"
    assert first["status"] is None  # empty in the CSV: an empty cell
    assert first["budget_previsionnel"] == Decimal("1200000.5")  # a number: amounts add up
    assert first["completion_percent"] == 35
    assert first["planned_end"] == "2026-08"  # a month stays text at its precision
    second = [cell.value for cell in sheet[3]]
    assert second[header.index("label")] == "#N/A"  # text, not an error value
    assert second[header.index("description")] == "ligne 1\nligne 2"  # no control character
    third = sheet.cell(row=4, column=header.index("description") + 1).value
    assert len(third) == MAX_CELL_CHARACTERS and third.endswith(CUT_MARK)  # Excel's limit
    widths = [
        sheet.column_dimensions[get_column_letter(n)].width for n in range(1, len(header) + 1)
    ]
    assert all(8 <= width <= 60 for width in widths)


def test_the_about_sheet_and_properties_say_what_the_table_is():
    workbook = _load(_workbook().content)
    facts = {row[0]: row[1] for row in workbook[ABOUT_SHEET].iter_rows(values_only=True) if row[0]}
    assert facts["IRI du plan"] == PLAN.plan_iri
    assert facts["Document source"] == PLAN.source_iri
    assert facts["Licence"] == (
        "Open Data Commons Open Database License (ODbL) (" + str(PLAN.licence) + ")"
    )
    assert facts["Données publiées le"] == "2024-05-06"
    assert facts["label"] == "Libellé"  # each column, its title and description
    assert facts["start_date"] == "Date de début"
    properties = workbook.properties
    assert properties.identifier == PLAN.plan_iri
    assert properties.title == "Actions du plan « P »"
    assert properties.created == properties.modified == datetime.datetime(2024, 5, 6)


def test_the_same_rows_give_the_same_bytes_whatever_the_time(monkeypatch):
    first = _workbook().content
    later = time.time() + 400 * 86400  # zipfile dates entries with time.time()
    monkeypatch.setattr(time, "time", lambda: later)
    assert _workbook().content == first
    assert _workbook("2024-05-07").content != first  # the date is the only date in it
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_archive_is_openpyxl_s_own_with_its_entries_dated(monkeypatch):
    """Written in memory and dated as written, the archive is the one openpyxl's own
    writer makes (with a temporary file per sheet) once its entries are re-dated."""
    from openpyxl.writer.excel import ExcelWriter

    from lodplan.publishing import workbooks

    made = _workbook().content
    monkeypatch.setattr(workbooks, "_DatedZipFile", zipfile.ZipFile)
    monkeypatch.setattr(workbooks, "_InMemoryExcelWriter", ExcelWriter)
    written = _workbook().content
    redated = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(written)) as source,
        zipfile.ZipFile(redated, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        assert {entry.date_time for entry in source.infolist()} != {workbooks.ZIP_EPOCH}
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=workbooks.ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry))
    assert made == redated.getvalue()


def test_the_workbook_is_dated_as_the_catalog_dates_the_csv():
    [csv_file, _] = plan_csv(_table())
    csv_distribution = B + "dataset/p#csv"
    history = {csv_distribution: (csv_file.sha256, "2024-01-02")}
    published = publication_dates(history, B, today=datetime.date(2024, 9, 9))
    assert published("p", csv_file) == "2024-01-02"  # unchanged rows keep their day
    changed = DownloadFile(csv_file.name, csv_file.media_type, csv_file.content + b"x")
    assert published("p", changed) == "2024-09-09"
    assert published("q", csv_file) == "2024-09-09"  # another plan's file: no history
    assert first_published(history, csv_distribution, csv_file, "2024-09-09") == "2024-01-02"


# --- the bundled plans, served and opened by LibreOffice ------------------------------


def _libreoffice() -> str:
    program = shutil.which("libreoffice") or shutil.which("soffice")
    if program is None:
        message = "LibreOffice is not installed (Debian: apt-get install libreoffice-calc-nogui)"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs it")
        pytest.skip(message)
    return program


@pytest.fixture(scope="module")
def plans_dir(bundled_build) -> Path:
    return bundled_build.store / "current" / "downloads" / "plans"


def test_libreoffice_reads_every_cell_of_every_bundled_workbook_as_the_csv(plans_dir, tmp_path):
    workbooks = sorted(plans_dir.glob("*.xlsx"))
    assert len(workbooks) == len(list(plans_dir.glob("*.csv"))) == 5
    # CSV export: comma (44), double quote (34), UTF-8 (76): the cells as Calc shows them
    converted = subprocess.run(
        [
            _libreoffice(),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(tmp_path / "out"),
            *map(str, workbooks),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    accented = 0
    for workbook in workbooks:
        calc = tmp_path / "out" / workbook.with_suffix(".csv").name
        assert calc.is_file(), converted.stdout + converted.stderr
        got = list(csv.reader(io.StringIO(calc.read_text(encoding="utf-8"), newline="")))
        text = workbook.with_suffix(".csv").read_bytes().decode("utf-8-sig")
        expected = list(csv.reader(io.StringIO(text, newline="")))
        assert len(got) == len(expected), workbook.name
        for number, (row, want) in enumerate(zip(got, expected, strict=True), start=1):
            # Calc keeps a cell's line breaks as LF
            assert row == [value.replace("\r\n", "\n") for value in want], (workbook.name, number)
        accented += sum("à" in value for row in got for value in row)
    assert accented > 0


@pytest.mark.e2e
def test_the_workbook_is_served_as_the_catalog_announces(bundled_build, plans_dir):
    with running_server(bundled_build.store, bundled_build.port) as base:
        url = f"{base}download/plans/mot-programme-2023.xlsx"
        response = requests.get(url, timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == XLSX_MEDIA_TYPE
        digest = hashlib.sha256(response.content).hexdigest()
        assert response.headers["ETag"] == f'"{digest}"'
        assert response.content == (plans_dir / "mot-programme-2023.xlsx").read_bytes()
        catalog = requests.get(
            f"{base}dataset/mot-programme-2023", headers={"Accept": "text/turtle"}, timeout=30
        ).text
        assert "#xlsx>" in catalog and digest in catalog
        assert "file-type/XLSX>" in catalog
        page = requests.get(
            f"{base}plan/mot-programme-2023", headers={"Accept": "text/html"}, timeout=30
        ).text
        assert "/download/plans/mot-programme-2023.xlsx" in page
