"""/catalog over HTTP: formats, pages, errors, validators."""

from __future__ import annotations

import pytest

from lodplan.web.app import create_app_for_store
from tests.support.catalogs import publish_catalog

B = "http://example.org/"
PLANS = ["a", "b", "c"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("catalog-routes")
    publish_catalog(root, B, PLANS, title="Catalogue")
    return create_app_for_store(root, B, catalog_page_size=2).test_client()


@pytest.mark.parametrize(
    ("url", "accept", "content_type", "marker"),
    [
        ("/catalog", "text/turtle", "text/turtle; charset=utf-8", "dcat:Catalog"),
        ("/catalog", "application/ld+json", "application/ld+json", '"@context"'),
        ("/catalog.rdf", "text/html", "application/rdf+xml; charset=utf-8", "<rdf:RDF"),
        ("/catalog.nt", None, "application/n-triples", "<http://example.org/catalog>"),
        ("/catalog?format=ttl", "text/html", "text/turtle; charset=utf-8", "dcat:Catalog"),
        ("/catalog", "text/html", "text/html; charset=utf-8", "Catalogue"),
    ],
)
def test_the_catalog_answers_in_every_format(client, url, accept, content_type, marker):
    response = client.get(url, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert marker in response.get_data(as_text=True)


def test_paging_links_keep_the_address_form(client):
    turtle = client.get("/catalog.ttl").get_data(as_text=True)
    assert "<http://example.org/catalog.ttl?page=2>" in turtle
    negotiated = client.get("/catalog?format=nt&page=2").get_data(as_text=True)
    assert "<http://example.org/catalog?format=nt&page=1>" in negotiated


@pytest.mark.parametrize(
    ("url", "status"),
    [("/catalog.ttl?page=3", 404), ("/catalog.ttl?page=x", 400), ("/catalog.ttl?page=0", 400),
     ("/catalog.xls", 404), ("/catalog?format=xls", 406)],
)  # fmt: skip
def test_bad_pages_and_formats(client, url, status):
    assert client.get(url).status_code == status


def test_a_page_is_conditional(client):
    first = client.get("/catalog.ttl?page=2")
    again = client.get("/catalog.ttl?page=2", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert first.headers["Vary"] == "Accept, Accept-Profile, Accept-Encoding"


def test_paging_links_name_the_format_canonically(client):
    for asked in ("TuRtLe", "text/turtle", " ttl"):
        response = client.get("/catalog", query_string={"format": asked})
        assert response.status_code == 200, asked
        assert "<http://example.org/catalog?format=ttl&page=2>" in response.get_data(as_text=True)


def test_an_absurd_page_number_is_a_bad_request(client):
    assert client.get("/catalog.ttl?page=" + "9" * 5000).status_code == 400


def test_the_etag_follows_the_bytes_whatever_the_page_size(client, tmp_path_factory):
    small = client.get("/catalog.ttl")
    root = client.application.extensions["lodplan"].store.root
    large = create_app_for_store(root, B, catalog_page_size=100).test_client().get("/catalog.ttl")
    assert small.data != large.data and small.headers["ETag"] != large.headers["ETag"]


STRICT = "https://semiceu.github.io/DCAT-AP/releases/3.0.0/"
DATAGOUV = "https://w3id.org/lodplan/profile/dcat-ap-datagouv"


@pytest.mark.parametrize("accept", [None, "*/*", "*/*;q=0.5"])
def test_a_client_without_preference_gets_turtle(client, accept):
    """data.gouv.fr's HEAD on /catalog (requests sends "*/*") must find an RDF type."""
    for method in (client.head, client.get):
        response = method("/catalog", headers={"Accept": accept} if accept else {})
        assert response.headers["Content-Type"] == "text/turtle; charset=utf-8", accept
        assert response.headers["Content-Profile"] == f"<{DATAGOUV}>"


def test_a_browser_gets_the_html_page(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/catalog", headers={"Accept": accept})
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("query", "accept_profile", "profile"),
    [
        ("", None, DATAGOUV),
        ("?_profile=dcat-ap", None, STRICT),
        (f"?_profile={STRICT}", None, STRICT),
        ("?_profile=datagouv", f"<{STRICT}>", DATAGOUV),  # the parameter wins
        ("", f"<{STRICT}>", STRICT),
        ("", f"<{STRICT}>;q=0.4, <{DATAGOUV}>;q=0.6", DATAGOUV),
        ("", f"<{STRICT}>;q=0", DATAGOUV),
        ("", "<urn:unknown>", DATAGOUV),  # none served: the default
    ],
)
def test_the_profile_is_negotiated(client, query, accept_profile, profile):
    headers = {"Accept-Profile": accept_profile} if accept_profile else {}
    response = client.get("/catalog.ttl" + query, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Profile"] == f"<{profile}>"
    assert "Content-Profile" in response.headers["Access-Control-Expose-Headers"]  # for scripts
    assert f'<{profile}>; rel="profile"' in response.headers["Link"]
    text = response.get_data(as_text=True)
    assert ("^^xsd:hexBinary" in text) == (profile == STRICT)


def test_profiles_keep_their_paging_links_and_name_each_other(client):
    strict = client.get("/catalog.ttl?_profile=dcat-ap")
    assert "<http://example.org/catalog.ttl?_profile=dcat-ap&page=2>" in strict.get_data(
        as_text=True
    )
    links = strict.headers["Link"]
    assert f'</catalog.ttl>; rel="alternate"; type="text/turtle"; profile="{DATAGOUV}"' in links
    assert '</catalog.nt?_profile=dcat-ap>; rel="alternate"; type="application/n-triples"' in links
    default = client.get("/catalog.ttl?page=2")
    assert '</catalog.ttl?_profile=dcat-ap&page=2>; rel="alternate"' in default.headers["Link"]
    assert "_profile" not in default.get_data(as_text=True)  # the default's links stay plain


def test_a_json_ld_page_names_no_alternate(client):
    """pyld's document loader fails on several rel="alternate" links."""
    response = client.get("/catalog.jsonld")
    assert 'rel="alternate"' not in response.headers["Link"]
    assert 'rel="profile"' in response.headers["Link"]


def test_an_unknown_profile_is_not_found(client):
    response = client.get("/catalog.ttl?_profile=ckan")
    assert response.status_code == 404
    assert "dcat-ap" in response.get_data(as_text=True)
