"""waitress settings, the trusted proxies and the access log of ``lodplan serve``.

The behaviour under slow clients and oversized bodies is tested over HTTP in
test_slow_clients.py; here, the settings that make it so.
"""

from __future__ import annotations

import logging

import pytest
from flask import request
from waitress.adjustments import Adjustments

from lodplan.config import QueryLimits
from lodplan.errors import ConfigError
from lodplan.web.app import MAX_REQUEST_BYTES, create_app_for_store
from lodplan.web.services import EXTENSION_KEY
from lodplan.web.wsgi import (
    CONNECTION_LIMIT,
    DEFAULT_THREADS,
    access_log,
    proxy_hops_from,
    waitress_options,
)
from tests.conftest import LOD_BASE


def test_one_process_buffers_requests_and_allows_many_slow_connections():
    options = waitress_options(host="127.0.0.1", port=8080)
    adjustments = Adjustments(**options)  # waitress accepts every setting
    assert adjustments.threads == DEFAULT_THREADS == 64
    # slow connections hold no thread, but each holds one of these
    assert adjustments.connection_limit == CONNECTION_LIMIT >= 1000
    assert adjustments.asyncore_use_poll  # select() would fail beyond descriptor 1023
    assert 0 < adjustments.channel_timeout <= 120
    assert adjustments.expose_tracebacks is False


def test_the_body_limit_is_flasks():
    """waitress refuses (413, Connection: close) exactly the bodies Flask would refuse."""
    options = waitress_options(host="127.0.0.1", port=8080)
    assert options["max_request_body_size"] == MAX_REQUEST_BYTES


def test_threads_come_from_the_caller_and_must_exist():
    assert waitress_options(host="127.0.0.1", port=1, threads=100)["threads"] == 100
    with pytest.raises(ConfigError, match="--threads"):
        waitress_options(host="127.0.0.1", port=1, threads=0)


def test_ipv6_listen():
    options = waitress_options(host="::1", port=8080)
    assert options["listen"] == "[::1]:8080"
    assert Adjustments(**options).listen[0][3][:2] == ("::1", 8080)


def test_proxy_hops_from_flag_then_environment(monkeypatch):
    monkeypatch.delenv("LODPLAN_PROXY_HOPS", raising=False)
    assert proxy_hops_from(None) == 0
    monkeypatch.setenv("LODPLAN_PROXY_HOPS", "2")
    assert proxy_hops_from(None) == 2
    assert proxy_hops_from(1) == 1
    monkeypatch.setenv("LODPLAN_PROXY_HOPS", "one")
    with pytest.raises(ConfigError, match="LODPLAN_PROXY_HOPS='one'"):
        proxy_hops_from(None)
    with pytest.raises(ConfigError, match="negative"):
        proxy_hops_from(-1)


@pytest.fixture
def whoami_app(lod_store_root):
    """Makes the app of ``lodplan serve`` with a route that tells who asks, how and where."""
    made = []

    def make(proxy_hops: int):
        app = create_app_for_store(lod_store_root, LOD_BASE, QueryLimits(), proxy_hops=proxy_hops)
        app.add_url_rule(
            "/_whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme} {request.host}"
        )
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions[EXTENSION_KEY].queries.close()


FORWARDED = {
    "X-Forwarded-For": "203.0.113.9, 198.51.100.7",  # a client's claim, then the proxy's
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "data.example.fr",
}


def test_behind_one_proxy_the_client_is_the_one_it_forwards(whoami_app):
    client = whoami_app(proxy_hops=1).test_client()
    answer = client.get("/_whoami", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    # only the last address is the trusted proxy's: the one before is the client's claim
    assert answer.get_data(as_text=True) == "198.51.100.7 https data.example.fr"


def test_without_proxies_forwarded_headers_are_ignored(whoami_app):
    client = whoami_app(proxy_hops=0).test_client()
    answer = client.get("/_whoami", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert answer.get_data(as_text=True) == "10.0.0.2 http localhost"


def test_the_access_log_names_the_client_request_and_status(whoami_app, caplog):
    app = whoami_app(proxy_hops=1)
    logged = access_log(app.wsgi_app)
    app.wsgi_app = logged  # type: ignore[method-assign]
    with caplog.at_level(logging.INFO, logger="lodplan.access"):
        app.test_client().get(
            "/nowhere?x=1", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}
        )
    [record] = [r for r in caplog.records if r.name == "lodplan.access"]
    assert record.getMessage().startswith("198.51.100.7 GET '/nowhere?x=1' 404 ")


def test_sparql_requests_can_never_hold_every_thread():
    from lodplan.config import MAX_QUERY_WORKERS, QueryLimits
    from lodplan.errors import ConfigError
    from lodplan.sparql.service import DEFAULT_MAX_WAITING, MAX_CHECKERS
    from lodplan.web.wsgi import MIN_THREADS

    sparql_threads = MAX_QUERY_WORKERS + MAX_CHECKERS + 2 * DEFAULT_MAX_WAITING
    assert DEFAULT_THREADS - sparql_threads >= 12  # left for pages and files
    assert sparql_threads + 12 == MIN_THREADS
    with pytest.raises(ConfigError, match=f"at least {MIN_THREADS}"):
        waitress_options(host="127.0.0.1", port=8080, threads=MIN_THREADS - 1)
    with pytest.raises(ConfigError, match="from 0"):
        QueryLimits(workers=MAX_QUERY_WORKERS + 1)
