"""What the versions of a plan cost a build (lodplan.versions, docs/versions.md).

Generates a versioned plan of ``--actions`` fiches actions in ``--versions`` quarterly
versions (the spreadsheet of tests/fixtures/versions-mappings, scaled: statuses,
spending and measures change each quarter), then measures, in the same process:

* the baseline: mapping and checking the latest version (``check_plans``: what any
  build does for the plan);
* rendering its history without a cache: every older version mapped again from its
  inputs, the graphs of older versions, the history graph and the changes;
* the same with a warm build cache: older versions reused, only the latest compared.

Prints the medians of ``--runs`` runs, their ratio to the baseline, and the machine's
load. Nothing is asserted.

    PYTHONPATH=src .venv/bin/python benchmarks/versions.py --actions 1000 --versions 4
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from lodplan.build import check_plans
from lodplan.build_cache import BuildCache
from lodplan.dataset import NoMemo
from lodplan.iris import IriMinter
from lodplan.mapping.spec import load_mapping
from lodplan.versions import Inputs, Published, _render_plan, plan_inputs

FIXTURE = Path(__file__).parents[1] / "tests" / "fixtures" / "versions-mappings"
PLAN = "exempleville-climat"
BASE = "http://localhost:8080/"
STATUSES = ("Prévue", "En cours", "En cours", "Réalisée")
HEADER = (
    "Axe;Action;Description;Pilote;Statut;Date du statut;Début prévu;Fin prévue;"
    "Budget prévisionnel;Dépense réalisée;Indicateur;Valeur 2019;Cible 2030;Mesure"
)


def version_id(number: int) -> str:
    return f"{2025 + (number - 1) // 4}-t{(number - 1) % 4 + 1}"


def write_version(folder: Path, number: int, actions: int) -> None:
    """Version ``number`` (1-based) of the synthetic plan in ``folder``."""
    plan = folder / PLAN
    plan.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE / "actors.yaml", folder)
    quarter = version_id(number)
    month = 3 * ((number - 1) % 4 + 1)
    year = 2025 + (number - 1) // 4
    day = f"{year}-{month:02d}-28"
    mapping = (FIXTURE / "v1" / PLAN / "mapping.yaml").read_text(encoding="utf-8")
    mapping = mapping.replace("id: 2025-t1", f"id: {quarter}").replace("2025-03-31", day)
    (plan / "mapping.yaml").write_text(mapping, encoding="utf-8")
    rows = [HEADER]
    for n in range(1, actions + 1):
        status = STATUSES[min(len(STATUSES) - 1, (n + number) % 5)]
        indicator = f"Indicateur {n} (unités)" if n % 3 == 0 else ""
        values = f"{n};{2 * n};{n + number}" if indicator else ";;"
        rows.append(
            f"Axe {n % 12 + 1};Action numéro {n};Description de l'action {n}.;Commune;"
            f"{status};28/{month:02d}/{year};2025-01;2027-12;{1000 * n};{100 * n * number};"
            f"{indicator};{values}"
        )
    (plan / "fiches.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def median_time(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--versions", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("LODPLAN_BUILD_WORKERS", "1")
    with tempfile.TemporaryDirectory() as tmp:
        folders = []
        for number in range(1, args.versions + 1):
            folder = Path(tmp) / f"v{number}"
            write_version(folder, number, args.actions)
            folders.append(folder)
        latest = folders[-1]
        checked = check_plans(latest, BASE, keep_graphs=False)
        assert checked.ok, checked.render_problems()
        plan = checked.plans[0]
        inputs: list[Inputs] = [
            plan_inputs(load_mapping(folder / PLAN / "mapping.yaml")) for folder in folders
        ]
        versions = [
            Published(version_id(n), files.digest) for n, files in enumerate(inputs, start=1)
        ]
        graph = checked.plan_graphs[plan.graph_iri]
        iris = IriMinter(BASE)
        cache = BuildCache(Path(tmp) / "cache")

        def render(memo) -> None:
            _render_plan(plan, versions, inputs, graph, latest, iris, memo)

        baseline = median_time(args.runs, lambda: check_plans(latest, BASE, keep_graphs=False))
        cold = median_time(args.runs, lambda: render(NoMemo()))
        render(cache)  # warm
        warm = median_time(args.runs, lambda: render(cache))
    triples = graph.triple_count
    print(f"plan: {args.actions} actions, {triples} triples, {args.versions} versions")
    print(f"map and check the latest (baseline): {baseline:.2f} s  1.00")
    print(f"history, no cache:                   {cold:.2f} s  {cold / baseline:.2f}")
    print(f"history, warm cache:                 {warm:.2f} s  {warm / baseline:.2f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
