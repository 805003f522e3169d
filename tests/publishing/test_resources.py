"""Resource representations: every RDF syntax carries the description, JSON-LD is
compacted with lodplan's context, HTML is escaped, and caches follow the build."""

from __future__ import annotations

import json

import pytest
from pyld import jsonld
from pyoxigraph import NamedNode, RdfFormat, parse

import lodplan
from lodplan.publishing import jsonld as jsonld_module
from lodplan.publishing.negotiation import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE
from lodplan.publishing.resources import (
    ResourceService,
    make_template_environment,
    predicate_view,
    term_view,
)
from lodplan.resources import site_dir
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


def test_html_escapes_the_data(service, lod):
    html = service.represent(lod.element_1, HTML).body.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_page_shows_iri_label_types_properties_and_alternates(service, lod):
    html = service.represent(lod.plan, HTML).body.decode()
    assert "<h1>Plan de démonstration</h1>" in html  # the French label is preferred
    assert lod.plan in html
    # the type, an ontology term outside the base that the store describes: linked to the
    # site's description of it, its w3id IRI kept as the link's title
    assert (
        'href="http://lod.test/resource?iri=https://w3id.org/lodplan/ontology%23Plan" '
        'title="https://w3id.org/lodplan/ontology#Plan"'
    ) in html
    assert ">lodplan:hasElement</a>" in html  # predicate as prefixed name
    assert f'href="{lod.element_1}"' in html  # IRI values link directly
    assert 'id="source"' in html  # '#' sub-resources are sections of the page
    assert 'href="#source"' in html
    for extension, media_type in [(".ttl", "text/turtle"), (".jsonld", "application/ld+json")]:
        assert f'<link rel="alternate" type="{media_type}" href="./demo{extension}">' in html


def test_page_model_groups_values_by_predicate(service, lod):
    page = service.page(lod.element_1)
    main = page.nodes[0]
    assert page.label == lod.xss_label
    assert [t.text for t in main.types] == ["Objectif"]  # the class's label from the store
    parts = next(p for p in main.properties if p.predicate.text == "lodplan:hasPart")
    assert {v.href for v in parts.values} == {lod.element_1_1, lod.element_1_2}
    level = next(p for p in main.properties if p.predicate.text == "lodplan:level")
    assert level.values[0].note == "xsd:integer"
    assert service.page(lod.base + "nothing") is None


@pytest.mark.parametrize(
    "iri",
    ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "urn:x:y", "file:///e"],
)
def test_only_http_iris_are_links(iri):
    assert term_view(NamedNode(iri)).href is None
    assert term_view(NamedNode(iri)).text == iri
    assert predicate_view(iri).href is None
    assert term_view(NamedNode("HTTPS://ex.org/a")).href == "HTTPS://ex.org/a"


def test_script_iris_in_the_data_are_shown_as_text(service, lod):
    html = service.represent(lod.plan, HTML).body.decode()
    assert lod.script_iri in html
    assert 'href="javascript:' not in html.lower()


def test_html_pages_outside_the_base_link_to_their_other_formats(service, lod):
    html = service.represent(lod.status_concept, HTML).body.decode()
    assert (
        '<link rel="alternate" type="text/turtle" '
        'href="?iri=https://w3id.org/lodplan/code/status/en-cours&amp;format=ttl">'
    ) in html
    assert "<h1>En cours</h1>" in html


def test_plans_lists_the_plans_with_their_labels(service, lod):
    assert [(p.iri, p.label) for p in service.plans()] == [(lod.plan, "Plan de démonstration")]


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
