"""How long mapping and validating the plans takes with one process and with one per core.

Runs ``check_plans`` (map, coverage, SHACL, serialisation: what ``lodplan build`` does
before publishing) on the bundled plans, or ``--mappings``, first with one process
(the baseline, ``LODPLAN_BUILD_WORKERS=1``) then with the default (one per core), in
the same process, alternating ``--runs`` times. Prints the medians, the ratio to the
baseline and the machine's load. Nothing is asserted.

    .venv/bin/python benchmarks/build_workers.py
    .venv/bin/python benchmarks/build_workers.py --runs 3 --mappings tests/fixtures/tet-mappings
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from lodplan.build import BUILD_WORKERS_ENV, build_workers, check_plans
from lodplan.bundled import mappings_dir
from lodplan.mapping import find_mappings


def timed(mappings: Path, workers: str) -> float:
    os.environ[BUILD_WORKERS_ENV] = workers
    started = time.perf_counter()
    checked = check_plans(mappings, "http://localhost:8080/", keep_graphs=False)
    assert checked.ok, checked.render_problems()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mappings", type=Path, default=mappings_dir())
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    plans = len(find_mappings(args.mappings))
    default = str(build_workers(plans))
    timed(args.mappings, "1")  # warm: the COG, the shapes and the vocabulary are loaded once
    one, many = [], []
    for _ in range(args.runs):
        one.append(timed(args.mappings, "1"))
        many.append(timed(args.mappings, default))
    base, parallel = statistics.median(one), statistics.median(many)
    print(f"{plans} plans, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"1 process (baseline): {base:6.2f} s")
    print(f"{default} processes:          {parallel:6.2f} s   ratio {parallel / base:.2f}")


if __name__ == "__main__":
    main()
