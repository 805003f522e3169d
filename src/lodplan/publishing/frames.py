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

pyld's framing and compaction cost about a millisecond per node (a second for a
plan of a few thousand triples, over twenty minutes for every EPCI of France), so a
build does not run them: :func:`plan_document` walks the plan's graph the way pyld's
framing algorithm does (node map, ``@once`` embedding depth first in sorted
property order, ``@included`` framed before the plan's properties, ``@never``
sub-frames) and compacts each node as it goes (:mod:`lodplan.publishing.compaction`),
which gives the same document, key for key (``tests/publishing/test_frames.py``
compares both on every bundled plan and on plans with fiche fields). pyld stays the
reference (:func:`pyld_plan_document`), and the fallback for a frame or a context
beyond what the walk handles: a frame other than the shape of
``site/frames/plan.jsonld``, contexts with containers, languages or ``@vocab``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from pyld import jsonld
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, parse

from lodplan.bundled import site_dir
from lodplan.publishing import compaction
from lodplan.publishing.compaction import NODE, ActiveContext, UnsupportedError
from lodplan.publishing.jsonld import (
    RDF_TYPE,
    XSD_INTEGER,
    JsonLdCompactor,
    JsonLdContext,
    expanded_jsonld,
    native_integer,
)
from lodplan.terms import LP

FRAME_FILE = "plan.jsonld"  # in site/frames/
_ORDER = str(LP.order)
_TREE_LINKS = (str(LP.hasElement), str(LP.hasPart))
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"


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
    Made by :func:`direct_plan_document`, by pyld where that one does not apply.
    """
    if not isinstance(graph, bytes):
        graph = list(graph)  # read twice if pyld frames it
    try:
        return direct_plan_document(graph, plan_iri, context)
    except UnsupportedError:
        return pyld_plan_document(graph, plan_iri, context)


def direct_plan_document(
    graph: bytes | Iterable[Triple | Quad], plan_iri: str, context: JsonLdContext
) -> dict[str, Any]:
    """The document :func:`pyld_plan_document` gives, made without pyld's framing and
    compaction; raises :class:`~lodplan.publishing.compaction.UnsupportedError` for a frame,
    a context or a literal beyond what it handles."""
    return _direct_framer(context).document(_node_map(graph), plan_iri)


def pyld_plan_document(
    graph: bytes | Iterable[Triple | Quad], plan_iri: str, context: JsonLdContext
) -> dict[str, Any]:
    """The plan's document as pyld frames and compacts it: the reference."""
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
    """The document as written to a file: UTF-8, indented, with a final newline.

    The same text as ``json.dumps(document, ensure_ascii=False, indent=2)`` in about a
    third of its time: Python writes indented JSON without its C encoder."""
    parts: list[str] = []
    try:
        _write_json(document, parts, "\n")
    except _NotPlainJsonError:
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    parts.append("\n")
    return "".join(parts).encode("utf-8")


class _NotPlainJsonError(Exception):
    """A value :func:`_write_json` leaves to ``json.dumps`` (a float, a subclass…)."""


def _write_json(value: Any, out: list[str], newline: str) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlainJsonError(key)
            out.append(separator)
            out.append(encode_basestring(key))
            out.append(": ")
            _write_json(item, out, inner)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _write_json(item, out, inner)
            separator = "," + inner
        out.append(newline + "]")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is bool:
        out.append("true" if value else "false")
    elif value is None:
        out.append("null")
    else:
        raise _NotPlainJsonError(value)


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


# -- the same document without pyld's framing and compaction ----------------------------

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_EMBED_FLAGS = frozenset({"@once", "@never"})


@dataclass(frozen=True)
class _Frame:
    """A frame as the walk uses it: how nodes it reaches are embedded, the sub-frames
    of its properties (by IRI); the top frame also says which nodes are ``@included``."""

    embed: str = "@once"
    properties: tuple[tuple[str, _Frame], ...] = ()
    included_types: frozenset[str] | None = None
    included: _Frame | None = None

    def child(self, prop: str) -> _Frame:
        """The frame of a node reached through ``prop``: its sub-frame, else an
        implicit frame with this frame's flags (pyld's ``_create_implicit_frame``)."""
        for name, frame in self.properties:
            if name == prop:
                return frame
        return _implicit_frame(self.embed)


@cache
def _implicit_frame(embed: str) -> _Frame:
    return _Frame(embed)


@dataclass
class _Node:
    """A subject of the plan graph: its types (sorted) and each property's values,
    ordered as :func:`_sorted_nodes` orders them (an IRI is a ``str``)."""

    types: tuple[str, ...]
    properties: dict[str, list[str | compaction.Literal]]


class _DirectFramer:
    """Frames plan graphs with one context: the frame read once, decisions cached."""

    def __init__(self, context: JsonLdContext) -> None:
        self.url = context.url
        loader = JsonLdCompactor(context).load_document
        self.context = compaction.active_context(context.url, loader)
        self.frame = _read_frame(context.url, loader)
        self.last_keys = (
            self.context.term(str(LP.hasElement), NODE),
            self.context.term(str(LP.hasPart), NODE),
            self.context.alias("@included"),
        )

    def document(self, nodes: dict[str, _Node], plan_iri: str) -> dict[str, Any]:
        if plan_iri not in nodes:
            if any(plan_iri in _iris_of(node) for node in nodes.values()):
                raise UnsupportedError("the plan is only an object")  # pyld gives {"id": …}
            raise ValueError(f"no plan {plan_iri} in the graph to frame")
        if self.context.iri(plan_iri) != plan_iri:
            raise ValueError(f"no plan {plan_iri} in the graph to frame")
        walk = _Walk(nodes, self.context, self.last_keys)
        plan = walk.top(plan_iri, self.frame)
        missing = [iri for iri in sorted(nodes) if iri not in walk.embedded]
        if missing:
            key = self.context.alias("@included")
            included = _as_list(plan.get(key, []))
            plan[key] = included + [walk.flat(iri) for iri in missing]
            plan = walk.tidy(plan)
        return {"@context": self.url, **plan}


@cache
def _direct_framer(context: JsonLdContext) -> _DirectFramer:
    return _DirectFramer(context)


class _Walk:
    """pyld's framing of one plan (``_match_frame`` with ``@once`` and ``@never``) and
    compaction of the framed nodes (``_compact``), in one depth-first walk."""

    def __init__(
        self, nodes: dict[str, _Node], context: ActiveContext, last_keys: tuple[str, ...]
    ) -> None:
        self.nodes = nodes
        self.context = context
        self.last_keys = last_keys
        self.embedded: set[str] = set()

    def top(self, plan_iri: str, frame: _Frame) -> dict[str, Any]:
        return self._embed(plan_iri, self.context, frame, top=True)

    def _embed(
        self, iri: str, parent: ActiveContext, frame: _Frame, top: bool = False
    ) -> dict[str, Any]:
        """A subject embedded: marked first (a later path to it gives a reference),
        then its ``@included`` nodes (top frame), then its values in sorted order."""
        self.embedded.add(iri)
        node = self.nodes[iri]
        context = parent.for_node(node.types)
        out: dict[str, Any] = {context.id_key: context.iri(iri)}
        if top and frame.included is not None:
            included = frame.included
            matches = [
                match
                for match in sorted(self.nodes)
                if included.included_types is not None
                and not included.included_types.isdisjoint(self.nodes[match].types)
            ]
            items = [
                self._embed(match, context, included)
                for match in matches
                if match not in self.embedded  # checked as each is reached
            ]
            if items:
                out[context.included_key] = items
        self._add_types(out, node, parent, context)
        for prop in sorted(node.properties):
            for value in node.properties[prop]:
                if isinstance(value, str):
                    term = context.term(prop, NODE)
                    child = frame.child(prop)
                    if child.embed == "@never" or value in self.embedded:
                        compacted: Any = context.reference(term, value)
                    elif value in self.nodes:
                        compacted = self._embed(value, context, child)
                    else:  # no triple about it: pyld embeds it as {"@id": …}
                        self.embedded.add(value)
                        compacted = context.reference(term, value)
                else:
                    term = context.term(prop, value.shape)
                    compacted = context.value(term, value)
                _add_value(out, term, compacted)
        return self.tidy(out)

    def flat(self, iri: str) -> dict[str, Any]:
        """A node the frame does not reach, compacted alone (nothing embedded)."""
        node = self.nodes[iri]
        context = self.context.for_node(node.types)
        out: dict[str, Any] = {context.id_key: context.iri(iri)}
        self._add_types(out, node, self.context, context)
        for prop in sorted(node.properties):
            for value in node.properties[prop]:
                if isinstance(value, str):
                    term = context.term(prop, NODE)
                    compacted: Any = context.reference(term, value)
                else:
                    term = context.term(prop, value.shape)
                    compacted = context.value(term, value)
                _add_value(out, term, compacted)
        return self.tidy(out)

    @staticmethod
    def _add_types(
        out: dict[str, Any], node: _Node, parent: ActiveContext, context: ActiveContext
    ) -> None:
        if node.types:
            types = [parent.vocab(type_) for type_ in node.types]  # in the parent's context
            out[context.type_key] = types[0] if len(types) == 1 else types

    def tidy(self, out: dict[str, Any]) -> dict[str, Any]:
        """:func:`_tidy` for one node: tree links and ``included`` as arrays, last."""
        last = [key for key in self.last_keys if key in out]
        if not last:
            return out
        tidy = {key: value for key, value in out.items() if key not in last}
        for key in last:
            tidy[key] = _as_list(out[key])
        return tidy


def _add_value(out: dict[str, Any], key: str, value: Any) -> None:
    """pyld's ``add_value`` without ``propertyIsArray``: one value alone, more in an array."""
    if key not in out:
        out[key] = value
    elif isinstance(out[key], list):
        out[key].append(value)
    else:
        out[key] = [out[key], value]


def _node_map(graph: bytes | Iterable[Triple | Quad]) -> dict[str, _Node]:
    """The plan's subjects, as :func:`expanded_jsonld` then :func:`_sorted_nodes` give
    them (``rdf:type`` as types when all its values are IRIs, native integers, values
    in a stable order), by IRI."""
    properties: dict[str, dict[str, list[str | compaction.Literal]]] = {}
    for subject, predicate, obj in _statements(graph):
        properties.setdefault(subject, {}).setdefault(predicate, []).append(obj)
    order = {iri: _order(props) for iri, props in properties.items()}
    nodes = {}
    for iri, props in properties.items():
        types: tuple[str, ...] = ()
        typed = props.get(RDF_TYPE)
        if typed and all(isinstance(value, str) for value in typed):
            types = tuple(sorted(str(value) for value in typed))
            del props[RDF_TYPE]
        for values in props.values():
            if len(values) > 1:
                values.sort(key=lambda value: _value_key(value, order))
        nodes[iri] = _Node(types, props)
    return nodes


_Statement = tuple[str, str, "str | compaction.Literal"]


def _statements(graph: bytes | Iterable[Triple | Quad]) -> list[_Statement]:
    """Subject, predicate and object (an IRI as a ``str``) of each triple: N-Triples as
    lodplan writes them read line by line, anything else parsed by pyoxigraph."""
    if isinstance(graph, bytes):
        try:
            return _split_ntriples(graph)
        except _NotPlainNTriplesError:
            graph = parse(graph, format=RdfFormat.N_TRIPLES)
    statements: list[_Statement] = []
    for item in graph:
        subject, predicate, obj = item.subject, item.predicate, item.object
        if type(subject) is not NamedNode:
            raise UnsupportedError(f"subject {subject}")  # pyld's path refuses blank nodes
        if type(obj) is NamedNode:
            statements.append((subject.value, predicate.value, obj.value))
        elif type(obj) is Literal:
            language = obj.language
            if getattr(obj, "direction", None):
                raise UnsupportedError("a literal with a direction")
            datatype = None if language else obj.datatype.value
            statements.append(
                (subject.value, predicate.value, _literal(obj.value, datatype, language))
            )
        else:
            raise UnsupportedError(f"object {obj}")
    return statements


class _NotPlainNTriplesError(Exception):
    """A line :func:`_split_ntriples` leaves to the parser (escaped IRI, blank node…)."""


_ESCAPE = re.compile(r'\\(?:([tbnrf"\'\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))')
_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _split_ntriples(data: bytes) -> list[_Statement]:
    """The statements of N-Triples written one triple a line as ``<s> <p> <o> .`` or
    ``<s> <p> "…"[@lang|^^<datatype>] .`` (what rdflib and pyoxigraph write); raises
    :class:`_NotPlainNTriplesError` at anything else. IRIs hold no space nor ``>``, and
    nothing follows a literal's closing quote but its language or datatype, so the
    terms are found without a parser (a third of its time)."""
    statements: list[_Statement] = []
    literal = _literal
    for line in data.decode("utf-8").split("\n"):
        if not line:
            continue
        subject_end = line.find("> <")
        predicate_end = line.find("> ", subject_end + 3)
        if line[0] != "<" or subject_end < 0 or predicate_end < 0 or not line.endswith(" ."):
            raise _NotPlainNTriplesError(line)
        subject, predicate = line[1:subject_end], line[subject_end + 3 : predicate_end]
        rest = line[predicate_end + 2 : -2]
        if "\\" in subject or "\\" in predicate:
            raise _NotPlainNTriplesError(line)
        if rest[:1] == "<" and rest[-1:] == ">" and "\\" not in rest:
            statements.append((subject, predicate, rest[1:-1]))
            continue
        close = rest.rfind('"')
        if rest[:1] != '"' or close < 1:
            raise _NotPlainNTriplesError(line)
        value, tail = rest[1:close], rest[close + 1 :]
        if "\\" in value:
            value = _unescape(value)
        if not tail:
            obj = literal(value, None, None)
        elif tail[0] == "@":
            obj = literal(value, None, tail[1:])
        elif tail[:3] == "^^<" and tail[-1] == ">" and "\\" not in tail:
            obj = literal(value, tail[3:-1], None)
        else:
            raise _NotPlainNTriplesError(line)
        statements.append((subject, predicate, obj))
    return statements


def _unescape(value: str) -> str:
    if _ESCAPE.sub("", value).count("\\"):
        raise _NotPlainNTriplesError(value)  # a backslash that escapes nothing: the parser says why
    return _ESCAPE.sub(_unescaped, value)


def _unescaped(match: re.Match[str]) -> str:
    echar, short, long = match.groups()
    return _ESCAPED[echar] if echar else chr(int(short or long, 16))


def _literal(value: str, datatype: str | None, language: str | None) -> compaction.Literal:
    if language:
        if language != language.lower():
            raise UnsupportedError("a language tag pyld may rewrite")
        return compaction.Literal.tagged(value, language)
    if datatype is None or datatype == XSD_STRING:
        return compaction.Literal.plain(value)
    if datatype == RDF_JSON:
        raise UnsupportedError("a JSON literal")
    if datatype == XSD_INTEGER:
        return compaction.Literal.typed(native_integer(datatype, value), datatype)
    return compaction.Literal.typed(value, datatype)


def _order(props: dict[str, list[str | compaction.Literal]]) -> int | None:
    """As :func:`_first_order`: the least integer ``lodplan:order`` of a node."""
    values = [
        value.value
        for value in props.get(_ORDER, ())
        if isinstance(value, compaction.Literal) and isinstance(value.value, int)
    ]
    return min(values) if values else None


def _value_key(value: str | compaction.Literal, order: dict[str, int | None]) -> tuple[Any, ...]:
    """As ``value_key`` in :func:`_sorted_nodes`."""
    if isinstance(value, str):
        position = order.get(value)
        return (0, position is None, position or 0, value)
    return (1, json.dumps(value.expanded(), sort_keys=True, ensure_ascii=False))


def _iris_of(node: _Node) -> Iterator[str]:
    for values in node.properties.values():
        yield from (value for value in values if isinstance(value, str))


def _read_frame(url: str, load_document: Any) -> _Frame:
    """``site/frames/plan.jsonld`` expanded by pyld, as a :class:`_Frame`; raises
    :class:`UnsupportedError` for anything beyond ``@type``, ``@embed`` (``@once``,
    ``@never``), ``@included`` and property sub-frames with ``@omitDefault``."""
    options = {"documentLoader": load_document, "isFrame": True, "keepFreeFloatingNodes": True}
    [top] = jsonld.expand({"@context": url, **plan_frame()}, options)
    if set(top) - {"@type", "@embed", "@included"}:
        raise UnsupportedError(f"frame keys {sorted(top)}")
    frame = _Frame(_embed_flag(top))
    if "@included" not in top:
        return frame
    [included] = top["@included"]
    types = included.get("@type", [])
    if not types or not all(isinstance(type_, str) for type_ in types):
        raise UnsupportedError("@included without a list of types")
    properties = []
    for key, value in sorted(included.items()):
        if key in ("@type", "@embed"):
            continue
        if key.startswith("@") or len(value) != 1:
            raise UnsupportedError(f"@included frame key {key}")
        [sub] = value
        if set(sub) - {"@embed", "@omitDefault"} or sub.get("@omitDefault") != [True]:
            raise UnsupportedError(f"sub-frame of {key}")
        properties.append((key, _Frame(_embed_flag(sub))))
    inner = _Frame(_embed_flag(included), tuple(properties), frozenset(types))
    return _Frame(frame.embed, included=inner)


def _embed_flag(frame: dict[str, Any]) -> str:
    flag = frame.get("@embed", ["@once"])[0]
    if flag not in _EMBED_FLAGS:
        raise UnsupportedError(f"@embed {flag}")
    return flag
