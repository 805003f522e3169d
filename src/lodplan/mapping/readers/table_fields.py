"""Table columns read into the fields of a fiche action (``reader.fields``).

A collectivity's table of actions holds more than a hierarchy: pilotes and
partners, a status and its date, planned dates, budgets and funders, themes,
indicators, the ids other tools give. Each column is declared once, with the
property it fills; a cell is read strictly (a status the lists do not know, an
amount that is not a number, a date in no known form stops the mapping with the
line, the column and what may be written), and every non-empty cell a field
reads is counted by coverage as carried by the value it became.
"""

from __future__ import annotations

import difflib
import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import Field, model_validator

from lodplan.codelists import Vocabulary, bundled_vocabulary, word_key
from lodplan.errors import MappingError
from lodplan.iris import slugify
from lodplan.mapping.dates import MONTHS
from lodplan.mapping.model import (
    BudgetLine,
    Element,
    Identifier,
    IndicatorRef,
    IndicatorValue,
    ReadValue,
    StatusAssertion,
)
from lodplan.mapping.typed import Section
from lodplan.terms import CODE

Column = int | str  # a 1-based number, or the text of the column's header
TEXTS = ("description", "expected-results", "means", "target-audience")
SCHEDULE = ("planned-start", "planned-end", "actual-start", "actual-end")
THEME_SCHEMES = ("sgpe-lever", "m57-competence", "tet-thematique", "sdg")
Property = Literal[
    "description", "expected-results", "means", "target-audience",
    "status", "phase", "priority", "completion", "actor", "theme", "identifier",
    "planned-start", "planned-end", "actual-start", "actual-end",
    "budget", "indicator", "indicator-value", "category",
]  # fmt: skip
SHOWN_VALUES = 20  # a code list longer than this is pointed to, not listed, in an error
# the code list whose words a property's cells are (a value map may add words)
CONCEPT_LISTS = {"status": "status", "phase": "phase", "priority": "priority"}


class FieldSpec(Section):
    """One column and the property of the row's element it fills."""

    column: Column
    property: Property
    level: str | None = None  # kind of the level whose element receives it (default: deepest)
    split: str | None = None  # regular expression between the items of a list cell
    json_list: bool = False  # the cell is a JSON array (["90-211","90-212"])
    values: dict[str, str | list[str]] | None = None  # word as written → concept id(s)
    # actor
    role: str | None = None
    lookup: Literal["id", "siren"] = "id"  # a cell names actors through values, or by SIREN/SIRET
    # theme
    scheme: Literal["sgpe-lever", "m57-competence", "tet-thematique", "sdg"] | None = None
    # identifier
    agency: str | None = None
    # status: the day it is stated (a column, else the version's date, else the plan's issued date)
    date_column: Column | None = None
    stated_by: str | None = None  # an actor id
    # budget
    amount_kind: str = "budget-previsionnel"
    currency: str | None = "EUR"
    unit: str | None = None
    nature: str | None = None
    year: int | None = None
    funder: str | None = None
    funder_column: Column | None = None  # the funder's name, looked up in reader.actor-names
    # a cell of several amounts, one per item: "2025 :" / "Total … :" headings give the
    # year of the amounts after them; "- 600000 € HT prévisionnels": the last word → kind
    amount_words: dict[str, str] | None = None
    programme: str | None = None
    tax_included: bool | None = None
    # indicator-value: the indicator is named by a column or a fixed label
    indicator: str | None = None
    indicator_column: Column | None = None
    value_kind: Literal["reference", "cible", "mesure", "estimation"] = "mesure"
    date: str | None = None  # the value's date, if no date-column

    @model_validator(mode="after")
    def _needs(self) -> FieldSpec:
        needs = {
            "actor": ("role",),
            "theme": ("scheme",),
        }.get(self.property, ())
        for key in needs:
            if getattr(self, key) is None:
                raise ValueError(f"property {self.property} needs {key.replace('_', '-')}")
        if self.amount_words is not None and self.property != "budget":
            raise ValueError("amount-words is a key of property budget")
        if self.property == "indicator-value" and not (self.indicator or self.indicator_column):
            raise ValueError("property indicator-value needs indicator or indicator-column")
        if self.split is not None:
            try:
                re.compile(self.split)
            except re.error as exc:
                message = f"split {self.split!r} is not a regular expression: {exc}"
                raise ValueError(message) from None
        return self


class FieldsSection(Section):
    fields: list[FieldSpec] = Field(default_factory=list)


class CellError(Exception):
    """A cell that cannot be read as its field declares; the reader adds line and column."""


def resolve_column(column: Column, header: list[str] | None, where: str, file: object) -> int:
    """A column's 1-based number, from its number or its header text."""
    if isinstance(column, int):
        return column
    if header is None:
        raise MappingError(
            f"column {column!r} is named by its header: declare reader.header (the line of "
            "the column headers)",
            file=str(file),
            field=where,
        )
    names = [h.strip() for h in header]
    wanted, occurrence = column.strip(), 1
    numbered = re.fullmatch(r"(?P<name>.*?)\s*#(?P<n>[1-9][0-9]*)", wanted)
    if wanted not in names and numbered and numbered["name"] in names:
        wanted, occurrence = numbered["name"], int(numbered["n"])  # "Montant#2": the second
    found = [i + 1 for i, name in enumerate(names) if name == wanted]
    if not found:
        raise MappingError(
            f"no column is headed {column!r}; the headers are: {', '.join(names)}",
            file=str(file),
            field=where,
        )
    if numbered is None and len(found) > 1:
        raise MappingError(
            f"{len(found)} columns are headed {column!r} (columns "
            f"{', '.join(map(str, found))}): write {column.strip()!r}#1, #2… for each",
            file=str(file),
            field=where,
        )
    if occurrence > len(found):
        raise MappingError(
            f"only {len(found)} column(s) are headed {wanted!r}, not {occurrence}",
            file=str(file),
            field=where,
        )
    return found[occurrence - 1]


class FieldReader:
    """Reads the declared fields of one row into its new elements."""

    def __init__(
        self,
        fields: list[FieldSpec],
        columns: list[int],
        extra_columns: dict[int, dict[str, int]],
        *,
        issued: date | None,
        vocabulary: Vocabulary | None = None,
        actor_names: dict[str, str | list[str]] | None = None,
    ) -> None:
        self.fields = fields
        self.columns = columns  # the 1-based column of each field
        self.extra = extra_columns  # field index → {"date": col, "indicator": col}
        self.issued = issued
        self.vocabulary = vocabulary or bundled_vocabulary()
        self.tags: dict[str, str] = {}  # tags of the plan that cells name: id → label
        self.errors: list[tuple[int, str]] = []  # (line, problem) of cells not read
        # actor names as the table writes them → actor ids (reader.actor-names), for the
        # actor fields without values of their own and for funder columns
        self.actor_names = actor_names or {}

    def read(self, number: int, cells: list[str], new: list[Element]) -> list[ReadValue]:
        """The values of the row's cells; a cell that cannot be read goes to ``errors``."""
        read: list[ReadValue] = []
        for index, (spec, column) in enumerate(zip(self.fields, self.columns, strict=True)):
            written = _cell(cells, column)
            if not written:
                continue
            targets = [e for e in new if spec.level is None or e.kind == spec.level]
            if spec.level is None and new:
                targets = [new[-1]]
            try:
                if not targets:
                    raise CellError(f"a value but the row gives no element of kind {spec.level!r}")
                value = self._apply(index, spec, written, cells, targets)
            except CellError as exc:  # the row's other cells are still read
                self.errors.append((number, f"column {column} ({spec.property}): {exc}"))
                continue
            read.append(ReadValue(number, written, value, column=column))
            for role, other in self.extra.get(index, {}).items():  # its date, its indicator
                if _cell(cells, other):
                    text = _cell(cells, other)
                    read.append(ReadValue(number, text, f"{role} of {value}", column=other))
        return read

    def _apply(
        self, index: int, spec: FieldSpec, written: str, cells: list[str], targets: list[Element]
    ) -> str:
        prop = spec.property
        items = _items(spec, written)
        if prop in TEXTS:
            for element in targets:
                if prop == "description":
                    element.description = written
                else:
                    element.texts[prop] = written
            return prop
        if prop in SCHEDULE:
            lexical = cell_date(written)
            for element in targets:
                element.schedule[prop] = lexical
            return f"{prop} {lexical}"
        if prop == "status" or prop == "phase":
            concept = self._concept(spec, CONCEPT_LISTS[prop], written)
            on = self._date_of(index, cells)
            for element in targets:
                if prop == "status":
                    element.status = concept
                _merge_assertion(element, on, **{prop: concept})
            return f"{prop} {concept}"
        if prop == "priority":
            concept = self._concept(spec, "priority", written)
            for element in targets:
                element.priority = concept
            return f"priority {concept}"
        if prop == "completion":
            share = _completion(written)
            on = self._date_of(index, cells)
            for element in targets:
                _merge_assertion(element, on, completion=share)
            return f"completion {share}"
        if prop == "theme":
            assert spec.scheme is not None
            concepts = [self._concept(spec, spec.scheme, item, iri=True) for item in items]
            for element in targets:
                element.themes += [c for c in concepts if c not in element.themes]
            return f"themes {' '.join(c.rsplit('/', 1)[-1] for c in concepts)}"
        if prop == "actor":
            named = [(item, ref) for item in items for ref in self._actors(spec, item)]
            refs = list(dict.fromkeys(ref for _, ref in named))
            for element in targets:
                for item, ref in named:
                    if (ref, spec.role) not in element.involvements:
                        element.involvements.append((ref, spec.role or ""))
                    if spec.lookup != "siren":  # a SIRET says nothing more than its actor
                        element.keep_written_name((ref, spec.role or ""), item)
            return f"actors {', '.join(refs)}" if refs else "no actor (declared)"
        if prop == "category":
            ids = []
            for item in items:
                tag_id = slugify(item)
                if self.tags.setdefault(tag_id, item) != item:
                    raise CellError(f"{item!r} and {self.tags[tag_id]!r} would be the same tag")
                ids.append(tag_id)
            for element in targets:
                element.categories += [i for i in ids if i not in element.categories]
            return f"tags {', '.join(ids)}"
        if prop == "identifier":
            for element in targets:
                element.identifiers += [Identifier(item, spec.agency) for item in items]
            return f"identifier {', '.join(items)}"
        if prop == "budget" and spec.amount_words is not None:
            lines = self._amount_lines(spec, items, written)
            for element in targets:
                element.budget_lines += lines
            return f"budget {' '.join(line.amount for line in lines)}"
        if prop == "budget":
            amount = cell_amount(written)
            funder = spec.funder
            funder_column = self.extra.get(index, {}).get("funder")
            funder_name = _cell(cells, funder_column)
            if funder_name:
                ids = self._actors(spec, funder_name, column=funder_column)
                if len(ids) > 1:
                    raise CellError(f"the funder {funder_name!r} names {len(ids)} actors; give one")
                funder = ids[0] if ids else None
            line = BudgetLine(
                amount=amount,
                kind=spec.amount_kind,
                currency=None if spec.unit else spec.currency,
                unit=spec.unit,
                nature=spec.nature,
                year=spec.year,
                funder=funder,
                programme=spec.programme,
                tax_included=spec.tax_included,
                source_text=written,
            )
            for element in targets:
                element.budget_lines.append(line)
                # a funder is an actor of the action, as the fiche's « financeurs » list it
                if funder and (funder, "financeur") not in element.involvements:
                    element.involvements.append((funder, "financeur"))
            return f"budget {amount}"
        if prop == "indicator":
            for element in targets:
                for item in items:
                    _indicator(element, item, spec.unit)
            return f"indicator {', '.join(items)}"
        # indicator-value
        label = spec.indicator or _cell(cells, self.extra[index].get("indicator"))
        if not label:
            raise CellError("a value without the name of its indicator (its column is empty)")
        figure = cell_amount(written)
        extra = self.extra[index]
        dated: str | None = _cell(cells, extra["date"]) if "date" in extra else spec.date
        value_date = cell_date(dated) if dated else None
        if spec.value_kind == "cible" and value_date is None:
            raise CellError("a target needs its date (date or date-column)")
        for element in targets:
            indicator = _indicator(element, label, spec.unit)
            value = IndicatorValue(figure, spec.value_kind, value_date)
            element.indicators[element.indicators.index(indicator)] = IndicatorRef(
                indicator.label, indicator.unit, (*indicator.values, value)
            )
        return f"indicator value {figure}"

    def _amount_lines(self, spec: FieldSpec, items: list[str], written: str) -> list[BudgetLine]:
        """The amounts of a cell that lists them under year or total headings."""
        assert spec.amount_words is not None
        lines, year = [], spec.year
        for item in items:
            if heading := YEAR_HEADING.match(item):
                year = int(heading["year"])
                continue
            if TOTAL_HEADING.match(item):
                year = spec.year
                continue
            line = AMOUNT_LINE.match(item)
            if line is None:
                raise CellError(
                    f"{item!r} is neither a heading (« 2025 : », « Total … : ») nor an amount "
                    "(« - 12000 € HT prévisionnels »)"
                )
            kind = spec.amount_words.get(line["word"])
            if kind is None or not self.vocabulary.has_concept(f"{CODE}amount-kind/{kind}"):
                words = ", ".join(spec.amount_words)
                raise CellError(
                    f"{line['word']!r} in {item!r} is not one of the amount-words ({words}) "
                    "or does not give a concept of the amount-kind list"
                )
            unit = " ".join(line["unit"].split())
            money = unit.startswith("€") or unit == "EUR"
            lines.append(
                BudgetLine(
                    amount=cell_amount(line["amount"]),
                    kind=kind,
                    currency="EUR" if money else None,
                    unit=None if money else unit,
                    nature=spec.nature,
                    year=year,
                    funder=spec.funder,
                    programme=spec.programme,
                    tax_included={"€ HT": False, "€ TTC": True}.get(unit, spec.tax_included),
                    source_text=written,
                )
            )
        return lines

    def _concept(self, spec: FieldSpec, scheme: str, word: str, *, iri: bool = False) -> str:
        """The concept a word names: the field's value map first, then the list's own words."""
        if spec.values is not None and word in spec.values:
            chosen = spec.values[word]
            if not isinstance(chosen, str):
                raise CellError(f"the value map gives {word!r} a list; give one concept")
            found: str | None = f"{CODE}{scheme}/{chosen}"
            if not self.vocabulary.has_concept(found or ""):
                raise CellError(
                    f"{chosen!r} (values of {word!r}) is not a value of the list {scheme}; "
                    f"write one of: {self._allowed(scheme)}"
                )
        else:
            found = self.vocabulary.concept_words(scheme).get(word_key(word))
        if found is None:
            raise CellError(
                f"{word!r} is not a value of the list {scheme}; {self._nearest(scheme, word)}"
                f"write one of: {self._allowed(scheme)}; or map the word in the field's "
                f"values ({{values: {{{json.dumps(word, ensure_ascii=False)}: <identifier>}}}})"
            )
        return found if iri else found.rsplit("/", 1)[-1]

    def _nearest(self, scheme: str, word: str) -> str:
        words = self.vocabulary.concept_words(scheme)
        close = difflib.get_close_matches(word_key(word), list(words), n=3, cutoff=0.6)
        ids = list(dict.fromkeys(words[c].rsplit("/", 1)[-1] for c in close))
        return f"did you mean {' or '.join(ids)}? " if ids else ""

    def _allowed(self, scheme: str) -> str:
        allowed = self.vocabulary.concepts(scheme)
        if len(allowed) > SHOWN_VALUES:  # a long list is read in the docs
            return f"its {len(allowed)} values are in docs/codelists.md#{scheme}"
        return ", ".join(f"{label} ({cid})" for cid, label in allowed)

    def _actors(self, spec: FieldSpec, name: str, column: int | None = None) -> list[str]:
        if spec.lookup == "siren" and column is None:
            digits = re.sub(r"\s", "", name)
            if not re.fullmatch(r"[0-9]{9}(?:[0-9]{5})?", digits):
                raise CellError(f"{name!r} is not a SIREN (9 digits) or SIRET (14 digits)")
            return [f"siren:{digits[:9]}"]
        names = spec.values if spec.values is not None and column is None else self.actor_names
        if name not in names:
            where = "the field's values" if names is spec.values else "reader.actor-names"
            key = "values" if names is spec.values else "actor-names (under reader)"
            raise CellError(
                f"actor name {name!r} is not declared in {where}: add to mapping.yaml, in "
                f"{key}, {json.dumps(name, ensure_ascii=False)}: "
                "[<id of the actor in actors.yaml>] ([] if the name is no actor to publish)"
            )
        ids = names[name]
        return [ids] if isinstance(ids, str) else list(ids)

    def _date_of(self, index: int, cells: list[str]) -> date | None:
        column = self.extra.get(index, {}).get("date")
        written = _cell(cells, column) if column else ""
        if written:
            lexical = cell_date(written)
            if len(lexical) == 10:
                return date.fromisoformat(lexical)
            raise CellError(f"the status date {written!r} is not a day")
        return self.issued  # None: an undated status, the element's own (no assertion)


def _cell(cells: list[str], column: int | None) -> str:
    if column is None or column > len(cells):
        return ""
    return " ".join(cells[column - 1].split())


def _items(spec: FieldSpec, written: str) -> list[str]:
    if spec.json_list:
        try:
            items = json.loads(written)
        except json.JSONDecodeError as exc:
            raise CellError(f"{written!r} is not a JSON array: {exc.msg}") from None
        if not isinstance(items, list) or not all(isinstance(i, (str, int)) for i in items):
            raise CellError(f"{written!r} is not a JSON array of texts")
        return [str(i).strip() for i in items if str(i).strip()]
    if spec.split is not None:
        return [item.strip() for item in re.split(spec.split, written) if item.strip()]
    return [written]


def _merge_assertion(element: Element, on: date | None, **facts: str | None) -> None:
    """One status assertion per day: the status, phase and completion of the same row."""
    for i, assertion in enumerate(element.status_assertions):
        if assertion.on == on:
            merged = {k: v for k, v in facts.items() if v is not None}
            element.status_assertions[i] = StatusAssertion(
                status=merged.get("status", assertion.status),
                on=on,
                phase=merged.get("phase", assertion.phase),
                completion=merged.get("completion", assertion.completion),
                stated_by=assertion.stated_by,
            )
            return
    element.status_assertions.append(
        StatusAssertion(
            status=facts.get("status"),
            on=on,
            phase=facts.get("phase"),
            completion=facts.get("completion"),
        )
    )


def _indicator(element: Element, label: str, unit: str | None) -> IndicatorRef:
    for indicator in element.indicators:
        if indicator.label == label:
            return indicator
    indicator = IndicatorRef(label, unit)
    element.indicators.append(indicator)
    return indicator


def _completion(written: str) -> str:
    text = written.replace(",", ".").replace(" ", "")
    percent = text.endswith("%")
    try:
        share = Decimal(text.rstrip("%"))
    except InvalidOperation:
        raise CellError(f"{written!r} is not a completion (a percentage or a share)") from None
    if percent or share > 1:
        share = share / 100
    if not 0 <= share <= 1:
        raise CellError(f"{written!r} is not between 0 and 100 %")
    return format(share.normalize(), "f")


AMOUNT = re.compile(
    r"^(?P<number>[0-9][0-9\s\u00a0\u202f.]*(?:,[0-9]+)?|[0-9]+(?:\.[0-9]+)?)\s*"
    r"(?P<scale>k|M|Md)?\s*(?:€|EUR|euros?)?\s*(?:HT|TTC)?$",
    re.IGNORECASE,
)
SCALES = {"k": 1000, "m": 1_000_000, "md": 1_000_000_000}
# the lines of a cell that lists amounts (amount-words)
YEAR_HEADING = re.compile(r"^(?P<year>[0-9]{4})\s*:$")
TOTAL_HEADING = re.compile(r"^Total\b.*:$", re.IGNORECASE)
AMOUNT_LINE = re.compile(
    r"^-?\s*(?P<amount>[0-9][0-9\s\u00a0\u202f.,]*?)\s*(?P<unit>€\s*(?:HT|TTC)?|EUR|ETP)\s+"
    r"(?P<word>\S+)$"
)


def cell_amount(written: str) -> str:
    """A number as written in French or plain form (« 450 000 € », « 1,5 M€ », 450000.50)
    as a decimal lexical form."""
    match = AMOUNT.match(written.strip())
    if not match:
        raise CellError(f"{written!r} is not an amount (write e.g. 450000, 450 000 €, 1,5 M€)")
    number = re.sub(r"[\s\u00a0\u202f]", "", match["number"])
    if "," in number:  # French: "." groups thousands, "," marks decimals
        number = number.replace(".", "").replace(",", ".")
    elif number.count(".") > 1 or re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})+", number):
        number = number.replace(".", "")
    value = Decimal(number) * SCALES.get((match["scale"] or "").lower(), 1)
    return format(value.normalize(), "f")


MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
CELL_DATES = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?$"), "ymd"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "ym"),
    (re.compile(r"^(\d{4})$"), "y"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), "my"),
    (re.compile(rf"^(\d{{1,2}})(?:er)?\s+({MONTH_WORDS})\s+(\d{{4}})$", re.I), "d month y"),
    (re.compile(rf"^({MONTH_WORDS})\s+(\d{{4}})$", re.I), "month y"),
)


def cell_date(written: str) -> str:
    """A date written in a cell as the xsd lexical form of its precision: a day
    (2025-03-01, 01/03/2025, 1er mars 2025, an ISO date-time), a month (2025-03,
    03/2025, mars 2025) or a year."""
    text = written.strip()
    for pattern, form in CELL_DATES:
        m = pattern.match(text)
        if not m:
            continue
        try:
            if form == "ymd":
                return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
            if form == "dmy":
                return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
            if form == "d month y":
                return date(int(m[3]), MONTHS[m[2].lower()], int(m[1])).isoformat()
            if form == "ym":
                return f"{int(m[1]):04d}-{_month(int(m[2]))}"
            if form == "my":
                return f"{int(m[2]):04d}-{_month(int(m[1]))}"
            if form == "month y":
                return f"{int(m[2]):04d}-{MONTHS[m[1].lower()]:02d}"
            return m[1]
        except ValueError:
            break
    raise CellError(
        f"{written!r} is not a date; write a day (2025-03-01, 01/03/2025, 1er mars 2025), "
        "a month (2025-03, 03/2025, mars 2025) or a year (2025)"
    )


def _month(month: int) -> str:
    if not 1 <= month <= 12:
        raise ValueError(month)
    return f"{month:02d}"
