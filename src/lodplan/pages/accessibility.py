"""The accessibility statement (``/accessibility``): what the site does for people with
disabilities, how it was tested, what is known not to work, whom to tell.

French public bodies must publish one (loi n° 2005-102, article 47; RGAA 4.1.2, « Déclaration
d'accessibilité »). Its facts — the status, the tool and its version, the rules, the page
types, colour schemes and screen sizes tested, the results and the date — are data, in
``site/accessibility.yaml``; its words are messages (``site/i18n/accessibility.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from lodplan.bundled import site_dir
from lodplan.errors import LodplanError
from lodplan.pages.links import Links
from lodplan.pages.render import PageRenderer

STATUSES = ("full", "partial", "none")
PAGE_NAME = "accessibility"


class StatementError(LodplanError):
    """``site/accessibility.yaml`` is missing a field or holds a wrong value."""


@dataclass(frozen=True)
class Statement:
    status: str
    standard: str
    tested_on: str  # ISO date
    tool: str
    tool_version: str
    rules: tuple[str, ...]
    browser: str
    page_types: tuple[str, ...]
    color_schemes: tuple[str, ...]
    viewports: tuple[str, ...]
    critical: int
    serious: int

    @property
    def checks(self) -> int:
        """Pages checked: every page type in every scheme at every size."""
        return len(self.page_types) * len(self.color_schemes) * len(self.viewports)


def load_statement(path: Path) -> Statement:
    """The statement's facts from ``path``; a clear error naming the field otherwise."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise StatementError(f"{path}: {error}") from None
    if not isinstance(data, dict):
        raise StatementError(f"{path}: expected a mapping of fields")

    def field(name: str, kind: type) -> object:
        value = data.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise StatementError(f"{path}: field {name!r} must be a {kind.__name__}")
        return value

    def texts(name: str) -> tuple[str, ...]:
        values = field(name, list)
        return tuple(str(v) for v in values)  # type: ignore[attr-defined]

    tested_on = data.get("tested_on")
    if not isinstance(tested_on, date):  # YAML reads 2026-12-07 as a date
        raise StatementError(f"{path}: field 'tested_on' must be a date (YYYY-MM-DD)")
    status = str(field("status", str))
    if status not in STATUSES:
        raise StatementError(f"{path}: field 'status' must be one of {', '.join(STATUSES)}")
    results = field("results", dict)
    counts = {}
    for severity in ("critical", "serious"):
        value = results.get(severity)  # type: ignore[attr-defined]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise StatementError(f"{path}: field 'results.{severity}' must be a whole number")
        counts[severity] = value
    return Statement(
        status=status,
        standard=str(field("standard", str)),
        tested_on=tested_on.isoformat(),
        tool=str(field("tool", str)),
        tool_version=str(field("tool_version", str)),
        rules=texts("rules"),
        browser=str(field("browser", str)),
        page_types=texts("page_types"),
        color_schemes=texts("color_schemes"),
        viewports=texts("viewports"),
        **counts,
    )


@cache
def bundled_statement() -> Statement:
    """The statement of the bundled ``site/accessibility.yaml`` (read once per process)."""
    return load_statement(site_dir() / "accessibility.yaml")


def render_accessibility_page(renderer: PageRenderer, links: Links) -> str:
    """The statement, in the page's language (server and static export)."""
    return renderer.render("accessibility.html", links, statement=bundled_statement())
