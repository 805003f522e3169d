"""Content negotiation: which representation a client gets.

A client chooses a format in one of three ways, strongest first: a ``?format=``
parameter, a file extension on the resource path, or the ``Accept`` header
(with q-values). Browsers and clients that accept anything (``*/*``, no
``Accept`` at all) get HTML. When nothing offered is acceptable the functions
return ``None`` and the caller answers ``406 Not Acceptable``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import RdfFormat
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class MediaFormat:
    """One representation format: its media types, extensions and ``?format=`` names.

    The first media type and the first extension are the canonical ones (used in
    ``Content-Type``, ``Link`` and ``Content-Location``); the others are accepted.
    """

    name: str
    label: str
    media_types: tuple[str, ...]
    extensions: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    rdf_format: RdfFormat | None = None

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def extension(self) -> str:
        return self.extensions[0] if self.extensions else ""

    @property
    def content_type(self) -> str:
        """``Content-Type`` value; textual formats are always sent as UTF-8."""
        textual = self.media_type.startswith("text/") or self.media_type.endswith("+xml")
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


HTML = MediaFormat("html", "HTML", ("text/html",), (".html",), ("html",))
JSONLD = MediaFormat(
    "jsonld",
    "JSON-LD",
    ("application/ld+json", "application/json"),
    (".jsonld", ".json"),
    ("jsonld", "json"),
    RdfFormat.JSON_LD,
)
TURTLE = MediaFormat(
    "turtle", "Turtle", ("text/turtle",), (".ttl",), ("ttl", "turtle"), RdfFormat.TURTLE
)
NTRIPLES = MediaFormat(
    "ntriples",
    "N-Triples",
    ("application/n-triples",),
    (".nt",),
    ("nt", "ntriples"),
    RdfFormat.N_TRIPLES,
)
RDFXML = MediaFormat(
    "rdfxml",
    "RDF/XML",
    ("application/rdf+xml",),
    (".rdf",),
    ("rdf", "xml", "rdfxml"),
    RdfFormat.RDF_XML,
)

#: Formats of a resource description, in order of preference when the client is indifferent.
RESOURCE_FORMATS: tuple[MediaFormat, ...] = (HTML, JSONLD, TURTLE, NTRIPLES, RDFXML)
#: The RDF syntaxes among them (graph results of SPARQL, service description).
RDF_FORMATS: tuple[MediaFormat, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML)


def negotiate(accept: str | None, offers: Sequence[MediaFormat]) -> MediaFormat | None:
    """The offer that best matches an ``Accept`` header; the first offer if there is none.

    Ties go to the earlier offer, so the order of ``offers`` is the server's preference.
    """
    if accept is None or not accept.strip():
        return offers[0]
    by_type = {media_type: fmt for fmt in offers for media_type in fmt.media_types}
    best = parse_accept_header(accept, MIMEAccept).best_match(list(by_type))
    return by_type.get(best) if best is not None else None


def by_name(name: str, offers: Sequence[MediaFormat] = RESOURCE_FORMATS) -> MediaFormat | None:
    """The offer a ``?format=`` value names (case-insensitive), or ``None``.

    A media type is accepted too (``format=text/csv``), as Virtuoso and
    SPARQLWrapper do.
    """
    wanted = name.strip().lower()
    return next((fmt for fmt in offers if wanted in fmt.names or wanted in fmt.media_types), None)


def split_extension(
    path: str, offers: Sequence[MediaFormat] = RESOURCE_FORMATS
) -> tuple[str, MediaFormat] | None:
    """Split ``path`` into the path without its format extension and that format.

    Returns ``None`` when ``path`` does not end with a known extension.
    """
    lowered = path.lower()
    for fmt in offers:
        for extension in fmt.extensions:
            if lowered.endswith(extension):
                return path[: -len(extension)], fmt
    return None


def choose_resource_format(accept: str | None) -> MediaFormat | None:
    """The resource format for an ``Accept`` header (HTML when the client is indifferent)."""
    return negotiate(accept, RESOURCE_FORMATS)
