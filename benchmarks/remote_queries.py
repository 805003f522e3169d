"""The journalists' example queries over lodplan's HTTP endpoint, on both stores.

Serves the bundled plans twice with the real ``lodplan serve``: from the embedded
store (the baseline) and from Virtuoso fed by ``lodplan build --graph-store`` (``serve
--sparql-endpoint``), and runs every ``docs/queries/*.rq`` against each ``/sparql``
(POST, CSV), as a journalist's client would. Prints the median latency of ``--runs``
runs on each, the ratio remote / embedded, the same with the engine's own default
dataset (``LODPLAN_SPARQL_DATASET=engine``: no list of graphs), the query sent to
Virtuoso's own endpoint (what lodplan adds: checking, scoping, rewriting the
results), and whether every endpoint gave the same rows. Nothing is asserted.

Without ``--store`` it builds the bundled plans into a temporary store; without
``--sparql-endpoint`` it starts Debian's Virtuoso (``tests/support/virtuoso.py``) and
builds into it. Servers listen on ports 18600–18699.

    .venv/bin/python benchmarks/remote_queries.py
    .venv/bin/python benchmarks/remote_queries.py --store var/store \\
        --sparql-endpoint http://127.0.0.1:8890/sparql --downloads var/downloads --runs 9
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support: the throw-away Virtuoso and the server runner
QUERIES = ROOT / "docs" / "queries"
EMBEDDED_PORT, REMOTE_PORT, UNSCOPED_PORT = 18621, 18622, 18623


def lodplan(*args: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run([sys.executable, "-m", "lodplan", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})})  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"lodplan {args[0]} failed:\n{done.stderr}")


@contextlib.contextmanager
def engine(args: argparse.Namespace, work: Path) -> Iterator[tuple[str, Path | None]]:
    """The SPARQL endpoint of Virtuoso holding the bundled plans, and their files."""
    if args.sparql_endpoint:
        yield args.sparql_endpoint, args.downloads
        return
    from tests.support import virtuoso

    database = work / "virtuoso"
    database.mkdir()
    with virtuoso.running_virtuoso(database) as root:
        downloads = work / "downloads"
        print("building the bundled plans into Virtuoso…", file=sys.stderr)
        lodplan("build", "--base-iri", f"http://127.0.0.1:{REMOTE_PORT}/",
                "--graph-store", root + "sparql-graph-crud-auth", "--graph-store-user", "dba",
                "--digest-auth", "--downloads", str(downloads),
                env={"LODPLAN_GRAPH_STORE_PASSWORD": "dba"})  # fmt: skip
        yield root + "sparql", downloads


def timed(url: str, query: str, runs: int) -> tuple[float, bytes]:
    """Median seconds of ``runs`` POSTs of ``query`` (after one warm-up), and the answer."""
    times, body = [], b""
    for run in range(runs + 1):
        started = time.perf_counter()
        response = requests.post(url, data={"query": query}, headers={"Accept": "text/csv"},
                                 timeout=120)  # fmt: skip
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        body = response.content
        if run:
            times.append(elapsed)
    return statistics.median(times), body


def rows(body: bytes) -> list[str]:
    return sorted(body.decode("utf-8").replace("\r\n", "\n").splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="an embedded store of the bundled plans")
    parser.add_argument("--sparql-endpoint", help="Virtuoso's endpoint, already fed")
    parser.add_argument("--downloads", type=Path, help="the files of that build")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from tests.support.server import running_server

    env = {"LODPLAN_QUERY_TIMEOUT": "120"}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        store = args.store
        if store is None:
            store = work / "store"
            print("building the bundled plans into an embedded store…", file=sys.stderr)
            lodplan("build", "--store", str(store), "--base-iri",
                    f"http://127.0.0.1:{EMBEDDED_PORT}/")  # fmt: skip
        with engine(args, work) as (endpoint, downloads):
            where = ["--sparql-endpoint", endpoint,
                     *(["--downloads", str(downloads)] if downloads else [])]  # fmt: skip
            unscoped = {**env, "LODPLAN_SPARQL_DATASET": "engine"}
            with (
                running_server(store, EMBEDDED_PORT, env) as embedded,
                running_server(where, REMOTE_PORT, env) as remote,
                running_server(where, UNSCOPED_PORT, unscoped) as remote_unscoped,
            ):
                report(embedded + "sparql", remote + "sparql", remote_unscoped + "sparql",
                       endpoint, args.runs)  # fmt: skip


def report(embedded: str, remote: str, unscoped: str, engine_url: str, runs: int) -> None:
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"median of {runs} runs, ms")  # fmt: skip
    print("remote: serve --sparql-endpoint (every query scoped to the build's graphs); "
          "engine ds: LODPLAN_SPARQL_DATASET=engine; engine alone: Virtuoso's /sparql")  # fmt: skip
    print(f"{'query':<34} {'embedded':>9} {'remote':>9} {'ratio':>6} {'engine ds':>9} "
          f"{'ratio':>6} {'engine alone':>12}  rows")  # fmt: skip
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        here, here_body = timed(embedded, text, runs)
        there, there_body = timed(remote, text, runs)
        loose, loose_body = timed(unscoped, text, runs)
        try:  # the engine alone, its default dataset (the query declares its prefixes)
            alone = f"{timed(engine_url, text, runs)[0] * 1000:12.1f}"
        except requests.RequestException:
            alone = f"{'-':>12}"
        same = "same" if rows(here_body) == rows(there_body) == rows(loose_body) else "DIFFER"
        print(f"{path.stem:<34} {here * 1000:9.1f} {there * 1000:9.1f} {there / here:6.2f} "
              f"{loose * 1000:9.1f} {loose / here:6.2f} {alone}  {same}")  # fmt: skip


if __name__ == "__main__":
    main()
