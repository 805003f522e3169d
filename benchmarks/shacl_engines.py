"""SHACL engines on the same plans: time, memory, and whether they give the same results.

For each engine, in a fresh process (or N processes, as ``lodplan build`` validates
plans with ``LODPLAN_BUILD_WORKERS``):

* every named graph of an N-Quads file (``benchmarks/generate.py``: one graph per
  plan, and the actors) or of the bundled plans (``--bundled``: mapped with
  ``lodplan.build.check_plans``, with the shared actors and places graphs) is parsed
  into an rdflib graph — not timed, a build has the graph already — then validated
  as a build does, with the ontology and code lists: wall and CPU time of the
  validations, peak RSS (VmHWM, reset after parsing by writing 5 to
  /proc/self/clear_refs), a per-plan fit (fixed cost + cost per triple);
* the mutation corpus of ``tests/support/shacl_corpus.py`` (every constraint of the
  shapes broken in turn, the plans side by side in one graph) is validated once, and
  each mutation's results are compared with pyshacl's: focus node, path, constraint
  component, severity, shape (and value and messages where the engine reports them).

Engines: ``pyshacl-turbo`` (what lodplan uses), ``pyshacl`` (the reference, as
lodplan used it), ``pyshacl-subset`` (pyshacl given only the shapes whose targets
find focus nodes in the plan), ``pyrudof`` (rudof's native SHACL engine).
Timings on a shared machine vary: the load average is printed with each run.

    python benchmarks/generate.py --triples 1m --out benchmarks/out/plans-1m.nq
    python benchmarks/shacl_engines.py --data benchmarks/out/plans-1m.nq \\
        --engines pyshacl-turbo --workers 2
    python benchmarks/shacl_engines.py --data benchmarks/out/plans-100k.nq --budget 120
    python benchmarks/shacl_engines.py --bundled mappings --workers 1
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tests.support.shacl_corpus, as a script
    sys.path.insert(0, str(ROOT))

ENGINES = ("pyshacl-turbo", "pyshacl", "pyshacl-subset", "pyrudof")
OUT = ROOT / "benchmarks" / "out"
STARTED = time.time()


def progress(message: str) -> None:
    print(f"[{time.time() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the data ---------------------------------------------------------------------------


def read_graphs(path: Path) -> dict[str, str]:
    """Each named graph of an N-Quads file, as N-Triples text."""
    graphs: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            triple, graph, _ = line.rstrip("\n").rsplit(" ", 2)
            graphs[graph[1:-1]].append(triple + " .\n")
    return {iri: "".join(sorted(lines)) for iri, lines in graphs.items()}


def bundled_nquads(mappings: Path, out: Path) -> Path:
    """The plans of ``mappings`` mapped, with the shared actors and places, as N-Quads."""
    from lodplan.build import check_plans

    checked = check_plans(mappings, "http://localhost:8080/", keep_graphs=False)
    lines = []
    for iri, named in checked.plan_graphs.items():
        lines += [f"{t[:-2]} <{iri}> .\n" for t in named.ntriples.decode().splitlines()]
    for iri, graph in checked.extra_graphs.items():
        if iri.endswith(("/actors", "/places")):
            nt = graph.serialize(format="nt")
            lines += [f"{t[:-2]} <{iri}> .\n" for t in sorted(nt.splitlines()) if t.strip()]
    out.write_text("".join(lines), encoding="utf-8")
    return out


# --- the engines, in a worker process -----------------------------------------------------


class Rudof:
    """pyrudof's native SHACL validator, given the plan and the vocabulary as N-Triples."""

    def __init__(self, validator) -> None:
        import pyrudof

        self.pyrudof = pyrudof
        self.rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        self.rudof.read_shacl(
            validator.shapes.serialize(format="turtle"), pyrudof.ShaclFormat.Turtle
        )
        self.vocabulary = validator._vocabulary_ntriples
        self.version = pyrudof.__version__ if hasattr(pyrudof, "__version__") else "0.3.35"

    def results(self, ntriples: str) -> set[tuple]:
        self.rudof.reset_data()
        self.rudof.read_data(self.vocabulary + ntriples, self.pyrudof.RDFFormat.NTriples)
        found = set()
        for entry in self.rudof.validate_shacl():
            shape = str(entry.source_shape or "")
            found.add(
                (
                    f"<{entry.focus_node}>",
                    str(entry.constraint_component),
                    "http://www.w3.org/ns/shacl#" + str(entry.severity),
                    shape if shape.startswith("http") else "[blank]",
                )
            )
        return found


class SubsetPyshacl:
    """pyshacl given only the shapes whose targets find focus nodes in the plan: the
    shapes graph without the targets of the others (so the same results, by
    construction), one copy per set of shapes in use."""

    name = "pyshacl-subset"
    _TARGETS = ("targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf", "target")

    def __init__(self, validator) -> None:
        import pyshacl

        self.pyshacl = pyshacl
        self.validator = validator
        self.version = pyshacl.__version__
        self._subsets: dict[frozenset, object] = {}

    def _shapes(self, unused: frozenset):
        from rdflib import Graph
        from rdflib.namespace import SH

        if unused not in self._subsets:
            graph = Graph()
            targets = {SH[name] for name in self._TARGETS}
            for s, p, o in self.validator.shapes:
                if not (s in unused and p in targets):
                    graph.add((s, p, o))
            self._subsets[unused] = graph
        return self._subsets[unused]

    def report(self, plan, plan_ntriples):
        counts = self.validator._targets.counts(plan, plan_ntriples)
        unused = frozenset(node for node, found in counts.items() if not found)
        _, results, _ = self.pyshacl.validate(
            plan + self.validator.vocabulary_graph,
            shacl_graph=self._shapes(unused),
            inference="none",
            allow_warnings=True,
            advanced=True,
        )
        return results


def make_validator(engine: str):
    from lodplan.codelists import bundled_vocabulary
    from lodplan.validation import REFERENCE, TURBO, Validator

    validator = Validator(bundled_vocabulary(), engine=REFERENCE if engine != TURBO else TURBO)
    validator.prepare()
    if engine == "pyshacl-subset":
        validator.__dict__["_engine"] = SubsetPyshacl(validator)
    return validator


def reduced(signature) -> set[tuple]:
    """What every engine reports: focus, component, severity, shape (blank: unnamed)."""
    return {(s[0], s[2], s[3], s[4] if s[4].startswith("http") else "[blank]") for s in signature}


def corpus_signatures(engine: str, validator) -> tuple[list[str], list, float]:
    """Each mutation's results, from one validation of the whole corpus side by side."""
    from tests.support import shacl_corpus as corpus

    base = corpus.base_graph()
    mutations = corpus.mutations(validator.shapes, validator.vocabulary_graph, base)
    plans = [m.apply(base) for m in mutations]
    started = time.perf_counter()
    batched = corpus.batch(plans)
    if engine == "pyrudof":
        rudof = Rudof(validator)
        results = rudof.results(batched.serialize(format="nt"))
        seconds = time.perf_counter() - started
        per_mutation = []
        for number in range(len(mutations)):
            prefix = f"<{corpus.DATA}m{number}/"
            per_mutation.append(
                sorted(
                    ("<" + corpus.DATA + r[0][len(prefix) :], *r[1:])
                    for r in results
                    if r[0].startswith(prefix)
                )
            )
        return [m.id for m in mutations], per_mutation, seconds
    report = validator.validate("corpus", batched, Path("corpus.txt"))
    seconds = time.perf_counter() - started
    per_mutation = [
        sorted(
            json.loads(json.dumps(list(s), default=sorted))
            for s in corpus.signature(corpus.part_of_batch(report.graph, n), validator.shapes)
        )
        for n in range(len(mutations))
    ]
    return [m.id for m in mutations], per_mutation, seconds


def _validate_share(engine, graphs, barrier, queue) -> None:
    """One worker: parse its share of the graphs, wait for the others, validate them."""
    from rdflib import Graph

    validator = make_validator(engine)
    rudof = Rudof(validator) if engine == "pyrudof" else None
    parsed = [(iri, Graph().parse(data=text, format="nt"), text) for iri, text in graphs]
    barrier.wait()
    _reset_peak()
    rss_before = _status_kib("VmRSS")
    cpu, wall = time.process_time(), time.perf_counter()
    per_plan, results = [], 0
    for iri, graph, text in parsed:
        started, cpu_started = time.perf_counter(), time.process_time()
        if rudof is not None:
            results += len(rudof.results(text))
        else:
            report = validator.validate(iri.rsplit("/", 1)[-1], graph, Path("source.txt"), text)
            results += len(report.findings)
        per_plan.append(
            (len(graph), time.perf_counter() - started, time.process_time() - cpu_started)
        )
    queue.put(
        {
            "cpu_seconds": time.process_time() - cpu,
            "wall_seconds": time.perf_counter() - wall,
            "peak_rss_mib": _status_kib("VmHWM") / 1024,
            "peak_rss_delta_mib": max(0, _status_kib("VmHWM") - rss_before) / 1024,
            "per_plan": per_plan,
            "results": results,
        }
    )


def shares(graphs: dict[str, str], workers: int, budget_triples: int | None) -> list[list]:
    """The graphs dealt to the workers, largest first to the least loaded."""
    items = sorted(graphs.items(), key=lambda item: -item[1].count("\n"))
    if budget_triples is not None:  # a slow engine: the first plans in file order only
        chosen, total = [], 0
        for iri, text in graphs.items():
            if total >= budget_triples:
                break
            chosen.append((iri, text))
            total += text.count("\n")
        items = sorted(chosen, key=lambda item: -item[1].count("\n"))
    dealt: list[list] = [[] for _ in range(workers)]
    loads = [0] * workers
    for item in items:
        least = loads.index(min(loads))
        dealt[least].append(item)
        loads[least] += item[1].count("\n")
    return [share for share in dealt if share]


def worker(args) -> dict:
    """One engine: the plans (in ``args.workers`` processes), then the corpus."""
    graphs = read_graphs(args.data)
    dealt = shares(graphs, args.workers, args.max_triples)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(dealt) + 1)
    queue = context.Queue()
    processes = [
        context.Process(target=_validate_share, args=(args.engine, share, barrier, queue))
        for share in dealt
    ]
    for process in processes:
        process.start()
    barrier.wait()  # every worker has parsed its share
    started = time.perf_counter()
    parts = [queue.get() for _ in processes]
    wall = time.perf_counter() - started
    for process in processes:
        process.join()
    per_plan = [p for part in parts for p in part["per_plan"]]
    result = {
        "engine": args.engine,
        "workers": len(processes),
        "plans": len(per_plan),
        "plans_in_data": len(graphs),
        "triples": sum(p[0] for p in per_plan),
        "wall_seconds": wall,
        "cpu_seconds": sum(p["cpu_seconds"] for p in parts),
        "peak_rss_mib": max(p["peak_rss_mib"] for p in parts),
        "peak_rss_delta_mib": max(p["peak_rss_delta_mib"] for p in parts),
        "results": sum(p["results"] for p in parts),
        "per_plan": per_plan,
        "loadavg": _loadavg(),
    }
    if args.corpus:
        validator = make_validator(args.engine)
        result["version"] = (
            Rudof(validator).version if args.engine == "pyrudof" else validator._engine.version
        )
        ids, signatures, seconds = corpus_signatures(args.engine, validator)
        result["corpus"] = {"ids": ids, "signatures": signatures, "seconds": seconds}
    return result


# --- the parent: one fresh process per engine, then the tables ------------------------


def fit(per_plan: list, column: int = 2) -> tuple[float, float]:
    """Least squares: seconds = fixed + per_triple × triples (CPU seconds by default:
    on a shared machine, wall time also counts the other work's share of the cores)."""
    n = len(per_plan)
    if n < 2:
        return (per_plan[0][column] if per_plan else 0.0), 0.0
    xs, ys = [p[0] for p in per_plan], [p[column] for p in per_plan]
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    return my - slope * mx, slope


def agreement(result: dict, reference: dict | None) -> str:
    corpus = result.get("corpus")
    if corpus is None or reference is None or "corpus" not in reference:
        return "n/a"
    mine, theirs = corpus["signatures"], reference["corpus"]["signatures"]
    if result["engine"] == "pyrudof":
        theirs = [sorted(reduced(sig)) for sig in theirs]
        mine = [sorted(tuple(s) for s in sig) for sig in mine]
    else:
        mine = [sorted(tuple(map(str, s)) for s in sig) for sig in mine]
        theirs = [sorted(tuple(map(str, s)) for s in sig) for sig in theirs]
    same = sum(1 for a, b in zip(mine, theirs, strict=True) if a == b)
    return f"{same}/{len(mine)}"


def table(results: list[dict]) -> str:
    reference = next((r for r in results if r["engine"] == "pyshacl"), None)
    rows = [
        "| engine | processes | plans | triples | wall | CPU | CPU per plan + per triple (fit) "
        "| 1M triples: wall, CPU (extrapolated) | peak RSS (Δ) "
        "| corpus: same results as pyshacl | corpus run |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        fixed, per_triple = fit(r["per_plan"])
        rate = r["wall_seconds"] / r["triples"] if r["triples"] else 0
        cpu_rate = r["cpu_seconds"] / r["triples"] if r["triples"] else 0
        corpus = r.get("corpus")
        corpus_run = f"{corpus['seconds']:.1f} s" if corpus else ""
        rows.append(
            f"| {r['engine']} {r.get('version', '')} | {r['workers']} | {r['plans']} "
            f"| {r['triples']:,} | {r['wall_seconds']:.1f} s | {r['cpu_seconds']:.1f} s "
            f"| {fixed * 1000:.0f} ms + {per_triple * 1e6:.0f} µs "
            f"| {rate * 1e6:.1f} s, {cpu_rate * 1e6:.1f} s "
            f"| {r['peak_rss_mib']:.0f} MiB ({r['peak_rss_delta_mib']:.0f}) "
            f"| {agreement(r, reference)} | {corpus_run} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="N-Quads, one graph per plan")
    parser.add_argument("--bundled", type=Path, help="a mappings folder to map instead")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--workers", type=int, default=1, help="processes per engine")
    parser.add_argument(
        "--budget",
        type=int,
        default=None,
        help="triples given to the engines other than pyshacl-turbo (the slow ones)",
    )
    parser.add_argument("--no-corpus", action="store_true", help="skip the mutation corpus")
    parser.add_argument("--out", type=Path, default=None, help="results JSON")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--max-triples", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        args.engine = args.worker
        args.result.write_text(json.dumps(worker(args)))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    if args.bundled:
        args.data = bundled_nquads(args.bundled, OUT / "bundled.nq")
    if args.data is None:
        parser.error("--data or --bundled")
    results = []
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        if engine not in ENGINES:
            parser.error(f"unknown engine {engine}: {', '.join(ENGINES)}")
        progress(f"{engine}: {args.workers} process(es) on {args.data.name}, load {_loadavg()}")
        with tempfile.NamedTemporaryFile(suffix=".json", dir=OUT, delete=False) as handle:
            result_file = Path(handle.name)
        command = [sys.executable, __file__, "--worker", engine, "--data", str(args.data),
                   "--result", str(result_file), "--workers", str(args.workers)]  # fmt: skip
        if args.budget and engine != "pyshacl-turbo":
            command += ["--max-triples", str(args.budget)]
        if not args.no_corpus:
            command.append("--corpus")
        completed = subprocess.run(command, check=False)
        if completed.returncode == 0:
            result = json.loads(result_file.read_text())
            results.append(result)
            progress(
                f"{engine}: {result['plans']} graphs, {result['triples']:,} triples "
                f"in {result['wall_seconds']:.1f} s, load {_loadavg()}"
            )
        else:
            progress(f"{engine}: failed ({completed.returncode})")
        result_file.unlink(missing_ok=True)
    out = args.out or OUT / f"shacl-engines-{args.data.stem}-{args.workers}.json"
    out.write_text(json.dumps(results))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
