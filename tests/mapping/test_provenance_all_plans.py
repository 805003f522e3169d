"""For every element of every bundled plan, the quote is found at the place it cites."""

from __future__ import annotations

import pytest

from lodplan.bundled import mappings_dir
from lodplan.mapping import find_mappings
from lodplan.terms import LP
from tests.mapping.graph_helpers import cited_text, quotes_of

PLANS = [path.parent.name for path in find_mappings(mappings_dir())]


@pytest.mark.parametrize("plan_dir", PLANS)
def test_every_quote_is_at_its_cited_lines(map_bundled, plan_dir):
    plan = map_bundled(plan_dir)
    lines = plan.spec.source.path.read_text(encoding=plan.spec.source.encoding).split("\n")
    graph = plan.graph
    sources = list(graph.subject_objects(LP.source))
    assert sources, "every plan cites its source"
    for node, source in sources:
        start = int(graph.value(source, LP.startLine))
        end = int(graph.value(source, LP.endLine))
        assert 1 <= start <= end <= len(lines), node
        cited = cited_text(graph, source, lines)
        quotes = quotes_of(graph, source)
        assert len(quotes) == 1, node
        assert quotes[0] and quotes[0] in cited, (node, quotes[0], cited)


@pytest.mark.parametrize("plan_dir", PLANS)
def test_every_element_has_provenance_and_nothing_is_unaccounted(map_bundled, plan_dir):
    plan = map_bundled(plan_dir)
    graph = plan.graph
    elements = set(graph.subjects(LP.inPlan, None))
    assert elements
    assert all(graph.value(element, LP.source) is not None for element in elements)
    assert plan.coverage.unaccounted == []
