"""Spreadsheets (XLSX) as sources: the rows of the first sheet are the source's lines.

A collectivity's action table often lives in a workbook. Its first sheet is
read row by row; each row becomes one line whose cells are joined by tabs
(tabs inside a cell become spaces, and so do line breaks unless the reader declares
``cell-line-breaks``, the text they become: an export that writes a list as one
name per line, "Région\nADEME", is read as "Région | ADEME" and split), so the tabular reader,
coverage and provenance work as for TSV: an element cites its row number and
the verbatim cell text. The document's checksum is that of the workbook file.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

from lodplan.errors import MappingError
from lodplan.mapping.spec import MappingSpec

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_spreadsheet(spec: MappingSpec) -> bool:
    return spec.source.media_type == XLSX_MEDIA_TYPE or spec.source.path.suffix.lower() == ".xlsx"


def spreadsheet_lines(path: Path, raw: bytes, line_breaks: str | None = None) -> list[str]:
    import openpyxl  # imported here: only spreadsheet sources need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise MappingError(f"not a readable XLSX workbook: {exc}", file=path) from None
    try:
        sheet = workbook.worksheets[0]
        lines = [
            "\t".join(_cell_text(v, line_breaks) for v in row)
            for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _cell_text(value: object, line_breaks: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\t", " ")
    if line_breaks is None:
        return " ".join(text.splitlines())
    # the declared text between the lines of a cell; blank lines are no item
    return line_breaks.join(line.strip() for line in text.splitlines() if line.strip())
