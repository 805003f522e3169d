"""Response helpers shared by the blueprints: errors, CORS, security headers, 406."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, render_template

from lodplan.publishing.negotiation import MediaFormat

TEXT = "text/plain; charset=utf-8"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "ETag, Link, Content-Location, Content-Profile, Retry-After, X-SPARQL-MaxRows, "
        "X-lodplan-Truncated"
    ),
}
#: Every response: browsers must not guess a type other than the one declared.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff"}
#: HTML pages: styles, scripts and images from this site only (no inline script,
#: so injected markup cannot run), forms posting here only. Inline styles stay
#: allowed for the vendored query editor.
HTML_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'"
)
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match",
    "Access-Control-Max-Age": "86400",
}


def text_response(status: int, message: str, **headers: str) -> Response:
    body = message if message.endswith("\n") else message + "\n"
    response = Response(body, status=status, content_type=TEXT)
    response.headers.update(headers)
    return response


def error_page(status: int, title: str, message: str, *, iri: str | None = None) -> Response:
    """An HTML error page (autoescaped template: the message may quote client input)."""
    html = render_template("error.html", status=status, title=title, message=message, iri=iri)
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def not_acceptable(offers: Iterable[MediaFormat], *, what: str = "this resource") -> Response:
    offered = list(offers)
    media_types = ", ".join(fmt.media_type for fmt in offered)
    names = ", ".join(name for fmt in offered for name in fmt.names)
    return text_response(
        406,
        f"406 Not Acceptable: {what} is available as {media_types} "
        f"(or ask with ?format= one of {names}).",
        Vary="Accept",
    )


def add_security_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = HTML_CONTENT_SECURITY_POLICY
    return response


def add_cors(response: Response, *, preflight: bool = False) -> Response:
    response.headers.update(CORS_HEADERS)
    if preflight:
        response.headers.update(PREFLIGHT_HEADERS)
    return response
