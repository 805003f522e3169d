"""The actions of a plan as a spreadsheet workbook (``plans/<id>.xlsx``).

The per-plan CSV stays RFC 4180 (comma-separated, as CSVW requires), but Excel with
French regional settings splits a double-clicked ``.csv`` on ``;`` and shows every
row in column A. The same table as an Office Open XML workbook opens everywhere
without an import dialog: same columns, same rows, same order as the CSV; the
header row bold and frozen, with a filter; dates as dates, IRIs as links, every
other cell as text (a code ``1.10`` stays ``1.10``); and a second sheet, "À propos",
that tells what the table is (the plan and its IRI, the source document, the licence,
the day these rows were first published) and what each column holds.

Same rows, same bytes: the workbook's document properties are dated with the day its
rows were first published (as the catalog dates the CSV), never with the time of the
build, and the ZIP entries carry a fixed timestamp. A rebuild of unchanged data thus
keeps the file's checksum, the catalog and the build id. The archive is written in
memory, entries dated as they are written (no temporary file per sheet, no second
compression to re-date them).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from lodplan.bundled import site_dir

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What a cell of Excel holds at most (characters); a longer text is cut there.
MAX_CELL_CHARACTERS = 32_767
CUT_MARK = "… [texte coupé : le fichier CSV le donne en entier]"
#: The ZIP format's earliest date: what every entry of the workbook is dated with.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
NUMBER_FORMAT = "#,##0.##"  # thousands grouped and decimals as the spreadsheet's locale writes them
DATE_FORMAT = "yyyy-mm-dd"  # ISO 8601, as in the CSV: read alike in every locale
MAX_WIDTH = 60  # characters: longer texts overflow into empty neighbours or are cut
ACTIONS_SHEET = "Actions"
ABOUT_SHEET = "À propos"
BOLD = Font(bold=True)
LINK = Font(color="0563C1", underline="single")  # Excel's own "Hyperlink" colours
WRAPPED = Alignment(wrap_text=True, vertical="top")  # one object: made once, not per cell


@dataclass(frozen=True)
class WorkbookAbout:
    """What the "À propos" sheet and the document properties say of the table."""

    title: str
    plan_title: str
    plan_iri: str
    published: str  # ISO date: the day these rows were first published
    licence: str | None = None  # an IRI
    source_iri: str | None = None
    description: str = ""


def actions_workbook(
    columns: Sequence[Mapping], rows: Sequence[Mapping[str, str]], about: WorkbookAbout
) -> bytes:
    """The table (``columns`` as the CSVW metadata declares them, ``rows`` as the CSV
    holds them) as ``.xlsx`` bytes, the same for the same arguments."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = ACTIONS_SHEET
    _fill_table(sheet, columns, rows)
    _fill_about(workbook.create_sheet(ABOUT_SHEET), columns, about)
    day = datetime.datetime.fromisoformat(about.published)
    properties = workbook.properties
    properties.title = about.title
    properties.subject = about.plan_title
    properties.description = about.description or None
    properties.identifier = about.plan_iri
    properties.creator = properties.lastModifiedBy = "lodplan"
    properties.language = "fr"
    properties.created = properties.modified = day
    buffer = io.BytesIO()
    with _DatedZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _InMemoryExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def _fill_table(sheet: Worksheet, columns: Sequence[Mapping], rows: Sequence[Mapping]) -> None:
    names = [column["name"] for column in columns]
    sheet.append(names)  # the columns' names, as in the CSV's header row
    for cell in sheet[1]:
        cell.font = BOLD
    typed = [
        (number, column["name"], base_datatype(column))
        for number, column in enumerate(columns, start=1)
    ]
    for index, row in enumerate(rows, start=2):
        for number, name, datatype in typed:
            _set(sheet, index, number, row.get(name, ""), datatype)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(names))
    sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    for number, name in enumerate(names, start=1):
        values = [str(row.get(name, "")) for row in rows]
        longest = max((len(v) for v in values), default=0)
        sheet.column_dimensions[get_column_letter(number)].width = min(
            MAX_WIDTH, max(len(name) + 4, longest + 2, 8)
        )


def base_datatype(column: Mapping) -> str:
    """The CSVW datatype of a column, by name: ``string``, ``date``, ``decimal``… (the
    base of a datatype description such as ``{"base": "decimal", "minimum": 0}``)."""
    datatype = column.get("datatype", "string")
    return str(datatype.get("base", "string")) if isinstance(datatype, Mapping) else str(datatype)


def _set(sheet: Worksheet, row: int, column: int, value: str, datatype: str | None) -> None:
    """One cell, typed as its CSVW column: ``date`` as a date, ``decimal`` as a number
    (amounts add up in a spreadsheet), ``anyURI`` as a link, anything else as text
    (never a formula or error code)."""
    if value == "":
        return
    cell = sheet.cell(row=row, column=column)
    if datatype == "date":
        cell.value = datetime.date.fromisoformat(value)
        cell.number_format = DATE_FORMAT
        return
    if datatype == "decimal":
        try:
            cell.value = Decimal(value)
        except InvalidOperation:
            pass
        else:
            cell.number_format = NUMBER_FORMAT
            return
    text = _cell_text(value)
    cell.value = text
    cell.data_type = "s"  # "=x" would be a formula, "#N/A" an error: both are text here
    if datatype == "anyURI":
        cell.hyperlink = text
        cell.font = LINK


def _cell_text(value: str) -> str:
    """``value`` as a cell can hold it: without the control characters XML 1.0 forbids
    (the data has none: the mappings' text is read as text), at most 32,767 characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > MAX_CELL_CHARACTERS:
        text = text[: MAX_CELL_CHARACTERS - len(CUT_MARK)] + CUT_MARK
    return text


def _fill_about(sheet: Worksheet, columns: Sequence[Mapping], about: WorkbookAbout) -> None:
    facts: list[tuple[str, str, bool]] = [
        ("Tableau", about.title, False),
        ("Plan", about.plan_title, False),
        ("IRI du plan", about.plan_iri, True),
    ]
    if about.source_iri:
        facts.append(("Document source", about.source_iri, True))
    if about.licence:
        label = licence_label(about.licence)
        facts.append(("Licence", f"{label} ({about.licence})" if label else about.licence, False))
    facts += [
        ("Données publiées le", about.published, False),
        ("Publié avec", "lodplan : chaque ligne a l'IRI de l'action, qui donne sa source", False),
    ]
    if about.description:
        facts.append(("Contenu", about.description, False))
    for label, value, link in facts:
        sheet.append([label, _cell_text(value)])
        sheet.cell(row=sheet.max_row, column=1).font = BOLD
        if link:
            value_cell = sheet.cell(row=sheet.max_row, column=2)
            value_cell.hyperlink, value_cell.font = value, LINK
    sheet.append([])
    sheet.append(["Colonne", "Titre", "Type", "Description"])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for column in columns:
        titles = column.get("titles") or [column["name"]]
        title = titles[0] if isinstance(titles, list) else titles
        description = column.get("dc:description", "")
        sheet.append([column["name"], title, base_datatype(column), description])
    for letter, width in zip("ABCD", (22, 40, 10, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_col=2, max_col=4):
        for cell in row:
            cell.alignment = WRAPPED


@cache
def _licences() -> Graph:
    return Graph().parse(site_dir() / "catalog" / "licences.ttl", format="turtle")


def licence_label(iri: str) -> str | None:
    """The title of a licence lodplan knows (``site/catalog/licences.ttl``)."""
    label = _licences().value(URIRef(iri), RDFS.label)
    return None if label is None else str(label)


class _DatedZipFile(zipfile.ZipFile):
    """A ZIP archive whose entries are all dated :data:`ZIP_EPOCH` (zipfile dates an
    entry written from a name with the current time), deflated, mode 644."""

    def writestr(  # type: ignore[override]
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: bytes | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = (
            zinfo_or_arcname.filename
            if isinstance(zinfo_or_arcname, zipfile.ZipInfo)
            else zinfo_or_arcname
        )
        info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        super().writestr(info, data)

    def write(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        raise NotImplementedError("workbook parts are written from memory (writestr)")


class _InMemoryExcelWriter(ExcelWriter):  # type: ignore[misc]
    """openpyxl's writer with each worksheet written to memory rather than to a
    temporary file (created, read back and removed for every sheet of every workbook):
    the same XML, so the same archive."""

    def write_worksheet(self, ws: Worksheet) -> None:
        # as ExcelWriter.write_worksheet (openpyxl 3.1) for a workbook not write-only
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)
