"""Territory, organisation and source pages (issue 19, items 4 and 6): what they cost.

Over a build of the bundled plans (its COG is national: 34,875 communes, 1,255 EPCI),
made once under ``benchmarks/out/territory-store`` (or ``--store``):

* the queries the pages run, with the IRIs they bind, each against the query it
  replaces where there was one (``incoming.rq`` now asks the types of what points to
  the resource, to group it by meaning; ``actor-involvements.rq`` now follows
  ``org:unitOf``), as ratios in the same process;
* each page rendered cold (a fresh ``SitePages``: no page cached; the store's own
  caches warm), median of ``--runs``.

Nothing is asserted; the load average is printed (the machine is shared).

    .venv/bin/python benchmarks/territory_pages.py [--store DIR] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_STORE = HERE / "out" / "territory-store"
BASE = "http://localhost:8080/"

#: The queries these pages had before, to compare with.
BEFORE = {
    "incoming": "SELECT ?target ?subject ?property ?graph "
    "WHERE { GRAPH ?graph { ?subject ?property ?target } }",
    "actor-involvements": """PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?actor ?element ?plan ?role
WHERE {
  ?involvement prov:agent ?actor .
  ?element lodplan:involvement ?involvement ; lodplan:inPlan ?plan .
  OPTIONAL { ?involvement prov:hadRole ?role }
}""",
}
QUERIES = [  # (query, variable, bound IRI under the base)
    ("incoming", "target", "territory/region/44"),
    ("incoming", "target", "territory/departement/57"),
    ("incoming", "target", "territory/commune/57463"),
    ("incoming", "target", "actor/metz-metropole"),
    ("actor-involvements", "actor", "actor/metz-metropole"),
    ("actor-involvements", "actor", "actor/etat"),
    ("territory-containers", "territory", "territory/commune/57463"),
    ("territory-covering-plans", "area", "territory/epci/200039865"),
    ("territory-intercommunalities", "territory", "territory/commune/57463"),
    ("territory-communes", "territory", "territory/epci/200039865"),
    ("territory-communes", "territory", "territory/epci/200054781"),  # Grand Paris: 131
    ("territory-published-plans", "territory", "territory/epci/200039865"),
    ("source-ranges", "document", "source/metz-projet-metropolitain"),
]
PAGES = [
    "territory/commune/57463",
    "territory/epci/200039865",
    "territory/epci/200054781",
    "territory/departement/57",
    "territory/region/44",
    "actor/metz-metropole",
    "source/metz-projet-metropolitain",
]


def median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not (args.store / "current").exists():
        print(f"building the bundled plans into {args.store}", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "lodplan", "build", "--store", str(args.store),
             "--base-iri", BASE],
            check=True,
        )  # fmt: skip

    from lodplan.pages.links import ServerLinks
    from lodplan.pages.queries import query_text
    from lodplan.pages.render import PageRenderer
    from lodplan.pages.site import SitePages
    from lodplan.publishing.representations import ResourceService
    from lodplan.store.embedded import EmbeddedStore

    store = EmbeddedStore(args.store)
    base = store.info().base_iri
    print(f"load average at start: {os.getloadavg()}; cores: {os.cpu_count()}")
    print(f"\n{'query':32} {'bound to':38} {'rows':>6} {'ms':>8} {'before ms':>10} {'ratio':>6}")
    for name, variable, local in QUERIES:
        bound = {variable: base + local}
        rows = len(store.select(query_text(name), bound))
        now = median_ms(lambda: store.select(query_text(name), bound), args.runs)  # noqa: B023
        line = f"{name:32} {local:38} {rows:6} {now:8.1f}"
        if name in BEFORE:
            before = median_ms(lambda: store.select(BEFORE[name], bound), args.runs)  # noqa: B023
            line += f" {before:10.1f} {now / before:6.2f}"
        print(line)

    print(f"\n{'page (cold: no page cached)':40} {'ms':>8} {'KB':>6}")
    resources = ResourceService(store, base_iri=base)
    renderer = PageRenderer()
    links = ServerLinks(data_base=base)
    for local in PAGES:
        size = len(SitePages(resources, renderer).resource(base + local, links) or "")
        ms = median_ms(
            lambda: SitePages(resources, renderer).resource(base + local, links),  # noqa: B023
            args.runs,
        )
        print(f"{local:40} {ms:8.1f} {size / 1024:6.0f}")
    print(f"\nload average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
