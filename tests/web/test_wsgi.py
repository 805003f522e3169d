"""gunicorn settings: threaded workers, so that slow queries never block dereferencing."""

from __future__ import annotations

from lodplan.config import QueryLimits
from lodplan.sparql.service import DEFAULT_MAX_WAITING_QUERIES
from lodplan.web.wsgi import DEFAULT_WORKERS, THREADS_PER_WORKER, gunicorn_options


def test_workers_are_threaded():
    options = gunicorn_options(host="127.0.0.1", port=8080, limits=QueryLimits(timeout_s=30))
    assert options["worker_class"] == "gthread"
    assert options["threads"] == THREADS_PER_WORKER >= 4
    assert options["workers"] == DEFAULT_WORKERS == 2
    assert options["timeout"] > 30
    assert options["preload_app"] is False


def test_queries_leave_threads_for_dereferencing():
    """One running query and the waiting ones never take every thread of a worker."""
    assert 1 + DEFAULT_MAX_WAITING_QUERIES <= THREADS_PER_WORKER // 2


def test_ipv6_bind():
    options = gunicorn_options(host="::1", port=8080, limits=QueryLimits())
    assert options["bind"] == "[::1]:8080"
