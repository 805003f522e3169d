"""Route of the charts page, ``/charts``.

A thin wrapper: :meth:`lodplan.pages.site.SitePages.charts` computes the charts
(once per build and language) and renders a page of them (``?page=N``: the plans
with the most actions first).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort

from lodplan.web.pages import html_response, page_links, requested_page
from lodplan.web.services import services

blueprint = Blueprint("charts", __name__)


@blueprint.get("/charts")
def charts() -> Response:
    """Actions per plan and per top-level element, actors by involvements, dated actions."""
    links = page_links()
    html = services().site.charts(links, requested_page())
    if html is None:
        abort(404, description="the charts have no such page.")
    return html_response(html, links.lang)
