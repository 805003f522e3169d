"""The search index and the table of actions at national scale (issue 19 items 1 and 2).

Publishes (once) the synthetic EPCI plans of ``benchmarks/generate.py --triples N``
(1m: 666 plans) as one build with ``EmbeddedPublisher.publish``, then measures in this
process, on that store:

* **search index**: made as before this change (one query over every plan,
  ``search-index.rq`` of commit 4dc7112, then a Python list) and as now (plan by plan,
  ``search-plan.rq`` with the plan bound, then ``search-others.rq``, written into the
  SQLite FTS5 file), and the file's size;
* **searches**: the median of ``--runs`` searches of each query, with the substring scan
  of before over the same entries as the baseline;
* **table of actions**: made once (``actions-table.rq`` and ``plan-elements.rq`` plan by
  plan, into its SQLite file), then the median of pages: unfiltered, filtered, sorted,
  and the CSV of every row.

Ratios are to the baseline measured in the same run. The load average is printed: the
machine is shared. Nothing is asserted.

    .venv/bin/python benchmarks/search_actions.py --triples 1m
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out"
BASE = "http://localhost:8080/"
OLD_SEARCH_QUERY = "4dc7112:site/queries/search-index.rq"
QUERIES = ["mobilité", "transition énergétique", "velos", "plan climat", "mobilitee"]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare_store(out: Path, triples: str) -> Path:
    from lodplan.store.base import NamedGraph
    from lodplan.store.embedded import EmbeddedPublisher

    store_root = out / f"search-store-{triples}"
    if (store_root / "current").exists():
        return store_root
    data = out / f"plans-{triples}.nq"
    if not data.exists():
        progress(f"generating {data}")
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--triples",
                triples,
                "--out",
                str(data),
                "--base",
                BASE,
            ],
            check=True,
        )
    lines: dict[str, list[str]] = defaultdict(list)
    with data.open(encoding="utf-8") as stream:
        for line in stream:
            triple, graph, _ = line.rstrip("\n").rsplit(" ", 2)
            lines[graph[1:-1]].append(triple + " .")
    named = [NamedGraph(iri, ("\n".join(v) + "\n").encode(), len(v)) for iri, v in lines.items()]
    info = EmbeddedPublisher(store_root).publish(named, base_iri=BASE, build_id=f"search-{triples}")
    progress(f"published {info.triple_count} triples in {len(named)} graphs")
    return store_root


def timed(work):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def median(work, runs: int) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(timed(work)[0] for _ in range(runs))


def fold(text: str) -> str:  # lodplan.pages.search.fold, as before this change
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped.casefold().replace("œ", "oe").replace("æ", "ae")).strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", default="1m")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from lodplan.pages import actions, search
    from lodplan.pages.queries import run, text
    from lodplan.store.embedded import EmbeddedStore

    print(f"load average at start: {os.getloadavg()}; cores: {os.cpu_count()}")
    store = EmbeddedStore(prepare_store(args.out, args.triples))
    info = store.info()
    plans = store.subjects_of_type(actions.PLAN_CLASS)
    print(f"store: {info.triple_count:,} triples, {len(plans)} plans")
    folder = Path(tempfile.mkdtemp(prefix="lodplan-bench-"))

    old_query = subprocess.run(
        ["git", "show", OLD_SEARCH_QUERY], capture_output=True, text=True, check=True, cwd=HERE
    ).stdout
    old_seconds, old_rows = timed(lambda: store.select(old_query))
    old_entries = {}
    for row in old_rows:
        key = text(row, "resource")
        old_entries.setdefault(
            key, fold(" ".join(text(row, n) for n in ("notation", "label", "description")))
        )
    path = search.index_file(folder, info, "fr")
    new_seconds, index = timed(
        lambda: search.SearchIndex.open_or_build(path, lambda: search.collect_entries(store, "fr"))
    )
    rows = sum(len(run(store, "search-plan", plan=p)) for p in plans[:1])
    print(
        f"\nsearch index: before {old_seconds:.2f} s (one query, {len(old_rows):,} rows); "
        f"now {new_seconds:.2f} s plan by plan into SQLite FTS5 ({index.size:,} entries, "
        f"{path.stat().st_size / 1e6:.1f} MB; a plan's query: {rows} rows) "
        f"→ ratio {new_seconds / old_seconds:.2f}"
    )
    print("| query | before: substring scan | now: FTS5 + ranking | results before → now |")
    print("|---|---|---|---|")
    for query in QUERIES:
        words = fold(query).split()
        scan = median(
            lambda words=words: [k for k, t in old_entries.items() if all(w in t for w in words)],
            args.runs,
        )
        before = sum(1 for t in old_entries.values() if all(w in t for w in words))
        now = median(lambda query=query: search.search(index, query).page(1), args.runs)
        found = search.search(index, query)
        note = f" (suggests « {found.suggestion} »)" if found.suggestion else ""
        print(
            f"| {query} | {scan * 1000:.1f} ms | {now * 1000:.1f} ms | "
            f"{before:,} → {found.total:,}{note} |"
        )

    table_path = actions.table_file(folder, info, "fr")
    seconds, table = timed(
        lambda: actions.ActionTable.open_or_build(
            table_path, lambda: actions.collect_actions(store, "fr")
        )
    )
    every = table.page(actions.ActionFilters(), 1)
    assert every is not None
    print(
        f"\ntable of actions: made in {seconds:.2f} s ({every.total:,} actions, "
        f"{table_path.stat().st_size / 1e6:.1f} MB)"
    )
    options = table.options(None)
    status = options["status"][0].iri if options["status"] else None
    pilot = options["pilot"][0].iri if options["pilot"] else None
    cases = {
        "page 1, every plan": actions.ActionFilters(),
        "page 1, one status": actions.ActionFilters(status=status),
        "one pilot, by due date": actions.ActionFilters(pilot=pilot, sort="end"),
        "without a pilot": actions.ActionFilters(without_pilot=True),
        "one plan, by status desc.": actions.ActionFilters(
            plan=plans[0], sort="status", descending=True
        ),
    }
    print("| view | rows | page (median) | CSV of every row |")
    print("|---|---|---|---|")
    for name, filters in cases.items():
        page = median(lambda filters=filters: table.page(filters, 1), args.runs)
        total = table.page(filters, 1)
        csv_seconds, lines = timed(
            lambda filters=filters: sum(1 for _ in actions.actions_csv(table.rows(filters)))
        )
        print(
            f"| {name} | {total.total if total else 0:,} | {page * 1000:.1f} ms | "
            f"{csv_seconds * 1000:.0f} ms ({lines - 1:,} rows) |"
        )
    options_seconds = median(lambda: table.options(None), args.runs)
    print(f"the filters' lists of values, every plan: {options_seconds * 1000:.1f} ms")
    print(f"load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
