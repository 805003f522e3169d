"""How the DCAT catalog scales with the number of plans (every EPCI of France: ~1,250).

Builds a synthetic catalog of N plans with :func:`lodplan.publishing.catalog.catalog_graph`
(the code a build runs), publishes it to an embedded store, then serves its pages
with :class:`lodplan.publishing.catalog_pages.CatalogPages` as ``/catalog`` does.
Prints, per size: the time to make the catalog graph, its triples, the first page a
worker serves (it reads and indexes the catalog graph, once per build), then the
time to cut and serialise a page of 100 datasets in each format (not yet cached),
as a ratio to Turtle in the same process. Nothing is asserted.

    .venv/bin/python benchmarks/catalog.py --plans 10,100,1250
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from lodplan.publishing.catalog import (
    DEFAULT_LICENCE,
    CatalogPublisher,
    CatalogSpec,
    DatasetSpec,
    catalog_graph,
    load_distribution_kinds,
)
from lodplan.publishing.catalog_pages import CatalogPages
from lodplan.publishing.jsonld import JsonLdCompactor, bundled_contexts
from lodplan.publishing.negotiation import JSONLD, NTRIPLES, RDFXML, TURTLE
from lodplan.store.base import DownloadFile
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore

BASE = "http://bench.example/"
DCT = "http://purl.org/dc/terms/"


def plan_data(count: int) -> Store:
    """Plans with what the catalog reads: title, description, publisher, territory, period."""
    lines = []
    for n in range(count):
        plan = f"<{BASE}plan/p{n:04d}>"
        lines += [
            f'{plan} <{DCT}title> "Projet de territoire {n}"@fr .',
            f'{plan} <{DCT}description> "Le projet de territoire numéro {n}."@fr .',
            f"{plan} <{DCT}publisher> <{BASE}actor/a{n:04d}> .",
            f"{plan} <{DCT}spatial> <{BASE}territory/epci/{200000000 + n}> .",
            f"{plan} <{DCT}temporal> <{BASE}plan/p{n:04d}#period> .",
            f'<{BASE}plan/p{n:04d}#period> <http://www.w3.org/ns/dcat#startDate> "2020-01-01"'
            "^^<http://www.w3.org/2001/XMLSchema#date> .",
            f"<{BASE}actor/a{n:04d}> <http://www.w3.org/2004/02/skos/core#prefLabel> "
            f'"EPCI {n}"@fr .',
        ]
    store = Store()
    store.load(
        "\n".join(lines).encode(), format=RdfFormat.N_TRIPLES, to_graph=NamedNode(BASE + "g")
    )
    return store


def measure(count: int, runs: int) -> dict[str, float]:
    kinds = load_distribution_kinds()
    datasets = [
        DatasetSpec(f"p{n:04d}", f"{BASE}plan/p{n:04d}", Path("m.yaml"), publisher=f"a{n:04d}")
        for n in range(count)
    ]
    files = [
        DownloadFile(k.file_name(d.plan_id), k.media_type, b"x" * 100)
        for d in datasets
        for k in kinds
    ]
    spec = CatalogSpec(
        {"fr": "C"}, {"fr": "D"}, CatalogPublisher(name={"fr": "E"}), DEFAULT_LICENCE, ("GOVE",)
    )
    data = plan_data(count)
    started = time.perf_counter()
    catalog = catalog_graph(spec, datasets, data, files, BASE)
    figures = {"make": time.perf_counter() - started, "triples": catalog.triple_count}
    with tempfile.TemporaryDirectory() as root:
        EmbeddedPublisher(Path(root)).publish([catalog], base_iri=BASE, build_id="b")
        store = EmbeddedStore(Path(root))
        compactor = JsonLdCompactor(bundled_contexts().current(BASE))
        cold = []
        for run in range(runs):  # the first page a worker serves: reads and indexes the graph
            pages = CatalogPages(store, compactor, page_size=100)
            started = time.perf_counter()
            pages.represent(1, TURTLE, lambda n, run=run: f"{BASE}catalog.ttl?page={n}&r={run}")
            cold.append(time.perf_counter() - started)
        figures["cold"] = statistics.median(cold)
        for fmt in (TURTLE, NTRIPLES, RDFXML, JSONLD):
            times = []
            for run in range(runs):  # another page, the index made: cut and serialise
                started = time.perf_counter()
                pages.represent(1, fmt, lambda n, run=run: f"{BASE}catalog?page={n}&w={run}")
                times.append(time.perf_counter() - started)
            figures[fmt.name] = statistics.median(times)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", default="10,100,1250", help="catalog sizes (plans)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each page (median)")
    args = parser.parse_args()
    print(
        "plans  catalog triples  make catalog  first page cold  then a page of 100 datasets, "
        "not cached: Turtle | N-Triples | RDF/XML | JSON-LD (ratio to Turtle)"
    )
    for count in (int(n) for n in args.plans.split(",")):
        f = measure(count, args.runs)
        base = f["turtle"]
        cells = " | ".join(
            f"{f[name] * 1000:7.1f} ms ({f[name] / base:4.1f}×)"
            for name in ("turtle", "ntriples", "rdfxml", "jsonld")
        )
        cold = f"{f['cold'] * 1000:10.1f} ms"
        print(f"{count:5d}  {f['triples']:15d}  {f['make']:10.2f} s  {cold}  {cells}")


if __name__ == "__main__":
    main()
