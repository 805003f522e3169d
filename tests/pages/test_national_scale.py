"""The site at national scale: paged lists (home page, an actor's involvements, the
charts), counts asked per plan, page queries within a time limit, and the chart query
rewritten so that it stays linear."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from lodplan.pages import charts, resource_page, site
from lodplan.pages.charts import charts_page
from lodplan.pages.export import export_site
from lodplan.pages.limits import PageQueryTimeoutError, TimeLimitedStore
from lodplan.pages.links import ServerLinks, StaticLinks, numbered_file
from lodplan.pages.paging import page_number, page_of
from lodplan.pages.plans import plan_cards, plan_list, with_counts
from lodplan.pages.queries import query_text
from lodplan.pages.render import PageRenderer
from lodplan.pages.site import SitePages
from lodplan.publishing.representations import ResourceService
from lodplan.store.base import NamedGraph
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore

BASE = "http://national.test/"
PLANS = 7
ACTOR = BASE + "actor/etat"


def plan_iri(n: int) -> str:
    return f"{BASE}plan/p{n:02d}"


def plan_turtle(n: int) -> str:
    """Plan n: n+1 axes, each with one action, the État piloting every action."""
    plan = plan_iri(n)
    lines = [
        "@prefix lodplan: <https://w3id.org/lodplan/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        f'<{plan}> a lodplan:Plan ; rdfs:label "Plan {n:02d}"@fr .',
    ]
    for axis in range(1, n + 2):
        top, action = f"{plan}/element/{axis}", f"{plan}/element/{axis}.1"
        lines += [
            f"<{plan}> lodplan:hasElement <{top}> .",
            f'<{top}> a lodplan:Objective ; lodplan:inPlan <{plan}> ; skos:notation "{axis}" ;'
            f' lodplan:order {axis} ; rdfs:label "Axe {axis}"@fr .',
            f"<{action}> a lodplan:Action ; lodplan:inPlan <{plan}> ; lodplan:partOf <{top}> ;"
            f' skos:notation "{axis}.1" ; rdfs:label "Action {axis}.1"@fr ;'
            f" lodplan:involves <{ACTOR}> ; lodplan:involvement <{action}#inv> .",
            f"<{action}#inv> prov:agent <{ACTOR}> ;"
            " prov:hadRole <https://w3id.org/lodplan/code/role/pilote> .",
        ]
    return "\n".join(lines) + "\n"


def publish(root: Path) -> EmbeddedStore:
    from pyoxigraph import RdfFormat, parse, serialize

    graphs = []
    for n in range(1, PLANS + 1):
        triples = [q.triple for q in parse(plan_turtle(n), format=RdfFormat.TURTLE)]
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        graphs.append(NamedGraph(f"{BASE}graph/plan/p{n:02d}", body, len(triples)))
    actor = (
        f"<{ACTOR}> a <http://www.w3.org/ns/org#Organization> ; "
        '<http://www.w3.org/2000/01/rdf-schema#label> "État"@fr .'
    )
    triples = [q.triple for q in parse(actor, format=RdfFormat.TURTLE)]
    graphs.append(
        NamedGraph(
            BASE + "graph/actors",
            serialize(triples, format=RdfFormat.N_TRIPLES) or b"",
            len(triples),
        )
    )
    EmbeddedPublisher(root).publish(graphs, base_iri=BASE, build_id="national-1")
    return EmbeddedStore(root)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> EmbeddedStore:
    return publish(tmp_path_factory.mktemp("national"))


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 3 plans, 4 involvements, 2 plans' charts: the fixture's 7 plans need several."""
    monkeypatch.setattr(site, "PAGE_SIZE", 3)
    monkeypatch.setattr(resource_page, "INVOLVEMENTS_PER_PAGE", 4)
    monkeypatch.setattr(charts, "CHART_PLANS_PER_PAGE", 2)


def pages(store: EmbeddedStore) -> SitePages:
    return SitePages(ResourceService(store, base_iri=BASE), PageRenderer())


# -- paging ---------------------------------------------------------------------------


def test_a_page_of_a_list_knows_its_place():
    paged = page_of(list(range(45)), 2, 20)
    assert paged is not None
    assert (list(paged.items)[:2], paged.count, paged.first_item, paged.last_item) == (
        [20, 21], 3, 21, 40,
    )  # fmt: skip
    assert (paged.previous, paged.next) == (1, 3)
    assert page_of(list(range(45)), 4, 20) is None
    assert page_of([], 1, 20) is not None  # an empty list has its page 1
    assert page_of(list(range(200)), 6, 10).numbers == [1, None, 4, 5, 6, 7, 8, None, 20]


@pytest.mark.parametrize(("value", "number"), [(None, 1), ("", 1), ("3", 3), ("0", None),
                         ("-1", None), ("x", None), ("²", None), ("9" * 50, None)])  # fmt: skip
def test_a_page_number_is_a_whole_number_from_1(value, number):
    assert page_number(value) == number


def test_links_to_the_pages_of_a_list_keep_the_pages_parameters():
    assert ServerLinks(BASE).numbered(2) == "/?page=2"
    assert ServerLinks(BASE, current="?page=2").numbered(1) == "/"
    assert ServerLinks(BASE, lang="en", current="actor/etat").numbered(3) == (
        "/actor/etat?page=3&lang=en"
    )
    assert StaticLinks(BASE, "en/index.html", "en").numbered(2) == "index-page-2.html"
    assert StaticLinks(BASE, "actor/etat-page-2.html").numbered(1) == "etat.html"
    assert numbered_file("index-page-3.html", 4) == "index-page-4.html"


def test_the_home_page_lists_a_page_of_plans_with_their_counts(store, small_pages):
    site_pages = pages(store)
    first = site_pages.home(ServerLinks(BASE))
    assert first is not None
    assert [f"Plan {n:02d}" in first for n in range(1, 5)] == [True, True, True, False]
    assert "1 à 3 sur 7 (page 1 sur 3)" in first
    assert 'href="/?page=2"' in first and 'href="/?page=3"' in first
    third = site_pages.home(ServerLinks(BASE, current="?page=3"), 3)
    assert third is not None and "Plan 07" in third and "Plan 01" not in third
    assert 'rel="prev" href="/?page=2"' in third
    assert site_pages.home(ServerLinks(BASE), 4) is None  # past the last page
    assert "8 éléments de premier niveau · 8 objectifs · 8 actions · 1 acteur" in third


def test_counts_asked_per_plan_are_those_of_every_plan_at_once(store):
    every = {card.iri: card for card in plan_cards(store, "fr")}
    for card in plan_list(store, "fr"):
        assert with_counts(store, card) == every[card.iri]


def test_an_actors_involvements_are_paged(store, small_pages):
    site_pages = pages(store)
    first = site_pages.resource(ACTOR, ServerLinks(BASE, current="actor/etat"))
    assert first is not None
    assert "1 à 4 sur 35 (page 1 sur 9)" in first  # 2 + 3 + … + 8 actions
    assert 'href="/actor/etat?page=2"' in first
    last = site_pages.resource(ACTOR, ServerLinks(BASE, current="actor/etat?page=9"), page=9)
    assert last is not None and "33 à 35 sur 35" in last
    assert site_pages.resource(ACTOR, ServerLinks(BASE), page=10) is None


def test_the_charts_page_draws_a_page_of_plans(store, small_pages):
    whole = charts_page(store, "fr")
    assert len(whole.per_top) == PLANS
    second = whole.page(2)
    assert second is not None and second.paged is not None
    assert [iri for iri, _, _ in second.paged.items] == [plan_iri(5), plan_iri(4)]
    assert [chart.subject_iri for chart in second.per_top] == [plan_iri(5), plan_iri(4)]
    assert [bar.iri for bar in second.per_plan.bars] == [plan_iri(5), plan_iri(4)]
    assert second.actors == whole.actors  # every plan's actors, on every page
    assert whole.page(5) is None


def test_the_static_export_writes_every_page_of_every_list(store, small_pages, tmp_path):
    report = export_site(store, tmp_path / "site")
    root = report.target
    assert {p.name for p in root.glob("index*.html")} == {
        "index.html", "index-page-2.html", "index-page-3.html",
    }  # fmt: skip
    assert (root / "en" / "index-page-3.html").is_file()
    assert (root / "actor" / "etat-page-9.html").is_file()
    assert (root / "charts-page-4.html").is_file()
    assert 'href="index-page-2.html"' in (root / "index.html").read_text()
    assert not [p for p in report.problems if "-page-" in p or "no such page" in p]


# -- the chart query -------------------------------------------------------------------


FIRST_WRITTEN_ACTIONS_PER_TOP = """
PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?plan ?top ?actions ?order ?notation ?levelName ?label
WHERE {
  {
    SELECT ?plan ?top (COUNT(DISTINCT ?action) AS ?actions)
    WHERE {
      ?plan a lodplan:Plan ;
            lodplan:hasElement ?top .
      OPTIONAL { ?action lodplan:inPlan ?plan ; a lodplan:Action ; lodplan:partOf* ?top . }
    }
    GROUP BY ?plan ?top
  }
  OPTIONAL { ?top lodplan:order ?order }
  OPTIONAL { ?top skos:notation ?notation }
  OPTIONAL { ?top lodplan:levelName ?levelName }
  OPTIONAL { ?top rdfs:label ?label }
}
"""


def rows(store, query: str) -> list[tuple]:
    return sorted(
        tuple(sorted((name, str(term)) for name, term in row.items()))
        for row in store.select(query)
    )


def test_the_actions_per_top_query_gives_the_rows_it_gave_as_first_written(store):
    new = rows(store, query_text("chart-actions-per-top"))
    assert new == rows(store, FIRST_WRITTEN_ACTIONS_PER_TOP)
    assert len(new) == sum(n + 1 for n in range(1, PLANS + 1))


def test_the_actions_per_top_query_on_the_bundled_plans(bundled_build):
    bundled = EmbeddedStore(bundled_build.store)
    new = rows(bundled, query_text("chart-actions-per-top"))
    assert new and new == rows(bundled, FIRST_WRITTEN_ACTIONS_PER_TOP)


# -- the time limit ----------------------------------------------------------------------


class SlowStore:
    """A store whose queries take ``seconds`` (and count how often they ran)."""

    def __init__(self, store: EmbeddedStore, seconds: float) -> None:
        self.store = store
        self.seconds = seconds
        self.runs = 0
        self.release = threading.Event()

    def __getattr__(self, name: str):
        if name == "pinned":  # its pinned build would answer without it
            raise AttributeError(name)
        return getattr(self.store, name)

    def select(self, query, bindings=None):
        self.runs += 1
        self.release.wait(self.seconds)
        return self.store.select(query, bindings)


def test_a_query_over_its_time_limit_gives_up_waiting_and_runs_once(store):
    slow = SlowStore(store, seconds=30)
    limited = TimeLimitedStore(slow, limit_s=0.2)
    query = query_text("plans")
    started = time.monotonic()
    with pytest.raises(PageQueryTimeoutError) as raised:
        limited.select(query)
    assert time.monotonic() - started < 5
    assert "The published plans" in str(raised.value)  # the query's first comment line
    with pytest.raises(PageQueryTimeoutError):
        limited.select(query)  # asked again while it runs: waits for the same run
    assert slow.runs == 1
    slow.release.set()  # the late query ends…
    deadline = time.monotonic() + 10
    while limited.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert limited.select(query) == store.select(query)  # …and answers the next request
    assert slow.runs == 1


def test_a_query_within_its_time_limit_answers_as_the_store(store):
    limited = TimeLimitedStore(store, limit_s=30)
    query = query_text("plan-count-items")
    assert limited.select(query, {"plan": plan_iri(3)}) == store.select(
        query, {"plan": plan_iri(3)}
    )


def test_an_error_of_a_query_reaches_the_page(store):
    limited = TimeLimitedStore(store, limit_s=30)
    with pytest.raises(SyntaxError):
        limited.select("SELECT nonsense")
    assert limited.running == 0


def test_a_pages_queries_share_one_time_budget(store):
    slow = SlowStore(store, seconds=30)
    limited = TimeLimitedStore(slow, limit_s=0.3)
    limited.start_page()
    started = time.monotonic()
    for name in ("plans", "plan-counts"):
        with pytest.raises(PageQueryTimeoutError):
            limited.select(query_text(name))
    assert time.monotonic() - started < 0.3 + 0.25  # the second waited no budget of its own
    limited.end_page()
    slow.release.set()
