"""End to end: build the bundled plans with the CLI, start the real server, use it over HTTP."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from tests.support.harvester import harvest
from tests.support.server import lodplan, running_server

pytestmark = pytest.mark.e2e

PLAN_PATH = "plan/mot-programme-2023"
BUNDLED_PLANS = [
    "metz-codev-actions", "metz-projet-metropolitain", "mot-programme-2023",
    "pnfc-feuille-de-route", "pompey-projet-de-territoire",
]  # fmt: skip
CATALOG_PAGE_SIZE = 2  # the server of this module pages the catalog: 5 plans, 3 pages
ACTION_PATH = "plan/mot-programme-2023/element/3.2.2/bons-a-tirer"


@dataclass(frozen=True)
class Served:
    """A server of the bundled plans: its root URL, the folder of the build's files, and
    the arguments of `lodplan build` that publish into the store it serves."""

    base: str
    downloads: Path
    build_args: tuple[str, ...]
    export_args: tuple[str, ...]  # where `lodplan export-site` reads the same data
    env: dict[str, str]


@pytest.fixture(scope="module", params=["embedded", "virtuoso"])
def server(request: pytest.FixtureRequest) -> Iterator[Served]:
    """The same checks, on both stores: the embedded store, and Debian's Virtuoso fed by
    `lodplan build --graph-store`, served with `lodplan serve --sparql-endpoint`."""
    env = {"LODPLAN_QUERY_TIMEOUT": "5", "LODPLAN_CATALOG_PAGE_SIZE": str(CATALOG_PAGE_SIZE)}
    if request.param == "embedded":
        built = request.getfixturevalue("bundled_build")
        store = built.store  # served at the address its IRIs are minted under
        with running_server(store, built.port, env) as base:
            yield Served(base, store / "current" / "downloads", ("--store", str(store)),
                         ("--store", str(store)), env)  # fmt: skip
        return
    remote = request.getfixturevalue("virtuoso_build")
    # Virtuoso 7 plans indicators-behind-target.rq (three FILTER NOT EXISTS on string
    # comparisons) badly: 2 s alone, more on a loaded machine (docs/performance.md)
    env["LODPLAN_QUERY_TIMEOUT"] = "30"
    where = (
        "--sparql-endpoint",
        remote.engine.query_url,
        "--downloads",
        str(remote.downloads),
        "--base-iri",
        remote.base,
    )  # the engine holds other tests' deployments too
    with running_server(list(where), remote.port, env) as base:
        yield Served(base, remote.downloads,
                     (*remote.engine.build_args(), "--downloads", str(remote.downloads)),
                     where, {**env, "LODPLAN_GRAPH_STORE_PASSWORD": "dba"})  # fmt: skip


@pytest.mark.parametrize(
    ("accept", "media_type", "marker"),
    [
        ("text/html", "text/html", "<html"),
        ("application/ld+json", "application/ld+json", '"@context"'),
        ("text/turtle", "text/turtle", "@prefix"),
        ("application/n-triples", "application/n-triples", "<http://"),
        ("application/rdf+xml", "application/rdf+xml", "<rdf:RDF"),
    ],
)
def test_every_mot_resource_kind_negotiates(server, accept, media_type, marker):
    base = server.base
    for path in (PLAN_PATH, ACTION_PATH, "actor/mot", "source/mot-programme-2023"):
        response = requests.get(base + path, headers={"Accept": accept}, timeout=10)
        assert response.status_code == 200, (path, response.text[:300])
        assert response.headers["Content-Type"].startswith(media_type)
        assert marker in response.text
        assert "Accept" in response.headers["Vary"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert 'rel="alternate"' in response.headers["Link"]


def test_every_bundled_plan_is_served(server):
    from lodplan.bundled import mappings_dir
    from lodplan.mapping import find_mappings

    base = server.base
    plan_ids = [path.parent.name for path in find_mappings(mappings_dir())]
    assert len(plan_ids) >= 5
    for plan_id in plan_ids:
        response = requests.get(
            base + "plan/" + plan_id, headers={"Accept": "text/turtle"}, timeout=30
        )
        assert response.status_code == 200, plan_id
        assert "hasElement" in response.text, plan_id
    query = "SELECT ?plan (COUNT(?e) AS ?n) WHERE { ?e lodplan:inPlan ?plan } GROUP BY ?plan"
    rows = requests.get(
        base + "sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=30
    ).text.splitlines()[1:]
    assert len(rows) == len(plan_ids)
    assert all(int(row.rsplit(",", 1)[1]) > 10 for row in rows)


def test_action_turtle_carries_parent_and_provenance(server):
    base = server.base
    text = requests.get(base + ACTION_PATH + ".ttl", timeout=10).text
    assert "element/3.2.2" in text
    assert "Bons-à-tirer" in text
    assert "startLine" in text and "107" in text


def test_etag_gives_304(server):
    base = server.base
    first = requests.get(base + PLAN_PATH, headers={"Accept": "text/turtle"}, timeout=10)
    etag = first.headers["ETag"]
    again = requests.get(
        base + PLAN_PATH, headers={"Accept": "text/turtle", "If-None-Match": etag}, timeout=10
    )
    assert again.status_code == 304
    assert again.content == b""


def test_unknown_iri_is_404_and_unsupported_type_406(server):
    base = server.base
    assert requests.get(base + "plan/nope", timeout=10).status_code == 404
    response = requests.get(base + PLAN_PATH, headers={"Accept": "image/png"}, timeout=10)
    assert response.status_code == 406


def test_sparql_with_a_real_client(server):
    base = server.base
    client = SPARQLWrapper(base + "sparql")
    client.setQuery(
        """
        PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
        PREFIX kind: <https://w3id.org/lodplan/code/element-kind/>
        SELECT (COUNT(?a) AS ?n) WHERE {
          ?a lodplan:kind kind:action ; lodplan:inPlan <plan/mot-programme-2023>
        }
        """
    )
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert result["results"]["bindings"][0]["n"]["value"] == "83"

    client.setReturnFormat(CSV)
    client.setMethod("POST")
    csv = client.query().convert().decode()
    assert csv.splitlines() == ["n", "83"]

    client.setQuery("DESCRIBE <" + base + ACTION_PATH + ">")
    client.setReturnFormat(TURTLE)
    client.setMethod("GET")
    assert b"Bons" in client.query().convert()


def test_sparql_errors_over_http(server):
    base = server.base
    malformed = requests.get(base + "sparql", params={"query": "SELEC ?x"}, timeout=10)
    assert malformed.status_code == 400
    update = requests.post(
        base + "sparql", data={"update": "INSERT DATA { <a:a> <a:b> <a:c> }"}, timeout=10
    )
    assert update.status_code == 403


DOWNLOADS = {
    "lodplan.nq.gz": "application/gzip",  # the file; lodplan.nq is its N-Quads
    "plans/mot-programme-2023.ttl": "text/turtle; charset=utf-8",
    "plans/mot-programme-2023.csv": "text/csv; charset=utf-8; header=present",
    "plans/mot-programme-2023.csv-metadata.json": "application/csvm+json",
    "validation/mot-programme-2023.ttl": "text/turtle; charset=utf-8",
    "validation/mot-programme-2023.json": "application/json",
}


@pytest.mark.parametrize(("name", "media_type"), DOWNLOADS.items())
def test_the_build_files_download_as_written(server, name, media_type):
    response = requests.get(server.base + "download/" + name, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    written = (server.downloads / name).read_bytes()
    assert response.content == written
    assert int(response.headers["Content-Length"]) == len(written)
    assert "Content-Encoding" not in response.headers


def test_every_plan_has_its_validation_report_page(server):
    base = server.base
    index = requests.get(base + "validation", timeout=10)
    assert index.status_code == 200
    for plan_id in [*BUNDLED_PLANS, "actors", "places"]:
        assert f'href="/validation/{plan_id}"' in index.text
        page = requests.get(f"{base}validation/{plan_id}?lang=en", timeout=10)
        assert page.status_code == 200
        assert "<strong>Conforms</strong>" in page.text  # a build publishes conforming plans
    assert requests.get(base + "validation/nothing", timeout=10).status_code == 404


def test_no_file_outside_the_downloads(server):
    base = server.base
    for name in ("%2e%2e/manifest.json", "..%2fmanifest.json", "plans", "nothing.csv"):
        assert requests.get(base + "download/" + name, timeout=10).status_code == 404


def test_build_failure_leaves_the_served_store_untouched(server, tmp_path):
    base = server.base
    before = requests.get(base + PLAN_PATH + ".nt", timeout=10).text
    broken = tmp_path / "mappings"
    broken.mkdir()
    (broken / "actors.yaml").write_text("lodplan-actors: 1\nactors: {}\n")
    (broken / "plan").mkdir()
    (broken / "plan" / "mapping.yaml").write_text("lodplan-mapping: 1\nplan: {id: Bad Id}\n")
    failed = lodplan("build", *server.build_args, "--base-iri", base, "--mappings", str(broken),
                     env={**os.environ, **server.env})  # fmt: skip
    assert failed.returncode == 2
    assert "mapping.yaml" in failed.stderr
    assert requests.get(base + PLAN_PATH + ".nt", timeout=10).text == before


QUERIES = sorted((Path(__file__).parents[1] / "docs" / "queries").glob("*.rq"))


@pytest.mark.parametrize("query", QUERIES, ids=lambda path: path.stem)
def test_example_queries_give_their_documented_answers(server, query):
    """docs/queries/<name>.rq over the SPARQL endpoint returns docs/queries/<name>.csv."""
    base = server.base
    response = requests.post(
        base + "sparql",
        data={"query": query.read_text(encoding="utf-8")},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    expected = query.with_suffix(".csv").read_text(encoding="utf-8").splitlines()
    assert response.content.decode("utf-8").splitlines() == expected


# --- the DCAT catalog, read as data.gouv.fr's harvester reads it ------------------------


def _get(url: str) -> bytes:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, url
    return response.content


@pytest.fixture(scope="module")
def harvested(server):
    base = server.base
    return harvest(base + "catalog.ttl", _get)


def test_the_harvester_follows_the_pages_and_finds_every_plan(server, harvested):
    base = server.base
    assert harvested.urls == [
        base + "catalog.ttl",
        *(f"{base}catalog.ttl?page={n}" for n in (2, 3)),
    ]
    assert sorted(d.remote_id for d in harvested.datasets) == sorted(BUNDLED_PLANS)
    assert harvested.skipped == []
    # once, on the first page: the SPARQL endpoint and the change feed
    assert sorted(harvested.dataservice_ids) == ["feed", "sparql"]


def test_harvested_datasets_carry_what_the_portal_shows(harvested):
    by_id = {d.remote_id: d for d in harvested.datasets}
    mot = by_id["mot-programme-2023"]
    assert mot.title == "Programme 2023 (projet)"
    assert mot.temporal == ("2023-01-01", "2023-12-31")
    # udata guesses the licence from its label: the title data.gouv.fr gives « lov2 »
    assert mot.licenses == {"Licence Ouverte / Open Licence version 2.0"}
    assert {r.title for r in mot.resources} >= {"Graphe du plan en Turtle"}  # French only
    # keywords (plan type, territory, catalog.yaml's) and one label per theme
    assert {"Programme d'actions", "France", "stratégie territoriale"} <= mot.tags
    assert len(mot.tags) == 4 + 2
    assert by_id["pnfc-feuille-de-route"].temporal == ("2020-01-01", "2025-12-31")
    assert all(d.description for d in harvested.datasets)
    # lodplan has no geometries: udata reads no spatial coverage (documented)
    assert all(d.spatial_polygons == 0 for d in harvested.datasets)
    assert {r.format for r in mot.resources} == {
        "json_ld",
        "rdf_turtle",
        "rdf_n_quads",
        "csv",
        "xlsx",
    }


def test_every_distribution_downloads_what_it_announces(harvested):
    resources = [r for d in harvested.datasets for r in d.resources]
    assert len(resources) == 5 * len(BUNDLED_PLANS)
    for resource in resources:
        response = requests.get(resource.url, timeout=30)
        assert response.status_code == 200, resource.url
        assert len(response.content) == resource.filesize == int(response.headers["Content-Length"])
        algorithm, value = resource.checksum
        # the default profile (data.gouv.fr's) gives checksums as text: udata's harvester
        # reads them with rdflib's toPython(); ?_profile=dcat-ap types them xsd:hexBinary
        assert algorithm == "sha256" and value == hashlib.sha256(response.content).hexdigest()
        content_type = response.headers["Content-Type"].split(";")[0]
        # a compressed file is served as what it is: application/gzip (dcat:compressFormat)
        assert content_type in (resource.mime, "application/gzip"), resource.url


@pytest.mark.parametrize("extension", ["jsonld", "rdf", "nt"])
def test_the_catalog_reads_the_same_in_every_format(server, harvested, extension):
    base = server.base
    other = harvest(f"{base}catalog.{extension}", _get)
    assert [d.remote_id for d in other.datasets] == [d.remote_id for d in harvested.datasets]
    assert other.urls[-1] == f"{base}catalog.{extension}?page=3"


def test_every_link_of_the_home_page_answers(server):
    base = server.base
    html = requests.get(base, headers={"Accept": "text/html"}, timeout=10).text
    links = set(re.findall(r'href="([^"#]+)"', html))
    for name in ("catalog.ttl", "download/lodplan.nq.gz", "context.jsonld", ".well-known/void"):
        assert "/" + name in links  # paths on this server
    for name in ("sparql", "charts", "ontology", "search", "actions", "validation"):
        assert "/" + name in links
    for link in sorted(links):
        url = urljoin(base, link)
        if url.startswith(base):
            assert requests.get(url, timeout=30).status_code == 200, url


def test_a_dataset_of_the_catalog_dereferences_with_its_period(server):
    base = server.base
    response = requests.get(
        base + "dataset/mot-programme-2023", headers={"Accept": "text/turtle"}, timeout=10
    )
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(list(graph.triples((None, DCAT.distribution, None)))) == 5
    [period] = graph.objects(None, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2023-01-01"


# --- the static export, read from the same store ----------------------------------------


def test_the_site_exports_from_the_same_store(server, tmp_path):
    """`lodplan export-site` reads the store the server serves (on a remote engine, with
    the build's files from --downloads): pages, data, files, catalog, VoID."""
    site = tmp_path / "site"
    exported = lodplan("export-site", str(site), *server.export_args,
                       env={**os.environ, **server.env})  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    for name in ("index.html", "en/index.html", f"{PLAN_PATH}.html", f"{ACTION_PATH}.ttl",
                 "actor/mot.jsonld", "source/mot-programme-2023.html", "catalog.ttl",
                 "void.ttl", "sparql.html", "validation/mot-programme-2023.html"):  # fmt: skip
        assert (site / name).is_file(), name
    for name in DOWNLOADS:
        assert (site / "download" / name).read_bytes() == (server.downloads / name).read_bytes()
    page = (site / f"{ACTION_PATH}.html").read_text(encoding="utf-8")
    assert "Bons-à-tirer" in page
    source = (site / "source/mot-programme-2023.html").read_text(encoding="utf-8")
    assert "3.2.2" in source  # the source's text, read from the build's files
