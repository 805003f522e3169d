"""The pages of the human site that come from the data: home, resources, search, charts.

:class:`SitePages` renders them for a :class:`~lodplan.pages.links.Links` (the
server's or a static export's); on the server the HTML is cached per build,
language and link scheme.

At national scale (every EPCI: a thousand plans, millions of triples) no page asks
the store about every plan on a visitor's request: lists are paged
(:mod:`lodplan.pages.paging`), a plan's page asks about that plan only, and what
sums up every plan (the list of plans by title, the charts, the search index) is
computed once per build, in the background when the server starts
(:meth:`SitePages.warm_up`), each query within the page time limit of the store it
is given (:class:`lodplan.pages.limits.TimeLimitedStore`).
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from lodplan.pages.actions import (
    SORTS,
    ActionFilters,
    ActionTable,
    collect_actions,
    table_file,
)
from lodplan.pages.build_files import BuildFile, ServedBuilds, cache_dir
from lodplan.pages.charts import charts_page, plan_axis_chart, plan_timeline, render_charts
from lodplan.pages.history import (
    STALE_MONTHS,
    PairChanges,
    changes_page,
    pair_changes,
    version_summary,
)
from lodplan.pages.i18n import DEFAULT_LANGUAGE, LANGUAGES
from lodplan.pages.limits import PageQueryTimeoutError
from lodplan.pages.links import Links, ServerLinks, local_file
from lodplan.pages.paging import PAGE_SIZE, Paged, page_of
from lodplan.pages.plans import PlanCard, every_plan_counts, plan_list, with_counts
from lodplan.pages.render import PageRenderer
from lodplan.pages.resource_page import ResourcePages, ResourceView
from lodplan.pages.search import (
    KINDS,
    MAX_QUERY_LENGTH,
    NO_FILTERS,
    Filters,
    SearchIndex,
    SearchResults,
    collect_entries,
    index_file,
    search,
    search_link,
)
from lodplan.pages.share import page_meta
from lodplan.publishing.downloads import DUMP_NAME
from lodplan.publishing.representations import LRUCache, ResourceService
from lodplan.store.base import ReadableStore, StoreInfo
from lodplan.versions import Summary

logger = logging.getLogger(__name__)
F = TypeVar("F", bound=BuildFile)

DEFAULT_CACHE_SIZE = 2048
SEARCH_CACHE_SIZE = 512  # answered searches kept per build (the index is scanned once each)
VERSION_SUMMARIES = 32  # versions' summaries kept (the changes between any two versions)


@dataclass(frozen=True)
class DataFormat:
    """Another format of a resource, as the page offers it."""

    label: str
    extension: str
    media_type: str


@dataclass(frozen=True)
class Alternate:
    """A link to the page's resource in another format."""

    label: str
    media_type: str
    href: str


#: What the server offers besides HTML (every RDF syntax, by extension).
SERVER_FORMATS = (
    DataFormat("JSON-LD", ".jsonld", "application/ld+json"),
    DataFormat("Turtle", ".ttl", "text/turtle"),
    DataFormat("N-Triples", ".nt", "application/n-triples"),
    DataFormat("RDF/XML", ".rdf", "application/rdf+xml"),
)


class SitePages:
    def __init__(
        self,
        resources: ResourceService,
        renderer: PageRenderer,
        *,
        formats: Sequence[DataFormat] = SERVER_FORMATS,
        cache_size: int = DEFAULT_CACHE_SIZE,
        store: ReadableStore | None = None,
        search_dir: Path | None = None,
    ) -> None:
        """``store``: what the pages query (default: the resources' store); the server
        gives the same store within a page time limit. ``search_dir``: where the search
        indexes and tables of actions are kept (default:
        :func:`~lodplan.pages.build_files.cache_dir`)."""
        self.resources = resources
        self.store = store or resources.store
        self.renderer = renderer
        self.formats = tuple(formats)
        self._views = ResourcePages(self.store)
        self._html = LRUCache(cache_size)
        self._indexes = LRUCache(4)
        self._tables = LRUCache(4)
        self._plans = LRUCache(4)
        self._counts: tuple[str, dict[str, dict[str, int]]] | None = None  # build, counts
        self._searches = LRUCache(SEARCH_CACHE_SIZE)
        self._summaries = LRUCache(VERSION_SUMMARIES)
        self._pairs = LRUCache(VERSION_SUMMARIES)  # a pair's page, then its CSV
        self.search_dir = search_dir
        self._private_cache: Path | None = None
        self._served = ServedBuilds()

    def home(self, links: Links, page: int = 1) -> str | None:
        """Page ``page`` of the home page's list of plans; ``None`` past its last page."""
        plans = page_of(self.plans(links.lang), page, PAGE_SIZE)
        if plans is None:
            return None
        return self._cached(("home", links, page), lambda: self._home(links, plans))

    def plans(self, lang: str) -> list[PlanCard]:
        """Every plan by title, without counts (once per build and language)."""
        key = (self.resources.build_id(), lang)
        return self._plans.get_or_compute(key, lambda: plan_list(self.store, lang))

    def resource(
        self,
        iri: str,
        links: Links,
        alternates: Sequence[Alternate] | None = None,
        page: int = 1,
        months: int = STALE_MONTHS,
    ) -> str | None:
        """The page of ``iri``, ``None`` if the store does not describe it (or its lists
        have no page ``page``).

        ``alternates``: the other formats the page links to, when they are not
        those of the resource itself (the VoID document describing ``{base}``).
        ``months``: a plan's « without update » list (validated: :func:`stale_months`).
        """
        triples = self.resources.triples(iri)
        if not triples:
            return None
        if alternates is None:
            alternates = [
                Alternate(f.label, f.media_type, links.data(iri, f.extension)) for f in self.formats
            ]
        key = ("resource", iri, links, tuple(alternates), page, months)
        return self._cached(
            key, lambda: self._resource(iri, triples, links, alternates, page, months)
        )

    def search(
        self, query: str, links: Links, filters: Filters = NO_FILTERS, page: int = 1
    ) -> str | None:
        """The search page: page ``page`` of the results of ``query`` with ``filters``;
        ``None`` past the last page."""
        results = self.search_results(query, links.lang, filters) if query else None
        hits = results.page(page) if results is not None else None
        if results is not None and hits is None:
            return None
        return self.renderer.render(
            "search.html",
            links,
            results=results,
            hits=hits,
            query=query,
            filters=filters,
            kinds=KINDS,
            search_link=partial(search_link, links, query, filters),
        )

    def search_results(self, query: str, lang: str, filters: Filters = NO_FILTERS) -> SearchResults:
        """The results of ``query`` (as :func:`~lodplan.pages.search.search` reads it: its
        first characters), kept per build: a search asked again is not run again."""
        query = query.strip()[:MAX_QUERY_LENGTH]
        key = (self.resources.build_id(), lang, query, filters)
        return self._searches.get_or_compute(
            key, lambda: search(self.search_index(lang), query, filters)
        )

    def search_index(self, lang: str) -> SearchIndex:
        """The search index of the current build in ``lang``: its file, made by the first
        process that needs it (:func:`~lodplan.pages.search.index_file`)."""
        return self._build_file(self._indexes, SearchIndex, index_file, collect_entries, lang)

    def actions_table(self, lang: str) -> ActionTable:
        """The table of actions of the current build in ``lang``: its file, made by the
        first process that needs it (:func:`~lodplan.pages.actions.table_file`)."""
        return self._build_file(self._tables, ActionTable, table_file, collect_actions, lang)

    def _build_file(
        self,
        opened: LRUCache,
        kind: type[F],
        name: Callable[[Path, StoreInfo, str], Path],
        collect: Callable[[ReadableStore, str], Iterable[Any]],
        lang: str,
    ) -> F:
        """The file of ``kind`` of the current build in ``lang`` (kept open in ``opened``),
        made in the cache folder by the first process that needs it; in a folder of this
        process's own when that one cannot be written (the site keeps working, each
        process making its own). The files of the builds this site served before the
        previous one are then removed (:class:`~lodplan.pages.build_files.ServedBuilds`)."""
        info = self.store.info()

        def make(folder: Path) -> F:
            made = kind.open_or_build(name(folder, info, lang), lambda: collect(self.store, lang))
            self._served.serve(folder, info)
            return made

        def open_file() -> F:
            folder = self.search_dir or cache_dir()
            try:
                return make(folder)
            except OSError as error:
                if self._private_cache is None:
                    self._private_cache = Path(tempfile.mkdtemp(prefix="lodplan-cache-"))
                private = self._private_cache
                logger.warning("cannot write in %s (%s); using %s", folder, error, private)
                return make(private)

        return opened.get_or_compute((info.build_id, lang), open_file)

    def actions(
        self,
        links: Links,
        filters: ActionFilters,
        page: int = 1,
        *,
        static: bool = False,
        csv_file: str | None = None,
        static_config: Mapping[str, object] | None = None,
    ) -> str | None:
        """Page ``page`` of the table of actions with ``filters`` (those of one plan when
        ``filters.plan`` is set); ``None`` past its last page. ``static``: a static
        export's, whose filter form ``assets/actions.js`` answers in the browser with
        ``static_config`` (where the rows are, the messages)."""
        table = self.actions_table(links.lang)
        rows = table.page(filters, page)
        if rows is None:
            return None
        plan_label = table.label(filters.plan) if filters.plan else None
        path = links.numbered(1).partition("?")[0]

        def link(format: str | None = None, **changes: object) -> str:
            """This table with ``changes`` to its filters (on page 1)."""
            pairs = filters.query(**changes)
            if format:
                pairs.append(("format", format))
            if links.lang != DEFAULT_LANGUAGE:
                pairs.append(("lang", links.lang))
            return f"{path}?{urlencode(pairs)}" if pairs else path

        return self.renderer.render(
            "actions.html",
            links,
            rows=rows,
            filters=filters,
            options=table.options(filters.plan),
            plans=table.plans(),
            plan_label=plan_label,
            label=table.label,
            sorts=list(SORTS),
            static=static,
            csv_file=csv_file,
            static_config=static_config,
            link=link,
            path=path,
        )

    def pair_changes(self, plan: str, start: str | None, end: str | None, lang: str) -> PairChanges:
        """What changed between two versions of ``plan`` (:func:`~lodplan.pages.history.
        pair_changes`), each version's published file read once per build, each pair
        compared once (its page, then its CSV)."""
        build = self.resources.build_id()

        def summary(plan_id: str, version_id: str) -> Summary | None:
            return self._summaries.get_or_compute(
                (build, plan_id, version_id),
                lambda: version_summary(self.store, plan_id, version_id),
            )

        return self._pairs.get_or_compute(
            (build, plan, start, end, lang),
            lambda: pair_changes(self.store, plan, start, end, lang, summary),
        )

    def changes(self, links: Links, pair: PairChanges, csv_href: str) -> str:
        """The page of the changes between two versions (``/plan/<id>/changes``)."""
        compare = changes_page(pair.plan.iri, self.store.info().base_iri)
        return self.renderer.render(
            "changes.html", links, pair=pair, csv_href=csv_href, compare_page=compare
        )

    def charts(self, links: Links, page: int = 1) -> str | None:
        """Page ``page`` of the ``/charts`` page; ``None`` past its last page."""
        return self._cached(
            ("charts", links, page), lambda: render_charts(self.store, self.renderer, links, page)
        )

    def warm_up(
        self, *, wait: bool = False, also: Callable[[], None] = lambda: None
    ) -> threading.Thread:
        """Compute what sums up every plan of the current build (plans by title, charts,
        search index, in every language) in a background thread, so that no visitor waits
        for it, then ``also()``; ``wait``: return once done (benchmarks, tests)."""

        def warm() -> None:
            self._warm()
            _logged(also)

        thread = threading.Thread(target=warm, daemon=True, name="lodplan-warm-up")
        thread.start()
        if wait:
            thread.join()
        return thread

    def keep_warm(
        self, poll_s: float = 15.0, also: Callable[[], None] = lambda: None
    ) -> threading.Thread:
        """Warm up now, and again whenever a new build is served (checked every ``poll_s``)."""

        def loop() -> None:
            warmed = None
            while True:
                try:
                    build = self.resources.build_id()
                except Exception:  # no build yet: the pages say so
                    build = None
                if build is not None and build != warmed:
                    self._warm()
                    _logged(also)
                    warmed = build
                time.sleep(poll_s)

        thread = threading.Thread(target=loop, daemon=True, name="lodplan-keep-warm")
        thread.start()
        return thread

    def _warm(self) -> None:
        started = time.monotonic()
        for lang in LANGUAGES:
            for compute in (self.plans, lambda lang: self.plan_counts(),
                            lambda lang: charts_page(self.store, lang),
                            self.search_index, self.actions_table):  # fmt: skip
                while True:  # a late query goes on: asking again waits for its answer
                    try:
                        compute(lang)
                        break
                    except PageQueryTimeoutError:
                        continue
                    except Exception:  # a server keeps serving the pages that work
                        logger.exception("warming up the site's aggregates failed")
                        return
        logger.info("site aggregates ready in %.1f s", time.monotonic() - started)

    def plan_counts(self) -> dict[str, dict[str, int]]:
        """Every plan's counts (once per build: the warm-up computes them)."""
        build = self.resources.build_id()
        if self._counts is None or self._counts[0] != build:
            self._counts = (build, every_plan_counts(self.store))
        return self._counts[1]

    def _ready_counts(self) -> dict[str, dict[str, int]] | None:
        """Every plan's counts if computed for this build, else ``None`` (the home page
        then counts the plans it shows, each on its own)."""
        counts = self._counts
        return counts[1] if counts is not None and counts[0] == self.resources.build_id() else None

    def _home(self, links: Links, plans: Paged[PlanCard]) -> str:
        every = self._ready_counts()
        counted = [with_counts(self.store, card, every) for card in plans.items]
        info = self.store.info()
        t = self.renderer.messages.translator(links.lang)
        meta = page_meta(
            t("home.title"),
            t("home.lead"),
            info.base_iri,
            info,
            links.lang,
            addressable=isinstance(links, ServerLinks),
        )
        return self.renderer.render(
            "home.html",
            links,
            plans=counted,
            paged=plans,
            build=info,
            dump=DUMP_NAME,
            meta=meta,
        )

    def _resource(
        self,
        iri: str,
        triples: list,
        links: Links,
        alternates: Sequence[Alternate],
        page: int,
        months: int = STALE_MONTHS,
    ) -> str | None:
        view = self._views.view(iri, triples, links.lang, page, months)
        if view is None:
            return None
        charts: dict[str, object] = {}
        if view.kind == "plan":  # where people would rather look than read
            charts = {
                "axis_chart": plan_axis_chart(view.tree, iri, view.title),
                "timeline_chart": plan_timeline(self.store, iri, view.title, links.lang),
            }
            if iri.startswith(self.store.info().base_iri) and any(
                node.action_count for node in view.tree
            ):  # its table of actions (/plan/<id>/actions)
                charts["actions_page"] = local_file(iri, self.store.info().base_iri) + "/actions"
        info = self.store.info()
        title = f"{view.code} {view.title}" if view.code else view.title
        if view.breadcrumb and view.breadcrumb[0].iri != iri:  # an element: and its plan
            title = f"{title} — {view.breadcrumb[0].label}"
        description = view.description or _summary(view)
        meta = page_meta(
            title,
            description,
            iri,
            info,
            links.lang,
            kind=view.kind,
            addressable=isinstance(links, ServerLinks),
        )
        if isinstance(links, ServerLinks) and (view.history or view.changes):
            # the forms of the plan's page (?months=, two versions to compare): served only
            charts["compare_page"] = changes_page(iri, info.base_iri)
        return self.renderer.render(
            "resource.html", links, view=view, alternates=alternates, meta=meta, **charts
        )

    def _cached(self, key: tuple, render: Callable[[], str | None]) -> str | None:
        return self._html.get_or_compute((self.resources.build_id(), *key), render)


def _summary(view: ResourceView) -> str | None:
    """What a shared link says of a resource without a description: a plan's publisher,
    territories and period; an element's place in its plan."""
    if view.plan is not None:
        card = view.plan
        period = " – ".join(d for d in (card.start, card.end) if d)
        parts = [card.publisher.label if card.publisher else None]
        parts += [t.label for t in card.territories] + [period or None]
        return " · ".join(p for p in parts if p) or None
    if view.breadcrumb:
        return " › ".join(step.label for step in view.breadcrumb)
    return None


def _logged(work: Callable[[], None]) -> None:
    try:
        work()
    except Exception:  # a server keeps serving what works
        logger.exception("warming up failed")
