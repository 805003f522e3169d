"""Small lookups the ground-truth tests share on a mapped plan's rdflib graph."""

from __future__ import annotations

from rdflib.namespace import RDF, RDFS

from lodplan.terms import ELEMENT_KIND, LP, OA


def of_kind(graph, kind):
    return set(graph.subjects(LP.kind, ELEMENT_KIND[kind]))


def label(graph, node):
    return str(graph.value(node, RDFS.label))


def find(graph, kind, start):
    [node] = [n for n in of_kind(graph, kind) if label(graph, n).startswith(start)]
    return node


def parent_label(graph, node):
    return label(graph, graph.value(node, LP.partOf))


def children(graph, node):
    return sorted(graph.objects(node, LP.hasPart), key=lambda c: int(graph.value(c, LP.order)))


def quotes_of(graph, source):
    """The verbatim quotes (oa:exact) of a provenance node."""
    return [
        str(graph.value(selector, OA.exact))
        for selector in graph.objects(source, OA.hasSelector)
        if graph.value(selector, OA.exact) is not None
    ]


def cited_text(graph, source, lines):
    """The source lines a provenance node cites, joined as the quotes are."""
    start, end = int(graph.value(source, LP.startLine)), int(graph.value(source, LP.endLine))
    return "\n".join(lines[start - 1 : end])


def stated(graph, subject, predicate):
    """Each value of ``subject predicate`` the mapping states with its lines (plan.stated):
    (value, first line, last line, quote) of the rdf:Statement that cites them."""
    facts = []
    for statement in graph.subjects(RDF.subject, subject):
        if graph.value(statement, RDF.predicate) != predicate:
            continue
        source = graph.value(statement, LP.source)
        [quote] = quotes_of(graph, source)
        first, last = (int(graph.value(source, p)) for p in (LP.startLine, LP.endLine))
        facts.append((graph.value(statement, RDF.object), first, last, quote))
    return sorted(facts)
