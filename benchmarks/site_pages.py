"""The human site at national scale: how long each kind of page takes, cold and warm.

Prepares (once) a national-sized store: the bundled build (``lodplan build``: its plans,
actors, COG, code lists, ontology, catalog and files) plus the synthetic plans of
``benchmarks/generate.py --triples 1m`` (666 EPCI-like plans), published together with
``EmbeddedPublisher.publish`` as one build, with a VoID description of every graph
recomputed as a build writes it. Then, for each page type, in a fresh process per page
(Flask test client over ``create_app_for_store``, as ``lodplan serve`` builds it):

* **cold**: the first request of a fresh app (no page, no aggregate cached), one
  fresh process per page;
* **ready**: the first request of each page in one app once the build's aggregates
  are computed (what visitors get after the server's warm-up, ``warm_up``);
* **warm**: the median of the next ``--runs`` requests.

``--baseline SRC`` measures the same pages with another source tree (a checkout of
the code before the change: ``git archive <commit> src site | tar -x -C DIR``) in the
same invocation, on the same store, and prints the ratios. A page that does not answer
within ``--timeout`` seconds is killed and reported as "> timeout". The load average
is printed: the machine is shared. Nothing is asserted.

    .venv/bin/python benchmarks/site_pages.py                       # prepares the store once
    .venv/bin/python benchmarks/site_pages.py --baseline /tmp/lodplan-before --timeout 120
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = HERE / "out"
BASE = "http://localhost:8080/"
SYNTHETIC_ACTORS = BASE + "graph/actors"

#: (name, path, Accept): the pages measured; ``{plan}``… are filled from the store.
PAGES = [
    ("home", "/", "text/html"),
    ("home, page 5", "/?page=5", "text/html"),
    ("plan (synthetic EPCI)", "{synthetic_plan}", "text/html"),
    ("plan (Metz, bundled)", "{bundled_plan}", "text/html"),
    ("action (synthetic)", "{synthetic_action}", "text/html"),
    ("actor: État", "/actor/etat", "text/html"),
    ("actor (synthetic)", "{synthetic_actor}", "text/html"),
    ("charts", "/charts", "text/html"),
    ("search « mobilité »", "/search?q=mobilit%C3%A9", "text/html"),
    ("VoID page", "/.well-known/void", "text/html"),
    ("VoID Turtle", "/.well-known/void", "text/turtle"),
    ("catalog page", "/catalog", "text/html"),
]


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the national store ---------------------------------------------------------------


def prepare_store(out: Path, data: Path, triples: str) -> Path:
    """The national store under ``out`` (made once: delete it to make it again)."""
    store_root = out / f"site-store-{triples}"
    if (store_root / "current").exists():
        return store_root
    if not data.exists():
        progress(f"generating {data}")
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--triples", triples, "--out", str(data)],
            check=True,
        )
    bundled = out / "site-bundled-store"
    if not (bundled / "current").exists():
        progress("building the bundled plans (lodplan build)")
        subprocess.run(
            [sys.executable, "-m", "lodplan", "build", "--store", str(bundled), "--base-iri", BASE],
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
    progress("composing the national store")
    _compose(bundled, data, store_root)
    return store_root


def _compose(bundled: Path, data: Path, store_root: Path) -> None:
    from pyoxigraph import NamedNode, RdfFormat, serialize

    from lodplan.dataset import DownloadFile
    from lodplan.description import dataset_description
    from lodplan.iris import IriMinter
    from lodplan.store.base import NamedGraph
    from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore

    iris = IriMinter(BASE)
    void = iris.graph("void")
    lines: dict[str, list[str]] = defaultdict(list)
    source = EmbeddedStore(bundled)
    raw = source.raw()
    for graph in raw.named_graphs():
        if not isinstance(graph, NamedNode) or graph.value == void:
            continue
        quads = raw.quads_for_pattern(None, None, None, graph)
        body = serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES) or b""
        lines[graph.value] = [line for line in body.decode().splitlines() if line]
    with data.open(encoding="utf-8") as stream:
        for line in stream:
            triple, graph, _ = line.rstrip("\n").rsplit(" ", 2)
            lines[graph[1:-1]].append(triple + " .")
    named = []
    for iri in sorted(lines):
        unique = sorted(set(lines[iri]))
        named.append(NamedGraph(iri, ("\n".join(unique) + "\n").encode(), len(unique)))
    description = dataset_description(iris, named, [])
    body = "\n".join(sorted(description.serialize(format="nt").splitlines())) + "\n"
    named.append(NamedGraph(void, body.encode(), body.count("\n")))
    downloads = [
        DownloadFile(name, "application/octet-stream", path.read_bytes())
        for name in source.download_names()
        if (path := source.download(name)) is not None
    ]
    info = EmbeddedPublisher(store_root).publish(
        named, base_iri=BASE, build_id="national-site-benchmark", downloads=downloads
    )
    progress(f"published {info.triple_count} triples in {len(named)} graphs to {store_root}")


def page_paths(store_root: Path) -> dict[str, str]:
    """The IRIs the page list names: a synthetic plan, action and actor, a bundled plan."""
    from lodplan.store.embedded import EmbeddedStore

    raw = EmbeddedStore(store_root).raw()

    def first(query: str) -> str:
        for row in raw.query(query, use_default_graph_as_union=True):
            return row[0].value.removeprefix(BASE.rstrip("/"))
        raise LookupError(query)

    lp = "PREFIX lp: <https://w3id.org/lodplan/ontology#> "
    return {
        # the synthetic plan with the most elements (the slowest page)
        "synthetic_plan": first(
            lp + "SELECT ?p (COUNT(?e) AS ?n) WHERE { ?e lp:inPlan ?p "
            'FILTER(REGEX(STR(?p), "/plan/[a-z]+-[0-9]{9}-")) } GROUP BY ?p ORDER BY DESC(?n) ?p '
            "LIMIT 1"
        ),
        "bundled_plan": "/plan/metz-projet-metropolitain",
        "synthetic_action": first(
            lp + "SELECT ?a WHERE { ?a a lp:Action ; lp:involvement ?i . "
            '?a lp:inPlan ?p FILTER(REGEX(STR(?p), "/plan/[a-z]+-[0-9]{9}-")) } '
            "ORDER BY ?a LIMIT 1"
        ),
        "synthetic_actor": first(
            lp + "PREFIX prov: <http://www.w3.org/ns/prov#> "
            "SELECT ?x (COUNT(?i) AS ?n) WHERE { ?i prov:agent ?x } GROUP BY ?x "
            "ORDER BY DESC(?n) ?x OFFSET 1 LIMIT 1"
        ),
    }


# --- one page, in a fresh process -------------------------------------------------------


def worker(args: argparse.Namespace) -> None:
    """Measure the pages of ``--pages`` (a JSON list of [path, Accept]) in this fresh
    process, one after the other (after warming up with ``--ready``); print a JSON list."""
    from lodplan.web.app import create_app_for_store

    app = create_app_for_store(args.store, BASE)
    client = app.test_client()
    warm_up_s = None
    if args.ready:
        started = time.perf_counter()
        warm = _warm_up_function()
        if warm is not None:
            warm(app)
        warm_up_s = time.perf_counter() - started
    results = []
    for path, accept in json.loads(args.pages):
        result: dict = {"warm_up_s": warm_up_s}
        started = time.perf_counter()
        response = client.get(path, headers={"Accept": accept})
        result["first_s"] = time.perf_counter() - started
        result["status"] = response.status_code
        result["bytes"] = len(response.data)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            client.get(path, headers={"Accept": accept})
            times.append(time.perf_counter() - started)
        result["warm_s"] = statistics.median(times) if times else None
        results.append(result)
    print(json.dumps(results), flush=True)


def _warm_up_function():
    try:
        from lodplan.web.app import warm_up  # the new code: compute the build's aggregates
    except ImportError:  # the code before: nothing to warm up
        return None
    return lambda app: warm_up(app, wait=True)


def measure(
    src: Path,
    store: Path,
    pages: list[tuple[str, str]],
    *,
    ready: bool,
    runs: int,
    timeout: float,
) -> list[dict]:
    """Each page of ``pages`` measured in one fresh process with the code of ``src``."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", "--store", str(store),
               "--pages", json.dumps(pages), "--runs", str(runs)]  # fmt: skip
    command += ["--ready"] if ready else []
    env = {**os.environ, "PYTHONPATH": str(src)}
    try:  # from the tree's folder: nothing else on sys.path than its code
        done = subprocess.run(
            command, env=env, cwd=src.parent, capture_output=True, text=True, timeout=timeout,
            check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return [{"timeout": timeout} for _ in pages]
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    if done.returncode != 0 or not lines:
        error = (done.stderr.strip().splitlines() or ["?"])[-1]
        return [{"error": error} for _ in pages]
    return json.loads(lines[-1])


# --- report -----------------------------------------------------------------------------


def seconds(result: dict, key: str) -> str:
    if "timeout" in result:
        return f"> {result['timeout']:.0f} s"
    if "error" in result:
        return "error"
    value = result.get(key)
    if value is None:
        return "–"
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def ratio(before: dict, after: dict, key: str) -> str:
    if "error" in before or "error" in after or after.get(key) is None:
        return ""
    if "timeout" in before:
        return f"> {before['timeout'] / after[key]:.0f}×"
    if before.get(key) is None:
        return ""
    return f"{before[key] / after[key]:.1f}×"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--triples", default="1m", help="size of the synthetic data (1m)")
    parser.add_argument("--store", type=Path, help="a national store (default: prepared)")
    parser.add_argument("--baseline", type=Path, help="source tree of the code to compare with")
    parser.add_argument("--runs", type=int, default=5, help="warm requests per page")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per page process")
    parser.add_argument(
        "--baseline-timeout", type=float, default=60, help="seconds per page process, baseline"
    )
    parser.add_argument("--only", help="comma-separated page names (substrings)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pages", help=argparse.SUPPRESS)
    parser.add_argument("--ready", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    store = args.store or prepare_store(
        args.out, args.out / f"plans-{args.triples}.nq", args.triples
    )
    names = page_paths(store)
    src = ROOT / "src"
    versions = [("after", src)] + ([("before", args.baseline / "src")] if args.baseline else [])
    print(f"store {store}; load average {os.getloadavg()[0]:.2f} (a shared 2-core machine)")
    chosen = [
        (name, template.format(**names), accept)
        for name, template, accept in PAGES
        if not args.only or any(part in name for part in args.only.split(","))
    ]
    measured: dict[str, dict[str, dict]] = {name: {} for name, _, _ in chosen}
    for version, tree in versions:
        timeout = args.baseline_timeout if version == "before" else args.timeout
        for name, path, accept in chosen:  # cold: a fresh process per page
            (result,) = measure(tree, store, [(path, accept)], ready=False, runs=args.runs,
                                timeout=timeout)  # fmt: skip
            measured[name][f"{version}-cold"] = result
            progress(f"{name} {version}-cold: {result}")
    # ready: one process warms the build's aggregates up, then asks for each page
    pages = [(path, accept) for _, path, accept in chosen]
    ready = measure(src, store, pages, ready=True, runs=args.runs, timeout=args.timeout * 3)
    for (name, _, _), result in zip(chosen, ready, strict=True):
        measured[name]["after-ready"] = result
        progress(f"{name} after-ready: {result}")
    print(f"warm-up of the build's aggregates: {seconds(ready[0], 'warm_up_s')}")
    rows = [(name, path, measured[name]) for name, path, _ in chosen]
    print()
    header = "| page | cold | ready | warm | bytes |"
    if args.baseline:
        header += " before: cold | before: warm | bytes before | cold ratio | warm ratio |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for name, _path, measured in rows:
        after, ready = measured["after-cold"], measured["after-ready"]
        line = (
            f"| {name} | {seconds(after, 'first_s')} | {seconds(ready, 'first_s')} | "
            f"{seconds(ready, 'warm_s')} | {after.get('bytes', '')} |"
        )
        if args.baseline:
            before = measured["before-cold"]
            line += (
                f" {seconds(before, 'first_s')} | {seconds(before, 'warm_s')} | "
                f"{before.get('bytes', '')} | {ratio(before, after, 'first_s')} | "
                f"{ratio(before, ready, 'warm_s')} |"
            )
        print(line)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    (args.out / "site-pages.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src")) if "--worker" not in sys.argv else None
    main()
