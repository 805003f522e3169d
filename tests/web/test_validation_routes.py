"""The routes of the validation pages, and the report files they link to."""

from __future__ import annotations

import json

import pytest

from lodplan.config import QueryLimits
from lodplan.sparql.service import EmbeddedQueryService
from lodplan.web.app import create_app
from tests.support.validation_reports import BASE, PLAN_ID, publish_test_build


@pytest.fixture(scope="module")
def client(tmp_path_factory, vocabulary, lod_context):
    store = publish_test_build(tmp_path_factory.mktemp("validation-routes"), vocabulary)
    queries = EmbeddedQueryService(store, QueryLimits())  # its worker starts on first query
    app = create_app(store, queries, base_iri=BASE, context_path=lod_context)
    app.testing = True
    yield app.test_client()
    queries.close()


def test_the_index_lists_the_reports(client):
    response = client.get("/validation")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Language"] == "fr"
    assert f'href="/validation/{PLAN_ID}"' in response.text


def test_a_report_page_in_english(client):
    response = client.get(f"/validation/{PLAN_ID}?lang=en")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in response.text
    assert "A plan should have an issue date." in response.text
    assert f'href="/plan/{PLAN_ID}?lang=en"' in response.text
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_an_unknown_report_is_a_404_page(client):
    response = client.get("/validation/inconnu?lang=en")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Report not found" in response.text
    assert "inconnu" in response.text


def test_the_report_files_download(client):
    summary = client.get(f"/download/validation/{PLAN_ID}.json")
    assert summary.status_code == 200
    assert summary.headers["Content-Type"] == "application/json"
    assert json.loads(summary.data)["id"] == PLAN_ID
    turtle = client.get(f"/download/validation/{PLAN_ID}.ttl")
    assert turtle.status_code == 200
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert b"sh:ValidationReport" in turtle.data
