"""The format of a mapping file (``mapping.yaml``) as typed models.

Every mapping file is checked against these models when it is loaded
(:func:`check_mapping_file`): every problem is reported at once, each with the path
of its field (``reader.ignore[3].lines[1]``), before any reader runs. The published
JSON Schema of mapping files (``docs/mapping.schema.json``, written by
``python tools/mapping_schema.py``) is generated from them, so editors complete and
check a mapping as it is typed. Each reader then reads its validated section;
what a value means is documented in docs/mapping.md.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from lodplan.mapping.readers.table_fields import FieldSpec
from lodplan.mapping.typed import Section, parse_section

IDENTIFIER_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN)]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(min_length=1)]
LanguageMap = dict[LanguageTag, Text]
LineRange = Annotated[str, StringConstraints(pattern=r"^[0-9]+-[0-9]+$")]
Line = Annotated[int, Field(ge=1)]
Lines = list[Line | LineRange]
ElementClass = Literal["PlanElement", "Objective", "Action"]
Column = Annotated[int, Field(ge=1)] | Text  # a number (1 is the first) or a header


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
    return pattern


Regex = Annotated[str, AfterValidator(_compiles), Field(json_schema_extra={"format": "regex"})]
YearMonth = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]


# -- plan and source -------------------------------------------------------------------


class Stated(Section):
    line: Line | None = None
    lines: Annotated[list[Line], Field(min_length=2, max_length=2)] | None = None
    quote: Text | None = None

    @model_validator(mode="after")
    def _one_place(self) -> Stated:
        if (self.line is None) == (self.lines is None):
            raise ValueError("give 'line: N' or 'lines: [first, last]'")
        if self.lines is not None and self.lines[0] > self.lines[1]:
            raise ValueError("expected lines [first, last] with first <= last")
        return self


class Period(Section):
    start: date
    end: date


class StatedFacts(Section):
    territories: Stated | None = None
    publisher: Stated | None = None
    creators: Stated | None = None
    adopted_by: Stated | None = None
    issued: Stated | None = None
    period_start: Stated | None = None
    period_end: Stated | None = None


class Plan(Section):
    id: Identifier
    title: LanguageMap
    title_from_line: Line | None = None
    description: LanguageMap | None = None
    type: Identifier
    status: Identifier | None = None
    publisher: Identifier
    adopted_by: Identifier | None = None
    issued: date | YearMonth | None = None
    creators: list[Identifier] | None = None
    language: LanguageTag
    period: Period | None = None
    territories: list[Text] | None = None
    stated: StatedFacts | None = None
    licence: Text | None = None
    themes: list[Text] | None = None
    keywords: list[Text] | None = None


class Source(Section):
    file: Text
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    title: LanguageMap
    media_type: Text | None = None
    encoding: Text | None = None  # a Python codec name, or auto
    markup: list[Literal["markdown", "superscript", "html"]] | None = None
    # the web address of the original document (the PDF the text was extracted from)
    original: Annotated[str, StringConstraints(pattern=r"^https?://")] | None = None


# -- what every reader shares -------------------------------------------------------------


class Ignore(Section):
    """Lines (``lines``, ``pattern``, ``blank``) or sentences and cells (``text``,
    ``span-pattern``, ``column``) left out, with the reason."""

    reason: Text
    lines: Lines | None = None
    pattern: Regex | None = None
    blank: bool | None = None
    text: Text | None = None
    span_pattern: Regex | None = None
    column: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _what(self) -> Ignore:
        spans = any(v is not None for v in (self.text, self.span_pattern, self.column))
        if spans and self.pattern is not None:
            raise ValueError(
                "'pattern' ignores whole lines; a declaration of sentences or cells takes "
                "'span-pattern'"
            )
        if not spans and self.lines is None and self.pattern is None and not self.blank:
            raise ValueError("say what is ignored: lines, pattern, blank, text, span-pattern")
        return self


class Level(Section):
    class_: ElementClass = Field(alias="class")
    kind: Identifier
    level_name: Text


# -- readers ------------------------------------------------------------------------------


class TabularLevel(Level):
    column: Column
    lists: Literal["split", "join"] = "split"
    join: str = " ; "
    lead_ins: Literal["error", "join"] = "error"
    filled: bool = False  # the table repeats the level's cell on every row
    no_element: list[Text] | None = None  # cells that mean « no element at this level »


class DescriptionColumn(Section):
    column: Column
    level: Identifier


class ValuesColumn(Section):
    column: Column
    values: dict[str, Any]
    applies_to: list[Identifier] | None = None
    split: Regex | None = None
    role: Identifier | None = None


class Repair(Section):
    lines: list[Line]
    reason: Text
    shift_right_from_column: Annotated[int, Field(ge=1)] | None = None
    split_cells: dict[int, Annotated[list[str], Field(min_length=2)]] | None = None

    @model_validator(mode="after")
    def _one_repair(self) -> Repair:
        if (self.shift_right_from_column is None) == (self.split_cells is None):
            raise ValueError("needs exactly one of shift-right-from-column and split-cells")
        return self


class Key(Section):
    column: Column


class WithheldRows(Section):
    """Rows not to publish: those whose cell in ``column`` is one of ``values``."""

    column: Column
    values: Annotated[list[Text], Field(min_length=1)]
    reason: Text


class TabularReader(Section):
    type: Literal["tabular"] = "tabular"
    preset: Identifier | None = None
    format: Literal["tsv", "csv", "xlsx"] = "tsv"
    separator: str | None = None
    columns: Annotated[int, Field(ge=1)] | None = None
    html: bool = False
    header: Line | None = None
    levels: Annotated[list[TabularLevel], Field(min_length=1)] | None = None
    key: Key | None = None
    description: list[DescriptionColumn] | None = None
    actors: ValuesColumn | None = None
    priority: ValuesColumn | None = None
    fields: list[FieldSpec] | None = None
    repairs: list[Repair] | None = None
    ignore: list[Ignore] | None = None
    ignore_columns: dict[int | str, Text] | None = None
    personal_data: list[Column] | None = None  # masked wherever the source is shown
    optional_columns: list[Text] | None = None  # headers the table may leave out
    actor_names: dict[str, Identifier | list[Identifier]] | None = None
    cell_line_breaks: str | None = None  # what a line break inside a cell becomes
    withhold_rows: WithheldRows | None = None  # e.g. fiches marked confidential

    @field_validator("actors", mode="before")
    @classmethod
    def _one_actors_column(cls, value: Any) -> Any:
        if isinstance(value, list):
            raise ValueError(
                "is one column {column, role, values}; for several columns of actors (a "
                "pilote, partners, funders) declare each in reader.fields with property: actor"
            )
        return value

    @model_validator(mode="after")
    def _levels_or_preset(self) -> TabularReader:
        if self.levels is None and self.preset is None:
            raise ValueError("declare levels (the columns of the hierarchy), or a preset")
        return self


class CodedColumns(Section):
    code: Annotated[int, Field(ge=1)]
    text: Annotated[int, Field(ge=1)]


class CodedOutlineReader(Section):
    type: Literal["coded-outline"]
    separator: str = "\t"
    columns: CodedColumns
    code_pattern: Regex
    levels: dict[int, Level]
    repeated_code: Level
    ignore: list[Ignore] | None = None


class Heading(Level):
    level: int
    pattern: Regex
    notation: str = "{number}"


class Partner(Section):
    pattern: Regex
    actors: list[Identifier]
    role: Identifier = "partenaire"
    in_: Literal["sentence", "item"] = Field("sentence", alias="in")


class Clauses(Section):
    separators: Annotated[list[Regex], Field(min_length=1)]


class Names(Section):
    actions_when: Regex


class Exclusion(Section):
    line: Line
    text: Text
    reason: Text


class Context(Section):
    line: Line
    text: Text
    context: Text


class ListRole(Section):
    """A verb that, in a sentence introducing a list, gives its actor a role on the items."""

    pattern: Regex
    role: Identifier


class Actions(Section):
    under: Identifier
    sections: dict[str, list[Literal["bold", "italic", "link", "highlight"]] | None] | None = None
    description: Literal["sentence"] | None = None
    partners: list[Partner] | None = None
    clauses: Clauses | None = None
    names: Names | None = None
    class_: ElementClass = Field("Action", alias="class")
    kind: Identifier = "action"
    level_name: Text = "Action"
    link_target: str | None = None
    exclude: list[Exclusion] | None = None
    contexts: list[Context] | None = None
    list_roles: list[ListRole] | None = None


class Inset(Section):
    lines: Lines
    title: Line | Annotated[list[Line], Field(min_length=2, max_length=2)] | None = None
    class_: ElementClass = Field(alias="class")
    kind: Identifier
    level_name: Text
    sections: list[str] | None = None
    description: str | None = None
    partners: list[Partner] | None = None


class Passages(Section):
    lines: Lines
    label: Text | None = None


class ProseAsPassages(Section):
    as_: Literal["passages"] = Field(alias="as")


class MarkdownOutlineReader(Section):
    type: Literal["markdown-outline"]
    title_lines: Annotated[list[Line], Field(min_length=2, max_length=2)] | None = None
    headings: Annotated[list[Heading], Field(min_length=1)]
    actions: Actions | None = None
    insets: list[Inset] | None = None
    prose: Text | ProseAsPassages | None = None
    passages: list[Passages] | None = None
    ignore: list[Ignore] | None = None


class CuratedOutlineReader(Section):
    type: Literal["curated-outline"]
    outline: Text  # the outline file, beside the mapping


def _reader_type(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("type") or ("tabular" if "preset" in value else None)
    return getattr(value, "type", None)


Reader = Annotated[
    Annotated[TabularReader, Tag("tabular")]
    | Annotated[CodedOutlineReader, Tag("coded-outline")]
    | Annotated[MarkdownOutlineReader, Tag("markdown-outline")]
    | Annotated[CuratedOutlineReader, Tag("curated-outline")],
    Discriminator(
        _reader_type,
        custom_error_type="reader_type",
        custom_error_message="reader.type must be tabular, coded-outline, markdown-outline "
        "or curated-outline (or give a preset)",
    ),
]


# -- the rest of the file ---------------------------------------------------------------


class FromText(Section):
    value: Text | None = None
    from_: Text | None = Field(None, alias="from")
    split: str | None = None
    lookup: Literal["country"] | None = None


class CategoryIf(Section):
    group: Text
    value: Identifier


class RuleActors(Section):
    from_: Text = Field(alias="from")
    role: Identifier = "mentionne"
    values: dict[str, Identifier | list[Identifier]]


class Rule(Section):
    id: Identifier
    pattern: Regex
    remove: bool | None = None
    replace: str | None = None
    note: Text | None = None
    category: FromText | None = None
    category_if: CategoryIf | None = None
    status: Identifier | None = None
    priority: Identifier | None = None
    territories: FromText | None = None
    actors: RuleActors | None = None
    check_notation: str | None = None


class TagDeclaration(Section):
    label: LanguageMap
    definition: LanguageMap | None = None
    notation: Text | None = None


class TerritoryDeclaration(Section):
    label: LanguageMap
    kind: Identifier


class NamedPeriodDeclaration(Section):
    text: Text
    start: date
    end: date


class Dates(Section):
    language: Literal["fr"] = "fr"
    assume_year: int | None = None
    role: Identifier | None = None
    years: bool | None = None
    not_dates: list[Text] | None = None
    periods: list[NamedPeriodDeclaration] | None = None


class Reconcile(Section):
    communes_in: list[Annotated[str, StringConstraints(pattern=r"^[0-9][0-9AB][0-9]?$")]] | None = (
        None
    )
    organisations_in: list[Literal["label", "description"]] | None = None


class Coverage(Section):
    compare: Literal["exact", "ocr"] = "exact"


class Version(Section):
    """Which version of the plan the inputs are (docs/versions.md)."""

    id: Identifier
    date: date
    label: LanguageMap | None = None
    # an element whose title (its key) changed and that keeps its IRI: old → new
    renamed: dict[Text, Text] | None = None
    # elements of the previous version that are gone, on purpose
    removed: list[Text] | None = None
    # splits and merges: a new element → the elements of the previous version it replaces
    replaces: dict[Text, Annotated[list[Text], Field(min_length=1)]] | None = None


class MappingFile(Section):
    """A mapping file: how lodplan reads one source document as a plan."""

    lodplan_mapping: Literal[1]
    plan: Plan
    version: Version | None = None
    source: Source
    reader: Reader
    rules: list[Rule] | None = None
    tags: dict[Identifier, TagDeclaration] | None = None
    territories: dict[Identifier, TerritoryDeclaration] | None = None
    dates: Dates | None = None
    reconcile: Reconcile | None = None
    coverage: Coverage | None = None


# -- curated outlines (reader.type: curated-outline, outline.yaml) ----------------------

CitedLines = Line | Annotated[list[Line], Field(min_length=2, max_length=2)]


class OutlineType(Section):
    class_: ElementClass | None = Field(None, alias="class")
    kind: Identifier | None = None
    level_name: Text | None = None
    children: Text | None = None  # the type of its items' children


class Cited(Section):
    lines: CitedLines
    quote: Text


class AltLabel(Cited):
    label: Text


class OutlineDate(Section):
    text: Text
    start: date | None = None
    end: date | None = None
    precision: Identifier | None = None
    role: Identifier | None = None


class OutlineFigures(Section):
    territory: Text
    text: Text
    population: int | None = None
    communes: int | None = None
    year: int | None = None


class OutlineActor(Section):
    id: Identifier
    role: Identifier = "mentionne"


class OutlineItem(Cited):
    """One element: its label, where the source says it (lines, quote) and what it holds."""

    label: Text
    type: Text | None = None
    class_: ElementClass | None = Field(None, alias="class")
    kind: Identifier | None = None
    level_name: Text | None = None
    description: Text | None = None
    editorial: Text | None = None
    label_by_editor: Text | None = None
    alt_labels: list[AltLabel] | None = None
    notation: Text | None = None
    status: Identifier | None = None
    note: Text | None = None
    dates: list[OutlineDate] | None = None
    territories: list[Text] | None = None
    actors: list[OutlineActor] | None = None
    figures: list[OutlineFigures] | None = None
    children: list[OutlineItem] | None = None
    children_type: Text | None = None


class OutlineIgnore(Section):
    reason: Text
    lines: CitedLines | None = None
    text: Text | None = None
    span_pattern: Regex | None = None
    column: Annotated[int, Field(ge=1)] | None = None


class OutlineFile(Section):
    """A curated outline: the plan's elements as a person read them, each cited."""

    lodplan_outline: Literal[1]
    types: dict[Text, OutlineType] | None = None
    plan: dict[Text, Cited] | None = None  # the plan's facts (title, publisher) and their lines
    items: Annotated[list[OutlineItem], Field(min_length=1)]
    ignore: list[OutlineIgnore] | None = None


def check_outline_file(data: Any, path: Path) -> OutlineFile:
    """An outline file checked against its format: every problem at once, with its path."""
    return parse_section(OutlineFile, data, file=path, at="")


def check_mapping_file(data: Any, path: Path) -> MappingFile:
    """``data`` (a mapping file as YAML gives it) checked against the format; a
    MappingError lists every problem with its field path."""
    return parse_section(MappingFile, data, file=path, at="")


def outline_json_schema() -> dict[str, Any]:
    """The JSON Schema of curated outline files (outline.yaml)."""
    schema = OutlineFile.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://w3id.org/lodplan/outline.schema.json"
    schema["title"] = "lodplan curated outline file (outline.yaml)"
    return schema


def mapping_json_schema() -> dict[str, Any]:
    """The JSON Schema of mapping files, as editors use it (keys as written in YAML)."""
    schema = MappingFile.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://w3id.org/lodplan/mapping.schema.json"
    schema["title"] = "lodplan mapping file (mapping.yaml)"
    return schema
