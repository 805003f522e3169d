"""Responses compressed for the clients that ask for it (``Accept-Encoding``): Brotli,
else gzip, by flask-compress.

A phone on a slow network gets the SPARQL editor's script (1 MB) in 280 kB, a plan's
page in a fifth of its size. What is compressed: the site's pages, styles and scripts,
the RDF and SPARQL results as text. What is not: responses to a client that does not
ask, partial responses (``206``), the build's files (downloads are sent from disk as
they are, streamed: the dump is already gzipped) and any other streamed body. The
stylesheets and scripts of ``site/assets/`` are compressed once per process and
encoding, kept in memory. A compressed response has its own ETag (``"…:br"``) and
answers ``If-None-Match`` with ``304`` as the uncompressed one does. Behind nginx,
which can compress too, see docs/deployment.md.
"""

from __future__ import annotations

from threading import Lock

from flask import Flask, Request, Response, request
from flask_compress import Compress

#: Text that gains from compression: pages, assets, RDF, SPARQL results.
COMPRESSED_TYPES = (
    "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
    "image/svg+xml", "application/json", "application/ld+json", "text/turtle",
    "application/n-triples", "application/n-quads", "application/rdf+xml", "application/trig",
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
    "text/tab-separated-values", "application/xml",
)  # fmt: skip
ASSETS_PREFIX = "/assets/"
ASSET_ENDPOINT = "pages.asset"


class _AssetCache:
    """flask-compress's cache, holding the compressed assets only (keys ``algo;path``)."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.partition(";")[2].startswith(ASSETS_PREFIX):
            with self._lock:
                self._data[key] = value


def _cache_key(incoming: Request) -> str:
    return incoming.path


def enable_compression(app: Flask) -> None:
    """Compress ``app``'s responses for the clients that accept it (see the module)."""
    app.config.update(
        COMPRESS_REGISTER=False,  # called by compress_response, which chooses what
        COMPRESS_MIMETYPES=list(COMPRESSED_TYPES),
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_STREAMS=False,
        COMPRESS_CACHE_BACKEND=_AssetCache,
        COMPRESS_CACHE_KEY=_cache_key,
    )
    compress = Compress(app)

    def compress_response(response: Response) -> Response:
        if response.status_code == 206 or "Content-Range" in response.headers:
            return response  # a part of a file: compressing it would change its bytes
        if request.endpoint == ASSET_ENDPOINT and response.mimetype in COMPRESSED_TYPES:
            # a small file of the site, sent as a stream by send_from_directory: read it
            # whole, so that it is compressed (once: the cache above) rather than skipped
            response.direct_passthrough = False
            response.make_sequence()
        elif response.direct_passthrough:
            return response  # a file of the build, streamed as it is
        return compress.after_request(response)

    app.after_request(compress_response)
