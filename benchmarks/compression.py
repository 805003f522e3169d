"""What compressing the responses costs and saves (lodplan.web.compression).

Serves a build (``--store``; default: builds the bundled plans into ``benchmarks/out/
compression-store`` once) with the Flask test client over ``create_app_for_store``, as
``lodplan serve`` builds it, and for each page measures, in the same process and
alternating ``--runs`` times: the median time of a warm request without
``Accept-Encoding`` (the baseline), with ``gzip`` and with ``br``, and the bytes sent.
Prints the ratios to the baseline and the machine's load. Nothing is asserted.

    .venv/bin/python benchmarks/compression.py
    .venv/bin/python benchmarks/compression.py --store /tmp/store --runs 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = "http://localhost:8080/"
PAGES = [
    ("home", "/"),
    ("plan (MOT, 83 actions)", "/plan/mot-programme-2023"),
    ("action", "/plan/mot-programme-2023/element/3.2.2/bons-a-tirer"),
    ("charts", "/charts"),
    ("ontology", "/ontology"),
    ("plan as Turtle", "/plan/mot-programme-2023.ttl"),
    ("stylesheet", "/assets/lodplan.css"),
    ("SPARQL editor's script (YASGUI)", "/assets/vendor/yasgui/yasgui.min.js"),
]
ENCODINGS = ("identity", "gzip", "br")


def store_path(given: Path | None) -> Path:
    if given is not None:
        return given
    store = HERE / "out" / "compression-store"
    if not (store / "current").exists() and not any(store.glob("*")):
        store.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "lodplan", "build", "--store", str(store)]
        subprocess.run([*command, "--base-iri", BASE], check=True)
    return store


def measure(client, path: str, encoding: str) -> tuple[float, int]:
    headers = {} if encoding == "identity" else {"Accept-Encoding": encoding}
    started = time.perf_counter()
    response = client.get(path, headers=headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from lodplan.web.app import create_app_for_store

    app = create_app_for_store(store_path(args.store), BASE)
    client = app.test_client()
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores, {args.runs} runs")
    print(f"{'page':34} {'bytes':>9} {'gzip':>6} {'br':>6}   {'ms':>7} {'gzip':>6} {'br':>6}")
    for name, path in PAGES:
        for encoding in ENCODINGS:
            measure(client, path, encoding)  # warm: the page and the asset caches
        times: dict[str, list[float]] = {e: [] for e in ENCODINGS}
        sizes: dict[str, int] = {}
        for _ in range(args.runs):
            for encoding in ENCODINGS:
                elapsed, size = measure(client, path, encoding)
                times[encoding].append(elapsed)
                sizes[encoding] = size
        base = statistics.median(times["identity"])
        print(
            f"{name:34} {sizes['identity']:9,d} "
            f"{sizes['gzip'] / sizes['identity']:6.2f} {sizes['br'] / sizes['identity']:6.2f}   "
            f"{base * 1000:7.2f} {statistics.median(times['gzip']) / base:6.2f} "
            f"{statistics.median(times['br']) / base:6.2f}"
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
