"""The DCAT-AP catalog made by a build: datasets, distributions, data service, errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode, Quad, RdfFormat, Store
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from lodplan.dataset import no_memo
from lodplan.errors import LodplanError, MappingError
from lodplan.publishing.catalog import (
    DEFAULT_LICENCE,
    CatalogPublisher,
    CatalogSpec,
    DatasetSpec,
    catalog_graph,
    check_catalog_references,
    load_catalog_spec,
    load_distribution_kinds,
)
from lodplan.store.base import DownloadFile

B = "http://example.org/"
SPDX = Namespace("http://spdx.org/rdf/terms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
WKT = "POLYGON((6.1 49.1, 6.2 49.1, 6.2 49.2, 6.1 49.1))"

PLANS_NT = f"""
<{B}plan/p> <http://purl.org/dc/terms/identifier> "p" .
<{B}plan/p> <http://purl.org/dc/terms/title> "Plan P"@fr .
<{B}plan/p> <http://purl.org/dc/terms/description> "Le plan P."@fr .
<{B}plan/p> <http://purl.org/dc/terms/publisher> <{B}actor/a> .
<{B}plan/p> <http://purl.org/dc/terms/spatial> <{B}territory/t> .
<{B}plan/p> <http://purl.org/dc/terms/temporal> <{B}plan/p#period> .
<{B}plan/p> <http://purl.org/dc/terms/issued> "2020-01-24"^^<{XSD.date}> .
<{B}plan/p> <https://w3id.org/lodplan/ontology#planType> <{B}code/projet> .
<{B}plan/p#period> <{DCAT.startDate}> "2020-01-01"^^<{XSD.date}> .
<{B}plan/p#period> <{DCAT.endDate}> "2025-12-31"^^<{XSD.date}> .
<{B}plan/q> <http://purl.org/dc/terms/title> "Plan Q"@fr .
<{B}plan/q> <http://purl.org/dc/terms/publisher> <{B}actor/a> .
<{B}actor/a> <{RDF.type}> <http://www.w3.org/ns/org#Organization> .
<{B}actor/a> <{SKOS.prefLabel}> "Acteur A"@fr .
<{B}territory/t> <{SKOS.prefLabel}> "Territoire T"@fr .
<{B}territory/t> <{LOCN.geometry}> "{WKT}"^^<http://www.opengis.net/ont/geosparql#wktLiteral> .
<{B}code/projet> <{SKOS.prefLabel}> "Projet de territoire"@fr .
"""


def _store() -> Store:
    store = Store()
    store.load(PLANS_NT.encode(), format=RdfFormat.N_TRIPLES, to_graph=NamedNode(B + "graph/x"))
    return store


def _datasets(tmp: Path) -> list[DatasetSpec]:
    return [
        DatasetSpec("p", B + "plan/p", tmp / "p.yaml", publisher="a", keywords=("mobilité",)),
        DatasetSpec("q", B + "plan/q", tmp / "q.yaml", publisher="a", licence=ODBL,
                    themes=("ENVI",)),
    ]  # fmt: skip


def _downloads(plan_ids=("p", "q")) -> list[DownloadFile]:
    return [
        DownloadFile(kind.file_name(plan_id), kind.media_type, f"{plan_id}:{kind.id}".encode())
        for plan_id in plan_ids
        for kind in load_distribution_kinds()
    ]


def _spec(**changes) -> CatalogSpec:
    values = dict(
        title={"fr": "Catalogue"},
        description={"fr": "Des plans."},
        publisher=CatalogPublisher(name={"fr": "Éditeur"}),
        licence=DEFAULT_LICENCE,
        themes=("GOVE", "REGI"),
        keywords=("stratégie",),
    )
    return CatalogSpec(**{**values, **changes})


@pytest.fixture
def catalog(tmp_path) -> Graph:
    named = catalog_graph(_spec(), _datasets(tmp_path), _store(), _downloads(), B)
    assert named.iri == B + "graph/catalog"
    return Graph().parse(data=named.ntriples, format="nt")


def test_one_dataset_per_plan_and_never_the_plan_itself(catalog):
    datasets = set(catalog.subjects(RDF.type, DCAT.Dataset))
    assert datasets == {URIRef(B + "dataset/p"), URIRef(B + "dataset/q")}
    assert set(catalog.objects(URIRef(B + "catalog"), DCAT.dataset)) == datasets
    dataset = URIRef(B + "dataset/p")
    assert catalog.value(dataset, DCTERMS.identifier) == Literal("p")
    assert catalog.value(dataset, FOAF.primaryTopic) == URIRef(B + "plan/p")
    assert catalog.value(dataset, DCAT.landingPage) == URIRef(B + "plan/p.html")  # a document


def test_a_dataset_says_what_portals_show(catalog):
    p, q = URIRef(B + "dataset/p"), URIRef(B + "dataset/q")
    assert catalog.value(p, DCTERMS.title) == Literal("Plan P", lang="fr")
    assert catalog.value(p, DCTERMS.description) == Literal("Le plan P.", lang="fr")
    assert "Plan Q" in str(catalog.value(q, DCTERMS.description))  # DCAT-AP requires one
    publisher = catalog.value(p, DCTERMS.publisher)
    assert publisher == URIRef(B + "actor/a")
    assert (publisher, RDF.type, FOAF.Agent) in catalog
    assert catalog.value(publisher, FOAF.name) == Literal("Acteur A", lang="fr")
    assert catalog.value(p, DCTERMS.issued) == Literal("2020-01-24", datatype=XSD.date)
    assert set(catalog.objects(p, DCAT.keyword)) == {
        Literal(w, lang="fr")
        for w in ("Projet de territoire", "Territoire T", "stratégie", "mobilité")
    }


def test_licence_and_themes_default_to_the_catalog_unless_the_plan_says_otherwise(catalog):
    p, q = URIRef(B + "dataset/p"), URIRef(B + "dataset/q")
    assert set(catalog.objects(p, DCTERMS.license)) == {URIRef(DEFAULT_LICENCE)}
    assert set(catalog.objects(q, DCTERMS.license)) == {URIRef(ODBL)}
    assert (URIRef(ODBL), RDF.type, DCTERMS.LicenseDocument) in catalog
    assert set(catalog.objects(p, DCAT.theme)) == {THEME.GOVE, THEME.REGI}
    assert set(catalog.objects(q, DCAT.theme)) == {THEME.ENVI}
    assert catalog.value(THEME.ENVI, SKOS.prefLabel, any=True) is not None


def test_spatial_and_temporal_coverage(catalog):
    p, q = URIRef(B + "dataset/p"), URIRef(B + "dataset/q")
    territory = URIRef(B + "territory/t")
    assert set(catalog.objects(p, DCTERMS.spatial)) == {territory}
    assert (territory, RDF.type, DCTERMS.Location) in catalog
    assert str(catalog.value(territory, LOCN.geometry)) == WKT  # copied when the data has one
    period = catalog.value(p, DCTERMS.temporal)
    # no blank node: the dataset's part, which data.gouv.fr finds in the dataset's own
    # description when it fetches the period's IRI
    assert period == URIRef(B + "dataset/p#period")
    assert catalog.value(period, DCAT.startDate) == Literal("2020-01-01", datatype=XSD.date)
    assert catalog.value(period, DCAT.endDate) == Literal("2025-12-31", datatype=XSD.date)
    assert catalog.value(q, DCTERMS.temporal) is None  # no period declared


def test_distributions_announce_the_files_the_build_wrote(catalog):
    files = {f.name: f for f in _downloads()}
    distributions = list(catalog.objects(URIRef(B + "dataset/p"), DCAT.distribution))
    assert len(distributions) == len(load_distribution_kinds()) == 5
    for distribution in distributions:
        url = str(catalog.value(distribution, DCAT.downloadURL))
        assert url.startswith(B + "download/plans/p.")
        assert catalog.value(distribution, DCAT.accessURL) == URIRef(url)
        file = files[url.removeprefix(B + "download/")]
        assert catalog.value(distribution, DCAT.byteSize) == Literal(
            file.byte_size, datatype=XSD.nonNegativeInteger
        )
        checksum = catalog.value(distribution, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(catalog.value(checksum, SPDX.checksumValue)) == file.sha256
        assert str(catalog.value(distribution, DCAT.mediaType)).startswith(
            "https://www.iana.org/assignments/media-types/"
        )
    nquads = URIRef(B + "dataset/p#nquads")
    assert catalog.value(nquads, DCTERMS.format) == FILE_TYPE.RDF_N_QUADS
    assert str(catalog.value(nquads, DCAT.compressFormat)).endswith("application/gzip")


@pytest.mark.parametrize("name", ["sparql", "feed"])
def test_the_sparql_endpoint_and_the_change_feed_are_data_services_of_the_catalog(catalog, name):
    service = URIRef(f"{B}catalog#{name}")
    assert (URIRef(B + "catalog"), DCAT.service, service) in catalog
    assert (service, RDF.type, DCAT.DataService) in catalog
    assert catalog.value(service, DCAT.endpointURL) == URIRef(B + name)
    assert set(catalog.objects(service, DCAT.servesDataset)) == {
        URIRef(B + "dataset/p"),
        URIRef(B + "dataset/q"),
    }


def test_the_same_data_gives_the_same_bytes(tmp_path):
    now = "2026-03-01T10:00:00Z"  # the build's time, which the catalog's dates are
    first = catalog_graph(_spec(), _datasets(tmp_path), _store(), _downloads(), B, now=now)
    again = catalog_graph(
        _spec(), list(reversed(_datasets(tmp_path))), _store(), _downloads(), B, now=now
    )
    assert first.ntriples == again.ntriples


@pytest.mark.parametrize(
    ("publisher", "expected"),
    [(CatalogPublisher(actor="a"), B + "actor/a"), (None, B + "actor/a")],
)
def test_the_catalog_publisher_is_an_actor_or_the_plans_one(tmp_path, publisher, expected):
    named = catalog_graph(
        _spec(publisher=publisher), _datasets(tmp_path), _store(), _downloads(), B
    )
    graph = Graph().parse(data=named.ntriples, format="nt")
    assert graph.value(URIRef(B + "catalog"), DCTERMS.publisher) == URIRef(expected)


def test_a_catalog_publisher_that_is_no_actor_is_refused(tmp_path):
    with pytest.raises(MappingError, match="'nobody' is not an actor"):
        catalog_graph(
            _spec(publisher=CatalogPublisher(actor="nobody")),
            _datasets(tmp_path),
            _store(),
            _downloads(),
            B,
        )


def test_unknown_licence_or_theme_names_the_mapping_and_field(tmp_path):
    bad_licence = DatasetSpec("p", B + "plan/p", tmp_path / "p.yaml", licence="https://x/")
    with pytest.raises(MappingError, match=r"p\.yaml: field 'plan\.licence'.*not a licence"):
        check_catalog_references(_spec(), [bad_licence])
    bad_theme = DatasetSpec("p", B + "plan/p", tmp_path / "p.yaml", themes=("CULT",))
    with pytest.raises(MappingError, match=r"field 'plan\.themes'.*'CULT' is not an EU data theme"):
        check_catalog_references(_spec(), [bad_theme])


def test_several_publishers_need_a_catalog_publisher(tmp_path):
    plans = [
        DatasetSpec("p", B + "plan/p", tmp_path / "p.yaml", publisher="a"),
        DatasetSpec("q", B + "plan/q", tmp_path / "q.yaml", publisher="b"),
    ]
    with pytest.raises(MappingError, match="field 'publisher': the plans have several publishers"):
        check_catalog_references(_spec(publisher=None), plans)
    check_catalog_references(_spec(), plans)  # a catalog publisher settles it


def test_a_file_the_build_did_not_make_is_not_announced(tmp_path):
    with pytest.raises(LodplanError, match=r"download/plans/q\.csv"):
        downloads = [f for f in _downloads() if f.name != "plans/q.csv"]
        catalog_graph(_spec(), _datasets(tmp_path), _store(), downloads, B)


def test_catalog_yaml_is_read_and_checked(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "lodplan-catalog: 1\ntitle: {fr: T}\ndescription: {fr: D}\n"
        "publisher: {name: {fr: Métropole}}\nthemes: [ENVI]\nkeywords: [climat]\n",
        encoding="utf-8",
    )
    spec = load_catalog_spec(path)
    assert spec.publisher == CatalogPublisher(name={"fr": "Métropole"})
    assert spec.themes == ("ENVI",) and spec.keywords == ("climat",)
    assert spec.licence == DEFAULT_LICENCE
    path.write_text("lodplan-catalog: 1\ntitle: {fr: T}\ndescription: {fr: D}\nlicense: x\n")
    with pytest.raises(MappingError, match=r"unknown key.*license"):
        load_catalog_spec(path)
    path.write_text("lodplan-catalog: 2\n")
    with pytest.raises(MappingError, match="field 'lodplan-catalog'"):
        load_catalog_spec(path)
    assert load_catalog_spec(tmp_path / "absent.yaml").publisher is None


def test_a_catalog_publisher_is_checked_against_the_actors_before_the_build(tmp_path):
    spec = _spec(publisher=CatalogPublisher(actor="nobody"))
    with pytest.raises(MappingError, match="field 'publisher': 'nobody' is not an actor"):
        check_catalog_references(spec, _datasets(tmp_path), actor_ids={"a"})
    check_catalog_references(_spec(publisher=CatalogPublisher(actor="a")), [], actor_ids={"a"})


def test_what_harvesters_read_one_value_of_is_given_once(catalog):
    """data.gouv.fr takes any one title of a distribution, label of a theme or licence."""
    for distribution in catalog.subjects(RDF.type, DCAT.Distribution):
        [title] = catalog.objects(distribution, DCTERMS.title)
        assert title.language == "fr"
    for theme in catalog.objects(None, DCAT.theme):
        assert [label.language for label in catalog.objects(theme, SKOS.prefLabel)] == ["fr"]
    [label] = catalog.objects(URIRef(DEFAULT_LICENCE), RDFS.label)
    assert str(label) == "Licence Ouverte / Open Licence version 2.0"  # udata's title of lov2


VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")


def test_the_contact_point_of_catalog_yaml_is_every_dataset_s(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "lodplan-catalog: 1\ntitle: {fr: T}\ndescription: {fr: D}\n"
        "contact-point: {name: {fr: Service open data}, email: opendata@example.org,"
        " url: 'https://example.org/contact'}\n",
        encoding="utf-8",
    )
    spec = load_catalog_spec(path)
    named = catalog_graph(spec, _datasets(tmp_path), _store(), _downloads(), B)
    catalog = Graph().parse(data=named.ntriples, format="nt")
    contact = URIRef(B + "catalog#contact-point")
    for dataset in (URIRef(B + "dataset/p"), URIRef(B + "dataset/q")):
        assert catalog.value(dataset, DCAT.contactPoint) == contact
    assert catalog.value(catalog.value(URIRef(B + "catalog"), DCAT.service), DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in catalog
    assert catalog.value(contact, VCARD.fn) == Literal("Service open data", lang="fr")
    assert catalog.value(contact, VCARD.hasEmail) == URIRef("mailto:opendata@example.org")
    assert catalog.value(contact, VCARD.hasURL) == URIRef("https://example.org/contact")


@pytest.mark.parametrize(
    ("contact", "error"),
    [
        ("{name: {fr: N}}", r"field 'contact-point': give an e-mail address"),
        ("{name: {fr: N}, email: nobody}", r"field 'contact-point.email': 'nobody' is not an"),
        ("{name: {fr: N}, url: 'ftp://x'}", r"field 'contact-point.url': 'ftp://x' is not an"),
        ("{email: a@b.fr}", r"field 'contact-point.name': is required"),
        ("{name: {fr: N}, phone: '0'}", r"field 'contact-point': unknown key\(s\) phone"),
        ("contact@example.org", r"field 'contact-point': expected dict"),
    ],
)
def test_a_bad_contact_point_names_its_field(tmp_path, contact, error):
    path = tmp_path / "catalog.yaml"
    head = "lodplan-catalog: 1\ntitle: {fr: T}\ndescription: {fr: D}\n"
    path.write_text(f"{head}contact-point: {contact}\n", encoding="utf-8")
    with pytest.raises(MappingError, match=error) as raised:
        load_catalog_spec(path)
    assert "catalog.yaml" in str(raised.value)


def test_the_bundled_catalog_yaml_has_a_contact_point():
    from lodplan.bundled import mappings_dir

    contact = load_catalog_spec(mappings_dir() / "catalog.yaml").contact_point
    assert contact is not None and contact.name["fr"] and (contact.url or contact.email)


def test_distributions_are_described(catalog):
    for distribution in catalog.subjects(RDF.type, DCAT.Distribution):
        [description] = catalog.objects(distribution, DCTERMS.description)
        assert description.language == "fr" and len(description) > 40


def test_values_get_the_class_dcat_ap_ranges_require(catalog):
    iana = "https://www.iana.org/assignments/media-types/"
    assert (URIRef(iana + "text/turtle"), RDF.type, DCTERMS.MediaType) in catalog
    assert (URIRef(iana + "application/gzip"), RDF.type, DCTERMS.MediaType) in catalog
    assert (FILE_TYPE.CSV, RDF.type, DCTERMS.MediaTypeOrExtent) in catalog
    ontology = URIRef("https://w3id.org/lodplan/ontology")
    assert (ontology, RDF.type, DCTERMS.Standard) in catalog
    assert (URIRef(B + "plan/p.html"), RDF.type, FOAF.Document) in catalog
    assert (URIRef(B), RDF.type, FOAF.Document) in catalog  # the catalog's home page
    attribution = URIRef("http://purl.org/adms/licencetype/Attribution")
    assert (attribution, RDF.type, SKOS.Concept) in catalog
    assert catalog.value(attribution, SKOS.prefLabel) is not None
    # the plan itself stays a plan: only its HTML page is a document
    assert (URIRef(B + "plan/p"), RDF.type, FOAF.Document) not in catalog


def test_modified_is_the_day_a_file_s_bytes_were_first_published(tmp_path):
    from datetime import date

    from pyoxigraph import parse

    from lodplan.publishing.catalog import history_of

    def build(downloads, history, today):
        named = catalog_graph(
            _spec(), _datasets(tmp_path), _store(), downloads, B, history=history, today=today
        )
        triples = list(parse(named.ntriples, format=RdfFormat.N_TRIPLES))
        graph = Graph().parse(data=named.ntriples, format="nt")
        return graph, history_of(triples), named.ntriples

    first, history, first_bytes = build(_downloads(), {}, date(2026, 1, 5))
    p = URIRef(B + "dataset/p")
    assert first.value(p, DCTERMS.modified) == Literal("2026-01-05", datatype=XSD.date)
    # rebuilt later with the same files: the same dates, so the same bytes
    assert build(_downloads(), history, date(2026, 3, 1))[2] == first_bytes
    # one file of p changed: that distribution and p are of today, q keeps its date
    changed = [
        DownloadFile(f.name, f.media_type, b"new") if f.name == "plans/p.csv" else f
        for f in _downloads()
    ]
    later, _, _ = build(changed, history, date(2026, 3, 1))
    assert later.value(URIRef(B + "dataset/p#csv"), DCTERMS.modified) == Literal(
        "2026-03-01", datatype=XSD.date
    )
    assert later.value(URIRef(B + "dataset/p#turtle"), DCTERMS.modified) == Literal(
        "2026-01-05", datatype=XSD.date
    )
    assert later.value(p, DCTERMS.modified) == Literal("2026-03-01", datatype=XSD.date)
    q = URIRef(B + "dataset/q")
    assert later.value(q, DCTERMS.modified) == Literal("2026-01-05", datatype=XSD.date)


def test_a_build_reads_the_dates_of_the_catalog_it_replaces(tmp_path):
    from lodplan.publishing.catalog import served_history
    from lodplan.store.embedded import EmbeddedPublisher
    from tests.support.catalogs import publish_catalog

    root = tmp_path / "store"
    assert served_history(EmbeddedPublisher(root), B) == {}  # nothing published yet
    publish_catalog(root, B, ["a"])
    history = served_history(EmbeddedPublisher(root), B)
    assert set(history) == {B + f"dataset/a#{kind.id}" for kind in load_distribution_kinds()}
    sha256, modified = history[B + "dataset/a#csv"]
    assert len(sha256) == 64 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", modified)


def test_a_kept_dataset_description_is_reused_only_when_all_it_reads_is_the_same(
    tmp_path, monkeypatch
):
    from lodplan.build_cache import BuildCache
    from lodplan.publishing import catalog as catalog_module

    described: list[str] = []
    describe = catalog_module._CatalogMaker._describe
    monkeypatch.setattr(
        catalog_module._CatalogMaker, "_describe",
        lambda maker, dataset: described.append(dataset.plan_id) or describe(maker, dataset),
    )  # fmt: skip
    cache = BuildCache(tmp_path / "cache")
    now = "2026-03-01T10:00:00Z"

    def made(store, downloads=None, memo=cache, now=now, history=None):
        return catalog_graph(
            _spec(), _datasets(tmp_path), store, downloads or _downloads(), B, now=now,
            history=history, memo=memo,
        ).ntriples  # fmt: skip

    first = made(_store())
    assert described == ["p", "q"] and first == made(_store(), memo=no_memo)
    described.clear()
    assert made(_store()) == first and described == []  # nothing read differently
    # one file of p changed, built later: p only (q's files keep their dates); the
    # dates a distribution gets are in the key
    from pyoxigraph import parse

    from lodplan.publishing.catalog import history_of

    history = history_of(parse(first, format=RdfFormat.N_TRIPLES))
    changed = [
        DownloadFile(f.name, f.media_type, b"new") if f.name == "plans/p.csv" else f
        for f in _downloads()
    ]
    described.clear()
    later = "2026-03-02T10:00:00Z"
    assert made(_store(), changed, now=later, history=history) == made(
        _store(), changed, memo=no_memo, now=later, history=history
    )
    assert described == ["p", "p", "q"]
    described.clear()
    assert made(_store(), now=later) != first  # no history: every file dated now
    assert described == ["p", "q"]
    # the actor's label (read from another graph than the plans') changed: both again
    relabelled = _store()
    relabelled.remove(next(iter(relabelled.quads_for_pattern(NamedNode(B + "actor/a"),
                      NamedNode(str(SKOS.prefLabel)), None))))  # fmt: skip
    label = OxLiteral("Acteur A'", language="fr")
    relabelled.add(Quad(NamedNode(B + "actor/a"), NamedNode(str(SKOS.prefLabel)), label,
                        NamedNode(B + "graph/y")))  # fmt: skip
    described.clear()
    assert made(relabelled) == made(relabelled, memo=no_memo)
    assert described == ["p", "q", "p", "q"]
