"""JSON-LD compaction with lodplan's context, loaded from a local file, never from the network.

Used by resource descriptions (:mod:`lodplan.publishing.resources`) and by the
SPARQL query worker for CONSTRUCT/DESCRIBE results, so that both give the same
compact JSON-LD. Kept free of Flask and Jinja: the worker imports it.

Two adjustments of pyoxigraph's expanded JSON-LD happen before compaction:

* ``rdf:type`` becomes ``@type`` (as JSON-LD's fromRdf does), so that compaction
  gives ``"type": "Plan"`` rather than a full-IRI property;
* canonical ``xsd:integer`` values become JSON numbers, keeping their datatype
  (``{"@value": 3, "@type": xsd:integer}``): a term of the context that coerces
  to ``xsd:integer`` then compacts them to ``"level": 3`` instead of ``"3"``, and
  JSON-LD's toRdf turns the number back into the same ``"3"^^xsd:integer``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyld import jsonld
from pyoxigraph import RdfFormat, Triple, serialize

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
# Integers JSON parsers read exactly (IEEE double) and whose lexical form is canonical.
_CANONICAL_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,15})")
_MAX_SAFE_INTEGER = 2**53 - 1


@dataclass(frozen=True)
class JsonLdContext:
    """Where the context is published (``url``, the ``@context`` of documents) and its file."""

    url: str
    path: Path


@dataclass
class JsonLdCompactor:
    """Compacts triples with one context; the context file is read once, on first use."""

    context: JsonLdContext
    _document: dict[str, Any] | None = field(default=None, init=False, repr=False)

    def compact(self, triples: Sequence[Triple]) -> dict[str, Any]:
        expanded = expanded_jsonld(triples)
        return jsonld.compact(
            expanded, {"@context": self.context.url}, {"documentLoader": self.load_document}
        )

    def to_bytes(self, triples: Sequence[Triple]) -> bytes:
        """The compacted document, as served (UTF-8, indented)."""
        return json.dumps(self.compact(triples), ensure_ascii=False, indent=2).encode("utf-8")

    def load_document(self, url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        """pyld document loader: lodplan's context from the local file, nothing from the network."""
        if url != self.context.url:
            raise jsonld.JsonLdError(
                f"lodplan does not fetch remote JSON-LD documents: {url}",
                "jsonld.LoadDocumentError",
                code="loading document failed",
            )
        if self._document is None:
            self._document = json.loads(self.context.path.read_bytes())
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": self._document,
        }


def expanded_jsonld(triples: Sequence[Triple]) -> list[dict[str, Any]]:
    """Expanded JSON-LD of ``triples``, with ``@type`` and native integers (see module doc)."""
    nodes = json.loads(serialize(triples, format=RdfFormat.JSON_LD))
    return [_native_integers(_types_as_keyword(node)) for node in nodes]


def _types_as_keyword(node: dict[str, Any]) -> dict[str, Any]:
    """Move ``rdf:type`` to ``@type`` (pyoxigraph keeps the IRI key)."""
    values = node.get(RDF_TYPE)
    if not values or not all("@id" in value for value in values):
        return node
    node = {key: value for key, value in node.items() if key != RDF_TYPE}
    node["@type"] = [value["@id"] for value in values]
    return node


def _native_integers(node: dict[str, Any]) -> dict[str, Any]:
    for key, values in node.items():
        if key.startswith("@") or not isinstance(values, list):
            continue
        node[key] = [_native_integer(value) for value in values]
    return node


def _native_integer(value: Any) -> Any:
    if (
        isinstance(value, dict)
        and value.get("@type") == XSD_INTEGER
        and isinstance(value.get("@value"), str)
        and _CANONICAL_INTEGER.fullmatch(value["@value"])
        and value["@value"] != "-0"
        and abs(int(value["@value"])) <= _MAX_SAFE_INTEGER
    ):
        return {**value, "@value": int(value["@value"])}
    return value
