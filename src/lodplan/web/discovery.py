"""Discovery: the whole VoID description of the served build at ``/.well-known/void``.

RFC 8615 well-known URI, as VoID §7.2 proposes. It answers the graph
``{base}graph/void`` as the build wrote it: the dataset ``{base}``, each named
graph with its statistics and partitions, the SPARQL endpoint, the dumps, the
vocabularies. Formats: Turtle (the default, for crawlers that accept anything),
JSON-LD, N-Triples, RDF/XML, chosen by ``?format=``, an extension
(``/.well-known/void.ttl``) or ``Accept``; browsers asking for HTML get the page
of the dataset ``{base}`` (its counts, its partitions, links to each graph's
page). Bodies are cached per build; ETags and ``304`` as for resources.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, request
from werkzeug.wrappers import Response as BaseResponse

from lodplan.description import VOID_PATH
from lodplan.iris import IriMinter
from lodplan.pages.site import Alternate
from lodplan.publishing.jsonld import JsonLdCompactor
from lodplan.publishing.negotiation import (
    HTML,
    JSONLD,
    NTRIPLES,
    RDFXML,
    TURTLE,
    MediaFormat,
    alternate_links,
    by_name,
    negotiate,
    split_extension,
)
from lodplan.publishing.prefixes import used_prefixes
from lodplan.publishing.representations import LRUCache, make_etag
from lodplan.publishing.serialization import rdf_bytes, term_text
from lodplan.web.pages import page_links
from lodplan.web.responses import not_acceptable, text_response
from lodplan.web.services import services

blueprint = Blueprint("discovery", __name__)

#: Turtle first: a VoID crawler sending ``*/*`` or nothing gets RDF, not a page.
VOID_FORMATS: tuple[MediaFormat, ...] = (TURTLE, HTML, JSONLD, NTRIPLES, RDFXML)
_EXTENSIONS = sorted({ext[1:] for fmt in VOID_FORMATS for ext in fmt.extensions})
_CACHE_KEY = "lodplan.discovery"


@blueprint.get(f"/{VOID_PATH}")
@blueprint.get(f"/{VOID_PATH}.<any({', '.join(_EXTENSIONS)}):extension>")
def void_description(extension: str | None = None) -> BaseResponse:
    fmt = _requested_format(extension)
    if fmt is None:
        return not_acceptable(VOID_FORMATS, what="the VoID description")
    web = services()
    info = web.store.info()
    if fmt is HTML:  # a page for people, in the language asked; not cached here
        body = _html(info.base_iri)
        etag = hashlib.sha256(body).hexdigest()[:40]
    else:
        body = _cache().get_or_compute(
            (info.build_id, fmt.name), lambda: _render(fmt, info.base_iri)
        )
        seed = web.resources.etag_seed  # the JSON-LD context shapes the bytes
        etag = make_etag(info.build_id, info.base_iri + VOID_PATH, fmt.name, seed)
    if not body:
        return text_response(404, "404 Not Found: this build has no VoID description.")
    response = Response(body, content_type=fmt.content_type)
    response.set_etag(etag)
    response.headers["Vary"] = "Accept"
    response.headers["Content-Location"] = _url(fmt)
    response.headers["Link"] = alternate_links(
        [(_url(other), other) for other in VOID_FORMATS], fmt
    )
    return response.make_conditional(request)


def warm_up() -> None:
    """Serialise the description in Turtle, what crawlers get, before anyone asks (it
    describes every graph: seconds at national scale). Within an app context."""
    info = services().store.info()
    _cache().get_or_compute((info.build_id, TURTLE.name), lambda: _render(TURTLE, info.base_iri))


def _requested_format(extension: str | None) -> MediaFormat | None:
    """``?format=`` first, then the extension, then ``Accept``; ``None``: nothing acceptable."""
    name = request.args.get("format")
    if name is not None:
        return by_name(name, VOID_FORMATS)
    if extension is not None:
        split = split_extension("." + extension, VOID_FORMATS)
        return split[1] if split else None
    return negotiate(request.headers.get("Accept"), VOID_FORMATS)


def _render(fmt: MediaFormat, base_iri: str) -> bytes:
    """The description in ``fmt``; empty when the build has none."""
    triples = services().store.graph_triples(IriMinter(base_iri).graph("void"))
    if not triples:
        return b""
    # by subject: the dataset, its partitions, the document, then each graph
    triples.sort(key=lambda t: (term_text(t.subject), t.predicate.value, str(t.object)))
    if fmt is JSONLD:
        return JsonLdCompactor(services().resources.jsonld_context).to_bytes(triples)
    assert fmt.rdf_format is not None
    return rdf_bytes(triples, fmt.rdf_format, used_prefixes(triples))


def _html(base_iri: str) -> bytes:
    """The page of the dataset ``{base}``: the whole description would be thousands of rows."""
    alternates = [  # the formats of this document, not of {base}
        Alternate(fmt.label, fmt.media_type, _url(fmt)) for fmt in VOID_FORMATS if fmt is not HTML
    ]
    html = services().site.resource(base_iri, page_links(), alternates)
    return html.encode("utf-8") if html is not None else b""


def _url(fmt: MediaFormat) -> str:
    return f"{request.script_root}/{VOID_PATH}{fmt.extension}"


def _cache() -> LRUCache:
    """Per app: two apps in one process (tests) may serve different stores."""
    return current_app.extensions.setdefault(_CACHE_KEY, LRUCache(len(VOID_FORMATS) * 2))
