"""The SPARQL 1.1 Protocol endpoint (https://www.w3.org/TR/sparql11-protocol/), read-only.

:func:`sparql_blueprint` builds it from a query service — the embedded store's or a
remote engine's (:func:`lodplan.sparql.service.query_service_for`) — as a blueprint
any Flask app can register; lodplan's app adds the pages and the service description.

* ``GET /sparql?query=…``, ``POST`` form ``query=…``, ``POST`` ``application/sparql-query``;
* ``default-graph-uri`` / ``named-graph-uri`` define the dataset (else the union of all graphs);
* results by ``Accept`` or ``?format=`` / ``output=`` (json, xml, csv, tsv, ttl, jsonld, nt, rdf);
* ``GET /sparql`` without a query: the service description (Turtle by default), or for
  browsers the query page of :mod:`lodplan.pages.sparql_editor` (``?example=<name>``
  opens one of the example queries);
* each client (by address; IPv6 by /64) runs one query at a time and its next
  queries wait their turn (see :mod:`lodplan.sparql.service`);
* status codes: 400 malformed, too long or nested too deeply, or failed while being
  evaluated, 403 update, SERVICE or (on a remote engine) a function other than SPARQL's
  and the XSD casts, 406 no acceptable format, 415 unknown POST body,
  429 too many queries of one client at once (with ``Retry-After``), 503 time limit
  exceeded, worker lost, no worker free in time or the remote engine unreachable (with
  ``Retry-After``), 507 memory limit exceeded, 502 the remote engine failed; a result
  capped at the row limit carries ``X-SPARQL-MaxRows: N``, one cut at the size
  limit ``X-lodplan-Truncated: bytes``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, request, url_for

from lodplan.pages.sparql_editor import Endpoint, bundled_examples, render_sparql_page
from lodplan.pages.sparql_results import render_results_page
from lodplan.publishing.negotiation import (
    HTML,
    NTRIPLES,
    RDF_FORMATS,
    TURTLE,
    MediaFormat,
    first_named,
    negotiate,
)
from lodplan.publishing.prefixes import used_prefixes
from lodplan.publishing.representations import LRUCache
from lodplan.publishing.serialization import rdf_bytes
from lodplan.sparql.results import JSON, SOLUTION_FORMATS
from lodplan.sparql.service import (
    EndpointBusyError,
    EngineError,
    FederationNotAllowedError,
    FunctionNotAllowedError,
    InvalidQueryRequestError,
    QueryError,
    QueryEvaluationError,
    QueryMemoryError,
    QueryNotAcceptableError,
    QueryResult,
    QueryService,
    QuerySyntaxError,
    QueryTimeoutError,
    QueryTooComplexError,
    TooManyQueriesError,
    UpdateNotAllowedError,
    WorkerUnavailableError,
)
from lodplan.sparql.service_description import SD_PREFIXES, service_description
from lodplan.terms import PREFIXES
from lodplan.web.pages import html_response, page_links
from lodplan.web.responses import not_acceptable, text_response
from lodplan.web.services import EXTENSION_KEY, WebServices, services

FORM_QUERY = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
READ_ONLY = "403 Forbidden: this SPARQL endpoint is read-only; SPARQL Update is not accepted."
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
TRUNCATED_HEADER = "X-lodplan-Truncated"
DESCRIPTION_FORMATS: tuple[MediaFormat, ...] = (TURTLE, HTML, *RDF_FORMATS[1:])

_STATUS: list[tuple[type[QueryError], int, str]] = [
    (QuerySyntaxError, 400, "Bad Request: malformed query"),
    (QueryTooComplexError, 400, "Bad Request"),
    (InvalidQueryRequestError, 400, "Bad Request"),
    (QueryEvaluationError, 400, "Bad Request"),
    (TooManyQueriesError, 429, "Too Many Requests"),
    (UpdateNotAllowedError, 403, "Forbidden"),
    (FederationNotAllowedError, 403, "Forbidden"),
    (FunctionNotAllowedError, 403, "Forbidden"),
    (QueryNotAcceptableError, 406, "Not Acceptable"),
    (QueryTimeoutError, 503, "Service Unavailable"),  # and EndpointBusyError
    (WorkerUnavailableError, 503, "Service Unavailable"),
    (QueryMemoryError, 507, "Insufficient Storage"),
    (EngineError, 502, "Bad Gateway"),
]
_descriptions = LRUCache(8)


class ProtocolError(Exception):
    """A request that breaks the protocol; carries the response to send."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    default_graph_uris: list[str]
    named_graph_uris: list[str]
    format_names: tuple[str, ...]  # every format=/output=/results= value, in that order


def sparql_blueprint(queries: QueryService, path: str = "/sparql") -> Blueprint:
    """The SPARQL 1.1 Protocol endpoint at ``path``, built from a query service (the
    embedded store's, or a remote engine's): a blueprint any Flask app can register.

    In lodplan's app (:func:`lodplan.web.app.create_app`) browsers also get the query
    page and results as pages, and clients without a query the service description;
    mounted in another app, it answers queries only (SPARQL results and RDF formats).
    """
    blueprint = Blueprint("sparql", __name__)

    @blueprint.route(path, methods=["GET", "POST"])
    def endpoint() -> Response:
        try:
            protocol = _protocol_request()
        except ProtocolError as error:
            return error.response
        if protocol.query is None:
            if _site() is None:
                return text_response(400, "400 Bad Request: give a query (query=…).")
            return _description(protocol.format_names)
        return _run(protocol, queries)

    return blueprint


def _site() -> WebServices | None:
    """lodplan's services, when the endpoint is mounted in lodplan's app."""
    return current_app.extensions.get(EXTENSION_KEY)


def _protocol_request() -> ProtocolRequest:
    """Read query and dataset from the URL, a form body or a direct body."""
    params = request.args
    query: list[str] = params.getlist("query")
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == DIRECT_UPDATE:
            raise ProtocolError(text_response(403, READ_ONLY))
        if mimetype == FORM_QUERY:
            _require_utf8_form()
            params = request.values  # the URL's parameters and the form's
            query = request.form.getlist("query")
        elif mimetype == DIRECT_QUERY:
            query = [_body_text()]
        else:
            raise ProtocolError(
                text_response(
                    415,
                    f"415 Unsupported Media Type: POST a query as {FORM_QUERY} (query=…) "
                    f"or as {DIRECT_QUERY}.",
                )
            )
    if "update" in params:
        raise ProtocolError(text_response(403, READ_ONLY))
    if len(query) > 1:
        raise ProtocolError(text_response(400, "400 Bad Request: give exactly one query."))
    if query and not query[0].strip():
        raise ProtocolError(text_response(400, "400 Bad Request: the query is empty."))
    return ProtocolRequest(
        query=query[0] if query else None,
        default_graph_uris=params.getlist("default-graph-uri"),
        named_graph_uris=params.getlist("named-graph-uri"),
        format_names=tuple(
            value for key in ("format", "output", "results") for value in params.getlist(key)
        ),
    )


def _require_utf8_form() -> None:
    """A form body must decode: werkzeug would drop undecodable fields, losing the query."""
    try:
        request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(
            text_response(400, "400 Bad Request: the form must be encoded in UTF-8.")
        ) from None


def client_key(address: str | None) -> str:
    """Who a query is for, to share the workers fairly: the client's IPv4 address, or
    its IPv6 /64 network (one site's addresses), as the proxy hops setting gives it."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _body_text() -> str:
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(
            text_response(400, "400 Bad Request: the query must be encoded in UTF-8.")
        ) from None


def _run(protocol: ProtocolRequest, queries: QueryService) -> Response:
    site = _site()
    solutions_format, graph_format = _result_formats(protocol.format_names, pages=site is not None)
    if solutions_format is None and graph_format is None:
        return not_acceptable((*SOLUTION_FORMATS, *RDF_FORMATS), what="the query result")
    assert protocol.query is not None
    try:
        result = queries.execute(
            protocol.query,
            # a page shows results read from SPARQL JSON or N-Triples
            solutions_format=JSON if solutions_format is HTML else solutions_format,
            graph_format=NTRIPLES if graph_format is HTML else graph_format,
            default_graph_uris=protocol.default_graph_uris,
            named_graph_uris=protocol.named_graph_uris,
            jsonld_context=site.resources.jsonld_context if site else None,
            client=client_key(request.remote_addr),
        )
    except QueryError as error:
        return _query_error(error)
    chosen = graph_format if result.kind == "graph" else solutions_format
    if chosen is HTML:
        response = _result_page(protocol.query, result, queries)
    else:
        response = Response(result.body, content_type=result.format.content_type)
    response.headers["Vary"] = "Accept"
    if result.truncated_by == "bytes":
        response.headers[TRUNCATED_HEADER] = "bytes"
    elif result.truncated:
        response.headers[MAX_ROWS_HEADER] = str(queries.limits.max_rows)
    return response


def _result_formats(
    format_names: tuple[str, ...], *, pages: bool = True
) -> tuple[MediaFormat | None, MediaFormat | None]:
    """The format for SELECT/ASK results and the one for graphs (the query decides which).

    ``format=`` (or ``output=``, ``results=``: SPARQLWrapper sends all three, each
    with its own name and, for some formats, the media type) names the format; a
    name of the other kind of result (``format=csv`` for a ``CONSTRUCT``) leaves
    that kind to ``Accept``, so a client is refused only a format nobody offers.
    A browser (``text/html`` preferred) gets the results as a page: ``HTML``.
    """
    accept = request.headers.get("Accept")
    page = (HTML,) if pages else ()  # result pages need lodplan's site
    if format_names:
        solutions = first_named(format_names, (*SOLUTION_FORMATS, *page))
        graph = first_named(format_names, (*RDF_FORMATS, *page))
        if solutions is None and graph is None:
            return None, None
        if solutions is None:
            solutions = negotiate(accept, (*SOLUTION_FORMATS, *page))
        if graph is None:
            graph = negotiate(accept, (*RDF_FORMATS, *page))
        return solutions, graph
    return negotiate(accept, (*SOLUTION_FORMATS, *page)), negotiate(accept, (*RDF_FORMATS, *page))


def _result_page(query: str, result: QueryResult, queries: QueryService) -> Response:
    """The result as a page for people (a browser opening a shared ``/sparql?query=`` link)."""
    links = page_links()
    html = render_results_page(
        services().renderer,
        links,
        query,
        result,
        endpoint_url=url_for("sparql.endpoint"),
        formats=[
            (fmt.names[0], fmt.label)
            for fmt in (SOLUTION_FORMATS if result.kind != "graph" else RDF_FORMATS)
        ],
        max_rows=queries.limits.max_rows,
    )
    return html_response(html, links.lang)


def _query_error(error: QueryError) -> Response:
    for error_type, status, title in _STATUS:
        if isinstance(error, error_type):
            response = text_response(status, f"{status} {title}: {error}")
            if isinstance(error, EndpointBusyError):
                response.headers["Retry-After"] = str(error.retry_after_s)
            return response
    return text_response(500, f"500 Internal Server Error: {error}")


def _description(format_names: tuple[str, ...]) -> Response:
    if format_names:
        fmt = first_named(format_names, DESCRIPTION_FORMATS)
    else:
        fmt = negotiate(request.headers.get("Accept"), DESCRIPTION_FORMATS)
    if fmt is None:
        return not_acceptable(DESCRIPTION_FORMATS, what="the service description")
    response = _form_page() if fmt is HTML else _description_document(fmt)
    response.headers["Vary"] = "Accept"
    return response


def _description_document(fmt: MediaFormat) -> Response:
    web = services()
    info = web.store.info()
    limits = web.queries.limits
    max_bytes = web.queries.max_result_bytes
    key = (info.build_id, web.endpoint_url, limits, max_bytes, fmt.name)

    def render() -> bytes:
        triples = service_description(web.endpoint_url, info, limits, max_result_bytes=max_bytes)
        prefixes = {**used_prefixes(triples), **SD_PREFIXES}
        assert fmt.rdf_format is not None  # the service description's formats are RDF
        return rdf_bytes(triples, fmt.rdf_format, prefixes)

    return Response(_descriptions.get_or_compute(key, render), content_type=fmt.content_type)


def _form_page() -> Response:
    """The page for browsers: the query form, the YASGUI editor and the example queries."""
    queries = services().queries
    links = page_links()
    endpoint = Endpoint(
        url=url_for("sparql.endpoint"),
        timeout_s=queries.limits.timeout_s,
        max_rows=queries.limits.max_rows,
        max_bytes=queries.max_result_bytes or None,
        formats=[(fmt.names[0], fmt.label) for fmt in (*SOLUTION_FORMATS, *RDF_FORMATS)],
        prefixes=sorted(PREFIXES),
    )
    html = render_sparql_page(
        services().renderer,
        links,
        bundled_examples(),
        endpoint,
        selected=request.args.get("example"),
    )
    return html_response(html, links.lang)
