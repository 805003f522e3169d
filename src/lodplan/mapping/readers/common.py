"""What every reader shares: lines, sentences and cells ignored with a declared reason."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lodplan.errors import MappingError
from lodplan.mapping.model import SpanIgnore
from lodplan.mapping.spec import MappingSpec, line_numbers

# Keys that make an ignore declaration one of sentences or cells, not of whole lines
SPAN_KEYS = ("text", "span-pattern", "column")


@dataclass(frozen=True)
class IgnoreSpec:
    reason: str
    blank: bool = False
    pattern: re.Pattern[str] | None = None
    lines: frozenset[int] = frozenset()

    def matches(self, number: int, text: str) -> bool:
        if self.blank and not text.strip():
            return True
        if number in self.lines:
            return True
        return bool(self.pattern and self.pattern.search(text))


def parse_ignore(spec: MappingSpec, index: int, item: dict[str, Any]) -> IgnoreSpec:
    reason = item.get("reason")
    if not reason:
        raise MappingError(
            "every ignored line needs a reason", file=spec.path, field=f"reader.ignore[{index}]"
        )
    where = f"reader.ignore[{index}]"
    try:  # lines and ranges ("13-30") read alike by every reader
        lines = line_numbers(item.get("lines") or [])
    except ValueError as exc:
        raise MappingError(str(exc), file=spec.path, field=f"{where}.lines") from None
    pattern = item.get("pattern")
    try:
        compiled = re.compile(pattern) if pattern else None
    except re.error as exc:
        raise MappingError(
            f"invalid regular expression: {exc}", file=spec.path, field=f"{where}.pattern"
        ) from None
    return IgnoreSpec(
        reason=reason, blank=bool(item.get("blank")), pattern=compiled, lines=frozenset(lines)
    )


def parse_ignores(spec: MappingSpec) -> tuple[IgnoreSpec, ...]:
    """The ``reader.ignore`` rules of a mapping that ignore whole lines."""
    return tuple(
        parse_ignore(spec, i, item)
        for i, item in enumerate(spec.reader.get("ignore", []))
        if not is_span_ignore(item)
    )


def parse_span_ignores(spec: MappingSpec) -> list[SpanIgnore]:
    """The ``reader.ignore`` rules of a mapping that ignore sentences or cells."""
    found = []
    for i, item in enumerate(spec.reader.get("ignore", [])):
        if not is_span_ignore(item):
            continue
        where = f"reader.ignore[{i}]"

        def fail(message: str, field: str) -> MappingError:
            return MappingError(message, file=spec.path, field=field)

        try:
            lines = line_numbers(item.get("lines") or [])
        except ValueError as exc:
            raise fail(str(exc), f"{where}.lines") from None
        found.append(span_ignore(item, where, lines, fail))
    return found


def is_span_ignore(item: Any) -> bool:
    return isinstance(item, dict) and any(key in item for key in SPAN_KEYS)


def span_ignore(
    item: dict[str, Any],
    where: str,
    lines: Iterable[int],
    fail: Callable[[str, str], MappingError],
    file: Path | None = None,
) -> SpanIgnore:
    """An ignore declaration of sentences or cells: ``text`` (words the sentence or cell
    holds, verbatim, markup aside), ``span-pattern`` (a regular expression searched in
    it) or ``column`` (a table's column), on ``lines`` if given, with its ``reason``."""
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise fail("every ignored sentence or cell needs a reason", f"{where}.reason")
    if "pattern" in item:
        raise fail(
            "'pattern' ignores whole lines; a declaration of sentences or cells takes "
            "'span-pattern'",
            where,
        )
    text = item.get("text")
    if text is not None and (not isinstance(text, str) or not text.strip()):
        raise fail("expected the words of the sentence or cell, as written", f"{where}.text")
    pattern = None
    if item.get("span-pattern") is not None:
        try:
            pattern = re.compile(str(item["span-pattern"]))
        except re.error as exc:
            raise fail(f"invalid regular expression: {exc}", f"{where}.span-pattern") from None
    column = item.get("column")
    if column is not None and (not isinstance(column, int) or column < 1):
        raise fail("expected a column number (1 is the first)", f"{where}.column")
    return SpanIgnore(
        reason=reason.strip(),
        where=where,
        lines=frozenset(lines),
        text=text,
        pattern=pattern,
        column=column,
        file=file,
    )
