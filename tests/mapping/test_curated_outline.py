"""The curated-outline reader on a small hand-made source and outline."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from lodplan.errors import MappingError
from lodplan.iris import IriMinter
from lodplan.mapping import map_plan
from lodplan.mapping.source_words import first_words_not_found
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
    with pytest.raises(MappingError, match=r"'ignore\[0\].reason': must not be empty"):
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


# -- nothing invented: descriptions and labels are the source's words ---------------------


def with_defi_keys(keys: str, label: str = "Un défi à relever pour le territoire") -> str:
    """The outline, with ``keys`` (YAML lines) added to the défi."""
    indented = "".join(f"        {line}\n" for line in keys.splitlines())
    return OUTLINE.replace(
        "      - label: Un défi à relever pour le territoire\n",
        f"      - label: {label}\n" + indented,
    )


def test_a_description_in_the_sources_words_passes_despite_the_ocr(
    tmp_path, vocabulary, bundled_actors
):
    # "a relever" (lost accent), "terri-\ntoire" (a hyphen at a line break), "REUNION"
    # (capitals): the description corrects them and is still the source's words
    outline = with_defi_keys(
        "description: Un défi à relever pour le territoire. Réunion le 7 mars 2024"
    )
    plan = run(write(tmp_path, outline), vocabulary, bundled_actors)
    assert str(plan.graph.value(DEFI, DCTERMS.description)).startswith("Un défi à relever")


def test_a_paraphrase_fails_naming_the_file_the_item_and_the_lines(
    tmp_path, vocabulary, bundled_actors
):
    outline = with_defi_keys("description: Un défi que le territoire doit relever.")
    with pytest.raises(MappingError) as error:
        run(write(tmp_path, outline), vocabulary, bundled_actors)
    assert error.value.file.endswith("outline.yaml")
    assert error.value.field == "items[0].children[0].description"
    assert "is not the source's words" in error.value.message
    assert "'que le territoire doit relever.' is not found in lines 4-6" in error.value.message


def test_a_label_the_editor_wrote_must_say_so(tmp_path, vocabulary, bundled_actors):
    label = "Le défi du territoire"
    with pytest.raises(MappingError) as error:
        run(write(tmp_path, with_defi_keys("", label)), vocabulary, bundled_actors)
    assert error.value.field == "items[0].children[0].label"
    declared = with_defi_keys("label-by-editor: Libellé de l'éditeur, la source n'en a pas.", label)
    plan = run(write(tmp_path, declared), vocabulary, bundled_actors)
    defi = URIRef(f"{ENJEU}/le-defi-du-territoire")
    assert str(plan.graph.value(defi, RDFS.label)) == label
    # the reason is published: a reader knows the label is not the source's
    assert str(plan.graph.value(defi, SKOS.editorialNote)) == (
        "Libellé de l'éditeur, la source n'en a pas."
    )


def test_the_editors_text_is_an_editorial_note_not_the_description(
    tmp_path, vocabulary, bundled_actors
):
    outline = with_defi_keys(
        "description: Un défi à relever pour le territoire.\n"
        "editorial: La date de la réunion est celle de la page 2. <b>&</b>\n"
        "note: an unpublished note for the mapping's readers"
    )
    g = run(write(tmp_path, outline), vocabulary, bundled_actors).graph
    [note] = g.objects(DEFI, SKOS.editorialNote)
    assert note == Literal("La date de la réunion est celle de la page 2. <b>&</b>", lang="fr")
    assert [str(d) for d in g.objects(DEFI, DCTERMS.description)] == [
        "Un défi à relever pour le territoire."
    ]
    assert not any("an unpublished note" in str(o) for o in g.objects())


def test_an_alternative_label_has_its_own_lines_and_is_the_sources_words(
    tmp_path, vocabulary, bundled_actors
):
    outline = with_defi_keys('alt-labels:\n  - {label: Mon projet, lines: 1, quote: "MON PROJET"}')
    plan = run(write(tmp_path, outline), vocabulary, bundled_actors)
    assert plan.graph.value(DEFI, SKOS.altLabel) == Literal("Mon projet", lang="fr")
    wrong = with_defi_keys('alt-labels:\n  - {label: Notre projet, lines: 1, quote: "MON PROJET"}')
    with pytest.raises(MappingError) as error:
        run(write(tmp_path, wrong), vocabulary, bundled_actors)
    assert error.value.field == "items[0].children[0].alt-labels[0].label"


def test_a_label_in_brackets_is_the_editors_marker_of_a_lost_title(
    tmp_path, vocabulary, bundled_actors
):
    outline = with_defi_keys("", '"[titre illisible dans la source]"')
    plan = run(write(tmp_path, outline), vocabulary, bundled_actors)
    labels = {str(o) for o in plan.graph.objects(predicate=RDFS.label)}
    assert "[titre illisible dans la source]" in labels


@pytest.mark.parametrize(
    ("plan_dir", "described", "noted"),
    [("pompey-projet-de-territoire", 31, 50), ("pnfc-feuille-de-route", 86, 14)],
)
def test_every_curated_description_of_the_bundled_plans_is_the_sources_words(
    map_bundled, plan_dir, described, noted
):
    plan = map_bundled(plan_dir)
    lines = plan.spec.source.path.read_text(encoding="utf-8").split("\n")
    elements = list(plan.outline.walk())
    checked = 0
    for element in elements:
        if element.description is None:
            continue
        cited = "\n".join(lines[element.span.start_line - 1 : element.span.end_line])
        assert first_words_not_found(element.description, cited) is None, element.label
        assert (None, DCTERMS.description, Literal(element.description, lang="fr")) in plan.graph
        checked += 1
    assert checked == described
    # the editor's words are apart, as editorial notes, never in a description
    notes = [note for element in elements for note in element.editorial_notes]
    assert len(notes) == noted
    assert len(list(plan.graph.subject_objects(SKOS.editorialNote))) == noted
    descriptions = {str(d) for d in plan.graph.objects(predicate=DCTERMS.description)}
    assert not any("Titre sur la page de synthèse" in d for d in descriptions)
