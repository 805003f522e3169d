"""mappings/places.yaml: territories, names, references, errors."""

from __future__ import annotations

import pytest

from lodplan.bundled import mappings_dir
from lodplan.errors import MappingError
from lodplan.iris import IriMinter
from lodplan.referentials.places import load_places, places_graph, reference_iri
from lodplan.terms import LP
from tests.conftest import TEST_BASE

COUNTRIES = {"LU": "http://publications.europa.eu/resource/authority/country/LUX"}


def write(tmp_path, text: str):
    path = tmp_path / "places.yaml"
    path.write_text("lodplan-places: 1\n" + text, encoding="utf-8")
    return path


def test_references_designate_official_territories_countries_and_places():
    iris = IriMinter(TEST_BASE)
    assert reference_iri("commune:57463", iris, COUNTRIES) == TEST_BASE + "territory/commune/57463"
    assert (
        reference_iri("epci:200039865", iris, COUNTRIES) == TEST_BASE + "territory/epci/200039865"
    )
    assert reference_iri("country:LU", iris, COUNTRIES) == COUNTRIES["LU"]
    assert reference_iri("grande-region", iris, COUNTRIES) == TEST_BASE + "territory/grande-region"


def test_the_bundled_places_load_and_make_a_graph():
    places = load_places(mappings_dir() / "places.yaml")
    assert places.territories["grande-region"].kind == "espace-de-cooperation"
    graph = places_graph(places, IriMinter(TEST_BASE), COUNTRIES)
    assert len(set(graph.subjects(predicate=LP.territoryKind))) == len(places.territories)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("names: {Metz: commune:ABC}\n", "names.Metz", "is not a place"),
        ("territories: {x: {label: {fr: X}, kind: autre, part-of: [nowhere]}}\n",
         "territories.x.part-of", "is not a place"),
        ("territories: {X: {label: {fr: X}, kind: autre}}\n", "territories.X", "identifier"),
        ("territories: {x: {label: {'Canada)': X}, kind: autre}}\n", "territories.x.label",
         "language tag"),
        ("reviews: []\n", "reviews", "reviews.yaml"),
    ],
)  # fmt: skip
def test_errors_name_the_field(tmp_path, text, field, message):
    with pytest.raises(MappingError) as error:
        load_places(write(tmp_path, text))
    assert field in str(error.value) and message in str(error.value)


def test_a_missing_file_means_no_places(tmp_path):
    assert load_places(tmp_path / "none.yaml").territories == {}
