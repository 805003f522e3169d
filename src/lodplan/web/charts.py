"""Route of the charts page, ``/charts``.

A thin wrapper: :func:`lodplan.pages.charts.render_charts_page` computes the
charts (cached per build and language) and renders the HTML.
"""

from __future__ import annotations

from flask import Blueprint, Response

from lodplan.pages.charts import render_charts_page
from lodplan.publishing.negotiation import HTML
from lodplan.web.pages import page_links
from lodplan.web.services import services

blueprint = Blueprint("charts", __name__)


@blueprint.get("/charts")
def charts() -> Response:
    """Actions per plan and per top-level element, actors by involvements, dated actions."""
    web = services()
    links = page_links()
    response = Response(
        render_charts_page(web.store, web.renderer, links), content_type=HTML.content_type
    )
    response.headers["Content-Language"] = links.lang
    return response
