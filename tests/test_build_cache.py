"""Incremental builds: what an unchanged plan made is reused, and the result is the
same, byte for byte, as a full build of the same inputs."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store
from rdflib import Dataset, Graph
from rdflib.compare import to_canonical_graph

from lodplan.build import build
from lodplan.build_cache import BuildCache
from lodplan.errors import MappingError
from lodplan.publishing import catalog, downloads
from lodplan.publishing.changes import LOG_FILE, SOURCE_DATE_EPOCH
from lodplan.store.embedded import DATA_DIR, DOWNLOADS_DIR, EmbeddedPublisher, current_build_dir
from tests.conftest import TEST_BASE

FICHES = Path(__file__).parent / "fixtures" / "fiche-mappings"
PLAN = "exempleville-pcaet"
OTHER = "autreville-pcaet"


@pytest.fixture
def mappings(tmp_path: Path) -> Path:
    return two_plans(tmp_path)


def two_plans(tmp_path: Path) -> Path:
    """Two plans kept as spreadsheets, sharing one actors file."""
    folder = tmp_path / "mappings"
    shutil.copytree(FICHES, folder)
    other = folder / OTHER
    shutil.copytree(folder / PLAN, other)
    mapping = other / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace(f"id: {PLAN}", f"id: {OTHER}"))
    return folder


def _build(mappings: Path, store: Path, cache: BuildCache | None, messages: list[str]) -> str:
    _, info = build(mappings, EmbeddedPublisher(store), TEST_BASE, progress=messages.append,
                    cache=cache)  # fmt: skip
    return info.build_id


# When a plan was validated: a reused report keeps the time its validation ran, as two
# full builds differ by theirs. Nothing else may differ.
VALIDATION_TIME = re.compile(
    rb'("validated_at": "|dcterms:created "|"duration_seconds": )[0-9T:.+-]+Z?'
)


def _published(store: Path) -> dict[str, bytes]:
    """Every file of the current build's downloads (validation times aside), and the
    database as sorted N-Quads."""
    build_dir = current_build_dir(store)
    downloads = build_dir / DOWNLOADS_DIR
    files = {
        str(path.relative_to(downloads)): VALIDATION_TIME.sub(rb"\1(time)", path.read_bytes())
        for path in sorted(downloads.rglob("*"))
        if path.is_file() and path.relative_to(downloads).as_posix() != LOG_FILE
    }  # the change log is the store's history: the full build's has one build
    database = Store.read_only(str(build_dir / DATA_DIR))
    dumped = database.dump(format=RdfFormat.N_QUADS)
    assert dumped is not None
    # the store names blank nodes as it loads them (OWL lists of the ontology): the
    # quads with one are compared as graphs, every other quad byte for byte
    lines = sorted(dumped.splitlines())
    files["database"] = b"\n".join(line for line in lines if b"_:" not in line)
    files["database blank nodes"] = _canonical(line for line in lines if b"_:" in line)
    return files


def _canonical(nquads: Iterable[bytes]) -> bytes:
    dataset = Dataset()
    dataset.parse(data=b"\n".join(nquads).decode(), format="nquads")
    graphs = sorted(dataset.graphs(), key=lambda graph: str(graph.identifier))
    return b"".join(
        str(graph.identifier).encode() + b"\n" + _sorted_nt(to_canonical_graph(graph))
        for graph in graphs
        if len(graph)
    )


def _sorted_nt(graph: Graph) -> bytes:
    return b"\n".join(sorted(graph.serialize(format="nt", encoding="utf-8").splitlines()))


def _reused(messages: list[str]) -> list[str]:
    return [m.split(":")[0] for m in messages if "unchanged since the last build" in m]


def _change_a_cell(mappings: Path, plan: str) -> None:
    table = mappings / plan / "fiches.csv"
    content = table.read_bytes()
    assert b"Isolation des murs" in content
    table.write_bytes(content.replace(b"Isolation des murs", b"Isolation des parois", 1))


def test_a_rebuild_reuses_unchanged_plans_and_equals_a_full_build(mappings, tmp_path, monkeypatch):
    monkeypatch.setenv(SOURCE_DATE_EPOCH, "1767225600")  # the catalog dates builds
    cache = tmp_path / "cache"
    incremental = tmp_path / "incremental"
    first: list[str] = []
    _build(mappings, incremental, BuildCache(cache), first)
    assert _reused(first) == []

    _change_a_cell(mappings, OTHER)
    second: list[str] = []
    framed: list[str] = []
    frame = downloads.plan_jsonld
    monkeypatch.setattr(
        downloads, "plan_jsonld", lambda graph, plan, context: framed.append(plan.plan_id)
        or frame(graph, plan, context)
    )  # fmt: skip
    described: list[str] = []
    describe = catalog._CatalogMaker._describe
    monkeypatch.setattr(
        catalog._CatalogMaker, "_describe",
        lambda maker, dataset: described.append(dataset.plan_id) or describe(maker, dataset),
    )  # fmt: skip
    rebuilt = _build(mappings, incremental, BuildCache(cache), second)
    monkeypatch.setattr(downloads, "plan_jsonld", frame)
    assert _reused(second) == [f"[2/2] {PLAN}"]  # sorted: autreville first, made again
    assert framed == [OTHER]  # the unchanged plan's files are those of the first build
    assert described == [OTHER]  # and so is its dataset's description in the catalog

    full = tmp_path / "full"
    assert _build(mappings, full, None, []) == rebuilt
    assert _published(incremental) == _published(full)
    assert b"Isolation des parois" in _published(incremental)["database"]


def test_a_change_to_a_shared_file_makes_every_plan_again(mappings, tmp_path):
    cache = tmp_path / "cache"
    _build(mappings, tmp_path / "store", BuildCache(cache), [])
    actors = mappings / "actors.yaml"
    actors.write_text(actors.read_text() + "\n# a comment changes the file's digest\n")
    messages: list[str] = []
    _build(mappings, tmp_path / "store", BuildCache(cache), messages)
    assert _reused(messages) == []


def test_an_unreadable_cache_entry_is_made_again(mappings, tmp_path):
    cache = tmp_path / "cache"
    store = tmp_path / "store"
    built = _build(mappings, store, BuildCache(cache), [])
    entries = sorted((cache / "plans").rglob("*.pickle"))
    assert len(entries) == 2
    entries[0].write_bytes(b"not a pickle")
    messages: list[str] = []
    assert _build(mappings, store, BuildCache(cache), messages) == built
    assert len(_reused(messages)) == 1


def test_entries_of_plans_no_longer_built_are_removed(mappings, tmp_path):
    cache = tmp_path / "cache"
    _build(mappings, tmp_path / "store", BuildCache(cache), [])
    shutil.rmtree(mappings / OTHER)
    _build(mappings, tmp_path / "store", BuildCache(cache), [])
    assert len(sorted((cache / "plans").rglob("*.pickle"))) == 1


def test_a_mapping_error_is_reported_as_without_a_cache(mappings, tmp_path):
    cache = tmp_path / "cache"
    _build(mappings, tmp_path / "store", BuildCache(cache), [])
    mapping = mappings / OTHER / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace("lodplan-mapping: 1", "lodplan-mapping: 9"))
    with pytest.raises(MappingError) as caught:
        _build(mappings, tmp_path / "store", BuildCache(cache), [])
    assert "mapping.yaml" in str(caught.value)


def _inodes(store: Path, plan: str) -> dict[str, int]:
    """The inode of each file of ``plan`` in the current build."""
    folder = current_build_dir(store) / DOWNLOADS_DIR / "plans"
    return {path.name: path.stat().st_ino for path in folder.glob(f"{plan}.*")}


def test_unchanged_files_are_shared_with_the_cache_and_outlive_it(mappings, tmp_path):
    cache, store = tmp_path / "cache", tmp_path / "store"
    _build(mappings, store, BuildCache(cache), [])
    before = {plan: _inodes(store, plan) for plan in (PLAN, OTHER)}
    assert len(before[PLAN]) >= 5  # JSON-LD, Turtle, N-Quads, CSV and its metadata, XLSX
    _change_a_cell(mappings, OTHER)
    rebuilt = _build(mappings, store, BuildCache(cache), [])
    assert _inodes(store, PLAN) == before[PLAN]  # the same files: hard links, not rewritten
    changed = _inodes(store, OTHER)
    for name in (f"{OTHER}.ttl", f"{OTHER}.csv", f"{OTHER}.jsonld"):  # their bytes changed
        assert changed[name] != before[OTHER][name]
    published = _published(store)
    shutil.rmtree(cache)  # the build's files are its own
    assert _published(store) == published
    assert _build(mappings, store, BuildCache(cache), []) == rebuilt


def test_a_cache_that_lost_its_files_makes_them_again(mappings, tmp_path):
    cache, store = tmp_path / "cache", tmp_path / "store"
    built = _build(mappings, store, BuildCache(cache), [])
    published = _published(store)
    shutil.rmtree(cache / "blobs")  # the entries remain, naming files that are gone
    messages: list[str] = []
    assert _build(mappings, store, BuildCache(cache), messages) == built
    assert _reused(messages) == []  # their graphs were gone: mapped again
    assert _published(store) == published
