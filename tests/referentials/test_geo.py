"""Bounding boxes of communes and of the territories made of them."""

from __future__ import annotations

import functools
import gzip
import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS
from tools.derive_bboxes import current_boxes

from lodplan.bundled import mappings_dir
from lodplan.errors import LodplanError
from lodplan.iris import IriMinter
from lodplan.referentials.cog import bundled_cog
from lodplan.referentials.geo import WKT_LITERAL, BoundingBoxes, Box, bundled_boxes, union
from lodplan.referentials.places import load_places, places_graph
from tests.conftest import TEST_BASE

# Metz cathedral, from IGN's map: longitude 6.1757, latitude 49.1202
METZ_CATHEDRAL = (6.1757, 49.1202)
METZ, EUROMETROPOLE_DE_METZ, MOSELLE = "57463", "200039865", "57"


@functools.cache
def cog_lines() -> list[str]:
    return bundled_cog().named_graph(IriMinter(TEST_BASE)).ntriples.decode().splitlines()


def lines_about(cog, fragment: str) -> str:
    """The cog graph's N-Triples lines whose subject contains ``fragment`` (parsing all
    half-million triples with rdflib would take 20 s)."""
    assert cog is bundled_cog()
    return "\n".join(line for line in cog_lines() if fragment in line.split(" ", 1)[0])


def contains(outer: Box, inner: Box) -> bool:
    return (
        outer.west <= inner.west
        and outer.south <= inner.south
        and inner.east <= outer.east
        and inner.north <= outer.north
    )


def test_a_box_is_a_closed_wkt_polygon_longitude_first():
    box = Box(6.1, 49.0, 6.3, 49.2)
    assert box.wkt == "POLYGON((6.1 49, 6.3 49, 6.3 49.2, 6.1 49.2, 6.1 49))"


def test_a_union_is_unknown_when_one_part_is():
    a, b = Box(0, 0, 1, 1), Box(2, -1, 3, 0.5)
    assert union([a, b]) == Box(0, -1, 3, 1)
    assert union([a, None]) is None  # a box smaller than the territory would misplace it
    assert union([]) is None


def test_every_current_commune_has_a_box_but_those_the_source_lacks():
    boxes = bundled_boxes()
    cog = bundled_cog()
    missing = set(boxes.source["missing"])  # type: ignore[arg-type]
    assert len(missing) < 10  # communes restored since the 2018 contours
    assert set(boxes.communes) | missing == set(cog.communes)


def test_boxes_hold_what_they_should():
    cog = bundled_cog()
    metz = cog.box("commune", METZ)
    assert metz is not None
    lon, lat = METZ_CATHEDRAL
    assert metz.west < lon < metz.east and metz.south < lat < metz.north
    epci, departement = cog.box("epci", EUROMETROPOLE_DE_METZ), cog.box("departement", MOSELLE)
    assert epci is not None and departement is not None and cog.box("region", "44") is not None
    assert contains(epci, metz) and contains(departement, epci)
    assert not contains(metz, epci)
    assert cog.box("epci", "000000000") is None


def test_the_cog_graph_gives_territories_a_typed_bbox():
    graph = Graph()
    graph.parse(data=lines_about(bundled_cog(), "territory/epci/"), format="nt")
    epci = URIRef(TEST_BASE + "territory/epci/" + EUROMETROPOLE_DE_METZ)
    (bbox,) = graph.objects(epci, DCAT.bbox)
    assert isinstance(bbox, Literal) and str(bbox.datatype) == WKT_LITERAL
    assert str(bbox) == bundled_cog().box("epci", EUROMETROPOLE_DE_METZ).wkt  # type: ignore[union-attr]


def test_a_place_made_of_territories_gets_their_union(tmp_path):
    path = tmp_path / "places.yaml"
    path.write_text(
        "lodplan-places: 1\nterritories:\n"
        "  two:\n    label: {fr: Deux}\n    kind: groupement-de-territoires\n"
        "    made-of: [commune:57463, commune:57672]\n"
        "  unknown-part:\n    label: {fr: Trou}\n    kind: groupement-de-territoires\n"
        "    made-of: [two, commune:99999]\n"
        "  of-two:\n    label: {fr: Tout}\n    kind: groupement-de-territoires\n"
        "    made-of: [two]\n",
        encoding="utf-8",
    )
    cog, iris = bundled_cog(), IriMinter(TEST_BASE)
    graph = places_graph(load_places(path), iris, {}, lambda ref: cog.box(*ref.split(":")))
    expected = union([cog.box("commune", METZ), cog.box("commune", "57672")])
    assert expected is not None
    for place in ("two", "of-two"):
        node = URIRef(iris.territory(place))
        assert [str(b) for b in graph.objects(node, DCAT.bbox)] == [expected.wkt]
    assert len(list(graph.objects(URIRef(iris.territory("two")), DCTERMS.hasPart))) == 2
    assert list(graph.objects(URIRef(iris.territory("unknown-part")), DCAT.bbox)) == []


def test_the_bundled_nord_franche_comte_is_its_five_epci():
    places = load_places(mappings_dir() / "places.yaml")
    assert len(places.territories["nord-franche-comte"].made_of) == 5


def test_merged_communes_get_the_union_of_their_former_boxes():
    contours = {"01001": (0.0, 0.0, 1.0, 1.0), "01002": (1.0, -1.0, 2.0, 0.5)}
    communes = [
        {"code": "01001", "anciensCodes": ["01002"]},
        {"code": "01003"},  # restored since the contours: no box rather than a wrong one
    ]
    boxes, missing = current_boxes(communes, contours)
    assert boxes == {"01001": (0.0, -1.0, 2.0, 1.0)}
    assert missing == ["01003"]


def test_a_damaged_file_is_named(tmp_path):
    path = tmp_path / "bbox.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"format": "other"}).encode()))
    with pytest.raises(LodplanError, match=r"bbox\.json\.gz: not a lodplan-bbox/1"):
        BoundingBoxes.load(path)
    with pytest.raises(LodplanError, match="missing"):
        BoundingBoxes.load(tmp_path / "absent.json.gz")


def test_france_is_its_metropolitan_box_and_each_overseas_region():
    cog = bundled_cog()
    parts = cog.france_parts()
    assert len(parts) == 6
    metropolitan = parts[0]
    assert contains(metropolitan, cog.box("departement", MOSELLE))  # type: ignore[arg-type]
    reunion = cog.box("region", "04")
    assert reunion in parts and not contains(metropolitan, reunion)  # type: ignore[arg-type]
    graph = Graph()
    graph.parse(data=lines_about(cog, "country/FRA"), format="nt")
    france = URIRef("http://publications.europa.eu/resource/authority/country/FRA")
    (geometry,) = graph.objects(france, URIRef("http://www.w3.org/ns/locn#geometry"))
    assert str(geometry).startswith("MULTIPOLYGON(((") and str(geometry).count("((") == 6


def test_a_departement_with_a_restored_commune_still_has_a_box():
    cog = bundled_cog()
    restored = "14666"  # no box of its own (not in the 2018 contours)
    assert cog.box("commune", restored) is None
    calvados = cog.box("departement", cog.communes[restored].departement)
    assert calvados is not None
