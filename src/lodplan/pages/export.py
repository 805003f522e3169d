"""``lodplan export-site DIR``: the whole human site as static files, for any static host.

A collectivity without a server publishes its plans by copying one folder to a
static host. The export holds:

* every page of the site, in French at the root and in English under ``en/``:
  ``index.html``, ``search.html`` (answered in the browser by ``assets/search.js``
  from ``search-index.<lang>.json``), ``charts.html``, ``ontology.html``,
  ``sparql.html`` (the example queries with their answers: there is no endpoint),
  ``validation.html``, ``validation/<report>.html`` and ``accessibility.html`` (the
  accessibility statement);
* the page of every resource these pages lead to (``plan/p.html``; an IRI outside
  the base that the store describes: ``ext/<host>/<path>.html``), found by following
  the links the pages ask their :class:`~lodplan.pages.links.Links` for until none is
  new — the COG communes no page names are not exported — and beside each page its
  data: ``.jsonld``, ``.ttl`` and ``.csv`` (one row per triple: :data:`CSV_COLUMNS`);
* what the server answers besides pages: ``download/…`` (every file of the build),
  the DCAT catalog ``catalog.ttl|.jsonld|.rdf|.nt`` (page n > 1:
  ``catalog-page-<n>.<ext>``), the change feed ``feed.ttl|.jsonld|.nt``,
  ``feed/view.<ext>`` and ``feed/page/<n>.<ext>`` (:mod:`lodplan.publishing.feed`:
  an LDES is static files), the VoID description ``void.ttl``, ``void.jsonld`` and
  ``.well-known/void``, the JSON-LD context ``context.jsonld`` and
  ``context/<version>.jsonld``, ``assets/``, the example queries ``queries/``.

Links between the files are relative, so the folder works from any address. The
RDF keeps the data's IRIs (under the base IRI of the build): they dereference once
the export is hosted at that address. The export is written into a new folder
beside DIR and renamed into place: DIR holds the previous export or the new one,
never half of one.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Protocol

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple

from lodplan import __version__
from lodplan.bundled import site_dir
from lodplan.config import catalog_page_size_from_env, feed_page_size_from_env
from lodplan.errors import LodplanError
from lodplan.iris import IriMinter
from lodplan.pages import actions as action_table
from lodplan.pages.accessibility import render_accessibility_page
from lodplan.pages.actions import PILOT_ROLE, SORTS, ActionFilters, actions_csv, browser_record
from lodplan.pages.charts import render_charts_page
from lodplan.pages.i18n import DEFAULT_LANGUAGE, LANGUAGES
from lodplan.pages.labels import store_label, term_label
from lodplan.pages.links import (
    ONTOLOGY_NAMESPACE,
    STATIC_FILES,
    Links,
    StaticLinks,
    is_web_iri,
    local_file,
    numbered_file,
)
from lodplan.pages.ontology_docs import render_ontology_page
from lodplan.pages.render import PageRenderer
from lodplan.pages.search import KINDS, index_document
from lodplan.pages.site import DataFormat, SitePages
from lodplan.pages.sparql_editor import bundled_examples, export_files, render_sparql_page
from lodplan.pages.validation_report import (
    render_validation_index,
    render_validation_page,
    validation_page_name,
    validation_report_ids,
)
from lodplan.publishing.catalog_pages import CatalogPages
from lodplan.publishing.changes import LOG_FILE, ChangeLog, read_change_log
from lodplan.publishing.downloads import GZIP_SUFFIX
from lodplan.publishing.feed import FEED_FORMATS, Feed, static_links
from lodplan.publishing.jsonld import JsonLdCompactor
from lodplan.publishing.negotiation import JSONLD, NTRIPLES, RDFXML, TURTLE, MediaFormat
from lodplan.publishing.prefixes import used_prefixes
from lodplan.publishing.representations import ResourceService, stable_blank_nodes
from lodplan.publishing.serialization import rdf_bytes, term_text
from lodplan.store.base import ReadableStore, Solution, StoreInfo, Term

#: Written last at the export's root: a folder holding it may be replaced by a new export.
EXPORT_MARKER = ".lodplan-export.json"
EXPORT_FORMAT = 1
#: The browser's Snowball stemmer, which assets/search.js loads before searching.
STEMMER_FILE = "assets/vendor/snowball/french-stemmer.js"
#: What each resource page offers besides HTML, as files beside it.
RESOURCE_FORMATS = (
    DataFormat("JSON-LD", ".jsonld", "application/ld+json"),
    DataFormat("Turtle", ".ttl", "text/turtle"),
    DataFormat("CSV", ".csv", "text/csv"),
)
#: The CSV of a resource: one row per triple of its description (with its ``#`` parts).
#: Labels are the site's default language's; ``value_type`` is iri, literal or blank.
CSV_COLUMNS = ("subject", "property", "property_label", "value", "value_type",
               "value_label", "language", "datatype")  # fmt: skip
CATALOG_FORMATS: tuple[MediaFormat, ...] = (TURTLE, JSONLD, RDFXML, NTRIPLES)
VOID_FILES = ("void.ttl", ".well-known/void")  # Turtle; void.jsonld besides
SEARCH_MESSAGES = {"results": "search.results", "none": "search.none",
                   "too_short": "search.too_short", "in_plan": "search.in_plan",
                   "did_you_mean": "search.did_you_mean", "filtered": "search.filtered",
                   "remove_filter": "search.remove_filter", "filters": "search.filters",
                   "facet.kind": "search.facet.kind", "facet.plan": "search.facet.plan",
                   "facet.territory": "search.facet.territory", "pages": "search.pages",
                   "showing": "paging.showing", "previous": "paging.previous",
                   "next": "paging.next", "page": "paging.page",
                   "loading": "export.search.loading",
                   "unavailable": "export.search.unavailable"}  # fmt: skip
#: The messages assets/actions.js shows, by its names: the table's column names (its
#: rows' data-label on a phone), the count, and what it says when it cannot filter.
ACTIONS_MESSAGES = {"count": "actions.count", "none": "actions.none",
                    "action": "actions.column.action", "plan": "actions.column.plan",
                    "status": "actions.column.status", "pilots": "actions.column.pilots",
                    "themes": "actions.column.themes", "end": "actions.column.end",
                    "territories": "actions.column.territories",
                    "unavailable": "export.actions.unavailable"}  # fmt: skip
PROGRESS_EVERY = 250  # resources


class ExportError(LodplanError):
    """The export cannot be written where it was asked (or its build changed meanwhile)."""


class ExportableStore(ReadableStore, Protocol):
    """A store whose build files can be listed (the embedded store)."""

    def download_names(self) -> list[str]: ...


@dataclass(frozen=True)
class ExportReport:
    target: Path
    build_id: str
    base_iri: str
    pages: int  # HTML pages, every language
    resources: int  # resources with a page (and their data files)
    files: int  # every file written
    bytes: int
    seconds: float
    problems: tuple[str, ...]  # links the export could not give a file to

    def summary(self) -> str:
        return (
            f"exported build {self.build_id[:12]} to {self.target}: {self.pages} pages "
            f"({self.resources} resources × {len(LANGUAGES)} languages, with their "
            f"{', '.join(f.extension for f in RESOURCE_FORMATS)}), {self.files} files, "
            f"{self.bytes / 1_000_000:.1f} MB in {self.seconds:.1f} s"
        )


def export_site(
    store: ExportableStore,
    target: Path,
    *,
    renderer: PageRenderer | None = None,
    live_endpoint: str | None = None,
    catalog_page_size: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> ExportReport:
    """Write the site of ``store``'s current build into ``target`` (new, empty or a
    previous export, which is replaced as a whole).

    ``live_endpoint``: a SPARQL endpoint serving the same data, offered by the SPARQL
    page; ``catalog_page_size``: datasets per catalog page (default as the server's).
    """
    started = time.monotonic()
    if live_endpoint is not None and not is_web_iri(live_endpoint):
        raise ExportError(f"the live SPARQL endpoint must be an http(s) URL: {live_endpoint!r}")
    target = Path(target).resolve()
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # beside the target (a rename, not a copy), with the umask's permissions (not 0700)
    fresh = target.with_name(f".{target.name}.export-{os.getpid()}-{secrets.token_hex(4)}")
    fresh.mkdir()
    try:
        writer = _SiteWriter(
            _SnapshotStore(store),
            fresh,
            renderer or PageRenderer(),
            live_endpoint=live_endpoint,
            catalog_page_size=catalog_page_size or catalog_page_size_from_env(),
            progress=progress or (lambda message: None),
        )
        writer.write()
        if store.info().build_id != writer.info.build_id:
            raise ExportError("a new build was published during the export; run the export again")
        files, size = _count_files(fresh)
        _swap_into(fresh, target)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return ExportReport(
        target=target,
        build_id=writer.info.build_id,
        base_iri=writer.info.base_iri,
        pages=writer.page_count,
        resources=len(writer.resource_pages),
        files=files,
        bytes=size,
        seconds=time.monotonic() - started,
        problems=tuple(writer.problems),
    )


def check_target(target: Path) -> None:
    """Refuse a folder that holds anything but a previous export (it would be replaced)."""
    if not (target.exists() or target.is_symlink()):
        return
    if not target.is_dir():
        raise ExportError(f"{target} exists and is not a folder")
    if any(target.iterdir()) and not (target / EXPORT_MARKER).is_file():
        raise ExportError(
            f"{target} is not empty and holds no previous lodplan export (no {EXPORT_MARKER}); "
            "the export replaces its folder as a whole: choose a new or empty folder"
        )


def description_csv(store: ReadableStore, triples: Iterable[Triple]) -> bytes:
    """A resource's description as CSV (RFC 4180, UTF-8), :data:`CSV_COLUMNS`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for triple in triples:
        value = triple.object
        writer.writerow(
            [
                _term_text(triple.subject),
                triple.predicate.value,
                term_label(triple.predicate.value, DEFAULT_LANGUAGE),
                _term_text(value),
                _value_type(value),
                (store_label(store, value.value, DEFAULT_LANGUAGE) or "")
                if isinstance(value, NamedNode)
                else "",
                (value.language or "") if isinstance(value, Literal) else "",
                value.datatype.value if isinstance(value, Literal) and not value.language else "",
            ]
        )
    return buffer.getvalue().encode("utf-8")


# --- the writer -------------------------------------------------------------------


class _SiteWriter:
    """Writes every page and file of one build under ``root`` (a fresh folder)."""

    def __init__(
        self,
        store: _SnapshotStore,
        root: Path,
        renderer: PageRenderer,
        *,
        live_endpoint: str | None,
        catalog_page_size: int,
        progress: Callable[[str], None],
    ) -> None:
        self.store = store
        self.root = root
        self.renderer = renderer
        self.info = store.info()
        self.base = self.info.base_iri
        self.resources = ResourceService(store, base_iri=self.base)
        self.site = SitePages(self.resources, renderer, formats=RESOURCE_FORMATS)
        self.live_endpoint = live_endpoint
        self.catalog_page_size = catalog_page_size
        self.feed_page_size = feed_page_size_from_env()
        self.progress = progress
        self.links = _Linked()
        self.written: set[str] = set()
        self.resource_pages: list[str] = []
        self.described: set[str] = set()  # IRIs whose data files are written
        self.page_count = 0
        self.problems: list[str] = []
        self.site_page_names: set[str] = set()  # index, search… validation/<report>
        self.missing_pages: set[str] = set()  # other names pages link to, not resources
        self._actions_data_written: set[str] = set()

    def write(self) -> None:
        self._site_pages()
        self._search_indexes()  # before the resource pages: each entry links to one
        self._resource_pages()
        self._data_files()
        self._catalog()
        self._feed()
        self._void()
        self._contexts()
        self._copies()
        self._check_files()
        self._write(".nojekyll", b"")  # GitHub Pages: serve every file as is
        self._write(EXPORT_MARKER, self._marker())

    # pages

    def _site_pages(self) -> None:
        pages = self._page_renderers()
        self.site_page_names = set(pages)
        for name, render in pages.items():
            for lang in LANGUAGES:
                self._page(name, lang, render)

    def _page_renderers(self) -> dict[str, Callable[[Links], str | None]]:
        store, renderer = self.store, self.renderer
        pages: dict[str, Callable[[Links], str | None]] = {
            "": self.site.home,
            "search": self._search_page,
            # the store itself: charts keep their models per store, this snapshot would stay
            "charts": partial(render_charts_page, store.underlying, renderer),
            "ontology": partial(render_ontology_page, renderer),
            "sparql": self._sparql_page,
            "validation": partial(render_validation_index, store, renderer),
            "accessibility": partial(render_accessibility_page, renderer),
        }
        pages["actions"] = partial(self._actions_page, None)
        for plan in self.site.actions_table(DEFAULT_LANGUAGE).plans():
            if plan.iri.startswith(self.base):
                pages[local_file(plan.iri, self.base) + "/actions"] = partial(
                    self._actions_page, plan.iri
                )
        for report_id in validation_report_ids(store):
            pages[validation_page_name(report_id)] = partial(
                _validation_page, store, renderer, report_id
            )
        return pages

    def _page(self, name: str, lang: str, render: Callable[..., str | None]) -> None:
        file = _page_file(name or "index", lang)
        html = render(self._recording(file, lang))
        if html is None:
            self.problems.append(f"page {file}: nothing to show in this build")
            return
        self.page_count += self._write(file, html.encode("utf-8"))
        self._numbered_pages(file, lang, lambda links, number: render(links, number))

    def _numbered_pages(
        self, file: str, lang: str, render: Callable[[Links, int], str | None]
    ) -> None:
        """Every other page of the list of the page ``file`` (home, charts, an actor's
        involvements): ``<file>-page-N.html``, found by following the pager's links."""
        done = {1}
        while pending := sorted(self.links.numbered.get(file, set()) - done):
            for number in pending:
                done.add(number)
                name = numbered_file(file, number)
                html = render(self._recording(name, lang, paged=file), number)
                if html is None:
                    self.problems.append(f"page {name}: linked to, but the list has no such page")
                    continue
                self.page_count += self._write(name, html.encode("utf-8"))

    def _search_page(self, links: Links) -> str:
        t = self.renderer.messages.translator(links.lang)
        config = {
            "index": links.file(_search_index_file(links.lang)),
            "messages": {name: t.raw(key) for name, key in SEARCH_MESSAGES.items()},
            "kinds": {kind: t(f"kind.{kind}") for kind in KINDS},
            "kind_names": {kind: t(f"kind.{kind}.one") for kind in KINDS},
            "stemmer": links.file(STEMMER_FILE),
        }
        return self.renderer.render(
            "search_static.html",
            links,
            results=None,
            query="",
            filters=None,
            search_config=config,
        )

    def _actions_page(self, plan: str | None, links: Links, number: int = 1) -> str | None:
        """The table of actions (of every plan, or of ``plan``) unfiltered, page ``number``,
        with its CSV beside it. ``assets/actions.js`` filters it in the browser from
        ``actions-table.<lang>.json`` (:meth:`_actions_data`): the filters of the URL,
        and the CSV of the filtered view."""
        name = "actions.csv" if plan is None else local_file(plan, self.base) + "/actions.csv"
        filters = ActionFilters(plan=plan)
        if number == 1 and links.lang == DEFAULT_LANGUAGE:
            table = self.site.actions_table(links.lang)
            self._write(name, "".join(actions_csv(table.rows(filters))).encode("utf-8"))
        data = self._actions_data(links.lang)
        t = self.renderer.messages.translator(links.lang)
        config = {
            "data": links.file(data),
            # the folder of this language's pages: the data's links start there
            "root": links.page("actions").removesuffix(_page_file("actions", DEFAULT_LANGUAGE)),
            "plan": plan,
            "lang": links.lang,
            "pilot_role": PILOT_ROLE,
            "columns": list(action_table.CSV_COLUMNS),
            "sorts": list(SORTS),
            "messages": {name: t.raw(key) for name, key in ACTIONS_MESSAGES.items()},
        }
        return self.site.actions(
            links, filters, number, static=True, csv_file=links.file(name), static_config=config
        )

    def _actions_data(self, lang: str) -> str:
        """``actions-table.<lang>.json`` (written once per export): every action of the
        table in document order, with what ``assets/actions.js`` filters, sorts and shows
        on (its sort keys are the server's) and the links of its page, plan and pilots
        from the folder of the language's pages."""
        name = f"actions-table.{lang}.json"
        if name in self._actions_data_written:
            return name
        links = self._recording(_page_file("actions", lang), lang)
        rows = []
        for row in self.site.actions_table(lang).rows(ActionFilters()):
            rows.append(browser_record(row, lang, links.resource))
        body = json.dumps({"rows": rows}, ensure_ascii=False, separators=(",", ":"))
        self._write(name, body.encode("utf-8"))
        self._actions_data_written.add(name)
        return name

    def _sparql_page(self, links: Links) -> str:
        return render_sparql_page(
            self.renderer, links, bundled_examples(), None, live_endpoint=self.live_endpoint
        )

    def _resource_pages(self) -> None:
        """Pages of the resources the pages link to, until no page links to a new one."""
        done: set[str] = {self.base}  # the home page is the page of the base IRI
        while True:
            pending = [iri for iri in self.links.resources if iri not in done]
            pending += self._other_pages()
            if not pending:
                return
            for iri in pending:
                if iri not in done:
                    done.add(iri)
                    self._resource_page(iri)

    def _other_pages(self) -> list[str]:
        """Pages linked to by a name that is no site page (``page("catalog")``): resources
        under the base, as on the server."""
        found = []
        for name in sorted(self.links.site_pages - self.site_page_names - self.missing_pages):
            if self.resources.triples(self.base + name):
                found.append(self.base + name)
            else:
                self.missing_pages.add(name)
                self.problems.append(f"{name}.html: linked to, but this build has none")
        self.links.site_pages.clear()
        return found

    def _resource_page(self, iri: str) -> None:
        name = local_file(iri, self.base)
        for lang in LANGUAGES:
            file = _page_file(name, lang)
            html = self.site.resource(iri, self._recording(file, lang))
            if html is None:
                self.problems.append(f"{iri}: linked to, but the store does not describe it")
                return
            self.page_count += self._write(file, html.encode("utf-8"))
            self._numbered_pages(
                file, lang, lambda links, number: self.site.resource(iri, links, page=number)
            )
        self.resource_pages.append(iri)
        self._data(iri)  # now: its description is in the service's cache
        if len(self.resource_pages) % PROGRESS_EVERY == 0:
            self.progress(f"{len(self.resource_pages)} resource pages…")

    def _recording(self, file: str, lang: str, paged: str | None = None) -> _RecordingLinks:
        """Links of the page ``file``; ``paged``: the first page of the list ``file`` is
        a page of (its pager names the others after it)."""
        return _RecordingLinks(StaticLinks(self.base, file, lang), self.links, paged or file)

    # data

    def _data_files(self) -> None:
        """The data of the resources linked to by their data only (``links.data``)."""
        for iri in self.links.data:
            if iri not in self.described:
                self._data(iri)

    def _data(self, iri: str) -> None:
        """``iri`` in JSON-LD, Turtle and CSV beside its page (:data:`RESOURCE_FORMATS`)."""
        self.described.add(iri)
        triples = self.resources.triples(iri)
        if not triples:
            self.problems.append(
                f"{iri}: its data is linked to, but the store does not describe it"
            )
            return
        name = local_file(iri, self.base)
        for fmt in ("jsonld", "ttl"):
            representation = self.resources.represent(iri, fmt)
            assert representation is not None
            self._write(f"{name}.{fmt}", representation.body)
        self._write(f"{name}.csv", description_csv(self.store, stable_blank_nodes(triples)))

    def _search_indexes(self) -> None:
        """``search-index.<lang>.json``: what ``assets/search.js`` searches (the entries
        of the server's index, each with the link to its page from the search page, and
        the settings of the search), so that it finds and ranks as the server does."""
        for lang in LANGUAGES:
            links = self._recording(_page_file("search", lang), lang)
            # every entry, even one with no page, so that frequencies are the server's
            entries = self.site.search_index(lang).entries()
            document = index_document(entries, [links.resource(entry.iri) for entry in entries])
            body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
            self._write(_search_index_file(lang), body.encode("utf-8"))

    def _catalog(self) -> None:
        pages = CatalogPages(
            self.store,
            JsonLdCompactor(self.resources.jsonld_context),
            page_size=self.catalog_page_size,
        )
        for fmt in CATALOG_FORMATS:

            def url_of(number: int, fmt: MediaFormat = fmt) -> str:
                return self.base + _catalog_file(number, fmt)

            number = 1
            while (page := pages.represent(number, fmt, url_of)) is not None:
                self._write(_catalog_file(number, fmt), page.body)
                number += 1

    def _feed(self) -> None:
        """The change feed as files (an LDES is static files): ``feed.ttl``,
        ``feed/view.ttl``, ``feed/page/<n>.ttl``, and the same in JSON-LD and N-Triples,
        each linking to the files of its format."""
        path = self.store.download(LOG_FILE)
        log = read_change_log(path.read_bytes(), LOG_FILE) if path else ChangeLog(self.base)
        feed = Feed(log, self.base, self.feed_page_size)
        links = static_links(self.base)
        for fmt in FEED_FORMATS:
            for number in (None, *range(feed.page_count + 1)):
                document = feed.document(number, fmt, links)
                assert document is not None
                self._write(links(number, fmt).removeprefix(self.base), document.body)

    def _void(self) -> None:
        triples = self.store.graph_triples(IriMinter(self.base).graph("void"))
        if not triples:
            return  # _check_files reports the links to it
        # by subject: the dataset, its partitions, the document, then each graph
        triples = sorted(
            triples, key=lambda t: (term_text(t.subject), t.predicate.value, str(t.object))
        )
        turtle = rdf_bytes(triples, RdfFormat.TURTLE, used_prefixes(triples))
        for name in VOID_FILES:
            self._write(name, turtle)
        compactor = JsonLdCompactor(self.resources.jsonld_context)
        self._write("void.jsonld", compactor.to_bytes(triples))

    def _contexts(self) -> None:
        self._write("context.jsonld", self.resources.context_bytes())
        for version, path in self.resources.contexts.versions.items():
            self._copy(path, f"context/{version}.jsonld")

    def _copies(self) -> None:
        assets = site_dir() / "assets"
        for path in sorted(assets.rglob("*")):
            if path.is_file():
                self._copy(path, "assets/" + path.relative_to(assets).as_posix())
        for name in self.store.download_names():
            download = self.store.download(name)
            if download is not None:
                self._copy(download, f"download/{name}")
                if name.endswith(".nq" + GZIP_SUFFIX):  # the server serves X.nq from X.nq.gz
                    self._decompress(download, f"download/{name.removesuffix(GZIP_SUFFIX)}")
        for name, path in export_files(bundled_examples()).items():
            self._copy(path, name)

    def _check_files(self) -> None:
        for name in sorted(self.links.files):
            if name not in self.written:
                self.problems.append(f"{name}: linked to by the pages, not in this build")

    def _marker(self) -> bytes:
        marker = {
            "lodplan-export": EXPORT_FORMAT,
            "lodplan": __version__,
            "build": self.info.build_id,
            "base_iri": self.base,
            "built_at": self.info.built_at,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return json.dumps(marker, indent=2).encode("utf-8") + b"\n"

    # files

    def _write(self, name: str, content: bytes) -> bool:
        path = self._path(name)
        if path is None:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return True

    def _decompress(self, source: Path, name: str) -> None:
        """``source``, gunzipped, as ``name``: a static host cannot decompress on the fly."""
        path = self._path(name)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with gzip.open(source, "rb") as packed, path.open("wb") as plain:
                shutil.copyfileobj(packed, plain)

    def _copy(self, source: Path, name: str) -> None:
        path = self._path(name)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, path)

    def _path(self, name: str) -> Path | None:
        """Where ``name`` goes; ``None`` (a problem) if it would lead outside the export
        (an IRI with ``..`` segments) or was written already (two IRIs, one file name)."""
        path = self.root / name
        if not path.resolve().is_relative_to(self.root.resolve()):
            self.problems.append(f"{name}: not written, it would be outside the export")
            return None
        if name in self.written:
            self.problems.append(f"{name}: written once, for the first resource it names")
            return None
        self.written.add(name)
        return path


# --- links the pages ask for --------------------------------------------------------


class _Linked:
    """What the pages written so far link to, in the order they did."""

    def __init__(self) -> None:
        self.resources: dict[str, None] = {}  # IRIs whose page is a file of the export
        self.data: dict[str, None] = {}  # IRIs whose data files are linked to
        self.site_pages: set[str] = set()  # names given to Links.page
        self.files: set[str] = set()  # names given to Links.file
        self.numbered: dict[str, set[int]] = {}  # first page of a list → numbers linked to


class _RecordingLinks:
    """:class:`StaticLinks` that note what they lead to, so that it gets written."""

    def __init__(self, links: StaticLinks, linked: _Linked, first_page: str) -> None:
        self._links = links
        self._linked = linked
        self._first_page = first_page
        self.lang = links.lang

    def resource(self, iri: str, *, known: bool = True) -> str | None:
        href = self._links.resource(iri, known=known)
        base = self._links.data_base
        if href is None or not is_web_iri(iri):
            return href
        if iri.startswith(ONTOLOGY_NAMESPACE):
            self._linked.site_pages.add("ontology")
        elif iri.startswith(base):
            self._linked.resources[iri.partition("#")[0]] = None
        elif known:
            self._linked.resources[iri] = None
        return href

    def data(self, iri: str, extension: str) -> str:
        self._linked.data[iri] = None
        return self._links.data(iri, extension)

    def page(self, name: str, fragment: str = "") -> str:
        self._linked.site_pages.add(name)
        return self._links.page(name, fragment)

    def file(self, name: str) -> str:
        self._linked.files.add(STATIC_FILES.get(name, name))
        return self._links.file(name)

    def in_language(self, lang: str) -> str:
        return self._links.in_language(lang)

    def numbered(self, number: int) -> str:
        self._linked.numbered.setdefault(self._first_page, set()).add(number)
        return self._links.numbered(number)


# --- one build, read once ------------------------------------------------------------


class _SnapshotStore:
    """The store, asked each query once: the pages of a plan's elements all run the
    plan's queries (its tree, its actors…), in each language; labels are asked for
    again and again. Answers are kept for the whole export (of one build)."""

    def __init__(self, store: ExportableStore) -> None:
        self.underlying = store
        self._store = store
        self._info = store.info()
        self._answers: dict[tuple, list] = {}

    def info(self) -> StoreInfo:
        return self._info

    def describe(self, iri: str) -> list[Triple]:
        return self._store.describe(iri)  # once per resource: ResourceService caches it

    def objects(self, subject: str, predicate: str) -> list[Term]:
        key = ("objects", subject, predicate)
        return self._memo(key, lambda: self._store.objects(subject, predicate))

    def subjects_of_type(self, class_iri: str) -> list[str]:
        return self._memo(("types", class_iri), lambda: self._store.subjects_of_type(class_iri))

    def graph_triples(self, graph_iri: str) -> list[Triple]:
        return self._store.graph_triples(graph_iri)

    def select(self, query: str, bindings: Mapping[str, str] | None = None) -> list[Solution]:
        key = ("select", query, tuple(sorted((bindings or {}).items())))
        return self._memo(key, lambda: self._store.select(query, bindings))

    def download(self, name: str) -> Path | None:
        return self._store.download(name)

    def download_names(self) -> list[str]:
        return self._store.download_names()

    def _memo(self, key: tuple, compute: Callable[[], list]) -> list:
        if key not in self._answers:
            self._answers[key] = compute()
        return list(self._answers[key])  # callers may sort their copy


# --- helpers ---------------------------------------------------------------------------


def _validation_page(
    store: ReadableStore, renderer: PageRenderer, report_id: str, links: Links
) -> str | None:
    return render_validation_page(store, renderer, links, report_id)


def _page_file(name: str, lang: str) -> str:
    return f"{name}.html" if lang == DEFAULT_LANGUAGE else f"{lang}/{name}.html"


def _search_index_file(lang: str) -> str:
    return f"search-index.{lang}.json"


def _catalog_file(number: int, fmt: MediaFormat) -> str:
    return ("catalog" if number == 1 else f"catalog-page-{number}") + fmt.extension


def _term_text(term: NamedNode | BlankNode | Literal | Triple) -> str:
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value if isinstance(term, NamedNode | Literal) else str(term)


def _value_type(term: NamedNode | BlankNode | Literal | Triple) -> str:
    if isinstance(term, NamedNode):
        return "iri"
    if isinstance(term, BlankNode):
        return "blank"
    return "literal" if isinstance(term, Literal) else "triple"


def _count_files(root: Path) -> tuple[int, int]:
    files = [path for path in root.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files)


def _swap_into(fresh: Path, target: Path) -> None:
    """Make ``fresh`` the folder ``target``; the previous export is removed after."""
    stale = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(stale)
    try:
        fresh.rename(target)
    except BaseException:
        if stale.exists() and not target.exists():
            stale.rename(target)
        raise
    shutil.rmtree(stale, ignore_errors=True)
