"""The static export of the five bundled plans, served by a plain static file server
(``python -m http.server``, as any static host would): every internal link and
resource of every page answers 200, ``#fragments`` exist in their page (one known
exception, not the export's), no link leads to the data's base IRI, no page has a
script of its own, every page of the export is reached from ``index.html`` (the
search pages' links included: they come from the search index), and the search
answers in a browser as the server's search does.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urldefrag, urlencode, urljoin, urlsplit

import pytest
import requests

from lodplan.build import build
from lodplan.bundled import mappings_dir
from lodplan.pages.actions import ActionFilters, ActionTable, actions_csv, collect_actions
from lodplan.pages.export import ExportReport, export_site
from lodplan.pages.search import Entry, Filters, SearchIndex, search, write_index
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore
from tests.browser.visit import SCREENSHOTS

BASE = "http://data.export.test/"  # the build's base IRI: no page may link there
FETCHERS = 8


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> ExportReport:
    root = tmp_path_factory.mktemp("export")
    build(mappings_dir(), EmbeddedPublisher(root / "store"), BASE)
    report = export_site(EmbeddedStore(root / "store"), root / "site")
    print(f"\n{report.summary()}")
    return report


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def static_site(export: ExportReport) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(export.target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                requests.head(url, timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


class _PageParser(HTMLParser):
    """The links (href, src, form action) and ids of a page, and its search config."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.search_config = ""
        self.scripts_in_page: list[str] = []  # what a Content-Security-Policy would block
        self._in_config = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src", "action"):
            if values.get(name) is not None:
                self.links.append(values[name])  # type: ignore[arg-type]
        if values.get("id"):
            self.ids.add(values["id"])  # type: ignore[arg-type]
        data_block = values.get("type") in {"application/json", "application/ld+json"}
        if tag == "script" and not values.get("src") and not data_block:
            self.scripts_in_page.append("<script> without src")
        self.scripts_in_page += [name for name in values if name.startswith("on")]
        self._in_config = tag == "script" and values.get("id") == "search-config"

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.search_config += data

    def handle_endtag(self, tag: str) -> None:
        self._in_config = False


@dataclass
class Crawl:
    root: str
    pages: dict[str, set[str]] = field(default_factory=dict)  # HTML page → its ids
    fetched: int = 0
    broken: list[str] = field(default_factory=list)
    to_base: list[str] = field(default_factory=list)
    scripts_in_page: list[str] = field(default_factory=list)
    with_query: list[str] = field(default_factory=list)
    fragments: list[tuple[str, str]] = field(default_factory=list)  # (from page, link)


def crawl(root: str) -> Crawl:
    """Follow every link of every HTML page from ``root``index.html (breadth first)."""
    result = Crawl(root)
    wave = [root + "index.html"]
    seen = set(wave)
    with ThreadPoolExecutor(FETCHERS) as pool:
        while wave:
            found: list[tuple[str, str]] = []
            for url, links in pool.map(lambda url: _visit(url, result), wave):
                found += [(url, link) for link in links]
            wave = []
            for page, link in found:
                target = _internal(page, link, result)
                if target is not None and target not in seen:
                    seen.add(target)
                    wave.append(target)
    result.fetched = len(seen)
    return result


def _visit(url: str, result: Crawl) -> tuple[str, list[str]]:
    html = url.endswith(".html")
    response = (requests.get if html else requests.head)(url, timeout=10)
    if response.status_code != 200:
        result.broken.append(f"{response.status_code} {url}")
        return url, []
    if not html:
        return url, []
    parser = _PageParser()
    parser.feed(response.content.decode("utf-8"))
    result.pages[url] = parser.ids
    result.scripts_in_page += [f"{url}: {script}" for script in parser.scripts_in_page]
    links = list(parser.links)
    if parser.search_config:  # the static search: its index links to resource pages
        config = json.loads(parser.search_config)
        index_url = urljoin(url, config["index"])
        entries = requests.get(index_url, timeout=10).json()["entries"]
        links += [index_url, config["stemmer"]]
        links += [entry["href"] for entry in entries if entry["href"] is not None]
    return url, links


def _internal(page: str, link: str, result: Crawl) -> str | None:
    """The URL ``link`` of ``page`` leads to on the static site, ``None`` if elsewhere."""
    absolute = urljoin(page, link)
    if absolute.startswith(BASE):
        result.to_base.append(f"{page}: {link}")
    if not absolute.startswith(result.root):
        return None
    target, fragment = urldefrag(absolute)
    if urlsplit(target).query:
        result.with_query.append(f"{page}: {link}")  # a static host ignores the query
    if fragment and target.endswith(".html"):
        result.fragments.append((page, absolute))
    return target


@pytest.fixture(scope="module")
def crawled(static_site: str) -> Crawl:
    started = time.monotonic()
    result = crawl(static_site)
    seconds = time.monotonic() - started
    print(f"\ncrawled {len(result.pages)} pages, {result.fetched} URLs in {seconds:.1f} s")
    return result


def test_every_link_of_every_page_answers_200(crawled: Crawl, export: ExportReport):
    assert crawled.broken == []
    assert export.problems == ()


def test_no_link_leads_to_the_base_iri_or_needs_a_query(crawled: Crawl):
    assert crawled.to_base == []
    assert crawled.with_query == []  # a static host serves the file whatever the query


def test_no_page_runs_a_script_of_its_own(crawled: Crawl):
    # scripts are files of assets/, as the server's Content-Security-Policy requires
    assert crawled.scripts_in_page == []


def test_every_page_of_the_export_is_reached_from_the_home_page(crawled, export, static_site):
    on_disk = {
        static_site + path.relative_to(export.target).as_posix()
        for path in Path(export.target).rglob("*.html")
    }
    assert on_disk - {unquote(url) for url in crawled.pages} == set()


def test_links_to_a_part_of_a_page_find_it(crawled: Crawl):
    missing = [
        f"{page}: {link}"
        for page, link in crawled.fragments
        if unquote(urldefrag(link)[1]) not in crawled.pages.get(urldefrag(link)[0], set())
    ]
    assert missing == []
    assert len(crawled.fragments) > 10_000


def test_the_export_holds_both_languages_and_the_data_of_every_page(export: ExportReport):
    root = Path(export.target)
    assert export.pages == len(list(root.rglob("*.html")))
    pages = {path.relative_to(root).as_posix() for path in root.rglob("*.html")}
    english = {name.removeprefix("en/") for name in pages if name.startswith("en/")}
    assert english == pages - {f"en/{name}" for name in english}
    plan = root / "plan" / "mot-programme-2023"
    for extension in (".html", ".jsonld", ".ttl", ".csv"):
        assert plan.with_suffix(extension).is_file()
    assert export.resources > 1000
    # the COG communes that no page names are not exported
    assert len(list((root / "territory" / "commune").glob("*.html"))) < 1000


@contextmanager
def browser_page() -> Iterator[tuple[Any, Any]]:
    """Debian's chromium and a page in it; the test fails if a script logged an error."""
    chromium = chromium_or_skip()
    from playwright import sync_api

    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield browser, page
        browser.close()
    assert errors == []


def chromium_or_skip() -> str:
    chromium = shutil.which("chromium")
    if chromium is None or importlib.util.find_spec("playwright") is None:
        reason = "needs Debian's chromium and playwright (apt-get install chromium)"
        if os.environ.get("CI"):  # .ci/run installs them: their absence is a failure there
            pytest.fail(reason)
        pytest.skip(reason)
    return chromium


def test_the_static_search_answers_in_a_browser(static_site: str):
    with browser_page() as (_, page):
        page.goto(static_site + "index.html")
        page.fill("#quick-search-q", "MOBILITE")  # the header's form, on any page
        page.press("#quick-search-q", "Enter")
        results = page.locator("[data-search-results]")
        results.locator("ol.hits > li").first.wait_for()
        assert page.url.startswith(static_site + "search.html?q=MOBILITE")
        assert "résultats pour « MOBILITE »" in results.inner_text()
        assert page.input_value("#search-q") == "MOBILITE"
        first = results.locator("ol.hits a").first
        label = first.inner_text()
        first.click()
        page.wait_for_load_state()
        assert label.split(" ")[-1].casefold() in page.locator("h1").inner_text().casefold()

        # the relevance cases of issue 19, in the server's order, in each language
        for lang, prefix in (("fr", ""), ("en", "en/")):
            for query in ("vélo", "vélos", "mobilités", "Eurométropole de Metz", "metz metropole"):
                page.goto(f"{static_site}{prefix}search.html?q={quote(query)}")
                results.locator("ol.hits > li").first.wait_for()
                shown = [item.get_attribute("data-iri") for item in
                         results.locator("ol.hits > li").all()]  # fmt: skip
                assert shown == python_search(static_site, lang, query)[:20], (lang, query)
        page.goto(static_site + "search.html?q=" + quote("piste cyclable"))
        suggestion = results.locator("[data-suggestion]")
        suggestion.wait_for()
        assert suggestion.inner_text() == "cyclable"
        suggestion.click()
        results.locator("ol.hits > li").first.wait_for()
        page.goto(static_site + "search.html?q=mobilit%C3%A9&kind=action")
        results.locator("ol.hits > li").first.wait_for()
        shown = [item.get_attribute("data-iri") for item in results.locator("ol.hits > li").all()]
        assert shown == python_search(static_site, "fr", "mobilité", kind="action")[:20]

        page.goto(static_site + "en/search.html")
        page.fill("#search-q", "zzzz qqqq")
        page.press("#search-q", "Enter")
        page.wait_for_function("document.querySelector('[data-search-results]').innerText"
                               ".includes('No result')")  # fmt: skip


def python_search(static_site: str, lang: str, query: str, **filters: str) -> list[str]:
    """The IRIs the server's search (lodplan.pages.search) ranks for ``query`` over the
    exported index, in order."""
    document = requests.get(f"{static_site}search-index.{lang}.json", timeout=10).json()
    entries = [Entry.from_record(record) for record in document["entries"]]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.sqlite"
        write_index(path, entries)
        found = search(SearchIndex(path), query, Filters(**filters))
    return [entry.iri for _, entry in found.ranked]


PNFC = BASE + "plan/pnfc-feuille-de-route"  # pilots for half its actions, statuses
LODPLAN_CODE = "https://w3id.org/lodplan/code/"
#: Filters of the table of actions (as in the URL) and the page they are given to.
ACTION_VIEWS = [
    ("actions.html", {"plan": PNFC, "role": LODPLAN_CODE + "role/pilote"}),
    # more than a page of the unfiltered table (50 rows): every row of the view shows
    ("actions.html", {"without_pilot": "1", "sort": "status", "desc": "1"}),
    ("plan/pnfc-feuille-de-route/actions.html", {"status": LODPLAN_CODE + "status/en-cours",
                                                 "sort": "label"}),
    ("en/actions.html", {"role": LODPLAN_CODE + "role/pilote", "sort": "status"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def action_tables(export: ExportReport, tmp_path_factory: pytest.TempPathFactory):
    """The server's table of actions of the exported build, by language."""
    store = EmbeddedStore(export.target.parent / "store")
    folder = tmp_path_factory.mktemp("actions")
    return {
        lang: ActionTable.open_or_build(folder / f"{lang}.sqlite",
                                        lambda lang=lang: collect_actions(store, lang))
        for lang in ("fr", "en")
    }  # fmt: skip


def test_the_static_table_of_actions_filters_as_the_server(static_site: str, action_tables):
    """assets/actions.js reads the filters of the URL and shows the server's rows in the
    server's order, with the server's filtered CSV built in the browser; without script
    the whole table shows, paged, and says so."""
    with browser_page() as (browser, page):
        for number, (file, args) in enumerate(ACTION_VIEWS, 1):
            lang = "en" if file.startswith("en/") else "fr"
            plan = {"plan": PNFC} if file.startswith("plan/") else {}
            filters = ActionFilters.from_args({**args, **plan})
            expected = list(action_tables[lang].rows(filters))
            assert 0 < len(expected) < len(list(action_tables[lang].rows(ActionFilters()))), args
            page.goto(f"{static_site}{file}?{urlencode(args)}")
            page.wait_for_selector("html[data-actions-filtered]")
            shown = page.locator("table.actions-table tbody tr")
            assert [row.get_attribute("data-iri") for row in shown.all()] == [
                row.iri for row in expected
            ], (file, args)
            assert page.inner_text("[data-action-count]") == f"{len(expected)} actions"
            assert page.locator("nav.pager").is_hidden()
            assert page.locator("[data-static-note]").is_hidden()
            form = page.locator("form[data-static-filters]")
            assert form.is_visible()  # showing the filters of the URL
            for name, value in args.items():
                field = form.locator(f"[name={name}]")
                if field.get_attribute("type") == "checkbox":
                    assert field.is_checked()
                else:
                    assert field.input_value() == value, name
            page.screenshot(path=SCREENSHOTS / f"static-actions-{number}.png")
            csv_in_browser = page.evaluate(
                "fetch(document.querySelector('[data-action-csv]').href).then(r => r.text())"
            )
            assert csv_in_browser == "".join(actions_csv(expected)), (file, args)

        # choosing filters in the form: the URL holds them, the table follows
        page.goto(static_site + "actions.html")
        page.wait_for_selector("html[data-actions-filtered]")
        page.select_option("#filter-plan", PNFC)
        page.check("#filter-without-pilot")
        page.get_by_role("button", name="Filtrer").click()
        page.wait_for_url("**/actions.html?*without_pilot=1*")
        page.wait_for_selector("html[data-actions-filtered]")
        expected = action_tables["fr"].rows(ActionFilters(plan=PNFC, without_pilot=True))
        shown = page.locator("table.actions-table tbody tr")
        assert [row.get_attribute("data-iri") for row in shown.all()] == [r.iri for r in expected]

        # without script: the whole table, paged, and what the filters need
        context = browser.new_context(java_script_enabled=False)
        plain = context.new_page()
        plain.goto(f"{static_site}actions.html?{urlencode({'without_pilot': '1'})}")
        assert plain.locator("table.actions-table tbody tr").count() == 50  # the first page
        assert plain.locator("form[data-static-filters]").is_hidden()
        assert "demandent JavaScript" in plain.inner_text("[data-static-note]")
        assert plain.locator("nav.pager").is_visible()
        context.close()
