"""Reading a mapping file (``mapping.yaml``) into a checked specification.

Every problem is reported with the file and the dotted path of the field, so a
collectivity writing its own mapping knows what to fix.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, overload

import yaml

from lodplan.errors import MappingError
from lodplan.iris import slugify
from lodplan.mapping.dates import NamedPeriod
from lodplan.mapping.presets import merge_preset
from lodplan.mapping.text import MARKUP

MAPPING_FORMAT_VERSION = 1
IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LanguageMap = dict[str, str]


@dataclass(frozen=True)
class PlanSpec:
    id: str
    title: LanguageMap
    type: str
    publisher: str
    language: str
    title_from_line: int | None = None
    description: LanguageMap = field(default_factory=dict)
    status: str | None = None
    adopted_by: str | None = None
    issued: date | str | None = None  # a day, or a month written "YYYY-MM"
    period: tuple[date, date] | None = None
    territories: tuple[str, ...] = ()
    creators: tuple[str, ...] = ()  # actors who wrote the document (dcterms:creator)
    # the source lines that state each fact above (its provenance), by fact name
    stated: dict[str, StatedSpec] = field(default_factory=dict)
    # What the catalog says of the dataset publishing the plan (defaults: catalog.yaml)
    licence: str | None = None
    themes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


# plan facts whose stating lines a mapping may give (``plan.stated``)
STATED_FACTS = (
    "territories", "publisher", "creators", "adopted-by", "issued", "period-start", "period-end",
)  # fmt: skip
YEAR_MONTH = re.compile(r"^[0-9]{4}-(?:0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class StatedSpec:
    """Where the source states a plan fact: lines (1-based, inclusive) and, optionally,
    the words there that state it (else the lines themselves are the quote)."""

    start_line: int
    end_line: int
    quote: str | None = None


@dataclass(frozen=True)
class SourceSpec:
    path: Path
    title: LanguageMap
    media_type: str
    encoding: str
    sha256: str | None
    # markup families the extraction left in the text (lodplan.mapping.text); None:
    # the syntax the reader reads
    markup: tuple[str, ...] | None = None
    # where the original document (the PDF the text was extracted from) is published
    original: str | None = None


@dataclass(frozen=True)
class RuleSpec:
    """One extraction rule: a pattern and what its match means."""

    id: str
    pattern: re.Pattern[str]
    field_path: str
    remove: bool = False
    replace: str | None = None
    category: dict[str, Any] | None = None
    category_if: dict[str, Any] | None = None
    status: str | None = None
    priority: str | None = None
    territories: dict[str, Any] | None = None
    actors: dict[str, Any] | None = None
    check_notation: str | None = None


@dataclass(frozen=True)
class TagSpec:
    id: str
    label: LanguageMap
    definition: LanguageMap
    notation: str | None


@dataclass(frozen=True)
class TerritorySpec:
    id: str
    label: LanguageMap
    kind: str


@dataclass(frozen=True)
class DatesSpec:
    language: str = "fr"
    assume_year: int | None = None
    role: str = "evenement"
    years: bool = False  # also read lone years ("Borders Forum 2024")
    not_dates: tuple[str, ...] = ()  # phrases whose numbers are names ("Agenda 2030")
    # names the document gives to a period it states elsewhere ("100 jours")
    periods: tuple[NamedPeriod, ...] = ()


@dataclass(frozen=True)
class ReconcileSpec:
    """Where to look for the places a plan names (see lodplan.mapping.mentions)."""

    communes_in: tuple[str, ...] = ()  # départements whose communes the plan may name
    # where organisations are looked for: a description shared by several elements (the
    # sentence of two highlighted actions) would give one element the other's partners
    organisations_in: tuple[str, ...] = ("label", "description")


COVERAGE_COMPARE = ("exact", "ocr")


@dataclass(frozen=True)
class CoverageSpec:
    """How coverage compares the source's sentences with the published text.

    ``exact``: the words as written (markup aside). ``ocr``: for an OCR whose
    published text a person corrected (a curated outline) — letters and digits
    only, accents and case aside, a few misread letters tolerated."""

    compare: str = "exact"


@dataclass(frozen=True)
class VersionSpec:
    """The version of the plan a mapping's inputs are (``version``; docs/versions.md).

    Keys are element keys (:func:`element_key`)."""

    id: str
    date: date
    label: LanguageMap = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # old key → new key
    removed: tuple[str, ...] = ()
    replaces: dict[str, tuple[str, ...]] = field(default_factory=dict)  # new → old keys


@dataclass(frozen=True)
class MappingSpec:
    path: Path
    plan: PlanSpec
    source: SourceSpec
    reader: dict[str, Any]
    rules: tuple[RuleSpec, ...]
    tags: dict[str, TagSpec]
    territories: dict[str, TerritorySpec]
    dates: DatesSpec | None
    reconcile: ReconcileSpec = ReconcileSpec()
    coverage: CoverageSpec = CoverageSpec()
    version: VersionSpec | None = None

    @property
    def directory(self) -> Path:
        return self.path.parent


class Fields:
    """Typed access to a YAML mapping with the dotted path kept for error messages."""

    def __init__(self, data: Any, file: Path, path: str = "") -> None:
        self.file = file
        self.path = path
        if not isinstance(data, dict):
            self.fail(f"expected a mapping of keys to values, got {type(data).__name__}")
        self.data: dict[str, Any] = data

    def fail(self, message: str, key: str | None = None) -> MappingError:
        raise MappingError(message, file=self.file, field=self._join(key) or None)

    def _join(self, key: str | None) -> str:
        if key is None:
            return self.path
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, kind: type | tuple[type, ...], *, required: bool = True) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                self.fail("is required", key)
            return None
        value = self.data[key]
        if not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            self.fail(f"expected {names}, got {type(value).__name__} {value!r}", key)
        return value

    @overload
    def sub(self, key: str, *, required: Literal[True] = True) -> Fields: ...
    @overload
    def sub(self, key: str, *, required: bool) -> Fields | None: ...
    def sub(self, key: str, *, required: bool = True) -> Fields | None:
        value = self.get(key, dict, required=required)
        return None if value is None else Fields(value, self.file, self._join(key))

    @overload
    def identifier(self, key: str, *, required: Literal[True] = True) -> str: ...
    @overload
    def identifier(self, key: str, *, required: bool) -> str | None: ...
    def identifier(self, key: str, *, required: bool = True) -> str | None:
        value = self.get(key, str, required=required)
        if value is not None and not IDENTIFIER.match(value):
            self.fail(f"{value!r} is not an identifier (lower-case letters, digits, '-')", key)
        return value

    def languages(self, key: str, *, required: bool = True) -> LanguageMap:
        value = self.get(key, dict, required=required) or {}
        for lang, text in value.items():
            if not isinstance(text, str) or not re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$", lang):
                self.fail(f"expected language-tagged texts like {{fr: '...'}}, got {lang!r}", key)
        return value

    def texts(self, key: str) -> list[str]:
        """An optional list of non-empty texts."""
        values = self.get(key, list, required=False) or []
        if not all(isinstance(value, str) and value.strip() for value in values):
            self.fail("expected a list of non-empty texts", key)
        return values

    @overload
    def day(self, key: str, *, required: Literal[True] = True) -> date: ...
    @overload
    def day(self, key: str, *, required: bool) -> date | None: ...
    def day(self, key: str, *, required: bool = True) -> date | None:
        value = self.get(key, (date, str), required=required)
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                self.fail(f"{value!r} is not a date (YYYY-MM-DD)", key)
        return value

    def unknown_keys(self, allowed: set[str]) -> None:
        extra = sorted(set(self.data) - allowed)
        if extra:
            self.fail(f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(sorted(allowed))}")


def load_mapping(path: Path) -> MappingSpec:
    """Read and check ``path``; raise :class:`MappingError` naming the faulty field."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise MappingError(
            f"not valid YAML: {exc}", file=path, line=mark.line + 1 if mark else None
        ) from None
    # every problem of the format at once, with its path (imported here: the models
    # include the readers' sections, and the readers import this module)
    from lodplan.mapping.file_models import check_mapping_file

    check_mapping_file(data, path)
    root = Fields(data, path)
    root.unknown_keys(
        {
            "lodplan-mapping",
            "plan",
            "version",
            "source",
            "reader",
            "rules",
            "tags",
            "territories",
            "dates",
            "reconcile",
            "coverage",
        }
    )
    if root.get("lodplan-mapping", int) != MAPPING_FORMAT_VERSION:
        root.fail(f"this lodplan reads mapping format {MAPPING_FORMAT_VERSION}", "lodplan-mapping")
    rules = root.get("rules", list, required=False) or []
    return MappingSpec(
        path=path,
        plan=_plan(root.sub("plan")),
        source=_source(root.sub("source"), path.parent),
        reader=merge_preset(root.get("reader", dict), file=path),
        rules=tuple(_rule(Fields(r, path, f"rules[{i}]")) for i, r in enumerate(rules)),
        tags=_tags(root.sub("tags", required=False)),
        territories=_territories(root.sub("territories", required=False)),
        dates=_dates(root.sub("dates", required=False)),
        reconcile=_reconcile(root.sub("reconcile", required=False)),
        coverage=_coverage(root.sub("coverage", required=False)),
        version=_version(root.sub("version", required=False)),
    )


def element_key(written: str) -> str:
    """The key an element is known by in ``version`` declarations: a key as it ends the
    element's IRI (``A1``, ``renover-l-ecole``) or the element's title, made a key."""
    return written if re.fullmatch(r"[A-Za-z0-9._-]+", written) else slugify(written)


def _version(f: Fields | None) -> VersionSpec | None:
    if f is None:
        return None
    f.unknown_keys({"id", "date", "label", "renamed", "removed", "replaces"})
    renamed = f.get("renamed", dict, required=False) or {}
    replaces = f.get("replaces", dict, required=False) or {}
    return VersionSpec(
        id=f.identifier("id"),
        date=f.day("date"),
        label=f.languages("label", required=False),
        renamed={element_key(old): element_key(new) for old, new in renamed.items()},
        removed=tuple(element_key(key) for key in f.texts("removed")),
        replaces={
            element_key(new): tuple(element_key(old) for old in olds)
            for new, olds in replaces.items()
        },
    )


def _plan(f: Fields) -> PlanSpec:
    f.unknown_keys(
        {
            "id", "title", "title-from-line", "description", "type", "status", "publisher",
            "adopted-by", "issued", "language", "period", "territories", "licence", "themes",
            "keywords", "creators", "stated",
        }
    )  # fmt: skip
    period = f.sub("period", required=False)
    issued = f.get("issued", (date, str), required=False)
    if isinstance(issued, str) and not YEAR_MONTH.match(issued):
        issued = f.day("issued")
    return PlanSpec(
        id=f.identifier("id"),
        title=f.languages("title"),
        title_from_line=f.get("title-from-line", int, required=False),
        description=f.languages("description", required=False),
        type=f.identifier("type"),
        status=f.identifier("status", required=False),
        publisher=f.identifier("publisher"),
        adopted_by=f.identifier("adopted-by", required=False),
        issued=issued,
        language=f.get("language", str),
        period=(period.day("start"), period.day("end")) if period else None,
        territories=tuple(f.get("territories", list, required=False) or ()),
        licence=f.get("licence", str, required=False),
        themes=tuple(f.texts("themes")),
        keywords=tuple(f.texts("keywords")),
        creators=tuple(f.get("creators", list, required=False) or ()),
        stated=_stated(f.sub("stated", required=False)),
    )


def _stated(f: Fields | None) -> dict[str, StatedSpec]:
    if f is None:
        return {}
    f.unknown_keys(set(STATED_FACTS))
    stated = {}
    for name in f.data:
        item = f.sub(name)
        item.unknown_keys({"line", "lines", "quote"})
        line, lines = item.get("line", int, required=False), item.get("lines", list, required=False)
        if (line is None) == (lines is None):
            item.fail("give 'line: N' or 'lines: [first, last]'")
        first, last = (line, line) if lines is None else (*lines, 0, 0)[:2]
        well_formed = lines is None or len(lines) == 2
        if not (well_formed and all(isinstance(n, int) for n in (first, last))):
            item.fail("expected 1-based line numbers, first <= last")
        if not 1 <= first <= last:
            item.fail("expected 1-based line numbers, first <= last")
        quote = item.get("quote", str, required=False)
        stated[name] = StatedSpec(first, last, quote)
    return stated


def _source(f: Fields, directory: Path) -> SourceSpec:
    f.unknown_keys({"file", "sha256", "title", "media-type", "encoding", "markup", "original"})
    file = directory / f.get("file", str)
    if not file.is_file():
        f.fail(f"source document {file} does not exist", "file")
    markup = f.get("markup", list, required=False)
    if markup is not None:
        unknown = [str(m) for m in markup if m not in MARKUP]
        if unknown:
            f.fail(f"unknown markup {', '.join(unknown)}; known: {', '.join(MARKUP)}", "markup")
    encoding = f.get("encoding", str, required=False) or "utf-8"
    if encoding != "auto":
        try:
            codecs.lookup(encoding)
        except LookupError:
            f.fail(
                f"{encoding!r} is not an encoding; write utf-8, windows-1252 or auto", "encoding"
            )
    return SourceSpec(
        path=file,
        title=f.languages("title"),
        media_type=f.get("media-type", str, required=False) or "text/plain",
        encoding=encoding,
        sha256=f.get("sha256", str, required=False),
        markup=tuple(markup) if markup is not None else None,
        original=_original(f),
    )


def _original(f: Fields) -> str | None:
    """``source.original``: the web address of the original document, if known."""
    original = f.get("original", str, required=False)
    if original is not None and not re.match(r"https?://[^\s<>\"{}|\\^`]+$", original):
        f.fail(f"{original!r} is not a web address (http:// or https://)", "original")
    return original


RULE_KEYS = {
    "id", "pattern", "remove", "replace", "note", "category", "category-if", "status",
    "priority", "territories", "actors", "check-notation",
}  # fmt: skip


def _rule(f: Fields) -> RuleSpec:
    f.unknown_keys(RULE_KEYS)
    try:
        pattern = re.compile(f.get("pattern", str))
    except re.error as exc:
        f.fail(f"invalid regular expression: {exc}", "pattern")
    return RuleSpec(
        id=f.identifier("id"),
        pattern=pattern,
        field_path=f.path,
        remove=bool(f.get("remove", bool, required=False)),
        replace=f.get("replace", str, required=False),
        category=f.get("category", dict, required=False),
        category_if=f.get("category-if", dict, required=False),
        status=f.identifier("status", required=False),
        priority=f.identifier("priority", required=False),
        territories=f.get("territories", dict, required=False),
        actors=f.get("actors", dict, required=False),
        check_notation=f.get("check-notation", str, required=False),
    )


def _tags(f: Fields | None) -> dict[str, TagSpec]:
    if f is None:
        return {}
    tags = {}
    for tag_id in f.data:
        sub = f.sub(tag_id)
        if not IDENTIFIER.match(tag_id):
            f.fail(f"{tag_id!r} is not an identifier", tag_id)
        sub.unknown_keys({"label", "definition", "notation"})
        notation = sub.get("notation", str, required=False)
        tags[tag_id] = TagSpec(
            tag_id, sub.languages("label"), sub.languages("definition", required=False), notation
        )
    return tags


def _territories(f: Fields | None) -> dict[str, TerritorySpec]:
    if f is None:
        return {}
    result = {}
    for territory_id in f.data:
        sub = f.sub(territory_id)
        if not IDENTIFIER.match(territory_id):
            f.fail(f"{territory_id!r} is not an identifier", territory_id)
        sub.unknown_keys({"label", "kind"})
        result[territory_id] = TerritorySpec(
            territory_id, sub.languages("label"), sub.identifier("kind")
        )
    return result


def _dates(f: Fields | None) -> DatesSpec | None:
    if f is None:
        return None
    f.unknown_keys({"language", "assume-year", "role", "years", "not-dates", "periods"})
    language = f.get("language", str, required=False) or "fr"
    if language != "fr":
        f.fail("only French dates are understood for now", "language")
    periods = []
    for i, item in enumerate(f.get("periods", list, required=False) or []):
        period = Fields(item, f.file, f"{f.path}.periods[{i}]")
        period.unknown_keys({"text", "start", "end"})
        text = period.get("text", str)
        start, end = period.day("start"), period.day("end")
        if not text.strip() or start is None or end is None or end < start:
            raise period.fail("needs the text, and a start no later than the end")
        periods.append(NamedPeriod(text, start, end))
    return DatesSpec(
        language=language,
        assume_year=f.get("assume-year", int, required=False),
        role=f.identifier("role", required=False) or "evenement",
        years=bool(f.get("years", bool, required=False)),
        not_dates=tuple(f.get("not-dates", list, required=False) or ()),
        periods=tuple(periods),
    )


def _reconcile(f: Fields | None) -> ReconcileSpec:
    if f is None:
        return ReconcileSpec()
    f.unknown_keys({"communes-in", "organisations-in"})
    codes = [str(c) for c in f.get("communes-in", list, required=False) or ()]
    for code in codes:
        if not re.fullmatch(r"[0-9][0-9AB][0-9]?", code):
            f.fail(f"{code!r} is not a département code", "communes-in")
    fields = tuple(f.get("organisations-in", list, required=False) or ("label", "description"))
    if set(fields) - {"label", "description"}:
        f.fail("lists fields among label, description", "organisations-in")
    return ReconcileSpec(communes_in=tuple(codes), organisations_in=fields)


def _coverage(f: Fields | None) -> CoverageSpec:
    if f is None:
        return CoverageSpec()
    f.unknown_keys({"compare"})
    compare = f.get("compare", str, required=False) or "exact"
    if compare not in COVERAGE_COMPARE:
        f.fail(f"{compare!r} is not one of {', '.join(COVERAGE_COMPARE)}", "compare")
    return CoverageSpec(compare=compare)


def line_numbers(entries: Any) -> set[int]:
    """Line numbers from a list of lines and ranges (``[5, "13-30"]``).

    Raises ``ValueError`` naming the first entry that is neither."""
    numbers: set[int] = set()
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, int) and not isinstance(entry, bool):
            numbers.add(entry)
        elif isinstance(entry, str) and re.fullmatch(r"[0-9]+-[0-9]+", entry):
            first, last = map(int, entry.split("-"))
            numbers.update(range(first, last + 1))
        else:
            raise ValueError(f"{entry!r} is neither a line nor a range 'a-b'")
    return numbers
