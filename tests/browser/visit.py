"""A test's browser tab on the served site: pages, screenshots, and the errors they report."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Response

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
MAX_SHOT_HEIGHT = 4000  # px
SHOT_TIMEOUT_MS = 30_000
INSTALL_HINT = (
    "the browser tests need Debian's chromium and the playwright package: "
    "apt-get install -y chromium && .venv/bin/pip install -e '.[test]' "
    "(no `playwright install`: the tests launch the system chromium)"
)


def missing(what: str) -> NoReturn:
    """Fail where the browser is required (``CI`` is set), skip elsewhere."""
    message = f"{what} is missing; {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class Visit:
    """One test's tab: opens the site's pages, screenshots each step, records errors."""

    page: Page
    base: str
    name: str
    errors: list[str] = field(default_factory=list)
    steps: int = 0

    def open(self, path: str, step: str) -> Response:
        """Open ``path`` (relative to the site root), check it answered, screenshot it."""
        response = self.page.goto(self.base + path.lstrip("/"))
        assert response is not None, path
        assert response.ok, f"{path}: HTTP {response.status}"
        self.shot(step)
        return response

    def shot(self, step: str) -> Path:
        """Screenshot the page, top to bottom up to a height, as ``<test>-<n>-<step>.png``."""
        self.steps += 1
        target = SCREENSHOTS / f"{self.name}-{self.steps:02d}-{slug(step)}.png"
        width, height = self.page.evaluate(
            "[document.documentElement.clientWidth, document.scrollingElement.scrollHeight]"
        )
        # a long page (the ontology, an unfolded tree) would cost seconds and megabytes
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT_HEIGHT)}
        # a long page on a loaded machine may take more than the context's 10 s
        self.page.screenshot(path=target, full_page=True, clip=clip, timeout=SHOT_TIMEOUT_MS)
        return target

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        # Chromium asks every site for /favicon.ico on its own: not a request of the page
        if url == self.base + "favicon.ico":
            return
        self.errors.append(f"console error: {message.text} ({url or self.page.url})")

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(f"uncaught exception on {self.page.url}: {error}")


def slug(text: str) -> str:
    """``text`` as a file name: "Écologie" → "ecologie"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
