"""Dereferencing: every IRI under the base answers with its description.

``/plan/p`` is the IRI ``{base}plan/p``: it answers in the format the client asks
for (``?format=`` first, then ``Accept``). ``/plan/p.ttl`` is the same resource
in Turtle when ``{base}plan/p.ttl`` is not itself a resource. ``/`` is the home
page for browsers and the description of ``{base}`` (the dataset) for RDF
clients. ``/resource?iri=…`` describes an IRI outside the base that the store
knows (ontology terms, code-list concepts) the same way. The routes only look
the resource up and return the service's cached bytes. ``/context/<version>.jsonld``
is a version of the JSON-LD context, ``/context.jsonld`` the current one.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from flask import Blueprint, Response, redirect, request, send_file
from werkzeug.wrappers import Response as BaseResponse

from lodplan.publishing.downloads import (
    GZIP_MEDIA_TYPE,
    NQUADS_MEDIA_TYPE,
    file_digest,
    gunzipped_chunks,
    stored_name,
)
from lodplan.publishing.negotiation import (
    HTML,
    JSONLD,
    RESOURCE_FORMATS,
    MediaFormat,
    alternate_links,
    by_name,
    choose_resource_format,
    split_extension,
)
from lodplan.publishing.representations import RESOURCE_PATH, Representation
from lodplan.publishing.workbooks import XLSX_MEDIA_TYPE
from lodplan.store.base import is_valid_iri
from lodplan.web.pages import html_response, page_links, requested_months, requested_page
from lodplan.web.responses import error_page, not_acceptable, text_response
from lodplan.web.services import services

blueprint = Blueprint("resources", __name__)

# Characters a decoded request path may hold that an IRI cannot (RFC 3987), plus
# the delimiters that were percent-encoded in the request ("%", "?", "#").
_NOT_IN_IRI = re.compile(r'[\x00-\x20\x7f<>"{}|\\^`%?#\[\]]')
# Characters that must be percent-encoded in a URI reference (headers are ASCII).
_NOT_IN_URI = re.compile(r"[^A-Za-z0-9\-._~!$&\'()*+,;=:@/%]")


@blueprint.get("/")
def home() -> BaseResponse:
    fmt = _requested_format()
    if fmt is not HTML:  # RDF clients get the description of the base IRI, if there is one
        return resource("")
    html = services().site.home(page_links(), requested_page())
    if html is None:
        return error_page(404, "Not Found", "The list of plans has no such page.")
    response = _html_response(html)
    response.headers["Vary"] = "Accept"
    return response.make_conditional(request)


@blueprint.get("/context.jsonld")
def context() -> BaseResponse:
    """The current context: the same bytes as its versioned URL, named by Content-Location."""
    resources = services().resources
    try:
        body = resources.context_bytes()
    except FileNotFoundError:
        return text_response(404, "404 Not Found: the JSON-LD context is not installed.")
    response = _context_response(body)
    version = resources.contexts.current_version
    if version is not None:
        response.headers["Content-Location"] = f"{request.script_root}/context/{version}.jsonld"
    return response.make_conditional(request)


@blueprint.get("/context/<version>.jsonld")
def versioned_context(version: str) -> BaseResponse:
    """A published version of the context; it never changes, so caches may keep it a day."""
    body = services().resources.context_version_bytes(version)
    if body is None:
        return text_response(404, f"404 Not Found: no JSON-LD context version {version!r}.")
    response = _context_response(body)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response.make_conditional(request)


def _context_response(body: bytes) -> BaseResponse:
    response = Response(body, content_type=JSONLD.media_type)
    response.set_etag(hashlib.sha256(body).hexdigest()[:40])
    return response


@blueprint.get(f"/{RESOURCE_PATH}")
def resource_by_iri() -> BaseResponse:
    """``/resource?iri=…``: the description of any IRI the store knows, outside the base."""
    web = services()
    forced = _forced_format()
    if forced is False:
        return not_acceptable(RESOURCE_FORMATS)
    fmt = forced or choose_resource_format(_accept())
    iri = request.args.get("iri", "")
    if not iri or not is_valid_iri(iri):
        return _bad_iri(iri, fmt)
    data_base = web.store.info().base_iri
    if iri.startswith(data_base):  # served at its own address
        return _redirect_to_path(iri[len(data_base) :], forced)
    if not _exists(iri):
        return _not_found(iri, fmt)
    if fmt is None:
        return not_acceptable(RESOURCE_FORMATS)
    return represent(iri, fmt)


DOWNLOAD_TYPES = {
    # the gzipped N-Quads files as files (what the catalog announces, byte for byte)
    ".nq.gz": GZIP_MEDIA_TYPE,
    # the same N-Quads for RDF clients, served from that file (see _nquads_from_gzip)
    ".nq": NQUADS_MEDIA_TYPE,
    ".ttl": "text/turtle; charset=utf-8",
    ".csv": "text/csv; charset=utf-8; header=present",
    ".xlsx": XLSX_MEDIA_TYPE,
    "-metadata.json": "application/csvm+json",
    ".jsonld": "application/ld+json",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",  # validation summaries (after -metadata.json)
}


@blueprint.get("/download/<path:name>")
def download(name: str) -> BaseResponse:
    """A file of the served build (dump; per plan JSON-LD, Turtle, N-Quads, CSV, XLSX), as the
    catalog announces. Its ETag is the SHA-256 of its bytes: the same file in the next
    build keeps it."""
    try:
        path = services().store.download(stored_name(name))
    except (ValueError, OSError):  # a name no file can have (NUL, too long…)
        path = None
    media_type = next((t for end, t in DOWNLOAD_TYPES.items() if name.endswith(end)), None)
    if path is None or media_type is None:
        return text_response(404, f"404 Not Found: no file download/{name} in this build.")
    etag = file_digest(path)
    if stored_name(name) != name:
        return _nquads_from_gzip(path, etag)
    response = send_file(path, mimetype=media_type, conditional=True, etag=etag, max_age=0)
    response.headers["Content-Type"] = media_type  # as declared (Flask would add a charset)
    response.headers.pop("Content-Encoding", None)  # a .gz is a file, not a coding of it
    return response


def _nquads_from_gzip(path: Path, etag: str) -> BaseResponse:
    """``X.nq`` from the file ``X.nq.gz``: its bytes with ``Content-Encoding: gzip`` to a
    client that accepts gzip (browsers, requests, Comunica's fetch), uncompressed to
    one that does not say so (rdflib and SPARQLWrapper through urllib, wget, curl
    without ``--compressed``)."""
    response: BaseResponse
    if request.accept_encodings.quality("gzip") > 0:
        response = send_file(
            path, mimetype=NQUADS_MEDIA_TYPE, conditional=True, etag=etag, max_age=0
        )
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(gunzipped_chunks(path), direct_passthrough=True)
        response.set_etag(f"{etag}-identity")  # another representation: another tag
        response = response.make_conditional(request)
    response.headers["Content-Type"] = NQUADS_MEDIA_TYPE
    response.vary.add("Accept-Encoding")
    response.cache_control.max_age = 0
    return response


@blueprint.get("/<path:path>")
def resource(path: str) -> BaseResponse:
    web = services()
    forced = _forced_format()
    if forced is False:
        return not_acceptable(RESOURCE_FORMATS)
    iri = web.store.info().base_iri + iri_path(path)
    from_extension: MediaFormat | None = None
    if not _exists(iri):
        split = split_extension(iri)
        if split is None or not _exists(split[0]):
            return _not_found(iri, forced or choose_resource_format(_accept()))
        iri, from_extension = split
    fmt = forced or from_extension or choose_resource_format(_accept())
    if fmt is None:
        return not_acceptable(RESOURCE_FORMATS)
    return represent(iri, fmt)


def iri_path(path: str) -> str:
    """The IRI form of a decoded request path: Unicode kept, IRI-illegal characters encoded."""
    return _NOT_IN_IRI.sub(lambda m: _percent_encode(m.group()), path)


def uri_reference(iri_path_part: str) -> str:
    """An IRI path as an ASCII URI reference (for headers)."""
    return _NOT_IN_URI.sub(lambda m: _percent_encode(m.group()), iri_path_part)


def _exists(iri: str) -> bool:
    """Whether the store describes ``iri``; an invalid IRI (``/plan/%FF``) is no resource."""
    if not is_valid_iri(iri):
        return False
    try:
        return services().resources.exists(iri)
    except ValueError:  # a store stricter about IRIs than is_valid_iri
        return False


def represent(iri: str, fmt: MediaFormat) -> BaseResponse:
    """The response describing ``iri`` (known to the store) in ``fmt``."""
    if fmt is HTML:  # the page for people, in the language of ?lang=
        return _page(iri)
    representation = services().resources.represent(iri, fmt)
    if representation is None:  # a new build without this resource arrived meanwhile
        return _not_found(iri, fmt)
    return _respond(iri, representation)


def _page(iri: str) -> BaseResponse:
    html = services().site.resource(
        iri, page_links(), page=requested_page(), months=requested_months()
    )
    if html is None:  # a new build without this resource arrived meanwhile, or no such page
        return _not_found(iri, HTML)
    response = _html_response(html)
    _add_alternates(response, iri, HTML)
    return response.make_conditional(request)


def _html_response(html: str) -> BaseResponse:
    response = html_response(html, page_links().lang)
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:40])
    return response


def _add_alternates(response: BaseResponse, iri: str, fmt: MediaFormat) -> None:
    response.headers["Vary"] = "Accept"
    response.headers["Content-Location"] = _format_url(iri, fmt)
    response.headers["Link"] = alternate_links(
        [(_format_url(iri, other), other) for other in RESOURCE_FORMATS], fmt
    )


def _respond(iri: str, representation: Representation) -> BaseResponse:
    fmt = representation.format
    response = Response(representation.body, content_type=fmt.content_type)
    response.set_etag(representation.etag)
    _add_alternates(response, iri, fmt)
    return response.make_conditional(request)  # 304 when If-None-Match holds the ETag


def _format_url(iri: str, fmt: MediaFormat) -> str:
    """Absolute-path reference of ``iri`` in ``fmt`` on this server.

    ``/plan/p.ttl`` under the base; ``/?format=ttl`` for the base itself (``/`` is
    the home page for browsers); ``/resource?iri=…&format=ttl`` outside the base.
    """
    data_base = services().store.info().base_iri
    root = request.script_root
    if iri == data_base:
        return f"{root}/?format={fmt.names[0]}"
    if iri.startswith(data_base):
        return root + "/" + uri_reference(iri[len(data_base) :]) + fmt.extension
    return f"{root}/{RESOURCE_PATH}?iri={quote(iri, safe=':/')}&format={fmt.names[0]}"


def _redirect_to_path(local: str, forced: MediaFormat | None) -> BaseResponse:
    """303 to the address of an IRI under the base (a ``#`` part stays a fragment)."""
    path, hash_mark, fragment = local.partition("#")
    reference = uri_reference(path)
    if reference.startswith("/"):  # "//x" would name another host: encode that slash
        reference = "%2F" + reference[1:]
    location = request.script_root + "/" + reference
    if forced is not None:
        location += f"?format={forced.names[0]}"
    if hash_mark:
        location += "#" + uri_reference(fragment)
    response = redirect(location, code=303)
    response.headers["Vary"] = "Accept"
    return response


def _not_found(iri: str, fmt: MediaFormat | None) -> BaseResponse:
    if fmt is HTML:
        response = error_page(
            404,
            "Ressource introuvable",
            "Aucune ressource n’a cet IRI dans les données publiées.",
            iri=iri,
        )
    else:
        message = "No resource has this IRI in the published data."
        response = text_response(404, f"404 Not Found: {message}\n{iri}")
    response.headers["Vary"] = "Accept"
    return response


def _bad_iri(iri: str, fmt: MediaFormat | None) -> BaseResponse:
    if fmt is HTML:
        response = error_page(
            400,
            "Requête invalide",
            "Indiquez l’IRI à décrire, un IRI absolu : /resource?iri=https://…",
            iri=iri or None,
        )
    else:
        what = f"{iri!r} is not an absolute IRI" if iri else "the iri parameter is missing"
        response = text_response(
            400, f"400 Bad Request: {what}; ask for /{RESOURCE_PATH}?iri=<an absolute IRI>."
        )
    response.headers["Vary"] = "Accept"
    return response


def _forced_format() -> MediaFormat | Literal[False] | None:
    """The ``?format=`` choice: a format, ``None`` when absent, ``False`` when unknown."""
    name = request.args.get("format")
    if name is None:
        return None
    return by_name(name, RESOURCE_FORMATS) or False


def _requested_format() -> MediaFormat | None:
    forced = _forced_format()
    if forced is False:
        return None
    return forced or choose_resource_format(_accept())


def _accept() -> str | None:
    return request.headers.get("Accept")


def _percent_encode(text: str) -> str:
    return "".join(f"%{byte:02X}" for byte in text.encode("utf-8"))
