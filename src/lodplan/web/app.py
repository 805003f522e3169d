"""The Flask application: routes only; the work is done by the publishing and SPARQL services."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from lodplan.bundled import site_dir
from lodplan.config import (
    QueryLimits,
    StoreLocation,
    catalog_page_size_from_env,
    normalise_base_iri,
    page_query_timeout_from_env,
)
from lodplan.pages.limits import PageQueryTimeoutError, TimeLimitedStore
from lodplan.pages.render import PageRenderer
from lodplan.pages.site import SitePages
from lodplan.publishing.catalog_pages import CatalogPages
from lodplan.publishing.jsonld import JsonLdCompactor
from lodplan.publishing.representations import ResourceService, make_template_environment
from lodplan.sparql.service import QueryService, query_service_for
from lodplan.store import open_store
from lodplan.store.base import ReadableStore, StoreUnavailableError
from lodplan.store.embedded import StoreNotBuiltError
from lodplan.store.remote import RemoteStoreError
from lodplan.web import catalog as catalog_routes
from lodplan.web import charts, dereferencing, discovery, pages, sparql, validation
from lodplan.web import feed as feed_routes
from lodplan.web import ontology as ontology_routes
from lodplan.web.compression import enable_compression
from lodplan.web.pages import page_links
from lodplan.web.request_store import RequestScopedStore
from lodplan.web.responses import add_cors, add_security_headers, text_response
from lodplan.web.services import EXTENSION_KEY, WebServices
from lodplan.web.services import services as app_services

MAX_REQUEST_BYTES = 1024 * 1024  # a query, not an upload
_CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_QUERY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

logger = logging.getLogger(__name__)


def create_app(
    store: ReadableStore,
    query_service: QueryService,
    *,
    base_iri: str,
    context_path: Path | None = None,
    catalog_page_size: int | None = None,
    page_query_timeout_s: float | None = None,
) -> Flask:
    """The app serving ``store`` (dereferencing) and ``query_service`` (``/sparql``).

    ``base_iri`` is where the deployment is reached; data IRIs are resolved
    against the base IRI recorded in the served build (the two should agree).
    ``context_path`` replaces ``ontology/context.jsonld`` (tests);
    ``catalog_page_size`` defaults to ``$LODPLAN_CATALOG_PAGE_SIZE``, else 100;
    ``page_query_timeout_s``, how long a page waits for one query, to
    ``$LODPLAN_PAGE_QUERY_TIMEOUT``, else 5 s (:mod:`lodplan.pages.limits`).
    """
    base = normalise_base_iri(base_iri)
    store = RequestScopedStore(store)  # build information read once per request
    templates = site_dir() / "templates"
    app = Flask(__name__, template_folder=str(templates), static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.jinja_env.globals["site_base"] = base
    template_environment = make_template_environment(templates)
    resource_service = ResourceService(
        store,
        base_iri=base,
        context_path=context_path,
        templates=template_environment,
    )
    catalog = CatalogPages(
        store,
        JsonLdCompactor(resource_service.jsonld_context),
        page_size=catalog_page_size or catalog_page_size_from_env(),
    )
    renderer = PageRenderer(template_environment)
    # the pages' queries: within one time budget per request (lodplan.pages.limits)
    page_store = TimeLimitedStore(store, page_query_timeout_s or page_query_timeout_from_env())
    app.extensions[EXTENSION_KEY] = WebServices(
        store,
        resource_service,
        query_service,
        base,
        catalog,
        renderer,
        SitePages(resource_service, renderer, store=page_store),
    )
    _warn_on_base_mismatch(store, base)
    # the SPARQL endpoint and /.well-known/void first: the resource blueprint catches
    # every other path
    app.register_blueprint(sparql.sparql_blueprint(query_service))
    app.register_blueprint(discovery.blueprint)
    app.register_blueprint(catalog_routes.blueprint)
    app.register_blueprint(feed_routes.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(ontology_routes.blueprint)
    app.register_blueprint(charts.blueprint)
    app.register_blueprint(validation.blueprint)
    # the pages of the human site register here, before the resources' catch-all
    app.register_blueprint(dereferencing.blueprint)
    app.before_request(_refuse_unreadable_url)
    app.before_request(page_store.start_page)
    app.teardown_request(lambda error: page_store.end_page())
    app.context_processor(pages.template_context)
    enable_compression(app)  # registered first: runs last, on the finished response
    app.after_request(_common_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StoreNotBuiltError, _no_build)
    app.register_error_handler(PageQueryTimeoutError, _page_too_slow)
    app.register_error_handler(StoreUnavailableError, _store_unavailable)
    app.register_error_handler(RemoteStoreError, _engine_failed)
    return app


def warm_up(app: Flask, *, wait: bool = False) -> None:
    """Compute the site's aggregates of the served build (plans by title, charts, search
    index) in the background, so that no visitor waits for them; ``wait``: until done."""
    app.extensions[EXTENSION_KEY].site.warm_up(wait=wait, also=lambda: _warm_void(app))


def keep_warm(app: Flask) -> None:
    """:func:`warm_up` now and after each new build the app starts serving (``serve``)."""
    app.extensions[EXTENSION_KEY].site.keep_warm(also=lambda: _warm_void(app))


def _warm_void(app: Flask) -> None:
    with app.app_context():
        discovery.warm_up()


def create_app_for_store(
    store_root: Path,
    base_iri: str,
    limits: QueryLimits | None = None,
    *,
    context_path: Path | None = None,
    catalog_page_size: int | None = None,
    proxy_hops: int = 0,
) -> Flask:
    """The app over the embedded store at ``store_root`` (see :func:`create_app_for_location`)."""
    return create_app_for_location(
        StoreLocation(path=Path(store_root)),
        base_iri,
        limits,
        context_path=context_path,
        catalog_page_size=catalog_page_size,
        proxy_hops=proxy_hops,
    )


def create_app_for_location(
    location: StoreLocation,
    base_iri: str,
    limits: QueryLimits | None = None,
    *,
    context_path: Path | None = None,
    catalog_page_size: int | None = None,
    proxy_hops: int = 0,
) -> Flask:
    """The app over the store at ``location`` (the embedded store, or a remote engine whose
    build for ``base_iri`` is served); its query workers start on first use.

    Behind ``proxy_hops`` trusted reverse proxies, the client's address, scheme and host
    are those the proxies forwarded (``X-Forwarded-For``, ``-Proto``, ``-Host``): queries
    are shared fairly by client address, which must be the real client's.
    """
    store = open_store(location, base_iri if location.remote else None)
    app = create_app(
        store,
        query_service_for(store, limits or QueryLimits()),
        base_iri=base_iri,
        context_path=context_path,
        catalog_page_size=catalog_page_size,
    )
    if proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxy_hops, x_proto=proxy_hops, x_host=proxy_hops
        )
    return app


def _refuse_unreadable_url() -> Response | None:
    """``400`` for a URL no route should read: control characters in the path or the
    query string (NUL would even break file names), a query string that is not UTF-8.

    A query string may hold tabs and line breaks: the layout of a SPARQL query. A path
    that is not UTF-8 names no resource: the routes answer it ``404``.
    """
    found = _CONTROL_IN_PATH.search(request.path)
    if found:
        return _bad_url("path", f"contains the control character U+{ord(found.group()):04X}")
    try:
        query = _query_bytes(request.environ.get("QUERY_STRING", "")).decode("utf-8")
    except UnicodeDecodeError:
        return _bad_url("query string", "is not UTF-8 once percent-decoded")
    found = _CONTROL_IN_QUERY.search(query)
    if found:
        return _bad_url(
            "query string", f"contains the control character U+{ord(found.group()):04X}"
        )
    return None


def _bad_url(part: str, problem: str) -> Response:
    return text_response(400, f"400 Bad Request: the {part} of the URL {problem}.")


def _query_bytes(query_string: str) -> bytes:
    try:  # WSGI strings carry the request's bytes as Latin-1
        raw = query_string.encode("latin-1")
    except UnicodeEncodeError:  # already text (some test clients)
        raw = query_string.encode("utf-8")
    return unquote_to_bytes(raw.replace(b"+", b" "))


def _common_headers(response: Response) -> Response:
    add_security_headers(response)
    return add_cors(response, preflight=request.method == "OPTIONS")


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    response = text_response(status, f"{status} {error.name}: {error.description}")
    valid_methods = getattr(error, "valid_methods", None)  # 405 must say what is allowed
    if valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    return response


def _page_too_slow(error: PageQueryTimeoutError) -> Response:
    """A degraded page, at once: the data are still being computed (the query goes on)."""
    logger.warning("page %s: %s", request.path, error)
    web = app_services()
    links = page_links()
    t = web.renderer.messages.translator(links.lang)
    html = web.renderer.render(
        "error.html",
        links,
        status=503,
        title=t("slow.title"),
        message=t("slow.message", what=error.query_name),
        iri=None,
    )
    response = Response(html, status=503, content_type="text/html; charset=utf-8")
    response.headers["Retry-After"] = str(error.retry_after_s)
    response.headers["Cache-Control"] = "no-store"
    return response


def _no_build(error: StoreNotBuiltError) -> Response:
    return text_response(503, f"503 Service Unavailable: {error}")


def _store_unavailable(error: StoreUnavailableError) -> Response:
    response = text_response(503, f"503 Service Unavailable: {error}")
    response.headers["Retry-After"] = "5"
    return response


def _engine_failed(error: RemoteStoreError) -> Response:
    return text_response(502, f"502 Bad Gateway: {error}")


def _warn_on_base_mismatch(store: ReadableStore, base: str) -> None:
    try:
        data_base = store.info().base_iri
    except (StoreNotBuiltError, StoreUnavailableError, RemoteStoreError):
        return  # said at the first request
    if data_base != base:
        logger.warning(
            "serving at %s data built for %s: resources are dereferenced under %s",
            base,
            data_base,
            data_base,
        )
