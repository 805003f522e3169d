"""JSON-LD compaction shared by resource descriptions and SPARQL graph results."""

from __future__ import annotations

import hashlib
import json

import pytest
from pyld import jsonld
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from lodplan.bundled import ontology_dir
from lodplan.publishing.jsonld import (
    ContextVersions,
    JsonLdCompactor,
    JsonLdContext,
    bundled_contexts,
    expanded_jsonld,
)

XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
LEVEL = NamedNode("https://w3id.org/lodplan/ontology#level")
ORDER = NamedNode("https://w3id.org/lodplan/ontology#order")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


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


def test_one_node_per_subject_even_when_its_triples_are_apart():
    other = Triple(NamedNode("http://lod.test/f"), LEVEL, Literal("1", datatype=XSD_INTEGER))
    order = Triple(NamedNode("http://lod.test/e"), ORDER, Literal("2", datatype=XSD_INTEGER))
    nodes = expanded_jsonld([_level("3"), other, order])
    assert [node["@id"] for node in nodes] == ["http://lod.test/e", "http://lod.test/f"]
    assert set(nodes[0]) == {"@id", LEVEL.value, ORDER.value}


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


# -- versions of the context ------------------------------------------------------------


def _versions(folder, *names):
    folder.mkdir()
    for name in names:
        (folder / name).write_text(json.dumps({"@context": {"v": name}}))
    return ContextVersions.from_path(folder)


def test_the_greatest_version_is_current_and_older_ones_stay_published(tmp_path):
    contexts = _versions(tmp_path / "context", "0.2.jsonld", "0.10.jsonld", "0.9.jsonld")
    assert contexts.current_version == "0.10"  # numbers, not text: 0.10 > 0.9
    assert contexts.current_path == tmp_path / "context" / "0.10.jsonld"
    assert list(contexts.versions) == ["0.2", "0.9", "0.10"]
    assert contexts.path_of("0.2") == tmp_path / "context" / "0.2.jsonld"
    assert contexts.path_of("0.3") is None
    assert contexts.current("http://lod.test/") == JsonLdContext(
        "http://lod.test/context/0.10.jsonld", contexts.current_path
    )
    assert contexts.url("http://lod.test/", "0.2") == "http://lod.test/context/0.2.jsonld"


def test_a_single_file_is_an_unversioned_context(lod_context):
    contexts = ContextVersions.from_path(lod_context)
    assert contexts.current_version is None and contexts.path_of("0.1") is None
    assert contexts.current("http://lod.test/").url == "http://lod.test/context.jsonld"


@pytest.mark.parametrize(
    ("names", "message"),
    [(["latest.jsonld"], "latest.jsonld: a context version is named"), ([], "no JSON-LD context")],
)
def test_a_folder_of_versions_names_each_file_by_its_version(tmp_path, names, message):
    with pytest.raises(ValueError, match=message):
        _versions(tmp_path / "context", *names)


def test_the_bundled_context_copy_is_the_current_version():
    """ontology/context.jsonld mirrors {base}context.jsonld. A published version never
    changes: to change the context, add ontology/context/<next version>.jsonld and copy it."""
    contexts = bundled_contexts()
    assert contexts.current_version is not None
    copy = ontology_dir() / "context.jsonld"
    assert copy.read_bytes() == contexts.current_path.read_bytes()
    for path in contexts.versions.values():
        assert json.loads(path.read_bytes())["@context"]["@version"] == 1.1


def test_the_bundled_context_types_the_dates_of_a_period():
    """PeriodOfTime scopes startDate/endDate to dcat's, typed as dates like lodplan's."""
    contexts = bundled_contexts()
    compactor = JsonLdCompactor(contexts.current("http://lod.test/"))
    period, dcat = NamedNode("http://lod.test/plan/p#period"), "http://www.w3.org/ns/dcat#"
    date = NamedNode("http://www.w3.org/2001/XMLSchema#date")
    triples = [
        Triple(period, NamedNode(RDF_TYPE), NamedNode("http://purl.org/dc/terms/PeriodOfTime")),
        Triple(period, NamedNode(dcat + "startDate"), Literal("2021-01-01", datatype=date)),
    ]
    document = json.loads(compactor.to_bytes(triples))
    assert (document["type"], document["startDate"]) == ("PeriodOfTime", "2021-01-01")
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": compactor.load_document}
    )
    assert {q.triple for q in parse(nquads.encode(), format=RdfFormat.N_QUADS)} == set(triples)


# A published context version never changes: documents made with it keep their meaning.
# A change is a new version file, whose digest is added here when it is published.
PUBLISHED_CONTEXT_VERSIONS = {
    "0.1": "3516898a836357b862725bc8dd424bd7e91aaa13fe7119ed9d6a5111523a7a1f",
    # ontology 0.2: indicators, budget lines, status assertions, themes, adoption acts,
    # name links with their evidence
    "0.2": "3dde59c697d89069439e2884fb27e77af54fb3b58a3b930d758066b009d652e5",
}


def test_published_context_versions_never_change():
    versions = bundled_contexts().versions
    assert set(versions) == set(PUBLISHED_CONTEXT_VERSIONS), "pin the new version's digest"
    for version, path in versions.items():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == PUBLISHED_CONTEXT_VERSIONS[version], f"context {version} was edited"


def test_an_editorial_note_needs_no_new_context_term():
    """skos:editorialNote (the editor's words on a curated element) compacts with the
    context's skos prefix, language kept, and reads back as the same triple: the
    published context versions stay as they are."""
    compactor = JsonLdCompactor(bundled_contexts().current("http://lod.test/"))
    element = NamedNode("http://lod.test/plan/p/element/1")
    note = Literal("Libellé de l'éditeur : la source n'en a pas.", language="fr")
    editorial_note = NamedNode("http://www.w3.org/2004/02/skos/core#editorialNote")
    triples = [Triple(element, editorial_note, note)]
    document = json.loads(compactor.to_bytes(triples))
    assert document["skos:editorialNote"] == {"@value": note.value, "@language": "fr"}
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": compactor.load_document}
    )
    assert {q.triple for q in parse(nquads.encode(), format=RdfFormat.N_QUADS)} == set(triples)
