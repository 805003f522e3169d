"""Build information is read once per request, however many parts of a page ask."""

from __future__ import annotations

from lodplan.config import QueryLimits
from lodplan.sparql.service import EmbeddedQueryService
from lodplan.store.embedded import EmbeddedStore
from lodplan.web.app import create_app


class CountingStore(EmbeddedStore):
    calls = 0

    def info(self):
        type(self).calls += 1
        return super().info()


def test_a_page_reads_the_build_information_once(bundled_build):
    store = CountingStore(bundled_build.store)
    app = create_app(store, EmbeddedQueryService(store, QueryLimits()), base_iri=bundled_build.base)
    client = app.test_client()
    for path in ("/", "/plan/mot-programme-2023", "/catalog", "/actor/mot"):
        before = CountingStore.calls
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, path
        assert CountingStore.calls - before == 1, path


def test_a_page_resolves_the_current_build_once(bundled_build, monkeypatch):
    """An actor's page makes hundreds of label lookups: none looks for a new build."""
    from lodplan.store import embedded

    resolved = []
    real = embedded.current_build_dir
    monkeypatch.setattr(
        embedded, "current_build_dir", lambda root: resolved.append(root) or real(root)
    )
    store = EmbeddedStore(bundled_build.store)
    app = create_app(store, EmbeddedQueryService(store, QueryLimits()), base_iri=bundled_build.base)
    client = app.test_client()
    for path in ("/actor/etat", "/plan/mot-programme-2023"):
        resolved.clear()
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200
        assert len(resolved) == 1, path
