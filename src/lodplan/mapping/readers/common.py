"""What every reader shares: lines ignored with a declared reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lodplan.errors import MappingError
from lodplan.mapping.spec import MappingSpec


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
    pattern = item.get("pattern")
    return IgnoreSpec(
        reason=reason,
        blank=bool(item.get("blank")),
        pattern=re.compile(pattern) if pattern else None,
        lines=frozenset(item.get("lines", [])),
    )


def parse_ignores(spec: MappingSpec) -> tuple[IgnoreSpec, ...]:
    """The ``reader.ignore`` rules of a mapping."""
    return tuple(
        parse_ignore(spec, i, item) for i, item in enumerate(spec.reader.get("ignore", []))
    )
