"""Route of the charts page, ``/charts``.

A thin wrapper: :func:`lodplan.pages.charts.render_charts_page` computes the
charts (cached per build and language) and renders the HTML.
"""

from __future__ import annotations

from flask import Blueprint, Response

from lodplan.pages.charts import render_charts_page
from lodplan.web.pages import html_response, page_links
from lodplan.web.services import services

blueprint = Blueprint("charts", __name__)


@blueprint.get("/charts")
def charts() -> Response:
    """Actions per plan and per top-level element, actors by involvements, dated actions."""
    web = services()
    links = page_links()
    return html_response(render_charts_page(web.store, web.renderer, links), links.lang)
