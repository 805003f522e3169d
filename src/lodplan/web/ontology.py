"""The ontology page, ``/ontology`` (``?lang=en`` in English): the documentation of
lodplan's ontology, code lists and SHACL shapes, made by
:mod:`lodplan.pages.ontology_docs` (which also renders it for the static export)."""

from __future__ import annotations

from flask import Blueprint, Response

from lodplan.pages.ontology_docs import TEMPLATE, ontology_page_context
from lodplan.web.pages import html_page

blueprint = Blueprint("ontology", __name__)


@blueprint.get("/ontology")
def ontology() -> Response:
    return html_page(TEMPLATE, **ontology_page_context())
