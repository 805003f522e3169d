"""Coverage counts sentences and cells: a small national-schema-shaped CSV, the
sentence rule, span declarations, and the figures of the bundled plans."""

from __future__ import annotations

import textwrap

import pytest

from lodplan.errors import MappingError
from lodplan.iris import IriMinter
from lodplan.mapping import map_plan
from lodplan.mapping.sentences import sentences
from tests.conftest import TEST_BASE

# A table in the shape of a national schema of action plans: 22 columns, of which
# the mapping below reads 3 (name, description, the plan's axis).
COLUMNS = [
    "axe", "name", "description", "budgetPrevisionnel", "dateDebutPrevisionnelle",
    "dateFinPrevisionnelle", "phase", "statut", "porteur", "partenaires", "communes",
    "indicateur", "valeurCible", "financeurs", "montantSubvention", "thematique",
    "sousThematique", "priorite", "sourceFinancement", "commentaire", "url", "dateMaj",
]  # fmt: skip
ROW = [
    "Mobilité", "Créer une piste cyclable", "Relier le centre à la gare.", "120000",
    "2025-03-01", "2026-06-30", "étude", "en cours", "Commune", "Département",
    "57463", "km aménagés", "4", "État", "30000", "transports", "vélo", "haute",
    "DSIL", "tracé à confirmer", "https://exemple.fr/piste", "2025-01-10",
]  # fmt: skip

MAPPING = textwrap.dedent(
    """\
    lodplan-mapping: 1
    plan:
      id: plan-schema
      title: {fr: "Plan au format du schéma"}
      type: plan-d-actions
      publisher: metz-metropole
      language: fr
    source:
      file: actions.csv
      title: {fr: "Actions"}
      media-type: text/csv
    reader:
      type: tabular
      format: csv
      columns: 22
      levels:
        - {column: 1, class: Objective, kind: axe, level-name: Axe}
        - {column: 2, class: Action, kind: action, level-name: Action}
      description:
        - {column: 3, level: action}
      ignore:
        - {lines: [1], reason: column headers}
    """
)


def write(tmp_path, mapping=MAPPING):
    folder = tmp_path / "plan-schema"
    folder.mkdir(exist_ok=True)
    rows = [",".join(COLUMNS), ",".join(ROW)]
    (folder / "actions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "mapping.yaml").write_text(mapping, encoding="utf-8")
    return folder / "mapping.yaml"


def mapped(path, vocabulary, actors):
    return map_plan(path, iris=IriMinter(TEST_BASE), vocabulary=vocabulary, actors=actors)


def test_a_table_read_in_3_of_22_columns_has_19_unaccounted_cells(
    tmp_path, vocabulary, bundled_actors
):
    coverage = mapped(write(tmp_path), vocabulary, bundled_actors).coverage
    assert coverage.unit == "cell"
    assert [(s.column, s.text) for s in coverage.unaccounted] == [
        (column, ROW[column - 1]) for column in range(4, 23)
    ]
    assert coverage.span_count("carried") == 3
    assert coverage.span_count("ignored") == 22  # the header row
    # counted by lines, nothing was missing: the row is cited by its elements
    assert (coverage.count("used"), coverage.count("unaccounted")) == (1, 0)
    assert coverage.summary().startswith("44 cells: 3 carried, 22 ignored, 19 unaccounted")


def test_columns_left_out_are_declared_with_their_reason(tmp_path, vocabulary, bundled_actors):
    declared = MAPPING + "".join(
        f"  ignore-columns: {{{', '.join(f'{c}: not modelled yet' for c in range(4, 23))}}}\n"
    )
    coverage = mapped(write(tmp_path, declared), vocabulary, bundled_actors).coverage
    assert coverage.unaccounted == []
    assert coverage.ignored_reasons()["not modelled yet"] == 19
    # one cell, not a column: a declaration of the cell's words
    one = MAPPING + "    - {lines: [2], text: tracé à confirmer, reason: a note of the editor}\n"
    coverage = mapped(write(tmp_path, one), vocabulary, bundled_actors).coverage
    assert [s.column for s in coverage.spans if s.detail == "a note of the editor"] == [20]
    assert len(coverage.unaccounted) == 18


def test_a_declaration_that_leaves_out_nothing_is_stale(tmp_path, vocabulary, bundled_actors):
    stale = MAPPING + "    - {lines: [2], text: absent, reason: gone}\n"
    with pytest.raises(MappingError, match=r"reader\.ignore\[1\]': this ignore declaration"):
        mapped(write(tmp_path, stale), vocabulary, bundled_actors)
    wrong = MAPPING + "    - {lines: [2], pattern: x, text: y, reason: z}\n"
    with pytest.raises(MappingError, match=r"'span-pattern'"):
        mapped(write(tmp_path, wrong), vocabulary, bundled_actors)


def split(text):
    return [text[start:end] for start, end in sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Une phrase. Une autre ! Et une question ? Oui…", [
            "Une phrase.", "Une autre !", "Et une question ?", "Oui…"]),
        # abbreviations and initials do not end a sentence
        ("M. Dupont et Mme. Durand, cf. p. 4. Crédits : P. GISSELBRECHT ; C. LEGAY.", [
            "M. Dupont et Mme. Durand, cf. p. 4.", "Crédits : P. GISSELBRECHT ; C. LEGAY."]),
        # closing quotes, brackets and footnote marks stay with their sentence
        ("« À VOS CÔTÉS ! » Ensuite (voir plus bas.) Fin.²", [
            "« À VOS CÔTÉS ! »", "Ensuite (voir plus bas.)", "Fin.²"]),
        # "etc." before a capital ends the sentence; a lower-case word does not start one
        ("la fibre..., etc. L'obtention du statut. 300 entreprises. le reste", [
            "la fibre..., etc.", "L'obtention du statut.", "300 entreprises. le reste"]),
        ("METZMETROPOLE.FR", ["METZMETROPOLE.FR"]),
    ],
)  # fmt: skip
def test_french_sentences(text, expected):
    assert split(text) == expected


BUNDLED = (
    "metz-codev-actions", "metz-projet-metropolitain", "mot-programme-2023",
    "pnfc-feuille-de-route", "pompey-projet-de-territoire",
)  # fmt: skip


def test_the_bundled_plans_account_for_every_sentence_and_cell(map_bundled):
    figures = {}
    for plan_dir in BUNDLED:
        coverage = map_bundled(plan_dir).coverage
        figures[plan_dir] = (
            coverage.unit,
            coverage.span_count(),
            coverage.span_count("carried"),
            coverage.span_count("ignored"),
            len(coverage.unaccounted),
        )
    # The figures of docs/fidelity.md ("Coverage of sentences and cells")
    assert figures == {
        "metz-codev-actions": ("cell", 112, 103, 9, 0),
        "metz-projet-metropolitain": ("sentence", 549, 467, 82, 0),
        "mot-programme-2023": ("cell", 246, 246, 0, 0),
        "pnfc-feuille-de-route": ("sentence", 621, 544, 77, 0),
        "pompey-projet-de-territoire": ("sentence", 502, 460, 42, 0),
    }
