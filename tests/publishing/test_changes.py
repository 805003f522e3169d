"""The change log kept across builds (lodplan.publishing.changes): what each build
changed, carried with the publication, and the catalog's dct:modified that follows it."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, XSD

from lodplan.build import BuildChecksFailedError, build
from lodplan.build_cache import BuildCache
from lodplan.dataset import NamedGraph
from lodplan.errors import LodplanError
from lodplan.publishing.changes import (
    LOG_FILE,
    SOURCE_DATE_EPOCH,
    ChangeLog,
    ChangeLogError,
    read_change_log,
    record_changes,
    served_change_log,
)
from lodplan.store import embedded
from lodplan.store.base import StoreWriteError
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore, current_build_dir
from tests.conftest import TEST_BASE

B = "http://changes.test/"
FICHES = Path(__file__).parents[1] / "fixtures" / "fiche-mappings"
PLAN = "exempleville-pcaet"
OTHER = "autreville-pcaet"
JAN_1, JAN_2, JAN_3, JAN_4 = 1767225600, 1767312000, 1767398400, 1767484800


def _graph(iri: str, text: str) -> NamedGraph:
    line = f'<{iri}> <http://purl.org/dc/terms/title> "{text}" .\n'
    return NamedGraph(iri, line.encode(), 1)


def _description(topics: dict[str, str]) -> NamedGraph:
    lines = "".join(
        f"<{graph}> <http://xmlns.com/foaf/0.1/primaryTopic> <{topic}> .\n"
        for graph, topic in topics.items()
    )
    return NamedGraph(B + "graph/void", lines.encode(), len(topics))


def _at(day: int) -> datetime:
    return datetime(2026, 1, day, 10, 0, tzinfo=UTC)


# --- the log, from graphs alone ---------------------------------------------------------


def test_a_first_build_records_every_graph_as_created_with_its_object():
    graphs = [_graph(B + "graph/plan/p", "p"), _graph(B + "graph/ontology", "o")]
    description = _description({B + "graph/plan/p": B + "plan/p"})
    pending = record_changes(None, graphs, B, description=description, now=_at(1))
    log = pending.log("build-1")
    assert [(e.sequence, e.change, e.graph, e.object) for e in log.events] == [
        (1, "create", B + "graph/ontology", B + "graph/ontology"),  # about nothing: itself
        (2, "create", B + "graph/plan/p", B + "plan/p"),
    ]
    assert {e.time for e in log.events} == {"2026-01-01T10:00:00Z"}
    assert {e.build for e in log.events} == {"build-1"}
    assert log.last_changed() == dict.fromkeys(
        (B + "graph/ontology", B + "graph/plan/p"), "2026-01-01T10:00:00Z"
    )


def test_a_build_records_what_was_created_updated_and_deleted_and_nothing_else():
    first = record_changes(
        None, [_graph(B + "g/a", "a"), _graph(B + "g/b", "b"), _graph(B + "g/c", "c")], B,
        now=_at(1),
    ).log("one")  # fmt: skip
    again = read_change_log(first.to_bytes())  # as the next build reads it
    assert again == first
    second = record_changes(
        again, [_graph(B + "g/a", "a"), _graph(B + "g/b", "b2"), _graph(B + "g/d", "d")], B,
        now=_at(2),
    ).log("two")  # fmt: skip
    new = second.events[len(first.events) :]
    assert [(e.sequence, e.change, e.graph, e.build) for e in new] == [
        (4, "update", B + "g/b", "two"),
        (5, "delete", B + "g/c", "two"),
        (6, "create", B + "g/d", "two"),
    ]
    assert second.last_changed() == {
        B + "g/a": "2026-01-01T10:00:00Z",
        B + "g/b": "2026-01-02T10:00:00Z",
        B + "g/d": "2026-01-02T10:00:00Z",
    }
    unchanged = record_changes(second, [_graph(B + "g/a", "a")], B, now=_at(3))
    assert [c[0] for c in unchanged.changes] == ["delete", "delete"]
    same = record_changes(
        second, [_graph(B + "g/a", "a"), _graph(B + "g/b", "b2"), _graph(B + "g/d", "d")], B
    )
    assert same.changes == () and same.log("three") == second


def test_the_log_stays_in_order_when_the_clock_goes_back():
    first = record_changes(None, [_graph(B + "g/a", "a")], B, now=_at(2)).log("one")
    second = record_changes(first, [_graph(B + "g/a", "b")], B, now=_at(1)).log("two")
    assert [e.time for e in second.events] == ["2026-01-02T10:00:00Z"] * 2


def test_a_log_of_another_base_iri_is_started_again():
    first = record_changes(None, [_graph(B + "g/a", "a")], B, now=_at(1)).log("one")
    other = "http://elsewhere.test/"
    moved = record_changes(first, [_graph(other + "g/a", "a")], other, now=_at(2)).log("two")
    assert [(e.sequence, e.change) for e in moved.events] == [(1, "create")]


def test_source_date_epoch_gives_the_build_s_time(monkeypatch):
    monkeypatch.setenv(SOURCE_DATE_EPOCH, str(JAN_1))
    assert record_changes(None, [], B).time == "2026-01-01T00:00:00Z"
    monkeypatch.setenv(SOURCE_DATE_EPOCH, "yesterday")
    with pytest.raises(LodplanError, match="SOURCE_DATE_EPOCH='yesterday' is not a time"):
        record_changes(None, [], B)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not a change log"),
        (b'{"lodplan-changes": 9}', "not a change log of format 1"),
        (b'{"lodplan-changes": 1, "base_iri": "x", "graphs": {}}', "KeyError"),
        (
            b'{"lodplan-changes": 1, "base_iri": "x", "graphs": {}, "events": [{"sequence": 1,'
            b' "change": "move", "graph": "g", "object": "o", "time": "t", "build": "b"}]}',
            "unknown change 'move'",
        ),
    ],
)
def test_a_log_that_is_not_one_is_refused_naming_the_file(content, message):
    with pytest.raises(ChangeLogError, match=message) as caught:
        read_change_log(content, "store/changes/log.json")
    assert str(caught.value).startswith("store/changes/log.json: ")


# --- the log carried by builds ------------------------------------------------------------


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict[str, object]:
    """Two plans built four times: first; one plan changed; the same again; one plan
    removed. Each build's log and catalog, as published."""
    root = tmp_path_factory.mktemp("changes")
    mappings = root / "mappings"
    shutil.copytree(FICHES, mappings)
    shutil.copytree(mappings / PLAN, mappings / OTHER)
    mapping = mappings / OTHER / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace(f"id: {PLAN}", f"id: {OTHER}"))
    store, cache = root / "store", BuildCache(root / "cache")
    states: dict[str, object] = {"mappings": mappings, "store": store, "cache": cache}
    with pytest.MonkeyPatch.context() as patch:
        for name, epoch, change in (
            ("first", JAN_1, None),
            ("changed", JAN_2, lambda: _change_a_cell(mappings, OTHER)),
            ("same", JAN_3, None),
            ("removed", JAN_4, lambda: shutil.rmtree(mappings / PLAN)),
        ):
            if change is not None:
                change()
            patch.setenv(SOURCE_DATE_EPOCH, str(epoch))
            build(mappings, EmbeddedPublisher(store), TEST_BASE, cache=cache)
            states[name] = _published(store)
    return states


def _change_a_cell(mappings: Path, plan: str) -> None:
    table = mappings / plan / "fiches.csv"
    content = table.read_bytes()
    assert b"Isolation des murs" in content
    table.write_bytes(content.replace(b"Isolation des murs", b"Isolation des parois", 1))


def _published(store: Path) -> tuple[ChangeLog, Graph]:
    log = served_change_log(EmbeddedPublisher(store), TEST_BASE)
    assert log is not None
    catalog = Graph()
    for triple in EmbeddedStore(store).graph_triples(TEST_BASE + "graph/catalog"):
        catalog.parse(data=f"{triple} .", format="nt")
    return log, catalog


def _new_events(history, before: str, after: str) -> list[tuple[str, str]]:
    old, new = history[before][0], history[after][0]
    return [(e.change, e.object) for e in new.events[len(old.events) :]]


def _modified(catalog: Graph) -> dict[str, object]:
    """Every dct:modified of the catalog, by subject."""
    return {str(s): o for s, o in catalog.subject_objects(DCTERMS.modified)}


def test_a_first_build_records_every_dataset_as_created(history):
    log, catalog = history["first"]
    created = {(e.change, e.object) for e in log.events}
    assert ("create", TEST_BASE + f"plan/{PLAN}") in created
    assert ("create", TEST_BASE + f"plan/{OTHER}") in created
    assert ("create", TEST_BASE + "graph/cog") in created
    assert {e.change for e in log.events} == {"create"}
    assert {e.time for e in log.events} == {"2026-01-01T00:00:00Z"}
    # the catalog and the description are made from the others: not in the log
    assert not {e.graph for e in log.events} & {TEST_BASE + "graph/catalog",
                                                TEST_BASE + "graph/void"}  # fmt: skip
    dataset = URIRef(TEST_BASE + f"dataset/{PLAN}")
    assert catalog.value(dataset, DCTERMS.modified) == _datetime("2026-01-01T00:00:00Z")


def test_a_plan_changed_is_one_update_and_only_its_dates_change(history):
    assert _new_events(history, "first", "changed") == [("update", TEST_BASE + f"plan/{OTHER}")]
    log = history["changed"][0]
    assert log.events[-1].time == "2026-01-02T00:00:00Z"
    before, after = _modified(history["first"][1]), _modified(history["changed"][1])
    changed = {subject for subject in after if after[subject] != before.get(subject)}
    other = TEST_BASE + f"dataset/{OTHER}"
    catalog = TEST_BASE + "catalog"
    assert other in changed and catalog in changed
    assert changed <= {catalog, other} | {s for s in after if s.startswith(other + "#")}
    assert after[other] == after[catalog] == _datetime("2026-01-02T00:00:00Z")
    assert after[TEST_BASE + f"dataset/{PLAN}"] == _datetime("2026-01-01T00:00:00Z")
    assert after[TEST_BASE + f"dataset/{OTHER}#turtle"] == _datetime("2026-01-02T00:00:00Z")


def test_a_rebuild_of_the_same_data_records_nothing_and_keeps_its_dates(history):
    assert _new_events(history, "changed", "same") == []
    assert _modified(history["same"][1]) == _modified(history["changed"][1])


def test_a_plan_removed_is_a_delete(history):
    assert _new_events(history, "same", "removed") == [("delete", TEST_BASE + f"plan/{PLAN}")]
    log, catalog = history["removed"]
    assert TEST_BASE + f"graph/plan/{PLAN}" not in log.graphs
    modified = _modified(catalog)  # the catalog changed: it lists one dataset less
    assert modified[TEST_BASE + "catalog"] == _datetime("2026-01-04T00:00:00Z")
    assert modified[TEST_BASE + f"dataset/{OTHER}"] == _datetime("2026-01-02T00:00:00Z")
    assert log.events[-1].time == "2026-01-04T00:00:00Z"


def test_the_catalog_names_the_feed_as_a_data_service(history):
    catalog = history["first"][1]
    service = URIRef(TEST_BASE + "catalog#feed")
    assert (URIRef(TEST_BASE + "catalog"), DCAT.service, service) in catalog
    assert catalog.value(service, DCAT.endpointURL) == URIRef(TEST_BASE + "feed")
    assert catalog.value(service, DCTERMS.conformsTo) == URIRef(
        "https://w3id.org/ldes/specification"
    )
    served = set(catalog.objects(service, DCAT.servesDataset))
    assert served == {URIRef(TEST_BASE + f"dataset/{p}") for p in (PLAN, OTHER)}


def test_a_failed_build_appends_nothing(history, monkeypatch):
    store, mappings, cache = history["store"], history["mappings"], history["cache"]
    published = current_build_dir(store)
    log_before = (published / "downloads" / LOG_FILE).read_bytes()
    table = mappings / OTHER / "fiches.csv"
    saved = table.read_bytes()
    table.write_bytes(saved.replace(b"Isolation des parois", b"Isolation du toit", 1))
    monkeypatch.setenv(SOURCE_DATE_EPOCH, str(JAN_4 + 86400))

    def full_disk(directory, files):
        raise OSError(28, "No space left on device", str(directory))

    monkeypatch.setattr(embedded, "write_downloads", full_disk)  # at the commit: the log too
    try:
        with pytest.raises(StoreWriteError, match="No space left on device"):
            build(mappings, EmbeddedPublisher(store), TEST_BASE, cache=cache)
    finally:
        table.write_bytes(saved)
    assert current_build_dir(store) == published
    assert (published / "downloads" / LOG_FILE).read_bytes() == log_before
    log = served_change_log(EmbeddedPublisher(store), TEST_BASE)
    assert log is not None and log.events[-1].time == "2026-01-04T00:00:00Z"


def test_a_failed_check_appends_nothing(history, tmp_path):
    store = history["store"]
    before = json.loads((current_build_dir(store) / "downloads" / LOG_FILE).read_text())
    broken = tmp_path / "mappings"
    shutil.copytree(history["mappings"], broken)
    table = broken / OTHER / "fiches.csv"
    table.write_bytes(table.read_bytes() + b"\r\nune ligne que rien ne lit\r\n")
    with pytest.raises((BuildChecksFailedError, LodplanError)):
        build(broken, EmbeddedPublisher(store), TEST_BASE)
    after = json.loads((current_build_dir(store) / "downloads" / LOG_FILE).read_text())
    assert after == before


def _datetime(value: str):
    from rdflib import Literal

    return Literal(value, datatype=XSD.dateTime)


def test_a_remote_engine_s_build_keeps_its_log_in_its_downloads_folder(tmp_path):
    from lodplan.store.remote import RemoteEndpoint, RemotePublisher

    engine = RemoteEndpoint("http://127.0.0.1:9/sparql", "http://127.0.0.1:9/store")
    downloads = tmp_path / "downloads"
    publisher = RemotePublisher(engine, downloads_dir=downloads)
    assert served_change_log(publisher, B) is None  # nothing published yet
    log = record_changes(None, [_graph(B + "g/a", "a")], B, now=_at(1)).log("one")
    (downloads / "changes").mkdir(parents=True)
    (downloads / LOG_FILE).write_bytes(log.to_bytes())
    assert served_change_log(publisher, B) == log
    assert served_change_log(RemotePublisher(engine), B) is None  # no --downloads: no log
    (downloads / LOG_FILE).write_bytes(b"{}")
    with pytest.raises(ChangeLogError, match=r"downloads/changes/log.json: not a change log"):
        served_change_log(publisher, B)  # never a new log that would announce all as new
