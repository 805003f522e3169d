"""The per-plan CSV opened by a real spreadsheet: Debian's LibreOffice Calc, headless.

Double-clicked, a ``.csv`` opens LibreOffice's Text Import dialog, which preselects
the character set from the file's first bytes: UTF-8 when they are a UTF-8 byte order
mark (``ScImportAsciiDlg``, sc/source/ui/dbgui/scuiasciiopt.cxx), the system's
otherwise (Windows-1252 on a French Windows: ``Soutien Ã  l'organisation``). A headless
LibreOffice has no dialog: this test imports with what the dialog preselects for a file
that starts with the BOM (UTF-8, comma, double quote) and checks every cell Calc reads.
``libreoffice --convert-to`` without import options does not use the dialog: Debian
12's LibreOffice 7.4 then reads every CSV as Windows-1252, BOM or not (later versions
read UTF-8), so that path cannot tell whether a file opens well when double-clicked.

LibreOffice is installed by ``.ci/run`` (``libreoffice-calc-nogui``); elsewhere the test
is skipped when it is absent, and fails when ``CI`` is set.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from lodplan.publishing.downloads import csv_metadata_template

PLAN = "mot-programme-2023"
ACCENTED = "Soutien à l'organisation de CNR transfrontaliers"
#: Text Import options: comma (44), double quote (34), UTF-8 (76), from line 1; every
#: column as text (2), so that codes like 1.10 stay what the file says.
COLUMNS = len(csv_metadata_template()["tableSchema"]["columns"])
COLUMNS_AS_TEXT = "/".join(f"{n}/2" for n in range(1, COLUMNS + 1))
IMPORT_OPTIONS = f"44,34,76,1,{COLUMNS_AS_TEXT}"


def _libreoffice() -> str:
    program = shutil.which("libreoffice") or shutil.which("soffice")
    if program is None:
        message = "LibreOffice is not installed (Debian: apt-get install libreoffice-calc-nogui)"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs it")
        pytest.skip(message)
    return program


@pytest.fixture(scope="module")
def plan_csv(bundled_build) -> bytes:
    return (bundled_build.store / "current" / "downloads" / "plans" / f"{PLAN}.csv").read_bytes()


def _calc_cells(csv_bytes: bytes, tmp_path: Path) -> list[list[str]]:
    """The cells LibreOffice Calc reads from the file, through an .xlsx it writes."""
    source = tmp_path / f"{PLAN}.csv"
    source.write_bytes(csv_bytes)
    converted = subprocess.run(
        [
            _libreoffice(),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            f"--infilter=Text - txt - csv (StarCalc):{IMPORT_OPTIONS}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    workbook = tmp_path / "out" / f"{PLAN}.xlsx"
    assert workbook.is_file(), converted.stdout + converted.stderr
    sheet = openpyxl.load_workbook(workbook, read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_the_csv_starts_with_the_byte_order_mark_spreadsheets_detect(plan_csv):
    assert plan_csv.startswith(b"\xef\xbb\xbf")
    assert ACCENTED.encode() in plan_csv


def test_libreoffice_reads_every_cell_as_written(plan_csv, tmp_path):
    cells = _calc_cells(plan_csv, tmp_path)
    expected = list(csv.reader(io.StringIO(plan_csv.decode("utf-8-sig"), newline="")))
    assert cells[0][0] == "iri"  # the BOM is read as such, not as part of the first cell
    assert len(cells) == len(expected)
    for row, (got, want) in enumerate(zip(cells, expected, strict=True)):
        # Calc keeps a cell's line breaks as LF
        want = [value.replace("\r\n", "\n") for value in want]
        assert got[: len(want)] == want, f"row {row + 1}"
        assert not any(got[len(want) :]), f"row {row + 1} has more cells"
    assert any(ACCENTED in value for row in cells for value in row)
    assert not any("Ã" in value for row in cells for value in row)
