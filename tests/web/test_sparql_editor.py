"""/sparql for browsers: the YASGUI editor's page, its vendored assets, the plain form."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from lodplan.bundled import site_dir

DOCS_QUERIES = Path(__file__).parents[2] / "docs" / "queries"
VENDOR = "assets/vendor/yasgui"
HTML = {"Accept": "text/html"}
PLANS = (
    "PREFIX lodplan: <https://w3id.org/lodplan/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    'SELECT ?label WHERE { ?plan a lodplan:Plan ; rdfs:label ?label FILTER (lang(?label) = "fr") }'
)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.config = ""
        self.textarea = ""
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "textarea" or attributes.get("id") == "sparql-editor-config":
            self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.config += data
        elif self._in == "textarea":
            self.textarea += data

    def attributes(self, tag: str, name: str) -> list[str]:
        return [attrs[name] for t, attrs in self.elements if t == tag and name in attrs]


def _page(client, path="/sparql", **options) -> tuple[str, _Page]:
    response = client.get(path, headers=HTML, **options)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.data.decode()
    page = _Page()
    page.feed(html)
    return html, page


def test_the_page_names_the_vendored_editor_which_its_script_loads_when_used(lod_client):
    _, page = _page(lod_client)
    scripts = page.attributes("script", "src")
    assert scripts == ["/assets/sparql-editor.js"]  # not YASGUI's megabyte, until used
    config = json.loads(page.config)
    assert (config["script"], config["style"]) == (
        f"/{VENDOR}/yasgui.min.js",
        f"/{VENDOR}/yasgui.min.css",
    )
    for path, media_type in [
        (f"/{VENDOR}/yasgui.min.js", "javascript"),
        ("/assets/sparql-editor.js", "javascript"),
        (f"/{VENDOR}/yasgui.min.css", "text/css"),
    ]:
        response = lod_client.get(path)
        assert response.status_code == 200, path
        assert media_type in response.mimetype, (path, response.mimetype)
        assert len(response.data) > 1000


def test_the_page_carries_its_editor_config_and_no_inline_script(lod_client):
    response = lod_client.get("/sparql", headers=HTML)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.data.decode()
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script
    page = _Page()
    page.feed(html)
    config = json.loads(page.config)
    assert config["endpoint"] == "/sparql"  # relative: the editor resolves it against the page
    assert {e["name"] for e in config["examples"]} == {p.stem for p in DOCS_QUERIES.glob("*.rq")}


def test_every_example_is_listed_with_its_title_and_query(lod_client):
    html, page = _page(lod_client)
    listed = page.attributes("a", "data-example")
    assert listed == sorted(p.stem for p in DOCS_QUERIES.glob("*.rq"))  # all of docs/queries
    text = unescape(html)
    for name in listed:
        query = (DOCS_QUERIES / f"{name}.rq").read_text(encoding="utf-8")
        title = re.match(r"# title: (.+)", query)
        assert title and f"<h3>{title[1]}</h3>" in text
        assert query in text


def test_an_example_link_fills_the_plain_form(lod_client):
    _, page = _page(lod_client)
    link = page.attributes("a", "data-example")[0]
    href = next(h for h in page.attributes("a", "href") if f"example={link}" in h)
    _, chosen = _page(lod_client, href)
    assert unescape(chosen.textarea) == (DOCS_QUERIES / f"{link}.rq").read_text(encoding="utf-8")


def test_the_plain_form_runs_a_query_and_returns_csv(lod_client, lod):
    _, page = _page(lod_client)
    (action,) = [a["action"] for t, a in page.elements if t == "form" and a.get("method") == "post"]
    assert "csv" in page.attributes("option", "value")
    response = lod_client.post(action, data={"query": PLANS, "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows == [["label"], ["Plan de démonstration"]]


def test_the_csv_link_of_an_example_runs_it(lod_client):
    _, page = _page(lod_client)
    links = [h for h in page.attributes("a", "href") if "format=csv" in h]
    assert len(links) == len(list(DOCS_QUERIES.glob("*.rq")))
    response = lod_client.get(links[0])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header = (DOCS_QUERIES / "actions-concerning-luxembourg.csv").read_text().splitlines()[0]
    assert response.data.decode().splitlines()[0] == header  # the same columns as its answer


def test_the_page_names_no_other_host(lod_client):
    _, page = _page(lod_client)
    urls = [
        value
        for _, attrs in page.elements
        for name, value in attrs.items()
        if name in ("href", "src", "action") and value
    ]
    foreign = [url for url in urls if urlsplit(url).netloc not in ("", "localhost")]
    assert urls and foreign == []


def test_the_page_follows_the_mount_point(lod_client):
    _, page = _page(lod_client, environ_overrides={"SCRIPT_NAME": "/plans"})
    assert "/plans/sparql" in page.attributes("form", "action")
    assert json.loads(page.config)["script"] == f"/plans/{VENDOR}/yasgui.min.js"
    assert json.loads(page.config)["endpoint"] == "/plans/sparql"


def test_the_page_in_english(lod_client):
    html, page = _page(lod_client, "/sparql?lang=en")
    assert '<html lang="en">' in html and "Example questions" in html
    titles = [e["title"] for e in json.loads(page.config)["examples"]]
    assert "Where the plans name Montigny-lès-Metz" in titles


@pytest.mark.parametrize("name", ["LICENSE.txt", "THIRD-PARTY-NOTICES.txt", "README.md"])
def test_the_licence_and_notices_are_shipped_and_served(lod_client, name):
    assert (site_dir() / VENDOR / name).is_file()
    response = lod_client.get(f"/{VENDOR}/{name}")
    assert response.status_code == 200
    if name == "LICENSE.txt":
        assert "MIT License" in response.data.decode()


def test_the_vendored_files_are_those_the_readme_records():
    """tools/vendor_yasgui.sh records each file's sha256: the files were not edited since."""
    folder = site_dir() / VENDOR
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert re.search(r"\| version \| \d+\.\d+\.\d+ \|", readme)
    assert re.search(r"`sha512-[A-Za-z0-9+/=]{88}`", readme)
    recorded = dict(re.findall(r"\| `([\w.-]+)` \| \d+ \| `([0-9a-f]{64})` \|", readme))
    assert set(recorded) == {"yasgui.min.js", "yasgui.min.css"}
    for name, digest in recorded.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
