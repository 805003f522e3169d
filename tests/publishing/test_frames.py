"""Whole-plan JSON-LD documents: nested as the frame says, and holding every triple."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from pyld import jsonld
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from lodplan.bundled import mappings_dir
from lodplan.iris import IriMinter
from lodplan.mapping import find_mappings, map_plan
from lodplan.mapping.actors import load_actors
from lodplan.mapping.reviews import load_reviews
from lodplan.publishing.compaction import UnsupportedError
from lodplan.publishing.frames import (
    direct_plan_document,
    plan_document,
    plan_frame,
    pyld_plan_document,
    to_bytes,
)
from lodplan.publishing.jsonld import JsonLdCompactor, JsonLdContext, bundled_contexts
from lodplan.referentials.cog import bundled_cog
from lodplan.referentials.places import load_places
from lodplan.terms import LP
from tests.conftest import TEST_BASE

PLANS = [path.parent.name for path in find_mappings(mappings_dir())]
FIXTURES = Path(__file__).parents[1] / "fixtures"
# plans with the fields of a fiche action: funders, budgets, indicators and their
# values, status assertions, themes, identifiers (the bundled plans have none)
FICHE_PLANS = [
    (folder, path.parent.name)
    for folder in ("fiche-mappings", "fiche-site-mappings", "preset-mappings", "tet-mappings")
    for path in find_mappings(FIXTURES / folder)
]
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PLAN = TEST_BASE + "plan/demo"


@pytest.fixture(scope="module")
def context():
    return bundled_contexts().current(TEST_BASE)


def _triples_of(document, context) -> set[Triple]:
    """The RDF of a JSON-LD document, read as a client would (context from the local file)."""
    options = {"format": "application/n-quads"}
    options["documentLoader"] = JsonLdCompactor(context).load_document
    nquads = jsonld.to_rdf(document, options)
    return {quad.triple for quad in parse(nquads.encode(), format=RdfFormat.N_QUADS)}


# -- the bundled plans --------------------------------------------------------------------


@pytest.mark.parametrize("plan_dir", PLANS)
def test_a_bundled_plan_document_holds_exactly_the_plan_graph(map_bundled, context, plan_dir):
    plan = map_bundled(plan_dir)
    ntriples = plan.graph.serialize(format="nt", encoding="utf-8")  # as a build writes it
    graph = {quad.triple for quad in parse(ntriples, format=RdfFormat.N_TRIPLES)}
    assert not any(isinstance(t.subject, BlankNode) for t in graph)  # so isomorphic means equal
    plan_iri = TEST_BASE + "plan/" + plan.plan_id

    document = plan_document(ntriples, plan_iri, context)

    assert document["@context"] == context.url == TEST_BASE + "context/0.2.jsonld"
    assert document["id"] == plan_iri and document["type"] == "Plan"
    assert _triples_of(json.loads(to_bytes(document)), context) == graph
    tops = document["hasElement"]
    assert [element["order"] for element in tops] == list(range(1, len(tops) + 1))
    [source_document] = [n for n in document["included"] if n["type"] == "SourceDocument"]
    assert document["sourceDocument"] == source_document["id"]  # described once, referenced


def test_tag_schemes_and_stated_key_figures_are_included(map_bundled, context):
    included = {}
    for plan_dir in ("mot-programme-2023", "pompey-projet-de-territoire"):
        plan = map_bundled(plan_dir)
        graph = plan.graph.serialize(format="nt", encoding="utf-8")
        document = plan_document(graph, TEST_BASE + "plan/" + plan.plan_id, context)
        included |= {node["type"]: node for node in document["included"]}
    tags = included["ConceptScheme"]["hasTopConcept"]
    assert tags and all(tag["type"] == "Concept" and tag["prefLabel"] for tag in tags)
    assert included["KeyFigures"]["population"] == 41000


def test_the_tree_nests_in_document_order_at_every_depth(map_bundled, context):
    plan = map_bundled("metz-codev-actions")  # five levels
    graph = plan.graph.serialize(format="nt", encoding="utf-8")
    document = plan_document(graph, TEST_BASE + "plan/" + plan.plan_id, context)
    depth, elements = 1, document["hasElement"]
    while elements:
        assert all(element["level"] == depth for element in elements)
        for element in elements:
            orders = [part["order"] for part in element.get("hasPart", [])]
            assert orders == list(range(1, len(orders) + 1)), element["id"]
            assert isinstance(element["source"], dict), "each element embeds its provenance"
        depth += 1
        elements = [part for element in elements for part in element.get("hasPart", [])]
    assert depth == 6


# -- the direct walk gives pyld's document -------------------------------------------------


def _same_document(ntriples: bytes, plan_iri: str, context: JsonLdContext) -> None:
    """The walk (not its fallback: it would raise) and pyld give the same bytes."""
    direct = to_bytes(direct_plan_document(ntriples, plan_iri, context))
    assert direct == to_bytes(pyld_plan_document(ntriples, plan_iri, context))
    assert direct == to_bytes(plan_document(ntriples, plan_iri, context))


@pytest.mark.parametrize("plan_dir", PLANS)
def test_the_direct_document_of_a_bundled_plan_is_pyld_s(map_bundled, context, plan_dir):
    plan = map_bundled(plan_dir)
    ntriples = plan.graph.serialize(format="nt", encoding="utf-8")
    _same_document(ntriples, TEST_BASE + "plan/" + plan.plan_id, context)


@pytest.mark.parametrize(("folder", "plan_dir"), FICHE_PLANS)
def test_the_direct_document_of_a_plan_with_fiche_fields_is_pyld_s(
    vocabulary, context, folder, plan_dir
):
    mappings = FIXTURES / folder
    plan = map_plan(
        mappings / plan_dir / "mapping.yaml",
        iris=IriMinter(TEST_BASE),
        vocabulary=vocabulary,
        actors=load_actors(mappings / "actors.yaml"),
        places=load_places(mappings / "places.yaml"),
        cog=bundled_cog(),
        reviews=load_reviews(mappings / "reviews.yaml", lambda ref: True),
    )
    ntriples = plan.graph.serialize(format="nt", encoding="utf-8")
    _same_document(ntriples, TEST_BASE + "plan/" + plan.plan_id, context)


def test_the_direct_document_of_the_small_plan_and_of_ontology_0_2_terms_is_pyld_s(context):
    from tests.test_ontology import valid_graph_0_2

    _same_document("".join(f"{t} .\n" for t in _small_plan()).encode(), PLAN, context)
    ntriples = valid_graph_0_2().serialize(format="nt", encoding="utf-8")
    _same_document(ntriples, "http://data.test.example/plan/demo", context)


def test_escaped_literals_read_without_the_parser_are_the_parser_s(context):
    texts = ['« dit "bonjour" »', "deux\nlignes\tet \\ une barre", "é\u00e9 😀", "\r\f\b'"]
    triples = (
        [*_small_plan()]
        + [_t(PLAN, str(LP.means), Literal(text, language="fr")) for text in texts]
        + [_t(PLAN, str(LP.expectedResults), Literal(texts[0], datatype=_iri(XSD + "token")))]
    )
    ntriples = "".join(f"{t} .\n" for t in triples).encode()  # escaped as pyoxigraph writes
    assert b"\\n" in ntriples and b'\\"' in ntriples
    _same_document(ntriples, PLAN, context)
    assert direct_plan_document(ntriples, PLAN, context) == direct_plan_document(
        triples, PLAN, context
    )
    escaped = ntriples.replace("é".encode(), b"\\u00E9").replace("😀".encode(), b"\\U0001F600")
    assert escaped != ntriples
    _same_document(escaped, PLAN, context)


def test_a_context_the_walk_does_not_handle_is_framed_by_pyld(tmp_path, context):
    document = json.loads(context.path.read_text())
    document["@context"]["@vocab"] = "http://example.org/vocab#"  # a vocabulary mapping
    path = tmp_path / "context.jsonld"
    path.write_text(json.dumps(document))
    other = JsonLdContext(TEST_BASE + "other-context.jsonld", path)
    with pytest.raises(UnsupportedError):
        direct_plan_document(_small_plan(), PLAN, other)
    assert plan_document(_small_plan(), PLAN, other) == pyld_plan_document(
        _small_plan(), PLAN, other
    )


def test_documents_are_written_as_json_dumps_writes_them():
    document = {"a": [1, True, None, {}, [], 'é\n"x"'], "b": {"c": {"d": []}}, "e": -0}
    assert (
        to_bytes(document) == (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    )
    floats = {"f": [1.5, float("1e100")]}  # left to json.dumps
    assert to_bytes(floats) == (json.dumps(floats, ensure_ascii=False, indent=2) + "\n").encode()


# -- a small plan: shape, completeness, stability --------------------------------------


def _iri(value: str) -> NamedNode:
    return NamedNode(value)


def _t(subject: str, predicate: str, obj: NamedNode | Literal) -> Triple:
    return Triple(_iri(subject), _iri(predicate), obj)


def _small_plan() -> list[Triple]:
    """A plan whose first element sorts last by IRI, an action with an involvement, a
    date and provenance, and nodes no link from the plan reaches."""
    first, second = PLAN + "/element/b", PLAN + "/element/a"
    action, doc = first + "/1", TEST_BASE + "source/demo"
    integer = _iri(XSD + "integer")
    triples = [
        _t(PLAN, RDF_TYPE, _iri(str(LP.Plan))),
        _t(PLAN, RDFS_LABEL, Literal("Plan", language="fr")),
        _t(PLAN, str(LP.sourceDocument), _iri(doc)),
        _t(doc, RDF_TYPE, _iri(str(LP.SourceDocument))),
        _t(action, str(LP.involvement), _iri(action + "#involvement-ville-pilote")),
        _t(action + "#involvement-ville-pilote", RDF_TYPE, _iri(str(LP.Involvement))),
        _t(action + "#involvement-ville-pilote", PROV + "agent", _iri(TEST_BASE + "actor/ville")),
        _t(action, str(LP.date), _iri(action + "#date-1")),
        _t(
            action + "#date-1",
            str(LP.startDate),
            Literal("2025-01-01", datatype=_iri(XSD + "date")),
        ),
        _t(action, str(LP.source), _iri(action + "#source")),
        _t(action + "#source", OA + "hasSource", _iri(doc)),
        _t(action + "#source", OA + "hasSelector", _iri(action + "#quote")),
        _t(action + "#quote", OA + "exact", Literal("Créer une ligne")),
        _t(action + "#source", str(LP.startLine), Literal("04", datatype=integer)),
        # not reached from the plan: a place, and figures citing a source nothing else cites
        _t(TEST_BASE + "territory/t", RDFS_LABEL, Literal("Ailleurs")),
        _t(PLAN + "#figures-1", RDF_TYPE, _iri(str(LP.KeyFigures))),
        _t(PLAN + "#figures-1", str(LP.source), _iri(PLAN + "#figures-source")),
        _t(PLAN + "#figures-source", OA + "hasSource", _iri(doc)),
    ]
    for element, position in ((first, "1"), (second, "2")):
        triples += [
            _t(PLAN, str(LP.hasElement), _iri(element)),
            _t(element, RDF_TYPE, _iri(str(LP.Objective))),
            _t(element, str(LP.order), Literal(position, datatype=integer)),
        ]
    return [
        *triples,
        _t(first, str(LP.hasPart), _iri(action)),
        _t(action, RDF_TYPE, _iri(str(LP.Action))),
    ]


def test_a_plan_nests_objectives_actions_and_what_actions_hold(context):
    document = plan_document(_small_plan(), PLAN, context)
    assert [element["id"] for element in document["hasElement"]] == [
        PLAN + "/element/b",
        PLAN + "/element/a",
    ]  # by lodplan:order, not by IRI
    [action] = document["hasElement"][0]["hasPart"]
    assert action["type"] == "Action"
    assert action["involvement"] == {
        "id": action["id"] + "#involvement-ville-pilote",
        "type": "Involvement",
        "agent": TEST_BASE + "actor/ville",
    }
    assert action["date"]["startDate"] == "2025-01-01"  # typed by the context
    assert action["source"]["hasSelector"]["exact"] == "Créer une ligne"
    assert action["source"]["startLine"] == "04"  # verbatim: not canonical, so not a number
    assert list(document)[-2:] == ["hasElement", "included"]  # a node reads before its parts


def test_nodes_no_link_reaches_are_included_and_nothing_is_lost(context):
    document = plan_document(_small_plan(), PLAN, context)
    included = {node["id"]: node for node in document["included"]}
    assert set(included) == {
        TEST_BASE + "source/demo",
        TEST_BASE + "territory/t",
        PLAN + "#figures-1",
        PLAN + "#figures-source",
    }
    assert _triples_of(document, context) == set(_small_plan())


def test_the_same_graph_gives_the_same_bytes(context):
    shuffled = _small_plan()
    random.Random(5).shuffle(shuffled)
    first = to_bytes(plan_document(_small_plan(), PLAN, context))
    assert to_bytes(plan_document(shuffled, PLAN, context)) == first
    assert first.endswith(b"}\n") and json.loads(first)["@context"] == context.url


def test_ntriples_bytes_and_triples_give_the_same_document(context):
    triples = _small_plan()
    ntriples = "".join(f"{t} .\n" for t in triples).encode()
    assert plan_document(ntriples, PLAN, context) == plan_document(triples, PLAN, context)


def test_a_graph_without_the_plan_or_with_blank_nodes_is_refused(context):
    with pytest.raises(ValueError, match="no plan"):
        plan_document(_small_plan(), PLAN + "/other", context)
    blank = Triple(_iri(PLAN), _iri(RDFS_LABEL + "x"), BlankNode("b"))
    with pytest.raises(ValueError, match="blank nodes"):
        plan_document([*_small_plan(), blank], PLAN, context)


def test_the_frame_uses_only_terms_of_the_current_context():
    terms = json.loads(bundled_contexts().current_path.read_text())["@context"]
    used: set[str] = set()

    def collect(frame: dict) -> None:
        for key, value in frame.items():
            if not key.startswith("@"):
                used.add(key)
            if key == "@type":
                used.update(value if isinstance(value, list) else [value])
            if isinstance(value, dict):
                collect(value)

    collect(plan_frame())
    assert "@context" not in plan_frame()  # the caller names the context version
    assert used and used <= set(terms)
    assert terms["included"] == "@included"  # the frame's extra nodes read as "included"


def test_a_plan_with_the_terms_of_ontology_0_2_keeps_every_triple(context):
    """Indicator values point to their indicator, not from the plan: they are included."""
    from tests.test_ontology import valid_graph_0_2

    ntriples = valid_graph_0_2().serialize(format="nt", encoding="utf-8")
    graph = {quad.triple for quad in parse(ntriples, format=RdfFormat.N_TRIPLES)}
    document = plan_document(ntriples, "http://data.test.example/plan/demo", context)
    assert _triples_of(json.loads(to_bytes(document)), context) == graph
    assert document["indicator"] == "http://data.test.example/indicator/frequentation-ligne"
    values = [n for n in document["included"] if n["type"] == "IndicatorValue"]
    assert len(values) == 4
