"""Compaction without pyld decides as pyld does: every term of lodplan's contexts, for
every shape of value, in nodes with and without type-scoped contexts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld import jsonld

from lodplan.publishing.compaction import NODE, Literal, UnsupportedError, active_context
from lodplan.publishing.jsonld import JsonLdCompactor, JsonLdContext, bundled_contexts
from tests.conftest import TEST_BASE

XSD = "http://www.w3.org/2001/XMLSchema#"
NODE_IRI = TEST_BASE + "node/n"
VERSIONS = sorted(bundled_contexts().versions)


def _context(version: str) -> JsonLdContext:
    versions = bundled_contexts()
    return JsonLdContext(versions.url(TEST_BASE, version), versions.versions[version])


def _pyld_compacted(context: JsonLdContext, node: dict) -> dict:
    options = {"documentLoader": JsonLdCompactor(context).load_document}
    compacted = jsonld.compact(node, context.url, options)
    compacted.pop("@context")
    return compacted


def _terms_and_iris(context: JsonLdContext) -> tuple[list[str], list[str]]:
    """Every IRI a term of the context maps to (but types with a scoped context, which
    are no properties), and IRIs it only shortens with a prefix or not at all; the
    types of its type-scoped contexts."""
    document = json.loads(context.path.read_text())["@context"]
    processed = active_context(context.url, JsonLdCompactor(context).load_document)
    scoped = [processed.mappings[t]["@id"] for t, d in document.items()
              if isinstance(d, dict) and "@context" in d]  # fmt: skip
    iris = sorted(
        {m["@id"] for m in processed.mappings.values() if not m["@id"].startswith("@")}
        - set(scoped)
        | {"http://www.w3.org/2004/02/skos/core#unknownTerm", "http://example.org/ns#p"}
    )
    return iris, scoped


SHAPES = [
    ("node", None),
    ("plain", Literal.plain("texte")),
    ("language", Literal.tagged("texte", "fr")),
    ("integer", Literal.typed(3, XSD + "integer")),
    ("decimal", Literal.typed("1.5", XSD + "decimal")),
    ("date", Literal.typed("2025-01-01", XSD + "date")),
    ("gYear", Literal.typed("2025", XSD + "gYear")),
    ("boolean", Literal.typed("true", XSD + "boolean")),
    ("hexBinary", Literal.typed("AB", XSD + "hexBinary")),
    ("other datatype", Literal.typed("x", "http://example.org/ns#datatype")),
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("scope", ["none", "each scoped type", "two types"])
@pytest.mark.parametrize(("shape", "literal"), SHAPES, ids=[s for s, _ in SHAPES])
def test_every_term_and_value_compacts_as_pyld_compacts_it(version, scope, shape, literal):
    context = _context(version)
    base = active_context(context.url, JsonLdCompactor(context).load_document)
    iris, scoped = _terms_and_iris(context)
    type_sets = {
        "none": [()],
        "each scoped type": [(t,) for t in scoped],
        "two types": [tuple(sorted([*scoped[:1], "http://www.w3.org/2004/02/skos/core#Concept"]))],
    }[scope]
    for types in type_sets:
        node: dict = {"@id": NODE_IRI}
        if types:
            node["@type"] = list(types)
        for iri in iris:  # the value of a reference: the property's own IRI (prefixed or not)
            node[iri] = [{"@id": iri} if literal is None else literal.expanded()]
        expected = _pyld_compacted(context, node)

        active = base.for_node(types)
        mine: dict = {active.id_key: active.iri(NODE_IRI)}
        if types:
            compacted_types = [base.vocab(t) for t in types]
            mine[active.type_key] = compacted_types[0] if len(types) == 1 else compacted_types
        for iri in iris:
            if literal is None:
                term = active.term(iri, NODE)
                mine[term] = active.reference(term, iri)
            else:
                term = active.term(iri, literal.shape)
                mine[term] = active.value(term, literal)
        assert mine == expected, types


def test_a_type_with_a_scoped_context_used_as_a_property_is_left_to_pyld():
    context = _context(VERSIONS[-1])
    active = active_context(context.url, JsonLdCompactor(context).load_document)
    with pytest.raises(UnsupportedError, match="property-scoped"):
        active.term("https://w3id.org/lodplan/ontology#IndicatorValue", NODE)


def test_a_context_beyond_what_the_direct_compaction_handles_is_refused(tmp_path: Path):
    refused = [
        {"@vocab": "http://example.org/"},
        {"tags": {"@id": "http://t", "@container": "@set"}},
        {"@language": "fr"},
    ]
    for extra in refused:
        path = tmp_path / "context.jsonld"
        path.write_text(json.dumps({"@context": {"ex": "http://example.org/", **extra}}))
        context = JsonLdContext(TEST_BASE + "context.jsonld", path)
        with pytest.raises(UnsupportedError):
            active_context(context.url, JsonLdCompactor(context).load_document)
