"""The download route against the live server (``lodplan serve``), with real clients:
rdflib loads the dumps from their URLs, requests gets them with and without gzip, and
ETags are the files' SHA-256, the same from one build to the next.

The store holds the example plan of ``tests/fixtures/example-mappings`` without the COG
(500,000 triples that rdflib would take a minute to parse), built by the same code
as ``lodplan build`` and published twice with the same data.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from rdflib import Dataset

from lodplan.build import check_plans, named_graphs, plan_files
from lodplan.iris import IriMinter
from lodplan.publishing.downloads import DUMP_NAME, make_downloads, memory_store
from lodplan.publishing.jsonld import bundled_contexts
from lodplan.store.base import DownloadFile, NamedGraph
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore
from tests.conftest import TEST_BASE
from tests.support.server import free_port, running_server

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "example-mappings"
IDENTITY = {"Accept-Encoding": "identity"}  # what urllib (rdflib, SPARQLWrapper) sends


@dataclass(frozen=True)
class Example:
    graphs: list[NamedGraph]
    files: dict[str, DownloadFile]
    plan_id: str

    def publish(self, root: Path, build_id: str) -> None:
        EmbeddedPublisher(root).publish(
            self.graphs, base_iri=TEST_BASE, build_id=build_id, downloads=list(self.files.values())
        )


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Example:
    mappings = tmp_path_factory.mktemp("download-route") / "mappings"
    shutil.copytree(EXAMPLE, mappings)
    checked = check_plans(mappings, TEST_BASE, keep_graphs=False)
    iris = IriMinter(TEST_BASE)
    left_out = {iris.graph("void"), iris.graph("cog")}
    graphs = [g for g in named_graphs(checked, TEST_BASE) if g.iri not in left_out]
    [plan] = plan_files(checked, TEST_BASE)
    context = bundled_contexts().current(TEST_BASE)
    files = make_downloads(memory_store(graphs), graphs, [plan], context)
    return Example(graphs, {f.name: f for f in files}, plan.plan_id)


@pytest.fixture(scope="module")
def served(example: Example, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("download-store")
    example.publish(root, "20260101T000000000000-aaaaaaaaaa")
    with running_server(root, free_port()) as base:
        yield base


def _quads(content: bytes) -> int:
    return sum(1 for line in content.splitlines() if line.strip())


def test_rdflib_loads_the_whole_dump_from_its_url(served, example):
    dataset = Dataset()
    dataset.parse(served + "download/lodplan.nq")  # format from the Content-Type
    expected = sum(g.triple_count for g in example.graphs)
    assert sum(len(graph) for graph in dataset.graphs()) == expected
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {
        g.iri for g in example.graphs if g.triple_count
    }


def test_rdflib_loads_a_plans_nquads_from_its_url(served, example):
    dataset = Dataset()
    dataset.parse(f"{served}download/plans/{example.plan_id}.nq")
    [plan_graph] = [g for g in example.graphs if g.iri.endswith("/" + example.plan_id)]
    assert len(dataset.graph(plan_graph.iri)) == plan_graph.triple_count


def test_the_nquads_are_gzip_coded_for_a_client_that_accepts_gzip(served, example):
    file = example.files[DUMP_NAME].content
    response = requests.get(served + "download/lodplan.nq", timeout=30, stream=True)
    raw = response.raw.read(decode_content=False)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/n-quads"
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert raw == file and int(response.headers["Content-Length"]) == len(file)
    # requests decodes it: a client sees N-Quads
    decoded = requests.get(served + "download/lodplan.nq", timeout=30).content
    assert decoded == gzip.decompress(file)


def test_the_nquads_are_plain_for_a_client_that_does_not_accept_gzip(served, example):
    nquads = gzip.decompress(example.files[DUMP_NAME].content)
    for headers in (IDENTITY, {"Accept-Encoding": "gzip;q=0, identity"}, {"Accept-Encoding": ""}):
        response = requests.get(served + "download/lodplan.nq", headers=headers, timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/n-quads"
        assert "Content-Encoding" not in response.headers
        assert response.content == nquads
    assert _quads(nquads) == sum(g.triple_count for g in example.graphs)
    head = requests.head(served + "download/lodplan.nq", headers=IDENTITY, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Type"] == "application/n-quads"


@pytest.mark.parametrize("headers", [{}, IDENTITY])
def test_the_gzipped_file_is_the_file_whatever_the_client_accepts(served, example, headers):
    file = example.files[DUMP_NAME]
    response = requests.get(served + "download/lodplan.nq.gz", headers=headers, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in response.headers  # requests leaves the bytes alone
    assert response.content == file.content  # what the catalog's size and checksum are of
    assert response.headers["ETag"] == f'"{file.sha256}"'


def test_download_etags_are_the_sha256_of_the_bytes_and_answer_304(served, example):
    for name, file in example.files.items():
        response = requests.get(f"{served}download/{name}", timeout=30)
        assert response.status_code == 200, name
        assert response.headers["ETag"] == f'"{hashlib.sha256(file.content).hexdigest()}"'
        again = requests.get(
            f"{served}download/{name}",
            headers={"If-None-Match": response.headers["ETag"]},
            timeout=30,
        )
        assert again.status_code == 304, name
    for headers in ({}, IDENTITY):  # each coding of lodplan.nq has its own tag
        first = requests.get(served + "download/lodplan.nq", headers=headers, timeout=30)
        tag = first.headers["ETag"]
        cached = {**headers, "If-None-Match": tag}
        assert (
            requests.get(served + "download/lodplan.nq", headers=cached, timeout=30).status_code
            == 304
        )
    plain = requests.get(served + "download/lodplan.nq", headers=IDENTITY, timeout=30)
    coded = requests.get(served + "download/lodplan.nq", timeout=30)
    assert plain.headers["ETag"] != coded.headers["ETag"]


def test_etags_stay_the_same_across_builds_of_the_same_data(example, tmp_path):
    names = [*example.files, "lodplan.nq", f"plans/{example.plan_id}.nq"]
    tags: list[dict[str, str]] = []
    for build_id in ("20260101T000000000000-bbbbbbbbbb", "20260102T000000000000-cccccccccc"):
        example.publish(tmp_path, build_id)
        assert EmbeddedStore(tmp_path).info().build_id == build_id
        with running_server(tmp_path, free_port()) as base:
            tags.append(
                {
                    name + coding: requests.get(
                        f"{base}download/{name}", headers=headers, timeout=30
                    ).headers["ETag"]
                    for name in names
                    for coding, headers in (("", {}), (" (identity)", IDENTITY))
                }
            )
            # a client's cached copy from the first build is still fresh
            if len(tags) == 2:
                for name in names:
                    response = requests.get(
                        f"{base}download/{name}",
                        headers={"If-None-Match": tags[0][name]},
                        timeout=30,
                    )
                    assert response.status_code == 304, name
    assert tags[0] == tags[1]
