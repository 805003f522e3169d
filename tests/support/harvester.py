"""What data.gouv.fr's DCAT harvester (udata ``udata/harvest/backends/dcat.py`` and
``udata/core/dataset/rdf.py``) reads from a catalog, restated for the tests.

It is not udata (which needs MongoDB): it applies udata's rules to the pages it
fetches, so that a test fails when lodplan publishes something udata would skip,
misread or not find. The rules are listed in docs/publishing.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
WKT = URIRef("http://www.opengis.net/rdf#wktLiteral")
GEOJSON = URIRef("https://www.iana.org/assignments/media-types/application/vnd.geo+json")
IANA = "https://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
CHECKSUM_ALGORITHMS = {SPDX.checksumAlgorithm_sha1: "sha1", SPDX.checksumAlgorithm_sha256: "sha256",
                       SPDX.checksumAlgorithm_md5: "md5"}  # fmt: skip
#: udata guesses the format from the URL's extension, else from the Content-Type.
FORMATS_BY_EXTENSION = {".ttl": "turtle", ".jsonld": "json-ld", ".rdf": "xml", ".nt": "nt"}


@dataclass
class Resource:
    url: str
    title: str | None
    filesize: int | None
    mime: str | None
    format: str | None
    checksum: tuple[str, object] | None  # udata's value: toPython() (bytes for hexBinary)


@dataclass
class HarvestedDataset:
    remote_id: str
    title: str
    description: str | None
    tags: set[str]
    licenses: set[str]  # what udata's License.guess receives: a licence's label, else its IRI
    temporal: tuple[str | None, str | None] | None
    spatial_polygons: int
    resources: list[Resource] = field(default_factory=list)


@dataclass
class Harvest:
    pages: list[Graph]
    urls: list[str]
    datasets: list[HarvestedDataset]
    skipped: list[str]  # why a dataset node was not harvested
    dataservice_ids: list[str]


def harvest(url: str, get: Callable[[str], bytes], max_pages: int = 100) -> Harvest:
    """Walk the catalog from ``url`` as udata does and read every dataset of every page."""
    fmt = next((f for ext, f in FORMATS_BY_EXTENSION.items() if url.split("?")[0].endswith(ext)),
               None)  # fmt: skip
    assert fmt is not None, f"udata cannot guess the format of {url} from its extension"
    pages, urls = [], []
    next_url: str | None = url
    while next_url and len(pages) < max_pages:
        graph = Graph().parse(data=get(next_url), format=fmt, publicID=next_url)
        pages.append(graph)
        urls.append(next_url)
        next_url = None
        for cls, prop in ((HYDRA.PartialCollectionView, HYDRA.next),
                          (HYDRA.PagedCollection, HYDRA.nextPage)):  # fmt: skip
            if (None, RDF.type, cls) in graph:
                view = graph.value(predicate=RDF.type, object=cls)
                value = graph.value(view, prop)
                next_url = str(value) if value is not None else None
                break
    result = Harvest(pages, urls, [], [], [])
    for graph in pages:
        _read_page(graph, result)
    return result


def _read_page(graph: Graph, result: Harvest) -> None:
    for node in graph.subjects(RDF.type, DCAT.Dataset):
        title = graph.value(node, DCTERMS.title)
        linked_by = list(graph.predicates(None, node))
        if title is None and linked_by in ([DCAT.servesDataset], [DCTERMS.hasPart]):
            continue  # a reference from a data service: defined on another page
        remote_id = graph.value(node, DCTERMS.identifier)
        if remote_id is None:
            result.skipped.append(f"{node}: no dct:identifier")
            continue
        if title is None:
            result.skipped.append(f"{node}: missing title on dataset")
            continue
        result.datasets.append(_dataset(graph, node, str(remote_id), str(title)))
    for node in graph.subjects(RDF.type, DCAT.DataService):
        if (None, DCAT.accessService, node) not in graph:
            result.dataservice_ids.append(str(graph.value(node, DCTERMS.identifier)))


def _dataset(graph: Graph, node, remote_id: str, title: str) -> HarvestedDataset:
    tags = {str(k) for k in graph.objects(node, DCAT.keyword)}
    for theme in graph.objects(node, DCAT.theme):  # a theme's prefLabel becomes a tag
        label = graph.value(theme, SKOS.prefLabel)
        if label is not None:
            tags.add(str(label))
    description = graph.value(node, DCTERMS.description)
    return HarvestedDataset(
        remote_id=remote_id,
        title=title,
        description=str(description) if description is not None else None,
        tags=tags,
        licenses={_label_or_iri(graph, v) for v in graph.objects(node, DCTERMS.license)},
        temporal=_temporal(graph, graph.value(node, DCTERMS.temporal)),
        spatial_polygons=_polygons(graph, node),
        resources=[_resource(graph, d) for d in graph.objects(node, DCAT.distribution)],
    )


def _label_or_iri(graph: Graph, value) -> str:
    """udata's ``serialize_value(..., parse_label=True)``: a resource's rdfs:label, if any."""
    label = graph.value(value, RDFS.label)
    return str(label) if label is not None else str(value)


def _temporal(graph: Graph, period) -> tuple[str | None, str | None] | None:
    if period is None:
        return None
    if isinstance(period, URIRef):
        # udata fetches an IRI over the network here, Graph().parse(iri), and reads the
        # period in what it gets: lodplan's is the dataset's #period part, described with
        # the dataset
        graph = Graph().parse(str(period))
    start, end = graph.value(period, DCAT.startDate), graph.value(period, DCAT.endDate)
    if start is None and end is None:
        return None
    for value in (start, end):
        assert value is None or isinstance(value.toPython(), datetime.date), value
    return (str(start) if start else None, str(end) if end else None)


def _polygons(graph: Graph, node) -> int:
    """udata reads spatial coverage only from WKT or GeoJSON literals of the locations."""
    count = 0
    for location in graph.objects(node, DCTERMS.spatial):
        if isinstance(location, Literal):
            continue
        for value in graph.objects(location):
            if isinstance(value, Literal) and value.datatype in (WKT, GEOJSON):
                count += 1
    return count


def _resource(graph: Graph, distribution) -> Resource:
    url = graph.value(distribution, DCAT.downloadURL) or graph.value(distribution, DCAT.accessURL)
    assert url is not None, f"{distribution}: udata skips a distribution without URL"
    size = graph.value(distribution, DCAT.byteSize)
    mime = graph.value(distribution, DCAT.mediaType)
    if mime is not None and str(mime).startswith(IANA):
        mime = "/".join(str(mime).split("/")[-2:])
    fmt = graph.value(distribution, DCTERMS.format)
    if fmt is not None and str(fmt).startswith(EU_FILE_TYPE):
        fmt = str(fmt)[len(EU_FILE_TYPE) :]
    checksum = None
    node = graph.value(distribution, SPDX.checksum)
    if node is not None:
        algorithm = CHECKSUM_ALGORITHMS.get(graph.value(node, SPDX.algorithm))
        value = graph.value(node, SPDX.checksumValue)
        if algorithm and value is not None:
            checksum = (algorithm, value.toPython())
    title = graph.value(distribution, DCTERMS.title)
    return Resource(
        url=str(url),
        title=str(title) if title is not None else None,
        filesize=int(size.toPython()) if size is not None else None,
        mime=str(mime) if mime is not None else None,
        format=str(fmt).lower() if fmt is not None else None,
        checksum=checksum,
    )
