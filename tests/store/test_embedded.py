"""The embedded store: atomic publication, descriptions, swaps seen by readers."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from lodplan.errors import LodplanError
from lodplan.store import embedded
from lodplan.store.base import DownloadFile, NamedGraph, StoreWriteError, replace_directory
from lodplan.store.embedded import (
    EmbeddedPublisher,
    EmbeddedStore,
    StoreNotBuiltError,
    current_build_dir,
)

BASE = "http://data.test.example/"


def graph(name: str, *lines: str) -> NamedGraph:
    body = "".join(line + "\n" for line in lines).encode()
    return NamedGraph(iri=BASE + "graph/" + name, ntriples=body, triple_count=len(lines))


PLAN_V1 = graph(
    "plan/p",
    f'<{BASE}plan/p> <http://www.w3.org/2000/01/rdf-schema#label> "Plan v1" .',
    f"<{BASE}plan/p> <https://w3id.org/lodplan/ontology#source> <{BASE}plan/p#source> .",
    f"<{BASE}plan/p#source> <https://w3id.org/lodplan/ontology#startLine> "
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer> .',
    f'<{BASE}plan/other> <http://www.w3.org/2000/01/rdf-schema#label> "Other" .',
)
ACTORS = graph(
    "actors",
    f'<{BASE}plan/p> <http://www.w3.org/2000/01/rdf-schema#label> "Plan v1" .',
)


def test_unbuilt_store_says_how_to_build(tmp_path):
    with pytest.raises(StoreNotBuiltError, match="lodplan build"):
        EmbeddedStore(tmp_path)


def test_publish_then_describe_with_hash_subresources(tmp_path):
    info = EmbeddedPublisher(tmp_path).publish([PLAN_V1, ACTORS], base_iri=BASE, build_id="b1")
    assert info.graphs == {PLAN_V1.iri: 4, ACTORS.iri: 1}
    store = EmbeddedStore(tmp_path)
    assert store.info().build_id == "b1"
    triples = store.describe(BASE + "plan/p")
    subjects = {t.subject.value for t in triples}
    assert subjects == {BASE + "plan/p", BASE + "plan/p#source"}
    # the same triple in two graphs is described once
    assert len(triples) == 3
    assert store.describe(BASE + "plan/unknown") == []


def test_describe_includes_the_statements_about_the_resource_it_holds(tmp_path):
    subject = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>"
    plan = graph(
        "plan/p",
        f"<{BASE}plan/p#stated-issued> {subject} <{BASE}plan/p> .",
        f'<{BASE}plan/p#stated-issued> <https://w3id.org/lodplan/ontology#startLine> "7" .',
        f"<{BASE}plan/other#stated-x> {subject} <{BASE}plan/p> .",  # another resource's
    )
    EmbeddedPublisher(tmp_path).publish([plan], base_iri=BASE, build_id="b1")
    described = EmbeddedStore(tmp_path).describe(BASE + "plan/p")
    assert {t.subject.value for t in described} == {BASE + "plan/p#stated-issued"}
    assert len(described) == 2


def test_describe_follows_blank_nodes_and_a_graph_reads_whole(tmp_path):
    catalog = graph(
        "catalog",
        f"<{BASE}dataset/d> <http://purl.org/dc/terms/temporal> _:period-d .",
        '_:period-d <http://www.w3.org/ns/dcat#startDate> "2020-01-01" .',
        "_:period-d <http://www.w3.org/ns/dcat#next> _:deeper .",
        '_:deeper <http://www.w3.org/2000/01/rdf-schema#label> "deeper" .',
    )
    EmbeddedPublisher(tmp_path).publish([catalog, PLAN_V1], base_iri=BASE, build_id="b1")
    store = EmbeddedStore(tmp_path)
    described = store.describe(BASE + "dataset/d")
    literals = sorted(t.object.value for t in described if isinstance(t.object, Literal))
    assert literals == ["2020-01-01", "deeper"]
    assert len(store.graph_triples(catalog.iri)) == 4
    assert store.graph_triples(BASE + "graph/none") == []


def test_objects_and_subjects_of_type(tmp_path):
    typed = graph(
        "plan/t",
        f"<{BASE}plan/t> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{BASE}Plan> .",
        f'<{BASE}plan/t> <http://www.w3.org/2000/01/rdf-schema#label> "T"@fr .',
    )
    EmbeddedPublisher(tmp_path).publish([typed, PLAN_V1], base_iri=BASE, build_id="b1")
    store = EmbeddedStore(tmp_path)
    assert store.subjects_of_type(BASE + "Plan") == [BASE + "plan/t"]
    [label] = store.objects(BASE + "plan/t", "http://www.w3.org/2000/01/rdf-schema#label")
    assert (label.value, label.language) == ("T", "fr")


def test_failed_build_leaves_published_data_untouched(tmp_path):
    publisher = EmbeddedPublisher(tmp_path)
    publisher.publish([PLAN_V1], base_iri=BASE, build_id="b1")

    def exploding():
        yield graph("plan/q", f'<{BASE}plan/q> <{BASE}p> "x" .')
        raise RuntimeError("crash in the middle of a build")

    with pytest.raises(RuntimeError):
        publisher.publish(exploding(), base_iri=BASE, build_id="b2")
    store = EmbeddedStore(tmp_path)
    assert store.info().build_id == "b1"
    assert store.describe(BASE + "plan/q") == []
    assert len(list((tmp_path / "builds").iterdir())) == 1


def test_invalid_data_fails_before_the_swap(tmp_path):
    publisher = EmbeddedPublisher(tmp_path)
    publisher.publish([PLAN_V1], base_iri=BASE, build_id="b1")
    broken = NamedGraph(BASE + "graph/x", b"<not an iri> <p> <o> .\n", 1)
    with pytest.raises(SyntaxError):
        publisher.publish([broken], base_iri=BASE, build_id="b2")
    assert EmbeddedStore(tmp_path).info().build_id == "b1"


def test_reader_follows_a_new_build_and_old_builds_are_pruned(tmp_path):
    publisher = EmbeddedPublisher(tmp_path)
    publisher.publish([PLAN_V1], base_iri=BASE, build_id="b1")
    store = EmbeddedStore(tmp_path)
    assert store.describe(BASE + "plan/other")
    publisher.publish([ACTORS], base_iri=BASE, build_id="b2")
    publisher.publish([ACTORS], base_iri=BASE, build_id="b3")
    assert store.info().build_id == "b3"
    assert store.describe(BASE + "plan/other") == []
    # the served build and one previous build are kept
    assert len(list((tmp_path / "builds").iterdir())) == 2


def test_union_of_graphs_is_queryable(tmp_path):
    EmbeddedPublisher(tmp_path).publish([PLAN_V1, ACTORS], base_iri=BASE, build_id="b1")
    raw = EmbeddedStore(tmp_path).raw()
    rows = list(
        raw.query(
            # a triple present in two graphs is seen once per graph: count distinct triples
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }",
            use_default_graph_as_union=True,
        )
    )
    assert int(rows[0]["n"].value) == 4
    assert raw.contains_named_graph(NamedNode(PLAN_V1.iri))


def test_invalid_iris_describe_nothing(tmp_path):
    EmbeddedPublisher(tmp_path).publish([PLAN_V1], base_iri=BASE, build_id="b1")
    store = EmbeddedStore(tmp_path)
    for bad in [BASE + "plan/\udcff", BASE + "a b", "not an iri", BASE + "plan/\uffff"]:
        assert store.describe(bad) == []
        assert store.objects(bad, "http://www.w3.org/2000/01/rdf-schema#label") == []


def test_two_builds_cannot_publish_into_one_store_at_once(tmp_path):
    publisher = EmbeddedPublisher(tmp_path)

    def second_build_meanwhile():
        with pytest.raises(LodplanError, match="another build is running"):
            EmbeddedPublisher(tmp_path).publish([ACTORS], base_iri=BASE, build_id="b2")
        yield PLAN_V1

    publisher.publish(second_build_meanwhile(), base_iri=BASE, build_id="b1")
    assert EmbeddedStore(tmp_path).info().build_id == "b1"


def test_a_store_reserved_by_a_build_refuses_another_and_names_its_process(tmp_path):
    first = EmbeddedPublisher(tmp_path)
    with first.reserve():
        message = rf"^another build is running on the store {re.escape(str(tmp_path))} "
        refused = pytest.raises(LodplanError, match=message + rf"\(process {os.getpid()}\)")
        with refused, EmbeddedPublisher(tmp_path).reserve():
            pytest.fail("a second build reserved the store")
        # the holder publishes inside its own reservation (flock is not re-entrant)
        first.publish([PLAN_V1], base_iri=BASE, build_id="b1")
    with EmbeddedPublisher(tmp_path).reserve():  # released
        pass
    assert EmbeddedStore(tmp_path).info().build_id == "b1"


KILLED_BUILD = """
import os, signal, sys
from lodplan.store.base import NamedGraph
from lodplan.store.embedded import EmbeddedPublisher

with EmbeddedPublisher(sys.argv[1]).stage([NamedGraph(sys.argv[2], sys.argv[3].encode(), 1)]):
    os.kill(os.getpid(), signal.SIGKILL)  # its database written, its files not, not swapped
"""


def test_what_a_killed_build_left_is_removed_when_the_next_build_starts(tmp_path):
    EmbeddedPublisher(tmp_path).publish([PLAN_V1], base_iri=BASE, build_id="b1")
    served = current_build_dir(tmp_path)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BUILD, str(tmp_path), ACTORS.iri,
         ACTORS.ntriples.decode(), BASE],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    [partial] = [p for p in (tmp_path / "builds").iterdir() if p != served]
    assert any((partial / "data").iterdir()) and not (partial / "manifest.json").exists()
    # a build killed between the two steps of its swap leaves a temporary link
    (tmp_path / ".current.4242").symlink_to(partial.relative_to(tmp_path))

    with EmbeddedPublisher(tmp_path).reserve():  # what a build does before mapping
        assert not partial.exists()
        assert not (tmp_path / ".current.4242").is_symlink()
        assert list((tmp_path / "builds").iterdir()) == [served]
    store = EmbeddedStore(tmp_path)
    assert store.info().build_id == "b1"
    assert store.describe(BASE + "plan/other")


def test_a_new_build_keeps_the_build_it_replaced_not_one_that_was_never_served(tmp_path):
    publisher = EmbeddedPublisher(tmp_path)
    publisher.publish([PLAN_V1], base_iri=BASE, build_id="b1")
    publisher.publish([ACTORS], base_iri=BASE, build_id="b2")
    replaced = current_build_dir(tmp_path)
    # complete but never swapped in (killed just before), and newer than the served one
    unswapped = tmp_path / "builds" / "99991231T235959999999-unswapped"
    shutil.copytree(replaced, unswapped)
    with publisher.reserve():  # complete builds are left to the pruning after a swap
        assert unswapped.exists()
    publisher.publish([PLAN_V1], base_iri=BASE, build_id="b3")
    assert sorted((tmp_path / "builds").iterdir()) == sorted(
        [replaced, current_build_dir(tmp_path)]
    )


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT], ids=["disk", "quota"])
def test_a_full_disk_names_the_file_and_leaves_the_published_build(tmp_path, monkeypatch, code):
    publisher = EmbeddedPublisher(tmp_path)
    publisher.publish([PLAN_V1], base_iri=BASE, build_id="b1")
    write_bytes = Path.write_bytes

    def full_disk(path: Path, data: bytes) -> int:
        if path.name == "dump.nq.gz":
            raise OSError(code, os.strerror(code))  # as write(2) fails: without a file name
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    files = [DownloadFile("plans/p.csv", "text/csv", b"a\r\n"),
             DownloadFile("dump.nq.gz", "application/n-quads+gzip", b"x")]  # fmt: skip
    with pytest.raises(StoreWriteError) as raised:
        publisher.publish([ACTORS], base_iri=BASE, build_id="b2", downloads=files)
    builds = re.escape(str(tmp_path / "builds"))
    assert re.fullmatch(
        rf"cannot write {builds}/[^/]+/downloads/dump\.nq\.gz: {os.strerror(code)} "
        r"\(free some space, then build again\); the published build is unchanged",
        str(raised.value),
    )
    assert EmbeddedStore(tmp_path).info().build_id == "b1"
    assert list((tmp_path / "builds").iterdir()) == [current_build_dir(tmp_path)]


def test_a_database_that_cannot_be_written_names_its_folder(tmp_path, monkeypatch):
    publisher = EmbeddedPublisher(tmp_path)
    publisher.publish([PLAN_V1], base_iri=BASE, build_id="b1")

    def full_disk(path: str):  # pyoxigraph's errors carry RocksDB's message, no errno
        raise OSError(f"IO error: No space left on device: While appending to file: {path}/9.log")

    with monkeypatch.context() as patched:
        patched.setattr(embedded, "Store", full_disk)
        with pytest.raises(StoreWriteError, match=r"^cannot write \S+/builds/[^/]+/data: IO err"):
            publisher.publish([ACTORS], base_iri=BASE, build_id="b2")
    assert EmbeddedStore(tmp_path).info().build_id == "b1"
    assert list((tmp_path / "builds").iterdir()) == [current_build_dir(tmp_path)]


def test_downloads_are_kept_with_their_build_and_never_served_from_outside_it(tmp_path):
    files = [DownloadFile("dump.nq.gz", "application/n-quads+gzip", b"x"),
             DownloadFile("plans/p.csv", "text/csv", b"a,b\r\n")]  # fmt: skip
    EmbeddedPublisher(tmp_path).publish([PLAN_V1], base_iri=BASE, build_id="b1", downloads=files)
    store = EmbeddedStore(tmp_path)
    assert store.download("plans/p.csv").read_bytes() == b"a,b\r\n"
    for outside in ("../manifest.json", "plans/../../manifest.json", "/etc/passwd", "plans"):
        assert store.download(outside) is None
    EmbeddedPublisher(tmp_path).publish([PLAN_V1], base_iri=BASE, build_id="b2", downloads=[])
    assert store.download("plans/p.csv") is None  # the new build has no such file


def test_a_download_name_cannot_leave_the_build(tmp_path):
    escaping = [DownloadFile("../escape.txt", "text/plain", b"x")]
    with pytest.raises(ValueError, match="under"):
        EmbeddedPublisher(tmp_path).publish([PLAN_V1], base_iri=BASE, build_id="b1",
                                            downloads=escaping)  # fmt: skip
    assert not (tmp_path / "builds" / "escape.txt").exists()
    with pytest.raises(StoreNotBuiltError):
        EmbeddedStore(tmp_path)


def test_a_downloads_directory_is_replaced_as_a_whole(tmp_path):
    target = tmp_path / "downloads"
    replace_directory(target, [DownloadFile("a.csv", "text/csv", b"1")])
    replace_directory(target, [DownloadFile("b/c.ttl", "text/turtle", b"2")])
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*.*")) == ["b/c.ttl"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["downloads"]


SELECT_LABELS = """
SELECT ?s ?label ?missing WHERE {
  GRAPH ?g { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }
  OPTIONAL { ?s <http://example.org/none> ?missing }
} ORDER BY ?label
"""


def test_select_binds_iris_by_values_over_all_graphs(tmp_path):
    EmbeddedPublisher(tmp_path).publish([PLAN_V1, ACTORS], base_iri=BASE, build_id="b1")
    store = EmbeddedStore(tmp_path)
    rows = store.select(SELECT_LABELS)
    assert [(row["s"].value, row["label"].value) for row in rows] == [
        (BASE + "plan/other", "Other"),
        (BASE + "plan/p", "Plan v1"),
        (BASE + "plan/p", "Plan v1"),  # in two graphs
    ]
    assert all("missing" not in row for row in rows)  # unbound: absent
    bound = store.select(SELECT_LABELS, {"s": BASE + "plan/other"})
    assert [row["label"].value for row in bound] == ["Other"]


def test_select_refuses_bindings_that_could_change_the_query(tmp_path):
    EmbeddedPublisher(tmp_path).publish([PLAN_V1], base_iri=BASE, build_id="b1")
    store = EmbeddedStore(tmp_path)
    with pytest.raises(ValueError):
        store.select(SELECT_LABELS, {"s": BASE + "> } ?s ?p ?o { <x"})
    with pytest.raises(ValueError):
        store.select(SELECT_LABELS, {"s) (?label": BASE + "plan/p"})
