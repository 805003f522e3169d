"""``/charts`` through Flask's test client, over the charts' hand-made build."""

from __future__ import annotations

import re

import pytest

from lodplan.config import QueryLimits
from lodplan.sparql.service import EmbeddedQueryService
from lodplan.web.app import create_app
from tests.pages.test_charts import BASE, HOSTILE_LABEL, publish_charts_dataset


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = publish_charts_dataset(tmp_path_factory.mktemp("charts-web"))
    queries = EmbeddedQueryService(store, QueryLimits())
    app = create_app(store, queries, base_iri=BASE)
    app.testing = True
    yield app.test_client()
    queries.close()


def hrefs(body: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', body)


def test_charts_page_in_french_by_default(client):
    response = client.get("/charts")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Language"] == "fr"
    body = response.get_data(as_text=True)
    assert '<html lang="fr">' in body
    assert "Actions par plan" in body
    assert HOSTILE_LABEL not in body


def test_charts_page_in_english(client):
    response = client.get("/charts?lang=en")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    body = response.get_data(as_text=True)
    assert "Actions per plan" in body and "Timeline of dated actions" in body
    assert "Plan A in English" in body
    assert "/actor/x?lang=en" in hrefs(body)  # links stay in English


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_chart_link_leads_to_a_resource_page(client, lang):
    body = client.get(f"/charts?lang={lang}").get_data(as_text=True)
    targets = {href for href in hrefs(body) if href.startswith(("/plan/", "/actor/"))}
    assert {"/plan/a/element/1", "/plan/a/element/1.1.1", "/actor/y"} <= {
        target.split("?")[0] for target in targets
    }
    for target in sorted(targets):
        response = client.get(target, headers={"Accept": "text/html"})
        assert response.status_code == 200, target
        assert response.mimetype == "text/html"
