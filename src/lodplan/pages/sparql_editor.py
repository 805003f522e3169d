"""The SPARQL page: a query form, YASGUI over it, and the example queries of ``docs/queries/``.

Served (an :class:`Endpoint` is given), the page holds a plain form that runs a
query without JavaScript, and ``site/assets/sparql-editor.js`` turns it into the
YASGUI editor (vendored in ``site/assets/vendor/yasgui/``) configured by a JSON
block of the page. Each example is listed with its query, a link that opens it in
the editor (``?example=<name>``, which also fills the plain form) and a link to its
live answer as CSV. In a static export there is no endpoint: the page lists the
examples with their query and their answer on the bundled plans (the ``.csv``
beside each ``.rq``), and points to a live endpoint if one is known.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from lodplan.bundled import example_queries_dir
from lodplan.errors import LodplanError
from lodplan.pages.i18n import DEFAULT_LANGUAGE
from lodplan.pages.links import Links, is_web_iri
from lodplan.pages.render import PageRenderer

TEMPLATE = "sparql.html"
#: Where a static export puts the example queries and answers (``queries/<name>.rq|.csv``).
EXPORT_FOLDER = "queries"
#: The query of the plain form and of a new editor tab: it answers on any lodplan dataset.
STARTER_QUERY = """PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?plan ?label WHERE {
  ?plan a lodplan:Plan ;
        rdfs:label ?label .
}
LIMIT 100"""

# "# title: …" (French, the default language) and "# title@en: …" at the top of a .rq
_TITLE = re.compile(r"#\s*title(?:@(?P<lang>[a-z]{2}))?\s*:\s*(?P<text>\S.*?)\s*$")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class ExampleQueryError(LodplanError):
    """An example query file without a title, or with a name unfit for a URL."""


@dataclass(frozen=True)
class ExampleQuery:
    """One example: ``<name>.rq`` and, if present, its answer ``<name>.csv``."""

    name: str
    titles: dict[str, str]  # language → title; the default language is always present
    query: str
    query_file: Path
    answer_file: Path | None = None

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles[DEFAULT_LANGUAGE]

    def answer(self) -> list[list[str]]:
        """The precomputed answer: header row, then rows (empty if there is none)."""
        if self.answer_file is None:
            return []
        with self.answer_file.open(encoding="utf-8", newline="") as lines:
            return list(csv.reader(lines))


@dataclass(frozen=True)
class Endpoint:
    """The SPARQL endpoint a served page posts to, and its limits."""

    url: str  # where the form posts and the editor sends queries: "/sparql" under the mount
    timeout_s: float
    max_rows: int
    max_bytes: int | None = None  # size cap of a result (None: no cap)
    formats: Sequence[tuple[str, str]] = field(default=())  # (?format= name, label) of the form
    prefixes: Sequence[str] = field(default=())  # the prefixes predeclared for every query


def read_example(path: Path) -> ExampleQuery:
    """The example of ``path`` (a ``.rq`` file), titled by its ``# title:`` comments."""
    if not _NAME.fullmatch(path.stem):
        raise ExampleQueryError(f"{path}: example names are lowercase words joined by '-'")
    text = path.read_text(encoding="utf-8")
    titles: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break  # titles are in the comment block that opens the file
        if match := _TITLE.match(line):
            titles[match["lang"] or DEFAULT_LANGUAGE] = match["text"]
    if DEFAULT_LANGUAGE not in titles:
        raise ExampleQueryError(f"{path}: no '# title: …' comment at the top of the query")
    answer = path.with_suffix(".csv")
    return ExampleQuery(path.stem, titles, text, path, answer if answer.is_file() else None)


def load_examples(folder: Path) -> tuple[ExampleQuery, ...]:
    """Every ``*.rq`` of ``folder``, by file name."""
    return tuple(read_example(path) for path in sorted(folder.glob("*.rq")))


@cache
def bundled_examples() -> tuple[ExampleQuery, ...]:
    """The examples of the bundled ``docs/queries/`` (read once per process)."""
    return load_examples(example_queries_dir())


def export_files(examples: Sequence[ExampleQuery]) -> dict[str, Path]:
    """What a static export copies for the page: export path → file (queries and answers)."""
    files: dict[str, Path] = {}
    for example in examples:
        files[f"{EXPORT_FOLDER}/{example.name}.rq"] = example.query_file
        if example.answer_file is not None:
            files[f"{EXPORT_FOLDER}/{example.name}.csv"] = example.answer_file
    return files


def render_sparql_page(
    renderer: PageRenderer,
    links: Links,
    examples: Sequence[ExampleQuery],
    endpoint: Endpoint | None,
    *,
    selected: str | None = None,
    live_endpoint: str | None = None,
) -> str:
    """The page's HTML: served with an ``endpoint``; without (static export), the
    examples with their precomputed answers and ``live_endpoint`` (a URL) if known.

    ``selected`` names the example the form and the editor open with (``?example=``).
    """
    if live_endpoint is not None and not is_web_iri(live_endpoint):
        raise ValueError(f"the live SPARQL endpoint must be an http(s) URL, not {live_endpoint!r}")
    lang = links.lang
    chosen = next((example for example in examples if example.name == selected), None)
    views = [_example_view(example, links, endpoint, live_endpoint) for example in examples]
    context: dict[str, object] = {
        "examples": views,
        "endpoint": endpoint,
        "live_endpoint": live_endpoint,
        "selected": chosen.name if chosen else None,
    }
    if endpoint is not None:
        context |= {
            "form_query": chosen.query if chosen else STARTER_QUERY,
            "max_size": format_size(endpoint.max_bytes, lang) if endpoint.max_bytes else None,
            "timeout": f"{endpoint.timeout_s:g}",
            "editor_config": _editor_config(renderer, links, examples, endpoint, chosen),
        }
    return renderer.render(TEMPLATE, links, **context)


def _example_view(
    example: ExampleQuery, links: Links, endpoint: Endpoint | None, live_endpoint: str | None
) -> dict[str, object]:
    view: dict[str, object] = {
        "name": example.name,
        "title": example.title(links.lang),
        "query": example.query,
    }
    if endpoint is not None:
        view["open"] = _with_parameter(links.page("sparql"), "example", example.name)
        view["csv"] = _query_url(endpoint.url, example.query)
        return view
    answer = example.answer()
    view |= {
        "header": answer[0] if answer else [],
        "rows": answer[1:],
        "query_file": links.file(f"{EXPORT_FOLDER}/{example.name}.rq"),
        "answer_file": links.file(f"{EXPORT_FOLDER}/{example.name}.csv")
        if example.answer_file
        else None,
    }
    if live_endpoint:
        view["open"] = _with_parameter(live_endpoint, "example", example.name)
        view["csv"] = _query_url(live_endpoint, example.query)
    return view


def _editor_config(
    renderer: PageRenderer,
    links: Links,
    examples: Sequence[ExampleQuery],
    endpoint: Endpoint,
    chosen: ExampleQuery | None,
) -> dict[str, object]:
    """What ``sparql-editor.js`` reads from the page's JSON block."""
    t = renderer.messages.translator(links.lang)
    listed = [{"name": e.name, "title": e.title(links.lang), "query": e.query} for e in examples]
    return {
        "endpoint": endpoint.url,
        "starter": STARTER_QUERY,
        "selected": chosen.name if chosen else None,
        "examples": listed,
        # a new key when the examples or the endpoint change: stored tabs never hide them
        "storageKey": _digest([endpoint.url, STARTER_QUERY, listed]),
        "tabName": t("sparql.editor.tab"),
        "downloadLabel": t("sparql.form.download"),
        # YASGUI (1 MB of script) and its styles: loaded when the editor is used
        "script": links.file("assets/vendor/yasgui/yasgui.min.js"),
        "style": links.file("assets/vendor/yasgui/yasgui.min.css"),
        "loading": t("sparql.editor.loading"),
        "failed": t("sparql.editor.failed"),
        "labels": {
            "query": t("yasgui.label.query"),
            "endpoint": t("yasgui.label.endpoint"),
            "pageSize": t("yasgui.label.page_size"),
        },
        "interface": _editor_interface(renderer, links.lang),
        "table": {name: t(key) for name, key in TABLE_MESSAGES.items()},
    }


#: The results table's texts (DataTables' ``language`` option) → their messages.
TABLE_MESSAGES = {"info": "yasgui.table.info", "infoEmpty": "yasgui.table.info_empty",
                  "infoFiltered": "yasgui.table.info_filtered",
                  "zeroRecords": "yasgui.table.zero_records", "emptyTable": "yasgui.table.empty",
                  "search": "yasgui.table.search", "lengthMenu": "yasgui.table.length_menu",
                  "loadingRecords": "yasgui.table.loading"}  # fmt: skip


def _editor_interface(renderer: PageRenderer, lang: str) -> dict[str, str]:
    """YASGUI's own texts (its English) → the page's (``site/i18n/yasgui.yaml``)."""
    texts = renderer.messages.by_key
    return {
        str(by_lang["en"]): str(by_lang[lang])
        for key, by_lang in texts.items()
        if key.startswith("yasgui.")
        and not key.startswith(("yasgui.label.", "yasgui.table."))
        and by_lang["en"] != by_lang[lang]
    }


def _digest(value: object) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:16]


def _query_url(endpoint: str, query: str) -> str:
    """A GET request of the SPARQL protocol whose answer is CSV."""
    return _with_parameter(endpoint, "query", query) + "&" + urlencode({"format": "csv"})


def _with_parameter(url: str, name: str, value: str) -> str:
    path, _, fragment = url.partition("#")
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}{urlencode({name: value})}" + (f"#{fragment}" if fragment else "")


def format_size(size: int, lang: str) -> str:
    """``52428800`` → ``50 Mio`` (French) or ``50 MiB`` (binary units)."""
    units = (("Gio", "GiB", 1024**3), ("Mio", "MiB", 1024**2), ("Kio", "KiB", 1024))
    for french, english, factor in units:
        if size >= factor:
            number = f"{size / factor:g}"
            if lang == "fr":
                return f"{number.replace('.', ',')} {french}"
            return f"{number} {english}"
    return f"{size} octets" if lang == "fr" else f"{size} bytes"
