"""Production serving: the Flask app under waitress, in one process.

waitress reads every request whole — request line, headers and body — in its
event loop before a thread runs the app, and buffers every response (in memory,
then in a temporary file) while the client reads it: a client that sends or reads
slowly holds a connection, never a thread. ``threads`` threads run the app; SPARQL
queries run in query worker processes (:mod:`lodplan.sparql`) shared by every
thread of this one process.

What a connection may take (see docs/deployment.md):

* at most :data:`CONNECTION_LIMIT` connections at once; beyond it waitress stops
  accepting, and new connections wait in the listen backlog. It is high so that a
  few hundred slow connections cannot lock others out; a flood from many addresses
  is a reverse proxy's job (per-address ``limit_conn`` in docs/nginx/lodplan.conf);
* a connection idle for :data:`CHANNEL_TIMEOUT_S` (no byte received or sent, no
  request running) is closed;
* a request body over :data:`~lodplan.web.app.MAX_REQUEST_BYTES` (Flask's
  ``MAX_CONTENT_LENGTH``) gets ``413`` with ``Connection: close`` from waitress
  before the app sees it; request line and headers over
  :data:`MAX_REQUEST_HEADER_BYTES` get ``431``.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from waitress.adjustments import Adjustments
from waitress.server import create_server

from lodplan.config import MAX_QUERY_WORKERS, QueryLimits, StoreLocation
from lodplan.errors import ConfigError
from lodplan.sparql.service import DEFAULT_MAX_WAITING, MAX_CHECKERS
from lodplan.store.embedded import current_build_dir
from lodplan.web.app import MAX_REQUEST_BYTES, create_app_for_location, keep_warm
from lodplan.web.services import EXTENSION_KEY

#: Threads that run the app. A SPARQL request holds one while it is checked, waits
#: and runs: at most 16 runners + 4 checkers + 16 + 16 waiting (lodplan.sparql.service)
#: = 52, so that at least 12 always remain for pages and files. An idle thread costs
#: little (a stack reserved, not used).
DEFAULT_THREADS = 64
#: Threads SPARQL requests may hold at most, and threads always left for pages.
SPARQL_THREADS = MAX_QUERY_WORKERS + MAX_CHECKERS + 2 * DEFAULT_MAX_WAITING
PAGE_THREADS = 12
MIN_THREADS = SPARQL_THREADS + PAGE_THREADS
#: Open connections, slow ones included; each costs one file descriptor and a few kB.
CONNECTION_LIMIT = 1000
#: Seconds a connection may stay silent between requests (or while a response waits
#: for its reader) before it is closed.
CHANNEL_TIMEOUT_S = 60
#: Checks for silent connections run this often.
CLEANUP_INTERVAL_S = 10
#: Request line and headers: a GET query of 60 kB fits; longer queries are POSTed.
MAX_REQUEST_HEADER_BYTES = 64 * 1024
#: File descriptors beyond the connections: store, query workers, temporary buffers.
SPARE_FILE_DESCRIPTORS = 1024

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("lodplan.access")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def waitress_options(*, host: str, port: int, threads: int = DEFAULT_THREADS) -> dict[str, Any]:
    """The settings of waitress for ``lodplan serve`` (see the module's docstring)."""
    if threads < MIN_THREADS:
        raise ConfigError(
            f"--threads must be at least {MIN_THREADS} (got {threads}): SPARQL requests may "
            f"hold {SPARQL_THREADS} threads while they wait and run, and pages need "
            f"{PAGE_THREADS} more"
        )
    bind_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return {
        "listen": f"{bind_host}:{port}",
        "threads": threads,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": CHANNEL_TIMEOUT_S,
        "cleanup_interval": CLEANUP_INTERVAL_S,
        "max_request_body_size": MAX_REQUEST_BYTES,
        "max_request_header_size": MAX_REQUEST_HEADER_BYTES,
        # select() cannot watch descriptors above 1023: poll() has no such limit
        "asyncore_use_poll": True,
        # X-Forwarded-* are read by ProxyFix (LODPLAN_PROXY_HOPS), or dropped when
        # there is no proxy to trust
        "clear_untrusted_proxy_headers": True,
        "ident": "lodplan",
    }


def proxy_hops_from(flag: int | None) -> int:
    """Trusted reverse proxies in front of the server: the flag, else ``LODPLAN_PROXY_HOPS``,
    else 0."""
    value: str | int | None = flag if flag is not None else os.environ.get("LODPLAN_PROXY_HOPS")
    if value is None or value == "":
        return 0
    try:
        hops = int(value)
    except ValueError:
        raise ConfigError(f"LODPLAN_PROXY_HOPS={value!r} is not a whole number") from None
    if hops < 0:
        raise ConfigError(f"the number of trusted proxies must not be negative, got {hops}")
    return hops


def serve(
    location: StoreLocation | Path,
    *,
    host: str,
    port: int,
    base_iri: str,
    limits: QueryLimits,
    threads: int = DEFAULT_THREADS,
    proxy_hops: int = 0,
) -> None:
    """Serve the store at ``location`` (an embedded store's folder, or a remote engine)
    until interrupted (SIGINT or SIGTERM)."""
    if not isinstance(location, StoreLocation):
        location = StoreLocation(path=Path(location))
    if not location.remote:
        current_build_dir(location.path)  # fail here, clearly, rather than at the first request
    options = waitress_options(host=host, port=port, threads=threads)
    if proxy_hops:
        options["clear_untrusted_proxy_headers"] = False
    Adjustments(**options)  # refuse bad settings before anything starts
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    _raise_open_files_limit(CONNECTION_LIMIT + SPARE_FILE_DESCRIPTORS)
    app = create_app_for_location(location, base_iri, limits, proxy_hops=proxy_hops)
    keep_warm(app)  # the charts, the plans by title, the search index: ready before visitors
    server = create_server(access_log(app.wsgi_app), **options)
    signal.signal(signal.SIGTERM, _exit)  # waitress stops its threads on SystemExit
    logger.info("%d threads, up to %d connections", threads, CONNECTION_LIMIT)
    try:
        server.run()
    finally:
        app.extensions[EXTENSION_KEY].queries.close()


def access_log(app: WsgiApp) -> WsgiApp:
    """Log one line per response on ``lodplan.access``: client, request, status, seconds.

    The client is the address ProxyFix found, when it runs inside ``app``.
    """

    def logged(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.monotonic()

        def start(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            query = environ.get("QUERY_STRING")
            target = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
            access_logger.info(
                "%s %s %r %s %.3fs",
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD", "-"),
                target[:200],
                status.split(" ", 1)[0],
                time.monotonic() - started,
            )
            return start_response(status, headers, *args)

        return app(environ, start)

    return logged


def _exit(signum: int, frame: object) -> None:
    sys.exit(0)


def _raise_open_files_limit(wanted: int) -> None:
    """Each connection is a file descriptor: lift the soft limit (often 1024) if allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < wanted:
        logger.warning(
            "at most %d open files (ulimit -n): fewer than %d connections can be served",
            target,
            CONNECTION_LIMIT,
        )
