"""Reader for curated outlines: a YAML outline written by a person, citing the source.

Some sources cannot be read reliably by rules (an OCR of a designed brochure:
broken words, lost accents, columns interleaved). For them a person writes the
outline: every item gives its label (which may correct the OCR), the lines of
the source it comes from and a verbatim quote of those lines. The reader checks
each quote against the source — the cited lines joined with ``"\\n"``, exactly,
without any other normalisation — so the provenance stays verbatim even when
the label does not. Source lines used by no item must be ignored with a reason.

Nothing invented: an item's description and label must be the source's words,
found in its cited lines up to the OCR's noise (:mod:`lodplan.mapping.source_words`);
what the editor writes goes to ``editorial`` (published as ``skos:editorialNote``,
never as the description), and a label the editor had to write (a title the OCR
lost or garbled, a name completed from an enumeration) is declared with
``label-by-editor``, the reason why, published as an editorial note too. A label
wholly in square brackets ("[titre illisible dans la source]") is the editor's
marker and needs no declaration. Another name the source gives the item
elsewhere (a title on a summary page) is an ``alt-labels`` entry with its own
lines and quote, checked the same way and published as ``skos:altLabel``.

The mapping names the outline file (``reader.outline``, relative to the mapping);
the outline's format is documented in docs/mapping.md ("Curated outlines").
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from lodplan.errors import MappingError
from lodplan.mapping.dates import find_dates
from lodplan.mapping.model import (
    DateMention,
    Element,
    Outline,
    ReadValue,
    Span,
    SpanIgnore,
    StatedFigures,
)
from lodplan.mapping.readers.common import SPAN_KEYS, is_span_ignore, span_ignore
from lodplan.mapping.source_words import first_words_not_found
from lodplan.mapping.spec import MappingSpec

OUTLINE_FORMAT_VERSION = 1
OUTLINE_KEYS = {"lodplan-outline", "types", "plan", "items", "ignore"}
TYPE_KEYS = {"class", "kind", "level-name", "children"}
ITEM_KEYS = {
    "type", "class", "kind", "level-name", "label", "description", "notation", "status",
    "lines", "quote", "dates", "territories", "actors", "children", "children-type", "note",
    "figures", "editorial", "label-by-editor", "alt-labels",
}  # fmt: skip
ALT_LABEL_KEYS = {"label", "lines", "quote"}
FIGURES_KEYS = {"territory", "text", "population", "communes", "year"}
DATE_KEYS = {"text", "start", "end", "precision", "role"}
CLASSES = {"PlanElement", "Objective", "Action"}


def _editor_marker(label: str) -> bool:
    """A label wholly in square brackets is the editor's marker of a lost title
    ("[titre illisible dans la source]"), as brackets mark an editor's words in a quote."""
    text = label.strip()
    return text.startswith("[") and text.endswith("]") and "]" not in text[1:-1]


@dataclass(frozen=True)
class _Type:
    cls: str | None = None
    kind: str | None = None
    level_name: str | None = None
    children: str | None = None


def read_curated_outline(spec: MappingSpec, lines: list[str]) -> Outline:
    name = spec.reader.get("outline")
    if not isinstance(name, str) or not name:
        raise MappingError(
            "is required: the outline file, relative to the mapping",
            file=spec.path,
            field="reader.outline",
        )
    unknown = sorted(set(spec.reader) - {"type", "outline"})
    if unknown:
        raise MappingError(
            f"unknown key(s) {', '.join(unknown)}; allowed: outline, type",
            file=spec.path,
            field="reader",
        )
    return _OutlineReader(spec.directory / name, lines).read()


class _OutlineReader:
    def __init__(self, path: Path, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.types: dict[str, _Type] = {}
        self.values: list[ReadValue] = []  # alternative labels, for coverage

    def fail(self, message: str, field: str | None = None) -> MappingError:
        return MappingError(message, file=self.path, field=field)

    def read(self) -> Outline:
        if not self.path.is_file():
            raise self.fail(f"outline file {self.path} does not exist")
        try:
            data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise MappingError(
                f"not valid YAML: {exc}", file=self.path, line=mark.line + 1 if mark else None
            ) from None
        # every problem of the format at once, with its path (imported here: the models
        # import the readers' package)
        from lodplan.mapping.file_models import check_outline_file

        check_outline_file(data, self.path)
        data = self._dict(data, "")
        self._keys(data, OUTLINE_KEYS, "")
        if data.get("lodplan-outline") != OUTLINE_FORMAT_VERSION:
            raise self.fail(
                f"this lodplan reads outline format {OUTLINE_FORMAT_VERSION}", "lodplan-outline"
            )
        for type_name, value in (data.get("types") or {}).items():
            where = f"types.{type_name}"
            value = self._dict(value, where)
            self._keys(value, TYPE_KEYS, where)
            self.types[type_name] = _Type(
                value.get("class"),
                value.get("kind"),
                value.get("level-name"),
                value.get("children"),
            )
        for type_name, declared in self.types.items():
            if declared.children is not None and declared.children not in self.types:
                raise self.fail(
                    f"unknown type {declared.children!r}", f"types.{type_name}.children"
                )
        plan_spans = {
            name: self._span(self._dict(value, f"plan.{name}"), f"plan.{name}")
            for name, value in (self._dict(data.get("plan") or {}, "plan")).items()
        }
        items = data.get("items")
        if not isinstance(items, list) or not items:
            raise self.fail("is required: a list of items", "items")
        elements = [self._item(item, f"items[{i}]", None) for i, item in enumerate(items)]
        outline = Outline(elements=elements, plan_spans=plan_spans, values=self.values)
        entries = data.get("ignore") or []
        if not isinstance(entries, list):
            raise self.fail("expected a list", "ignore")
        outline.ignored = self._ignored(entries, outline)
        outline.span_ignores = self._span_ignores(entries)
        return outline

    # -- items -------------------------------------------------------------------

    def _item(self, raw: Any, where: str, inherited: str | None) -> Element:
        item = self._dict(raw, where)
        self._keys(item, ITEM_KEYS, where)
        type_name = item.get("type", inherited)
        if type_name is not None and type_name not in self.types:
            raise self.fail(f"unknown type {type_name!r}; declare it under 'types'", where)
        declared = self.types.get(type_name, _Type()) if type_name is not None else _Type()
        cls = item.get("class", declared.cls)
        kind = item.get("kind", declared.kind)
        level_name = item.get("level-name", declared.level_name)
        for key, value in (("class", cls), ("kind", kind), ("level-name", level_name)):
            if not isinstance(value, str) or not value:
                raise self.fail(f"no {key}: give it, or a type that declares it", where)
        if cls not in CLASSES:
            raise self.fail(f"class must be one of {', '.join(sorted(CLASSES))}", f"{where}.class")
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            raise self.fail("is required", f"{where}.label")
        span = self._span(item, where)
        element = Element(str(cls), str(kind), str(level_name), label.strip(), span)
        element.notation = self._optional_str(item, "notation", where)
        element.description = self._optional_str(item, "description", where)
        by_editor = self._optional_str(item, "label-by-editor", where)
        if by_editor is None and not _editor_marker(label):
            self._source_words(label.strip(), span, f"{where}.label")
        if element.description is not None:
            self._source_words(element.description, span, f"{where}.description")
        element.editorial_notes = [
            note for note in (by_editor, self._optional_str(item, "editorial", where)) if note
        ]
        element.alt_labels = [
            self._alt_label(alt, f"{where}.alt-labels[{i}]")
            for i, alt in enumerate(self._list(item, "alt-labels", where))
        ]
        element.status = self._optional_str(item, "status", where)
        element.territories = [str(t) for t in self._list(item, "territories", where)]
        for i, actor in enumerate(self._list(item, "actors", where)):
            actor = self._dict(actor, f"{where}.actors[{i}]")
            if "id" not in actor:
                raise self.fail("is required", f"{where}.actors[{i}].id")
            element.involvements.append((str(actor["id"]), str(actor.get("role", "mentionne"))))
        element.dates = [
            self._date(d, f"{where}.dates[{i}]", span)
            for i, d in enumerate(self._list(item, "dates", where))
        ]
        element.figures = [
            self._figures(f, f"{where}.figures[{i}]", span)
            for i, f in enumerate(self._list(item, "figures", where))
        ]
        child_type = item.get("children-type", declared.children)
        element.children = [
            self._item(child, f"{where}.children[{i}]", child_type)
            for i, child in enumerate(self._list(item, "children", where))
        ]
        return element

    def _span(self, item: dict[str, Any], where: str) -> Span:
        lines = self._line_range(item.get("lines"), f"{where}.lines")
        quote = item.get("quote")
        if not isinstance(quote, str) or not quote.strip():
            raise self.fail("is required: the verbatim text of the cited lines", f"{where}.quote")
        start, end = lines
        if quote not in self._text(start, end):
            raise self.fail(
                f"quote {quote!r} is not found verbatim in lines {start}-{end} of the source "
                f"(lines joined with a newline): {self._text(start, end)!r}",
                f"{where}.quote",
            )
        return Span(start, end, quote)

    def _alt_label(self, raw: Any, where: str) -> str:
        """Another name the source gives the item, at its own lines (checked like a label)."""
        alt = self._dict(raw, where)
        self._keys(alt, ALT_LABEL_KEYS, where)
        text = self._optional_str(alt, "label", where)
        if text is None:
            raise self.fail("is required", f"{where}.label")
        span = self._span(alt, where)
        self._source_words(text, span, f"{where}.label")
        for number in range(span.start_line, span.end_line + 1):
            self.values.append(ReadValue(number, text, f"skos:altLabel {text}"))
        return text

    def _source_words(self, text: str, span: Span, field: str) -> None:
        """Fail unless ``text`` is the words of the item's lines (OCR noise aside)."""
        missing = first_words_not_found(text, self._text(span.start_line, span.end_line))
        if missing is not None:
            raise self.fail(
                f"is not the source's words: {missing!r} is not found in lines "
                f'{span.start_line}-{span.end_line} (rule: docs/mapping.md, "Curated '
                "outlines\"); the source's words only, OCR errors corrected — the editor's "
                "text goes to 'editorial'",
                field,
            )

    def _line_range(self, lines: Any, field: str) -> list[int]:
        """A cited line or ``[first, last]`` range, inside the source."""
        if isinstance(lines, int):
            lines = [lines, lines]
        if (
            not isinstance(lines, list)
            or len(lines) != 2
            or not all(isinstance(n, int) for n in lines)
            or not 1 <= lines[0] <= lines[1] <= len(self.lines)
        ):
            raise self.fail(
                f"expected a line or [first, last] lines of the source (1..{len(self.lines)}), "
                f"got {lines!r}",
                field,
            )
        return lines

    def _text(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start - 1 : end])

    def _date(self, raw: Any, where: str, span: Span) -> DateMention:
        item = self._dict(raw, where)
        self._keys(item, DATE_KEYS, where)
        text = self._verbatim(item.get("text"), span, f"{where}.text")
        role = item.get("role")
        if "start" not in item and "end" not in item:
            mentions = find_dates(text, role=role or "evenement")
            if len(mentions) != 1 or mentions[0].text != text:
                raise self.fail(
                    f"{text!r} is not read as one date; give start, end and precision", where
                )
            # the role a person declares wins over the one the cue words give
            return replace(mentions[0], role=role) if role else mentions[0]
        bounds = []
        for key in ("start", "end"):
            value = item.get(key)
            if isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = date.fromisoformat(value)
            if not isinstance(value, date):
                raise self.fail(f"expected a date (YYYY-MM-DD), got {value!r}", f"{where}.{key}")
            bounds.append(value)
        precision = item.get("precision")
        if not isinstance(precision, str):
            raise self.fail("is required with start and end", f"{where}.precision")
        if bounds[1] < bounds[0]:
            raise self.fail("ends before it starts", where)
        return DateMention(bounds[0], bounds[1], precision, text, role or "evenement")

    def _verbatim(self, text: Any, span: Span, field: str) -> str:
        """``text``, checked to be written as such in the item's lines."""
        if not isinstance(text, str) or not text:
            raise self.fail("is required: the text as written in the source", field)
        if text not in self._text(span.start_line, span.end_line):
            raise self.fail(
                f"{text!r} is not found verbatim in the item's lines "
                f"{span.start_line}-{span.end_line}",
                field,
            )
        return text

    def _figures(self, raw: Any, where: str, span: Span) -> StatedFigures:
        item = self._dict(raw, where)
        self._keys(item, FIGURES_KEYS, where)
        text = self._verbatim(item.get("text"), span, f"{where}.text")
        numbers = {}
        for key in ("population", "communes", "year"):
            value = item.get(key)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise self.fail("expected a whole number", f"{where}.{key}")
            numbers[key] = value
        if not isinstance(item.get("territory"), str):
            raise self.fail("is required: a place reference (epci:<SIREN>, …)", where)
        return StatedFigures(territory=item["territory"], text=text, **numbers)

    # -- ignored lines ---------------------------------------------------------------

    def _ignored(self, entries: Any, outline: Outline) -> dict[int, str]:
        if not isinstance(entries, list):
            raise self.fail("expected a list", "ignore")
        used = {n for e in outline.walk() for n in range(e.span.start_line, e.span.end_line + 1)}
        for span in outline.plan_spans.values():
            used.update(range(span.start_line, span.end_line + 1))
        used.update(value.line for value in outline.values)  # alternative labels
        ignored: dict[int, str] = {}
        for i, raw in enumerate(entries):
            where = f"ignore[{i}]"
            entry = self._dict(raw, where)
            if is_span_ignore(entry):
                continue
            self._keys(entry, {"lines", "reason"}, where)
            reason = entry.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                raise self.fail("every ignored line needs a reason", f"{where}.reason")
            lines = self._line_range(entry.get("lines"), f"{where}.lines")
            for number in range(lines[0], lines[1] + 1):
                if number in used and self.lines[number - 1].strip():
                    raise self.fail(
                        f"line {number} is cited by an item and cannot be ignored too", where
                    )
                if number in ignored and self.lines[number - 1].strip():
                    raise self.fail(f"line {number} is already ignored", where)
                ignored[number] = reason.strip()
        return ignored

    def _span_ignores(self, entries: list[Any]) -> list[SpanIgnore]:
        """Sentences of cited lines left out, each with its reason (``text``, ``span-pattern``)."""
        found = []
        for i, entry in enumerate(entries):
            where = f"ignore[{i}]"
            if not is_span_ignore(entry):
                continue
            self._keys(entry, {"lines", "reason", *SPAN_KEYS}, where)
            lines: list[int] = []
            if entry.get("lines") is not None:
                first, last = self._line_range(entry["lines"], f"{where}.lines")
                lines = list(range(first, last + 1))
            found.append(span_ignore(entry, where, lines, self.fail, file=self.path))
        return found

    # -- helpers -----------------------------------------------------------------------

    def _dict(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"expected a mapping of keys to values, got {value!r}", where or None)
        return value

    def _list(self, item: dict[str, Any], key: str, where: str) -> list[Any]:
        value = item.get(key) or []
        if not isinstance(value, list):
            raise self.fail("expected a list", f"{where}.{key}")
        return value

    def _optional_str(self, item: dict[str, Any], key: str, where: str) -> str | None:
        value = item.get(key)
        if value is None:
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise self.fail("expected text", f"{where}.{key}")
        return " ".join(str(value).split()) or None

    def _keys(self, value: dict[str, Any], allowed: set[str], where: str) -> None:
        extra = sorted(set(value) - allowed)
        if extra:
            raise self.fail(
                f"unknown key(s) {', '.join(map(str, extra))}; "
                f"allowed: {', '.join(sorted(allowed))}",
                where or None,
            )
