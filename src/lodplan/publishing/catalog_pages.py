"""The DCAT catalog as harvesters read it: page by page, with Hydra paging links.

The build stores the whole catalog in the graph ``{base}graph/catalog`` (see
:mod:`lodplan.publishing.catalog`). A page holds the catalog's own description,
the datasets of that page with everything they point to (distributions,
checksums, periods, publishers, themes, licences, locations), and, on the first
page only, the data services (the SPARQL endpoint, the change feed). Once the
catalog has more datasets than a page holds, each page says where it sits: the
catalog is a
``hydra:Collection`` whose ``hydra:view`` is the page, a
``hydra:PartialCollectionView`` with ``hydra:first``, ``hydra:last``,
``hydra:next`` and ``hydra:previous`` — what data.gouv.fr's harvester follows.
Pages are serialised once per build, format and profile.

Two **profiles** of the same catalog are served (W3C "Content Negotiation by
Profile"): ``dcat-ap``, DCAT-AP 3 as its shapes state it, checksums typed
``xsd:hexBinary``; and ``datagouv``, the default, identical but for checksums given
as plain strings — data.gouv.fr's harvester (udata) reads a checksum with rdflib's
``toPython()``, gets ``bytes`` from an ``xsd:hexBinary`` and refuses the whole
dataset. See docs/publishing.md.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from lodplan.config import DEFAULT_CATALOG_PAGE_SIZE
from lodplan.iris import IriMinter
from lodplan.publishing.catalog import CATALOG_PREFIXES, GRAPH_NAME, HYDRA
from lodplan.publishing.jsonld import JsonLdCompactor
from lodplan.publishing.negotiation import JSONLD, MediaFormat
from lodplan.publishing.prefixes import used_prefixes
from lodplan.publishing.representations import LRUCache, Representation, stable_blank_nodes
from lodplan.publishing.serialization import rdf_bytes
from lodplan.store.base import ReadableStore
from lodplan.terms import SPDX

_TYPE = NamedNode(str(RDF.type))
_DATASET = NamedNode(str(DCAT.dataset))
_SERVICE = NamedNode(str(DCAT.service))
_IDENTIFIER = NamedNode(str(DCTERMS.identifier))
_HYDRA = {name: NamedNode(str(HYDRA[name])) for name in (
    "Collection", "PartialCollectionView", "totalItems", "view", "first",
    "last", "next", "previous",
)}  # fmt: skip

# pyoxigraph stores derived integer types as xsd:integer; DCAT-AP requires these.
_DATATYPES = {NamedNode(str(DCAT.byteSize)): NamedNode(str(XSD.nonNegativeInteger))}
_CHECKSUM_VALUE = NamedNode(str(SPDX.checksumValue))


@dataclass(frozen=True)
class CatalogProfile:
    """A profile the catalog is served in: ``token`` for ``?_profile=``, ``uri`` for
    ``Accept-Profile`` and ``Content-Profile``; ``checksum_datatype`` types checksums."""

    token: str
    uri: str
    label: str
    checksum_datatype: str


DCAT_AP = CatalogProfile(
    "dcat-ap",
    "https://semiceu.github.io/DCAT-AP/releases/3.0.0/",
    "DCAT-AP 3.0",
    str(XSD.hexBinary),
)
DATAGOUV = CatalogProfile(
    "datagouv",
    "https://w3id.org/lodplan/profile/dcat-ap-datagouv",
    "DCAT-AP 3.0 as data.gouv.fr (udata) harvests it: checksums as plain strings",
    str(XSD.string),
)
#: The profiles served; the first is the default (what a harvester that asks for none gets).
PROFILES: tuple[CatalogProfile, ...] = (DATAGOUV, DCAT_AP)


def profile_named(name: str) -> CatalogProfile | None:
    """The profile a ``?_profile=`` value names: its token or its URI."""
    return next((p for p in PROFILES if name in (p.token, p.uri)), None)


#: The URL of page ``n`` (absolute; it keeps the format the harvester asked for).
PageUrl = Callable[[int], str]


@dataclass(frozen=True)
class CatalogPage:
    number: int
    page_count: int
    triples: list[Triple]


class CatalogPages:
    """Pages of the served build's catalog, in every RDF format, cached per build."""

    def __init__(
        self,
        store: ReadableStore,
        compactor: JsonLdCompactor,
        *,
        page_size: int = DEFAULT_CATALOG_PAGE_SIZE,
    ) -> None:
        if page_size < 1:
            raise ValueError("a catalog page holds at least one dataset")
        self._store = store
        self._compactor = compactor
        self.page_size = page_size
        self._graphs = LRUCache(2)
        self._bodies = LRUCache(256)

    def catalog_iri(self) -> str:
        return IriMinter(self._store.info().base_iri).catalog()

    def page(
        self, number: int, url_of: PageUrl, profile: CatalogProfile = PROFILES[0]
    ) -> CatalogPage | None:
        """Page ``number`` (from 1) of the catalog in ``profile``, ``None`` past the last page."""
        info = self._store.info()
        catalog = NamedNode(IriMinter(info.base_iri).catalog())
        index = self._graphs.get_or_compute(
            info.build_id,
            lambda: _CatalogIndex.of(
                self._store.graph_triples(IriMinter(info.base_iri).graph(GRAPH_NAME)), catalog
            ),
        )
        page = _cut_page(index, catalog, number, self.page_size, url_of)
        if page is None:
            return None
        triples = stable_blank_nodes([_retyped(t, profile) for t in page.triples])
        return CatalogPage(page.number, page.page_count, triples)

    def represent(
        self,
        number: int,
        fmt: MediaFormat,
        url_of: PageUrl,
        profile: CatalogProfile = PROFILES[0],
    ) -> Representation | None:
        """Page ``number`` serialised as ``fmt`` (an RDF format) in ``profile``, ``None`` if
        there is none."""
        build_id = self._store.info().build_id
        key = (build_id, number, fmt.name, url_of(number), profile.token)

        def render() -> bytes | None:
            page = self.page(number, url_of, profile)
            return None if page is None else self._render(page.triples, fmt)

        body = self._bodies.get_or_compute(key, render)
        if body is None:
            return None
        # the ETag is the body's digest: a page's bytes also depend on the page size
        # and on the address asked for, not only on the build
        etag = hashlib.sha256(body).hexdigest()[:40]
        return Representation(body=body, media_type=fmt.media_type, etag=etag, format=fmt)

    def _render(self, triples: list[Triple], fmt: MediaFormat) -> bytes:
        if fmt is JSONLD:
            return self._compactor.to_bytes(triples)
        assert fmt.rdf_format is not None
        prefixes = used_prefixes(triples, CATALOG_PREFIXES)
        return rdf_bytes(triples, fmt.rdf_format, prefixes)


@dataclass(frozen=True)
class _CatalogIndex:
    """The catalog graph by subject, and its datasets in page order: made once per build."""

    by_subject: dict[NamedNode | BlankNode, list[Triple]]
    datasets: list[NamedNode | BlankNode]

    @cached_property
    def dataset_set(self) -> set[NamedNode | BlankNode]:
        return set(self.datasets)

    @classmethod
    def of(cls, triples: list[Triple], catalog: NamedNode) -> _CatalogIndex:
        by_subject: dict[NamedNode | BlankNode, list[Triple]] = {}
        for triple in triples:
            if isinstance(triple.subject, NamedNode | BlankNode):  # not RDF-star terms
                by_subject.setdefault(triple.subject, []).append(triple)
        datasets = _datasets_in_order(by_subject, catalog) if catalog in by_subject else []
        return cls(by_subject, datasets)


def _cut_page(
    index: _CatalogIndex, catalog: NamedNode, number: int, page_size: int, url_of: PageUrl
) -> CatalogPage | None:
    by_subject, datasets = index.by_subject, index.datasets
    if catalog not in by_subject:
        return None
    page_count = max(1, math.ceil(len(datasets) / page_size))
    if not 1 <= number <= page_count:
        return None
    on_page = set(datasets[(number - 1) * page_size : number * page_size])

    def keep(triple: Triple) -> bool:
        if triple.subject != catalog:
            return True
        if triple.predicate == _DATASET:
            return triple.object in on_page
        return triple.predicate != _SERVICE or number == 1  # the services once, on page 1

    kept = _closure(by_subject, catalog, keep, enter=lambda node: node not in index.dataset_set
                    or node in on_page)  # fmt: skip
    if page_count > 1:
        kept += _paging(catalog, number, page_count, len(datasets), url_of)
    return CatalogPage(number, page_count, kept)


def _datasets_in_order(
    by_subject: dict[NamedNode | BlankNode, list[Triple]], catalog: NamedNode
) -> list[NamedNode | BlankNode]:
    """The catalog's datasets by identifier: a page holds the same datasets for a given build."""

    def identifier(dataset: NamedNode | BlankNode) -> str:
        values = [
            t.object.value
            for t in by_subject.get(dataset, [])
            if t.predicate == _IDENTIFIER and not isinstance(t.object, Triple)
        ]
        return min(values, default=str(dataset))

    datasets = {
        t.object
        for t in by_subject[catalog]
        if t.predicate == _DATASET and isinstance(t.object, NamedNode | BlankNode)
    }
    return sorted(datasets, key=lambda d: (identifier(d), str(d)))


def _closure(
    by_subject: dict[NamedNode | BlankNode, list[Triple]],
    root: NamedNode,
    keep: Callable[[Triple], bool],
    enter: Callable[[NamedNode | BlankNode], bool],
) -> list[Triple]:
    """The triples reachable from ``root`` (kept by ``keep``), through nodes ``enter`` admits."""
    ordered: list[Triple] = []
    pending: list[NamedNode | BlankNode] = [root]
    visited: set[NamedNode | BlankNode] = {root}
    while pending:
        for triple in by_subject.get(pending.pop(0), []):
            if not keep(triple):
                continue
            ordered.append(triple)
            target = triple.object
            if not isinstance(target, NamedNode | BlankNode):
                continue
            if target in by_subject and target not in visited and enter(target):
                visited.add(target)
                pending.append(target)
    return ordered


def _paging(
    catalog: NamedNode, number: int, page_count: int, total: int, url_of: PageUrl
) -> list[Triple]:
    view = NamedNode(url_of(number))
    links = {"first": 1, "last": page_count}
    if number < page_count:
        links["next"] = number + 1
    if number > 1:
        links["previous"] = number - 1
    return [
        Triple(catalog, _TYPE, _HYDRA["Collection"]),
        Triple(catalog, _HYDRA["totalItems"], _integer(total)),
        Triple(catalog, _HYDRA["view"], view),
        Triple(view, _TYPE, _HYDRA["PartialCollectionView"]),
        *(Triple(view, _HYDRA[name], NamedNode(url_of(n))) for name, n in links.items()),
    ]


def _retyped(triple: Triple, profile: CatalogProfile) -> Triple:
    datatype = _DATATYPES.get(triple.predicate)
    if triple.predicate == _CHECKSUM_VALUE:
        datatype = NamedNode(profile.checksum_datatype)
    if datatype is None or not isinstance(triple.object, Literal):
        return triple
    return Triple(triple.subject, triple.predicate, Literal(triple.object.value, datatype=datatype))


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(str(XSD.integer)))
