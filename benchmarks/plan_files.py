"""What a build's per-plan files and dataset description cost, before and after issue 18.

On synthetic plans (``benchmarks/generate.py``) with what a real build adds (the
ontology, the code lists and the COG graph, ~545k triples), it times each step of
making the downloads and the VoID description the way a build did before issue 18
(the baseline) and the way it does now, in the same process, on the same data,
and checks that both give the same bytes:

* the in-memory store the files are made from: ``bulk_load`` per graph → ``load``;
* the whole-plan JSON-LD: pyld's framing and compaction, ``json.dumps`` → the direct
  walk of :mod:`lodplan.publishing.frames` and its writer;
* the CSV's table: the nine queries of ``site/csv/`` run for each plan → run once for
  the build, read plan by plan;
* the workbook: openpyxl's temporary file per sheet, then the archive rewritten to
  date its entries → written in memory, entries dated as written;
* the N-Quads (the dump, each plan's ``.nq.gz``): a write per line → per 4 MB piece;
* the VoID statistics, counted in Python on each graph's N-Triples (unchanged), against
  the same counts by aggregate queries to the store (measured, not used: slower).

It prints each step's time (median of ``--runs``), the ratio new/old, the cost per plan
and per thousand triples of the per-plan files, and what that makes for 1,250 plans.
Unchanged steps (Turtle, the CSV text) are timed too. Nothing is asserted about times.

    .venv/bin/python benchmarks/plan_files.py                 # 100k triples: 67 plans
    .venv/bin/python benchmarks/plan_files.py --triples 1m --runs 1
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from openpyxl.writer.excel import ExcelWriter
from pyoxigraph import NamedNode, RdfFormat, Store, parse

from lodplan.build import _as_named_graph, _cog_graph
from lodplan.codelists import bundled_vocabulary
from lodplan.dataset import NamedGraph, PlanFiles
from lodplan.description import Statistics
from lodplan.iris import IriMinter
from lodplan.publishing import downloads, frames, workbooks
from lodplan.publishing.jsonld import bundled_contexts

HERE = Path(__file__).resolve().parent
BASE = "http://localhost:8080/"
NATIONAL = 1250  # EPCI in France


# -- the data, as a build holds it ----------------------------------------------------


def ensure_data(label: str, out_dir: Path) -> Path:
    data = out_dir / f"plans-{label}.nq"
    if not data.exists():
        command = [
            sys.executable,
            str(HERE / "generate.py"),
            "--triples",
            label,
            "--out",
            str(data),
        ]
        subprocess.run(command, check=True)
    return data


def build_graphs(path: Path) -> tuple[list[NamedGraph], list[PlanFiles]]:
    """The synthetic graphs as sorted N-Triples (as a build writes them), with the
    ontology, the code lists and the COG graph; and the plans' files to make."""
    lines: dict[str, list[str]] = defaultdict(list)
    for quad in parse(path=str(path), format=RdfFormat.N_QUADS):
        lines[quad.graph_name.value].append(f"{quad.subject} {quad.predicate} {quad.object} .")
    graphs = [
        NamedGraph(iri, ("\n".join(sorted(triples)) + "\n").encode(), len(triples))
        for iri, triples in lines.items()
    ]
    iris = IriMinter(BASE)
    vocabulary = bundled_vocabulary()
    graphs.append(_as_named_graph(iris.graph("ontology"), vocabulary.ontology, iris))
    graphs.append(_as_named_graph(iris.graph("codelists"), vocabulary.codelists, iris))
    graphs.append(_cog_graph(BASE))
    graphs.sort(key=lambda graph: graph.iri)
    plans = []
    for graph in graphs:
        if graph.iri.startswith(iris.graph("plan/")):
            plan_id = graph.iri.rsplit("/", 1)[1]
            plans.append(PlanFiles(plan_id, iris.plan(plan_id), graph.iri, plan_id))
    return graphs, plans


# -- the baseline: the code of before issue 18 ----------------------------------------


def old_memory_store(graphs: Iterable[NamedGraph]) -> Store:
    store = Store()
    for graph in graphs:
        store.bulk_load(graph.ntriples, format=RdfFormat.N_TRIPLES, to_graph=NamedNode(graph.iri))
    return store


def old_jsonld(graph: NamedGraph, plan: PlanFiles, context: Any) -> bytes:
    document = frames.pyld_plan_document(graph.ntriples, plan.plan_iri, context)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def old_workbook(table: downloads.ActionTable, published: str) -> bytes:
    """The workbook as openpyxl's own writer made it, then re-dated entry by entry."""
    saved = workbooks._DatedZipFile, workbooks._InMemoryExcelWriter
    workbooks._DatedZipFile, workbooks._InMemoryExcelWriter = zipfile.ZipFile, ExcelWriter  # type: ignore[assignment,misc]
    try:
        content = downloads.plan_workbook(table, published).content
    finally:
        workbooks._DatedZipFile, workbooks._InMemoryExcelWriter = saved
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=workbooks.ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry))
    return fixed.getvalue()


def old_gzipped_nquads(graphs: Iterable[NamedGraph]) -> bytes:
    import gzip

    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as out:
        for graph in graphs:
            suffix = f" <{graph.iri}> .\n".encode()
            for line in graph.ntriples.splitlines():
                if line.strip():
                    out.write(line.rstrip()[:-1].rstrip() + suffix)
    return buffer.getvalue()


def python_counts(graphs: list[NamedGraph]) -> dict[str, tuple]:
    """What VoID counts, as the build counts it: each graph's N-Triples in Python,
    merged for the dataset."""
    total = Statistics()
    counts = {}
    for graph in graphs:
        statistics_ = Statistics.of(graph.ntriples)
        counts[graph.iri] = _counted(statistics_)
        total.merge(statistics_)
    counts[""] = _counted(total)
    return counts


def _counted(statistics_: Statistics) -> tuple:
    return (
        len(statistics_.subjects),
        statistics_.entities,
        len(statistics_.objects),
        len(statistics_.instances),
        statistics_.class_entities(),
        statistics_.property_triples(),
    )


#: The same counts by the store (the alternative measured, not used: see docs/performance.md).
STORE_COUNTS = {
    "properties": "SELECT ?g ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ?p",
    "terms": """SELECT ?g (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?iri) AS ?entities)
       (COUNT(DISTINCT ?o) AS ?objects)
WHERE { GRAPH ?g { ?s ?p ?o } BIND (IF(isIRI(?s), ?s, ?none) AS ?iri) } GROUP BY ?g""",
    "classes": """SELECT ?g ?class (COUNT(DISTINCT ?iri) AS ?n)
WHERE { GRAPH ?g { ?s a ?class } BIND (IF(isIRI(?s), ?s, ?none) AS ?iri) } GROUP BY ?g ?class""",
    "union terms": """SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?iri) AS ?entities)
       (COUNT(DISTINCT ?o) AS ?objects)
WHERE { GRAPH ?g { ?s ?p ?o } BIND (IF(isIRI(?s), ?s, ?none) AS ?iri) }""",
    "union classes": """SELECT ?class (COUNT(DISTINCT ?iri) AS ?n)
WHERE { GRAPH ?g { ?s a ?class } BIND (IF(isIRI(?s), ?s, ?none) AS ?iri) } GROUP BY ?class""",
}


def store_counts(store: Store, graphs: list[NamedGraph]) -> dict[str, tuple]:
    """The counts of :func:`python_counts` by aggregate queries to the store."""
    rows = {name: list(store.query(query)) for name, query in STORE_COUNTS.items()}
    properties: dict[str, dict[str, int]] = defaultdict(dict)
    union_properties: dict[str, int] = defaultdict(int)
    for row in rows["properties"]:
        properties[row["g"].value][row["p"].value] = int(row["n"].value)
        union_properties[row["p"].value] += int(row["n"].value)
    classes: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows["classes"]:
        classes[row["g"].value][str(row["class"])] = int(row["n"].value)
    union_classes = {str(row["class"]): int(row["n"].value) for row in rows["union classes"]}

    def counted(terms: Any, by_class: dict[str, int], by_property: dict[str, int]) -> tuple:
        iris = {c[1:-1]: n for c, n in by_class.items() if c.startswith("<")}
        numbers = [int(terms[name].value) for name in ("subjects", "entities", "objects")]
        return (*numbers, len(by_class), iris, dict(by_property))

    terms = {row["g"].value: row for row in rows["terms"]}
    counts = {g.iri: counted(terms[g.iri], classes[g.iri], properties[g.iri]) for g in graphs}
    [union] = rows["union terms"]
    counts[""] = counted(union, union_classes, union_properties)
    return counts


# -- timing -----------------------------------------------------------------------------


def timed(function: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall time and CPU time of ``runs`` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", default="100k", help="synthetic size: 100k, 1m…")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each step (median)")
    parser.add_argument("--out-dir", type=Path, default=HERE / "out")
    args = parser.parse_args()

    data = ensure_data(args.triples, args.out_dir)
    graphs, plans = build_graphs(data)
    by_iri = {graph.iri: graph for graph in graphs}
    plan_triples = sum(by_iri[plan.graph_iri].triple_count for plan in plans)
    context = bundled_contexts().current(BASE)
    store = downloads.memory_store(graphs)
    tables = dict(downloads.ActionTable.every(store, plans))  # warm the caches of each path
    frames.plan_document(by_iri[plans[0].graph_iri].ntriples, plans[0].plan_iri, context)
    rows: list[tuple[str, float, float | None, bool]] = []  # step, old, new (CPU), per plan

    def compare(step: str, old: Callable[[], Any], new: Callable[[], Any] | None, per_plan: bool):
        old_wall, old_cpu, old_result = timed(old, args.runs)
        new_wall, new_cpu, new_result = timed(new, args.runs) if new else (0.0, None, None)
        if new is not None and old_result != new_result:
            raise SystemExit(f"{step}: the new path does not give what the old one gave")
        rows.append((step, old_cpu, new_cpu, per_plan))
        line = f"  {step:26s} {old_wall:8.2f} s {old_cpu:8.2f} s"
        if new_cpu is not None:
            line += f"  {new_wall:8.2f} s {new_cpu:8.2f} s   {new_cpu / old_cpu:6.3f}"
        print(line, flush=True)

    print(
        f"{len(plans)} plans, {plan_triples:,} plan triples, "
        f"{sum(g.triple_count for g in graphs):,} triples in the store; "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
        f"median of {args.runs}\n  {'':26s} {'old: wall':>10s} {'CPU':>10s}  {'new: wall':>10s} "
        f"{'CPU':>10s}   CPU ratio"
    )
    compare(
        "in-memory store",
        lambda: len(old_memory_store(graphs)),
        lambda: len(downloads.memory_store(graphs)),
        False,
    )
    compare(
        "VoID (store: not used)",
        lambda: python_counts(graphs),
        lambda: store_counts(store, graphs),
        False,
    )
    compare(
        "dump (gzipped N-Quads)",
        lambda: old_gzipped_nquads(graphs),
        lambda: downloads.gzipped_nquads(graphs),
        False,
    )
    compare(
        "JSON-LD",
        lambda: [old_jsonld(by_iri[p.graph_iri], p, context) for p in plans],
        lambda: [downloads.plan_jsonld(by_iri[p.graph_iri], p, context).content for p in plans],
        True,
    )
    compare(
        "CSV table (queries)",
        lambda: [downloads.ActionTable.of(store, p).rows for p in plans],
        lambda: [table.rows for _, table in downloads.ActionTable.every(store, plans)],
        True,
    )
    compare(
        "XLSX",
        lambda: [old_workbook(tables[p], "2026-01-01") for p in plans],
        lambda: [downloads.plan_workbook(tables[p], "2026-01-01").content for p in plans],
        True,
    )
    compare(
        "plan N-Quads (gzipped)",
        lambda: [old_gzipped_nquads([by_iri[p.graph_iri]]) for p in plans],
        lambda: [downloads.plan_nquads(by_iri[p.graph_iri], p).content for p in plans],
        True,
    )
    compare(
        "Turtle (unchanged)", lambda: [downloads.plan_turtle(store, p) for p in plans], None, True
    )
    compare(
        "CSV text (unchanged)", lambda: [downloads.plan_csv(tables[p]) for p in plans], None, True
    )

    print(f"(load average at the end: {os.getloadavg()[0]:.1f}); per-plan files, CPU time:")
    old_plan = sum(old for _, old, _, per_plan in rows if per_plan)
    new_plan = sum(new if new is not None else old for _, old, new, per_plan in rows if per_plan)
    count, thousands = len(plans), plan_triples / 1000
    print(
        f"per-plan files: old {old_plan:.2f} s, new {new_plan:.2f} s "
        f"(ratio {new_plan / old_plan:.3f}); "
        f"per plan {old_plan / count * 1000:.1f} ms → {new_plan / count * 1000:.1f} ms "
        f"({plan_triples / count:,.0f} triples a plan); per 1,000 triples "
        f"{old_plan / thousands * 1000:.1f} ms → {new_plan / thousands * 1000:.1f} ms"
    )
    print(
        f"for {NATIONAL:,} plans of this size: old {old_plan / count * NATIONAL:.0f} s, "
        f"new {new_plan / count * NATIONAL:.0f} s; peak RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
