"""Reader for tables (TSV, CSV, XLSX) whose columns hold the levels of a plan.

Each column is given a role in the mapping: a *level* of the hierarchy (theme,
sub-theme, constat, action…), the *description* of the element of a level, the
*actors* concerned, or the *priority*. The reader is declarative and strict:

* **fill-down** — an empty cell at a level means "same element as the row
  above" (merged cells); a non-empty cell at a higher level resets the lower
  levels, so an element always hangs under the nearest element above it;
* **HTML in cells** — ``html.unescape``, tags stripped, whitespace normalised;
  a ``<ul><li>`` list is several items: several sibling elements
  (``lists: split``) or one element whose label joins the items
  (``lists: join``, for a level that has children, since one row's children
  cannot belong to several parents);
* **repairs** — rows that an extraction shifted are put back only by a
  declared ``repairs`` rule; a row of the wrong width, a priority outside the
  declared values or an undeclared actor name stops the mapping with its line;
* **provenance** — every element's span is its row, and its quote is the
  verbatim cell text (or list item) found on that line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lodplan.errors import MappingError
from lodplan.mapping.model import Element, Outline, ReadValue, Span, SpanIgnore
from lodplan.mapping.presets import check_against_preset_schema
from lodplan.mapping.readers.common import IgnoreSpec, parse_ignores, parse_span_ignores
from lodplan.mapping.readers.table_fields import (
    FieldReader,
    FieldSpec,
    FieldsSection,
    resolve_column,
)
from lodplan.mapping.spec import MappingSpec
from lodplan.mapping.text import plain_text
from lodplan.mapping.typed import parse_section

READER_KEYS = {
    "type", "format", "separator", "columns", "html", "levels", "description", "actors",
    "priority", "repairs", "ignore", "ignore-columns", "header", "key", "fields", "preset",
    "personal-data", "optional-columns", "actor-names", "cell-line-breaks", "withhold-rows",
}  # fmt: skip
SEPARATORS = (",", ";", "\t", "|")
MASK = "[donnée personnelle masquée]"
WITHHELD = "ligne non publiée"
PERSONAL_DATA = "personal data: not published, masked in the published source text"
LEVEL_KEYS = {
    "column", "class", "kind", "level-name", "lists", "join", "lead-ins", "filled", "no-element",
}  # fmt: skip
LIST_ITEM = re.compile(r"<li\b[^>]*>(?P<item>.*?)</li\s*>", re.IGNORECASE | re.DOTALL)


def clean_html(text: str) -> str:
    """Cell text as plain text: tags stripped, entities decoded, whitespace normalised."""
    return plain_text(text, ("html",))


def cell_items(raw: str, *, use_html: bool) -> list[tuple[str, str]]:
    """(clean text, verbatim quote) of each item of a cell: one per ``<li>``, else the cell."""
    raw = raw.strip()
    if not raw:
        return []
    if use_html:
        items = [m["item"] for m in LIST_ITEM.finditer(raw)]
        if items:
            return [(clean_html(item), item.strip()) for item in items if clean_html(item)]
        return [(clean_html(raw), raw)] if clean_html(raw) else []
    return [(re.sub(r"\s+", " ", raw), raw)]


@dataclass(frozen=True)
class LevelSpec:
    column: int  # 1-based
    cls: str
    kind: str
    level_name: str
    lists: str = "split"
    join: str = " ; "
    lead_ins: str = "error"  # or "join": an item ending with ":" takes the items after it
    # the column is written on every row (an export that repeats the whole path): the
    # same text as the row above under the same parent is the same element, and an
    # empty cell means the row has no element at this level (no fill-down)
    filled: bool = False
    # cell texts that say the row has no element at this level (« (Action non classée) »)
    no_element: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RepairSpec:
    """A declared correction of rows that an extraction damaged.

    ``shift_right_from`` puts back a row shifted left by one column;
    ``split_cells`` undoes a multi-line cell flattened into one line: each
    column's pieces become successive rows (piece *n* of every column on row
    *n*), the other cells staying on the first row, so fill-down applies.
    """

    lines: frozenset[int]
    reason: str
    shift_right_from: int | None = None  # 1-based column before which an empty cell goes
    split_cells: dict[int, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class ValuesSpec:
    """A column whose cells are looked up in a declared table of values."""

    column: int
    values: dict[str, Any]
    applies_to: frozenset[str]  # kinds of the row's new elements that receive the value
    split: re.Pattern[str] | None = None
    role: str | None = None


@dataclass
class _Config:
    spec: MappingSpec
    format: str
    separator: str
    width: int | None
    use_html: bool
    levels: list[LevelSpec]
    descriptions: dict[int, int] = field(default_factory=dict)  # level index -> column
    actors: ValuesSpec | None = None
    priority: ValuesSpec | None = None
    repairs: tuple[RepairSpec, ...] = ()
    ignore: tuple[IgnoreSpec, ...] = ()
    ignored_columns: dict[int, str] = field(default_factory=dict)  # column -> reason
    header: int | None = None  # the line of the column headers
    personal_columns: frozenset[int] = frozenset()  # cells masked wherever text is shown
    # rows not to publish (a fiche marked confidential): column, cell values, reason
    withhold: tuple[int, frozenset[str], str] | None = None
    key_column: int | None = None  # the source's own id of the deepest level's elements
    fields: FieldReader | None = None
    cell_errors: list[tuple[int, str]] = field(default_factory=list)  # (line, problem)

    def fail(self, message: str, key: str) -> MappingError:
        return MappingError(message, file=self.spec.path, field=f"reader.{key}")


def read_tabular(spec: MappingSpec, lines: list[str]) -> Outline:
    check_against_preset_schema(spec)
    config = _config(spec, lines)
    rows = _rows(config, lines)
    current: list[Element | None] = [None] * len(config.levels)
    roots: list[Element] = []
    ignored: dict[int, str] = {}
    plan_spans: dict[str, Span] = {}
    used_repairs: set[int] = set()
    values: list[ReadValue] = []

    masked = _masked_lines(config, rows, lines)
    for number, text in enumerate(lines, start=1):
        text = masked.get(number, text)  # a quote never shows personal data
        ignore = next((i for i in config.ignore if i.matches(number, text)), None)
        if ignore is not None:
            ignored[number] = ignore.reason
            continue
        if number == spec.plan.title_from_line:
            plan_spans["title"] = Span(number, number, text)
            continue
        if number == config.header:
            ignored[number] = "column headers (reader.header)"
            continue
        withheld = _withheld(config, rows[number - 1])
        if withheld is not None:  # not read, and not shown in the published source text
            ignored[number] = withheld
            masked[number] = f"[{WITHHELD} : {withheld}]"
            continue
        for cells in _repair(config, number, rows[number - 1], used_repairs):
            new = _read_row(config, number, text, cells, current, roots, values)
            if not new:
                raise MappingError(
                    "this row gives no element at any declared level "
                    "(declare it in reader.ignore with a reason if it is not part of the plan)",
                    file=spec.source.path,
                    line=number,
                )
            values += _apply_values(config, number, cells, new)
            values += _apply_fields(config, number, cells, new)
    if config.cell_errors:
        raise _cells_error(config)
    unused = sorted(n for r in config.repairs for n in r.lines if n not in used_repairs)
    if unused:
        raise config.fail(f"repairs name lines {unused} that were not read as rows", "repairs")
    # a cell no role reads is not an error here: coverage lists it as unaccounted,
    # unless its column is declared in ignore-columns (or an ignore names it)
    span_ignores = parse_span_ignores(spec) + [
        SpanIgnore(reason, f"reader.ignore-columns.{column}", column=column, must_match=False)
        for column, reason in config.ignored_columns.items()
    ]
    span_ignores += [
        SpanIgnore(PERSONAL_DATA, "reader.personal-data", column=column, must_match=False)
        for column in sorted(config.personal_columns)
    ]
    return Outline(
        elements=roots,
        plan_spans=plan_spans,
        ignored=ignored,
        span_ignores=span_ignores,
        values=values,
        tags=config.fields.tags if config.fields is not None else {},
        separator=config.separator,
        masked_lines=masked,
    )


def _read_row(
    config: _Config,
    number: int,
    text: str,
    cells: list[str],
    current: list[Element | None],
    roots: list[Element],
    values: list[ReadValue],
) -> list[Element]:
    new: list[Element] = []
    reset = False
    for index, level in enumerate(config.levels):
        items = cell_items(cells[level.column - 1], use_html=config.use_html)
        if len(items) == 1 and items[0][0] in level.no_element:
            said = f"no {level.kind} (the row's element is under none)"
            values.append(ReadValue(number, items[0][1], said, column=level.column))
            items = []
        if not items:
            if reset or level.filled:
                current[index] = None  # a higher level starts here: this level is absent
                reset = True
            continue
        items = _gather_lead_ins(config, number, level, items, cells[level.column - 1])
        parent = next((e for e in reversed(current[:index]) if e is not None), None)
        above = current[index]
        siblings = parent.children if parent is not None else roots
        if (
            level.filled
            and not reset
            and above is not None
            and len(items) == 1
            and items[0][0] == above.text
            and any(e is above for e in siblings)
        ):  # the row repeats the element of the row above
            values.append(
                ReadValue(
                    number,
                    items[0][1],
                    f"same {level.kind} as line {above.span.start_line}",
                    column=level.column,
                )
            )
            continue
        deeper = any(
            cell_items(cells[lv.column - 1], use_html=config.use_html)
            for lv in config.levels[index + 1 :]
        )
        if len(items) > 1 and level.lists == "join":
            joined = level.join.join(t.rstrip(" ,;") for t, _ in items)
            raw = cells[level.column - 1].strip()
            items = [(joined, raw)]
        if len(items) > 1 and deeper:
            raise MappingError(
                f"column {level.column} ({level.kind}) holds a list of {len(items)} items and "
                "the row has deeper levels: their parent would be ambiguous "
                f"(declare lists: join for this level)",
                file=config.spec.source.path,
                line=number,
            )
        made = []
        for clean, quote in items:
            if quote not in text:  # e.g. a CSV cell whose quotes were doubled: cite the row
                quote = text
            element = Element(
                level.cls, level.kind, level.level_name, clean, Span(number, number, quote)
            )
            made.append(element)
            (parent.children if parent is not None else roots).append(element)
        description_column = config.descriptions.get(index)
        if description_column is not None:
            description = clean_html(cells[description_column - 1])
            for element in made:
                element.description = description or None
        current[index] = made[-1]
        reset = True
        new.extend(made)
    return new


def _gather_lead_ins(
    config: _Config, number: int, level: LevelSpec, items: list[tuple[str, str]], raw: str
) -> list[tuple[str, str]]:
    """Join a list item that ends with ":" ("… pour :") and the items it introduces.

    Such an item is not an element of its own: the items after it complete its
    sentence. Reading it needs a declaration (``lead-ins: join``), never a guess.
    """
    lead = next((i for i, (clean, _) in enumerate(items[:-1]) if clean.endswith(":")), None)
    if lead is None:
        return items
    if level.lead_ins != "join":
        raise MappingError(
            f"column {level.column} ({level.kind}): the list item {items[lead][0][:60]!r} "
            "introduces the items after it; declare lead-ins: join for this level to read "
            "them as one element",
            file=config.spec.source.path,
            line=number,
        )
    (clean, quote), rest = items[lead], items[lead + 1 :]
    label = clean + " " + level.join.join(c.rstrip(" ,;") for c, _ in rest).lstrip(" ;")
    start = raw.find(quote)
    end = raw.find(rest[-1][1], start) + len(rest[-1][1])
    joined_quote = raw[start:end] if start >= 0 and end > start else raw.strip()
    return [*items[:lead], (label, joined_quote)]


def _apply_values(
    config: _Config, number: int, cells: list[str], new: list[Element]
) -> list[ReadValue]:
    """Give the row's new elements their priority and actors; the texts read as values."""
    source = config.spec.source.path
    read: list[ReadValue] = []
    if config.priority is not None:
        written = clean_html(cells[config.priority.column - 1])
        if written not in config.priority.values:
            raise MappingError(
                f"{written!r} in column {config.priority.column} is not a declared priority "
                f"value ({sorted(config.priority.values)}); if the row is shifted, declare a "
                "repair in reader.repairs",
                file=source,
                line=number,
            )
        concept = config.priority.values[written]
        if written and concept:
            read.append(ReadValue(number, written, f"priority {concept}"))
        for element in new:
            if element.kind in config.priority.applies_to and concept:
                element.priority = concept
    if config.actors is not None:
        spec = config.actors
        written = clean_html(cells[spec.column - 1])
        names = [n for n in (spec.split.split(written) if spec.split else [written]) if n]
        targets = [e for e in new if e.kind in spec.applies_to]
        if names and not targets:
            raise MappingError(
                f"actors {names} in column {spec.column} have no element of kind "
                f"{sorted(spec.applies_to)} on this row",
                file=source,
                line=number,
            )
        for name in names:
            if name not in spec.values:
                raise MappingError(
                    f"actor name {name!r} (column {spec.column}) is not declared in "
                    "reader.actors.values; map it to actor ids of actors.yaml, or to [] "
                    "if it names no actor",
                    file=source,
                    line=number,
                )
            ids = spec.values[name]
            ids = [ids] if isinstance(ids, str) else ids
            if ids:  # a name mapped to no actor is not carried: ignore it with a reason
                read.append(ReadValue(number, name, f"actors {', '.join(ids)}"))
            for actor_id in ids:
                for element in targets:
                    if (actor_id, spec.role or "") not in element.involvements:
                        element.involvements.append((actor_id, spec.role or ""))
                    element.keep_written_name((actor_id, spec.role or ""), name)
    return read


MAX_CELL_ERRORS = 30


def _cells_error(config: _Config) -> MappingError:
    """Every cell that cannot be read, in one error: a person fixes them in one go."""
    errors = config.cell_errors
    if len(errors) == 1:
        return MappingError(errors[0][1], file=config.spec.source.path, line=errors[0][0])
    listed = "; ".join(f"line {line}: {problem}" for line, problem in errors[:MAX_CELL_ERRORS])
    more = f"; … and {len(errors) - MAX_CELL_ERRORS} more" if len(errors) > MAX_CELL_ERRORS else ""
    return MappingError(
        f"{len(errors)} cells cannot be read: {listed}{more}",
        file=config.spec.source.path,
        line=errors[0][0],
    )


def _withheld(config: _Config, cells: list[str]) -> str | None:
    """The reason a row is not published (reader.withhold-rows), if it is one."""
    if config.withhold is None:
        return None
    column, values, reason = config.withhold
    written = " ".join(cells[column - 1].split()) if column <= len(cells) else ""
    return reason if written in values else None


def _masked_lines(config: _Config, rows: list[list[str]], lines: list[str]) -> dict[int, str]:
    """The lines whose cells of personal data are masked, as they are published."""
    masked = {}
    for number, cells in enumerate(rows, start=1):
        if number == config.header:
            continue  # the headers name the columns; they hold no one's data
        hidden = [c for c in config.personal_columns if c <= len(cells) and cells[c - 1].strip()]
        if not hidden:
            continue
        shown = [MASK if column in hidden else cell for column, cell in enumerate(cells, 1)]
        if config.format == "csv":
            out = io.StringIO()
            csv.writer(out, delimiter=config.separator, lineterminator="").writerow(shown)
            masked[number] = out.getvalue()
        else:
            masked[number] = config.separator.join(shown)
    return masked


def _apply_fields(
    config: _Config, number: int, cells: list[str], new: list[Element]
) -> list[ReadValue]:
    """The row's key and declared fields (reader.key, reader.fields)."""
    read: list[ReadValue] = []
    if config.key_column is not None:
        cell = cells[config.key_column - 1] if config.key_column <= len(cells) else ""
        key = " ".join(cell.split())
        deepest = [e for e in new if e.kind == config.levels[-1].kind]
        if deepest and not key:
            raise MappingError(
                f"the key column {config.key_column} (reader.key) is empty: every "
                f"{config.levels[-1].kind} needs its id",
                file=config.spec.source.path,
                line=number,
            )
        for element in deepest:
            element.stable_key = key
        if deepest:
            read.append(ReadValue(number, key, "IRI key", column=config.key_column))
    if config.fields is None:
        return read
    read += config.fields.read(number, cells, new)
    config.cell_errors += config.fields.errors  # reported together at the end of the table
    config.fields.errors.clear()
    return read


def _repair(config: _Config, number: int, cells: list[str], used: set[int]) -> list[list[str]]:
    """The row(s) that line ``number`` holds once the declared repairs are applied."""
    rows = [cells]
    for repair in config.repairs:
        if number not in repair.lines:
            continue
        used.add(number)
        if repair.shift_right_from is not None:
            rows = [_shift_right(config, number, row, repair) for row in rows]
        if repair.split_cells:
            rows = [new for row in rows for new in _split_cells(config, number, row, repair)]
    for row in rows:
        if config.width is not None and len(row) != config.width:
            raise MappingError(
                f"expected {config.width} columns, found {len(row)} (declare the line in "
                "reader.ignore with a reason, or a repair in reader.repairs)",
                file=config.spec.source.path,
                line=number,
            )
    return rows


def _shift_right(config: _Config, number: int, cells: list[str], repair: RepairSpec) -> list[str]:
    if cells and cells[-1].strip():
        raise MappingError(
            f"repair {repair.reason!r}: the last cell is not empty, shifting would lose it",
            file=config.spec.source.path,
            line=number,
        )
    at = (repair.shift_right_from or 1) - 1
    return [*cells[:at], "", *cells[at:-1]]


def _split_cells(
    config: _Config, number: int, cells: list[str], repair: RepairSpec
) -> list[list[str]]:
    count = len(next(iter(repair.split_cells.values())))
    rows = [list(cells)] + [[""] * len(cells) for _ in range(count - 1)]
    for column, pieces in repair.split_cells.items():
        written = clean_html(cells[column - 1]) if column <= len(cells) else ""
        if " ".join(pieces) != written:
            raise MappingError(
                f"repair {repair.reason!r}: the pieces declared for column {column} "
                f"({' | '.join(pieces)}) do not make up its text {written!r}",
                file=config.spec.source.path,
                line=number,
            )
        for row, piece in zip(rows, pieces, strict=True):
            row[column - 1] = piece
    return rows


def _rows(config: _Config, lines: list[str]) -> list[list[str]]:
    if config.format == "csv" and len(config.separator) == 1:
        return [
            next(csv.reader(io.StringIO(line), delimiter=config.separator), []) for line in lines
        ]
    return [line.split(config.separator) for line in lines]


def consistent_separators(lines: list[str]) -> dict[str, int]:
    """Each of , ; tab | that splits every line into the same number (above one) of
    cells, with that number."""
    counts = {}
    for separator in SEPARATORS:
        widths = {len(next(csv.reader([line], delimiter=separator))) for line in lines}
        if len(widths) == 1 and (width := widths.pop()) > 1:
            counts[separator] = width
    return counts


def _detect_separator(spec: MappingSpec, lines: list[str], header: int | None) -> str:
    """The delimiter of a CSV whose mapping does not give one: the one among , ; tab |
    that splits the header line (or the first line) into the most cells and splits the
    next lines the same way; else an error that says what to declare."""
    sample = [line for line in lines[(header or 1) - 1 :] if line.strip()][:20]
    if not sample:
        return ","
    counts = consistent_separators(sample)
    if len(counts) == 1 or (counts and len(set(counts.values())) == len(counts)):
        return max(counts, key=lambda sep: counts[sep])
    tried = ", ".join(repr(s) for s in SEPARATORS)
    raise MappingError(
        f"cannot tell the CSV's delimiter (tried {tried}: no single one gives every line "
        "the same number of cells); declare reader.separator",
        file=spec.path,
        field="reader.separator",
    )


def _config(spec: MappingSpec, lines: list[str] | None = None) -> _Config:
    reader = spec.reader
    lines = lines or []

    def fail(message: str, key: str) -> MappingError:
        return MappingError(message, file=spec.path, field=f"reader.{key}")

    extra = sorted(set(reader) - READER_KEYS)
    if extra:
        raise fail(
            f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(sorted(READER_KEYS))}", "type"
        )
    fmt = reader.get("format", "tsv")
    if fmt not in {"tsv", "csv", "xlsx"}:
        raise fail(f"{fmt!r} is not one of tsv, csv, xlsx", "format")
    header_line = reader.get("header")
    if header_line is not None and (not isinstance(header_line, int) or header_line < 1):
        raise fail("is the number of the line of the column headers", "header")
    # an XLSX sheet arrives as tab-joined rows (lodplan.mapping.spreadsheets)
    separator = "\t" if fmt == "xlsx" else reader.get("separator", "\t" if fmt == "tsv" else None)
    if separator is None:
        separator = _detect_separator(spec, lines, header_line)
    header = None
    if header_line is not None:
        if header_line > len(lines):
            raise fail(f"line {header_line} is past the end of the source", "header")
        row = lines[header_line - 1]
        header = (
            next(csv.reader([row], delimiter=separator)) if fmt == "csv" else row.split(separator)
        )

    def column(value: Any, where: str) -> int:
        return resolve_column(value, header, f"reader.{where}", spec.path)

    optional = reader.get("optional-columns") or []
    if not isinstance(optional, list) or not all(isinstance(c, str) for c in optional):
        raise fail("is a list of column headers the source may leave out", "optional-columns")
    if optional and header is None:
        raise fail("names columns by their headers: declare reader.header", "optional-columns")
    present = [h.strip() for h in header or []]

    def absent(value: Any) -> bool:
        """A column the source may leave out (optional-columns) and does."""
        if not isinstance(value, str) or value not in optional or value.strip() in present:
            return False
        numbered = re.fullmatch(r"(?P<name>.*?)\s*#(?P<n>[1-9][0-9]*)", value.strip())
        return numbered is None or present.count(numbered["name"]) < int(numbered["n"])

    line_breaks = reader.get("cell-line-breaks")
    if line_breaks is not None and (fmt != "xlsx" or not isinstance(line_breaks, str)):
        raise fail("is the text a line break inside a cell becomes (xlsx only)", "cell-line-breaks")
    raw_levels = reader.get("levels")
    if not isinstance(raw_levels, list) or not raw_levels:
        raise fail("is required: a list of levels, top first", "levels")
    levels = []
    for i, item in enumerate(raw_levels):
        if not isinstance(item, dict) or set(item) - LEVEL_KEYS:
            raise fail(f"allowed keys: {', '.join(sorted(LEVEL_KEYS))}", f"levels[{i}]")
        if absent(item.get("column")):
            continue
        no_element = item.get("no-element", [])
        if not isinstance(no_element, list) or not all(isinstance(t, str) for t in no_element):
            raise fail(
                "is a list of the cell texts that mean no element", f"levels[{i}].no-element"
            )
        try:
            level = LevelSpec(
                column=column(item["column"], f"levels[{i}].column"),
                cls=item["class"],
                kind=item["kind"],
                level_name=item["level-name"],
                lists=item.get("lists", "split"),
                join=item.get("join", " ; "),
                lead_ins=item.get("lead-ins", "error"),
                filled=item.get("filled", False),
                no_element=frozenset(no_element),
            )
        except KeyError as exc:
            raise fail("is required", f"levels[{i}].{exc.args[0]}") from None
        if level.lists not in {"split", "join"}:
            raise fail("must be split or join", f"levels[{i}].lists")
        if level.lead_ins not in {"error", "join"}:
            raise fail("must be error or join", f"levels[{i}].lead-ins")
        if not isinstance(level.filled, bool):
            raise fail("must be true or false", f"levels[{i}].filled")
        levels.append(level)
    if not levels:
        raise fail("every level's column is absent from the source", "levels")
    kinds = [lv.kind for lv in levels]
    config = _Config(
        spec=spec,
        format=fmt,
        separator=separator,
        width=reader.get("columns"),
        use_html=bool(reader.get("html", False)),
        levels=levels,
    )
    for i, item in enumerate(reader.get("description") or []):
        if not isinstance(item, dict) or item.get("level") not in kinds or "column" not in item:
            raise fail(f"needs column and level among {kinds}", f"description[{i}]")
        config.descriptions[kinds.index(item["level"])] = column(
            item["column"], f"description[{i}].column"
        )
    for key in ("actors", "priority"):
        item = reader.get(key)
        if item is None:
            continue
        if not isinstance(item, dict):
            raise fail(
                "is one column {column, role, values}; for several columns of actors (a "
                "pilote, partners, funders) declare each in reader.fields with property: actor",
                key,
            )
        if not isinstance(item.get("values"), dict) or "column" not in item:
            raise fail("needs column and values", key)
        applies = item.get("applies-to") or [levels[-1].kind]
        if set(applies) - set(kinds):
            raise fail(f"must name level kinds among {kinds}", f"{key}.applies-to")
        if key == "actors" and not item.get("role"):
            raise fail(
                "is required (a concept of the role list, e.g. service-concerne)", "actors.role"
            )
        values = {("" if k is None else str(k)): v for k, v in item["values"].items()}
        setattr(
            config,
            key,
            ValuesSpec(
                column=column(item["column"], f"{key}.column"),
                values=values,
                applies_to=frozenset(applies),
                split=re.compile(item["split"]) if item.get("split") else None,
                role=item.get("role"),
            ),
        )
    config.repairs = tuple(
        _repair_spec(item, f"repairs[{i}]", fail)
        for i, item in enumerate(reader.get("repairs") or [])
    )
    config.ignore = parse_ignores(spec)
    for name, reason in (reader.get("ignore-columns") or {}).items():
        if not isinstance(name, (int, str)) or not isinstance(reason, str) or not reason:
            raise fail("maps columns to the reason they are not read", "ignore-columns")
        if not absent(name):
            config.ignored_columns[column(name, f"ignore-columns.{name}")] = reason
    config.header = header_line
    withhold = reader.get("withhold-rows")
    if isinstance(withhold, dict) and absent(withhold.get("column")):
        withhold = None  # the export left the column out: no row says to withhold it
    if withhold is not None:
        if not isinstance(withhold, dict) or set(withhold) != {"column", "values", "reason"}:
            raise fail("is {column, values, reason}: the rows not to publish", "withhold-rows")
        config.withhold = (
            column(withhold["column"], "withhold-rows.column"),
            frozenset(str(v) for v in withhold["values"]),
            str(withhold["reason"]),
        )
    personal = reader.get("personal-data") or []
    if not isinstance(personal, list):
        raise fail("is the list of the columns that hold personal data", "personal-data")
    config.personal_columns = frozenset(
        column(name, f"personal-data[{i}]") for i, name in enumerate(personal)
    )
    key_spec = reader.get("key")
    if key_spec is not None:
        if not isinstance(key_spec, dict) or set(key_spec) != {"column"}:
            raise fail("is {column: <the column of the element's own id>}", "key")
        config.key_column = column(key_spec["column"], "key.column")
    config.fields = _fields(spec, reader, column, kinds, absent)
    return config


def _fields(
    spec: MappingSpec,
    reader: dict[str, Any],
    column: Callable[[Any, str], int],
    kinds: list[str],
    absent: Callable[[Any], bool],
) -> FieldReader | None:
    if not reader.get("fields"):
        return None
    section = parse_section(
        FieldsSection, {"fields": reader["fields"]}, file=spec.path, at="reader"
    )
    names = reader.get("actor-names") or {}
    if not isinstance(names, dict) or not all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v))
        for v in names.values()
    ):
        raise MappingError(
            "maps each actor name as the table writes it to actor ids of actors.yaml "
            "(an id, a list of ids, or [] for a name that names no actor)",
            file=spec.path,
            field="reader.actor-names",
        )
    kept: list[FieldSpec] = []
    columns, extra = [], {}
    for i, item in enumerate(section.fields):
        where = f"fields[{i}]"
        if absent(item.column):
            continue  # a column the export leaves out when no row fills it
        if item.level is not None and item.level not in kinds:
            raise MappingError(
                f"{item.level!r} is not a level kind; write one of {', '.join(kinds)}",
                file=spec.path,
                field=f"reader.{where}.level",
            )
        columns.append(column(item.column, f"{where}.column"))
        extra[len(kept)] = {
            name: column(value, f"{where}.{name}-column")
            for name, value in (
                ("date", item.date_column),
                ("indicator", item.indicator_column),
                ("funder", item.funder_column),
            )
            if value is not None and not absent(value)
        }
        kept.append(item)
    issued = spec.plan.issued if isinstance(spec.plan.issued, date) else None
    if spec.version is not None:  # a status without its day holds on its version's date
        issued = spec.version.date
    actor_names = {str(k): v for k, v in names.items()}
    return FieldReader(kept, columns, extra, issued=issued, actor_names=actor_names)


def _repair_spec(item: Any, where: str, fail: Callable[[str, str], MappingError]) -> RepairSpec:
    if not isinstance(item, dict) or not item.get("reason") or not item.get("lines"):
        raise fail("needs lines and reason", where)
    unknown = set(item) - {"lines", "reason", "shift-right-from-column", "split-cells"}
    if unknown or ("shift-right-from-column" in item) == ("split-cells" in item):
        raise fail("needs exactly one of shift-right-from-column and split-cells", where)
    split: dict[int, tuple[str, ...]] = {}
    for column, pieces in (item.get("split-cells") or {}).items():
        if not isinstance(column, int) or not isinstance(pieces, list) or len(pieces) < 2:
            raise fail("maps column numbers to the list of pieces of the cell", where)
        split[column] = tuple(str(p) for p in pieces)
    if len({len(p) for p in split.values()}) > 1:
        raise fail("every split column needs the same number of pieces", where)
    shift = item.get("shift-right-from-column")
    return RepairSpec(
        lines=frozenset(item["lines"]),
        reason=item["reason"],
        shift_right_from=int(shift) if shift is not None else None,
        split_cells=split,
    )
