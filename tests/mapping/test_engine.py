"""The mapping engine on small hand-made sources: structure, rules, errors, determinism."""

from __future__ import annotations

import hashlib
import textwrap

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDFS

from lodplan.errors import MappingError
from lodplan.iris import IriMinter
from lodplan.mapping import map_plan
from lodplan.mapping.graph import PlanGraphWriter, SourceFacts
from lodplan.mapping.model import Element, Outline, Span
from lodplan.mapping.spec import load_mapping
from lodplan.referentials.cog import bundled_cog
from lodplan.terms import COUNTRY, LP, STATUS
from tests.conftest import TEST_BASE

SOURCE = (
    "\n".join(
        [
            "Axe\tMON PLAN",
            "1\t[A] AXE 1 - Premier axe",
            "1.1\tObjectif un",
            "1.1\tAction commune",
            "1.1\tFR-DE / Action franco-allemande (en attente)",
            "",
            "1.2\tObjectif deux",
            "1.2\tAction commune",
            "1.2\tRéunion le 7 mars 2024",
        ]
    )
    + "\n"
)

MAPPING = textwrap.dedent(
    """\
    lodplan-mapping: 1
    plan:
      id: mon-plan
      title: {{fr: "Mon plan"}}
      title-from-line: 1
      type: programme-d-actions
      publisher: mot
      language: fr
    source:
      file: source.txt
      title: {{fr: "Source"}}
      {sha}
    reader:
      type: coded-outline
      columns: {{code: 1, text: 2}}
      code-pattern: '^(?P<code>[0-9]+(?:\\.[0-9]+)*)\\.?$'
      levels:
        1: {{class: Objective, kind: axe, level-name: Axe}}
        2: {{class: Objective, kind: objectif, level-name: Objectif}}
      repeated-code: {{class: Action, kind: action, level-name: Action}}
      ignore:
        - blank: true
          reason: blank line
    rules:
      - id: tag
        pattern: '^\\[(?P<tag>[^\\]]+)\\]\\s*'
        remove: true
        category: {{from: tag}}
      - id: axis
        pattern: '^AXE (?P<number>[0-9]+) - '
        remove: true
        check-notation: number
      - id: countries
        pattern: '^(?P<countries>FR(?:-[A-Z]{{2}})+) / '
        remove: true
        territories: {{from: countries, split: "-", lookup: country}}
      - id: on-hold
        pattern: '\\s*\\(en attente\\)$'
        remove: true
        status: en-attente
    tags:
      a: {{notation: A, label: {{fr: "Étiquette A"}}}}
    dates: {{language: fr}}
    """
)


def write(mapping_dir, source=SOURCE, mapping=MAPPING, sha=""):
    return mapping_dir(source, mapping.format(sha=sha))


def run(path, vocabulary, bundled_actors):
    return map_plan(path, iris=IriMinter(TEST_BASE), vocabulary=vocabulary, actors=bundled_actors)


ELEMENT = TEST_BASE + "plan/mon-plan/element/"


def test_structure_labels_and_extracted_data(mapping_dir, vocabulary, bundled_actors):
    plan = run(write(mapping_dir), vocabulary, bundled_actors)
    g = plan.graph
    axis = URIRef(ELEMENT + "1")
    assert str(g.value(axis, RDFS.label)) == "Premier axe"
    assert set(g.objects(axis, LP.category)) == {URIRef(TEST_BASE + "plan/mon-plan/tag/a")}
    action = URIRef(ELEMENT + "1.1/fr-de-action-franco-allemande-en-attente")
    assert str(g.value(action, RDFS.label)) == "Action franco-allemande"
    assert set(g.objects(action, LP.territory)) == {COUNTRY.FRA, COUNTRY.DEU}
    assert g.value(action, LP.status) == STATUS["en-attente"]
    dated = g.value(URIRef(ELEMENT + "1.2/reunion-le-7-mars-2024"), LP.date)
    assert str(g.value(dated, LP.startDate)) == "2024-03-07"


def test_same_label_under_two_parents_gives_two_iris(mapping_dir, vocabulary, bundled_actors):
    g = run(write(mapping_dir), vocabulary, bundled_actors).graph
    assert (URIRef(ELEMENT + "1.1/action-commune"), RDFS.label, None) in g
    assert (URIRef(ELEMENT + "1.2/action-commune"), RDFS.label, None) in g


def test_mapping_twice_gives_identical_triples(mapping_dir, vocabulary, bundled_actors):
    path = write(mapping_dir)
    first = sorted(run(path, vocabulary, bundled_actors).graph.serialize(format="nt").splitlines())
    second = sorted(run(path, vocabulary, bundled_actors).graph.serialize(format="nt").splitlines())
    assert first == second


def test_iris_do_not_depend_on_row_order(mapping_dir, vocabulary, bundled_actors):
    swapped = SOURCE.replace(
        "1.1\tAction commune\n1.1\tFR-DE / Action franco-allemande (en attente)",
        "1.1\tFR-DE / Action franco-allemande (en attente)\n1.1\tAction commune",
    )
    g = run(write(mapping_dir, source=swapped), vocabulary, bundled_actors).graph
    assert (URIRef(ELEMENT + "1.1/action-commune"), RDFS.label, None) in g


def test_iris_do_not_change_when_rules_are_refined(mapping_dir, vocabulary, bundled_actors):
    without_rule = MAPPING.replace("\\(en attente\\)", "\\(jamais\\)")
    assert without_rule != MAPPING
    first = run(write(mapping_dir), vocabulary, bundled_actors).graph
    second = run(write(mapping_dir, mapping=without_rule), vocabulary, bundled_actors).graph
    action = URIRef(ELEMENT + "1.1/fr-de-action-franco-allemande-en-attente")
    assert str(first.value(action, RDFS.label)) == "Action franco-allemande"
    assert str(second.value(action, RDFS.label)) == "Action franco-allemande (en attente)"
    assert set(first.subjects()) == set(second.subjects())


def test_coverage_counts_used_and_ignored_lines(mapping_dir, vocabulary, bundled_actors):
    coverage = run(write(mapping_dir), vocabulary, bundled_actors).coverage
    assert coverage.count("used") == 8
    assert coverage.unaccounted == []


@pytest.mark.parametrize(
    ("source_change", "expected"),
    [
        (("1.2\tRéunion le 7 mars 2024", "1.2.1.1\tTrop profond"), r"source\.txt:9: .*depth 4"),
        (("[A] AXE 1", "[B] AXE 1"), r"source\.txt:2: .*tag 'B' is not declared"),
        (("AXE 1 -", "AXE 2 -"), r"source\.txt:2: .*'2' but the element's code is '1'"),
        (("1.2\tObjectif deux", "x\tObjectif deux"), r"source\.txt:7: 'x' is not a code"),
        (("1.1\tObjectif un", "1.1\tObjectif\tun"), r"source\.txt:3: expected 2 columns"),
        (("FR-DE", "FR-XX"), r"source\.txt:5: country code 'XX'"),
        (("7 mars", "31 février"), r"source\.txt:9: '31 février 2024' is not a valid date"),
    ],
)
def test_bad_source_lines_are_named(
    mapping_dir, vocabulary, bundled_actors, source_change, expected
):
    source = SOURCE.replace(*source_change)
    with pytest.raises(MappingError, match=expected):
        run(write(mapping_dir, source=source), vocabulary, bundled_actors)


@pytest.mark.parametrize(
    ("mapping_change", "expected"),
    [
        (("type: programme-d-actions", "type: programme d'actions"), r"field 'plan.type'"),
        (("type: programme-d-actions", "type: inconnu"), r"field 'plan.type': 'inconnu' is not a"),
        (("publisher: mot", "publisher: nobody"), r"field 'plan.publisher': actor 'nobody'"),
        (("file: source.txt", "file: missing.txt"), r"field 'source.file'"),
        (
            ("pattern: '^AXE", "pattern: '^(AXE"),
            r"field 'rules\[1\].pattern': '\^\(AXE .* is not a regular expression",
        ),
        (
            ("- id: tag\n", "- id: tag\n    colour: red\n"),
            r"field 'rules\[0\].colour': unknown key",
        ),
        (
            ("type: coded-outline", "type: pdf"),
            r"field 'reader': reader.type must be tabular, coded-outline",
        ),
    ],
)
def test_bad_mapping_fields_are_named(
    mapping_dir, vocabulary, bundled_actors, mapping_change, expected
):
    mapping = MAPPING.replace(*mapping_change)
    with pytest.raises(MappingError, match=expected):
        run(write(mapping_dir, mapping=mapping), vocabulary, bundled_actors)


def test_changed_source_is_refused(mapping_dir, vocabulary, bundled_actors):
    wrong = "sha256: " + hashlib.sha256(b"another text").hexdigest()
    with pytest.raises(MappingError, match=r"source.sha256.*changed since the mapping"):
        run(write(mapping_dir, sha=wrong), vocabulary, bundled_actors)
    right = "sha256: " + hashlib.sha256(SOURCE.encode()).hexdigest()
    assert run(write(mapping_dir, sha=right), vocabulary, bundled_actors).graph


def test_line_without_code_that_is_not_ignored_fails(mapping_dir, vocabulary, bundled_actors):
    source = SOURCE + "Note de bas de page\n"
    with pytest.raises(MappingError, match=r"source\.txt:10: .*declare the line in reader.ignore"):
        run(write(mapping_dir, source=source), vocabulary, bundled_actors)


def outline_with_codes(*tree):
    """An outline of (code, text, children) tuples."""

    def element(code, text, children=()):
        made = Element("PlanElement", "etape", "Étape", text, Span(2, 2, "AXE 1"), notation=code)
        made.label = text
        made.children = [element(*c) for c in children]
        return made

    return Outline(elements=[element(*t) for t in tree])


def write_outline(mapping_dir, vocabulary, bundled_actors, outline):
    spec = load_mapping(write(mapping_dir))
    writer = PlanGraphWriter(spec, IriMinter(TEST_BASE), vocabulary, bundled_actors)
    return writer.write(outline, SourceFacts(sha256="0" * 64))


def test_codes_unique_in_the_plan_give_flat_iris_repeated_ones_nest(
    mapping_dir, vocabulary, bundled_actors
):
    outline = outline_with_codes(
        ("D1", "Défi", [("1", "Étape un"), ("7", "Étape sept")]),
        ("D2", "Autre défi", [("1", "Autre étape un")]),
    )
    g = write_outline(mapping_dir, vocabulary, bundled_actors, outline)
    for iri in ("D1", "D2", "7", "D1/1", "D2/1"):
        assert (URIRef(ELEMENT + iri), RDFS.label, None) in g, iri


def test_two_elements_with_the_same_iri_are_an_error(mapping_dir, vocabulary, bundled_actors):
    # a top element whose slug is "7" and a nested element coded 7: both element/7
    outline = outline_with_codes(("D1", "Défi", [("7", "Étape sept")]), (None, "7"))
    with pytest.raises(MappingError, match=r"source.txt:2.*two elements would get the IRI"):
        write_outline(mapping_dir, vocabulary, bundled_actors, outline)


def test_a_cog_reference_that_does_not_exist_names_its_line(
    mapping_dir, vocabulary, bundled_actors
):
    outline = outline_with_codes(("D1", "Défi"))
    outline.elements[0].territories = ["epci:999999999"]
    spec = load_mapping(write(mapping_dir))
    writer = PlanGraphWriter(
        spec, IriMinter(TEST_BASE), vocabulary, bundled_actors, cog=bundled_cog()
    )
    with pytest.raises(MappingError, match=r"source.txt:2.*not in the Code officiel"):
        writer.write(outline, SourceFacts(sha256="0" * 64))


def test_the_original_document_of_the_source_is_linked_when_declared(
    mapping_dir, vocabulary, bundled_actors
):
    pdf = "https://example.org/plans/mon-plan.pdf"
    declared = run(write(mapping_dir, sha=f"original: {pdf}"), vocabulary, bundled_actors)
    document = URIRef(TEST_BASE + "source/mon-plan")
    assert (document, DCTERMS.source, URIRef(pdf)) in declared.graph
    plain = run(write(mapping_dir), vocabulary, bundled_actors)
    assert not list(plain.graph.objects(document, DCTERMS.source))


def test_an_original_that_is_no_web_address_is_refused(mapping_dir, vocabulary, bundled_actors):
    with pytest.raises(MappingError, match=r"mapping.yaml: field 'source.original': .*https"):
        run(write(mapping_dir, sha="original: file:///plan.pdf"), vocabulary, bundled_actors)
