"""Places the plans name (``mappings/places.yaml``): territories outside the COG and
the names plans give to places (decisions on ambiguous names are reviews, see
:mod:`lodplan.mapping.reviews`).

A place is designated by a *reference*:

* ``commune:57463``, ``epci:200039865``, ``departement:57``, ``region:44`` — the
  Code officiel géographique (:mod:`lodplan.referentials.cog`);
* ``country:LU`` — the EU country table (ISO 3166 alpha-2);
* ``<id>`` — a territory declared in ``places.yaml`` (Grande Région, Sarre…).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS

from lodplan.errors import MappingError
from lodplan.iris import OFFICIAL_LEVELS, IriMinter
from lodplan.referentials.geo import WKT_LITERAL, Box, union
from lodplan.terms import LP, TERRITORY_KIND

PLACES_FORMAT_VERSION = 1
COUNTRY_PREFIX = "country:"
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
OFFICIAL_REF = re.compile(rf"^(?P<level>{'|'.join(OFFICIAL_LEVELS)}):(?P<code>[0-9AB]{{2,9}})$")


@dataclass(frozen=True)
class Territory:
    """A place without an official identifier, described by lodplan."""

    id: str
    label: dict[str, str]
    kind: str
    names: tuple[str, ...] = ()
    part_of: tuple[str, ...] = ()  # references of the places it lies in
    made_of: tuple[str, ...] = ()  # references of the places that together make it


@dataclass
class Places:
    territories: dict[str, Territory] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # name as written → reference
    path: Path | None = None

    def references(self) -> list[tuple[str, str]]:
        """Every place reference the file makes, with the field that makes it."""
        found = [(ref, f"names.{name}") for name, ref in self.names.items()]
        found += [
            (ref, f"territories.{t.id}.part-of")
            for t in self.territories.values()
            for ref in t.part_of
        ]
        found += [
            (ref, f"territories.{t.id}.made-of")
            for t in self.territories.values()
            for ref in t.made_of
        ]
        return found


def fold(text: str) -> str:
    """Lowercase without accents ("Montigny-lès-Metz" and "MONTIGNY-LES-METZ" compare equal)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_name(text: str) -> str:
    """A name folded (see :func:`fold`), its words separated by one space."""
    return " ".join(re.findall(r"[^\W_]+", fold(text)))


def official_code(ref: str) -> tuple[str, str] | None:
    """(level, code) of a COG reference such as ``epci:200039865``, else ``None``."""
    official = OFFICIAL_REF.match(ref)
    return (official["level"], official["code"]) if official else None


def is_reference(ref: str, places: Places) -> bool:
    return (
        bool(OFFICIAL_REF.match(ref))
        or ref.startswith(COUNTRY_PREFIX)
        or (ref in places.territories)
    )


def reference_iri(ref: str, iris: IriMinter, countries: dict[str, str]) -> str | None:
    """The IRI a reference designates (``None`` if it designates nothing known)."""
    official = OFFICIAL_REF.match(ref)
    if official:
        return iris.official_territory(official["level"], official["code"])
    if ref.startswith(COUNTRY_PREFIX):
        return countries.get(ref.removeprefix(COUNTRY_PREFIX))
    return iris.territory(ref) if IDENTIFIER.match(ref) else None


def load_places(path: Path) -> Places:
    path = Path(path)
    if not path.is_file():
        return Places(path=path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}

    def fail(message: str, where: str) -> MappingError:
        return MappingError(message, file=path, field=where)

    if data.get("lodplan-places") != PLACES_FORMAT_VERSION:
        raise fail(f"this lodplan reads places format {PLACES_FORMAT_VERSION}", "lodplan-places")
    if "reviews" in data:
        raise fail("reviews moved to mappings/reviews.yaml (lodplan-reviews: 1)", "reviews")
    unknown = set(data) - {"lodplan-places", "territories", "names"}
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))}", "")
    places = Places(path=path)
    for territory_id, fields in (data.get("territories") or {}).items():
        places.territories[territory_id] = _territory(territory_id, fields, fail)
    for name, ref in (data.get("names") or {}).items():
        places.names[str(name)] = str(ref)
    _check_references(places, fail)
    return places


def places_graph(
    places: Places,
    iris: IriMinter,
    countries: dict[str, str],
    official_box: Callable[[str], Box | None] = lambda ref: None,
) -> Graph:
    """The territories declared in ``places.yaml`` (the named graph ``places``).

    A territory ``made-of`` places that all have a bounding box (``official_box``
    gives those of the COG's territories) gets the union of their boxes.
    """
    graph = Graph()
    for territory in places.territories.values():
        node = URIRef(iris.territory(territory.id))
        graph.add((node, RDF.type, LP.Territory))
        graph.add((node, RDF.type, DCTERMS.Location))
        for lang, text in territory.label.items():
            graph.add((node, RDFS.label, Literal(text, lang=lang)))
            graph.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
        for name in territory.names:
            if name not in territory.label.values():
                graph.add((node, SKOS.altLabel, Literal(name)))
        graph.add((node, LP.territoryKind, TERRITORY_KIND[territory.kind]))
        for ref in territory.part_of:
            parent = reference_iri(ref, iris, countries)
            if parent is not None:
                graph.add((node, DCTERMS.isPartOf, URIRef(parent)))
        for ref in territory.made_of:
            part = reference_iri(ref, iris, countries)
            if part is not None:
                graph.add((node, DCTERMS.hasPart, URIRef(part)))
        box = _box(territory.id, places, official_box, set())
        if box is not None:
            graph.add((node, DCAT.bbox, Literal(box.wkt, datatype=URIRef(WKT_LITERAL))))
    return graph


def _box(
    ref: str, places: Places, official_box: Callable[[str], Box | None], seen: set[str]
) -> Box | None:
    territory = places.territories.get(ref)
    if territory is None:
        return official_box(ref)
    if ref in seen or not territory.made_of:  # a cycle, or nothing known to make it
        return None
    return union(_box(part, places, official_box, seen | {ref}) for part in territory.made_of)


def _territory(territory_id: str, fields: Any, fail) -> Territory:
    where = f"territories.{territory_id}"
    if not IDENTIFIER.match(str(territory_id)):
        raise fail("is not an identifier (lowercase words joined by -)", where)
    if not isinstance(fields, dict) or not isinstance(fields.get("label"), dict):
        raise fail("needs a label like {fr: '…'} and a kind", where)
    unknown = set(fields) - {"label", "kind", "names", "part-of", "made-of"}
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))}", where)
    for lang in fields["label"]:
        if not LANGUAGE_TAG.match(str(lang)):
            raise fail(f"{lang!r} is not a language tag (fr, en, de…)", f"{where}.label")
    if not fields.get("kind"):
        raise fail("is required (a concept of the territory-kind list)", f"{where}.kind")
    return Territory(
        id=territory_id,
        label={str(k): str(v) for k, v in fields["label"].items()},
        kind=str(fields["kind"]),
        names=tuple(str(n) for n in fields.get("names") or ()),
        part_of=tuple(str(p) for p in fields.get("part-of") or ()),
        made_of=tuple(str(p) for p in fields.get("made-of") or ()),
    )


def _check_references(places: Places, fail) -> None:
    for ref, where in places.references():
        if not is_reference(ref, places):
            raise fail(
                f"{ref!r} is not a place: use commune:<INSEE code>, epci:<SIREN>, "
                "departement:<code>, region:<code>, country:<ISO alpha-2> or a territory id",
                where,
            )
