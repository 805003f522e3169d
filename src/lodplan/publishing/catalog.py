"""The DCAT-AP 3 catalog of a build, made once per build into the graph ``{base}graph/catalog``.

One ``dcat:Dataset`` per plan (``{base}dataset/<plan>``; the plan itself is never
typed as a dataset, a harvester would import every resource so typed), whose
distributions are the files the build wrote (their size and SHA-256 known before
publication), and the SPARQL endpoint as a ``dcat:DataService``. What the
catalog says is declared as data: the deployment's ``catalog.yaml`` (beside the
mappings: title, publisher, default licence, themes, keywords), each plan's
mapping (``licence``, ``themes``, ``keywords`` override the defaults), and
``site/catalog/`` (the distributions offered, the EU data themes, the licences
lodplan knows). Everything else is read from the plan's published graph.

The catalog has no blank node (everything it says can be asked of a remote engine):
a dataset's period of time is its ``#period`` part, described with the dataset, so
the harvesters that fetch the IRI of a period (data.gouv.fr does) find it in the
dataset's own description. The same data gives the same graph, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode, Store, Triple
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from lodplan.bundled import site_dir
from lodplan.dataset import DownloadFile, Memo, NamedGraph, no_memo
from lodplan.errors import LodplanError, MappingError
from lodplan.iris import IriMinter
from lodplan.mapping.spec import Fields, LanguageMap
from lodplan.publishing.changes import format_time
from lodplan.publishing.downloads import DOWNLOAD_PATH, PublicationDate
from lodplan.publishing.representations import preferred_literal
from lodplan.terms import LP, ONTOLOGY_IRI, PREFIXES, SPDX

CATALOG_FILE = "catalog.yaml"  # in the mappings directory, beside actors.yaml
CATALOG_FORMAT_VERSION = 1
DISTRIBUTIONS_FORMAT_VERSION = 1

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
DATA_THEME_SCHEME = URIRef("http://publications.europa.eu/resource/authority/data-theme")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
LDES_SPECIFICATION = URIRef("https://w3id.org/ldes/specification")
#: Where the change feed is served, under the base IRI (:mod:`lodplan.web.feed`).
FEED_PATH = "feed"
CATALOG_PREFIXES = {**PREFIXES, "hydra": str(HYDRA), "locn": str(LOCN), "vcard": str(VCARD)}
#: The classes DCAT-AP 3's range shapes require of the values of these properties.
RANGES = (
    (DCAT.mediaType, DCTERMS.MediaType),
    (DCAT.compressFormat, DCTERMS.MediaType),
    (DCTERMS.format, DCTERMS.MediaTypeOrExtent),
    (DCTERMS.language, DCTERMS.LinguisticSystem),
    (DCTERMS.conformsTo, DCTERMS.Standard),
    (DCAT.landingPage, FOAF.Document),
    (FOAF.homepage, FOAF.Document),
    (DCTERMS.type, SKOS.Concept),  # a licence's type (ADMS licence types)
)
#: The graph the catalog is published in, under the base IRI.
GRAPH_NAME = "catalog"
# data.gouv.fr reads one value of a distribution's title or a theme's label, whichever
# comes first: those are given in the catalog's language only.
CATALOG_LANGUAGE = "fr"


@dataclass(frozen=True)
class CatalogPublisher:
    """Who publishes the catalog: an actor of ``actors.yaml`` or a name (and home page)."""

    actor: str | None = None
    name: LanguageMap | None = None
    homepage: str | None = None


@dataclass(frozen=True)
class ContactPoint:
    """Whom to ask about the data (``contact-point`` of ``catalog.yaml``): a name and an
    e-mail address or a web address (a contact form, a page), or both."""

    name: LanguageMap
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class CatalogSpec:
    """The deployment's ``catalog.yaml``; ``path`` is ``None`` when there is none."""

    title: LanguageMap
    description: LanguageMap
    publisher: CatalogPublisher | None
    licence: str
    themes: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    homepage: str | None = None
    path: Path | None = None
    contact_point: ContactPoint | None = None


@dataclass(frozen=True)
class DatasetSpec:
    """What a plan's mapping says about the dataset that publishes it."""

    plan_id: str
    plan_iri: str
    mapping_path: Path
    publisher: str | None = None  # the plan's publisher (an actor id)
    licence: str | None = None
    themes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class DistributionKind:
    """One entry of ``site/catalog/distributions.yaml``."""

    id: str
    file: str
    title: LanguageMap
    media_type: str
    format: str
    compress: str | None = None
    description: LanguageMap | None = None

    def file_name(self, plan_id: str) -> str:
        return self.file.format(plan=plan_id)


DEFAULT_LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
DEFAULT_THEMES = ("GOVE", "REGI")
DEFAULT_TITLE = {
    "fr": "Plans stratégiques territoriaux publiés avec lodplan",
    "en": "Territorial strategy plans published with lodplan",
}
DEFAULT_DESCRIPTION = {
    "fr": "Plans, axes, objectifs et actions des stratégies territoriales, avec leurs acteurs, "
    "territoires, dates et la source de chaque fait, en données liées ouvertes.",
    "en": "Plans, axes, objectives and actions of territorial strategies, with their actors, "
    "territories, dates and the source of every fact, as Linked Open Data.",
}


def load_catalog_spec(path: Path) -> CatalogSpec:
    """Read ``catalog.yaml``; without the file, lodplan's defaults and no publisher
    (the build then takes the plans' publisher when they all have the same)."""
    path = Path(path)
    if not path.is_file():
        return CatalogSpec(
            DEFAULT_TITLE, DEFAULT_DESCRIPTION, None, DEFAULT_LICENCE, DEFAULT_THEMES
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise MappingError(
            f"not valid YAML: {exc}", file=path, line=mark.line + 1 if mark else None
        ) from None
    root = Fields(data, path)
    root.unknown_keys(
        {"lodplan-catalog", "title", "description", "publisher", "homepage", "licence",
         "themes", "keywords", "contact-point"}
    )  # fmt: skip
    if root.get("lodplan-catalog", int) != CATALOG_FORMAT_VERSION:
        root.fail(f"this lodplan reads catalog format {CATALOG_FORMAT_VERSION}", "lodplan-catalog")
    return CatalogSpec(
        title=root.languages("title"),
        description=root.languages("description"),
        publisher=_publisher(root),
        licence=root.get("licence", str, required=False) or DEFAULT_LICENCE,
        themes=tuple(root.texts("themes") or DEFAULT_THEMES),
        keywords=tuple(root.texts("keywords")),
        homepage=_web_address(root, "homepage", required=False),
        path=path,
        contact_point=_contact_point(root),
    )


def _publisher(root: Fields) -> CatalogPublisher | None:
    value = root.get("publisher", (str, dict), required=False)
    if value is None:
        return None
    if isinstance(value, str):
        return CatalogPublisher(actor=root.identifier("publisher"))
    fields = root.sub("publisher")
    assert fields is not None
    fields.unknown_keys({"name", "homepage"})
    return CatalogPublisher(
        name=fields.languages("name"), homepage=fields.get("homepage", str, required=False)
    )


def _contact_point(root: Fields) -> ContactPoint | None:
    fields = root.sub("contact-point", required=False)
    if fields is None:
        return None
    fields.unknown_keys({"name", "email", "url"})
    email = fields.get("email", str, required=False)
    if email is not None and not EMAIL.match(email):
        fields.fail(f"{email!r} is not an e-mail address", "email")
    url = _web_address(fields, "url", required=False)
    if email is None and url is None:
        fields.fail("give an e-mail address (email:) or a web address (url:), or both")
    return ContactPoint(name=fields.languages("name"), email=email, url=url)


def _web_address(fields: Fields, key: str, *, required: bool) -> str | None:
    value = fields.get(key, str, required=required)
    if value is not None and not WEB_ADDRESS.match(value):
        fields.fail(f"{value!r} is not an http(s) address", key)
    return value


EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
WEB_ADDRESS = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def load_distribution_kinds(path: Path | None = None) -> list[DistributionKind]:
    path = path or site_dir() / "catalog" / "distributions.yaml"
    root = Fields(yaml.safe_load(path.read_text(encoding="utf-8")), path)
    if root.get("lodplan-distributions", int) != DISTRIBUTIONS_FORMAT_VERSION:
        root.fail("unknown format version", "lodplan-distributions")
    kinds = []
    for index, entry in enumerate(root.get("distributions", list)):
        fields = Fields(entry, path, f"distributions[{index}]")
        fields.unknown_keys(
            {"id", "file", "title", "description", "media-type", "format", "compress"}
        )
        kinds.append(
            DistributionKind(
                id=fields.identifier("id"),
                file=fields.get("file", str),
                title=fields.languages("title"),
                media_type=fields.get("media-type", str),
                format=fields.get("format", str),
                compress=fields.get("compress", str, required=False),
                description=fields.languages("description", required=False) or None,
            )
        )
    return kinds


@cache
def reference_graph(name: str) -> Graph:
    """A table of ``site/catalog/`` (data themes, licences) as a graph, read once (only read)."""
    return Graph().parse(site_dir() / "catalog" / name, format="turtle")


def check_catalog_references(
    spec: CatalogSpec,
    datasets: Iterable[DatasetSpec],
    actor_ids: Collection[str] | None = None,
) -> None:
    """Every licence and theme named by ``catalog.yaml`` and the mappings is one lodplan
    knows; the catalog's publisher is an actor of ``actor_ids`` (when given), or the
    plans share one publisher."""
    licences, themes = reference_graph("licences.ttl"), reference_graph("data-themes.ttl")
    where = spec.path or Path(CATALOG_FILE)
    datasets = list(datasets)
    actor = spec.publisher.actor if spec.publisher else None
    if actor is not None and actor_ids is not None and actor not in actor_ids:
        raise MappingError(
            f"{actor!r} is not an actor of actors.yaml", file=where, field="publisher"
        )
    if spec.publisher is None and len({d.publisher for d in datasets}) > 1:
        raise MappingError(
            "the plans have several publishers: say who publishes the catalog "
            "(publisher: an actor id, or {name: {fr: …}})",
            file=where,
            field="publisher",
        )
    checks: list[tuple[Path, str, str | None, tuple[str, ...]]]
    checks = [(where, "licence", spec.licence, spec.themes)]
    checks += [(d.mapping_path, "plan.licence", d.licence, d.themes) for d in datasets]
    for path, field, licence, codes in checks:
        if licence is not None and (URIRef(licence), RDF.type, DCTERMS.LicenseDocument) not in (
            licences
        ):
            known = ", ".join(
                sorted(str(s) for s in licences.subjects(RDF.type, DCTERMS.LicenseDocument))
            )
            raise MappingError(
                f"{licence!r} is not a licence lodplan knows (site/catalog/licences.ttl): {known}",
                file=path,
                field=field,
            )
        for code in codes:
            if (DATA_THEME[code], RDF.type, SKOS.Concept) not in themes:
                raise MappingError(
                    f"{code!r} is not an EU data theme (AGRI, ECON, EDUC, ENER, ENVI, GOVE, "
                    "HEAL, INTR, JUST, REGI, SOCI, TECH, TRAN)",
                    file=path,
                    field=field.replace("licence", "themes"),
                )


#: What the catalog a build replaces said of each distribution: its IRI → (the SHA-256 of
#: its file, its ``dct:modified``: the time of the build that published these bytes, or
#: the day, in catalogs made before lodplan dated them to the second).
History = Mapping[str, tuple[str, str]]


def catalog_graph(
    spec: CatalogSpec,
    datasets: Sequence[DatasetSpec],
    data: Store,
    downloads: Iterable[DownloadFile],
    base_iri: str,
    *,
    history: History | None = None,
    today: date | None = None,
    now: str | None = None,
    data_modified: str | None = None,
    memo: Memo = no_memo,
) -> NamedGraph:
    """The catalog of the plans in ``datasets``, read from ``data`` (the build's graphs).

    ``dct:modified`` of a distribution is the time of the build that first published its
    file's bytes: the time ``history`` (the catalog this build replaces, see
    :func:`history_of`) gives when the checksum is the same, else ``now`` (this build's
    time, an ``xsd:dateTime`` in UTC: :func:`lodplan.publishing.changes.format_time`; or
    the day ``today``); a dataset's is its latest distribution's, the catalog's its
    latest dataset's, or ``data_modified`` (when the data last changed: a dataset
    removed changes the catalog) if later. The same data rebuilt keeps its dates, and
    so its bytes; a build that changes one plan changes the dates of that plan's
    dataset only (and the catalog's).

    With a ``memo`` (an incremental build), a dataset whose description would read the
    same from everything it reads (the plan's mapping and ``catalog.yaml``, its files'
    checksums, sizes and dates, and each statement of ``data`` it looks up) is the
    description an earlier build made: only the datasets of changed plans are described
    again, and the catalog is the same bytes as a full build's.
    """
    check_catalog_references(spec, datasets)
    maker = _CatalogMaker(spec, data, {f.name: f for f in downloads}, IriMinter(base_iri))
    maker.memo = memo
    maker.history = history or {}
    maker.modified = [data_modified] if data_modified else []
    if now is not None:
        maker.today = now
    elif today is not None:
        maker.today = today.isoformat()
    for dataset in sorted(datasets, key=lambda d: d.plan_id):
        maker.add_dataset(dataset)
    maker.add_catalog([d.plan_id for d in datasets])
    maker.add_range_types()
    return maker.named_graph()


class _CatalogMaker:
    def __init__(
        self,
        spec: CatalogSpec,
        data: Store,
        downloads: Mapping[str, DownloadFile],
        iris: IriMinter,
    ) -> None:
        self.spec, self.data, self.downloads, self.iris = spec, data, downloads, iris
        self.graph = Graph()
        self.themes = reference_graph("data-themes.ttl")
        self.licences = reference_graph("licences.ttl")
        self.kinds = load_distribution_kinds()
        self.plan_publishers: set[str] = set()
        self.history: History = {}
        self.today = format_time(datetime.now(UTC))
        self.modified: list[str] = []  # of each dataset, and of the data
        self.memo: Memo = no_memo
        self.dataset_lines: set[str] = set()  # the datasets' descriptions, as N-Triples
        self._lookups: list[tuple[NamedNode, NamedNode]] | None = None  # while describing
        self._looked_up = hashlib.sha256()  # what the lookups gave

    # --- datasets ---------------------------------------------------------------

    def add_dataset(self, dataset: DatasetSpec) -> None:
        """Describe the dataset, or take the description an earlier build made of it
        when every input of it is the same (see :func:`catalog_graph`)."""
        key = self._dataset_key(dataset)
        kept = self.memo.get(DATASET_MEMO, key)
        if kept is not None and kept.lookups_digest == self._lookup_digest(kept.lookups):
            described = kept
        else:
            described = self._described(dataset)
            self.memo.put(DATASET_MEMO, key, described)
        self.dataset_lines.update(described.lines)
        self.plan_publishers.update(described.publishers)
        self.modified.append(described.modified)

    def _dataset_key(self, dataset: DatasetSpec) -> str:
        """Everything a dataset's description reads but the data: the mapping's and
        ``catalog.yaml``'s words, its files (checksum, size, ``dct:modified``)."""
        files = []
        for kind in self.kinds:
            name = kind.file_name(dataset.plan_id)
            file = self.downloads.get(name)
            if file is not None:
                distribution = f"{self.iris.dataset(dataset.plan_id)}#{kind.id}"
                modified = first_published(self.history, distribution, file, self.today)
                # as written: rdflib writes a time in UTC as +00:00, history reads it so
                files.append([name, file.sha256, file.byte_size, modified_literal(modified).n3()])
            else:
                files.append([name])
        spec = self.spec
        return json.dumps(
            [
                self.iris.base, dataset.plan_id, dataset.plan_iri, dataset.licence,
                dataset.themes, dataset.keywords, spec.licence, spec.themes, spec.keywords,
                repr(spec.contact_point), files,
            ]
        )  # fmt: skip

    def _lookup_digest(self, lookups: Iterable[tuple[str, str]]) -> str:
        """The digest of what each lookup of ``data`` gives now."""
        digest = hashlib.sha256()
        for subject, predicate in lookups:
            for value in self._values(NamedNode(subject), URIRef(predicate)):
                digest.update(f"{value}\n".encode())
            digest.update(b"\0")
        return digest.hexdigest()

    def _described(self, dataset: DatasetSpec) -> _DatasetDescription:
        """The dataset described in a graph of its own, the lookups of ``data`` made."""
        whole, self.graph = self.graph, Graph()
        publishers, self.plan_publishers = self.plan_publishers, set()
        modified, self.modified = self.modified, []
        self._lookups, self._looked_up = [], hashlib.sha256()
        try:
            self._describe(dataset)
            add_range_types(self.graph)
            return _DatasetDescription(
                lines=_ntriples_lines(self.graph),
                publishers=tuple(sorted(self.plan_publishers)),
                modified=self.modified[0],
                lookups=tuple((s.value, p.value) for s, p in self._lookups),
                lookups_digest=self._looked_up.hexdigest(),
            )
        finally:
            self.graph, self.plan_publishers, self.modified = whole, publishers, modified
            self._lookups = None

    def _describe(self, dataset: DatasetSpec) -> None:
        g, plan = self.graph, NamedNode(dataset.plan_iri)
        node = URIRef(self.iris.dataset(dataset.plan_id))
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.identifier, Literal(dataset.plan_id)))
        titles = self._literals(plan, DCTERMS.title)
        for title in titles:
            g.add((node, DCTERMS.title, title))
        for description in self._literals(plan, DCTERMS.description) or [
            _fallback_description(dataset.plan_id, titles)
        ]:
            g.add((node, DCTERMS.description, description))
        g.add((node, FOAF.primaryTopic, URIRef(dataset.plan_iri)))
        # the landing page is a document: the plan's HTML page, not the plan itself
        g.add((node, DCAT.landingPage, URIRef(dataset.plan_iri + ".html")))
        g.add((node, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
        self._add_contact_point(node)
        for publisher in self._iris(plan, DCTERMS.publisher):
            self._add_agent(node, URIRef(publisher))
            self.plan_publishers.add(publisher)
        for language in self._iris(plan, DCTERMS.language):
            g.add((node, DCTERMS.language, URIRef(language)))
        for issued in self._values(plan, DCTERMS.issued):
            g.add((node, DCTERMS.issued, _rdflib_literal(issued)))
        self._add_licence(node, dataset.licence or self.spec.licence)
        for code in dataset.themes or self.spec.themes:
            self._add_theme(node, DATA_THEME[code])
        for keyword in self._keywords(plan, dataset):
            g.add((node, DCAT.keyword, Literal(keyword, lang="fr")))
        self._add_spatial(node, plan)
        self._add_temporal(node, plan)
        modified = max(self._add_distribution(node, dataset, kind) for kind in self.kinds)
        g.add((node, DCTERMS.modified, modified_literal(modified)))
        self.modified.append(modified)

    def _keywords(self, plan: NamedNode, dataset: DatasetSpec) -> list[str]:
        """The plan's type, its territories' names, then the declared keywords."""
        words = [self._label(NamedNode(t)) for t in self._iris(plan, LP.planType)]
        words += [self._label(NamedNode(t)) for t in self._iris(plan, DCTERMS.spatial)]
        words += [*self.spec.keywords, *dataset.keywords]
        return list(dict.fromkeys(w for w in words if w))

    def _add_spatial(self, node: URIRef, plan: NamedNode) -> None:
        """The plan's territories as ``dct:Location``, with the geometries the data holds.

        Portals read coverage only from a geometry (data.gouv.fr: ``dcat:bbox`` or
        ``locn:geometry``), so the territory's bounding box is repeated here.
        """
        for territory in self._iris(plan, DCTERMS.spatial):
            location = URIRef(territory)
            self.graph.add((node, DCTERMS.spatial, location))
            self.graph.add((location, RDF.type, DCTERMS.Location))  # its labels: in the data
            for geometry_property in (DCAT.bbox, LOCN.geometry):
                for geometry in self._values(NamedNode(territory), geometry_property):
                    self.graph.add((location, geometry_property, _rdflib_literal(geometry)))

    def _add_temporal(self, node: URIRef, plan: NamedNode) -> None:
        for period in self._iris(plan, DCTERMS.temporal):
            starts = self._values(NamedNode(period), DCAT.startDate)
            ends = self._values(NamedNode(period), DCAT.endDate)
            if not starts and not ends:
                continue
            period_node = URIRef(f"{node}#period")  # a part: see the module docstring
            self.graph.add((node, DCTERMS.temporal, period_node))
            self.graph.add((period_node, RDF.type, DCTERMS.PeriodOfTime))
            for value in starts[:1]:
                self.graph.add((period_node, DCAT.startDate, _rdflib_literal(value)))
            for value in ends[:1]:
                self.graph.add((period_node, DCAT.endDate, _rdflib_literal(value)))
            return  # DCAT-AP harvesters read one period

    def _add_distribution(self, node: URIRef, dataset: DatasetSpec, kind: DistributionKind) -> str:
        """Describe the distribution; return the date of its ``dct:modified``."""
        name = kind.file_name(dataset.plan_id)
        file = self.downloads.get(name)
        if file is None:
            raise LodplanError(
                f"the catalog announces download/{name}, which the build did not make"
            )
        g = self.graph
        distribution = URIRef(f"{node}#{kind.id}")
        url = URIRef(self.iris.base + DOWNLOAD_PATH + name)
        g.add((node, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCTERMS.title, Literal(kind.title[CATALOG_LANGUAGE], lang="fr")))
        if kind.description and CATALOG_LANGUAGE in kind.description:
            text = kind.description[CATALOG_LANGUAGE]
            g.add((distribution, DCTERMS.description, Literal(text, lang=CATALOG_LANGUAGE)))
        g.add((distribution, DCAT.downloadURL, url))
        g.add((distribution, DCAT.accessURL, url))
        g.add((distribution, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + kind.media_type)))
        g.add((distribution, DCTERMS.format, FILE_TYPE[kind.format]))
        if kind.compress:
            g.add((distribution, DCAT.compressFormat, URIRef(IANA_MEDIA_TYPES + kind.compress)))
        g.add(
            (distribution, DCAT.byteSize, Literal(file.byte_size, datatype=XSD.nonNegativeInteger))
        )
        self._add_licence(distribution, dataset.licence or self.spec.licence)
        checksum = URIRef(f"{distribution}-checksum")
        g.add((distribution, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(file.sha256, datatype=XSD.hexBinary)))
        modified = first_published(self.history, str(distribution), file, self.today)
        g.add((distribution, DCTERMS.modified, modified_literal(modified)))
        return modified

    # --- the catalog and its service ----------------------------------------------

    def add_catalog(self, plan_ids: list[str]) -> None:
        g, spec = self.graph, self.spec
        catalog = URIRef(self.iris.catalog())
        g.add((catalog, RDF.type, DCAT.Catalog))
        for lang, text in spec.title.items():
            g.add((catalog, DCTERMS.title, Literal(text, lang=lang)))
        for lang, text in spec.description.items():
            g.add((catalog, DCTERMS.description, Literal(text, lang=lang)))
        g.add((catalog, DCTERMS.publisher, self._catalog_publisher(catalog)))
        g.add((catalog, FOAF.homepage, URIRef(spec.homepage or self.iris.base)))
        g.add((catalog, DCTERMS.language, LANGUAGE.FRA))
        self._add_licence(catalog, spec.licence)
        g.add((catalog, DCAT.themeTaxonomy, DATA_THEME_SCHEME))
        for triple in self.themes.triples((DATA_THEME_SCHEME, None, None)):
            g.add(triple)
        for plan_id in sorted(plan_ids):
            g.add((catalog, DCAT.dataset, URIRef(self.iris.dataset(plan_id))))
        if self.modified:
            g.add((catalog, DCTERMS.modified, modified_literal(max(self.modified))))
        self._add_service(catalog, plan_ids)
        self._add_feed(catalog, plan_ids)

    def _catalog_publisher(self, catalog: URIRef) -> URIRef:
        publisher = self.spec.publisher
        if publisher is None:  # checked: the plans share one publisher
            agent = URIRef(min(self.plan_publishers))
        elif publisher.actor:
            agent = URIRef(self.iris.actor(publisher.actor))
            if not self._values(NamedNode(str(agent)), RDF.type):
                raise MappingError(
                    f"{publisher.actor!r} is not an actor of actors.yaml",
                    file=self.spec.path or CATALOG_FILE,
                    field="publisher",
                )
        else:
            agent = URIRef(f"{catalog}#publisher")
            for lang, text in (publisher.name or {}).items():
                self.graph.add((agent, FOAF.name, Literal(text, lang=lang)))
            self.graph.add((agent, RDF.type, FOAF.Agent))
            if publisher.homepage:
                self.graph.add((agent, FOAF.homepage, URIRef(publisher.homepage)))
            return agent
        self._add_agent(None, agent)
        return agent

    def _add_service(self, catalog: URIRef, plan_ids: list[str]) -> None:
        """The SPARQL endpoint."""
        self._add_data_service(
            catalog,
            plan_ids,
            name="sparql",
            path="sparql",
            titles={"fr": "Point d'accès SPARQL", "en": "SPARQL endpoint"},
            description_fr=(
                "Requêtes SPARQL 1.1 en lecture seule sur tous les plans (protocole SPARQL, "
                "résultats JSON, XML, CSV, TSV) ; la description du service est à la même "
                "adresse."
            ),
            conforms_to=SPARQL_PROTOCOL,
        )

    def _add_feed(self, catalog: URIRef, plan_ids: list[str]) -> None:
        """The change feed (:mod:`lodplan.publishing.feed`): a Linked Data Event Stream."""
        self._add_data_service(
            catalog,
            plan_ids,
            name="feed",
            path=FEED_PATH,
            titles={"fr": "Flux des changements (LDES)", "en": "Change feed (LDES)"},
            description_fr=(
                "Les changements de chaque jeu de données, construction après construction "
                "(création, mise à jour, suppression, avec leur date), en Linked Data Event "
                "Stream paginé (TREE) : un moissonneur ne télécharge que ce qui a changé."
            ),
            conforms_to=LDES_SPECIFICATION,
        )

    def _add_data_service(
        self,
        catalog: URIRef,
        plan_ids: list[str],
        *,
        name: str,
        path: str,
        titles: dict[str, str],
        description_fr: str,
        conforms_to: URIRef,
    ) -> None:
        """A ``dcat:DataService`` of the catalog (``{catalog}#{name}``) at ``{base}{path}``,
        which describes itself there, serving every plan's dataset: the catalog's
        publisher, licence and contact point."""
        g = self.graph
        service = URIRef(f"{catalog}#{name}")
        endpoint = URIRef(self.iris.base + path)
        g.add((catalog, DCAT.service, service))
        g.add((service, RDF.type, DCAT.DataService))
        g.add((service, DCTERMS.identifier, Literal(name)))
        for lang, title in titles.items():
            g.add((service, DCTERMS.title, Literal(title, lang=lang)))
        g.add((service, DCTERMS.description, Literal(description_fr, lang="fr")))
        g.add((service, DCAT.endpointURL, endpoint))
        g.add((service, DCAT.endpointDescription, endpoint))
        g.add((service, DCTERMS.conformsTo, conforms_to))
        publisher = g.value(catalog, DCTERMS.publisher)
        if publisher is not None:
            g.add((service, DCTERMS.publisher, publisher))
        self._add_licence(service, self.spec.licence)
        self._add_contact_point(service)
        for plan_id in sorted(plan_ids):
            g.add((service, DCAT.servesDataset, URIRef(self.iris.dataset(plan_id))))

    def _add_contact_point(self, subject: URIRef) -> None:
        """The contact point of ``catalog.yaml`` (a ``vcard:Kind``), shared by every dataset."""
        contact = self.spec.contact_point
        if contact is None:
            return
        node = URIRef(self.iris.catalog() + "#contact-point")
        self.graph.add((subject, DCAT.contactPoint, node))
        self.graph.add((node, RDF.type, VCARD.Kind))
        self.graph.add((node, RDF.type, VCARD.Organization))
        for lang, text in contact.name.items():
            self.graph.add((node, VCARD.fn, Literal(text, lang=lang)))
        if contact.email:
            self.graph.add((node, VCARD.hasEmail, URIRef("mailto:" + contact.email)))
        if contact.url:
            self.graph.add((node, VCARD.hasURL, URIRef(contact.url)))

    def add_range_types(self) -> None:
        """Type the values of properties whose range DCAT-AP 3 states: see
        :func:`add_range_types` (the datasets' own are typed with them)."""
        add_range_types(self.graph)

    # --- shared pieces --------------------------------------------------------------

    def _add_agent(self, subject: URIRef | None, agent: URIRef) -> None:
        if subject is not None:
            self.graph.add((subject, DCTERMS.publisher, agent))
        self.graph.add((agent, RDF.type, FOAF.Agent))
        name = self._label(NamedNode(str(agent)))
        if name:
            self.graph.add((agent, FOAF.name, Literal(name, lang="fr")))

    def _add_licence(self, subject: URIRef, licence: str) -> None:
        self.graph.add((subject, DCTERMS.license, URIRef(licence)))
        for triple in self.licences.triples((URIRef(licence), None, None)):
            self.graph.add(triple)
            if triple[1] == DCTERMS.type:  # the licence type, with its label
                for described in self.licences.triples((triple[2], None, None)):
                    self.graph.add(described)

    def _add_theme(self, subject: URIRef, theme: URIRef) -> None:
        self.graph.add((subject, DCAT.theme, theme))
        for triple in self.themes.triples((theme, None, None)):
            if not isinstance(triple[2], Literal) or triple[2].language in (None, CATALOG_LANGUAGE):
                self.graph.add(triple)

    def _values(self, subject: NamedNode, predicate: URIRef) -> list[Any]:
        predicate_node = NamedNode(str(predicate))
        quads = self.data.quads_for_pattern(subject, predicate_node, None, None)
        values = sorted({quad.object for quad in quads}, key=str)
        if self._lookups is not None:  # describing a dataset: what it read, kept
            self._lookups.append((subject, predicate_node))
            for value in values:
                self._looked_up.update(f"{value}\n".encode())
            self._looked_up.update(b"\0")
        return values

    def _iris(self, subject: NamedNode, predicate: URIRef) -> list[str]:
        return [v.value for v in self._values(subject, predicate) if isinstance(v, NamedNode)]

    def _literals(self, subject: NamedNode, predicate: URIRef) -> list[Literal]:
        values = self._values(subject, predicate)
        return [_rdflib_literal(v) for v in values if isinstance(v, OxLiteral)]

    def _label(self, subject: NamedNode) -> str | None:
        """The preferred label of a resource of the data (its skos:prefLabel, else rdfs:label)."""
        for predicate in (SKOS.prefLabel, RDFS.label):
            literals = [v for v in self._values(subject, predicate) if isinstance(v, OxLiteral)]
            if literals:
                return preferred_literal(literals)
        return None

    def named_graph(self) -> NamedGraph:
        """The catalog: its own statements and its datasets', sorted N-Triples."""
        iri = self.iris.graph(GRAPH_NAME)
        lines = sorted(self.dataset_lines.union(_ntriples_lines(self.graph)))
        body = ("\n".join(lines) + "\n").encode()
        return NamedGraph(iri=iri, ntriples=body, triple_count=len(lines))


#: The build cache's kind for a dataset's description (:meth:`_CatalogMaker.add_dataset`).
DATASET_MEMO = "catalog-dataset"


@dataclass(frozen=True)
class _DatasetDescription:
    """A dataset's description as the catalog holds it, and what it was made from: the
    lookups of the data made (subject, predicate) and the digest of what they gave."""

    lines: tuple[str, ...]  # N-Triples
    publishers: tuple[str, ...]  # the plan's publishers
    modified: str  # its dct:modified
    lookups: tuple[tuple[str, str], ...]
    lookups_digest: str


def _ntriples_lines(graph: Graph) -> tuple[str, ...]:
    """The graph's triples as N-Triples lines: each line depends on its triple only, so
    the lines of graphs made apart are those of their union."""
    return tuple(line for line in graph.serialize(format="nt").splitlines() if line)


def add_range_types(g: Graph) -> None:
    """Type the values of properties whose range DCAT-AP 3 states (its range shapes):
    media types, file types, languages, standards, documents, licence types. The
    authority tables and IANA do not type them so; a harvester checking ranges needs it.
    Each statement's type depends on that statement only: the types of parts of a graph
    typed apart are those of the whole."""
    for predicate, cls in RANGES:
        for value in set(g.objects(None, predicate)):
            if isinstance(value, URIRef):
                g.add((value, RDF.type, cls))


def first_published(history: History, distribution: str, file: DownloadFile, today: str) -> str:
    """When ``file``, a ``distribution``, was first published: the time ``history``
    gives it when its checksum is unchanged, else ``today`` (ISO 8601)."""
    sha256, modified = history.get(distribution, ("", ""))
    return modified if sha256 == file.sha256 and modified else today


def modified_literal(value: str) -> Literal:
    """A ``dct:modified``: an ``xsd:dateTime`` (a build's time), or an ``xsd:date`` (the
    day, in catalogs made before lodplan dated to the second)."""
    return Literal(value, datatype=XSD.dateTime if "T" in value else XSD.date)


def publication_dates(
    history: History, base_iri: str, today: date | None = None
) -> PublicationDate:
    """The day a file of a plan was first published, as the catalog will date its
    distribution (:func:`first_published`; a file that is no distribution: ``today``).
    What the workbook of a plan is dated with, from its CSV: dated so, unchanged rows
    keep the workbook's bytes."""
    day = (today or datetime.now(UTC).date()).isoformat()
    kinds = load_distribution_kinds()
    iris = IriMinter(base_iri)

    def published(plan_id: str, file: DownloadFile) -> str:
        for kind in kinds:
            if kind.file_name(plan_id) == file.name:
                distribution = f"{iris.dataset(plan_id)}#{kind.id}"
                return first_published(history, distribution, file, day)[:10]  # the day
        return day

    return published


def history_of(triples: Iterable[Triple]) -> dict[str, tuple[str, str]]:
    """The :data:`History` in a catalog graph's triples (those of a published build)."""
    checksum_of: dict[str, str] = {}
    value_of: dict[str, str] = {}
    modified_of: dict[str, str] = {}
    for triple in triples:
        predicate, subject, value = triple.predicate.value, triple.subject, triple.object
        if predicate == str(SPDX.checksum) and isinstance(subject, NamedNode):
            checksum_of[subject.value] = str(value)
        elif predicate == str(SPDX.checksumValue) and isinstance(value, OxLiteral):
            value_of[str(subject)] = value.value
        elif predicate == str(DCTERMS.modified) and isinstance(subject, NamedNode):
            modified_of[subject.value] = value.value if isinstance(value, OxLiteral) else ""
    return {
        distribution: (value_of.get(checksum, ""), modified_of[distribution])
        for distribution, checksum in checksum_of.items()
        if distribution in modified_of
    }


def served_history(publisher: object, base_iri: str) -> dict[str, tuple[str, str]]:
    """The :data:`History` of the catalog a publisher's store serves now (empty if none).

    An embedded store reads its current build; a remote engine is asked over SPARQL. If
    the served catalog cannot be read, its dates are lost: every distribution is dated
    from this build."""
    from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore
    from lodplan.store.remote import RemotePublisher, RemoteStore

    graph = IriMinter(base_iri).graph(GRAPH_NAME)
    try:
        if isinstance(publisher, EmbeddedPublisher):
            return history_of(EmbeddedStore(publisher.root).graph_triples(graph))
        if isinstance(publisher, RemotePublisher):
            return history_of(RemoteStore(publisher.endpoint, base_iri).graph_triples(graph))
    except (LodplanError, OSError):  # nothing published yet, or the engine cannot say
        pass
    return {}


def _fallback_description(plan_id: str, titles: list[Literal]) -> Literal:
    """DCAT-AP requires a description; a mapping without one gets this sentence."""
    title = str(titles[0]) if titles else plan_id
    return Literal(f"Plan « {title} », publié en données liées avec lodplan.", lang="fr")


def _rdflib_literal(term: Any) -> Literal:
    """An rdflib literal equal to a pyoxigraph one (language or datatype kept)."""
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))
