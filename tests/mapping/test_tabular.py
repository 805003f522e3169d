"""The tabular reader on small hand-made tables: fill-down, HTML, lists, repairs, errors."""

from __future__ import annotations

import textwrap

import pytest
from rdflib import URIRef
from rdflib.namespace import PROV, RDFS

from lodplan.errors import MappingError
from lodplan.iris import IriMinter
from lodplan.mapping import map_plan
from lodplan.mapping.model import Span
from lodplan.mapping.readers.tabular import cell_items, clean_html
from lodplan.terms import LP, PRIORITY
from tests.conftest import TEST_BASE

ROWS = [
    "Légende :\tsous 1 an\t",  # 1 legend
    "Thème\tObjectif\tAction\tPriorité\tServices",  # 2 header
    "<b>Mobilité &amp; transports</b>\tMieux circuler\tCréer une ligne\t\tMobilité, Cabinet",  # 3
    "\t\t<ul> <li>Étudier,</li> <li>Réaliser</li> </ul>\t\tMobilité",  # 4 fill-down
    "",  # 5
    "Habitat\t<ul><li>Loger</li><li>Rénover</li></ul>\tAider\t\t",  # 6 joined list
    "\tRénover l'ancien\tSubventionner\tCabinet\t",  # 7 shifted: service in priority column
]

MAPPING = textwrap.dedent(
    """\
    lodplan-mapping: 1
    plan:
      id: petit-tableau
      title: {{fr: "Petit tableau"}}
      type: plan-d-actions
      publisher: metz-metropole
      language: fr
    source:
      file: table.tsv
      title: {{fr: "Petit tableau"}}
    reader:
      type: tabular
      columns: 5
      html: true
      levels:
        - {{column: 1, class: PlanElement, kind: theme, level-name: "Thème"}}
        - {{column: 2, class: Objective, kind: objectif, level-name: Objectif, lists: join}}
        - {{column: 3, class: Action, kind: action-a-conduire, level-name: Action}}
      priority: {{column: 4, values: {{"": non-determinee}}}}
      actors:
        column: 5
        split: '\\s*,\\s*'
        role: service-concerne
        values: {{"Mobilité": [metz-metropole-mobilite], "Cabinet": [metz-metropole-cabinet]}}
    {repairs}
      ignore:
        - {{blank: true, reason: blank}}
        - {{lines: [1], reason: legend}}
        - {{lines: [2], reason: header}}
    rules:
      - {{id: comma, pattern: '\\s*,$', remove: true}}
    """
)

REPAIRS = """\
  repairs:
    - {lines: [7], shift-right-from-column: 4, reason: service read in the priority column}
"""


def write(tmp_path, rows=ROWS, repairs=REPAIRS):
    folder = tmp_path / "petit-tableau"
    folder.mkdir()
    (folder / "table.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "mapping.yaml").write_text(MAPPING.format(repairs=repairs), encoding="utf-8")
    return folder / "mapping.yaml"


@pytest.fixture
def mapped(tmp_path, vocabulary, bundled_actors):
    def _map(**kwargs):
        return map_plan(
            write(tmp_path, **kwargs),
            iris=IriMinter(TEST_BASE),
            vocabulary=vocabulary,
            actors=bundled_actors,
        )

    return _map


def tree(plan):
    return [
        (e.kind, e.label, [c.label for c in e.children]) for e in plan.outline.walk() if e.children
    ]


def test_html_cells_become_clean_text():
    assert clean_html("<b>Mobilité &amp;  transports</b>") == "Mobilité & transports"
    items = cell_items('<ul style="x"> <li>A,</li> <li>B &amp; C</li> </ul>', use_html=True)
    assert items == [("A,", "A,"), ("B & C", "B &amp; C")]
    assert cell_items("   ", use_html=True) == []


def test_fill_down_lists_and_repair(mapped):
    plan = mapped()
    assert tree(plan) == [
        ("theme", "Mobilité & transports", ["Mieux circuler"]),
        ("objectif", "Mieux circuler", ["Créer une ligne", "Étudier", "Réaliser"]),
        ("theme", "Habitat", ["Loger ; Rénover", "Rénover l'ancien"]),
        ("objectif", "Loger ; Rénover", ["Aider"]),
        ("objectif", "Rénover l'ancien", ["Subventionner"]),
    ]
    by_label = {e.label: e for e in plan.outline.walk()}
    assert by_label["Étudier"].span.start_line == 4
    assert by_label["Étudier"].span.quote == "Étudier,"
    assert by_label["Étudier"].involvements == [("metz-metropole-mobilite", "service-concerne")]
    assert by_label["Subventionner"].involvements == [
        ("metz-metropole-cabinet", "service-concerne")
    ]
    assert by_label["Créer une ligne"].priority == "non-determinee"
    assert by_label["Mobilité & transports"].span.quote == "<b>Mobilité &amp; transports</b>"
    assert plan.coverage.unaccounted == []


def test_quotes_are_verbatim_at_their_lines(mapped):
    plan = mapped()
    for element in plan.outline.walk():
        assert element.span.quote in ROWS[element.span.start_line - 1]


def test_involvements_and_priority_in_the_graph(mapped):
    graph = mapped().graph
    [action] = [s for s, o in graph.subject_objects(RDFS.label) if str(o) == "Créer une ligne"]
    assert graph.value(action, LP.priority) == PRIORITY["non-determinee"]
    agents = {str(graph.value(i, PROV.agent)) for i in graph.objects(action, LP.involvement)}
    assert agents == {
        TEST_BASE + "actor/metz-metropole-mobilite",
        TEST_BASE + "actor/metz-metropole-cabinet",
    }
    assert isinstance(action, URIRef)


def test_undeclared_shifted_row_names_its_line(mapped):
    with pytest.raises(MappingError) as error:
        mapped(repairs="")
    assert "table.tsv:7" in str(error.value)
    assert "'Cabinet'" in str(error.value) and "repair" in str(error.value)


def test_row_of_the_wrong_width_names_its_line(mapped):
    rows = [*ROWS, "Seul\tdeux"]
    with pytest.raises(MappingError, match=r"table.tsv:8.*expected 5 columns"):
        mapped(rows=rows)


def test_unknown_actor_name_is_an_error(mapped):
    rows = [*ROWS[:6], "\t\tAider encore\t\tUrbanisme"]
    with pytest.raises(MappingError, match=r"table.tsv:7.*'Urbanisme'.*not declared"):
        mapped(rows=rows, repairs="")


def test_repair_that_would_lose_a_cell_is_refused(mapped):
    rows = [*ROWS[:6], "\tRénover l'ancien\tSubventionner\tCabinet\tperdu"]
    with pytest.raises(MappingError, match=r"table.tsv:7.*last cell is not empty"):
        mapped(rows=rows)


def test_split_list_with_deeper_levels_is_ambiguous(tmp_path, vocabulary, bundled_actors):
    path = write(tmp_path, rows=[*ROWS[:5], "Habitat\tLoger\tAider\t\t"], repairs="")
    text = path.read_text(encoding="utf-8").replace(", lists: join", "")
    path.write_text(text, encoding="utf-8")
    table = path.parent / "table.tsv"
    table.write_text(
        table.read_text(encoding="utf-8").replace(
            "Habitat\tLoger", "Habitat\t<ul><li>A</li><li>B</li></ul>"
        ),
        encoding="utf-8",
    )
    with pytest.raises(MappingError, match=r"table.tsv:6.*parent would be ambiguous"):
        map_plan(path, iris=IriMinter(TEST_BASE), vocabulary=vocabulary, actors=bundled_actors)


SPLIT = """\
  repairs:
    - {lines: [7], shift-right-from-column: 4, reason: service read in the priority column}
    - lines: [8]
      split-cells: {3: ["Piloter", "Suivre"], 5: ["Cabinet", "Mobilité"]}
      reason: two-line cells flattened into one line
"""


def test_split_cells_repair_gives_one_row_per_piece(mapped):
    plan = mapped(rows=[*ROWS, "\t\tPiloter Suivre\t\tCabinet Mobilité"], repairs=SPLIT)
    by_label = {e.label: e for e in plan.outline.walk()}
    assert by_label["Piloter"].involvements == [("metz-metropole-cabinet", "service-concerne")]
    assert by_label["Suivre"].involvements == [("metz-metropole-mobilite", "service-concerne")]
    assert by_label["Suivre"].span == Span(8, 8, "Suivre")
    renover = by_label["Rénover l'ancien"]
    assert [c.label for c in renover.children] == ["Subventionner", "Piloter", "Suivre"]


def test_split_cells_pieces_must_make_up_the_cell(mapped):
    with pytest.raises(MappingError, match=r"table.tsv:8.*do not make up its text"):
        mapped(rows=[*ROWS, "\t\tPiloter et Suivre\t\tCabinet Mobilité"], repairs=SPLIT)


def test_split_cells_need_as_many_pieces_in_each_column(mapped):
    bad = SPLIT.replace('["Cabinet", "Mobilité"]', '["Cabinet Mobilité", "x", "y"]')
    with pytest.raises(MappingError, match=r"repairs\[1\].*same number of pieces"):
        mapped(rows=[*ROWS, "\t\tPiloter Suivre\t\tCabinet Mobilité"], repairs=bad)


LEAD_IN_ROW = "\t\t<ul><li>Réunir les acteurs pour :</li><li>créer,</li><li>financer</li></ul>\t\t"


def test_lead_in_item_must_be_declared(mapped):
    with pytest.raises(MappingError, match=r"table.tsv:8.*'Réunir les acteurs pour :'.*lead-ins"):
        mapped(rows=[*ROWS, LEAD_IN_ROW])


def test_declared_lead_in_joins_the_items_it_introduces(tmp_path, vocabulary, bundled_actors):
    path = write(tmp_path, rows=[*ROWS, LEAD_IN_ROW])
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("level-name: Action}", "level-name: Action, lead-ins: join}"),
        encoding="utf-8",
    )
    plan = map_plan(path, iris=IriMinter(TEST_BASE), vocabulary=vocabulary, actors=bundled_actors)
    [joined] = [e for e in plan.outline.walk() if e.label.startswith("Réunir")]
    assert joined.label == "Réunir les acteurs pour : créer ; financer"
    assert joined.span.quote == "Réunir les acteurs pour :</li><li>créer,</li><li>financer"
    assert joined.span.quote in LEAD_IN_ROW
