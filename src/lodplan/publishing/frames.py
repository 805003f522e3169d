"""Whole-plan JSON-LD documents: one plan's graph as one nested document.

pyld frames the graph with ``site/frames/plan.jsonld`` and lodplan's context: the
plan at the top, its elements under ``hasElement`` and ``hasPart`` in document
order, each element with its sources, dates, involvements and passages; the
source document, the plan's tag schemes and the key figures it states under
``included``. Every other node is embedded where it is first reached.

JSON-LD frames cannot recurse, so the frame names no element level: the tree
nests through pyld's default embedding (``@once``), the same at every depth.
Three adjustments keep the document complete, stable and easy to read:

* nodes the frame does not reach (no path of links from the plan) are appended
  to ``included``, so that the document holds every triple of the graph;
* values are sorted before framing (nodes by ``lodplan:order`` then IRI, literals
  by value): pyld keeps their order, so the same graph gives the same bytes;
* the tree links and ``included`` are always arrays and come last in their node.

A plan graph has no blank nodes (every node has a minted IRI). Framing renames
blank nodes, which would defeat the completeness check, so they are refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from pyld import jsonld
from pyoxigraph import BlankNode, Quad, RdfFormat, Triple, parse

from lodplan.publishing.jsonld import JsonLdCompactor, JsonLdContext, expanded_jsonld
from lodplan.resources import site_dir
from lodplan.terms import LP

FRAME_FILE = "plan.jsonld"  # in site/frames/
_ORDER = str(LP.order)
_TREE_LINKS = (str(LP.hasElement), str(LP.hasPart))
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"


def plan_frame() -> dict[str, Any]:
    """The frame of ``site/frames/plan.jsonld``; it has no ``@context``: add the one you use."""
    return json.loads(_frame_text())


def plan_document(
    graph: bytes | Iterable[Triple | Quad], plan_iri: str, context: JsonLdContext
) -> dict[str, Any]:
    """The framed document of the plan ``plan_iri``, whose ``@context`` is ``context.url``.

    ``graph`` is the plan's graph: N-Triples bytes (``NamedGraph.ntriples``) or
    pyoxigraph triples. The context is read from ``context.path``, never fetched.
    Raises ``ValueError`` if the graph has no plan ``plan_iri`` or has blank nodes.
    """
    nodes = _sorted_nodes(expanded_jsonld(_triples(graph)))
    framer = _framer(context)
    frame = {"@context": context.url, **plan_frame(), "@id": plan_iri}
    document = jsonld.frame(nodes, frame, {**framer.options, "omitGraph": True})
    if document.get(framer.keys.id) != plan_iri:
        raise ValueError(f"no plan {plan_iri} in the graph to frame")
    described = set(_described(jsonld.expand(document, framer.options)))
    missing = [node for node in nodes if node["@id"] not in described]
    if missing:
        included = _as_list(document.get(framer.keys.included, []))
        document[framer.keys.included] = included + framer.compact_each(missing)
    return _tidy(document, framer.keys)


def to_bytes(document: dict[str, Any]) -> bytes:
    """The document as written to a file: UTF-8, indented, with a final newline."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@cache
def _frame_text() -> str:
    return (site_dir() / "frames" / FRAME_FILE).read_text(encoding="utf-8")


def _triples(graph: bytes | Iterable[Triple | Quad]) -> list[Triple]:
    if isinstance(graph, bytes):
        graph = parse(graph, format=RdfFormat.N_TRIPLES)
    triples = [item.triple if isinstance(item, Quad) else item for item in graph]
    for triple in triples:
        if isinstance(triple.subject, BlankNode) or isinstance(triple.object, BlankNode):
            raise ValueError(f"a plan graph to frame has no blank nodes; found {triple}")
    return triples


def _sorted_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nodes by IRI, each property's values in a stable order (children by their order)."""
    order = {node["@id"]: _first_order(node) for node in nodes}

    def value_key(value: dict[str, Any]) -> tuple[Any, ...]:
        if "@id" in value:
            position = order.get(value["@id"])
            return (0, position is None, position or 0, value["@id"])
        return (1, json.dumps(value, sort_keys=True, ensure_ascii=False))

    def sorted_values(key: str, values: Any) -> Any:
        if key == "@id":
            return values
        return sorted(values) if key == "@type" else sorted(values, key=value_key)

    return [
        {key: sorted_values(key, values) for key, values in node.items()}
        for node in sorted(nodes, key=lambda node: node["@id"])
    ]


def _first_order(node: dict[str, Any]) -> int | None:
    values = [v["@value"] for v in node.get(_ORDER, ()) if isinstance(v.get("@value"), int)]
    return min(values) if values else None


@dataclass(frozen=True)
class _Keys:
    """The keys a context gives to ``@id``, ``@included`` and the tree links."""

    id: str
    included: str
    tree_links: tuple[str, ...]


class _Framer:
    """Framing with one context: pyld options with the local loader, and the context's keys."""

    def __init__(self, context: JsonLdContext) -> None:
        self.context = context
        self.options = {"documentLoader": JsonLdCompactor(context).load_document}
        self.keys = self._probe_keys()

    def compact_each(self, nodes: list[dict[str, Any]]) -> list[Any]:
        """``nodes`` compacted with the context, each on its own (nothing embedded)."""
        compacted = jsonld.compact(nodes, self.context.url, self.options)
        compacted.pop("@context", None)
        return compacted.get("@graph", [compacted])

    def _probe_keys(self) -> _Keys:
        """Compacts a node holding a marker under each keyword and link: the keys are theirs."""
        names = ("@id", "@included", *_TREE_LINKS)
        markers = {name: f"urn:lodplan:probe:{n}" for n, name in enumerate(names)}
        probe: dict[str, object] = {name: [{"@id": m}] for name, m in markers.items()}
        probe["@id"] = markers["@id"]
        probe["@included"] = [{"@id": markers["@included"], RDF_VALUE: "x"}]  # kept if not empty
        compacted = jsonld.compact(probe, self.context.url, self.options)

        def key_of(name: str) -> str:
            marker = json.dumps(markers[name])
            return next(key for key, value in compacted.items() if marker in json.dumps(value))

        links = tuple(key_of(link) for link in _TREE_LINKS)
        return _Keys(key_of("@id"), key_of("@included"), links)


@cache
def _framer(context: JsonLdContext) -> _Framer:
    return _Framer(context)  # the context file is read once per context


def _described(value: Any) -> Iterator[str]:
    """IRIs of the node objects in expanded JSON-LD that carry more than their IRI."""
    if isinstance(value, list):
        for item in value:
            yield from _described(item)
    elif isinstance(value, dict) and "@value" not in value:
        if "@id" in value and len(value) > 1:
            yield value["@id"]
        for item in value.values():
            yield from _described(item)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _tidy(node: Any, keys: _Keys) -> Any:
    """Tree links and ``included`` as arrays and last: a node reads before its parts."""
    if isinstance(node, list):
        return [_tidy(item, keys) for item in node]
    if not isinstance(node, dict) or "@value" in node:
        return node
    last = [key for key in (*keys.tree_links, keys.included) if key in node]
    tidy = {key: _tidy(value, keys) for key, value in node.items() if key not in last}
    for key in last:
        tidy[key] = _tidy(_as_list(node[key]), keys)
    return tidy
