"""How fast the journalists' example queries (``docs/queries/*.rq``) answer, in process.

Builds the bundled plans (``lodplan build``, what a real build publishes: the COG
graph included) into a temporary store, or reads ``--store``, then runs every
example query against pyoxigraph with the union default graph, as ``/sparql``
does. The baseline, run in the same process on the same store, is each query as
first written (``FIRST_WRITTEN``), when its shape has since changed; both must give
the same rows. Prints the median of ``--runs`` runs and the ratio to the
baseline. Nothing is asserted.

    .venv/bin/python benchmarks/doc_queries.py
    .venv/bin/python benchmarks/doc_queries.py --store var/store --runs 9
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyoxigraph import Store

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "docs" / "queries"

# The example queries as first written, where their shape changed for speed: pyoxigraph
# joins `?node a igeo:Commune` (constant class) as the list of all 35,000 communes, and
# evaluates an OPTIONAL of several patterns whole before joining it.
FIRST_WRITTEN = {
    "actions-per-commune.rq": """
PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX igeo: <http://rdf.insee.fr/def/geo#>
SELECT ?commune ?code ?population ?year (COUNT(DISTINCT ?element) AS ?elements)
       (COUNT(DISTINCT ?plan) AS ?plans)
WHERE {
  ?element lodplan:territory ?node ; lodplan:inPlan ?plan .
  ?node a igeo:Commune ; rdfs:label ?commune ; igeo:codeINSEE ?code ;
        lodplan:keyFigures ?figures .
  ?figures lodplan:population ?population ; lodplan:referenceYear ?year .
}
GROUP BY ?commune ?code ?population ?year
ORDER BY DESC(?elements) ?commune
""",
    "populations-plan-and-referential.rq": """
PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?territory ?statedPopulation ?statedYear ?statedCommunes
       ?officialPopulation ?officialYear ?officialCommunes
WHERE {
  ?node lodplan:keyFigures ?stated ; rdfs:label ?territory .
  ?stated lodplan:population ?statedPopulation ; prov:wasDerivedFrom ?document .
  ?document a lodplan:SourceDocument .
  OPTIONAL { ?stated lodplan:referenceYear ?statedYear }
  OPTIONAL { ?stated lodplan:communeCount ?statedCommunes }
  OPTIONAL {
    ?node lodplan:keyFigures ?official .
    ?official lodplan:population ?officialPopulation ; lodplan:referenceYear ?officialYear ;
              prov:wasDerivedFrom ?cog .
    FILTER NOT EXISTS { ?cog a lodplan:SourceDocument }
    OPTIONAL { ?official lodplan:communeCount ?officialCommunes }
  }
  FILTER (lang(?territory) = "fr" || lang(?territory) = "")
}
ORDER BY ?territory
""",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--store", type=Path, help="a built store (default: build the bundled plans here)"
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    store_dir = args.store or _build(Path(tempfile.mkdtemp(prefix="lodplan-doc-queries-")))
    store = Store.read_only(str(max((store_dir / "builds").iterdir()) / "data"))
    print(f"{'query':<42} {'rows':>5} {'median':>10} {'first written':>14} {'ratio':>7}")
    for file in sorted(QUERIES.glob("*.rq")):
        rows, median = _time(store, file.read_text(encoding="utf-8"), args.runs)
        line = f"{file.name:<42} {len(rows):>5} {median * 1000:>8.1f} ms"
        if file.name in FIRST_WRITTEN:
            old_rows, old_median = _time(store, FIRST_WRITTEN[file.name], args.runs)
            same = "" if sorted(old_rows) == sorted(rows) else "  (rows differ!)"
            line += f" {old_median * 1000:>11.1f} ms {median / old_median:>7.3f}{same}"
        print(line)
    return 0


def _build(directory: Path) -> Path:
    store = directory / "store"
    command = [sys.executable, "-m", "lodplan", "build", "--store", str(store)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return store


def _time(store: Store, query: str, runs: int) -> tuple[list[str], float]:
    durations = []
    rows: list[str] = []
    for _ in range(runs):
        start = time.perf_counter()
        rows = [str(list(row)) for row in store.query(query, use_default_graph_as_union=True)]
        durations.append(time.perf_counter() - start)
    return rows, statistics.median(durations)


if __name__ == "__main__":
    raise SystemExit(main())
