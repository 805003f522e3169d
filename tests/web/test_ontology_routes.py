"""``/ontology``: the documentation page of the ontology, in French and in English."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from lodplan.pages.ontology_docs import bundled_ontology_docs


@pytest.fixture(scope="module")
def pages(lod_app) -> dict[str, str]:
    client = lod_app.test_client()
    french, english = client.get("/ontology"), client.get("/ontology?lang=en")
    for response in (french, english):
        assert response.status_code == 200
        assert response.mimetype == "text/html"
    assert french.headers["Content-Language"] == "fr"
    assert english.headers["Content-Language"] == "en"
    return {"fr": french.get_data(as_text=True), "en": english.get_data(as_text=True)}


def _h2(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]


def test_french_by_default_english_on_request(pages):
    assert '<html lang="fr">' in pages["fr"]
    assert '<html lang="en">' in pages["en"]
    assert '<h1 lang="fr">Ontologie lodplan des plans stratégiques territoriaux</h1>' in pages["fr"]
    assert '<h1 lang="en">lodplan ontology of territorial strategy plans</h1>' in pages["en"]
    assert _h2(pages["en"]) == [
        "Contents",
        "About the ontology",
        "Classes",
        "Object properties",
        "Datatype properties",
        "Code lists",
        "Other SHACL shapes",
        "Reused terms",
    ]
    assert "Propriétés d&#39;objet" in _h2(pages["fr"])


def test_both_languages_of_a_label_are_shown_with_their_language(pages):
    for html in pages.values():
        assert '<span lang="fr">a pour élément de premier niveau</span>' in html
        assert '<span lang="en">has top-level element</span>' in html
    # the page's language comes first
    english = pages["en"]
    assert english.index('<h3>has top-level element <code class="term-name">') > 0


def test_every_term_shape_and_code_list_has_its_anchor_once(pages):
    docs = bundled_ontology_docs()
    expected = docs.anchors()
    assert len(expected) > 100  # classes, properties, shapes, schemes
    for html in pages.values():
        ids = Counter(re.findall(r'\sid="([^"]+)"', html))
        assert [i for i, n in ids.items() if n > 1] == []
        assert set(expected) <= set(ids)


def test_shapes_are_documented_inside_their_class(pages):
    html = pages["fr"]
    plan, element = html.index('id="Plan"'), html.index('id="PlanElement"')
    assert plan < html.index('id="shape-PlanShape"') < element
    assert plan < html.index('id="shape-Plan-planType"') < element


def test_links_stay_in_the_page_language_and_lead_to_the_rdf(pages):
    english = pages["en"]
    assert 'href="/ontology?lang=en#hasElement"' in english
    assert 'href="/ontology?lang=en#scheme-status"' in english
    turtle = "/resource?iri=https://w3id.org/lodplan/ontology&amp;format=ttl"
    assert f'href="{turtle}"' in english
    assert 'href="https://schema.org/Action"' in english  # other vocabularies: their IRI
    concept = "/resource?iri=https://w3id.org/lodplan/code/status/prevue"
    assert f'href="{concept}&amp;lang=en"' in english  # concepts: their page from the store
    assert 'href="/ontology#hasElement"' in pages["fr"]


def test_text_from_the_files_is_escaped(pages):
    english = pages["en"]
    # the definition of lodplan:Involvement quotes "mentioned actor"
    assert "&#34;mentioned actor&#34;" in english
    assert '"mentioned actor"' not in english
    assert "<code>^[0-9A-Za-z]+(\\.[0-9A-Za-z]+)*$</code>" in english  # a pattern, verbatim


def test_ontology_terms_are_still_described_as_rdf(lod_client, lod):
    # the page does not take over /resource: the store's description of a term answers
    response = lod_client.get("/resource", query_string={"iri": lod.plan_class, "format": "ttl"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert b'"Plan"@en' in response.data
