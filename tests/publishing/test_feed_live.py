"""The change feed read by a real LDES client, on the live server and in a static export
(issue 17: harvesters follow the changes without downloading everything).

The client is rdf-connect's ``ldes-client`` (npm, the TREE community group's; pinned with
its whole tree in ``tests/support/ldes_client/``, installed by ``.ci/run`` into
``.ldes-client/``). It starts from the stream, finds its view and follows every TREE
relation to the end, emitting each member once. Two plans are built three times (the
first build; one plan changed; the other removed), with pages of three members: the
client must get every event of the log, the creations, the update and the deletion,
from ``lodplan serve`` and from ``lodplan export-site``'s files served as they are.
Without npm, or if npm cannot install the client, the tests are skipped saying why;
with ``CI`` set they fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from lodplan.build import build
from lodplan.pages.export import export_site
from lodplan.publishing.changes import SOURCE_DATE_EPOCH, ChangeLog, served_change_log
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore
from tests.support.npm_env import LDES_CLIENT
from tests.support.server import free_port, running_server

pytestmark = pytest.mark.e2e

FICHES = Path(__file__).parents[1] / "fixtures" / "fiche-mappings"
PLAN = "exempleville-pcaet"
OTHER = "autreville-pcaet"
PAGE_SIZE = "3"
AS = "https://www.w3.org/ns/activitystreams#"
CLIENT_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def client() -> str:
    problem = LDES_CLIENT.install()
    if problem:
        message = f"the LDES client (npm ldes-client) could not be installed: {problem}"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs it")
        pytest.skip(message)
    return str(LDES_CLIENT.path())


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, int, ChangeLog]:
    """The store of three builds, the port its IRIs are on, and its change log."""
    root = tmp_path_factory.mktemp("feed")
    mappings = root / "mappings"
    shutil.copytree(FICHES, mappings)
    shutil.copytree(mappings / PLAN, mappings / OTHER)
    mapping = mappings / OTHER / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace(f"id: {PLAN}", f"id: {OTHER}"))
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    store = root / "store"
    table = mappings / OTHER / "fiches.csv"
    steps = (
        (1767225600, lambda: None),
        (1767312000, lambda: table.write_bytes(
            table.read_bytes().replace(b"Isolation des murs", b"Isolation des parois", 1))),
        (1767398400, lambda: shutil.rmtree(mappings / PLAN)),
    )  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        for epoch, change in steps:
            change()
            patch.setenv(SOURCE_DATE_EPOCH, str(epoch))
            build(mappings, EmbeddedPublisher(store), base)
    log = served_change_log(EmbeddedPublisher(store), base)
    assert log is not None
    return store, port, log


def _follow(program: str, url: str, *options: str) -> Graph:
    """Every member the client emits, following the feed from ``url`` to its end."""
    done = subprocess.run(
        ["node", program, *options, url],
        capture_output=True,
        text=True,
        timeout=CLIENT_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    members = Graph()
    members.parse(data=done.stdout, format="turtle")  # N-Triples, members apart
    return members


def _events(members: Graph) -> set[tuple[str, str, str]]:
    """(member, activity, object) of every member the client emitted."""
    return {
        (str(member), str(kind).removeprefix(AS), str(members.value(member, URIRef(AS + "object"))))
        for member, kind in members.subject_objects(RDF.type)
        if str(kind).startswith(AS)
    }


def _expected(log: ChangeLog, base: str) -> set[tuple[str, str, str]]:
    return {(f"{base}feed/event/{e.sequence}", e.change.capitalize(), e.object) for e in log.events}


def test_the_log_has_creations_an_update_and_a_deletion(published):
    _, port, log = published
    base = f"http://127.0.0.1:{port}/"
    changes = [(e.change, e.object) for e in log.events]
    assert ("update", base + f"plan/{OTHER}") in changes
    assert changes[-1] == ("delete", base + f"plan/{PLAN}")
    assert len(log.events) > 2 * int(PAGE_SIZE)  # three pages at least


def test_the_client_gets_every_member_from_the_server(published, client):
    store, port, log = published
    with running_server(store, port, {"LODPLAN_FEED_PAGE_SIZE": PAGE_SIZE}) as base:
        turtle = _follow(client, base + "feed")
        jsonld = _follow(client, base + "feed.jsonld")
        since = _follow(client, base + "feed", "--after", "2026-01-01T12:00:00Z")
    expected = _expected(log, base)
    assert _events(turtle) == expected
    assert _events(jsonld) == expected
    # a harvester that last read the feed on 1 January follows only what came after
    later = {event for event in expected if event[1] != "Create"}
    assert later <= _events(since) < expected
    member = URIRef(f"{base}feed/event/{log.events[-1].sequence}")
    published_at = turtle.value(member, URIRef(AS + "published"))
    assert published_at == Literal("2026-01-03T00:00:00Z", datatype=XSD.dateTime)


class _FeedFiles(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 (the handler's own table, extended)
        **SimpleHTTPRequestHandler.extensions_map,
        ".ttl": "text/turtle",
        ".jsonld": "application/ld+json",
        ".nt": "application/n-triples",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _static_host(folder: Path, port: int) -> Iterator[str]:
    """``folder`` served as a static host serves it (no negotiation)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(_FeedFiles, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def exported(published, tmp_path_factory) -> Path:
    store, _, _ = published
    target = tmp_path_factory.mktemp("export") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LODPLAN_FEED_PAGE_SIZE", PAGE_SIZE)
        export_site(EmbeddedStore(store), target)
    return target


def test_the_client_gets_every_member_from_a_static_export(published, exported, client):
    _, port, log = published
    assert (exported / "feed" / "page" / "3.ttl").is_file()
    with _static_host(exported, port) as base:
        turtle = _follow(client, base + "feed.ttl")
        jsonld = _follow(client, base + "feed.jsonld")
    assert _events(turtle) == _events(jsonld) == _expected(log, base)


def test_the_static_catalog_dates_each_dataset_and_names_the_feed(published, exported):
    _, port, _ = published
    base = f"http://127.0.0.1:{port}/"
    catalog = Graph().parse(exported / "catalog.ttl", format="turtle")
    dataset = URIRef(base + f"dataset/{OTHER}")
    assert catalog.value(dataset, DCTERMS.modified) == Literal(
        "2026-01-02T00:00:00Z", datatype=XSD.dateTime
    )
    # a dataset removed changes the catalog
    assert catalog.value(URIRef(base + "catalog"), DCTERMS.modified) == Literal(
        "2026-01-03T00:00:00Z", datatype=XSD.dateTime
    )
    feed = URIRef(base + "catalog#feed")
    assert (URIRef(base + "catalog"), DCAT.service, feed) in catalog
    assert catalog.value(feed, DCAT.endpointURL) == URIRef(base + "feed")
