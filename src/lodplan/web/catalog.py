"""The DCAT catalog at its stable address: ``/catalog`` (content negotiation) and
``/catalog.jsonld``, ``/catalog.ttl``, ``/catalog.rdf``, ``/catalog.nt``; ``?page=N``
selects a page. Browsers get the catalog's HTML page. A harvester that guesses
the format from the URL (data.gouv.fr) should be given a URL with an extension:
the paging links keep the form of the address asked for.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from lodplan.publishing.negotiation import (
    HTML,
    RESOURCE_FORMATS,
    MediaFormat,
    by_name,
    choose_resource_format,
    split_extension,
)
from lodplan.publishing.resources import Representation
from lodplan.web.resources import represent
from lodplan.web.responses import not_acceptable, text_response
from lodplan.web.services import services

blueprint = Blueprint("catalog", __name__)

CATALOG_PATH = "catalog"


@blueprint.get(f"/{CATALOG_PATH}")
@blueprint.get(f"/{CATALOG_PATH}.<extension>")
def catalog(extension: str | None = None) -> Response:
    requested = request.args.get("format")
    fmt = (
        _format_of_extension(extension)
        if extension is not None
        else by_name(requested)
        if requested is not None
        else choose_resource_format(request.headers.get("Accept"))
    )
    if fmt is None:
        if extension is not None:
            return text_response(404, f"404 Not Found: no catalog in the format .{extension}.")
        return not_acceptable(RESOURCE_FORMATS, what="the catalog")
    number = _page_number()
    if number is None:
        return text_response(400, "400 Bad Request: page must be a whole number from 1.")
    pages = services().catalog
    if fmt is HTML:  # the catalog's own page lists every dataset
        return represent(pages.catalog_iri(), HTML)

    def url_of(n: int) -> str:  # the canonical name of the format, never the request's text
        suffix = f".{extension.lower()}" if extension is not None else ""
        keep_format = f"format={fmt.names[0]}&" if extension is None and requested else ""
        return f"{services().store.info().base_iri}{CATALOG_PATH}{suffix}?{keep_format}page={n}"

    representation = pages.represent(number, fmt, url_of)
    if representation is None:
        return text_response(404, f"404 Not Found: the catalog has no page {number}.")
    return _respond(representation)


def _format_of_extension(extension: str) -> MediaFormat | None:
    split = split_extension(f"{CATALOG_PATH}.{extension}")
    return split[1] if split is not None and split[0] == CATALOG_PATH else None


def _page_number() -> int | None:
    value = request.args.get("page", "1")
    if not value.isascii() or not value.isdigit() or len(value) > 9 or int(value) < 1:
        return None
    return int(value)


def _respond(representation: Representation) -> Response:
    response = Response(representation.body, content_type=representation.format.content_type)
    response.set_etag(representation.etag)
    response.headers["Vary"] = "Accept"
    root = request.script_root
    page = f"?page={request.args['page']}" if "page" in request.args else ""
    response.headers["Link"] = ", ".join(
        f'<{root}/{CATALOG_PATH}{other.extension}{page}>; rel="alternate"; '
        f'type="{other.media_type}"'
        for other in RESOURCE_FORMATS
        if other is not representation.format
    )
    return response.make_conditional(request)
