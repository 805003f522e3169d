"""mappings/reviews.yaml: decisions on names, where they apply, errors."""

from __future__ import annotations

import pytest

from lodplan.bundled import mappings_dir
from lodplan.errors import MappingError
from lodplan.mapping.reviews import load_reviews


def write(tmp_path, text: str):
    path = tmp_path / "reviews.yaml"
    path.write_text("lodplan-reviews: 1\n" + text, encoding="utf-8")
    return path


def known(ref: str) -> bool:
    return ref in {"country:LU", "massif-du-jura", "actor:insee"}


def test_the_most_specific_review_applies(tmp_path):
    reviews = load_reviews(write(tmp_path, """reviews:
  - {name: Jura, target: country:LU, reason: anywhere}
  - {name: Jura, plans: [p], target: actor:insee, reason: in p}
  - {name: Jura, plans: [p], lines: [3, "10-12"], target: massif-du-jura, reason: at lines}
"""), known)  # fmt: skip
    assert reviews.for_name("JURA", "q", range(1, 2)).reason == "anywhere"
    assert reviews.for_name("jura", "p", range(1, 2)).reason == "in p"
    assert reviews.for_name("Jura", "p", range(11, 12)).reason == "at lines"
    assert reviews.for_name("Doubs", "p", range(11, 12)) is None
    assert [r.reason for r in reviews.in_plan("q")] == ["anywhere"]


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("reviews: [{name: Jura, reason: r}]\n", "reviews[0]", "target"),
        ("reviews: [{name: Jura, target: x, reason: r, other: 1}]\n", "reviews[0]", "target"),
        ("reviews: [{name: Jura, target: commune:99999, reason: r}]\n", "reviews[0].target",
         "neither a place"),
        ("reviews: [{name: Jura, target: actor:nobody, reason: r}]\n", "reviews[0].target",
         "actor:<id>"),
        ("reviews: [{name: Jura, target: null, reason: r, lines: [a-b]}]\n", "reviews[0].lines",
         "neither a line nor a range"),
        ("reviews: []\nplaces: {}\n", "", "unknown key"),
    ],
)  # fmt: skip
def test_errors_name_the_field(tmp_path, text, field, message):
    with pytest.raises(MappingError) as error:
        load_reviews(write(tmp_path, text), known)
    assert field in str(error.value) and message in str(error.value)


def test_the_format_version_is_required(tmp_path):
    path = tmp_path / "reviews.yaml"
    path.write_text("reviews: []\n", encoding="utf-8")
    with pytest.raises(MappingError, match="lodplan-reviews"):
        load_reviews(path, known)


def test_the_bundled_reviews_load_and_a_missing_file_means_none(tmp_path):
    reviews = load_reviews(mappings_dir() / "reviews.yaml", lambda _ref: True)
    luxembourg = reviews.for_name("LUXEMBOURG", "any-plan", range(1, 2))
    assert luxembourg is not None and luxembourg.target == "country:LU"
    assert all(r.reason for r in reviews.items)
    assert load_reviews(tmp_path / "none.yaml", known).items == []
