"""Benchmark of lodplan's choices against an rdflib baseline, on synthetic plans.

For each size (synthetic data from ``benchmarks/generate.py``) it measures:

* load: lodplan's ``EmbeddedPublisher.publish`` (pyoxigraph/RocksDB bulk load,
  flush, optimize, atomic swap) vs ``rdflib.Dataset().parse(format="nquads")``;
* query latency (median of N runs) of five journalist queries, on the store
  lodplan serves (pyoxigraph, union default graph) vs rdflib's SPARQL engine on
  the Dataset with ``default_union=True``; rdflib runs have a time budget;
* SHACL: ``lodplan.validation.Validator`` on each plan graph, as ``lodplan
  build`` does, vs one pyshacl run over the whole dataset as a single graph;
* memory: the RSS high-water mark of every phase, above the RSS at its start.

Each engine runs in its own fresh worker process (``--worker``), so that one
engine's heap does not inflate the other's memory figures; all workers of a
size run one after the other, in the same invocation, on the same data. The
script reports figures; it asserts nothing about them.

    python benchmarks/run.py                      # 10k and 100k
    python benchmarks/run.py --sizes 10k,100k,1m
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = HERE / "out"
SHAPES_FILE = ROOT / "shapes" / "lodplan-shapes.ttl"
BASE = "http://localhost:8080/"
# one clock for the parent and its workers (progress lines show seconds since the start)
STARTED = float(os.environ.setdefault("LODPLAN_BENCH_T0", str(time.time())))

PREFIXES = """\
PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX country: <http://publications.europa.eu/resource/authority/country/>
"""

# Questions a journalist asks of the whole dataset (all plans).
QUERIES: dict[str, tuple[str, str]] = {
    "Q1": (
        "actions per plan",
        """SELECT ?plan ?title (COUNT(?action) AS ?actions) WHERE {
  ?action a lodplan:Action ; lodplan:inPlan ?plan .
  ?plan dcterms:title ?title .
} GROUP BY ?plan ?title ORDER BY DESC(?actions) ?plan""",
    ),
    "Q2": (
        "actions concerning Germany",
        """SELECT ?title ?action ?label WHERE {
  ?action a lodplan:Action ; lodplan:territory country:DEU ;
          rdfs:label ?label ; lodplan:inPlan ?plan .
  ?plan dcterms:title ?title .
} ORDER BY ?title ?action""",
    ),
    "Q3": (
        "actors in the most actions (top 20)",
        """SELECT ?actor ?name (COUNT(DISTINCT ?action) AS ?actions) WHERE {
  ?action a lodplan:Action ; lodplan:involves ?actor .
  ?actor rdfs:label ?name .
} GROUP BY ?actor ?name ORDER BY DESC(?actions) ?actor LIMIT 20""",
    ),
    "Q4": (
        "actions dated in 2027, by date",
        """SELECT ?action ?label ?start ?text ?status WHERE {
  ?action a lodplan:Action ; rdfs:label ?label ; lodplan:date ?date .
  ?date lodplan:startDate ?start ; lodplan:endDate ?end ; lodplan:dateText ?text .
  FILTER(?start <= "2027-12-31"^^xsd:date && ?end >= "2027-01-01"^^xsd:date)
  OPTIONAL { ?action lodplan:status ?status }
} ORDER BY ?start ?action""",
    ),
    "Q5": (
        'labels containing "mobilit"',
        """SELECT ?title ?element ?label WHERE {
  ?element lodplan:inPlan ?plan ; rdfs:label ?label .
  FILTER(CONTAINS(LCASE(?label), "mobilit"))
  ?plan dcterms:title ?title .
} ORDER BY ?title ?element""",
    ),
}

MEMORY_METHOD = (
    "Memory: peak RSS (VmHWM of /proc/self/status) during a phase minus the RSS at its start; "
    "the high-water mark is reset before each phase by writing 5 to /proc/self/clear_refs. "
    "RSS sees every allocation, including pyoxigraph's Rust/RocksDB memory that tracemalloc "
    "cannot see, but not pages of the on-disk store held only in the OS page cache. "
    "'kept' is the RSS still held when the phase ends (e.g. the loaded dataset). "
    "Each engine runs in a fresh worker process."
)


def progress(message: str) -> None:
    print(f"[{time.time() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


# --- memory -----------------------------------------------------------------------------


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


@contextmanager
def phase(results: dict, name: str):
    """Time a phase and measure its RSS high-water mark above the RSS at its start."""
    resettable = _reset_peak()
    rss_before = _status_kib("VmRSS") or 0
    started = time.perf_counter()
    record: dict = {}
    try:
        yield record
    finally:
        record["seconds"] = time.perf_counter() - started
        if resettable:
            peak = _status_kib("VmHWM") or 0
        else:  # no /proc: the lifetime peak, which is only an upper bound
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rss_after = _status_kib("VmRSS") or 0
        record["peak_mib"] = max(0, peak - rss_before) / 1024
        record["kept_mib"] = max(0, rss_after - rss_before) / 1024
        record["peak_exact"] = resettable
        results[name] = record


# --- data preparation -------------------------------------------------------------------


def split_nquads(path: Path) -> dict[str, list[str]]:
    """Group the N-Quads of ``path`` by graph, as sorted N-Triples lines (what lodplan builds)."""
    graphs: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            triple, graph, _ = line.rstrip("\n").rsplit(" ", 2)
            graphs[graph[1:-1]].append(triple + " .")
    for lines in graphs.values():
        lines.sort()
    return graphs


def plan_graphs(graphs: dict[str, list[str]]) -> dict[str, list[str]]:
    return {iri: lines for iri, lines in graphs.items() if "/graph/plan/" in iri}


# --- workers (each in its own process) --------------------------------------------------


def worker_oxigraph(args) -> dict:
    from pyoxigraph import RdfFormat, Store

    from lodplan.store.base import NamedGraph
    from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore

    results: dict = {"phases": {}, "queries": {}}
    phases = results["phases"]
    with phase(phases, "prepare") as record:
        graphs = split_nquads(args.data)
        named = [
            NamedGraph(iri, ("\n".join(lines) + "\n").encode(), len(lines))
            for iri, lines in sorted(graphs.items())
        ]
        del graphs
        record["graphs"] = len(named)
    progress(f"oxigraph: {len(named)} graphs prepared; publishing (EmbeddedPublisher)")
    scratch = Path(tempfile.mkdtemp(prefix="lodplan-bench-store-", dir=args.scratch))
    try:
        with _timed_store_calls() as spent, phase(phases, "load") as record:
            info = EmbeddedPublisher(scratch).publish(named, base_iri=BASE, build_id="benchmark")
        record["triples"] = info.triple_count
        record["calls"] = dict(spent)
        record["disk_mib"] = _disk_usage(scratch) / 2**20
        del named
        progress(f"oxigraph: published {info.triple_count} triples in {record['seconds']:.2f} s")
        with phase(phases, "open") as record:
            store = EmbeddedStore(scratch).raw()
        with phase(phases, "queries"):
            for key, (_, text) in QUERIES.items():
                query = PREFIXES + text
                times, rows = [], 0
                for _ in range(args.runs):
                    started = time.perf_counter()
                    rows = sum(1 for _ in store.query(query, use_default_graph_as_union=True))
                    times.append(time.perf_counter() - started)
                results["queries"][key] = {
                    "median": statistics.median(times),
                    "runs": len(times),
                    "rows": rows,
                }
                progress(f"oxigraph: {key} {statistics.median(times) * 1000:.1f} ms, {rows} rows")
        del store
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    # pyoxigraph on disk, one bulk_load of the whole N-Quads file (not what lodplan does)
    scratch = Path(tempfile.mkdtemp(prefix="lodplan-bench-store-", dir=args.scratch))
    try:
        with phase(phases, "load_disk_nquads") as record:
            disk_store = Store(str(scratch / "data"))
            disk_store.bulk_load(path=str(args.data), format=RdfFormat.N_QUADS)
            disk_store.flush()
            disk_store.optimize()
            del disk_store
        record["disk_mib"] = _disk_usage(scratch) / 2**20
        progress(f"oxigraph: on-disk single bulk_load {record['seconds']:.2f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    # pyoxigraph in memory, straight from the N-Quads file (not what lodplan does; for scale)
    with phase(phases, "load_memory") as record:
        memory_store = Store()
        memory_store.bulk_load(path=str(args.data), format=RdfFormat.N_QUADS)
    record["triples"] = len(memory_store)
    progress(f"oxigraph: in-memory bulk_load {record['seconds']:.2f} s")
    return results


@contextmanager
def _timed_store_calls():
    """Time the pyoxigraph calls EmbeddedPublisher makes (bulk_load, flush, optimize).

    ``lodplan.store.embedded`` looks ``Store`` up in its module namespace; a thin
    wrapper there adds the time of each call to the returned dict.
    """
    from lodplan.store import embedded

    spent: dict[str, float] = defaultdict(float)
    real_store = embedded.Store

    class TimedStore:
        def __init__(self, *args, **kwargs) -> None:
            self._store = real_store(*args, **kwargs)

        def __getattr__(self, name: str):
            attribute = getattr(self._store, name)
            if name not in ("bulk_load", "flush", "optimize"):
                return attribute

            def timed(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return attribute(*args, **kwargs)
                finally:
                    spent[name] += time.perf_counter() - started

            return timed

    embedded.Store = TimedStore
    try:
        yield spent
    finally:
        embedded.Store = real_store


class BudgetExceededError(Exception):
    pass


def _alarm(signum, frame):
    raise BudgetExceededError


def worker_rdflib(args) -> dict:
    from rdflib import Dataset

    results: dict = {"phases": {}, "queries": {}}
    progress("rdflib: parsing N-Quads into Dataset(default_union=True)")
    with phase(results["phases"], "load") as record:
        dataset = Dataset(default_union=True)
        dataset.parse(str(args.data), format="nquads")
    record["triples"] = sum(1 for _ in dataset.quads((None, None, None, None)))
    progress(f"rdflib: loaded {record['triples']} quads in {record['seconds']:.1f} s")
    skip = json.loads(args.skip_queries or "{}")
    signal.signal(signal.SIGALRM, _alarm)
    with phase(results["phases"], "queries"):
        for key, (_, text) in QUERIES.items():
            if key in skip:
                results["queries"][key] = {"skipped": skip[key]}
                progress(f"rdflib: {key} skipped ({skip[key]})")
                continue
            query = PREFIXES + text
            times, rows, spent = [], 0, 0.0
            for _ in range(args.runs):
                # repeat only while the next run fits in the budget for this query
                if times and spent + times[-1] > args.rdflib_budget:
                    break
                signal.setitimer(signal.ITIMER_REAL, args.rdflib_timeout)
                started = time.perf_counter()
                try:
                    rows = len(list(dataset.query(query)))
                except BudgetExceededError:
                    results["queries"][key] = {"stopped_after": args.rdflib_timeout}
                    progress(f"rdflib: {key} stopped after {args.rdflib_timeout:.0f} s")
                    break
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                times.append(time.perf_counter() - started)
                spent += times[-1]
            if times:
                results["queries"][key] = {
                    "median": statistics.median(times),
                    "runs": len(times),
                    "rows": rows,
                }
                progress(
                    f"rdflib: {key} {statistics.median(times) * 1000:.1f} ms "
                    f"({len(times)} runs), {rows} rows"
                )
    return results


def cache_sparql_parsing() -> None:
    """Diagnostic, not lodplan's behaviour: parse each SPARQL text once per process.

    pyshacl runs a SPARQL-based constraint once per focus node, always with the
    same text (``$this`` is passed as an initial binding), and rdflib parses and
    translates that text again on every call. Caching the translated query
    shows what a prepared-query cache (in pyshacl, or installed by
    ``lodplan.validation``) would save.
    """
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    original = processor.SPARQLProcessor.query
    cache: dict = {}

    def query(self, str_or_query, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(str_or_query, str):
            key = (str_or_query, base, tuple(sorted((initNs or {}).items())))
            if key not in cache:
                cache[key] = translateQuery(parseQuery(str_or_query), base, initNs)
            str_or_query = cache[key]
        return original(self, str_or_query, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query


def _validator(args):
    from lodplan.codelists import bundled_vocabulary
    from lodplan.validation import Validator

    if args.cached:
        cache_sparql_parsing()
    validator = Validator(bundled_vocabulary())
    _ = validator.shapes, validator.vocabulary_graph  # parsed once per build, not timed
    return validator


def worker_shacl_lodplan(args) -> dict:
    """lodplan's Validator on each plan graph in turn, within a time budget."""
    from rdflib import Graph

    results: dict = {"phases": {}, "per_plan": []}
    name = "shacl-lodplan" + ("-cached" if args.cached else "")
    validator = _validator(args)
    plans = plan_graphs(split_nquads(args.data))
    results["plans_total"] = len(plans)
    results["triples_total"] = sum(len(lines) for lines in plans.values())
    progress(
        f"{name}: {len(plans)} plan graphs; validating each (budget {args.shacl_budget:.0f} s)"
    )
    findings = violations = failing = 0
    parse_seconds = validate_seconds = 0.0
    last_report = time.perf_counter()
    first_report = None
    with phase(results["phases"], "validate") as record:
        for number, (iri, lines) in enumerate(plans.items(), start=1):
            started = time.perf_counter()
            graph = Graph()  # the build has this graph already: parsing is not validation
            graph.parse(data="\n".join(lines), format="nt")
            parsed = time.perf_counter()
            plan_id = iri.rsplit("/", 1)[-1]
            report = validator.validate(plan_id, graph, Path(f"{plan_id}.txt"))
            took = time.perf_counter() - parsed
            parse_seconds += parsed - started
            validate_seconds += took
            results["per_plan"].append((len(graph), took))
            findings += len(report.findings)
            violations += sum(1 for f in report.findings if f.severity == "violation")
            failing += 0 if report.conforms else 1
            if first_report is None and report.findings:
                first_report = "\n".join(report.render().splitlines()[:12])
            now = time.perf_counter()
            if now - last_report > 30 or number == len(plans):
                progress(
                    f"{name}: {number}/{len(plans)} plans validated ({validate_seconds:.0f} s)"
                )
                last_report = now
            if validate_seconds > args.shacl_budget and number < len(plans):
                progress(f"{name}: budget spent after {number}/{len(plans)} plans")
                break
        record.update(
            findings=findings,
            violations=violations,
            failing_plans=failing,
            plans=len(results["per_plan"]),
            triples=sum(n for n, _ in results["per_plan"]),
        )
    record["validate_seconds"] = validate_seconds
    record["parse_seconds"] = parse_seconds
    if first_report:
        progress(f"{name}: first report with findings (first lines):\n{first_report}")
    return results


def worker_shacl_baseline(args) -> dict:
    """One run of lodplan's pyshacl invocation over the whole dataset as a single graph.

    ``Validator.validate`` is called once with every triple of the dataset (all
    plans and the actors): the same shapes, vocabulary and pyshacl options as the
    per-plan runs; only the unit of validation differs. The parent stops it after
    ``--shacl-timeout``.
    """
    from rdflib import Graph

    results: dict = {"phases": {}}
    name = "shacl-baseline" + ("-cached" if args.cached else "")
    validator = _validator(args)
    with phase(results["phases"], "parse") as record:
        graph = Graph()
        with args.data.open(encoding="utf-8") as stream:
            text = "".join(line.rstrip("\n").rsplit(" ", 2)[0] + " .\n" for line in stream)
        graph.parse(data=text, format="nt")
        del text
    record["triples"] = len(graph)
    progress(f"{name}: {len(graph)} triples parsed in {record['seconds']:.1f} s; one pyshacl run")
    with phase(results["phases"], "validate") as record:
        report = validator.validate("whole-dataset", graph, Path("whole-dataset.nq"))
    record["findings"] = len(report.findings)
    record["violations"] = sum(1 for f in report.findings if f.severity == "violation")
    record["conforms"] = report.conforms
    progress(f"{name}: validated in {record['seconds']:.1f} s")
    return results


WORKERS = {
    "oxigraph": worker_oxigraph,
    "rdflib": worker_rdflib,
    "shacl-lodplan": worker_shacl_lodplan,
    "shacl-baseline": worker_shacl_baseline,
}


def _disk_usage(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


# --- orchestration ----------------------------------------------------------------------


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def run_worker(
    name: str, data: Path, args, extra: list[str] | None = None, timeout: float | None = None
) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False, dir=args.out_dir) as handle:
        result_file = Path(handle.name)
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        name,
        "--data",
        str(data),
        "--result",
        str(result_file),
        "--runs",
        str(args.runs),
        "--scratch",
        str(args.out_dir),
        "--rdflib-budget",
        str(args.rdflib_budget),
        "--rdflib-timeout",
        str(args.rdflib_timeout),
        "--shacl-budget",
        str(args.shacl_budget),
        *(extra or []),
    ]
    started = time.perf_counter()
    try:
        completed = subprocess.run(command, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:  # subprocess.run has killed the worker
        progress(f"worker {name} stopped after {timeout:.0f} s")
        result_file.unlink(missing_ok=True)
        return {"stopped_after": timeout}
    try:
        if completed.returncode != 0:
            progress(f"worker {name} failed with exit code {completed.returncode}")
            return None
        result = json.loads(result_file.read_text())
        result["wall_seconds"] = time.perf_counter() - started
        return result
    finally:
        result_file.unlink(missing_ok=True)


def ensure_data(label: str, args) -> Path:
    data = args.out_dir / f"plans-{label}.nq"
    if not data.exists():
        progress(f"generating {data}")
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--triples", label, "--out", str(data)],
            check=True,
        )
    return data


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def previous_result(label: str, results_by_size: dict, out_dir: Path) -> dict | None:
    if label in results_by_size:
        return results_by_size[label]
    saved = out_dir / f"results-{label}.json"
    if saved.exists():
        return json.loads(saved.read_text())
    return None


def benchmark_size(label: str, args, results_by_size: dict) -> dict:
    data = ensure_data(label, args)
    stats_file = data.with_suffix(".json")
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    progress(
        f"=== {label}: {data} ({stats.get('triples', '?')} triples, "
        f"{stats.get('plans', '?')} plans)"
    )
    result: dict = {"label": label, "data": str(data), "stats": stats}
    result["loadavg_start"] = _loadavg()
    result["oxigraph"] = run_worker("oxigraph", data, args)
    skip: dict[str, str] = {}
    if parse_size(label) >= 1_000_000:
        earlier = _get(previous_result("100k", results_by_size, args.out_dir), "rdflib")
        for key, query in ((earlier or {}).get("queries") or {}).items():
            took = query.get("median", query.get("stopped_after", 0))
            if took > args.skip_over:
                skip[key] = f"took {took:.0f} s at 100k (> {args.skip_over:.0f} s)"
    result["rdflib"] = run_worker("rdflib", data, args, ["--skip-queries", json.dumps(skip)])
    if args.no_shacl:
        result["shacl_note"] = "not run (--no-shacl)"
    elif not SHAPES_FILE.exists():
        result["shacl_note"] = f"not run: {SHAPES_FILE.relative_to(ROOT)} does not exist yet"
        progress(result["shacl_note"])
    else:
        earlier = None
        if parse_size(label) >= 1_000_000:
            earlier = previous_result("100k", results_by_size, args.out_dir)
        for cached in (False, True) if args.cached_sparql else (False,):
            suffix = "_cached" if cached else ""
            flags = ["--cached"] if cached else []
            result["shacl_lodplan" + suffix] = run_worker("shacl-lodplan", data, args, flags)
            before = _get(earlier, "shacl_baseline" + suffix)
            if before and ("stopped_after" in before or "skipped" in before):
                result["shacl_baseline" + suffix] = {
                    "skipped": "stopped or skipped at 100k"
                    if "skipped" in before
                    else f"stopped after {before['stopped_after']:.0f} s at 100k"
                }
                continue
            result["shacl_baseline" + suffix] = run_worker(
                "shacl-baseline", data, args, flags, timeout=args.shacl_timeout
            )
    result["loadavg_end"] = _loadavg()
    (args.out_dir / f"results-{label}.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


# --- reporting --------------------------------------------------------------------------


def ratio(value: float | None, baseline: float | None) -> str:
    """``value / baseline``, with "1/N" added when lodplan's figure is at least twice smaller."""
    if value is None or not baseline:
        return "—"
    r = value / baseline
    if r >= 1 or value <= 0:
        return f"{r:.2f}×"
    inverse = baseline / value
    return f"{r:.3f}× (1/{inverse:.0f})" if inverse >= 1.95 else f"{r:.2f}×"


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def mib(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} MiB"


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in rows
    ]
    return "\n".join([line, rule, *body])


def _get(result: dict | None, *keys):
    for key in keys:
        if not isinstance(result, dict) or key not in result:
            return None
        result = result[key]
    return result


def report(result: dict) -> str:
    stats = result["stats"]
    ox, rd = result.get("oxigraph"), result.get("rdflib")
    parts = [
        f"## {result['label']}: {stats.get('triples', '?')} triples, {stats.get('plans', '?')} "
        f"plans ({stats.get('elements', '?')} elements, {stats.get('actions', '?')} actions), "
        f"{stats.get('actors', '?')} actors",
        "",
        f"Load average (1, 5, 15 min) at start {result.get('loadavg_start')}, "
        f"at end {result.get('loadavg_end')} (2 CPUs; other processes were not excluded).",
        "",
        "### Load",
        "",
    ]
    rd_load = _get(rd, "phases", "load")
    rows = []
    for name, rec in (
        (
            "lodplan: EmbeddedPublisher.publish (pyoxigraph, RocksDB on disk)",
            _get(ox, "phases", "load"),
        ),
        (
            "pyoxigraph on disk, one bulk_load of the N-Quads + optimize (for reference)",
            _get(ox, "phases", "load_disk_nquads"),
        ),
        ("pyoxigraph in-memory Store.bulk_load (for reference)", _get(ox, "phases", "load_memory")),
        ("baseline: rdflib Dataset.parse(nquads)", rd_load),
    ):
        rows.append(
            [
                name,
                seconds(_get(rec, "seconds")),
                ratio(_get(rec, "seconds"), _get(rd_load, "seconds")),
                mib(_get(rec, "peak_mib")),
                ratio(_get(rec, "peak_mib"), _get(rd_load, "peak_mib")),
                mib(_get(rec, "kept_mib")),
                ratio(_get(rec, "kept_mib"), _get(rd_load, "kept_mib")),
            ]
        )
    parts.append(
        table(
            ["engine", "time", "× rdflib", "peak RSS Δ", "× rdflib", "kept RSS", "× rdflib"], rows
        )
    )
    prep = _get(ox, "phases", "prepare", "seconds")
    disk = _get(ox, "phases", "load", "disk_mib")
    calls = _get(ox, "phases", "load", "calls") or {}
    breakdown = ", ".join(f"{name} {seconds(value)}" for name, value in sorted(calls.items()))
    parts += [
        "",
        f"lodplan store on disk: {mib(disk)}; inside EmbeddedPublisher.publish: {breakdown} "
        f"(one bulk_load per named graph). Splitting the N-Quads into sorted per-graph "
        f"N-Triples (what the build hands to the publisher, not timed above): {seconds(prep)}.",
        "",
        "### Query latency (median)",
        "",
    ]
    rows = []
    for key, (title, _) in QUERIES.items():
        oq, rq = _get(ox, "queries", key) or {}, _get(rd, "queries", key) or {}
        if "median" in rq:
            baseline = f"{seconds(rq['median'])} ({rq['runs']} run{'s' * (rq['runs'] > 1)})"
        elif "skipped" in rq:
            baseline = f"skipped ({rq['skipped']})"
        elif "stopped_after" in rq:
            baseline = f"> {rq['stopped_after']:.0f} s (stopped)"
        else:
            baseline = "—"
        rows_note = str(oq.get("rows", "—"))
        if "rows" in rq and rq["rows"] != oq.get("rows"):
            rows_note += f" (rdflib: {rq['rows']})"
        rows.append(
            [
                f"{key} {title}",
                f"{seconds(oq.get('median'))} ({oq.get('runs', 0)} runs)",
                baseline,
                ratio(oq.get("median"), rq.get("median")),
                rows_note,
            ]
        )
    parts.append(
        table(["query", "lodplan (pyoxigraph)", "baseline (rdflib)", "× rdflib", "rows"], rows)
    )
    q_ox, q_rd = _get(ox, "phases", "queries"), _get(rd, "phases", "queries")
    parts += [
        "",
        f"Query phase memory: lodplan peak RSS Δ {mib(_get(q_ox, 'peak_mib'))}, "
        f"rdflib {mib(_get(q_rd, 'peak_mib'))} "
        f"({ratio(_get(q_ox, 'peak_mib'), _get(q_rd, 'peak_mib'))}).",
    ]
    parts += ["", "### SHACL validation", ""]
    if "shacl_note" in result:
        parts.append(result["shacl_note"])
    else:
        parts.append(shacl_report(result))
    return "\n".join(parts)


def _whole_seconds(record: dict | None) -> tuple[float | None, str]:
    """Seconds of a whole-dataset validation, or a lower bound, and how to print it."""
    if not record:
        return None, "—"
    if "skipped" in record:
        return None, f"skipped ({record['skipped']})"
    if "stopped_after" in record:
        bound = record["stopped_after"]
        return bound, f"> {bound:.0f} s (stopped; includes parsing)"
    value = _get(record, "phases", "validate", "seconds")
    return value, seconds(value)


def shacl_report(result: dict) -> str:
    base_record = result.get("shacl_baseline")
    base_seconds, _ = _whole_seconds(base_record)
    base_stopped = bool(base_record and "stopped_after" in base_record)
    base_peak = _get(base_record, "phases", "validate", "peak_mib")

    def vs_base(value: float | None) -> str:
        if value is None or not base_seconds:
            return "—"
        if base_stopped:  # the baseline took longer than its bound: the ratio is below
            return f"< {value / base_seconds:.3f}×"
        return ratio(value, base_seconds)

    rows, notes = [], []
    variants = [("", "pyshacl as is")]
    if "shacl_lodplan_cached" in result:
        variants.append(("_cached", "SPARQL parse cached*"))
    for suffix, how in variants:
        per_plan = result.get("shacl_lodplan" + suffix)
        record = _get(per_plan, "phases", "validate")
        samples = _get(per_plan, "per_plan") or []
        total_plans = _get(per_plan, "plans_total")
        if record and samples:
            measured = sum(t for _, t in samples)
            fixed, per_triple = _linear_fit([n for n, _ in samples], [t for _, t in samples])
            complete = len(samples) == total_plans
            if complete:
                shown = seconds(measured)
                ratio_text = vs_base(measured)
            else:
                projected = fixed * total_plans + per_triple * per_plan["triples_total"]
                shown = (
                    f"{seconds(measured)} for {len(samples)}/{total_plans} plans "
                    f"(budget); projected all: {seconds(projected)}"
                )
                ratio_text = f"{vs_base(projected)} (projected)"
            rows.append(
                [
                    f"lodplan: Validator per plan ({how})",
                    shown,
                    ratio_text,
                    mib(record.get("peak_mib")),
                    ratio(record.get("peak_mib"), base_peak),
                    f"{record.get('findings')} ({record.get('violations')} violations, "
                    f"{record.get('failing_plans')} failing plans)",
                ]
            )
            sizes = [n for n, _ in samples]
            times = [t for _, t in samples]
            notes.append(
                f"per plan ({how}): {len(samples)} plans of {min(sizes)}–{max(sizes)} triples "
                f"(median {statistics.median(sizes):.0f}), "
                f"median {seconds(statistics.median(times))}, max {seconds(max(times))}; "
                f"{sum(times) / sum(sizes) * 1e3:.2f} ms per triple; "
                f"least-squares fit {seconds(fixed)} per plan + {per_triple * 1e3:.2f} ms per "
                f"triple; parsing the N-Triples into rdflib (not counted) "
                f"{seconds(record.get('parse_seconds'))}."
            )
        elif per_plan is None:
            rows.append(
                [f"lodplan: Validator per plan ({how})", "worker failed", "—", "—", "—", "—"]
            )
        whole = result.get("shacl_baseline" + suffix)
        value, shown = _whole_seconds(whole)
        wrec = _get(whole, "phases", "validate") or {}
        label = (
            "baseline: one pyshacl run, whole dataset"
            if not suffix
            else ("one pyshacl run, whole dataset (SPARQL parse cached*)")
        )
        findings = (
            f"{wrec['findings']} ({wrec['violations']} violations)" if "findings" in wrec else "—"
        )
        if not suffix:
            whole_ratio = "1×"
        elif whole and "stopped_after" in whole:
            whole_ratio = "—"
        else:
            whole_ratio = vs_base(value)
        rows.append(
            [
                label,
                shown,
                whole_ratio,
                mib(wrec.get("peak_mib")),
                ratio(wrec.get("peak_mib"), base_peak),
                findings,
            ]
        )
        if whole and "phases" in whole:
            parse_time = seconds(_get(whole, "phases", "parse", "seconds"))
            notes.append(f"whole dataset ({how}): parsing {parse_time} (not counted).")
    text = table(["validation", "time", "× baseline", "peak RSS Δ", "× baseline", "findings"], rows)
    footnote = (
        "\\* diagnostic, not lodplan's behaviour: rdflib parses the text of a SPARQL-based "
        "constraint again for every focus node; this variant caches the parsed query in the "
        "worker process."
    )
    lines = [text, "", *[f"- {n}" for n in notes]]
    return "\n".join([*lines, "", footnote] if len(variants) > 1 else lines)


def _linear_fit(xs: list[int], ys: list[float]) -> tuple[float, float]:
    if len(xs) < 2 or len(set(xs)) < 2:
        return (statistics.mean(ys), 0.0)
    slope, intercept = statistics.linear_regression(xs, ys)
    return intercept, slope


def summary(results: list[dict]) -> str:
    """One table across sizes: the headline figures, lodplan vs the rdflib baseline."""
    header = ["figure"] + [r["label"] for r in results]
    rows = []

    def row(name: str, lodplan, baseline) -> None:
        cells = []
        for r in results:
            value, base = lodplan(r), baseline(r)
            if value is None:
                cells.append("—")
            elif base is None:
                cells.append(seconds(value))
            else:
                cells.append(f"{seconds(value)} vs {seconds(base)} ({ratio(value, base)})")
        rows.append([name, *cells])

    rows.append(
        [
            "triples / plans",
            *(f"{r['stats'].get('triples')} / {r['stats'].get('plans')}" for r in results),
        ]
    )
    row(
        "load: EmbeddedPublisher vs rdflib",
        lambda r: _get(r, "oxigraph", "phases", "load", "seconds"),
        lambda r: _get(r, "rdflib", "phases", "load", "seconds"),
    )
    for key in QUERIES:
        row(
            f"{key}: pyoxigraph vs rdflib",
            lambda r, k=key: _get(r, "oxigraph", "queries", k, "median"),
            lambda r, k=key: _get(r, "rdflib", "queries", k, "median"),
        )
    row(
        "SHACL: per plan vs whole dataset",
        lambda r: _get(r, "shacl_lodplan", "phases", "validate", "validate_seconds"),
        lambda r: _get(r, "shacl_baseline", "phases", "validate", "seconds"),
    )
    memory = []
    for r in results:
        ox = _get(r, "oxigraph", "phases", "load", "kept_mib")
        rd = _get(r, "rdflib", "phases", "load", "kept_mib")
        memory.append(f"{mib(ox)} vs {mib(rd)} ({ratio(ox, rd)})" if ox is not None else "—")
    rows.append(["RSS kept after load: lodplan vs rdflib", *memory])
    return table(header, rows)


def machine() -> str:
    import pyoxigraph
    import pyshacl
    import rdflib

    mem = "?"
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            mem = f"{int(meminfo.readline().split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="ascii") as cpuinfo:
            cpu = next(
                line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    shapes = "absent"
    if SHAPES_FILE.exists():
        data = SHAPES_FILE.read_bytes()
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(SHAPES_FILE.stat().st_mtime))
        shapes = (
            f"{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:12]}, "
            f"modified {stamp} UTC, {data.count(b'sh:select')} SPARQL-based constraints"
        )
    return (
        f"Machine: {os.cpu_count()} CPUs ({cpu}), {mem} RAM, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, rdflib {rdflib.__version__}, "
        f"pyoxigraph {pyoxigraph.__version__}, pyshacl {pyshacl.__version__}\n\n"
        f"Shapes: shapes/lodplan-shapes.ttl ({shapes})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k,100k,1m")
    parser.add_argument("--runs", type=int, default=5, help="runs per query (median)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--rdflib-budget",
        type=float,
        default=60.0,
        help="seconds per rdflib query: no repeat beyond it",
    )
    parser.add_argument(
        "--rdflib-timeout",
        type=float,
        default=180.0,
        help="an rdflib query run is stopped after this many seconds",
    )
    parser.add_argument(
        "--skip-over",
        type=float,
        default=20.0,
        help="at 1M, skip rdflib queries that took longer at 100k",
    )
    parser.add_argument(
        "--shacl-budget",
        type=float,
        default=600.0,
        help="per-plan validation stops after the plan that exceeds this many s",
    )
    parser.add_argument(
        "--shacl-timeout",
        type=float,
        default=600.0,
        help="a whole-dataset SHACL worker is stopped after this many seconds",
    )
    parser.add_argument("--no-shacl", action="store_true")
    parser.add_argument(
        "--cached-sparql",
        action="store_true",
        help="also validate with rdflib's SPARQL parsing cached (diagnostic variant)",
    )
    # worker mode (internal)
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--skip-queries", help=argparse.SUPPRESS)
    parser.add_argument("--cached", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="print the report of the saved out/results-<size>.json files, run nothing",
    )
    args = parser.parse_args(argv)

    if args.report_only:
        saved = [args.out_dir / f"results-{s.strip().lower()}.json" for s in args.sizes.split(",")]
        results = [json.loads(path.read_text()) for path in saved if path.exists()]
        for result in results:
            print(report(result) + "\n")
        print("## Summary\n\n" + summary(results))
        return 0

    if args.worker:
        result = WORKERS[args.worker](args)
        args.result.write_text(json.dumps(result))
        return 0

    args.out_dir.mkdir(parents=True, exist_ok=True)
    print("# lodplan benchmark\n")
    print(machine() + "\n")
    print(MEMORY_METHOD + "\n")
    results_by_size: dict[str, dict] = {}
    for label in [s.strip().lower() for s in args.sizes.split(",") if s.strip()]:
        results_by_size[label] = benchmark_size(label, args, results_by_size)
        print(report(results_by_size[label]) + "\n", flush=True)
    print("## Summary\n\n" + summary(list(results_by_size.values())))
    progress("done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
