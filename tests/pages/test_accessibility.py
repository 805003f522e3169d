"""The accessibility statement: its facts from site/accessibility.yaml, its page in French
and English, linked from every page's footer; a malformed file is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lodplan.pages.accessibility import (
    StatementError,
    bundled_statement,
    load_statement,
    render_accessibility_page,
)
from lodplan.pages.links import ServerLinks, StaticLinks
from lodplan.pages.render import PageRenderer

AXE_PACKAGE = Path(__file__).parents[1] / "support" / "axe" / "package.json"
BASE = "http://site.test/"


def test_the_statement_names_the_pinned_axe_core():
    pinned = json.loads(AXE_PACKAGE.read_text(encoding="utf-8"))["dependencies"]["axe-core"]
    statement = bundled_statement()
    assert (statement.tool, statement.tool_version) == ("axe-core", pinned)
    assert statement.checks == len(statement.page_types) * 2 * 2


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["Déclaration d’accessibilité", "partiellement conforme avec le RGAA 4.1.2",
                "Le 8 décembre 2026, axe-core 4.14.1", "sur 80 pages",
                "Défauts critiques trouvés : 0. Défauts graves trouvés : 0.",
                "Défenseur des droits"]),
        ("en", ["Accessibility statement", "partially compliant with RGAA 4.1.2",
                "On December 8, 2026, axe-core 4.14.1", "on 80 pages"]),
    ],
)  # fmt: skip
def test_the_page_states_status_results_and_date(lang, expected):
    html = render_accessibility_page(PageRenderer(), ServerLinks(data_base=BASE, lang=lang))
    for text in expected:
        assert text in html


def test_every_page_links_to_the_statement_from_its_footer():
    renderer = PageRenderer()
    html = render_accessibility_page(renderer, ServerLinks(data_base=BASE, current="charts"))
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/accessibility"' in footer  # base.html: every page has it
    static = render_accessibility_page(
        renderer, StaticLinks(data_base=BASE, current="en/x.html", lang="en")
    )
    assert 'href="accessibility.html"' in static[static.index("<footer") :]


def test_a_malformed_statement_names_its_field(tmp_path):
    good = (Path(__file__).parents[2] / "site" / "accessibility.yaml").read_text(encoding="utf-8")
    path = tmp_path / "accessibility.yaml"
    path.write_text(good.replace("status: partial", "status: sometimes"), encoding="utf-8")
    with pytest.raises(StatementError, match=r"accessibility\.yaml: field 'status'"):
        load_statement(path)
    path.write_text(good.replace("serious: 0", "serious: many"), encoding="utf-8")
    with pytest.raises(StatementError, match=r"field 'results\.serious'"):
        load_statement(path)
    path.write_text(good.replace("tested_on: 2026-12-08", "tested_on: soon"), encoding="utf-8")
    with pytest.raises(StatementError, match=r"field 'tested_on'"):
        load_statement(path)
