"""Plan facts with the line that states them (issue 15.5): ``plan.stated`` on a small
source, published as rdf:Statements with their provenance, and its errors."""

from __future__ import annotations

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from lodplan.errors import MappingError
from tests.conftest import TEST_BASE
from tests.mapping.graph_helpers import stated
from tests.mapping.test_engine import MAPPING, SOURCE, run

PLAN = URIRef(TEST_BASE + "plan/mon-plan")
COVER = "Rédaction : MOT - février 2024, pour la France"
PLAN_FACTS = """\
  publisher: mot
  creators: [mot]
  issued: {issued}
  territories: [country:FR]
  stated:
{stated}"""


def _map(mapping_dir, vocabulary, actors, stated_yaml, issued="2024-02"):
    facts = PLAN_FACTS.format(issued=issued, stated=stated_yaml)
    mapping = MAPPING.format(sha="").replace("  publisher: mot\n", facts)
    mapping = mapping.replace(
        "    - blank: true\n",
        "    - pattern: '^Rédaction'\n      reason: back cover\n    - blank: true\n",
    )
    return run(mapping_dir(SOURCE + COVER + "\n", mapping), vocabulary, actors)


def test_each_fact_is_a_statement_citing_its_line(mapping_dir, vocabulary, bundled_actors):
    facts = (
        "    creators: {line: 10, quote: 'Rédaction : MOT'}\n"
        "    issued: {line: 10, quote: février 2024}\n"
        "    territories: {lines: [10, 10]}\n"
    )
    plan = _map(mapping_dir, vocabulary, bundled_actors, facts)
    g = plan.graph
    mot = URIRef(TEST_BASE + "actor/mot")
    assert stated(g, PLAN, DCTERMS.creator) == [(mot, 10, 10, "Rédaction : MOT")]
    month = Literal("2024-02", datatype=XSD.gYearMonth)
    assert g.value(PLAN, DCTERMS.issued) == month
    assert stated(g, PLAN, DCTERMS.issued) == [(month, 10, 10, "février 2024")]
    [(france, *_, quote)] = stated(g, PLAN, DCTERMS.spatial)
    assert (france, quote) == (g.value(PLAN, DCTERMS.spatial), COVER)  # the line, verbatim
    statement = URIRef(f"{PLAN}#stated-issued")
    assert (statement, RDF.type, RDF.Statement) in g
    assert stated(g, PLAN, DCTERMS.publisher) == []  # stated only where the mapping says
    used = {line.line: line.status for line in plan.coverage.lines}
    assert used[10] == "used"  # the back cover's line now carries facts


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (
            "    issued: {line: 10, quote: mars 2024}\n",
            r"plan\.stated\.issued.*not at lines 10-10",
        ),
        ("    issued: {line: 11}\n", r"plan\.stated\.issued.*past the end"),
        ("    adopted-by: {line: 10}\n", r"plan\.stated\.adopted-by.*does not declare"),
        ("    title: {line: 1}\n", r"plan\.stated\.title': unknown key"),
        ("    issued: {lines: [10]}\n", r"plan\.stated\.issued\.lines': has 1 items; expected"),
        ("    issued: {line: 10, lines: [10, 10]}\n", r"plan\.stated\.issued.*give 'line"),
    ],
)
def test_a_fact_must_be_declared_and_at_its_line(
    mapping_dir, vocabulary, bundled_actors, facts, message
):
    with pytest.raises(MappingError, match=message):
        _map(mapping_dir, vocabulary, bundled_actors, facts)


def test_issued_is_a_day_or_a_month(mapping_dir, vocabulary, bundled_actors):
    facts = "    issued: {line: 10}\n"
    with pytest.raises(
        MappingError, match=r"plan\.issued': .* is neither a date \(YYYY-MM-DD\) nor a month"
    ):
        _map(mapping_dir, vocabulary, bundled_actors, facts, issued="2024-13")
    plan = _map(mapping_dir, vocabulary, bundled_actors, facts, issued="2024-02-05")
    assert plan.graph.value(PLAN, DCTERMS.issued) == Literal("2024-02-05", datatype=XSD.date)
