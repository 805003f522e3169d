"""Accounting for every line of a source: nothing may be lost silently.

A non-empty line is *used* when it lies in the span of an element (or of the
plan's own metadata), *ignored* when the mapping declares why, and otherwise
*unaccounted* — which fails the build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lodplan.mapping.model import Outline

USED, IGNORED, UNACCOUNTED = "used", "ignored", "unaccounted"


@dataclass(frozen=True)
class LineStatus:
    line: int
    status: str
    detail: str  # what uses the line, or why it is ignored
    text: str


@dataclass
class Coverage:
    source: Path
    lines: list[LineStatus] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)

    @property
    def unaccounted(self) -> list[LineStatus]:
        return [line for line in self.lines if line.status == UNACCOUNTED]


def compute_coverage(source: Path, lines: list[str], outline: Outline, used_by: dict[int, str]):
    """``used_by`` maps line numbers to the IRI of what uses them."""
    for name, span in outline.plan_spans.items():
        for number in range(span.start_line, span.end_line + 1):
            used_by.setdefault(number, f"plan {name}")
    coverage = Coverage(source)
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        if number in used_by:
            coverage.lines.append(LineStatus(number, USED, used_by[number], text))
        elif number in outline.ignored:
            coverage.lines.append(LineStatus(number, IGNORED, outline.ignored[number], text))
        else:
            coverage.lines.append(LineStatus(number, UNACCOUNTED, "", text))
    return coverage
