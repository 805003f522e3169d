"""Hostile input on every route of the app: always an answer of the client's fault (4xx) or
a success, never a server error.

The routes are read from the app's URL map, so a new route is walked as soon as it is
registered. SPARQL queries are not sent (only hostile protocol parameters): the query
path has its own tests.
"""

from __future__ import annotations

import re

import pytest

LONG = "a" * 10_000
#: Values for a path variable, as they appear in a request target (raw or percent-encoded).
HOSTILE_SEGMENTS = [
    "%00",
    "x%00.ttl",
    "%00/%00",
    "..",
    "../..",
    "%2e%2e/%2e%2e/pyproject.toml",
    "..%2f..%2fpyproject.toml",
    "%2e%2e%2f%2e%2e%2fsrc%2flodplan%2fconfig.py",
    LONG,
    LONG + ".ttl",
    "%ff%fe",
    "%ff%fe.jsonld",
    "%c0%ae%c0%ae/",  # overlong UTF-8 of ".."
    "%ef%bf%bf",
    "é%C3%A9✓",
    "%F0%9F%98%80.ttl",
    "%0d%0aSet-Cookie:%20x=1",
    "%0a",
    "%09",
    "%7f",
    "%c2%85",  # NEL, a C1 control
    "%25",
    "%2500",
    "%3f%23",
    "%5c..%5c",
    "a;b=c",
    "<script>alert(1)</script>",
    "%3Cscript%3E",
    "x" * 300 + "/" + "y" * 300,
    "%20",
    "",
]
#: Hostile values for query parameters (percent-encoded, as sent).
HOSTILE_VALUES = [
    "%00",
    "%ff%fe",
    LONG,
    "%0d%0a",
    "%01",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e308",
    "nan",
    "1.5",
    "%2e%2e/%2e%2e",
    "javascript:alert(1)",
    "http://[::1",
    "%E2%80%AE",
    "é",
    "",
    "<>\"'",
]
PARAMETERS = ["format", "lang", "page", "q", "_profile", "iri", "example", "output",
              "default-graph-uri", "named-graph-uri", "_format", "callback"]  # fmt: skip
METHODS = ["GET", "HEAD", "POST", "OPTIONS"]
#: Routes of the SPARQL endpoint: hostile parameters, never a query.
SPARQL_RULES = {"/sparql"}
VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def routes(app) -> list[str]:
    return sorted({rule.rule for rule in app.url_map.iter_rules()})


def fill(rule: str, value: str) -> str:
    """The rule's path with every variable replaced by ``value``."""
    return VARIABLE.sub(lambda _: value, rule)


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code, response.data[:300])


def test_the_walk_covers_the_routes_with_variables(lod_app):
    """The walk is not empty: the app has routes with path variables to fill."""
    rules = routes(lod_app)
    assert "/download/<path:name>" in rules and "/assets/<path:name>" in rules
    assert sum(1 for rule in rules if VARIABLE.search(rule)) >= 5


def test_hostile_path_variables_never_give_a_server_error(lod_app, lod_client):
    for rule in routes(lod_app):
        if not VARIABLE.search(rule):
            continue
        for value in HOSTILE_SEGMENTS:
            path = fill(rule, value)
            for method in METHODS:
                response = lod_client.open(path, method=method)
                assert_no_server_error(response, f"{method} {path[:120]}")


def test_hostile_query_parameters_never_give_a_server_error(lod_app, lod_client, lod):
    paths = [fill(rule, "x") for rule in routes(lod_app)]
    paths += [lod.path(lod.plan), lod.path(lod.element_1_1), "/catalog", "/catalog.ttl"]
    for path in paths:
        for parameter in PARAMETERS:
            for value in HOSTILE_VALUES:
                target = f"{path}?{parameter}={value}"
                # HEAD runs the GET view (the path walk tries it on every route)
                for method in ("GET",) if path not in SPARQL_RULES else METHODS:
                    response = lod_client.open(target, method=method)
                    assert_no_server_error(response, f"{method} {target[:120]}")


def test_hostile_form_parameters_to_the_sparql_endpoint(lod_client):
    for parameter in PARAMETERS:
        for value in HOSTILE_VALUES:
            for body in (f"{parameter}={value}", f"{parameter}={value}&update=x"):
                response = lod_client.post(
                    "/sparql", data=body, content_type="application/x-www-form-urlencoded"
                )
                assert_no_server_error(response, f"POST /sparql {body[:60]}")


@pytest.mark.parametrize(
    "headers",
    [
        {"Accept": "text/turtle;q=abc, */*;q=nan"},
        {"Accept": "\x00"},
        {"Accept": "a" * 10_000},
        {"Accept": ",,,;;;===/"},
        {"Accept-Language": "\x00;q=x"},
        {"If-None-Match": '"' + "x" * 5000},
        {"If-Modified-Since": "yesterday"},
        {"Range": "bytes=999999999-"},
        {"Range": "bytes=-0"},
        {"Range": "bytes=5-1,a-b"},
        {"Content-Type": "application/sparql-query; charset=latin-9"},
        {"Content-Type": "\x00/\x00"},
    ],
)
def test_hostile_headers_never_give_a_server_error(lod_app, lod_client, headers):
    for path in [fill(rule, "x") for rule in routes(lod_app)] + ["/download/lodplan.nq.gz"]:
        for method in METHODS:
            response = lod_client.open(path, method=method, headers=headers)
            assert_no_server_error(response, f"{method} {path} {headers}")


#: Control characters anywhere, a query string that is not UTF-8.
UNREADABLE_URLS = ["/download/x%00.ttl", "/assets/%00", "/plan/demo%00", "/plan/a%0d%0ab",
                   "/search?q=%00", "/sparql?format=%01", "/?lang=%ff",
                   "/catalog?page=%00"]  # fmt: skip


@pytest.mark.parametrize("target", UNREADABLE_URLS)
def test_unreadable_urls_are_400_with_the_reason(lod_client, target):
    response = lod_client.get(target)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert re.search(r"the (path|query string) of the URL (contains the control|is not UTF-8)",
                     response.get_data(as_text=True))  # fmt: skip
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_sparql_query_may_hold_tabs_and_line_breaks(lod_client):
    response = lod_client.get(
        "/sparql?query=ASK%0D%0A%09%7B%7D", headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.data[:200]


@pytest.mark.parametrize("prefix", ["/assets/", "/download/"])
@pytest.mark.parametrize(
    "name",
    ["../../pyproject.toml", "%2e%2e/%2e%2e/pyproject.toml", "..%2f..%2fpyproject.toml",
     "%2e%2e%2f%2e%2e%2fmanifest.json", "../manifest.json", "/etc/passwd", "%2fetc%2fpasswd"],
)  # fmt: skip
def test_file_routes_serve_nothing_outside_their_folder(lod_client, prefix, name):
    response = lod_client.get(prefix + name)
    assert response.status_code in (400, 404), (prefix + name, response.status_code)
