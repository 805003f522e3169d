"""What the changes between any two versions of a plan cost a page (issue 17 item 4;
lodplan.pages.history.pair_changes, docs/versions.md).

Publishes ``--versions`` quarterly versions of a plan of ``--actions`` fiches actions
(the synthetic plan of benchmarks/versions.py) into an embedded store, one build each
(``--as-new-version``), then measures, in the same process:

* the baseline: what changed in the latest version, as its page reads it (the changes
  the build recorded: ``version_changes``);
* the changes between the first and the latest versions, cold: both versions' N-Triples
  files read and summarised, then compared (what the first request of a build costs);
* the same, warm: the two summaries kept (as the site keeps them per build), compared
  (the site also keeps each pair compared: its CSV after its page costs nothing).

Then the table of actions' follow-up filters (« en retard », « sans mise à jour depuis
N mois »: SQLite, a ``months_before`` SQL function) on ``--table-actions`` synthetic
actions of 600 plans, against the unfiltered first page.

Prints the medians of ``--runs`` runs, their ratio to the baseline, the number of rows,
and the machine's load. Nothing is asserted.

    PYTHONPATH=src .venv/bin/python benchmarks/version_pairs.py --actions 1000 --versions 4
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lodplan.build import build
from lodplan.build_cache import BuildCache
from lodplan.pages import actions as table
from lodplan.pages.history import pair_changes, version_changes, version_summary
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore
from lodplan.versions import VersionChoice
from versions import PLAN, median_time, version_id, write_version

BASE = "http://localhost:8080/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--versions", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--table-actions", type=int, default=17000)
    args = parser.parse_args()
    os.environ.setdefault("LODPLAN_BUILD_WORKERS", "1")
    with tempfile.TemporaryDirectory() as tmp:
        root, cache = Path(tmp) / "store", BuildCache(Path(tmp) / "cache")
        for number in range(1, args.versions + 1):
            folder = Path(tmp) / f"v{number}"
            write_version(folder, number, args.actions)
            build(folder, EmbeddedPublisher(root), BASE, cache=cache,
                  versions=VersionChoice.NEW)  # fmt: skip
        store = EmbeddedStore(root)
        plan = f"{BASE}plan/{PLAN}"
        first, latest = version_id(1), version_id(args.versions)
        latest_iri = f"{plan}/version/{latest}"

        def recorded() -> int:
            changes = version_changes(store, latest_iri, "fr")
            return len(changes.lines) if changes else 0

        def cold() -> int:
            return len(pair_changes(store, plan, first, latest, "fr").lines)

        kept = {v: version_summary(store, PLAN, v) for v in (first, latest)}

        def warm() -> int:
            pair = pair_changes(store, plan, first, latest, "fr", lambda _p, v: kept[v])
            return len(pair.lines)

        baseline = median_time(args.runs, recorded)
        cold_s = median_time(args.runs, cold)
        warm_s = median_time(args.runs, warm)
        rows = (recorded(), cold())
    print(f"plan: {args.actions} actions, {args.versions} versions")
    print(f"latest version's changes, as recorded (baseline): {baseline * 1000:.1f} ms  1.00"
          f"  ({rows[0]} rows)")  # fmt: skip
    print(f"first → latest, cold (two files summarised):     {cold_s * 1000:.1f} ms  "
          f"{cold_s / baseline:.2f}  ({rows[1]} rows)")  # fmt: skip
    print(f"first → latest, warm (summaries kept):           {warm_s * 1000:.1f} ms  "
          f"{warm_s / baseline:.2f}")  # fmt: skip
    follow_up_table(args.table_actions, args.runs)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def follow_up_table(count: int, runs: int) -> None:
    """The follow-up filters of the table of actions on ``count`` synthetic actions."""
    statuses = [table.Ref(f"https://w3id.org/lodplan/code/status/{s}", s)
                for s in ("prevue", "en-cours", "realisee")]  # fmt: skip

    def rows():  # type: ignore[no-untyped-def]
        for n in range(count):
            plan = n % 600
            yield table.ActionRow(
                iri=f"{BASE}plan/p{plan}/element/a{n}",
                plan=table.Ref(f"{BASE}plan/p{plan}", f"Plan {plan}"),
                position=n, code=None, label=f"Action {n}", status=statuses[n % 3],
                end=f"{2024 + n % 5}-{n % 12 + 1:02d}",
                updated=f"2025-{n % 12 + 1:02d}-15" if n % 2 else None,
                plan_on="2025-09-30" if plan % 4 == 0 else None,  # a quarter are versioned
            )  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "actions.sqlite"
        table.write_table(path, rows())
        actions = table.ActionTable(path)
        cases = {
            "every action (baseline)": table.ActionFilters(),
            "late": table.ActionFilters(late=True),
            "without update for 3 months": table.ActionFilters(months=3),
            "late, by due date": table.ActionFilters(late=True, sort="end"),
        }
        baseline = None
        print(f"\ntable of actions, {count:,} actions of 600 plans: first page (median), CSV rows")
        for name, filters in cases.items():
            seconds = median_time(runs, lambda filters=filters: actions.page(filters, 1))
            csv_s = median_time(runs, lambda filters=filters: sum(1 for _ in actions.rows(filters)))
            baseline = baseline or seconds
            page = actions.page(filters, 1)
            print(f"{name}: {page.total if page else 0:,} rows, page {seconds * 1000:.1f} ms "
                  f"({seconds / baseline:.2f}), every row {csv_s * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
