"""Rendering of the site's pages: a template, the messages of a language, the links."""

from __future__ import annotations

from typing import Any

import jinja2

from lodplan.pages.formats import date_text
from lodplan.pages.i18n import LANGUAGES, Messages, bundled_messages
from lodplan.pages.links import Links
from lodplan.publishing.representations import make_template_environment


class PageRenderer:
    """Renders ``site/templates`` (autoescaped) for one page's links and language."""

    def __init__(
        self, templates: jinja2.Environment | None = None, messages: Messages | None = None
    ) -> None:
        self.templates = templates or make_template_environment()
        self.messages = messages or bundled_messages()

    def context(self, links: Links) -> dict[str, Any]:
        """What every page template uses: ``links``, ``t`` (messages), ``lang``, and
        ``date_text`` (a date as the language writes it, lodplan.pages.formats)."""
        return {
            "date_text": date_text,
            "links": links,
            "t": self.messages.translator(links.lang),
            "lang": links.lang,
            "languages": LANGUAGES,
        }

    def render(self, template: str, links: Links, **context: Any) -> str:
        page = self.templates.get_template(template)
        return page.render(**self.context(links), **context)
