"""The DCAT catalog at its stable address: ``/catalog`` (content negotiation) and
``/catalog.jsonld``, ``/catalog.ttl``, ``/catalog.rdf``, ``/catalog.nt``; ``?page=N``
selects a page; the paging links keep the form of the address asked for.

A client that states no preference (no ``Accept``, or ``*/*``: data.gouv.fr's
harvester, which guesses the format from a ``HEAD`` of the address a portal
administrator pasted, ``/catalog``) gets Turtle; browsers, which ask for
``text/html``, get the catalog's HTML page.

Two profiles (W3C "Content Negotiation by Profile"): ``?_profile=dcat-ap`` or
``Accept-Profile: <https://semiceu.github.io/DCAT-AP/releases/3.0.0/>`` gives strict
DCAT-AP 3; the default, ``datagouv``, is what data.gouv.fr can import (see
:mod:`lodplan.publishing.catalog_pages`). Responses name theirs in ``Content-Profile``
and ``Link: <…>; rel="profile"``, and the other one in a ``Link`` ``rel="alternate"``.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.http import parse_list_header
from werkzeug.wrappers import Response as BaseResponse

from lodplan.publishing.catalog_pages import PROFILES, CatalogProfile, profile_named
from lodplan.publishing.negotiation import (
    HTML,
    JSONLD,
    RESOURCE_FORMATS,
    TURTLE,
    MediaFormat,
    by_name,
    negotiate,
    split_extension,
)
from lodplan.publishing.representations import Representation
from lodplan.web.dereferencing import represent
from lodplan.web.responses import not_acceptable, text_response
from lodplan.web.services import services

blueprint = Blueprint("catalog", __name__)

CATALOG_PATH = "catalog"
#: The catalog's formats, in order of preference for a client without preference: data
#: first (a harvester's HEAD), HTML for browsers, which ask for it.
CATALOG_FORMATS: tuple[MediaFormat, ...] = (
    TURTLE,
    *(fmt for fmt in RESOURCE_FORMATS if fmt is not TURTLE),
)
PROFILE_PARAMETER = "_profile"


@blueprint.get(f"/{CATALOG_PATH}")
@blueprint.get(f"/{CATALOG_PATH}.<extension>")
def catalog(extension: str | None = None) -> BaseResponse:
    requested = request.args.get("format")
    fmt = (
        _format_of_extension(extension)
        if extension is not None
        else by_name(requested)
        if requested is not None
        else negotiate(request.headers.get("Accept"), CATALOG_FORMATS)
    )
    if fmt is None:
        if extension is not None:
            return text_response(404, f"404 Not Found: no catalog in the format .{extension}.")
        return not_acceptable(RESOURCE_FORMATS, what="the catalog")
    number = _page_number()
    if number is None:
        return text_response(400, "400 Bad Request: page must be a whole number from 1.")
    asked_profile = request.args.get(PROFILE_PARAMETER)
    profile = _profile(asked_profile)
    if profile is None:
        known = ", ".join(f"{p.token} (<{p.uri}>)" for p in PROFILES)
        return text_response(
            404, f"404 Not Found: the catalog has no profile {asked_profile!r}; it has {known}."
        )
    pages = services().catalog
    if fmt is HTML:  # the catalog's own page lists every dataset
        return represent(pages.catalog_iri(), HTML)

    def url_of(n: int, profile: CatalogProfile = profile) -> str:
        # the canonical names of the format and profile, never the request's text
        suffix = f".{extension.lower()}" if extension is not None else ""
        query = f"format={fmt.names[0]}&" if extension is None and requested else ""
        if asked_profile is not None or profile is not PROFILES[0]:
            query += f"{PROFILE_PARAMETER}={profile.token}&"
        return f"{services().store.info().base_iri}{CATALOG_PATH}{suffix}?{query}page={n}"

    representation = pages.represent(number, fmt, url_of, profile)
    if representation is None:
        return text_response(404, f"404 Not Found: the catalog has no page {number}.")
    return _respond(representation, profile)


def _profile(asked: str | None) -> CatalogProfile | None:
    """The profile named by ``?_profile=`` (``None`` if unknown), else the first of
    ``Accept-Profile`` that lodplan serves (by weight), else the default."""
    if asked is not None:
        return profile_named(asked.strip())
    weighted: list[tuple[float, int, CatalogProfile]] = []
    for index, item in enumerate(parse_list_header(request.headers.get("Accept-Profile", ""))):
        uri, _, params = item.partition(";")
        profile = profile_named(uri.strip().strip("<>"))
        if profile is not None:
            weighted.append((_weight(params), -index, profile))
    chosen = max(weighted, key=lambda entry: entry[:2], default=None)
    return chosen[2] if chosen is not None and chosen[0] > 0 else PROFILES[0]


def _weight(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def _format_of_extension(extension: str) -> MediaFormat | None:
    split = split_extension(f"{CATALOG_PATH}.{extension}")
    return split[1] if split is not None and split[0] == CATALOG_PATH else None


def _page_number() -> int | None:
    value = request.args.get("page", "1")
    if not value.isascii() or not value.isdigit() or len(value) > 9 or int(value) < 1:
        return None
    return int(value)


def _respond(representation: Representation, profile: CatalogProfile) -> BaseResponse:
    served = representation.format
    response = Response(representation.body, content_type=served.content_type)
    response.set_etag(representation.etag)
    response.headers["Vary"] = "Accept, Accept-Profile"
    response.headers["Content-Profile"] = f"<{profile.uri}>"
    root = request.script_root

    def query(chosen: CatalogProfile) -> str:
        params = [f"{PROFILE_PARAMETER}={chosen.token}"] if chosen is not PROFILES[0] else []
        params += [f"page={request.args['page']}"] if "page" in request.args else []
        return "?" + "&".join(params) if params else ""

    links = [f'<{profile.uri}>; rel="profile"']
    # pyld's document loader fails on several rel="alternate" links: a JSON-LD page
    # names no alternate (see lodplan.publishing.negotiation.alternate_links)
    if served is not JSONLD:
        links += [
            f'<{root}/{CATALOG_PATH}{other.extension}{query(profile)}>; rel="alternate"; '
            f'type="{other.media_type}"; profile="{profile.uri}"'
            if other is not HTML
            else f'<{root}/{CATALOG_PATH}{other.extension}>; rel="alternate"; type="text/html"'
            for other in CATALOG_FORMATS
            if other is not served
        ]
        links += [
            f'<{root}/{CATALOG_PATH}{served.extension}{query(other)}>; rel="alternate"; '
            f'type="{served.media_type}"; profile="{other.uri}"'
            for other in PROFILES
            if other is not profile
        ]
    response.headers["Link"] = ", ".join(links)
    return response.make_conditional(request)
