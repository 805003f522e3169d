"""The ontology, ``/ontology``: for browsers the documentation page of lodplan's
ontology, code lists and SHACL shapes, made by :mod:`lodplan.pages.ontology_docs`
(which also renders it for the static export; ``?lang=en`` in English); for RDF
clients the ontology itself, ``ontology/lodplan.ttl``.

Turtle is the file as its authors wrote it (comments and prefixes kept); JSON-LD,
N-Triples and RDF/XML are made from it. The format is chosen like a resource's:
``?format=``, then an extension (``/ontology.ttl``), then ``Accept``; a client
without preference gets the page.
"""

from __future__ import annotations

import hashlib
from functools import cache

from flask import Blueprint, Response, request
from pyoxigraph import RdfFormat, parse
from werkzeug.wrappers import Response as BaseResponse

from lodplan.bundled import ontology_dir
from lodplan.pages.ontology_docs import ONTOLOGY_FILE, TEMPLATE, ontology_page_context
from lodplan.publishing.jsonld import JsonLdCompactor
from lodplan.publishing.negotiation import (
    HTML,
    JSONLD,
    RESOURCE_FORMATS,
    TURTLE,
    MediaFormat,
    alternate_links,
    by_name,
    choose_resource_format,
    split_extension,
)
from lodplan.publishing.prefixes import used_prefixes
from lodplan.publishing.representations import LRUCache
from lodplan.publishing.serialization import rdf_bytes
from lodplan.web.pages import html_page
from lodplan.web.responses import not_acceptable
from lodplan.web.services import services

blueprint = Blueprint("ontology", __name__)
_documents = LRUCache(8)

_EXTENSIONS = sorted({ext[1:] for fmt in RESOURCE_FORMATS for ext in fmt.extensions})


@blueprint.get("/ontology")
@blueprint.get(f"/ontology.<any({', '.join(_EXTENSIONS)}):extension>")
def ontology(extension: str | None = None) -> BaseResponse:
    fmt = _requested_format(extension)
    if fmt is None:
        return not_acceptable(RESOURCE_FORMATS, what="the ontology")
    if fmt is HTML:
        response = html_page(TEMPLATE, **ontology_page_context())
    else:
        body = _document(fmt)
        response = Response(body, content_type=fmt.content_type)
        response.set_etag(hashlib.sha256(body).hexdigest()[:40])
    root = request.script_root
    response.headers["Vary"] = "Accept"
    response.headers["Content-Location"] = f"{root}/ontology{fmt.extension}"
    response.headers["Link"] = alternate_links(
        [(f"{root}/ontology{other.extension}", other) for other in RESOURCE_FORMATS], fmt
    )
    return response.make_conditional(request)


def _requested_format(extension: str | None) -> MediaFormat | None:
    """``?format=`` first, then the extension, then ``Accept``; ``None``: nothing acceptable."""
    name = request.args.get("format")
    if name is not None:
        return by_name(name, RESOURCE_FORMATS)
    if extension is not None:
        split = split_extension("." + extension, RESOURCE_FORMATS)
        return split[1] if split else None
    return choose_resource_format(request.headers.get("Accept"))


def _document(fmt: MediaFormat) -> bytes:
    if fmt is TURTLE:
        return _turtle()
    seed = services().resources.etag_seed  # the JSON-LD context shapes the bytes
    return _documents.get_or_compute((fmt.name, seed), lambda: _converted(fmt))


def _converted(fmt: MediaFormat) -> bytes:
    triples = [quad.triple for quad in parse(_turtle(), format=RdfFormat.TURTLE)]
    if fmt is JSONLD:
        return JsonLdCompactor(services().resources.jsonld_context).to_bytes(triples)
    assert fmt.rdf_format is not None
    return rdf_bytes(triples, fmt.rdf_format, used_prefixes(triples))


@cache
def _turtle() -> bytes:
    return (ontology_dir() / ONTOLOGY_FILE).read_bytes()
