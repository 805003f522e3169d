"""The result of a SPARQL query as a page, for a browser that opens a ``/sparql?query=`` link.

A shared query link opened in a browser (which prefers ``text/html``) shows the
query and its result as a table: the endpoint runs the query as usual, asking
its worker for SPARQL JSON (``SELECT``, ``ASK``) or N-Triples (``CONSTRUCT``,
``DESCRIBE``), and this module reads that body back into rows of text. Values
reach the page only through the autoescaping template (``sparql_results.html``);
only http(s) IRIs become links. The page links to the same query in every
machine format and to the editor.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

from lodplan.pages.links import Links, is_web_iri
from lodplan.pages.render import PageRenderer
from lodplan.sparql.service import QueryResult

TEMPLATE = "sparql_results.html"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
GRAPH_VARIABLES = ("subject", "predicate", "object")


@dataclass(frozen=True)
class Cell:
    """One value as the page shows it: its text, a link for web IRIs, a note."""

    text: str
    href: str | None = None
    note: str | None = None  # language tag or datatype of a literal


def render_results_page(
    renderer: PageRenderer,
    links: Links,
    query: str,
    result: QueryResult,
    *,
    endpoint_url: str,
    formats: Sequence[tuple[str, str]],
    max_rows: int,
) -> str:
    """The page of ``result`` (a body in SPARQL JSON or N-Triples) for ``query``."""
    variables, rows, boolean = _read(result)
    downloads = [
        (label, f"{endpoint_url}?{urlencode({'query': query, 'format': name})}")
        for name, label in formats
    ]
    context: dict[str, Any] = {
        "query": query,
        "kind": result.kind,
        "variables": variables,
        "rows": rows,
        "boolean": boolean,
        "truncated": result.truncated,
        "truncated_by": result.truncated_by,
        "max_rows": max_rows,
        "downloads": downloads,
        "editor": links.page("sparql"),
    }
    return renderer.render(TEMPLATE, links, **context)


def _read(result: QueryResult) -> tuple[list[str], list[list[Cell | None]], bool | None]:
    """Variables, rows and the boolean of an ASK, read from the body the worker wrote."""
    if result.kind == "graph":
        triples = parse(result.body, format=RdfFormat.N_TRIPLES)
        graph_rows: list[list[Cell | None]] = [
            [_cell(t.subject), _cell(t.predicate), _cell(t.object)] for t in triples
        ]
        return list(GRAPH_VARIABLES), graph_rows, None
    document = json.loads(result.body)
    if "boolean" in document:
        return [], [], bool(document["boolean"])
    variables = list(document["head"].get("vars", []))
    bindings = document.get("results", {}).get("bindings", [])
    rows: list[list[Cell | None]] = [
        [_json_cell(binding.get(name)) for name in variables] for binding in bindings
    ]
    return variables, rows, None


def _cell(term: NamedNode | BlankNode | Literal | Any) -> Cell:
    if isinstance(term, NamedNode):
        return _iri_cell(term.value)
    if isinstance(term, BlankNode):
        return Cell(f"_:{term.value}")
    if isinstance(term, Literal):
        return _literal_cell(term.value, term.language, term.datatype.value)
    return Cell(str(term))  # a quoted triple (RDF-star)


def _json_cell(value: dict[str, str] | None) -> Cell | None:
    """A binding of SPARQL JSON results (``None``: the variable is unbound)."""
    if value is None:
        return None
    kind, text = value.get("type"), value.get("value", "")
    if kind == "uri":
        return _iri_cell(text)
    if kind == "bnode":
        return Cell(f"_:{text}")
    if kind in ("literal", "typed-literal"):
        return _literal_cell(text, value.get("xml:lang"), value.get("datatype"))
    return Cell(json.dumps(value, ensure_ascii=False))  # a quoted triple (RDF-star)


def _iri_cell(iri: str) -> Cell:
    return Cell(iri, href=iri if is_web_iri(iri) else None)


def _literal_cell(text: str, language: str | None, datatype: str | None) -> Cell:
    if language:
        return Cell(text, note=f"@{language}")
    if datatype and datatype != XSD_STRING and not datatype.endswith("#langString"):
        return Cell(text, note=datatype)
    return Cell(text)
