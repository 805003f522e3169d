"""Where the site's links lead, on the server and in a static export."""

from __future__ import annotations

import pytest

from lodplan.pages.links import ServerLinks, StaticLinks, local_file

BASE = "http://data.test/"
CONCEPT = "https://w3id.org/lodplan/code/status/en-cours"


def test_server_links_are_paths_under_the_mount_point():
    links = ServerLinks(data_base=BASE, root="/lod")
    assert links.resource(BASE + "plan/p") == "/lod/plan/p"
    assert links.resource(BASE + "plan/p#source") == "/lod/plan/p#source"
    assert links.resource(BASE) == "/lod/"
    assert links.resource(CONCEPT) == f"/lod/resource?iri={CONCEPT}"
    assert links.resource("https://w3id.org/lodplan/ontology#Plan") == "/lod/ontology#Plan"
    assert links.resource("https://other.example/x", known=False) == "https://other.example/x"
    assert links.data(BASE + "plan/p", ".ttl") == "/lod/plan/p.ttl"
    assert (
        links.page("search") == "/lod/search" and links.file("assets/a.css") == "/lod/assets/a.css"
    )


def test_server_links_keep_a_chosen_language_and_encode_iris():
    links = ServerLinks(data_base=BASE, lang="en", current="plan/p?x=1")
    assert links.resource(BASE + "territory/étang") == "/territory/%C3%A9tang?lang=en"
    assert links.page("") == "/?lang=en"
    assert links.in_language("en") == "/plan/p?x=1&lang=en"
    assert links.in_language("fr") == "/plan/p?x=1"


@pytest.mark.parametrize("iri", ["javascript:alert(1)", "data:text/html,x", "urn:x:y"])
def test_only_web_iris_become_links(iri):
    assert ServerLinks(data_base=BASE).resource(iri) is None
    assert StaticLinks(BASE, "index.html").resource(iri) is None


def test_static_links_are_relative_between_files():
    links = StaticLinks(BASE, "plan/p/element/1.html")
    assert links.resource(BASE + "plan/p") == "../../p.html"
    assert links.resource(BASE + "actor/a") == "../../../actor/a.html"
    assert links.resource(BASE + "plan/p#source") == "../../p.html#source"
    assert links.data(BASE + "plan/p/element/1", ".ttl") == "1.ttl"
    assert links.page("") == "../../../index.html"
    assert links.resource(CONCEPT) == "../../../ext/w3id.org/lodplan/code/status/en-cours.html"
    assert links.file("assets/lodplan.css") == "../../../assets/lodplan.css"


def test_english_static_pages_live_under_en_and_share_the_data_files():
    links = StaticLinks(BASE, "en/plan/p.html", lang="en")
    assert links.resource(BASE + "actor/a") == "../actor/a.html"
    assert links.data(BASE + "plan/p", ".ttl") == "../../plan/p.ttl"
    assert links.in_language("fr") == "../../plan/p.html"
    assert StaticLinks(BASE, "plan/p.html").in_language("en") == "../en/plan/p.html"


def test_local_files_of_iris():
    assert local_file(BASE, BASE) == "index"
    assert local_file(BASE + "plan/p", BASE) == "plan/p"
    assert local_file("https://x.example/a/b#c", BASE) == "ext/x.example/a/b--c"
    assert local_file("https://x.example/", BASE) == "ext/x.example/index"


def test_parts_of_the_dataset_description_lead_to_its_page():
    assert ServerLinks(data_base=BASE).resource(BASE + "#class-Plan") == (
        "/.well-known/void#class-Plan"
    )
