"""Is SPARQL fair under attack? A cheap query's latency while other clients flood the endpoint.

Publishes a synthetic dataset (``generate.py``, 100k triples by default) to a
store, starts the real server (``lodplan serve``) on a free port, then measures
the latency of a cheap query from one client, first alone (the baseline, in the
same run), then while 2 and 10 other clients each keep one pathological query in
flight (a six-way cross product to count: it runs until the time limit stops
it). Every client has its own loopback address (127.0.0.x), as distinct
clients on the internet would: the server shares its workers by address.

Prints p50 and p99 of the cheap query per phase, as ratios to the idle
baseline, and what the attackers got (statuses). Nothing is asserted.

    .venv/bin/python benchmarks/fairness.py
    .venv/bin/python benchmarks/fairness.py --attackers 2,10 --samples 200 --query-timeout 10
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from lodplan.store.base import NamedGraph  # noqa: E402
from lodplan.store.embedded import EmbeddedPublisher  # noqa: E402

BASE = "http://localhost:8080/"
CHEAP = "PREFIX lodplan: <https://w3id.org/lodplan/ontology#> ASK { ?plan a lodplan:Plan }"
PATHOLOGICAL = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(6)) + " }"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def publish(triples: str, store: Path) -> None:
    from pyoxigraph import RdfFormat, parse, serialize

    data = Path(tempfile.mkdtemp()) / "plans.nq"
    generate(_size(triples), data, base=BASE)
    with data.open("rb") as source:
        quads = list(parse(source, format=RdfFormat.N_QUADS))
    graphs: dict[str, list] = {}
    for quad in quads:
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    named = [
        NamedGraph(iri, serialize(triples, format=RdfFormat.N_TRIPLES), len(triples))
        for iri, triples in sorted(graphs.items())
    ]
    EmbeddedPublisher(store).publish(named, base_iri=BASE, build_id="fairness")


def _size(text: str) -> int:
    text = text.lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def ask(port: int, source: str, query: str, timeout: float = 120.0) -> tuple[int, float]:
    """POST ``query`` from the loopback address ``source``; (status, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
    )
    try:
        connection.request(
            "POST",
            "/sparql",
            body=urlencode({"query": query}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        response = connection.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = 0
    finally:
        connection.close()
    return status, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(port: int, samples: int) -> tuple[list[float], Counter]:
    latencies, statuses = [], Counter()
    for _ in range(samples):
        status, seconds = ask(port, "127.0.0.1", CHEAP)
        statuses[status] += 1
        latencies.append(seconds)
        time.sleep(0.01)
    return latencies, statuses


def flood(port: int, clients: int, stop: threading.Event) -> tuple[list[threading.Thread], Counter]:
    """``clients`` threads, each from its own address, keeping one pathological query in flight."""
    outcomes: Counter = Counter()

    def attack(source: str) -> None:
        while not stop.is_set():
            status, _ = ask(port, source, PATHOLOGICAL)
            outcomes[status] += 1
            if status in (0, 429, 503):
                time.sleep(0.2)  # as a client told to retry would

    threads = [
        threading.Thread(target=attack, args=(f"127.0.0.{10 + n}",), daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    return threads, outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", default="100k", help="size of the synthetic data (100k)")
    parser.add_argument("--attackers", default="2,10", help="attacking clients per phase")
    parser.add_argument("--samples", type=int, default=200, help="cheap queries per phase")
    parser.add_argument("--query-timeout", type=float, default=10.0, help="server limit (10 s)")
    parser.add_argument(
        "--ramp", type=float, default=3.0, help="seconds of attack before measuring"
    )
    args = parser.parse_args(argv)
    store = Path(tempfile.mkdtemp()) / "store"
    publish(args.triples, store)
    port = free_port()
    env = {**os.environ, "LODPLAN_QUERY_TIMEOUT": str(args.query_timeout)}
    server = subprocess.Popen(
        [sys.executable, "-m", "lodplan", "serve", "--store", str(store), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(300):
            if ask(port, "127.0.0.1", CHEAP, timeout=2)[0] == 200:
                break
            time.sleep(0.1)
        measure(port, 20)  # warm: workers started, caches filled
        idle, idle_statuses = measure(port, args.samples)
        base50, base99 = percentile(idle, 0.5), percentile(idle, 0.99)
        print(
            f"cores: {os.cpu_count()}; data: {args.triples} triples; limit {args.query_timeout} s"
        )
        print(f"{'phase':<14}{'p50 ms':>9}{'p99 ms':>9}{'p50 ×':>8}{'p99 ×':>8}  cheap / attackers")
        print(
            f"{'idle':<14}{base50 * 1000:>9.1f}{base99 * 1000:>9.1f}{1:>8.2f}{1:>8.2f}"
            f"  {dict(idle_statuses)}"
        )
        for clients in (int(n) for n in args.attackers.split(",")):
            stop = threading.Event()
            threads, outcomes = flood(port, clients, stop)
            time.sleep(args.ramp)
            latencies, statuses = measure(port, args.samples)
            stop.set()
            p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
            print(
                f"{f'{clients} attackers':<14}{p50 * 1000:>9.1f}{p99 * 1000:>9.1f}"
                f"{p50 / base50:>8.2f}{p99 / base99:>8.2f}  {dict(statuses)} / {dict(outcomes)}"
            )
            for thread in threads:
                thread.join(args.query_timeout * 3)
        print(f"(median of the idle phase: {statistics.median(idle) * 1000:.1f} ms)")
    finally:
        server.terminate()
        server.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
