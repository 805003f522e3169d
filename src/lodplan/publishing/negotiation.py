"""Content negotiation: which representation a client gets.

A client chooses a format in one of three ways, strongest first: a ``?format=``
parameter, a file extension on the resource path, or the ``Accept`` header
(with q-values). Browsers and clients that accept anything (``*/*``, no
``Accept`` at all) get HTML. When nothing offered is acceptable the functions
return ``None`` and the caller answers ``406 Not Acceptable``.

``Accept`` is read as RFC 9110 §12.5.1 says: media ranges with parameters and
``q`` weights, wildcards, the most specific range that matches a format giving
its weight (``text/turtle;q=0.2, */*`` prefers anything else to Turtle). Every
format lodplan writes is UTF-8, so a ``charset`` parameter matches when it names
UTF-8 and excludes the format otherwise; other parameters (JSON-LD's
``profile``, CSV's ``header``) do not tell lodplan's representations apart and
never exclude one: a profile does not change what a representation means
(RFC 6906), and JSON-LD is always served compacted with lodplan's context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import RdfFormat
from werkzeug.http import parse_accept_header, parse_options_header

# Parsing: werkzeug's RFC 9110 parser (quoted strings, parameters, invalid ``q``
# skipped), kept by the Flask project and installed with Flask. Matching is not
# werkzeug's ``MIMEAccept.best_match``: it compares a range's parameters as raw
# text with the offer's, so ``text/turtle; charset=utf-8`` (lodplan's own
# Content-Type) or a JSON-LD ``profile`` matched nothing and got 406.
# python-mimeparse was considered and not taken: it splits the header on every
# comma and semicolon, quoted or not (a ``profile="a b"`` list with a comma breaks
# it), and would be a second parser for the same header.


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
    ("jsonld", "json-ld", "json"),
    RdfFormat.JSON_LD,
)
TURTLE = MediaFormat(
    "turtle",
    "Turtle",
    ("text/turtle",),
    (".ttl",),
    ("ttl", "turtle", "n3"),  # Turtle is N3: SPARQLWrapper's N3 asks text/turtle too
    RdfFormat.TURTLE,
)
NTRIPLES = MediaFormat(
    "ntriples",
    "N-Triples",
    ("application/n-triples",),
    (".nt",),
    ("nt", "ntriples", "n-triples"),
    RdfFormat.N_TRIPLES,
)
RDFXML = MediaFormat(
    "rdfxml",
    "RDF/XML",
    ("application/rdf+xml",),
    (".rdf",),
    ("rdf", "xml", "rdfxml", "rdf+xml"),
    RdfFormat.RDF_XML,
)

#: Formats of a resource description, in order of preference when the client is indifferent.
RESOURCE_FORMATS: tuple[MediaFormat, ...] = (HTML, JSONLD, TURTLE, NTRIPLES, RDFXML)
#: The RDF syntaxes among them (graph results of SPARQL, service description).
RDF_FORMATS: tuple[MediaFormat, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML)


def negotiate(accept: str | None, offers: Sequence[MediaFormat]) -> MediaFormat | None:
    """The offer that best matches an ``Accept`` header; the first offer if there is none.

    Each offer takes the weight of the most specific media range that matches one
    of its media types; the heaviest wins, then the one matched more specifically
    (``text/turtle, */*`` is Turtle), then the earlier offer: the order of
    ``offers`` is the server's preference.
    """
    if accept is None or not accept.strip():
        return offers[0]
    parsed = [_MediaRange.parse(value, q) for value, q in parse_accept_header(accept)]
    ranges = [r for r in parsed if r is not None]
    best: MediaFormat | None = None
    best_key: tuple[float, tuple[int, ...]] = (0.0, ())
    for fmt in offers:
        for media_type in fmt.media_types:
            matched = [r for r in ranges if r.matches(media_type)]
            if not matched:
                continue
            most_specific = max(matched, key=lambda r: r.specificity)
            key = (most_specific.q, most_specific.specificity)
            if most_specific.q > 0 and key > best_key:
                best, best_key = fmt, key
    return best


@dataclass(frozen=True)
class _MediaRange:
    """One media range of an ``Accept`` header: ``type/subtype;param=value;q=…``."""

    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    q: float

    @classmethod
    def parse(cls, value: str, q: float) -> _MediaRange | None:
        mimetype, params = parse_options_header(value)
        kind, slash, subtype = mimetype.partition("/")
        if not slash or not subtype or (kind == "*" and subtype != "*"):
            return None  # not a media range: ignored, as RFC 9110 lets a server do
        lowered = tuple(sorted((name.lower(), str(v)) for name, v in params.items()))
        return cls(kind, subtype, lowered, q)

    @property
    def specificity(self) -> tuple[int, ...]:
        return (self.type != "*", self.subtype != "*", len(self.params))

    def matches(self, media_type: str) -> bool:
        kind, _, subtype = media_type.partition("/")
        if self.type not in ("*", kind) or self.subtype not in ("*", subtype):
            return False
        return all(_satisfied(name, value) for name, value in self.params)


def _satisfied(name: str, value: str) -> bool:
    """Whether lodplan's representations meet a media range parameter (see the module)."""
    if name == "charset":
        return value.strip().lower() in ("utf-8", "utf8")
    return True


def by_name(name: str, offers: Sequence[MediaFormat] = RESOURCE_FORMATS) -> MediaFormat | None:
    """The offer a ``?format=`` value names (case-insensitive), or ``None``.

    A media type, or a list of them as in ``Accept``, is accepted too
    (``format=text/csv``, ``format=application/ld+json,application/x-json+ld``),
    as Virtuoso and SPARQLWrapper send.
    """
    wanted = name.strip().lower()
    if not wanted:
        return None
    if "/" in wanted:
        return negotiate(wanted, offers)
    return next((fmt for fmt in offers if wanted in fmt.names), None)


def first_named(names: Sequence[str], offers: Sequence[MediaFormat]) -> MediaFormat | None:
    """The offer named by the first of ``names`` that names one (``?format=`` repeated)."""
    return next((fmt for name in names if (fmt := by_name(name, offers)) is not None), None)


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


def alternate_links(alternates: Sequence[tuple[str, MediaFormat]], served: MediaFormat) -> str:
    """The ``Link`` header value naming the other formats of a representation.

    Each link is ``<url>; rel="alternate"; type="…"`` (RFC 8288: the target a URI
    reference, the media type a quoted string). A JSON-LD representation names
    only its HTML page: pyld's document loader (the default one, on requests) reads
    ``rel="alternate"`` as one link and fails with ``'list' object has no attribute
    'get'`` when there are several, although RFC 8288 allows any number; a JSON-LD
    client has no use for the other syntaxes' addresses, and the others' responses
    still name every format (including this JSON-LD).
    """
    if served is JSONLD:
        alternates = [(url, fmt) for url, fmt in alternates if fmt is HTML][:1]
    return ", ".join(
        f'<{url}>; rel="alternate"; type="{fmt.media_type}"'
        for url, fmt in alternates
        if fmt is not served
    )
