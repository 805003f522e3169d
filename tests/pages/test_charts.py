"""The charts: their numbers on a small hand-made build, their layout, and their HTML
(rendered without Flask, as the static export does)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse, serialize

from lodplan.pages.charts import (
    BAR_SPAN,
    PLOT_LEFT,
    PLOT_WIDTH,
    charts_page,
    plan_axis_chart,
    plan_timeline,
    render_charts_page,
    text_width,
    wrap,
)
from lodplan.pages.links import ServerLinks, StaticLinks
from lodplan.pages.plans import plan_tree
from lodplan.pages.render import PageRenderer
from lodplan.store.base import NamedGraph
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore

BASE = "http://charts.test/"
PLAN_A, PLAN_B, PLAN_C = (f"{BASE}plan/{name}" for name in "abc")
AXIS_1, AXIS_2, AXIS_3 = (f"{PLAN_A}/element/{n}" for n in (1, 2, 3))
ACT_1, ACT_2, ACT_3, ACT_4 = (
    f"{PLAN_A}/element/{code}" for code in ("1.1.1", "1.1.2", "1.3", "2.1")
)
ACT_B = f"{PLAN_B}/element/seule-action"
ACTOR_X, ACTOR_Y = f"{BASE}actor/x", f"{BASE}actor/y"
HOSTILE_LABEL = "<script>alert('axe')</script> & <b>co</b>"

DATA = f"""
@prefix lodplan: <https://w3id.org/lodplan/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix role: <https://w3id.org/lodplan/code/role/> .
@prefix daterole: <https://w3id.org/lodplan/code/date-role/> .

<{PLAN_A}> a lodplan:Plan ; rdfs:label "Plan A"@fr , "Plan A in English"@en ;
    lodplan:hasElement <{AXIS_1}> , <{AXIS_2}> , <{AXIS_3}> .
<{AXIS_1}> a lodplan:Objective ; lodplan:inPlan <{PLAN_A}> ; lodplan:order 1 ;
    skos:notation "1" ; lodplan:levelName "Axe"@fr ; rdfs:label "Premier axe"@fr ;
    lodplan:date <{AXIS_1}#date-1> ;
    lodplan:involvement <{AXIS_1}#involvement-x-mentionne> .
<{AXIS_1}#date-1> lodplan:startDate "2019-01-01"^^xsd:date ;
    lodplan:endDate "2019-12-31"^^xsd:date .
<{AXIS_1}#involvement-x-mentionne> prov:agent <{ACTOR_X}> ; prov:hadRole role:mentionne .
<{AXIS_1}/element/1.1> a lodplan:Objective ; lodplan:inPlan <{PLAN_A}> ;
    lodplan:partOf <{AXIS_1}> ; rdfs:label "Objectif"@fr .
<{ACT_1}> a lodplan:Action ; lodplan:inPlan <{PLAN_A}> ; lodplan:partOf <{AXIS_1}/element/1.1> ;
    skos:notation "1.1.1" ; rdfs:label "Action profonde"@fr ;
    lodplan:involvement <{ACT_1}#involvement-x-pilote> , <{ACT_1}#involvement-x-mentionne> ,
        <{ACT_1}#involvement-y-mentionne> ;
    lodplan:date <{ACT_1}#date-1> , <{ACT_1}#date-2> .
<{ACT_1}#involvement-x-pilote> prov:agent <{ACTOR_X}> ; prov:hadRole role:pilote .
<{ACT_1}#involvement-x-mentionne> prov:agent <{ACTOR_X}> ; prov:hadRole role:mentionne .
<{ACT_1}#involvement-y-mentionne> prov:agent <{ACTOR_Y}> ; prov:hadRole role:mentionne .
<{ACT_1}#date-1> lodplan:startDate "2021-01-01"^^xsd:date ; lodplan:endDate "2023-12-31"^^xsd:date ;
    lodplan:dateText "2021-2023"@fr ; lodplan:dateRole daterole:periode .
<{ACT_1}#date-2> lodplan:startDate "2022-03-15"^^xsd:date ; lodplan:endDate "2022-03-15"^^xsd:date ;
    lodplan:dateText "15 mars 2022"@fr ; lodplan:dateRole daterole:evenement .
<{ACT_2}> a lodplan:Action ; lodplan:inPlan <{PLAN_A}> ; lodplan:partOf <{AXIS_1}/element/1.1> ;
    rdfs:label "Autre action"@fr ; lodplan:involvement <{ACT_2}#involvement-x-partenaire> .
<{ACT_2}#involvement-x-partenaire> prov:agent <{ACTOR_X}> ; prov:hadRole role:partenaire .
<{ACT_3}> a lodplan:Action ; lodplan:inPlan <{PLAN_A}> ; lodplan:partOf <{AXIS_1}> ;
    rdfs:label "Action directe"@fr .
<{AXIS_2}> a lodplan:Objective ; lodplan:inPlan <{PLAN_A}> ; lodplan:order 2 ;
    skos:notation "2" ; lodplan:levelName "Axe"@fr ; rdfs:label "{HOSTILE_LABEL}"@fr .
<{ACT_4}> a lodplan:Action ; lodplan:inPlan <{PLAN_A}> ; lodplan:partOf <{AXIS_2}> ;
    rdfs:label "Action datée"@fr ; lodplan:date <{ACT_4}#date-1> .
<{ACT_4}#date-1> lodplan:startDate "2024-01-01"^^xsd:date ; lodplan:endDate "2024-12-31"^^xsd:date ;
    lodplan:dateText "2024"@fr .
<{AXIS_3}> a lodplan:Objective ; lodplan:inPlan <{PLAN_A}> ; lodplan:order 3 ;
    skos:notation "3" ; lodplan:levelName "Axe"@fr ; rdfs:label "Axe sans action"@fr .

<{PLAN_B}> a lodplan:Plan ; rdfs:label "Plan B"@fr ; lodplan:hasElement <{ACT_B}> .
<{ACT_B}> a lodplan:Action ; lodplan:inPlan <{PLAN_B}> ; lodplan:order 1 ;
    rdfs:label "Action de premier niveau"@fr .
<{PLAN_C}> a lodplan:Plan ; rdfs:label "Plan C"@fr .

<{ACTOR_X}> a org:Organization ; rdfs:label "Acteur X"@fr , "Actor X"@en .
<{ACTOR_Y}> a org:OrganizationalUnit ; rdfs:label "Service Y"@fr ; org:unitOf <{BASE}actor/z> .
<{BASE}actor/z> a org:Organization ; rdfs:label "Organisation Z"@fr .
"""

CODELISTS = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix role: <https://w3id.org/lodplan/code/role/> .
@prefix daterole: <https://w3id.org/lodplan/code/date-role/> .
role:pilote skos:prefLabel "Pilote"@fr , "Lead"@en .
role:partenaire skos:prefLabel "Partenaire"@fr , "Partner"@en .
role:mentionne skos:prefLabel "Acteur mentionné"@fr , "Mentioned actor"@en .
daterole:periode skos:prefLabel "Période couverte"@fr , "Period covered"@en .
daterole:evenement skos:prefLabel "Événement"@fr , "Event"@en .
"""


def named_graph(iri: str, turtle: str) -> NamedGraph:
    triples = list(parse(turtle, format=RdfFormat.TURTLE))
    return NamedGraph(iri, serialize(triples, format=RdfFormat.N_TRIPLES), len(triples))


def publish_charts_dataset(root: Path, *, build_id: str = "charts-1", data: str = DATA):
    """Publish the charts' hand-made build into ``root``; returns the store."""
    graphs = [named_graph(f"{BASE}graph/plans", data), named_graph(f"{BASE}graph/codes", CODELISTS)]
    EmbeddedPublisher(root).publish(graphs, base_iri=BASE, build_id=build_id)
    return EmbeddedStore(root)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return publish_charts_dataset(tmp_path_factory.mktemp("charts-store"))


@pytest.fixture(scope="module")
def page(store):
    return charts_page(store, "fr")


def values(chart) -> dict[str, int]:
    return {bar.iri: bar.value for bar in chart.bars}


# -- the numbers -------------------------------------------------------------------------


def test_actions_per_plan_count_every_plan_most_first(page):
    assert [(bar.label, bar.value) for bar in page.per_plan.bars] == [
        ("Plan A", 4),
        ("Plan B", 1),
        ("Plan C", 0),
    ]
    assert page.per_plan.total == 5
    assert [bar.label for bar in page.per_plan.drawn][-1] == "Plan C"  # drawn, with its 0


def test_actions_per_top_element_are_counted_through_every_level(page):
    chart_a, chart_b, chart_c = page.per_top
    assert chart_a.subject_iri == PLAN_A and chart_a.subject_label == "Plan A"
    assert [(bar.iri, bar.value) for bar in chart_a.bars] == [(AXIS_1, 3), (AXIS_2, 1), (AXIS_3, 0)]
    assert chart_a.bars[0].label == "Axe 1 · Premier axe"  # the document's level name and code
    assert [bar.iri for bar in chart_a.drawn] == [AXIS_1, AXIS_2]  # an empty axis: table only
    assert chart_a.empty_categories == 1
    assert values(chart_b) == {ACT_B: 1}  # a top element that is an action counts itself
    assert chart_c.bars == ()


def axis_chart(store, plan: str, label: str):
    return plan_axis_chart(plan_tree(store, plan, "fr"), plan, label)


def test_plan_axis_chart_is_one_plans_chart(store):
    chart = axis_chart(store, PLAN_A, "Plan A")
    assert chart.key == "plan-top"
    assert values(chart) == {AXIS_1: 3, AXIS_2: 1, AXIS_3: 0}
    assert axis_chart(store, f"{BASE}plan/unknown", "?").bars == ()


def test_a_plans_axis_chart_from_its_tree_is_its_chart_on_the_charts_page(store, page):
    """The plan's page counts from the plan's tree what the charts page counts with
    chart-actions-per-top.rq for every plan: the same bars, labels and numbers."""
    for chart in page.per_top:
        own = axis_chart(store, chart.subject_iri, chart.subject_label)
        assert [(b.iri, b.label, b.value) for b in own.bars] == [
            (b.iri, b.label, b.value) for b in chart.bars
        ]
        assert own.subject_label == chart.subject_label and own.height == chart.height


def test_a_plans_timeline_is_drawn_from_the_rows_of_every_plans_query(store):
    """plan-timeline.rq (one plan) gives the timeline chart-timeline.rq gives that plan."""
    from lodplan.pages.charts import timeline_charts
    from lodplan.pages.queries import run

    for plan, label in ((PLAN_A, "Plan A"), (PLAN_B, "Plan B")):
        every = [row for row in run(store, "chart-timeline") if row["plan"].value == plan]
        expected = timeline_charts(every, {plan: label}, "fr")
        own = plan_timeline(store, plan, label, "fr")
        assert (own.rows if own else ()) == (expected[0].rows if expected else ())


def test_plan_timeline_is_one_plans_timeline(store):
    timeline = plan_timeline(store, PLAN_A, "Plan A", "fr")
    assert timeline is not None and timeline.key == "plan-timeline"
    assert [row.iri for row in timeline.rows] == [ACT_1, ACT_4]
    assert (timeline.first_year, timeline.last_year) == (2021, 2024)  # its own years
    assert plan_timeline(store, PLAN_B, "Plan B", "fr") is None  # B dates no action


def test_actors_count_distinct_elements_under_their_strongest_role(page):
    x, y = page.actors.bars
    assert (x.iri, x.label, x.value) == (ACTOR_X, "Acteur X", 3)
    # act1 names X twice (pilote and mentionné): once, as pilote; axis 1 names X mentionné
    assert dict(x.counts) == {1: 1, 3: 1, 6: 1}
    assert [segment.series.label for segment in x.segments] == [
        "Pilote",
        "Partenaire",
        "Acteur mentionné",
    ]
    assert sum(segment.width for segment in x.segments) == pytest.approx(BAR_SPAN, abs=0.01)
    assert (y.label, y.value, dict(y.counts)) == ("Service Y (Organisation Z)", 1, {6: 1})
    assert y.segments[0].width == pytest.approx(BAR_SPAN / 3, abs=0.01)
    assert [series.rank for series in page.actors.series] == [1, 3, 6]


def test_actors_beyond_the_top_are_counted_not_drawn(store):
    from lodplan.pages.charts import actors_chart
    from lodplan.pages.queries import run

    chart = actors_chart(run(store, "chart-actors"), "fr", top=1)
    assert [bar.iri for bar in chart.bars] == [ACTOR_X]
    assert (chart.left_out, chart.left_out_most) == (1, 1)


def test_timeline_places_each_dated_action_on_a_common_axis(page):
    (timeline,) = page.timelines  # plan A only: B and C date no action
    assert (timeline.plan_iri, timeline.first_year, timeline.last_year) == (PLAN_A, 2021, 2024)
    first, second = timeline.rows  # earliest first; the axis's own date (2019) is no action's
    assert (first.iri, first.dates_text) == (ACT_1, "2021-2023 ; 15 mars 2022")
    period, day = first.marks
    assert (period.start, period.end, period.role) == (
        date(2021, 1, 1),
        date(2023, 12, 31),
        "Période couverte",
    )
    assert period.x == pytest.approx(PLOT_LEFT)
    assert period.width == pytest.approx(PLOT_WIDTH * 3 / 4, abs=0.05)  # 3 of 4 years
    assert not period.point and day.point  # one day is too short to be a bar
    (year_2024,) = second.marks
    assert second.iri == ACT_4
    assert year_2024.x == pytest.approx(PLOT_LEFT + PLOT_WIDTH * 3 / 4, abs=0.05)
    assert year_2024.x + year_2024.width == pytest.approx(PLOT_LEFT + PLOT_WIDTH)
    assert [tick.year for tick in timeline.ticks] == [2021, 2022, 2023, 2024]
    assert page.undated_plans == ((PLAN_B, "Plan B"), (PLAN_C, "Plan C"))


def test_labels_follow_the_page_language(store):
    english = charts_page(store, "en")
    assert english.per_plan.bars[0].label == "Plan A in English"
    assert english.actors.bars[0].label == "Actor X"
    assert [s.label for s in english.actors.series] == ["Lead", "Partner", "Mentioned actor"]


def test_charts_are_cached_per_build(tmp_path):
    store = publish_charts_dataset(tmp_path, build_id="first")
    first = charts_page(store, "fr")
    assert charts_page(store, "fr") is first
    fewer = DATA.replace(f"<{ACT_3}> a lodplan:Action", f"<{ACT_3}> a lodplan:Objective")
    publish_charts_dataset(tmp_path, build_id="second", data=fewer)
    second = charts_page(store, "fr")
    assert second is not first
    assert values(second.per_plan)[PLAN_A] == 3


# -- layout ------------------------------------------------------------------------------


def test_wrap_keeps_short_labels_whole():
    assert wrap("Axe 1 · Premier axe") == ["Axe 1 · Premier axe"]


def test_wrap_uses_two_lines_then_shortens_on_a_word():
    label = "DONNER UN CADRE ET UNE STRATEGIE D'ENSEMBLE A L'ACTION TRANSFRONTALIERE " * 2
    lines = wrap(label, width=38)
    assert len(lines) == 2
    assert all(text_width(line) <= 38 for line in lines)
    assert lines[1].endswith("…")
    assert label.startswith(" ".join(lines)[:-1])  # only whole words before "…"


def test_wrap_cuts_a_word_longer_than_a_line():
    lines = wrap("x" * 100, width=10, max_lines=3)
    assert len(lines) == 3 and all(text_width(line) <= 10 for line in lines)
    assert lines[-1].endswith("…")


def test_rows_do_not_overlap(page):
    chart = page.actors
    previous_bottom = 0
    for bar in chart.drawn:
        assert bar.lines[0].y > previous_bottom
        assert bar.bar_y > bar.lines[-1].y
        previous_bottom = bar.bar_y + chart.bar_height
    assert chart.height >= previous_bottom


# -- HTML --------------------------------------------------------------------------------


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the page's text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture(scope="module")
def french_html(store) -> str:
    return render_charts_page(store, PageRenderer(), ServerLinks(data_base=BASE, current="charts"))


def test_a_hostile_label_is_text_everywhere(french_html):
    assert "<script>alert" not in french_html
    assert "<b>co</b>" not in french_html
    escaped = "&lt;script&gt;alert(&#39;axe&#39;)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;"
    assert french_html.count(escaped) >= 2  # the bar's tooltip and the table (label lines wrap)
    assert "Axe 2 · " + HOSTILE_LABEL in "".join(Elements(french_html).text)


def test_every_chart_is_a_named_figure_with_its_table(french_html):
    page = Elements(french_html)
    svgs = page.all("svg")
    # per plan, plans A and B per top element (C has no action), actors, one timeline
    assert len(svgs) == 5
    ids = {attrs.get("id") for _, attrs in page.tags}
    for svg in svgs:
        # not role="img": links inside an image are nested interactive content (axe)
        assert svg["aria-hidden"] == "true" and "role" not in svg
    figures = [f for f in page.all("figure") if "aria-labelledby" in f]
    assert len(figures) == 5
    for figure in figures:
        assert {figure["aria-labelledby"], figure["aria-describedby"]} <= ids
    assert len(page.all("table")) == 5
    assert len(page.all("details")) == 5
    assert "Ce plan ne présente aucun de ses éléments comme une action." in french_html


def test_bars_and_table_rows_link_to_resource_pages(french_html):
    links = [attrs["href"] for attrs in Elements(french_html).all("a")]
    for path in ("/plan/a", "/plan/a/element/1", "/plan/a/element/2", "/actor/x", "/actor/y"):
        assert path in links
    assert links.count("/plan/a/element/1.1.1") == 2  # the timeline's row and its table row
    svg_links = re.findall(r'<a href="([^"]+)" tabindex="-1">', french_html)
    assert "/actor/x" in svg_links and "/plan/a/element/2" in svg_links


def test_the_table_holds_the_numbers(french_html):
    table = french_html[french_html.index('id="chart-actors"') :]
    table = table[table.index("<table>") : table.index("</table>")]
    cells = [c.strip() for c in re.findall(r'<td class="num">([^<]*)</td>', table)]
    assert cells == ["1", "1", "1", "3", "0", "0", "1", "1"]  # pilote, partenaire, mentionné, total


def test_static_export_links_are_relative_files(store):
    links = StaticLinks(data_base=BASE, current="en/charts.html", lang="en")
    html = render_charts_page(store, PageRenderer(), links)
    hrefs = {attrs["href"] for attrs in Elements(html).all("a")}
    assert "plan/a/element/1.html" in hrefs
    assert "../actor/x.html" not in hrefs and "actor/x.html" in hrefs  # English pages: en/…
    assert "Actions per plan" in html


def test_a_plan_page_can_include_its_chart(store):
    """How a plan's page shows its chart: the macro, imported with the page's context."""
    renderer = PageRenderer()
    links = ServerLinks(data_base=BASE, current="plan/a")
    template = renderer.templates.from_string(
        '{% from "_charts.html" import bar_chart, timeline with context %}'
        "{{ bar_chart(chart) }}{{ timeline(dates) }}"
    )
    html = template.render(
        **renderer.context(links),
        chart=axis_chart(store, PLAN_A, "Plan A"),
        dates=plan_timeline(store, PLAN_A, "Plan A", "fr"),
    )
    assert 'id="chart-plan-top"' in html and 'id="chart-plan-timeline"' in html
    assert 'aria-labelledby="chart-plan-top-title" aria-describedby="chart-plan-top-desc"' in html
    assert "Actions par élément de premier niveau : Plan A" in html
    assert '<a href="/plan/a/element/1" tabindex="-1">' in html
