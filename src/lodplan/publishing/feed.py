"""The change feed: the deployment's change log (:mod:`lodplan.publishing.changes`) as a
Linked Data Event Stream (SEMIC LDES 1.0, paged with W3C CG TREE).

Three kinds of documents, each in Turtle, JSON-LD and N-Triples:

* the stream ``{base}feed``: an ``ldes:EventStream`` (``ldes:timestampPath
  as:published``, ``ldes:versionOfPath as:object``) whose ``tree:view`` is
* the view ``{base}feed/view``: the root ``tree:Node``, with one pair of relations per
  page — ``tree:GreaterThanOrEqualToRelation`` on ``as:published`` (the page's first
  time) and, for a full page, ``tree:LessThanOrEqualToRelation`` (its last time; two
  builds' events may share a page, so the next page may start at that same time), then
* the pages ``{base}feed/page/<n>`` (from 1, oldest first): :data:`PAGE_SIZE` members
  each, in the order of the log, and a ``tree:GreaterThanOrEqualToRelation`` to the next
  page. A page that is full and followed by another never changes again (served
  ``immutable``); the last page, the view and the stream change with the builds.

A member is one event of the log: ``{base}feed/event/<sequence>``, an ``as:Create``,
``as:Update`` or ``as:Delete`` whose ``as:object`` is what changed (a plan, a version of a
plan; else the named graph), ``as:target`` the named graph, ``as:published`` the build's
time and ``prov:wasGeneratedBy`` the build (``{base}feed#build-<id>``). Every page
repeats the stream's description, so a client can start from any page.

Where the documents are is given by a function (:class:`FeedLinks`): the server's
addresses, or the files of a static export (``feed.ttl``, ``feed/page/1.ttl``…), so a
client follows the relations of either to the end. The IRIs of the stream and of the
members are the same in both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from lodplan.publishing.changes import ChangeEvent, ChangeLog
from lodplan.publishing.negotiation import JSONLD, NTRIPLES, TURTLE, MediaFormat
from lodplan.publishing.serialization import rdf_bytes

FEED_PATH = "feed"  # as lodplan.publishing.catalog.FEED_PATH
#: Members per page; the last page holds the rest.
PAGE_SIZE = 100
#: The formats of the feed's documents, Turtle first (a client without preference).
FEED_FORMATS: tuple[MediaFormat, ...] = (TURTLE, JSONLD, NTRIPLES)

LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
AS = "https://www.w3.org/ns/activitystreams#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
FEED_PREFIXES = {
    "ldes": LDES,
    "tree": TREE,
    "as": AS,
    "dcterms": DCT,
    "prov": PROV,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
ACTIVITY = {"create": AS + "Create", "update": AS + "Update", "delete": AS + "Delete"}

#: The address of a document of the feed: ``None`` for the stream, ``0`` the view, ``n``
#: the page ``n``, in a format.
Locator = Callable[[int | None, MediaFormat], str]


def server_links(base_iri: str) -> Locator:
    """The server's addresses: ``{base}feed``, ``{base}feed/view``, ``{base}feed/page/<n>``
    (negotiated; an extension names a format: ``/feed/page/2.jsonld``). Turtle's have
    no extension, the others' keep theirs, so a client follows links in its format."""

    def url(page: int | None, fmt: MediaFormat) -> str:
        extension = "" if fmt is TURTLE else fmt.extension
        return base_iri + document_path(page) + extension

    return url


def static_links(base_iri: str) -> Locator:
    """The files of a static export: ``feed.ttl``, ``feed/view.ttl``, ``feed/page/1.ttl``…"""

    def url(page: int | None, fmt: MediaFormat) -> str:
        return base_iri + document_path(page) + fmt.extension

    return url


def document_path(page: int | None) -> str:
    """Where a document of the feed is under the base IRI, without extension."""
    if page is None:
        return FEED_PATH
    return f"{FEED_PATH}/view" if page == 0 else f"{FEED_PATH}/page/{page}"


@dataclass(frozen=True)
class FeedDocument:
    """One document of the feed in one format; ``immutable``: it never changes again."""

    body: bytes
    format: MediaFormat
    immutable: bool


class Feed:
    """The documents of the feed of one change log."""

    def __init__(self, log: ChangeLog, base_iri: str, page_size: int = PAGE_SIZE) -> None:
        if page_size < 1:
            raise ValueError("a page of the feed holds at least one member")
        self.log, self.base, self.page_size = log, base_iri, page_size
        self.stream = base_iri + FEED_PATH

    @property
    def page_count(self) -> int:
        """Pages, at least one (empty while nothing was published)."""
        return max(1, math.ceil(len(self.log.events) / self.page_size))

    def page_events(self, number: int) -> Sequence[ChangeEvent]:
        start = (number - 1) * self.page_size
        return self.log.events[start : start + self.page_size]

    def document(self, page: int | None, fmt: MediaFormat, links: Locator) -> FeedDocument | None:
        """The stream (``page`` None), the view (0) or a page; ``None`` if there is no such
        page."""
        if page is None:
            triples = self._stream(links, fmt)
        elif page == 0:
            triples = self._view(links, fmt)
        elif 1 <= page <= self.page_count:
            triples = self._page(page, links, fmt)
        else:
            return None
        immutable = page is not None and 1 <= page < self.page_count
        return FeedDocument(serialize(triples, fmt), fmt, immutable)

    # --- the documents ---------------------------------------------------------------

    def _stream(self, links: Locator, fmt: MediaFormat) -> list[Triple]:
        stream = NamedNode(self.stream)
        triples = [
            _t(stream, RDF_TYPE, NamedNode(LDES + "EventStream")),
            _t(stream, LDES + "timestampPath", NamedNode(AS + "published")),
            _t(stream, LDES + "versionOfPath", NamedNode(AS + "object")),
            _t(stream, TREE + "view", NamedNode(links(0, fmt))),
            _t(stream, DCT + "title", Literal("Flux des changements", language="fr")),
            _t(stream, DCT + "title", Literal("Change feed", language="en")),
            _t(stream, DCT + "conformsTo", NamedNode("https://w3id.org/ldes/specification")),
        ]
        if self.log.events:
            last = self.log.events[-1].time
            triples.append(_t(stream, DCT + "modified", Literal(last, datatype=_DATETIME)))
        return triples

    def _view(self, links: Locator, fmt: MediaFormat) -> list[Triple]:
        view = NamedNode(links(0, fmt))
        triples = [*self._stream(links, fmt), _t(view, RDF_TYPE, NamedNode(TREE + "Node"))]
        for number in range(1, self.page_count + 1):
            events = self.page_events(number)
            if not events:
                continue
            target = NamedNode(links(number, fmt))
            triples += _relation(view, f"page-{number}-from", "GreaterThanOrEqualTo",
                                 events[0].time, target)  # fmt: skip
            if number < self.page_count:  # full: its last time is known for good
                triples += _relation(view, f"page-{number}-to", "LessThanOrEqualTo",
                                     events[-1].time, target)  # fmt: skip
        return triples

    def _page(self, number: int, links: Locator, fmt: MediaFormat) -> list[Triple]:
        page = NamedNode(links(number, fmt))
        triples = [*self._stream(links, fmt), _t(page, RDF_TYPE, NamedNode(TREE + "Node"))]
        if number < self.page_count:
            following = self.page_events(number + 1)
            triples += _relation(page, "next", "GreaterThanOrEqualTo", following[0].time,
                                 NamedNode(links(number + 1, fmt)))  # fmt: skip
        return triples + self._members(self.page_events(number))

    def member(self, sequence: int) -> list[Triple]:
        """The description of one member, as on its page (empty: no such member)."""
        if not 1 <= sequence <= len(self.log.events):
            return []
        return self._members([self.log.events[sequence - 1]])

    def _members(self, events: Sequence[ChangeEvent]) -> list[Triple]:
        stream = NamedNode(self.stream)
        triples: list[Triple] = []
        builds: dict[str, str] = {}
        for event in events:
            member = NamedNode(member_iri(self.base, event.sequence))
            build = NamedNode(f"{self.stream}#build-{event.build[:12]}")
            builds[build.value] = event.build
            triples += [
                _t(stream, TREE + "member", member),
                _t(member, RDF_TYPE, NamedNode(ACTIVITY[event.change])),
                _t(member, AS + "object", NamedNode(event.object)),
                _t(member, AS + "target", NamedNode(event.graph)),
                _t(member, AS + "published", Literal(event.time, datatype=_DATETIME)),
                _t(member, PROV + "wasGeneratedBy", build),
            ]
        for iri, build_id in builds.items():
            triples += [
                _t(NamedNode(iri), RDF_TYPE, NamedNode(PROV + "Activity")),
                _t(NamedNode(iri), DCT + "identifier", Literal(build_id)),
            ]
        return triples


def member_iri(base_iri: str, sequence: int) -> str:
    return f"{base_iri}{FEED_PATH}/event/{sequence}"


def serialize(triples: list[Triple], fmt: MediaFormat) -> bytes:
    assert fmt.rdf_format is not None
    return rdf_bytes(triples, fmt.rdf_format, FEED_PREFIXES)


_DATETIME = NamedNode(XSD_DATETIME)


def _t(subject: NamedNode, predicate: str, obj: NamedNode | Literal) -> Triple:
    return Triple(subject, NamedNode(predicate), obj)


def _relation(node: NamedNode, name: str, kind: str, time: str, target: NamedNode) -> list[Triple]:
    """A relation of ``node`` on ``as:published``, an IRI of its document (no blank node)."""
    relation = NamedNode(f"{node.value}#{name}")
    return [
        _t(node, TREE + "relation", relation),
        _t(relation, RDF_TYPE, NamedNode(f"{TREE}{kind}Relation")),
        _t(relation, TREE + "path", NamedNode(AS + "published")),
        _t(relation, TREE + "value", Literal(time, datatype=_DATETIME)),
        _t(relation, TREE + "node", target),
    ]
