"""The accessibility statement (``/accessibility``): what the site does for people with
disabilities, how it was tested, what is known not to work, whom to tell.

French public bodies must publish one (loi n° 2005-102, article 47; RGAA 4.1.2, « Déclaration
d'accessibilité »). Its facts — the status, the tool and its version, the rules, the page
types, colour schemes and screen sizes tested, the results and the date — are data, in
``site/accessibility.yaml``; its words are messages (``site/i18n/accessibility.yaml``).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lodplan.bundled import site_dir
from lodplan.errors import LodplanError
from lodplan.pages.links import Links
from lodplan.pages.render import PageRenderer

PAGE_NAME = "accessibility"


class StatementError(LodplanError):
    """``site/accessibility.yaml`` is missing a field or holds a wrong value."""


class Results(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    critical: int = Field(ge=0)
    serious: int = Field(ge=0)


class Statement(BaseModel):
    """The facts of the statement, as ``site/accessibility.yaml`` gives them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    status: Literal["full", "partial", "none"]  # RGAA: totalement, partiellement, non conforme
    standard: str
    tested_on: date
    tool: str
    tool_version: str
    rules: tuple[str, ...]
    browser: str
    page_types: tuple[str, ...]
    color_schemes: tuple[str, ...]
    viewports: tuple[str, ...]
    results: Results

    @property
    def checks(self) -> int:
        """Pages checked: every page type in every scheme at every size."""
        return len(self.page_types) * len(self.color_schemes) * len(self.viewports)


def load_statement(path: Path) -> Statement:
    """The statement's facts from ``path``; a clear error naming the field otherwise."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Statement.model_validate(data)
    except (OSError, yaml.YAMLError) as error:
        raise StatementError(f"{path}: {error}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"field {'.'.join(map(str, e['loc'])) or '(top)'!r}: {e['msg']}" for e in error.errors()
        )
        raise StatementError(f"{path}: {problems}") from None


@cache
def bundled_statement() -> Statement:
    """The statement of the bundled ``site/accessibility.yaml`` (read once per process)."""
    return load_statement(site_dir() / "accessibility.yaml")


def render_accessibility_page(renderer: PageRenderer, links: Links) -> str:
    """The statement, in the page's language (server and static export)."""
    return renderer.render("accessibility.html", links, statement=bundled_statement())
