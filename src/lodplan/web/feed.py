"""The change feed (:mod:`lodplan.publishing.feed`): ``/feed`` (the Linked Data Event
Stream), ``/feed/view`` (its root node), ``/feed/page/<n>`` (its pages) and
``/feed/event/<n>`` (one member), in Turtle (a client without preference), JSON-LD or
N-Triples: by ``Accept``, ``?format=`` or an extension (``/feed/page/2.jsonld``).

Made from the change log of the served build (``download/changes/log.json``), once per
build. A page that is full and followed by another never changes: it is served
``Cache-Control: public, max-age=31536000, immutable``; the stream, the view and the
last page change with builds: ``no-cache`` (a client revalidates with its ETag).
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, request
from werkzeug.wrappers import Response as BaseResponse

from lodplan.config import feed_page_size_from_env
from lodplan.publishing.changes import LOG_FILE, ChangeLog, ChangeLogError, read_change_log
from lodplan.publishing.feed import (
    FEED_FORMATS,
    FEED_PATH,
    Feed,
    FeedDocument,
    document_path,
    member_iri,
    serialize,
    server_links,
)
from lodplan.publishing.negotiation import MediaFormat, alternate_links, by_name, negotiate
from lodplan.publishing.representations import LRUCache
from lodplan.web.responses import not_acceptable, text_response
from lodplan.web.services import services

blueprint = Blueprint("feed", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
MUTABLE = "no-cache"
_EXTENSIONS = sorted({ext[1:] for fmt in FEED_FORMATS for ext in fmt.extensions})
_EXTENSION = f"<any({', '.join(_EXTENSIONS)}):extension>"
_CACHE_KEY = "lodplan.feed"


@blueprint.get(f"/{FEED_PATH}")
@blueprint.get(f"/{FEED_PATH}.{_EXTENSION}")
def stream(extension: str | None = None) -> BaseResponse:
    return _document(None, extension)


@blueprint.get(f"/{FEED_PATH}/view")
@blueprint.get(f"/{FEED_PATH}/view.{_EXTENSION}")
def view(extension: str | None = None) -> BaseResponse:
    return _document(0, extension)


@blueprint.get(f"/{FEED_PATH}/page/<int:number>")
@blueprint.get(f"/{FEED_PATH}/page/<int:number>.{_EXTENSION}")
def page(number: int, extension: str | None = None) -> BaseResponse:
    if number < 1:
        return text_response(404, "404 Not Found: the feed's pages are numbered from 1.")
    return _document(number, extension)


@blueprint.get(f"/{FEED_PATH}/event/<int:sequence>")
@blueprint.get(f"/{FEED_PATH}/event/<int:sequence>.{_EXTENSION}")
def event(sequence: int, extension: str | None = None) -> BaseResponse:
    """One member of the stream, described as on its page."""
    fmt = _format(extension)
    if fmt is None:
        return not_acceptable(FEED_FORMATS, what="the change feed")
    feed = _feed()
    triples = feed.member(sequence)
    if not triples:
        return text_response(404, f"404 Not Found: the feed has no event {sequence}.")
    body = serialize(triples, fmt)
    return _respond(FeedDocument(body, fmt, immutable=True), member_iri(feed.base, sequence))


def _document(number: int | None, extension: str | None) -> BaseResponse:
    fmt = _format(extension)
    if fmt is None:
        return not_acceptable(FEED_FORMATS, what="the change feed")
    feed = _feed()
    links = server_links(feed.base)
    document = _cache().get_or_compute(
        (services().store.info().build_id, feed.page_size, number, fmt.name),
        lambda: feed.document(number, fmt, links),
    )
    if document is None:
        return text_response(
            404, f"404 Not Found: the feed has {feed.page_count} page(s), not {number}."
        )
    return _respond(document, feed.base + document_path(number))


def _respond(document: FeedDocument, address: str) -> BaseResponse:
    """``document`` with its headers; ``address``: where it is, without extension."""
    fmt = document.format
    response = Response(document.body, content_type=fmt.content_type)
    response.set_etag(hashlib.sha256(document.body).hexdigest()[:40])
    response.headers["Cache-Control"] = IMMUTABLE if document.immutable else MUTABLE
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = alternate_links(
        [(address + other.extension, other) for other in FEED_FORMATS if other is not fmt], fmt
    )
    return response.make_conditional(request)


def _format(extension: str | None) -> MediaFormat | None:
    name = request.args.get("format")
    if extension is not None:
        return by_name(extension, FEED_FORMATS)
    if name is not None:
        return by_name(name, FEED_FORMATS)
    return negotiate(request.headers.get("Accept"), FEED_FORMATS)


def _feed() -> Feed:
    """The feed of the served build's change log (none yet: a feed without members)."""
    info = services().store.info()
    size = feed_page_size_from_env()
    return _cache().get_or_compute(
        (info.build_id, size), lambda: Feed(_log(info.base_iri), info.base_iri, size)
    )


def _log(base_iri: str) -> ChangeLog:
    path = services().store.download(LOG_FILE)
    if path is None:
        return ChangeLog(base_iri)
    try:
        return read_change_log(path.read_bytes(), LOG_FILE)
    except (OSError, ChangeLogError) as error:
        current_app.logger.error("the change feed has no events: %s", error)
        return ChangeLog(base_iri)


def _cache() -> LRUCache:
    """Per app: two apps in one process (tests) may serve different stores."""
    return current_app.extensions.setdefault(_CACHE_KEY, LRUCache(64))
