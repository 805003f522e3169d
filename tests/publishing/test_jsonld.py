"""JSON-LD compaction shared by resource descriptions and SPARQL graph results."""

from __future__ import annotations

import json

import pytest
from pyld import jsonld
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from lodplan.publishing.jsonld import JsonLdCompactor, JsonLdContext, expanded_jsonld

XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
LEVEL = NamedNode("https://w3id.org/lodplan/ontology#level")
ORDER = NamedNode("https://w3id.org/lodplan/ontology#order")


def _level(lexical: str) -> Triple:
    return Triple(NamedNode("http://lod.test/e"), LEVEL, Literal(lexical, datatype=XSD_INTEGER))


@pytest.mark.parametrize(
    ("lexical", "value"),
    [("3", 3), ("0", 0), ("-12", -12), ("9007199254740991", 9007199254740991)],
)
def test_canonical_integers_become_numbers(lexical, value):
    node = expanded_jsonld([_level(lexical)])[0]
    assert node[LEVEL.value] == [{"@type": XSD_INTEGER.value, "@value": value}]


@pytest.mark.parametrize("lexical", ["03", "+3", "-0", "9007199254740993", " 3"])
def test_other_integer_forms_stay_strings(lexical):
    """A number would come back as another lexical form, i.e. another triple."""
    node = expanded_jsonld([_level(lexical)])[0]
    assert node[LEVEL.value] == [{"@type": XSD_INTEGER.value, "@value": lexical}]


def test_compacted_integers_read_back_as_the_same_triples(lod_context):
    context = JsonLdContext("http://lod.test/context.jsonld", lod_context)
    compactor = JsonLdCompactor(context)
    triples = [
        _level("2"),
        Triple(NamedNode("http://lod.test/e"), ORDER, Literal("10", datatype=XSD_INTEGER)),
    ]
    document = json.loads(compactor.to_bytes(triples))
    assert document["level"] == 2  # coerced by the context's term
    assert document["lodplan:order"] == {"@type": "xsd:integer", "@value": 10}  # no term
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": compactor.load_document}
    )
    assert {q.triple for q in parse(nquads.encode(), format=RdfFormat.N_QUADS)} == set(triples)


def test_the_loader_serves_only_the_context(lod_context):
    compactor = JsonLdCompactor(JsonLdContext("http://lod.test/context.jsonld", lod_context))
    assert compactor.load_document("http://lod.test/context.jsonld")["document"]["@context"]
    with pytest.raises(jsonld.JsonLdError):
        compactor.load_document("http://elsewhere.example/context.jsonld")
