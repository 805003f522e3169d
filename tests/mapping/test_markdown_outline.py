"""The markdown-outline reader on small hand-made texts: headings over several lines,
markers per section, action contexts, partners, ignored and unaccounted lines."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from lodplan.errors import MappingError
from lodplan.iris import IriMinter
from lodplan.mapping import map_plan, read_source_lines
from lodplan.mapping.model import Introduction
from lodplan.mapping.readers import read_outline
from lodplan.mapping.spec import load_mapping
from lodplan.mapping.text import plain_text
from tests.conftest import TEST_BASE

LINES = [
    "PAGE 1",  # 1 page furniture
    "",  # 2
    "AMBITION #1",  # 3
    "**LA MÉTROPOLE",  # 4
    "DES LIENS**",  # 5
    "",  # 6
    "CHANTIER #1 LA MOBILITÉ",  # 7
    "",  # 8
    "ORGANISER",  # 9
    "LES FLUX",  # 10
    "",  # 11
    "UN SOUS-TITRE EN CAPITALES",  # 12
    "Courant mars 2019, la **navette autonome** roulera. Puis *rien* ici.",  # 13
    "Un paragraphe sans action.",  # 14
    "¹ Extrait du Socle",  # 15
    "",  # 16
    "CHANTIER #2",  # 17
    "**LE LUXEMBOURG**",  # 18
    "",  # 19
    "EN PARTAGE",  # 20
    "",  # 21
    "Le 25 février 2019, lancement du [réseau \\(GRDF\\)](#) et du [site](https://x.example) "
    "avec *Horizon 2020* et *un atelier* au printemps.",  # 22
]

# "CHANTIER #n" then the title on the same or the next lines, a blank line, the sub-title
CHANTIER = (
    r"CHANTIER #(?P<number>[0-9]+)(?: |\n\n?)(?P<title>[^\n]+(?:\n[^\n]+)*)"
    r"\n\n(?P<description>[^\n]+(?:\n[^\n]+)*)"
)

MAPPING = textwrap.dedent(
    """\
    lodplan-mapping: 1
    plan:
      id: petit-projet
      title: {{fr: "Petit projet"}}
      type: strategie
      publisher: metz-metropole
      language: fr
    source:
      file: source.md
      title: {{fr: "Petit projet"}}
    dates: {{assume-year: 2019}}
    reader:
      type: markdown-outline
      headings:
        - level: 1
          pattern: 'AMBITION #(?P<number>[0-9]+)\\n\\n?(?P<title>[^\\n]+(?:\\n[^\\n]+)*)'
          class: Objective
          kind: ambition
          level-name: Ambition
          notation: "A{{number}}"
        - level: 2
          pattern: '{chantier}'
          class: Objective
          kind: chantier
          level-name: Chantier
      actions:
        under: chantier
        link-target: "#"
        description: sentence
        sections: {{"1": [bold], "2": [link, italic]}}
        exclude:
          - {{line: 22, text: Horizon 2020, reason: "a label, not an action"}}
        partners:
          - {{pattern: 'GRDF', actors: [grdf], role: partenaire, in: item}}
    {prose}
      ignore:
        - {{lines: [1], reason: page furniture}}
        - {{pattern: '^\\S+ Extrait', reason: footnote}}
        - {{pattern: '^[^a-z]+$', reason: capitals}}
    """
)


def read(tmp_path, lines=LINES, prose="  prose: narrative not modelled", is_name=None, **replace):
    mapping = MAPPING.format(prose=prose, chantier=CHANTIER)
    for old, new in replace.items():
        mapping = mapping.replace(old, new)
    (tmp_path / "source.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(mapping, encoding="utf-8")
    spec = load_mapping(tmp_path / "mapping.yaml")
    source_lines, _ = read_source_lines(spec)
    return spec, source_lines, read_outline(spec, source_lines, is_name)


def test_headings_span_several_lines_with_verbatim_quotes(tmp_path):
    _, lines, outline = read(tmp_path)
    [ambition] = outline.elements
    assert (ambition.notation, ambition.text) == ("A1", "LA MÉTROPOLE DES LIENS")
    assert (ambition.span.start_line, ambition.span.end_line) == (3, 5)
    assert ambition.span.quote == "AMBITION #1\n**LA MÉTROPOLE\nDES LIENS**"
    first, second = ambition.children
    assert (first.notation, first.text, first.description) == (
        "1",
        "LA MOBILITÉ",
        "ORGANISER LES FLUX",
    )
    assert (first.span.start_line, first.span.end_line) == (7, 10)
    assert (second.text, second.description) == ("LE LUXEMBOURG", "EN PARTAGE")
    for element in outline.walk():
        quote = element.span.quote
        assert quote in "\n".join(lines[element.span.start_line - 1 : element.span.end_line])


def test_markers_are_declared_per_section(tmp_path):
    _, _, outline = read(tmp_path)
    first, second = outline.elements[0].children
    # chantier 1 declares bold: the italic *rien* is no action
    assert [a.text for a in first.children] == ["navette autonome"]
    # chantier 2 declares links to "#" and italics; the link to a web site is no action,
    # and "Horizon 2020" is excluded with a reason
    assert [a.text for a in second.children] == ["réseau (GRDF)", "un atelier"]
    assert second.children[0].span.quote == "[réseau \\(GRDF\\)](#)"


def test_dates_and_partners_come_from_the_sentence_of_the_action(tmp_path):
    _, _, outline = read(tmp_path)
    first, second = outline.elements[0].children
    [navette] = first.children
    assert navette.description == "Courant mars 2019, la navette autonome roulera."
    [mars] = navette.dates
    assert (mars.text, mars.precision, mars.start) == (
        "Courant mars 2019",
        "mois",
        date(2019, 3, 1),
    )
    reseau, atelier = second.children
    assert reseau.involvements == [("grdf", "partenaire")]
    assert atelier.involvements == []  # the partner rule reads the item only
    assert [d.text for d in atelier.dates] == ["25 février 2019", "au printemps"]


LIST_ROLES = {
    "    partners:": "    list-roles: [{pattern: 'portés par', role: pilote}]\n"
    "    clauses: {separators: [',\\s*', '\\s+ou\\s+']}\n    partners:"
}


def test_a_sentence_that_introduces_a_list_gives_its_clause_to_the_items(tmp_path):
    lines = [
        *LINES,
        "",  # 23
        "Des actions comme [un atelier C](#), inscrit au projet de Metz ou les projets "
        "portés par le CHR Metz-Thionville :",  # 24
        "",  # 25
        "- [projet D](#) pour tous,",  # 26
        "- le [projet E](#).",  # 27
    ]
    _, _, outline = read(tmp_path, lines=lines, **LIST_ROLES)
    _, second = outline.elements[0].children
    atelier_c, projet_d, projet_e = second.children[2:]
    expected = Introduction(24, "les projets portés par le CHR Metz-Thionville", ("pilote",))
    assert projet_d.introduced == projet_e.introduced == expected
    # the clause is the list's: not the own text of the introducing sentence's action
    assert atelier_c.introduced is None
    assert atelier_c.clauses is not None
    assert (
        atelier_c.clauses.own == "Des actions comme [un atelier C](#), inscrit au projet de Metz ou"
    )
    assert "CHR" in (atelier_c.description or "")  # its description: the whole sentence
    # without the declaration, or when the sentence does not end with a colon: nothing
    _, _, outline = read(tmp_path, lines=lines)
    assert all(a.introduced is None for a in outline.elements[0].children[1].children)
    lines[23] = lines[23].removesuffix(" :") + "."
    _, _, outline = read(tmp_path, lines=lines, **LIST_ROLES)
    assert all(a.introduced is None for a in outline.elements[0].children[1].children)


def test_list_roles_are_checked(tmp_path):
    bad = {"    partners:": "    list-roles: [{pattern: 'portés par'}]\n    partners:"}
    with pytest.raises(MappingError) as caught:
        read(tmp_path, **bad)
    assert caught.value.field == "reader.actions.list-roles[0].role"  # it has none


def test_a_heading_cut_after_a_hyphen_by_a_line_break_is_joined(tmp_path):
    # « MIX INDUSTRIES- / SERVICES »: a compound, its hyphen kept; « LES FLUX
    # TRANSFRONTA- / LIERES » where the text writes « transfrontalières »: one word
    lines = list(LINES)
    lines[13] = "Un paragraphe sans action sur les flux transfrontalières et les industries."
    for (first, second), description in (
        (("MIX INDUSTRIES-", "SERVICES"), "MIX INDUSTRIES-SERVICES"),
        (("LES FLUX TRANSFRONTA-", "LIERES"), "LES FLUX TRANSFRONTALIERES"),
    ):
        lines[8:10] = [first, second]
        _, _, outline = read(tmp_path, lines=lines)
        chantier, _ = outline.elements[0].children
        assert chantier.description == description
        assert f"{first}\n{second}" in chantier.span.quote  # the quote keeps the lines


def test_depuis_starts_an_action_only_in_the_action_s_own_clause(tmp_path):
    # « la **navette** menée depuis 2017 »: the action has run since 2017 (its start);
    # « Depuis 2010, la métropole … » before the action, and the narrative: events
    lines = list(LINES)
    lines[12] = (
        "Depuis 2010, la métropole teste la **navette autonome** menée avec Keolis depuis "
        "2017, et élargie en 2019. Depuis 2012 *rien* ici."
    )
    years = {"dates: {assume-year: 2019}": "dates: {assume-year: 2019, years: true}"}
    _, _, outline = read(tmp_path, lines=lines, prose="  prose: {as: passages}", **years)
    first, _ = outline.elements[0].children
    [navette] = first.children
    assert [(d.text, d.role) for d in navette.dates] == [
        ("Depuis 2010", "evenement"),
        ("depuis 2017", "debut"),
        ("2019", "evenement"),
    ]
    [passage] = [p for p in first.passages if "2012" in p.text]
    assert [(d.text, d.role) for d in passage.dates] == [("Depuis 2012", "evenement")]


def mapped(tmp_path, vocabulary, bundled_actors, **options):
    read(tmp_path, **options)
    return map_plan(
        tmp_path / "mapping.yaml",
        iris=IriMinter(TEST_BASE),
        vocabulary=vocabulary,
        actors=bundled_actors,
    )


def test_every_sentence_is_carried_or_ignored_with_its_reason(tmp_path, vocabulary, bundled_actors):
    coverage = mapped(tmp_path, vocabulary, bundled_actors).coverage
    assert coverage.unaccounted == []
    spans = {(s.line, s.text): (s.status, s.detail) for s in coverage.spans}
    # line 13: the action's sentence is its description; the rest of the line is the
    # section's narrative, here ignored with the reason prose gives
    assert spans[(13, "Courant mars 2019, la navette autonome roulera.")][0] == "carried"
    assert spans[(13, "Puis rien ici.")] == ("ignored", "narrative not modelled")
    assert spans[(14, "Un paragraphe sans action.")] == ("ignored", "narrative not modelled")
    assert spans[(1, "PAGE 1")] == ("ignored", "page furniture")


def test_an_unaccounted_sentence_is_reported(tmp_path, vocabulary, bundled_actors):
    coverage = mapped(tmp_path, vocabulary, bundled_actors, prose="").coverage
    assert [(s.line, s.text) for s in coverage.unaccounted] == [
        (13, "Puis rien ici."),
        (14, "Un paragraphe sans action."),
    ]
    # line 13 is cited (by its action): counting lines, nothing was missing
    assert [line.line for line in coverage.lines if line.status == "unaccounted"] == [14]


def test_a_sentence_is_ignored_by_its_words_or_a_pattern(tmp_path, vocabulary, bundled_actors):
    declared = {
        "  ignore:\n": "  ignore:\n"
        "    - {lines: [13], text: Puis *rien*, reason: an aside}\n"
        "    - {span-pattern: 'sans action', reason: a filler paragraph}\n"
    }
    coverage = mapped(tmp_path, vocabulary, bundled_actors, prose="", **declared).coverage
    assert coverage.unaccounted == []
    assert coverage.ignored_reasons()["an aside"] == 1
    assert coverage.ignored_reasons()["a filler paragraph"] == 1
    # the action's sentence on line 13 stays carried: a declaration leaves out spans only
    assert [s.status for s in coverage.spans if s.line == 13] == ["carried", "ignored"]
    # line 14, cited by nothing, is accounted for by its sentence's declaration
    assert [(line.line, line.status) for line in coverage.lines if line.line in (13, 14)] == [
        (13, "used"), (14, "ignored"),
    ]  # fmt: skip


def test_a_section_without_declared_markers_is_an_error(tmp_path):
    with pytest.raises(MappingError, match=r"reader\.actions\.sections") as error:
        read(tmp_path, **{'"2": [link, italic]': '"3": [link]'})
    assert "no markers declared for the section '2'" in str(error.value)


def test_an_exclusion_that_matches_nothing_names_its_field(tmp_path):
    with pytest.raises(MappingError, match=r"reader\.actions\.exclude\[0\]"):
        read(tmp_path, **{"line: 22, text: Horizon": "line: 13, text: Horizon"})


def test_an_unknown_marker_names_its_field(tmp_path):
    with pytest.raises(MappingError, match=r"reader\.actions\.sections\.1"):
        read(tmp_path, **{'"1": [bold]': '"1": [underline]'})


def test_an_invalid_heading_pattern_names_its_field(tmp_path):
    with pytest.raises(MappingError, match=r"reader\.headings\[0\]\.pattern"):
        read(tmp_path, **{"pattern: 'AMBITION #": "pattern: '(AMBITION #"})


def test_a_sections_narrative_can_be_its_passages(tmp_path):
    _, _, outline = read(tmp_path, prose="  prose: {as: passages}")
    first, _ = outline.elements[0].children
    # line 12 is ignored (capitals) before the prose applies; line 13's sentence that
    # holds no action is a passage too, verbatim
    rest, paragraph = first.passages
    assert (rest.span.start_line, rest.span.quote, rest.text) == (
        13, "Puis *rien* ici.", "Puis rien ici.",
    )  # fmt: skip
    assert (paragraph.span.start_line, paragraph.text) == (14, "Un paragraphe sans action.")
    assert 14 not in outline.ignored


def test_the_plans_own_narrative_is_passages_one_per_paragraph(tmp_path):
    lines = ["Préambule", "Premier paragraphe **en gras**", "", "Second", "", *LINES[2:]]
    declared = "  passages: [{lines: ['1-4'], label: Préambule}]\n  prose: {as: passages}"
    shifted = {"lines: [1], ": "lines: [99], ", "line: 22, text": "line: 25, text"}
    _, _, outline = read(tmp_path, lines=lines, prose=declared, **shifted)
    assert [(p.span.start_line, p.span.end_line, p.text, p.label) for p in outline.passages] == [
        (1, 2, "Préambule Premier paragraphe en gras", "Préambule"),
        (4, 4, "Second", "Préambule"),
    ]
    assert outline.passages[0].span.quote == "Préambule\nPremier paragraphe **en gras**"


@pytest.mark.parametrize(
    ("prose", "field"),
    [
        ("  prose: {as: elements}", "reader.prose"),
        ("  passages: [{label: x}]", "reader.passages[0]"),
        ("  passages: [{lines: [x-y]}]", "reader.passages[0].lines"),
    ],
)
def test_malformed_passages_name_their_field(tmp_path, prose, field):
    with pytest.raises(MappingError) as error:
        read(tmp_path, prose=prose)
    assert field in str(error.value)


# -- one sentence, several actions: clauses (issue 15.2) ----------------------------------

# line 22 no longer highlights "Horizon 2020": no exclusion
NO_EXCLUSION = {
    'exclude:\n      - {line: 22, text: Horizon 2020, reason: "a label, not an action"}': (
        "exclude: []"
    )
}
SHARED = "À Metz, la métropole lancera le [réseau A](#) à Peltre, et l'[atelier B](#) à Marly."
CLAUSES = "description: sentence\n    clauses: {separators: [',\\s*', '\\s+ou\\s+']}"


def with_line_22(text):
    return [*LINES[:21], text]


def test_a_sentence_of_several_actions_is_cut_into_clauses(tmp_path):
    lines = with_line_22(SHARED)
    _, _, outline = read(
        tmp_path, lines=lines, **NO_EXCLUSION, **{"description: sentence": CLAUSES}
    )
    reseau, atelier = outline.elements[0].children[1].children
    # both keep the whole sentence as their description
    assert reseau.description == atelier.description == plain_text(SHARED, ["markdown"])
    # between the two items, the text before the separator is the first item's clause,
    # the text after it the second's
    assert reseau.clauses.own == "la métropole lancera le réseau A à Peltre"
    assert atelier.clauses.own == "et l'atelier B"
    # the lead-in before the last separator ahead of the first item, and what follows the
    # last item without a separator, belong to no clause: the text does not decide
    assert reseau.clauses.undecided == ("À Metz", "à Marly.")
    assert atelier.clauses.undecided == ()  # given once, on the sentence's first action
    assert reseau.clauses.actions == ("réseau A", "atelier B")


def test_without_a_separator_the_text_between_two_actions_is_undecided(tmp_path):
    lines = with_line_22("On lancera le [réseau A](#) à Peltre et l'[atelier B](#).")
    _, _, outline = read(
        tmp_path, lines=lines, **NO_EXCLUSION, **{"description: sentence": CLAUSES}
    )
    reseau, atelier = outline.elements[0].children[1].children
    assert (reseau.clauses.own, atelier.clauses.own) == ("réseau A", "atelier B")
    assert reseau.clauses.undecided == ("On lancera le", "à Peltre et l'", ".")


def test_a_declared_context_decides_the_clause_of_its_action(tmp_path):
    lines = with_line_22(SHARED)
    context = (
        CLAUSES + "\n    contexts:\n      - {line: 22, text: atelier B, "
        'context: "et l\'[atelier B](#) à Marly."}'
    )
    _, _, outline = read(
        tmp_path, lines=lines, **NO_EXCLUSION, **{"description: sentence": context}
    )
    reseau, atelier = outline.elements[0].children[1].children
    assert atelier.clauses.own == "et l'atelier B à Marly."
    assert reseau.clauses.undecided == ("À Metz",)  # "à Marly." is the atelier's now


def test_an_action_alone_in_its_sentence_has_no_clauses(tmp_path):
    _, _, outline = read(tmp_path, **{"description: sentence": CLAUSES})
    [navette] = outline.elements[0].children[0].children
    assert navette.clauses is None


# -- highlighted names that are not actions (issue 15.3) ----------------------------------

NAMES = (
    "description: sentence\n    clauses: {separators: [',\\s*']}\n"
    "    names: {actions-when: '(?i)\\b(?:lancement|ouverture)\\b'}"
)
KNOWN = {"BLIIDA", "Synergie", "Le Square"}.__contains__


def test_a_highlighted_name_is_an_action_only_when_its_clause_says_what_is_done(tmp_path):
    lines = [
        *LINES[:12],
        "Des lieux ont vu le jour : **BLIIDA**, tiers lieu, **Synergie**, accélérateur.",  # 13
        "Un paragraphe sans action.",
        "¹ Extrait du Socle",
        "",
        "CHANTIER #2",
        "**LE LUXEMBOURG**",
        "",
        "EN PARTAGE",
        "",
        "Avec l'ouverture du [Le Square](#) et le [réseau (GRDF)](#) au printemps.",  # 22
    ]
    _, _, outline = read(
        tmp_path, lines=lines, prose="  prose: {as: passages}", is_name=KNOWN,
        **NO_EXCLUSION, **{"description: sentence": NAMES},
    )  # fmt: skip
    first, second = outline.elements[0].children
    # line 13: two names, described, not acted on: no action; the line is narrative
    assert first.children == []
    assert [p.span.start_line for p in first.passages] == [13, 14]
    # line 22: "l'ouverture du Le Square" says what is done with the name
    assert [a.text for a in second.children] == ["Le Square", "réseau (GRDF)"]


def test_highlighted_names_need_the_names_lodplan_knows(tmp_path):
    with pytest.raises(MappingError) as error:
        read(tmp_path, **{"description: sentence": NAMES})
    assert "reader.actions.names" in str(error.value)


# -- a box presenting one project (issue 15.6) ----------------------------------------------

BOX = [
    "Le jeu",  # 22
    "",
    "(un sous-titre)",  # 24
    "Quoi ?",  # 25
    "Un jeu d'évasion.",  # 26
    "Il dure *une heure*.",  # 27
    "Par qui ?",  # 28
    "",
    "Pour qui ?",  # 30
    "Des lycéens",  # 31
    "",
    "et des adultes",  # 33
]
INSET = """  insets:
    - lines: [22-33]
      class: Action
      kind: action
      level-name: Encadré
      sections: ["Quoi ?", "Par qui ?", "Pour qui ?"]
      description: "Quoi ?"
      partners: [{pattern: 'jeu d.évasion', actors: [grdf], role: pilote}]
"""


def test_an_inset_is_one_element_whose_questions_are_its_passages(tmp_path):
    lines = [*LINES[:21], *BOX]
    _, source, outline = read(tmp_path, lines=lines, prose=INSET + "  prose: x", **NO_EXCLUSION)
    [box] = outline.elements[0].children[1].children
    assert (box.cls, box.level_name, box.text) == ("Action", "Encadré", "Le jeu")
    assert (box.span.start_line, box.span.end_line) == (22, 33)
    assert box.span.quote == "\n".join(source[21:33])
    assert [(p.label, p.span.start_line, p.span.end_line, p.text) for p in box.passages] == [
        (None, 24, 24, "(un sous-titre)"),
        ("Quoi ?", 26, 27, "Un jeu d'évasion. Il dure une heure."),
        ("Pour qui ?", 31, 33, "Des lycéens et des adultes"),
    ]  # "Par qui ?" has no answer: no passage
    assert box.passages[2].span.quote == "Des lycéens\n\net des adultes"
    assert box.description == "Un jeu d'évasion. Il dure une heure."
    assert box.involvements == [("grdf", "pilote")]


@pytest.mark.parametrize(
    ("inset", "field"),
    [
        ("  insets: [{lines: [22-33], class: Action, kind: action}]", "insets[0].level-name"),
        ("  insets: [{lines: [22, 25], class: Action, kind: a, level-name: E}]", "insets[0].lines"),
        (
            "  insets: [{lines: [22-33], class: Action, kind: a, level-name: E,"
            " description: Quoi}]",
            "insets[0].description",
        ),
        ("  insets: [{lines: [22-33], title: 40, class: Action, kind: a, level-name: E}]",
         "insets[0].title"),
        ("  insets: [{lines: [1-33], class: Action, kind: a, level-name: E}]", "ignore[0].lines"),
    ],
)  # fmt: skip
def test_malformed_insets_name_their_field(tmp_path, inset, field):
    with pytest.raises(MappingError) as error:
        read(tmp_path, lines=[*LINES[:21], *BOX], prose=inset + "\n  prose: x", **NO_EXCLUSION)
    assert field in str(error.value)
