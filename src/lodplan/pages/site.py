"""The pages of the human site that come from the data: home, resources, search.

:class:`SitePages` renders them for a :class:`~lodplan.pages.links.Links` (the
server's or a static export's); on the server the HTML is cached per build,
language and link scheme.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lodplan.pages.charts import plan_axis_chart, plan_timeline
from lodplan.pages.links import Links
from lodplan.pages.plans import plan_cards
from lodplan.pages.render import PageRenderer
from lodplan.pages.resource_page import ResourcePages
from lodplan.pages.search import Entry, build_index, search
from lodplan.publishing.downloads import DUMP_NAME
from lodplan.publishing.resources import LRUCache, ResourceService

DEFAULT_CACHE_SIZE = 2048


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
    ) -> None:
        self.resources = resources
        self.store = resources.store
        self.renderer = renderer
        self.formats = tuple(formats)
        self._views = ResourcePages(self.store)
        self._html = LRUCache(cache_size)
        self._indexes = LRUCache(4)

    def home(self, links: Links) -> str:
        return self._cached(("home", links), lambda: self._home(links))

    def resource(
        self, iri: str, links: Links, alternates: Sequence[Alternate] | None = None
    ) -> str | None:
        """The page of ``iri``, ``None`` if the store does not describe it.

        ``alternates``: the other formats the page links to, when they are not
        those of the resource itself (the VoID document describing ``{base}``).
        """
        triples = self.resources.triples(iri)
        if not triples:
            return None
        if alternates is None:
            alternates = [
                Alternate(f.label, f.media_type, links.data(iri, f.extension)) for f in self.formats
            ]
        key = ("resource", iri, links, tuple(alternates))
        return self._cached(key, lambda: self._resource(iri, triples, links, alternates))

    def search(self, query: str, links: Links) -> str:
        results = search(self.search_index(links.lang), query) if query else None
        return self.renderer.render("search.html", links, results=results, query=query)

    def search_index(self, lang: str) -> list[Entry]:
        """The search index of the current build in ``lang``."""
        key = (self.resources.build_id(), lang)
        return self._indexes.get_or_compute(key, lambda: build_index(self.store, lang))

    def _home(self, links: Links) -> str:
        return self.renderer.render(
            "home.html",
            links,
            plans=plan_cards(self.store, links.lang),
            build=self.store.info(),
            dump=DUMP_NAME,
        )

    def _resource(
        self, iri: str, triples: list, links: Links, alternates: Sequence[Alternate]
    ) -> str:
        view = self._views.view(iri, triples, links.lang)
        charts = {}
        if view.kind == "plan":  # where people would rather look than read
            charts = {
                "axis_chart": plan_axis_chart(self.store, iri, links.lang),
                "timeline_chart": plan_timeline(self.store, iri, links.lang),
            }
        return self.renderer.render(
            "resource.html", links, view=view, alternates=alternates, **charts
        )

    def _cached(self, key: tuple, render: Callable[[], str]) -> str:
        return self._html.get_or_compute((self.resources.build_id(), *key), render)
