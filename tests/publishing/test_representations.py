"""Resource representations: every RDF syntax carries the description, JSON-LD is
compacted with lodplan's context, HTML is escaped, and caches follow the build."""

from __future__ import annotations

import json

import pytest
from pyld import jsonld
from pyoxigraph import RdfFormat, parse

import lodplan
from lodplan.bundled import site_dir
from lodplan.publishing import jsonld as jsonld_module
from lodplan.publishing.negotiation import JSONLD, NTRIPLES, RDFXML, TURTLE
from lodplan.publishing.representations import ResourceService, make_template_environment
from lodplan.store.embedded import EmbeddedStore


@pytest.fixture(scope="module")
def service(lod_store, lod_context, lod):
    return ResourceService(lod_store, base_iri=lod.base, context_path=lod_context)


def _parsed(body: bytes, rdf_format: RdfFormat) -> set:
    return {quad.triple for quad in parse(body, format=rdf_format)}


def test_unknown_iri_has_no_representation(service, lod):
    assert service.represent(lod.base + "plan/unknown", TURTLE) is None
    assert not service.exists(lod.base + "plan/unknown")


@pytest.mark.parametrize("fmt", [TURTLE, NTRIPLES, RDFXML])
def test_rdf_syntaxes_carry_exactly_the_description(service, lod_store, lod, fmt):
    representation = service.represent(lod.plan, fmt)
    assert representation is not None
    assert representation.media_type == fmt.media_type
    assert _parsed(representation.body, fmt.rdf_format) == set(lod_store.describe(lod.plan))


def test_description_includes_hash_sub_resources(service, lod):
    turtle = service.represent(lod.plan, TURTLE).body.decode()
    assert "<http://lod.test/plan/demo#source>" in turtle
    assert "oa:hasSource" in turtle


def test_turtle_declares_only_the_prefixes_it_uses(service, lod):
    turtle = service.represent(lod.plan, TURTLE).body.decode()
    assert "@prefix lodplan:" in turtle
    assert "@prefix country:" not in turtle


def test_format_can_be_named(service, lod):
    assert service.represent(lod.plan, "ttl").format is TURTLE
    with pytest.raises(ValueError, match="unknown resource format"):
        service.represent(lod.plan, "pdf")


def test_jsonld_is_compacted_with_the_context_url(service, lod, lod_context):
    document = json.loads(service.represent(lod.plan, JSONLD).body)
    assert document["@context"] == lod.base + "context.jsonld"
    plan = next(node for node in document["@graph"] if node["@id"] == lod.plan)
    assert plan["@type"] == "Plan"  # rdf:type compacts to @type with the context's term
    assert plan["hasElement"] == lod.element_1


@pytest.mark.parametrize("resource", ["plan", "element_1", "element_1_1"])
def test_jsonld_means_the_same_triples(service, lod_store, lod, lod_context, resource):
    iri = getattr(lod, resource)
    body = service.represent(iri, JSONLD).body
    context = json.loads(lod_context.read_text())

    def loader(url, options=None):
        assert url == lod.base + "context.jsonld"
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": context,
        }

    nquads = jsonld.to_rdf(
        json.loads(body), {"format": "application/n-quads", "documentLoader": loader}
    )
    assert _parsed(nquads.encode(), RdfFormat.N_QUADS) == set(lod_store.describe(iri))


def test_jsonld_integers_are_json_numbers(service, lod):
    element = json.loads(service.represent(lod.element_1, JSONLD).body)
    assert element["level"] == 1 and isinstance(element["level"], int)  # coerced by the context
    plan = json.loads(service.represent(lod.plan, JSONLD).body)
    source = next(node for node in plan["@graph"] if node["@id"] == lod.plan + "#source")
    # no term for it in the context: typed value object, with a number
    assert source["lodplan:startLine"] == {"@type": "xsd:integer", "@value": 1}


def test_jsonld_never_fetches_remote_contexts(lod_store, lod, tmp_path):
    context = tmp_path / "context.jsonld"
    context.write_text(json.dumps({"@context": ["http://remote.invalid/ctx.jsonld", {}]}))
    other = ResourceService(lod_store, base_iri="http://other.test/", context_path=context)
    with pytest.raises(jsonld.JsonLdError) as raised:
        other.represent(lod.plan, JSONLD)
    causes, error = [], raised.value
    while error is not None:  # pyld wraps the loader's refusal in its own errors
        causes.append(str(error))
        error = error.__cause__ or error.__context__
    assert any("does not fetch remote JSON-LD documents" in cause for cause in causes)


def test_jsonld_compaction_is_cached_per_build(service, lod, monkeypatch):
    calls = []
    real_compact = jsonld_module.jsonld.compact

    def counting_compact(*args, **kwargs):
        calls.append(1)
        return real_compact(*args, **kwargs)

    monkeypatch.setattr(jsonld_module.jsonld, "compact", counting_compact)
    first = service.represent(lod.element_1_2, JSONLD)
    second = service.represent(lod.element_1_2, JSONLD)
    assert first.body == second.body
    assert len(calls) <= 1  # 0 when an earlier test already compacted it


def test_etags_are_stable_and_distinguish_formats(service, lod):
    turtle = service.represent(lod.plan, TURTLE)
    assert service.represent(lod.plan, TURTLE).etag == turtle.etag
    assert service.represent(lod.plan, NTRIPLES).etag != turtle.etag
    assert service.represent(lod.actor, TURTLE).etag != turtle.etag


def test_etags_change_with_the_presentation(lod_store, lod, lod_context, tmp_path, monkeypatch):
    def etag(**options):
        return (
            ResourceService(lod_store, base_iri=lod.base, context_path=lod_context, **options)
            .represent(lod.plan, TURTLE)
            .etag
        )

    before = etag()
    assert etag() == before  # stable for the same code, context and templates
    templates = tmp_path / "templates"
    templates.mkdir()
    for template in (site_dir() / "templates").iterdir():
        (templates / template.name).write_text(template.read_text())
    assert etag(templates=make_template_environment(templates)) == before
    (templates / "base.html").write_text((templates / "base.html").read_text() + "\n")
    assert etag(templates=make_template_environment(templates)) != before
    context = tmp_path / "context.jsonld"
    context.write_text(lod_context.read_text() + "\n")
    assert (
        ResourceService(lod_store, base_iri=lod.base, context_path=context)
        .represent(lod.plan, TURTLE)
        .etag
        != before
    )
    monkeypatch.setattr(lodplan, "__version__", "99.0")
    assert etag() != before


def test_a_new_build_changes_etags(tmp_path, lod, lod_context, publish_lod):
    store = publish_lod(tmp_path / "store", build_id="first")
    service = ResourceService(store, base_iri=lod.base, context_path=lod_context)
    before = service.represent(lod.plan, TURTLE)
    publish_lod(tmp_path / "store", build_id="second")
    after = ResourceService(
        EmbeddedStore(tmp_path / "store"), base_iri=lod.base, context_path=lod_context
    ).represent(lod.plan, TURTLE)
    again = service.represent(lod.plan, TURTLE)  # the same service follows the swap
    assert again.etag == after.etag != before.etag


def test_context_bytes_are_the_context_file(service, lod_context):
    assert service.context_bytes() == lod_context.read_bytes()
    assert service.context_version_bytes("0.1") is None  # one file: no versions


def test_documents_reference_the_current_version_and_every_version_is_served(
    lod_store, lod, lod_context, tmp_path
):
    folder = tmp_path / "context"
    folder.mkdir()
    old = lod_context.read_text().replace('"label"', '"libelle"')
    (folder / "0.1.jsonld").write_text(old)
    (folder / "0.2.jsonld").write_text(lod_context.read_text())
    service = ResourceService(lod_store, base_iri=lod.base, context_path=folder)
    assert service.context_url == lod.base + "context/0.2.jsonld"
    document = json.loads(service.represent(lod.plan, JSONLD).body)
    assert document["@context"] == lod.base + "context/0.2.jsonld"
    plan = next(node for node in document["@graph"] if node["@id"] == lod.plan)
    assert "label" in plan  # compacted with 0.2's terms, not 0.1's "libelle"
    assert service.context_bytes() == lod_context.read_bytes()
    assert service.context_version_bytes("0.1") == old.encode()
    assert service.context_version_bytes("0.3") is None


def test_the_bundled_context_compacts_a_description(lod_store, lod):
    service = ResourceService(lod_store, base_iri="http://bundled-context.test/")
    version = service.contexts.current_version
    assert version is not None  # lodplan's own context is versioned
    document = json.loads(service.represent(lod.plan, JSONLD).body)
    assert document["@context"] == f"http://bundled-context.test/context/{version}.jsonld"
    element = json.loads(service.represent(lod.element_1, JSONLD).body)
    assert element["level"] == 1  # the context coerces lodplan:level to xsd:integer
