"""Name links on the bundled plans and on a small plan of a new collectivity.

``docs/name-links-audit.csv`` lists every link lodplan publishes from the names of
the bundled plans, each checked by reading its sentence in the source (verdict
``correct`` or ``wrong``), and the links published before issue 15 that are not
published any more. The links a build publishes must be exactly the audited ones
marked published, all correct: a change of the gazetteer, the common words or a
review that adds, drops or moves a link fails here until someone reads it.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from lodplan.build import check_plans
from lodplan.bundled import mappings_dir
from lodplan.mapping.mentions import TO_REVIEW
from tests.conftest import TEST_BASE

ROOT = Path(__file__).resolve().parents[2]
AUDIT = ROOT / "docs" / "name-links-audit.csv"
FIXTURE = Path(__file__).parent.parent / "fixtures" / "name-links"
LINKED = ("unique", "reviewed")


@pytest.fixture(scope="module")
def bundled():
    return check_plans(mappings_dir(), TEST_BASE)


def audited() -> list[dict[str, str]]:
    with AUDIT.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_published_link_was_read_and_found_correct(bundled):
    published = Counter(
        (plan.plan_id, str(m.line), m.field, m.text, m.target.ref)
        for plan in bundled.plans
        for m in plan.mentions
        if m.decision in LINKED
    )
    rows = [r for r in audited() if r["after"] in LINKED]
    assert published == Counter(
        (r["plan"], r["line"], r["field"], r["mention"], r["linked to"]) for r in rows
    )
    assert all(r["verdict"] == "correct" for r in rows)
    assert not bundled.mentions_to_review


def test_the_audit_records_the_link_that_was_wrong():
    [wrong] = [r for r in audited() if r["verdict"] == "wrong"]
    assert (wrong["plan"], wrong["mention"], wrong["linked to"]) == (
        "pompey-projet-de-territoire", "État", "actor:etat",
    )  # fmt: skip
    assert (wrong["before"], wrong["after"]) == ("unique", "not-a-name")


def test_pompeys_etat_des_lieux_is_not_the_state(bundled):
    [pompey] = [p for p in bundled.plans if p.plan_id == "pompey-projet-de-territoire"]
    [mention] = [m for m in pompey.mentions if m.line == 58 and m.text == "État"]
    assert (mention.decision, mention.context) == ("not-a-name", "⟦État⟧ des lieux")
    step = next(e for e in pompey.outline.walk() if e.label == "État des lieux")
    assert step.involvements == []


def test_a_new_plan_in_isere_links_plan_only_where_it_is_the_commune():
    checked = check_plans(FIXTURE, TEST_BASE)
    assert checked.ok, checked.render_problems()
    [plan] = checked.plans
    found = [(m.line, m.text, m.decision, m.target.ref if m.target else None)
             for m in plan.mentions]  # fmt: skip
    assert found == [
        (2, "Plan", "not-a-name", None),  # « Le Plan Climat du territoire »
        (2, "État", "not-a-name", None),  # « État des lieux des émissions »
        (2, "Plan", "unique", "commune:38308"),  # « la mairie à Plan »
        (2, "État", "unique", "actor:etat"),  # « avec l'État »
        (3, "Vif", "unique", "commune:38545"),  # « à Vif »
        (4, "PLAN", "not-a-name", None),  # « PLAN DE MOBILITÉ »
        (4, "Plan", "not-a-name", None),  # « le Plan de mobilité simplifié »
        (4, "Plan", "unique", "commune:38308"),  # « la commune de Plan »
    ]
    assert not any(m.decision in TO_REVIEW for m in plan.mentions)
    climat = next(e for e in plan.outline.walk() if e.label == "Le Plan Climat du territoire")
    assert climat.territories == []


def test_each_published_link_carries_its_evidence_in_the_data():
    from rdflib import URIRef
    from rdflib.namespace import RDF, RDFS

    from lodplan.terms import LP, OA

    checked = check_plans(FIXTURE, TEST_BASE)
    [plan] = checked.plans
    graph = plan.graph
    links = list(graph.subjects(RDF.type, LP.NameLink))
    published = [m for m in plan.mentions if m.decision in LINKED]
    assert len(links) == len(published) == 4
    state = URIRef(TEST_BASE + "actor/etat")
    [link] = [x for x in links if graph.value(x, OA.hasBody) == state]
    holder = graph.value(predicate=LP.nameLink, object=link)
    assert graph.value(holder, RDFS.label).startswith("Rénover la mairie")
    assert str(link).startswith(str(holder) + "#name-")
    assert graph.value(link, OA.motivatedBy) == OA.identifying
    assert str(graph.value(link, LP.linkRule)) == "actor-label"
    assert str(graph.value(link, LP.linkConfidence)) == "certain"
    assert str(graph.value(link, RDFS.comment)) == "a word of French after « l' »"
    words = graph.value(link, OA.hasTarget)
    assert graph.value(words, LP.startLine).toPython() == 2
    [quote] = [s for s in graph.objects(words, OA.hasSelector) if (s, OA.exact, None) in graph]
    assert [str(graph.value(quote, p)) for p in (OA.prefix, OA.exact)] == [
        "Rénover la mairie à Plan avec l'",
        "État",
    ]
    assert graph.value(quote, OA.suffix) is None  # the name ends the label
    # what is not certain is not in the data, not even as evidence: Plan is linked twice,
    # « à Plan » and « commune de Plan »
    plan_commune = URIRef(TEST_BASE + "territory/commune/38308")
    assert len(list(graph.subjects(OA.hasBody, plan_commune))) == 2


def test_the_bundled_plans_publish_one_name_link_per_published_link(bundled):
    from rdflib.namespace import RDF

    from lodplan.terms import LP

    for plan in bundled.plans:
        published = [m for m in plan.mentions if m.decision in LINKED]
        assert len(set(plan.graph.subjects(RDF.type, LP.NameLink))) == len(published)
