"""Routes of the validation pages: ``/validation`` and ``/validation/<id>``.

Thin wrappers: :mod:`lodplan.pages.validation_report` reads the build's report
files and renders the HTML.
"""

from __future__ import annotations

from flask import Blueprint, Response

from lodplan.pages.validation_report import render_validation_index, render_validation_page
from lodplan.web.pages import html_response, page_links
from lodplan.web.responses import error_page
from lodplan.web.services import services

blueprint = Blueprint("validation", __name__)


@blueprint.get("/validation")
def index() -> Response:
    """Every report of the served build, plans first, with its status and counts."""
    web = services()
    links = page_links()
    return html_response(render_validation_index(web.store, web.renderer, links), links.lang)


@blueprint.get("/validation/<report_id>")
def report(report_id: str) -> Response:
    """One plan's SHACL report (or the shared actors' or places')."""
    web = services()
    links = page_links()
    body = render_validation_page(web.store, web.renderer, links, report_id)
    if body is None:
        t = web.renderer.messages.translator(links.lang)
        return error_page(
            404, t("validation.not_found.title"), t("validation.not_found.message", id=report_id)
        )
    return html_response(body, links.lang)
