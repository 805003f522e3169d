"""Production serving: the Flask app under gunicorn (threaded workers).

Each gunicorn worker builds its own app after the fork (no ``preload_app``), so
every worker opens the store itself and starts its own SPARQL query worker at
its first query: no database handle or pipe is ever shared across a fork.

Workers are threaded (``gthread``): a slow SPARQL query holds one thread, and
dereferencing keeps being served by the others. Queries of one gunicorn worker
take turns on its query worker, and at most ``1 + DEFAULT_MAX_WAITING_QUERIES``
threads wait for it (the next query gets 503 with ``Retry-After``), so that
threads always remain for dereferencing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from lodplan.config import QueryLimits
from lodplan.store.embedded import current_build_dir
from lodplan.web.app import create_app_for_store

DEFAULT_WORKERS = 2
#: Threads per gunicorn worker; queries may hold at most 1 + DEFAULT_MAX_WAITING_QUERIES.
THREADS_PER_WORKER = 16
# gunicorn restarts a worker whose main loop is silent for this long: room for the query limit.
EXTRA_WORKER_TIMEOUT_S = 30


class LodplanApplication(BaseApplication):
    """gunicorn application that builds the Flask app in each worker."""

    def __init__(self, factory: Callable[[], Flask], options: dict[str, Any]) -> None:
        self._factory = factory
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._factory()


def gunicorn_options(
    *, host: str, port: int, limits: QueryLimits, workers: int = DEFAULT_WORKERS
) -> dict[str, Any]:
    bind_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return {
        "bind": f"{bind_host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "preload_app": False,  # the app (store, query worker) is created after the fork
        "timeout": int(limits.timeout_s) + EXTRA_WORKER_TIMEOUT_S,
        "accesslog": "/dev/stderr",  # gunicorn's "-" would be stdout
        "errorlog": "-",  # stderr
        "proc_name": "lodplan",
    }


def serve(
    store_root: Path,
    *,
    host: str,
    port: int,
    base_iri: str,
    limits: QueryLimits,
    workers: int = DEFAULT_WORKERS,
) -> None:
    """Serve the store at ``store_root`` until interrupted."""
    current_build_dir(store_root)  # fail here, clearly, rather than in every worker

    def factory() -> Flask:
        return create_app_for_store(Path(store_root), base_iri, limits)

    options = gunicorn_options(host=host, port=port, limits=limits, workers=workers)
    LodplanApplication(factory, options).run()
