"""The curated-outline reader on a small hand-made source and outline."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest
from rdflib import URIRef
from rdflib.namespace import RDFS

from lodplan.errors import MappingError
from lodplan.iris import IriMinter
from lodplan.mapping import map_plan
from lodplan.terms import ELEMENT_KIND, LP, OA
from tests.conftest import TEST_BASE

SOURCE = (
    "\n".join(
        [
            "MON PROJET",  # 1
            "",  # 2
            "1. PREMIER ENJEU",  # 3
            "Un défi a relever",  # 4
            "pour le terri-",  # 5
            "toire. REUNION LE 7 MARS 2024",  # 6
            "* * *",  # 7
            "page 2",  # 8
        ]
    )
    + "\n"
)

MAPPING = textwrap.dedent(
    """\
    lodplan-mapping: 1
    plan:
      id: mon-projet
      title: {fr: "Mon projet"}
      type: projet-de-territoire
      publisher: mot
      language: fr
    source:
      file: source.txt
      title: {fr: "Source"}
    reader:
      type: curated-outline
      outline: outline.yaml
    """
)

OUTLINE = textwrap.dedent(
    """\
    lodplan-outline: 1
    types:
      enjeu: {class: Objective, kind: enjeu, level-name: Enjeu, children: defi}
      defi: {class: Objective, kind: defi, level-name: Défi}
    plan:
      title: {lines: 1, quote: "MON PROJET"}
    items:
      - type: enjeu
        notation: "1"
        label: Premier enjeu
        lines: [3, 3]
        quote: "1. PREMIER ENJEU"
        children:
          - label: Un défi à relever pour le territoire
            lines: [4, 6]
            quote: "Un défi a relever\\npour le terri-\\ntoire."
            dates:
              - {text: "7 MARS 2024"}
    ignore:
      - lines: [7, 8]
        reason: layout residue and page number
    """
)


def write(tmp_path, outline=OUTLINE, source=SOURCE, mapping=MAPPING):
    (tmp_path / "source.txt").write_text(source, encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(mapping, encoding="utf-8")
    (tmp_path / "outline.yaml").write_text(outline, encoding="utf-8")
    return tmp_path / "mapping.yaml"


def run(path, vocabulary, bundled_actors):
    return map_plan(path, iris=IriMinter(TEST_BASE), vocabulary=vocabulary, actors=bundled_actors)


ENJEU = URIRef(TEST_BASE + "plan/mon-projet/element/1")
DEFI = URIRef(f"{ENJEU}/un-defi-a-relever-pour-le-territoire")


def test_levels_are_inherited_and_labels_correct_the_verbatim_quote(
    tmp_path, vocabulary, bundled_actors
):
    plan = run(write(tmp_path), vocabulary, bundled_actors)
    g = plan.graph
    assert g.value(ENJEU, LP.kind) == ELEMENT_KIND["enjeu"]
    # the child declares no type: it inherits "defi" from its parent's type
    assert g.value(DEFI, LP.kind) == ELEMENT_KIND["defi"]
    assert str(g.value(DEFI, LP.levelName)) == "Défi"
    assert g.value(DEFI, LP.partOf) == ENJEU
    assert str(g.value(DEFI, RDFS.label)) == "Un défi à relever pour le territoire"
    quote = g.value(URIRef(f"{DEFI}#quote"), OA.exact)
    assert str(quote) == "Un défi a relever\npour le terri-\ntoire."
    assert int(g.value(g.value(DEFI, LP.source), LP.endLine)) == 6
    [mention] = plan.outline.elements[0].children[0].dates
    assert (mention.start, mention.precision, mention.text) == (
        date(2024, 3, 7),
        "jour",
        "7 MARS 2024",
    )


def test_a_cited_sentence_the_data_does_not_carry_is_unaccounted(
    tmp_path, vocabulary, bundled_actors
):
    # line 6 is cited by the défi, but only "toire." (its quote) and the date phrase
    # are published: the meeting itself is in no label, description or quote
    coverage = run(write(tmp_path), vocabulary, bundled_actors).coverage
    assert [(s.line, s.text) for s in coverage.unaccounted] == [(6, "REUNION LE 7 MARS 2024")]
    assert coverage.count("used") == 5  # lines: cited by the data
    assert coverage.count("ignored") == 2


def test_a_corrected_description_carries_the_ocr_sentence(tmp_path, vocabulary, bundled_actors):
    outline = OUTLINE.replace(
        "      - label: Un défi à relever pour le territoire\n",
        "      - label: Un défi à relever pour le territoire\n"
        "        description: Réunion le 7 mars 2024.\n",
    )
    mapping = MAPPING + "coverage: {compare: ocr}\n"
    coverage = run(write(tmp_path, outline, mapping=mapping), vocabulary, bundled_actors).coverage
    assert coverage.unaccounted == []
    carried = {s.text: s.detail for s in coverage.spans if s.status == "carried"}
    assert carried["REUNION LE 7 MARS 2024"] == str(DEFI)
    # compared word for word (the default), the corrected text does not carry it
    exact = run(write(tmp_path, outline), vocabulary, bundled_actors).coverage
    assert [s.text for s in exact.unaccounted] == ["REUNION LE 7 MARS 2024"]


def test_a_sentence_is_ignored_with_its_reason(tmp_path, vocabulary, bundled_actors):
    outline = OUTLINE + (
        "  - {lines: 6, text: REUNION LE, reason: 'a meeting of the authors, not of the plan'}\n"
    )
    coverage = run(write(tmp_path, outline), vocabulary, bundled_actors).coverage
    assert coverage.unaccounted == []
    assert coverage.ignored_reasons()["a meeting of the authors, not of the plan"] == 1
    # the rest of the line is still carried: "toire." by the défi's quote
    assert [s.status for s in coverage.spans if s.line == 6] == ["carried", "ignored"]


def test_a_sentence_declaration_that_leaves_out_nothing_stops_the_mapping(
    tmp_path, vocabulary, bundled_actors
):
    outline = OUTLINE + "  - {lines: 6, text: RÉUNION, reason: typo in the declaration}\n"
    with pytest.raises(MappingError, match=r"outline\.yaml: field 'ignore\[1\]': .*stale"):
        run(write(tmp_path, outline), vocabulary, bundled_actors)


def test_unaccounted_lines_are_detected(tmp_path, vocabulary, bundled_actors):
    outline = OUTLINE.replace("  - lines: [7, 8]", "  - lines: [7, 7]")
    coverage = run(write(tmp_path, outline), vocabulary, bundled_actors).coverage
    assert [(s.line, s.text) for s in coverage.unaccounted] == [
        (6, "REUNION LE 7 MARS 2024"),
        (8, "page 2"),
    ]
    assert [line.line for line in coverage.lines if line.status == "unaccounted"] == [8]


def test_quote_not_found_at_the_cited_lines_names_the_item(tmp_path, vocabulary, bundled_actors):
    outline = OUTLINE.replace("lines: [4, 6]", "lines: [4, 5]")
    with pytest.raises(MappingError) as error:
        run(write(tmp_path, outline), vocabulary, bundled_actors)
    assert error.value.file.endswith("outline.yaml")
    assert error.value.field == "items[0].children[0].quote"
    assert "not found verbatim in lines 4-5" in error.value.message


def test_corrected_quote_is_refused(tmp_path, vocabulary, bundled_actors):
    outline = OUTLINE.replace('"Un défi a relever', '"Un défi à relever')
    with pytest.raises(MappingError, match="not found verbatim"):
        run(write(tmp_path, outline), vocabulary, bundled_actors)


def test_date_text_must_be_in_the_cited_lines(tmp_path, vocabulary, bundled_actors):
    outline = OUTLINE.replace('{text: "7 MARS 2024"}', '{text: "8 MARS 2024"}')
    with pytest.raises(MappingError) as error:
        run(write(tmp_path, outline), vocabulary, bundled_actors)
    assert error.value.field == "items[0].children[0].dates[0].text"


def test_explicit_date_bounds(tmp_path, vocabulary, bundled_actors):
    outline = OUTLINE.replace(
        '{text: "7 MARS 2024"}',
        '{text: "MARS 2024", start: 2024-03-01, end: 2024-03-31, precision: mois}',
    )
    plan = run(write(tmp_path, outline), vocabulary, bundled_actors)
    [mention] = plan.outline.elements[0].children[0].dates
    assert (mention.start, mention.end, mention.precision) == (
        date(2024, 3, 1),
        date(2024, 3, 31),
        "mois",
    )


def test_item_without_a_kind_is_refused(tmp_path, vocabulary, bundled_actors):
    outline = OUTLINE.replace("  - type: enjeu\n", "  - notation: '9'\n").replace(
        'notation: "1"', "status: prevue"
    )
    with pytest.raises(MappingError) as error:
        run(write(tmp_path, outline), vocabulary, bundled_actors)
    assert error.value.field == "items[0]"
    assert "no class" in error.value.message


def test_a_cited_line_cannot_also_be_ignored(tmp_path, vocabulary, bundled_actors):
    outline = OUTLINE.replace("[7, 8]", "[6, 8]")
    with pytest.raises(MappingError, match="line 6 is cited by an item"):
        run(write(tmp_path, outline), vocabulary, bundled_actors)


def test_ignored_lines_need_a_reason(tmp_path, vocabulary, bundled_actors):
    outline = OUTLINE.replace("reason: layout residue and page number", "reason: ''")
    with pytest.raises(MappingError, match="needs a reason"):
        run(write(tmp_path, outline), vocabulary, bundled_actors)


def test_unknown_keys_and_missing_outline_are_reported(tmp_path, vocabulary, bundled_actors):
    outline = OUTLINE.replace("label: Premier enjeu", "label: Premier enjeu\n    titre: x")
    with pytest.raises(MappingError, match="unknown key"):
        run(write(tmp_path, outline), vocabulary, bundled_actors)
    mapping = MAPPING.replace("outline: outline.yaml", "outline: absent.yaml")
    with pytest.raises(MappingError, match="does not exist"):
        run(write(tmp_path, OUTLINE, mapping=mapping), vocabulary, bundled_actors)


@pytest.mark.parametrize(("declared", "role"), [("", "debut"), (", role: evenement", "evenement")])
def test_a_cue_in_a_date_text_gives_its_role_unless_a_person_declares_one(
    tmp_path, vocabulary, bundled_actors, declared, role
):
    source = SOURCE.replace("REUNION LE 7 MARS 2024", "OUVERT DÈS LE 7 MARS 2024")
    outline = OUTLINE.replace('{text: "7 MARS 2024"}', f'{{text: "DÈS LE 7 MARS 2024"{declared}}}')
    plan = run(write(tmp_path, outline, source), vocabulary, bundled_actors)
    [mention] = plan.outline.elements[0].children[0].dates
    assert (mention.text, mention.start, mention.role) == (
        "DÈS LE 7 MARS 2024",
        date(2024, 3, 7),
        role,
    )
