"""The change feed's documents (lodplan.publishing.feed): an LDES in TREE pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from lodplan.dataset import NamedGraph
from lodplan.publishing.changes import ChangeLog, record_changes
from lodplan.publishing.feed import (
    FEED_FORMATS,
    Feed,
    member_iri,
    server_links,
    static_links,
)
from lodplan.publishing.negotiation import JSONLD, NTRIPLES, TURTLE

B = "http://feed.test/"
LDES = Namespace("https://w3id.org/ldes#")
TREE = Namespace("https://w3id.org/tree#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")


def _graph(iri: str, text: str) -> NamedGraph:
    return NamedGraph(iri, f'<{iri}> <http://purl.org/dc/terms/title> "{text}" .\n'.encode(), 1)


def _log() -> ChangeLog:
    """Seven events in three builds: 4 created, then 1 updated and 1 created, then 1 deleted."""
    first = record_changes(
        None, [_graph(B + f"g/{n}", "v1") for n in "abcd"], B,
        now=datetime(2026, 1, 1, tzinfo=UTC),
    ).log("build-one")  # fmt: skip
    second = record_changes(
        first, [*(_graph(B + f"g/{n}", "v1") for n in "abc"), _graph(B + "g/d", "v2"),
                _graph(B + "g/e", "v1")], B, now=datetime(2026, 1, 2, tzinfo=UTC),
    ).log("build-two")  # fmt: skip
    return record_changes(
        second, [_graph(B + f"g/{n}", "v1") for n in "abc"] + [_graph(B + "g/d", "v2")], B,
        now=datetime(2026, 1, 3, tzinfo=UTC),
    ).log("build-three")  # fmt: skip


def _parse(feed: Feed, page: int | None, links=None, fmt=TURTLE) -> Graph:
    document = feed.document(page, fmt, links or server_links(B))
    assert document is not None
    return Graph().parse(data=document.body, format={"turtle": "turtle", "jsonld": "json-ld",
                                                     "ntriples": "nt"}[fmt.name])  # fmt: skip


def _dt(value: str) -> Literal:
    return Literal(value, datatype=XSD.dateTime)


def test_the_stream_says_how_its_members_are_ordered_and_versioned():
    stream = _parse(Feed(_log(), B, page_size=3), None)
    node = URIRef(B + "feed")
    assert (node, RDF.type, LDES.EventStream) in stream
    assert stream.value(node, LDES.timestampPath) == AS.published
    assert stream.value(node, LDES.versionOfPath) == AS.object
    assert stream.value(node, TREE.view) == URIRef(B + "feed/view")


def test_pages_hold_the_members_in_order_and_link_to_the_next():
    log = _log()
    feed = Feed(log, B, page_size=3)
    assert len(log.events) == 7 and feed.page_count == 3
    members = []
    for number in (1, 2, 3):
        page = _parse(feed, number)
        on_page = sorted(page.objects(URIRef(B + "feed"), TREE.member), key=str)
        members += on_page
        assert (URIRef(f"{B}feed/page/{number}"), RDF.type, TREE.Node) in page
        relations = list(page.objects(URIRef(f"{B}feed/page/{number}"), TREE.relation))
        if number < 3:
            (relation,) = relations
            assert page.value(relation, RDF.type) == TREE.GreaterThanOrEqualToRelation
            assert page.value(relation, TREE.path) == AS.published
            assert page.value(relation, TREE.node) == URIRef(f"{B}feed/page/{number + 1}")
            following = feed.page_events(number + 1)[0]
            assert page.value(relation, TREE.value) == _dt(following.time)
        else:
            assert relations == []
    assert members == sorted(URIRef(member_iri(B, n)) for n in range(1, 8))
    last = _parse(feed, 3)
    deleted = URIRef(member_iri(B, 7))
    assert last.value(deleted, RDF.type) == AS.Delete
    assert last.value(deleted, AS.object) == URIRef(B + "g/e")
    assert last.value(deleted, AS.published) == _dt("2026-01-03T00:00:00Z")
    updated = _parse(feed, 2).value(URIRef(member_iri(B, 5)), RDF.type)
    assert updated == AS.Update


def test_the_view_bounds_each_page_by_time_and_leaves_the_last_open():
    feed = Feed(_log(), B, page_size=3)
    view = _parse(feed, 0)
    bounds: dict[tuple[str, str], Literal] = {}
    for relation in view.objects(URIRef(B + "feed/view"), TREE.relation):
        kind = str(view.value(relation, RDF.type)).removeprefix(str(TREE))
        bounds[(str(view.value(relation, TREE.node)), kind)] = view.value(relation, TREE.value)
    assert bounds == {
        (B + "feed/page/1", "GreaterThanOrEqualToRelation"): _dt("2026-01-01T00:00:00Z"),
        (B + "feed/page/1", "LessThanOrEqualToRelation"): _dt("2026-01-01T00:00:00Z"),
        # a build's events may share a page with the next build's: bounds may touch
        (B + "feed/page/2", "GreaterThanOrEqualToRelation"): _dt("2026-01-01T00:00:00Z"),
        (B + "feed/page/2", "LessThanOrEqualToRelation"): _dt("2026-01-02T00:00:00Z"),
        (B + "feed/page/3", "GreaterThanOrEqualToRelation"): _dt("2026-01-03T00:00:00Z"),
    }


def test_only_full_pages_followed_by_another_are_immutable():
    feed = Feed(_log(), B, page_size=3)
    links = server_links(B)
    immutable = {n: feed.document(n, TURTLE, links).immutable for n in (None, 0, 1, 2, 3)}
    assert immutable == {None: False, 0: False, 1: True, 2: True, 3: False}
    assert feed.document(4, TURTLE, links) is None


def test_a_feed_without_events_has_one_empty_page():
    feed = Feed(ChangeLog(B), B)
    assert feed.page_count == 1
    page = _parse(feed, 1)
    assert list(page.objects(URIRef(B + "feed"), TREE.member)) == []
    assert list(_parse(feed, 0).objects(URIRef(B + "feed/view"), TREE.relation)) == []


@pytest.mark.parametrize("fmt", FEED_FORMATS, ids=lambda f: f.name)
def test_every_format_links_to_documents_of_its_format(fmt):
    feed = Feed(_log(), B, page_size=3)
    for links, expected in (
        (server_links(B), "" if fmt is TURTLE else fmt.extension),
        (static_links(B), fmt.extension),
    ):
        stream = _parse(feed, None, links, fmt)
        assert stream.value(URIRef(B + "feed"), TREE.view) == URIRef(f"{B}feed/view{expected}")
        page = _parse(feed, 1, links, fmt)
        target = page.value(URIRef(f"{B}feed/page/1{expected}#next"), TREE.node)
        assert target == URIRef(f"{B}feed/page/2{expected}")
        # the members and the stream keep their IRIs in every document
        assert (URIRef(B + "feed"), TREE.member, URIRef(member_iri(B, 1))) in page


def test_a_member_is_described_alone_as_on_its_page():
    feed = Feed(_log(), B, page_size=3)
    alone = Graph().parse(data=b"".join(_lines(feed.member(5))), format="nt")
    page = _parse(feed, 2, fmt=NTRIPLES)
    member = URIRef(member_iri(B, 5))
    assert set(alone.predicate_objects(member)) == set(page.predicate_objects(member))
    assert feed.member(0) == feed.member(8) == []
    assert JSONLD in FEED_FORMATS


def _lines(triples):
    return [f"{triple} .\n".encode() for triple in triples]
