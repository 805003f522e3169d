"""INSEE's Code officiel géographique (COG): régions, départements, EPCI and communes.

The data is ``referentials/cog/cog.json.gz``, derived offline by
``tools/derive_cog.py`` from the npm package @etalab/decoupage-administratif
(layout in ``referentials/cog/README.md``). Here it is only read and turned into
the ``cog`` named graph, whose N-Triples are written as text: the graph has about
half a million triples, and building them through an RDF library would take far
longer than the rest of a build.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lodplan.bundled import referentials_dir
from lodplan.dataset import NamedGraph
from lodplan.errors import LodplanError
from lodplan.iris import IriMinter
from lodplan.referentials.geo import (
    WKT_LITERAL,
    BoundingBoxes,
    Box,
    bundled_boxes,
    multipolygon,
    union,
)

FORMAT = "lodplan-cog/1"
GRAPH_NAME = "cog"

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_DCT = "http://purl.org/dc/terms/"
_PROV = "http://www.w3.org/ns/prov#"
_IGEO = "http://rdf.insee.fr/def/geo#"
_DCAT = "http://www.w3.org/ns/dcat#"
_LOCN = "http://www.w3.org/ns/locn#"
FRANCE = "http://publications.europa.eu/resource/authority/country/FRA"
# the régions d'outre-mer (COG codes): Guadeloupe, Martinique, Guyane, La Réunion, Mayotte
OVERSEAS_REGIONS = frozenset({"01", "02", "03", "04", "06"})
_LP = "https://w3id.org/lodplan/ontology#"

_A = f"<{_RDF}type>"
_LABEL = f"<{_RDFS}label>"
_NOM = f"<{_IGEO}nom>"
_CODE_INSEE = f"<{_IGEO}codeINSEE>"
_SIREN = f"<{_LP}siren>"
_KEY_FIGURES = f"<{_LP}keyFigures>"


class CogError(LodplanError):
    """The COG referential file is missing or unreadable."""

    def __init__(self, file: Path | str, message: str) -> None:
        self.file = str(file)
        super().__init__(f"{self.file}: {message}")


@dataclass(frozen=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: str


@dataclass(frozen=True)
class Epci:
    siren: str
    name: str
    kind: str  # the DGCL's nature juridique: CC, CA, CU, METRO, MET69
    population: int | None
    members: tuple[str, ...]  # INSEE codes of the member communes, sorted
    population_year: int | None = None


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    departement: str
    region: str
    siren: str | None
    population: int | None
    population_year: int | None = None


@dataclass(frozen=True)
class CogSource:
    """Where the referential comes from, as the derived file records it."""

    package: str
    version: str
    integrity: str | None
    package_url: str
    cog_year: int
    cog_url: str
    licence: str
    licence_url: str
    population_definition: str
    population_year: int
    population_note: str
    # Départements whose figures are of another census (Mayotte), as (code, year) pairs.
    population_year_by_departement: tuple[tuple[str, int], ...] = ()
    derived_by: str = ""

    def population_year_of(self, departement: str) -> int:
        return dict(self.population_year_by_departement).get(departement, self.population_year)

    @property
    def label(self) -> str:
        return (
            f"Code officiel géographique {self.cog_year} (INSEE), via {self.package} {self.version}"
        )

    def population_description(self, year: int) -> str:
        definition = self.population_definition
        return (
            f"{definition[:1].upper()}{definition[1:]} "
            f"(populations légales de l'INSEE, recensement {year})"
        )


class CogReferential:
    """The régions, départements, EPCI (by SIREN) and communes (by INSEE code) of the COG."""

    def __init__(
        self,
        source: CogSource,
        regions: dict[str, Region],
        departements: dict[str, Departement],
        epcis: dict[str, Epci],
        communes: dict[str, Commune],
        boxes: BoundingBoxes | None = None,
    ) -> None:
        self.source = source
        self.boxes = boxes
        self.regions = regions
        self.departements = departements
        self.epcis = epcis
        self.communes = communes
        self._epcis_by_commune: dict[str, list[str]] = {}
        for siren in sorted(epcis):
            for code in epcis[siren].members:
                self._epcis_by_commune.setdefault(code, []).append(siren)

    def has(self, level: str, code: str) -> bool:
        """Whether the territory ``level``/``code`` (as in ``epci:<SIREN>``) exists."""
        tables: dict[str, Mapping[str, object]] = {
            "region": self.regions, "departement": self.departements,
            "epci": self.epcis, "commune": self.communes,
        }  # fmt: skip
        return code in tables.get(level, {})

    def box(self, level: str, code: str) -> Box | None:
        """The bounding box of ``level``/``code``: of an EPCI if every member has one, of a
        département or région from its communes' (see BoundingBoxes.of_area)."""
        if self.boxes is None or not self.has(level, code):
            return None
        if level == "commune":
            return self.boxes.communes.get(code)
        if level == "epci":
            return self.boxes.of_communes(self.epcis[code].members)
        return self.boxes.of_area(self._communes_in(level)[code])

    def france_parts(self) -> list[Box]:
        """France as boxes: metropolitan France, then each région d'outre-mer (one box
        over all of them would cover the Atlantic and Africa)."""
        overseas = sorted(code for code in self.regions if code in OVERSEAS_REGIONS)
        metropolitan = union(self.box("region", c) for c in self.regions if c not in overseas)
        parts = [metropolitan, *(self.box("region", code) for code in overseas)]
        return [box for box in parts if box is not None] if all(parts) else []

    @functools.cached_property
    def _communes_by_area(self) -> dict[str, dict[str, list[str]]]:
        by_area: dict[str, dict[str, list[str]]] = {"departement": {}, "region": {}}
        for commune in self.communes.values():
            by_area["departement"].setdefault(commune.departement, []).append(commune.code)
            by_area["region"].setdefault(commune.region, []).append(commune.code)
        return by_area

    def _communes_in(self, level: str) -> dict[str, list[str]]:
        return self._communes_by_area[level]

    def epcis_of_commune(self, code: str) -> list[Epci]:
        """The EPCI the commune ``code`` belongs to (none, or one), by SIREN."""
        return [self.epcis[siren] for siren in self._epcis_by_commune.get(code, [])]

    @classmethod
    def load(cls, path: Path, boxes: BoundingBoxes | None = None) -> CogReferential:
        try:
            with gzip.open(path, "rt", encoding="utf-8") as stream:
                document = json.load(stream)
        except FileNotFoundError as exc:
            raise CogError(path, "the COG referential file is missing") from exc
        except (OSError, EOFError, ValueError) as exc:
            raise CogError(path, f"not a gzip-compressed JSON COG referential ({exc})") from exc
        try:
            cog = _parse(document)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise CogError(path, f"not a {FORMAT} COG referential ({exc!r})") from exc
        cog.boxes = boxes
        return cog

    def named_graph(self, iris: IriMinter) -> NamedGraph:
        """The ``cog`` graph: same referential, same base IRI, same bytes."""
        lines = sorted(set(_GraphWriter(self, iris).lines()))
        return NamedGraph(
            iris.graph(GRAPH_NAME), "".join(line + "\n" for line in lines).encode(), len(lines)
        )


@functools.cache
def bundled_cog() -> CogReferential:
    """The COG referential shipped with lodplan (read once per process)."""
    return CogReferential.load(referentials_dir() / "cog" / "cog.json.gz", bundled_boxes())


# --- reading the derived file ---


def _parse(document: dict[str, Any]) -> CogReferential:
    if document["format"] != FORMAT:
        raise ValueError(f"format {document['format']!r}, expected {FORMAT!r}")
    source = _source(document["source"])
    regions = {code: Region(code, name) for code, name in document["regions"]}
    departements = {
        code: Departement(code, name, region) for code, name, region in document["departements"]
    }
    communes = {}
    for code, name, departement, region, siren, population in document["communes"]:
        year = source.population_year_of(departement) if population is not None else None
        communes[code] = Commune(code, name, departement, region, siren, population, year)
    epcis = {}
    for siren, name, kind, population, members in document["epcis"]:
        # The derivation checks that the members of an EPCI share their census year.
        year = communes[members[0]].population_year if population is not None else None
        epcis[siren] = Epci(siren, name, kind, population, tuple(members), year)
    return CogReferential(source, regions, departements, epcis, communes)


def _source(record: dict[str, Any]) -> CogSource:
    return CogSource(
        package=record["package"],
        version=record["version"],
        integrity=record["integrity"],
        package_url=record["package_url"],
        cog_year=int(record["cog_year"]),
        cog_url=record["cog_url"],
        licence=record["licence"],
        licence_url=record["licence_url"],
        population_definition=record["population_definition"],
        population_year=int(record["population_year"]),
        population_note=record["population_note"],
        population_year_by_departement=tuple(
            sorted(
                (code, int(year)) for code, year in record["population_year_by_departement"].items()
            )
        ),
        derived_by=record.get("derived_by", ""),
    )


# --- writing N-Triples ---

# N-Triples (RDF 1.1) string escapes; other characters, accents included, stay as UTF-8.
_LITERAL_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"} | {
    code: f"\\u{code:04X}" for code in (*range(0x20), 0x7F) if code not in (0x0A, 0x0D)
}
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _iri(value: str) -> str:
    if _IRI_FORBIDDEN.search(value):
        raise ValueError(f"not usable as an IRI in N-Triples: {value!r}")
    return f"<{value}>"


def _text(value: str, language: str | None = None) -> str:
    escaped = f'"{value.translate(_LITERAL_ESCAPES)}"'
    return f"{escaped}@{language}" if language else escaped


def _typed(value: int, datatype: str) -> str:
    return f'"{value}"^^<{_XSD}{datatype}>'


class _GraphWriter:
    """The N-Triples lines of one referential under one base IRI (unsorted, may repeat)."""

    def __init__(self, cog: CogReferential, iris: IriMinter) -> None:
        self.cog = cog
        self.iris = iris
        self.source_iri = _iri(iris.source(GRAPH_NAME))
        self.out: list[str] = []

    def lines(self) -> list[str]:
        self._source()
        for region in self.cog.regions.values():
            self._region(region)
        for departement in self.cog.departements.values():
            self._departement(departement)
        for epci in self.cog.epcis.values():
            self._epci(epci)
        for commune in self.cog.communes.values():
            self._commune(commune)
        self._france()
        return self.out

    def _france(self) -> None:
        """France's geometry, on the EU country IRI plans use for it (portals read a
        dataset's coverage only as a geometry)."""
        parts = self.cog.france_parts()
        if parts:
            wkt = multipolygon(parts)
            self._add(_iri(FRANCE), f"<{_LOCN}geometry>", f'"{wkt}"^^<{WKT_LITERAL}>')

    def _add(self, subject: str, predicate: str, obj: str) -> None:
        self.out.append(f"{subject} {predicate} {obj} .")

    def _territory(self, level: str, code: str) -> str:
        return _iri(self.iris.official_territory(level, code))

    def _named(self, subject: str, cls: str, name: str) -> None:
        label = _text(name, "fr")
        self._add(subject, _A, f"<{_IGEO}{cls}>")
        self._add(subject, _LABEL, label)
        self._add(subject, _NOM, label)

    def _source(self) -> None:
        source = self.cog.source
        self._add(self.source_iri, _A, f"<{_PROV}Entity>")
        self._add(self.source_iri, _LABEL, _text(source.label, "fr"))
        self._add(self.source_iri, f"<{_OWL}versionInfo>", _text(source.version))
        for url in (source.package_url, source.cog_url):
            self._add(self.source_iri, f"<{_DCT}source>", _iri(url))
        self._add(self.source_iri, f"<{_DCT}license>", _iri(source.licence_url))
        if self.cog.boxes is not None:  # the boxes' contours: another source, same licence
            contours = str(self.cog.boxes.source["contours"])
            self._add(self.source_iri, f"<{_DCT}source>", _iri(contours))

    def _box(self, subject: str, level: str, code: str) -> None:
        box = self.cog.box(level, code)
        if box is not None:
            self._add(subject, f"<{_DCAT}bbox>", f'"{box.wkt}"^^<{WKT_LITERAL}>')

    def _region(self, region: Region) -> None:
        subject = self._territory("region", region.code)
        self._named(subject, "Region", region.name)
        self._add(subject, _CODE_INSEE, _text(region.code))
        self._box(subject, "region", region.code)

    def _departement(self, departement: Departement) -> None:
        subject = self._territory("departement", departement.code)
        self._named(subject, "Departement", departement.name)
        self._add(subject, _CODE_INSEE, _text(departement.code))
        self._box(subject, "departement", departement.code)
        region = self._territory("region", departement.region)
        self._add(subject, f"<{_IGEO}subdivisionDirecteDe>", region)

    def _epci(self, epci: Epci) -> None:
        subject = self._territory("epci", epci.siren)
        self._named(subject, "Intercommunalite", epci.name)
        self._add(subject, _SIREN, _text(epci.siren))
        self._add(subject, f"<{_DCT}type>", _text(epci.kind))
        self._box(subject, "epci", epci.siren)
        for code in epci.members:
            self._add(subject, f"<{_IGEO}subdivisionDirecte>", self._territory("commune", code))
        if epci.population is not None and epci.population_year is not None:
            figures = self._figures(subject, epci.population, epci.population_year)
            self._add(figures, f"<{_LP}communeCount>", _typed(len(epci.members), "integer"))

    def _commune(self, commune: Commune) -> None:
        subject = self._territory("commune", commune.code)
        self._named(subject, "Commune", commune.name)
        self._add(subject, _CODE_INSEE, _text(commune.code))
        self._box(subject, "commune", commune.code)
        if commune.siren:
            self._add(subject, _SIREN, _text(commune.siren))
        for level, code in (("departement", commune.departement), ("region", commune.region)):
            self._add(subject, f"<{_IGEO}subdivisionDe>", self._territory(level, code))
        if commune.population is not None and commune.population_year is not None:
            self._figures(subject, commune.population, commune.population_year)

    def _figures(self, territory: str, population: int, year: int) -> str:
        """The territory's key figures from the COG; returns the node for more figures."""
        node = territory[:-1] + "#figures-cog>"
        description = self.cog.source.population_description(year)
        self._add(territory, _KEY_FIGURES, node)
        self._add(node, _A, f"<{_LP}KeyFigures>")
        self._add(node, f"<{_LP}population>", _typed(population, "integer"))
        self._add(node, f"<{_LP}referenceYear>", _typed(year, "gYear"))
        self._add(node, f"<{_DCT}description>", _text(description, "fr"))
        self._add(node, f"<{_PROV}wasDerivedFrom>", self.source_iri)
        return node
