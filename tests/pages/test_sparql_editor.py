"""The SPARQL page without Flask: example queries, the served page and the static variant."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lodplan.pages.links import ServerLinks, StaticLinks
from lodplan.pages.render import PageRenderer
from lodplan.pages.sparql_editor import (
    STARTER_QUERY,
    Endpoint,
    ExampleQueryError,
    bundled_examples,
    export_files,
    format_size,
    load_examples,
    read_example,
    render_sparql_page,
)

DOCS_QUERIES = Path(__file__).parents[2] / "docs" / "queries"
BASE = "http://data.test.example/"
ENDPOINT = Endpoint(
    url="/lod/sparql",
    timeout_s=30.0,
    max_rows=500,
    max_bytes=50 * 1024**2,
    formats=[("json", "SPARQL JSON"), ("csv", "CSV")],
    prefixes=["lodplan", "rdfs"],
)


class _Page(HTMLParser):
    """Attributes of every element, the text of <script> blocks and of <textarea>."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.textarea = ""
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "textarea"):
            self._open = tag
            if tag == "script":
                self.scripts.append((dict(attrs), ""))

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open == "script":
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        elif self._open == "textarea":
            self.textarea += data


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _config(page: _Page) -> dict:
    blocks = [text for attrs, text in page.scripts if attrs.get("id") == "sparql-editor-config"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def _write(folder: Path, name: str, text: str, answer: str | None = None) -> Path:
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    if answer is not None:
        path.with_suffix(".csv").write_text(answer, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def renderer() -> PageRenderer:
    return PageRenderer()


def _served(renderer, examples, lang="fr", **options) -> str:
    links = ServerLinks(data_base=BASE, root="/lod", lang=lang, current="sparql")
    return render_sparql_page(renderer, links, examples, ENDPOINT, **options)


def _static(renderer, examples, lang="fr", **options) -> str:
    current = "sparql.html" if lang == "fr" else "en/sparql.html"
    links = StaticLinks(data_base=BASE, current=current, lang=lang)
    return render_sparql_page(renderer, links, examples, None, **options)


# -- example queries ---------------------------------------------------------------------


def test_every_bundled_example_is_titled_in_both_languages_and_has_its_answer():
    examples = bundled_examples()
    assert [e.name for e in examples] == sorted(p.stem for p in DOCS_QUERIES.glob("*.rq"))
    for example in examples:
        assert example.titles.keys() == {"fr", "en"}, example.name
        assert example.titles["fr"] != example.titles["en"]
        assert example.query == (DOCS_QUERIES / f"{example.name}.rq").read_text(encoding="utf-8")
        assert example.answer_file is not None and example.answer()[0], example.name


def test_titles_come_from_the_opening_comments(tmp_path):
    path = _write(
        tmp_path,
        "q",
        "# title: Les plans\n# title@en: The plans\n# more words\nSELECT * { ?s ?p ?o }\n"
        "# title@de: too late, the query has begun\n",
    )
    example = read_example(path)
    assert example.titles == {"fr": "Les plans", "en": "The plans"}
    assert example.title("en") == "The plans"
    assert example.title("de") == "Les plans"  # the default language otherwise
    assert example.answer_file is None and example.answer() == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("q", "# title@en: English only\nASK {}\n"),
        ("q", "ASK {}\n# title: after the query\n"),
        ("Q_1", "# title: Bad name\nASK {}\n"),
    ],
)
def test_an_example_needs_a_french_title_and_a_url_name(tmp_path, name, text):
    with pytest.raises(ExampleQueryError):
        read_example(_write(tmp_path, name, text))


def test_answers_are_read_as_csv(tmp_path):
    _write(tmp_path, "b", "# title: B\nASK {}\n")
    _write(tmp_path, "a", "# title: A\nASK {}\n", 'name,n\n"Dupont, Jean",3\n')
    examples = load_examples(tmp_path)
    assert [e.name for e in examples] == ["a", "b"]
    assert examples[0].answer() == [["name", "n"], ["Dupont, Jean", "3"]]


# -- the served page ----------------------------------------------------------------------


def test_served_page_has_the_form_the_editor_assets_and_its_config(renderer):
    html = _served(renderer, bundled_examples())
    page = _parse(html)
    forms = [attrs for tag, attrs in page.elements if tag == "form" and attrs.get("method")]
    assert {"method": "post", "action": "/lod/sparql"} in forms
    assert unescape(page.textarea) == STARTER_QUERY
    sources = [
        attrs.get("src") for tag, attrs in page.elements if tag == "script" and attrs.get("src")
    ]
    # YASGUI's megabyte is not in the page: sparql-editor.js loads it when it is used
    assert sources == ["/lod/assets/sparql-editor.js"]
    sheets = [
        attrs["href"]
        for tag, attrs in page.elements
        if tag == "link" and attrs.get("rel") == "stylesheet"
    ]
    assert not any("yasgui" in sheet for sheet in sheets)
    # no inline script: every script is a file or data (CSP script-src 'self')
    assert all(
        attrs.get("src") or attrs.get("type") == "application/json" for attrs, _ in page.scripts
    )
    config = _config(page)
    assert config["endpoint"] == "/lod/sparql"
    assert config["script"] == "/lod/assets/vendor/yasgui/yasgui.min.js"
    assert config["style"] == "/lod/assets/vendor/yasgui/yasgui.min.css"
    assert config["selected"] is None and config["starter"] == STARTER_QUERY
    assert [(e["name"], e["title"], e["query"]) for e in config["examples"]] == [
        (e.name, e.titles["fr"], e.query) for e in bundled_examples()
    ]


def test_served_page_lists_each_example_with_links_to_open_it_and_its_csv(renderer):
    html = _served(renderer, bundled_examples())
    page = _parse(html)
    opened = {
        a["data-example"]: a["href"]
        for tag, a in page.elements
        if tag == "a" and "data-example" in a
    }
    assert set(opened) == {e.name for e in bundled_examples()}
    for example in bundled_examples():
        assert f"<h3>{example.titles['fr']}</h3>" in unescape(html)
        assert opened[example.name] == f"/lod/sparql?example={example.name}"
    csv_links = [
        a["href"]
        for tag, a in page.elements
        if tag == "a" and "format=csv" in (a.get("href") or "")
    ]
    assert len(csv_links) == len(bundled_examples())
    assert all(link.startswith("/lod/sparql?query=") for link in csv_links)


def test_the_selected_example_fills_the_form_and_opens_in_the_editor(renderer):
    html = _served(renderer, bundled_examples(), selected="most-involved-actors")
    page = _parse(html)
    assert unescape(page.textarea) == (DOCS_QUERIES / "most-involved-actors.rq").read_text(
        encoding="utf-8"
    )
    assert _config(page)["selected"] == "most-involved-actors"
    unknown = _parse(_served(renderer, bundled_examples(), selected="<nope>"))
    assert unescape(unknown.textarea) == STARTER_QUERY and _config(unknown)["selected"] is None


def test_query_text_cannot_break_out_of_the_page(renderer, tmp_path):
    text = '# title: <b>Titre</b> & "co"\nSELECT * { ?s ?p "</script><script>alert(1)</script>" }\n'
    html = _served(renderer, [read_example(_write(tmp_path, "x", text))])
    assert "<script>alert(1)" not in html and "<b>Titre</b>" not in html
    config = _config(_parse(html))  # the JSON block is whole: "</script>" is escaped in it
    assert config["examples"][0]["query"] == text
    assert config["examples"][0]["title"] == '<b>Titre</b> & "co"'


def test_the_storage_key_changes_with_the_examples(renderer, tmp_path):
    _write(tmp_path, "q", "# title: Q\nASK {}\n")
    before = _config(_parse(_served(renderer, load_examples(tmp_path))))["storageKey"]
    again = _config(_parse(_served(renderer, load_examples(tmp_path))))["storageKey"]
    _write(tmp_path, "q", "# title: Q\nASK { ?s ?p ?o }\n")
    after = _config(_parse(_served(renderer, load_examples(tmp_path))))["storageKey"]
    assert before == again != after


def test_served_page_in_english(renderer):
    html = _served(renderer, bundled_examples(), lang="en")
    page = _parse(html)
    assert '<html lang="en">' in html and "Run query" in html and "Limits" in html
    assert "50 MiB" in html
    config = _config(page)
    assert [e["title"] for e in config["examples"]] == [e.titles["en"] for e in bundled_examples()]
    assert config["tabName"] == "Query" and config["downloadLabel"] == "Download the result"
    opened = [a["href"] for tag, a in page.elements if tag == "a" and "data-example" in a]
    assert opened[0] == f"/lod/sparql?lang=en&example={bundled_examples()[0].name}"


def test_served_page_names_no_other_host(renderer):
    page = _parse(_served(renderer, bundled_examples()))
    urls = [
        value
        for _, attrs in page.elements
        for name, value in attrs.items()
        if name in ("href", "src", "action") and value
    ]
    assert urls and not [url for url in urls if re.match(r"(https?:)?//", url)]


# -- the static variant --------------------------------------------------------------------


def test_static_page_shows_each_example_with_its_answer_and_files(renderer):
    html = _static(renderer, bundled_examples())
    page = _parse(html)
    assert not page.scripts and not [tag for tag, _ in page.elements if tag == "textarea"]
    assert not [
        attrs for tag, attrs in page.elements if tag == "form" and attrs.get("method") == "post"
    ]
    hrefs = {a.get("href") for tag, a in page.elements if tag == "a"}
    for example in bundled_examples():
        answer = example.answer()
        assert f"queries/{example.name}.rq" in hrefs and f"queries/{example.name}.csv" in hrefs
        for value in (*answer[0], *answer[-1]):
            assert value in unescape(html)
    # every row of every answer is a table row, plus one header row per table; an answer
    # with no row on the bundled plans (budgets, indicators: none) has no table but a note
    answers = [example.answer() for example in bundled_examples()]
    rows = sum(len(answer) for answer in answers if len(answer) > 1)
    assert len([tag for tag, _ in page.elements if tag == "tr"]) == rows
    empty = sum(1 for answer in answers if len(answer) == 1)
    # budgets, indicators, and the history of statuses (no bundled plan has versions)
    assert empty == 4 and html.count("La requête ne renvoie aucune ligne.") == empty
    assert "Aucun point d’accès en ligne" in html


def test_static_page_points_to_the_live_endpoint(renderer):
    live = "https://plans.example.org/sparql"
    html = _static(renderer, bundled_examples(), lang="en", live_endpoint=live)
    hrefs = [a.get("href") or "" for tag, a in _parse(html).elements if tag == "a"]
    assert live in hrefs
    assert f"{live}?example={bundled_examples()[0].name}" in hrefs
    assert len(
        [h for h in hrefs if h.startswith(f"{live}?query=") and h.endswith("format=csv")]
    ) == len(bundled_examples())
    assert "../queries/actions-per-commune.csv" in hrefs  # English pages are under en/


def test_static_page_refuses_a_live_endpoint_that_is_not_a_web_url(renderer):
    with pytest.raises(ValueError, match="http"):
        _static(renderer, bundled_examples(), live_endpoint="javascript:alert(1)")


def test_export_files_are_the_queries_and_their_answers():
    files = export_files(bundled_examples())
    assert len(files) == 2 * len(bundled_examples())
    assert files["queries/most-involved-actors.csv"] == DOCS_QUERIES / "most-involved-actors.csv"
    assert all(path.is_file() for path in files.values())


@pytest.mark.parametrize(
    ("size", "lang", "text"),
    [
        (52428800, "fr", "50 Mio"),
        (52428800, "en", "50 MiB"),
        (1536, "fr", "1,5 Kio"),
        (10, "en", "10 bytes"),
    ],
)
def test_sizes(size, lang, text):
    assert format_size(size, lang) == text


def test_the_editor_speaks_the_pages_language(renderer):
    """YASGUI's own English texts are mapped to the page's, from site/i18n/yasgui.yaml."""
    french = _config(_parse(_served(renderer, bundled_examples())))
    assert french["interface"]["Run query"] == "Exécuter la requête"
    assert french["interface"]["Add tab"] == "Ajouter un onglet"
    assert french["table"]["search"] == "Chercher :"
    assert french["labels"]["query"]
