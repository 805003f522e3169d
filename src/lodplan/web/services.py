"""The services an app serves, reachable from any request handler."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from lodplan.pages.render import PageRenderer
from lodplan.pages.site import SitePages
from lodplan.publishing.catalog_pages import CatalogPages
from lodplan.publishing.representations import ResourceService
from lodplan.sparql.service import QueryService
from lodplan.store.base import ReadableStore

EXTENSION_KEY = "lodplan"


@dataclass(frozen=True)
class WebServices:
    store: ReadableStore
    resources: ResourceService
    queries: QueryService
    base_iri: str  # where this deployment is served (site links, context and endpoint URLs)
    catalog: CatalogPages
    renderer: PageRenderer  # the human site's templates and messages
    site: SitePages  # home, resource and search pages

    @property
    def endpoint_url(self) -> str:
        return self.base_iri + "sparql"


def services() -> WebServices:
    """The services of the app handling the current request."""
    return current_app.extensions[EXTENSION_KEY]
