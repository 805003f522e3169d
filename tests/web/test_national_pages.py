"""The site's paged lists and degraded pages through Flask's test client."""

from __future__ import annotations

import pytest

from lodplan.config import QueryLimits
from lodplan.pages.queries import query_text
from lodplan.sparql.service import EmbeddedQueryService
from lodplan.web.app import create_app, warm_up
from tests.pages.test_national_scale import BASE, SlowStore, publish, small_pages  # noqa: F401


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return publish(tmp_path_factory.mktemp("national-web"))


@pytest.fixture
def make_client(store):
    services = []

    def make(served, timeout_s: float = 5.0):
        queries = EmbeddedQueryService(store, QueryLimits())
        services.append(queries)
        app = create_app(served, queries, base_iri=BASE, page_query_timeout_s=timeout_s)
        app.testing = True
        return app, app.test_client()

    yield make
    for queries in services:
        queries.close()


def test_the_home_page_is_paged(make_client, store, small_pages):  # noqa: F811
    _, client = make_client(store)
    first = client.get("/")
    assert first.status_code == 200
    assert 'href="/?page=2"' in first.get_data(as_text=True)
    second = client.get("/?page=2&lang=en")
    body = second.get_data(as_text=True)
    assert second.status_code == 200 and "4 to 6 of 7 (page 2 of 3)" in body
    assert 'href="/?page=3&amp;lang=en"' in body
    assert 'href="/?page=2"' in body  # the same page in French keeps its page
    assert client.get("/?page=4").status_code == 404
    assert client.get("/?page=deux").status_code == 400


def test_an_actors_page_is_paged(make_client, store, small_pages):  # noqa: F811
    _, client = make_client(store)
    response = client.get("/actor/etat?page=2")
    assert response.status_code == 200
    assert "5 à 8 sur 35" in response.get_data(as_text=True)
    assert client.get("/actor/etat?page=10").status_code == 404
    assert client.get("/charts?page=4").status_code == 200
    assert client.get("/charts?page=5").status_code == 404


def test_a_page_whose_query_is_too_slow_is_degraded_not_hung(make_client, store):
    actors = query_text("chart-actors")

    class SlowChartActors(SlowStore):
        def select(self, query, bindings=None):
            if query != actors:
                return store.select(query, bindings)
            return super().select(query, bindings)

    slow = SlowChartActors(store, seconds=60)
    _, client = make_client(slow, timeout_s=0.3)
    response = client.get("/charts")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert "Données en cours de calcul" in body and "Charts: in how many plan elements" in body
    assert client.get("/").status_code == 200  # the other pages keep answering
    assert client.get("/charts").status_code == 503
    assert slow.runs == 1  # the slow query runs once, not once per request
    slow.release.set()
    for _ in range(200):  # it ends, and the charts are served
        response = client.get("/charts")
        if response.status_code == 200:
            break
    assert response.status_code == 200 and "Actions par plan" in response.get_data(as_text=True)
    assert slow.runs == 1


def test_warming_up_computes_the_aggregates_before_any_visitor(make_client, store):
    counting = SlowStore(store, seconds=0)
    app, client = make_client(counting)
    warm_up(app, wait=True)
    before = counting.runs
    assert before >= 2  # plans by title, the charts, the search index (each language)
    assert client.get("/charts").status_code == 200
    assert client.get("/search?q=action").status_code == 200
    assert counting.runs == before  # nothing left to compute for these pages
