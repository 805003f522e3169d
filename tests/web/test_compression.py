"""Compressed responses (lodplan.web.compression) through Flask's test client, over the
charts' hand-made build: Brotli or gzip when asked, never when not, ETags and ``304``
kept, parts of files untouched."""

from __future__ import annotations

import gzip

import brotli
import pytest

from lodplan.config import QueryLimits
from lodplan.sparql.service import EmbeddedQueryService
from lodplan.web.app import create_app
from tests.pages.test_charts import BASE, publish_charts_dataset

EDITOR = "/assets/vendor/yasgui/yasgui.min.js"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = publish_charts_dataset(tmp_path_factory.mktemp("compression-web"))
    queries = EmbeddedQueryService(store, QueryLimits())
    app = create_app(store, queries, base_iri=BASE)
    app.testing = True
    yield app.test_client()
    queries.close()


@pytest.mark.parametrize("path", ["/charts", "/assets/lodplan.css", EDITOR])
def test_nothing_is_compressed_for_a_client_that_does_not_ask(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("accepted", "coding", "decode"),
    [("br", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress),
     ("gzip, deflate, br", "br", brotli.decompress)],
)  # fmt: skip
@pytest.mark.parametrize("path", ["/charts", EDITOR])
def test_pages_and_scripts_are_compressed_as_the_client_accepts(
    client, path, accepted, coding, decode
):
    plain = client.get(path).data
    response = client.get(path, headers={"Accept-Encoding": accepted})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == coding
    assert int(response.headers["Content-Length"]) == len(response.data) < len(plain) / 2
    assert decode(response.data) == plain


def test_the_editor_script_is_compressed_to_less_than_a_third(client):
    response = client.get(EDITOR, headers={"Accept-Encoding": "br"})
    assert len(response.data) < 1_012_309 / 3  # its megabyte, vendored


def test_a_compressed_response_has_its_own_etag_and_answers_304(client):
    page = "/plan/a"  # a resource's page: tagged by its build
    plain = client.get(page)
    compressed = client.get(page, headers={"Accept-Encoding": "br"})
    assert compressed.headers["Content-Encoding"] == "br"
    assert compressed.headers["ETag"] != plain.headers["ETag"]
    assert compressed.headers["ETag"].endswith(':br"')
    again = client.get(
        page, headers={"Accept-Encoding": "br", "If-None-Match": compressed.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    plain_again = client.get(page, headers={"If-None-Match": plain.headers["ETag"]})
    assert plain_again.status_code == 304


def test_a_part_of_a_file_is_sent_as_it_is(client):
    response = client.get(EDITOR, headers={"Accept-Encoding": "br", "Range": "bytes=0-99"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert len(response.data) == 100
