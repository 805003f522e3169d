"""The live catalog of the bundled plans as its two audiences read it (issue 14).

* data.gouv.fr: udata's real DCAT harvester (``DcatBackend``, pinned in
  ``tests/support/udata-requirements.txt``, in its own environment ``.venv-udata``),
  started from ``/catalog``, the address a portal administrator pastes;
* DCAT-AP 3 validators: pyshacl with SEMIC's DCAT-AP 3 core and range shapes, vendored
  in ``tests/fixtures/dcat-ap-3/`` (never skipped), on every page.

The server pages the catalog by 2 (5 plans: 3 pages), so both follow ``hydra:next``.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pyshacl
import pytest
import requests
from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, SKOS, XSD

from tests.support import udata_env
from tests.support.server import free_port, running_server

pytestmark = pytest.mark.e2e

SHAPES = Path(__file__).parents[1] / "fixtures" / "dcat-ap-3"
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
STRICT = "https://semiceu.github.io/DCAT-AP/releases/3.0.0/"
DATAGOUV = "https://w3id.org/lodplan/profile/dcat-ap-datagouv"
BUNDLED_PLANS = 5
DATA_SERVICES = 2  # the SPARQL endpoint, the change feed
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def base(bundled_build):
    env = {"LODPLAN_CATALOG_PAGE_SIZE": "2"}
    with running_server(bundled_build.store, bundled_build.port, env) as url:
        yield url


def _pages(url: str) -> list[tuple[str, Graph]]:
    """Every page of the catalog from ``url``, following ``hydra:next`` as harvesters do."""
    pages = []
    while url:
        response = requests.get(url, timeout=30)
        assert response.status_code == 200, url
        graph = Graph().parse(data=response.text, format="turtle")
        pages.append((url, graph))
        url = next((str(n) for n in graph.objects(None, HYDRA.next)), None)
    return pages


@pytest.fixture(scope="module")
def strict_pages(base):
    return _pages(base + "catalog.ttl?_profile=dcat-ap")


@pytest.fixture(scope="module")
def strict_catalog(strict_pages) -> Graph:
    whole = Graph()
    for _, page in strict_pages:
        whole += page
    return whole


def _utc(moment: object) -> datetime:
    """A time as udata reports it (text, naive in UTC) or rdflib reads it, in UTC, naive."""
    value = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _udata_harvest(url: str) -> dict:
    """What udata's DCAT harvester imports from ``url`` (dry run, in its own environment)."""
    problem = udata_env.install()
    if problem:
        pytest.skip(f"udata (data.gouv.fr's harvester) could not be installed: {problem}")
    done = subprocess.run(
        [str(udata_env.python()), str(udata_env.HARVEST_SCRIPT), url],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def harvested(base) -> dict:
    return _udata_harvest(base + "catalog")  # what a portal administrator pastes


# --- data.gouv.fr, from the address an administrator pastes ---------------------------


def test_a_client_without_preference_gets_turtle_and_a_browser_html(base):
    # udata's HEAD (requests: "Accept: */*"), and a client that sends no Accept at all
    for headers in ({"Accept": "*/*"}, {"Accept": None}):
        for method in (requests.head, requests.get):
            response = method(base + "catalog", headers=headers, timeout=30)
            assert response.status_code == 200
            assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
            assert response.headers["Content-Profile"] == f"<{DATAGOUV}>"
    browser = requests.get(base + "catalog", headers={"Accept": BROWSER_ACCEPT}, timeout=30)
    assert browser.headers["Content-Type"].startswith("text/html")


def test_udata_imports_every_plan_from_catalog(harvested):
    assert harvested["status"] == "done", harvested
    assert harvested["format"] == "turtle"  # from the Content-Type of its HEAD
    assert harvested["errors"] == []
    datasets = [item for item in harvested["items"] if item["kind"] == "dataset"]
    assert len(datasets) == BUNDLED_PLANS
    for item in harvested["items"]:
        assert (item["status"], item["errors"]) == ("done", []), item
    services = sorted(i["remote_id"] for i in harvested["items"] if i["kind"] == "dataservice")
    assert services == ["feed", "sparql"]  # the SPARQL endpoint, the change feed (LDES)


def test_udata_reads_what_the_catalog_says_of_each_dataset(harvested, strict_catalog):
    catalog = strict_catalog
    for item in (i for i in harvested["items"] if i["kind"] == "dataset"):
        [node] = [
            s
            for s in catalog.subjects(RDF.type, DCAT.Dataset)
            if str(catalog.value(s, DCTERMS.identifier)) == item["remote_id"]
        ]
        assert item["title"] == str(catalog.value(node, DCTERMS.title))
        assert item["description"] == str(catalog.value(node, DCTERMS.description))
        assert item["license"] == "lov2"  # Licence Ouverte 2.0, recognised by its label
        keywords = [*catalog.objects(node, DCAT.keyword)]
        keywords += [catalog.value(t, SKOS.prefLabel) for t in catalog.objects(node, DCAT.theme)]
        assert len(item["tags"]) == len(keywords) >= 4, item["tags"]  # one tag per keyword
        period = catalog.value(node, DCTERMS.temporal)
        expected = (
            [str(catalog.value(period, DCAT.startDate)), str(catalog.value(period, DCAT.endDate))]
            if period is not None
            else None
        )
        assert item["temporal_coverage"] == expected, item["remote_id"]
        modified = catalog.value(node, DCTERMS.modified)  # the build's time, in UTC
        assert _utc(item["modified_at"]) == _utc(modified.toPython()), item["modified_at"]
        # udata reads spatial coverage from geometries only (WKT, GeoJSON): a dataset
        # gets one exactly when one of its locations has a geometry in the catalog
        geometries = [
            g
            for location in catalog.objects(node, DCTERMS.spatial)
            for p in (LOCN.geometry, DCAT.bbox)
            for g in catalog.objects(location, p)
        ]
        assert (item["spatial"] is not None) == bool(geometries), item["remote_id"]
        if geometries:  # the territory's box, as udata stores it (a GeoJSON MultiPolygon)
            assert _bounds(item["spatial"]["coordinates"]) == _bounds_of_wkt(geometries)
    # every plan has a coverage: its territory is in France's COG, made of it, or France
    # (the MOT's: metropolitan France and the régions d'outre-mer, six boxes)
    with_coverage = {i["remote_id"] for i in harvested["items"] if i.get("spatial")}
    assert len(with_coverage) == BUNDLED_PLANS, with_coverage
    [mot] = [i for i in harvested["items"] if i["remote_id"] == "mot-programme-2023"]
    assert mot["spatial"]["type"] == "MultiPolygon" and len(mot["spatial"]["coordinates"]) == 6


def _bounds(coordinates) -> tuple[float, ...]:
    points = list(_points(coordinates))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _points(coordinates):
    if isinstance(coordinates[0], (int, float)):
        yield coordinates
        return
    for part in coordinates:
        yield from _points(part)


def _bounds_of_wkt(geometries) -> tuple[float, ...]:
    """The bounds of WKT polygons and multipolygons: every "x y" pair they hold."""
    pairs = [pair for g in geometries for pair in re.findall(r"(-?[0-9.]+) (-?[0-9.]+)", str(g))]
    return _bounds([[float(x), float(y)] for x, y in pairs])


def test_udata_imports_every_resource_with_its_checksum(harvested):
    datasets = [item for item in harvested["items"] if item["kind"] == "dataset"]
    resources = [resource for item in datasets for resource in item["resources"]]
    assert len(resources) == 5 * BUNDLED_PLANS
    for resource in resources:
        body = requests.get(resource["url"], timeout=30).content
        assert resource["checksum"] == {"type": "sha256", "value": hashlib.sha256(body).hexdigest()}
        assert resource["filesize"] == len(body)
        assert resource["title"] and resource["description"], resource["url"]
        assert resource["format"] in {"json_ld", "rdf_turtle", "rdf_n_quads", "csv", "xlsx"}


@pytest.mark.parametrize(
    ("address", "udata_format"),
    [("catalog.ttl", "turtle"), ("catalog.jsonld", "json-ld"), ("catalog.rdf", "xml")],
)
def test_udata_imports_the_same_from_every_address(base, address, udata_format):
    other = _udata_harvest(base + address)
    assert (other["status"], other["format"]) == ("done", udata_format)
    datasets = [item for item in other["items"] if item["kind"] == "dataset"]
    assert len(datasets) == BUNDLED_PLANS
    for item in datasets:
        assert item["status"] == "done", item
        assert len(item["resources"]) == 5
        assert all(len(r["checksum"]["value"]) == 64 for r in item["resources"])


# --- profiles -----------------------------------------------------------------------


def test_the_strict_profile_is_asked_by_parameter_or_header(base):
    for url, headers in (
        (base + "catalog?_profile=dcat-ap", {}),
        (base + f"catalog?_profile={STRICT}", {}),
        (base + "catalog", {"Accept-Profile": f"<{DATAGOUV}>;q=0.5, <{STRICT}>"}),
    ):
        response = requests.get(url, headers=headers, timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Profile"] == f"<{STRICT}>"
        assert f'<{STRICT}>; rel="profile"' in response.headers["Link"]
        assert "^^xsd:hexBinary" in response.text
    default = requests.get(base + "catalog.ttl", timeout=30)
    assert default.headers["Content-Profile"] == f"<{DATAGOUV}>"
    alternate = '</catalog.ttl?_profile=dcat-ap>; rel="alternate"; type="text/turtle"'
    assert f'{alternate}; profile="{STRICT}"' in default.headers["Link"]
    assert "Accept-Profile" in default.headers["Vary"]
    unknown = requests.get(base + "catalog?_profile=ckan", timeout=30)
    assert unknown.status_code == 404 and "dcat-ap" in unknown.text
    # a profile the server does not have, asked in the header: the default (W3C conneg)
    other = requests.get(base + "catalog", headers={"Accept-Profile": "<urn:x>"}, timeout=30)
    assert other.headers["Content-Profile"] == f"<{DATAGOUV}>"


def test_paging_links_keep_the_profile(strict_pages):
    assert [url.rsplit("?", 1)[1] for url, _ in strict_pages] == [
        "_profile=dcat-ap",
        "_profile=dcat-ap&page=2",
        "_profile=dcat-ap&page=3",
    ]


# --- DCAT-AP 3 shapes ---------------------------------------------------------------


def _shapes() -> Graph:
    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(SHAPES / name, format="turtle")
    return shapes


def test_the_strict_profile_conforms_to_dcat_ap_3_core_and_ranges(strict_pages, strict_catalog):
    shapes = _shapes()
    conforms, _, text = pyshacl.validate(strict_catalog, shacl_graph=shapes)  # all pages
    assert conforms, text
    assert len(strict_pages) == 3
    for url, page in strict_pages:
        conforms, report, text = pyshacl.validate(page, shacl_graph=shapes)
        # alone, a page breaks one range only: the data services (on page 1: SPARQL, the
        # change feed) serve the datasets of the other pages, typed dcat:Dataset there
        on_page = set(page.subjects(RDF.type, DCAT.Dataset))
        results = [_result(report, r) for r in report.subjects(RDF.type, SH.ValidationResult)]
        for path, component, value in results:
            assert (path, component) == (DCAT.servesDataset, SH.ClassConstraintComponent), text
            assert value not in on_page and (value, RDF.type, DCAT.Dataset) in strict_catalog
        expected = DATA_SERVICES * (BUNDLED_PLANS - len(on_page)) if "page=" not in url else 0
        assert len(results) == expected, url


def test_a_catalog_on_one_page_conforms_to_dcat_ap_3(bundled_build):
    with running_server(bundled_build.store, free_port()) as other:  # 100 datasets a page
        [(url, page)] = _pages(other + "catalog.ttl?_profile=dcat-ap")
    assert len(set(page.subjects(RDF.type, DCAT.Dataset))) == BUNDLED_PLANS
    conforms, _, text = pyshacl.validate(page, shacl_graph=_shapes())
    assert conforms, f"{url}\n{text}"


def _result(report: Graph, result) -> tuple:
    return tuple(
        report.value(result, p) for p in (SH.resultPath, SH.sourceConstraintComponent, SH.value)
    )


def test_the_default_profile_differs_only_by_its_checksums(base):
    whole = Graph()
    for url, page in _pages(base + "catalog"):
        whole += page
        checksums = list(page.objects(None, SPDX.checksumValue))
        assert checksums and all(c.datatype in (None, XSD.string) for c in checksums), url
    _, report, _ = pyshacl.validate(whole, shacl_graph=_shapes())
    results = Counter(
        _result(report, r)[:2] for r in report.subjects(RDF.type, SH.ValidationResult)
    )
    distributions = len(set(whole.subjects(RDF.type, DCAT.Distribution)))
    assert results == {(SPDX.checksumValue, SH.DatatypeConstraintComponent): distributions}


def test_recommended_properties_a_plan_can_fill_are_present(strict_catalog):
    catalog = strict_catalog
    datasets = list(catalog.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == BUNDLED_PLANS
    for dataset in datasets:
        contact = catalog.value(dataset, DCAT.contactPoint)
        assert (contact, RDF.type, VCARD.Kind) in catalog
        assert catalog.value(contact, VCARD.fn) is not None
        assert catalog.value(contact, VCARD.hasURL) or catalog.value(contact, VCARD.hasEmail)
        modified = catalog.value(dataset, DCTERMS.modified)
        assert modified is not None and modified.datatype == XSD.dateTime
        for distribution in catalog.objects(dataset, DCAT.distribution):
            assert catalog.value(distribution, DCTERMS.title) is not None
            assert catalog.value(distribution, DCTERMS.description) is not None
            assert catalog.value(distribution, DCTERMS.modified) <= modified
        landing = catalog.value(dataset, DCAT.landingPage)
        assert str(landing).endswith(".html")
        assert (
            requests.get(str(landing), timeout=30).headers["Content-Type"].startswith("text/html")
        )


def test_the_vendored_shapes_are_the_ones_documented():
    readme = (SHAPES / "README.md").read_text(encoding="utf-8")
    for name in ("shapes.ttl", "range.ttl"):
        digest = hashlib.sha256((SHAPES / name).read_bytes()).hexdigest()
        assert f"`{name}` {digest}" in readme
    assert "CC BY 4.0" in readme
