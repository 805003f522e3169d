"""JSON-LD compaction with lodplan's context, loaded from a local file, never from the network.

Used by resource descriptions (:mod:`lodplan.publishing.representations`) and by the
SPARQL query worker for CONSTRUCT/DESCRIBE results, so that both give the same
compact JSON-LD. Kept free of Flask and Jinja: the worker imports it.

Two adjustments of pyoxigraph's expanded JSON-LD happen before compaction:

* ``rdf:type`` becomes ``@type`` (as JSON-LD's fromRdf does), so that compaction
  gives ``"type": "Plan"`` rather than a full-IRI property;
* canonical ``xsd:integer`` values become JSON numbers, keeping their datatype
  (``{"@value": 3, "@type": xsd:integer}``): a term of the context that coerces
  to ``xsd:integer`` then compacts them to ``"level": 3`` instead of ``"3"``, and
  JSON-LD's toRdf turns the number back into the same ``"3"^^xsd:integer``.

The context is versioned (:class:`ContextVersions`): each published version is a
file, ``ontology/context/<version>.jsonld``, served at ``{base}context/<version>.jsonld``
and never changed once published; the greatest version is the current one, which
documents reference and which ``{base}context.jsonld`` also serves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyld import jsonld
from pyoxigraph import RdfFormat, Triple

from lodplan.bundled import ontology_dir
from lodplan.publishing.serialization import rdf_bytes

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
# Integers JSON parsers read exactly (IEEE double) and whose lexical form is canonical.
_CANONICAL_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,15})")
_MAX_SAFE_INTEGER = 2**53 - 1


#: The current context, whatever its version: ``{base}context.jsonld``.
CONTEXT_PATH = "context.jsonld"
#: The versions of the context: ``ontology/context/<version>.jsonld``, ``{base}context/…``.
CONTEXT_DIR = "context"
_VERSION_FILE = re.compile(r"(?P<version>[0-9]+(?:\.[0-9]+)*)\.jsonld")


@dataclass(frozen=True)
class JsonLdContext:
    """Where the context is published (``url``, the ``@context`` of documents) and its file."""

    url: str
    path: Path


@dataclass(frozen=True)
class ContextVersions:
    """The published versions of a JSON-LD context, one file each; the greatest is current.

    A single file (a deployment's own context, tests) is one unversioned context,
    published at ``{base}context.jsonld`` only.
    """

    current_path: Path
    versions: Mapping[str, Path] = field(default_factory=dict)

    @classmethod
    def from_path(cls, path: Path) -> ContextVersions:
        """The versions in folder ``path`` (``<version>.jsonld`` files), or one unversioned file."""
        if not path.is_dir():
            return cls(path)
        versions: dict[str, Path] = {}
        for file in sorted(path.glob("*.jsonld")):
            match = _VERSION_FILE.fullmatch(file.name)
            if match is None:
                raise ValueError(f"{file}: a context version is named <number>[.<number>…].jsonld")
            versions[match["version"]] = file
        if not versions:
            raise ValueError(
                f"{path}: no JSON-LD context version (<version>.jsonld) in this folder"
            )
        ordered = dict(sorted(versions.items(), key=lambda item: _version_key(item[0])))
        return cls(list(ordered.values())[-1], ordered)

    @property
    def current_version(self) -> str | None:
        """The current version; ``None`` for an unversioned context."""
        return max(self.versions, key=_version_key) if self.versions else None

    def path_of(self, version: str) -> Path | None:
        return self.versions.get(version)

    def url(self, base_iri: str, version: str | None = None) -> str:
        """Where ``version`` is published; without a version: the URL documents reference."""
        version = version or self.current_version
        return f"{base_iri}{CONTEXT_DIR}/{version}.jsonld" if version else base_iri + CONTEXT_PATH

    def current(self, base_iri: str) -> JsonLdContext:
        """The context documents published under ``base_iri`` reference (a versioned URL)."""
        return JsonLdContext(self.url(base_iri), self.current_path)


def bundled_contexts() -> ContextVersions:
    """lodplan's own context, ``ontology/context/<version>.jsonld``."""
    return ContextVersions.from_path(ontology_dir() / CONTEXT_DIR)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


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
    """Expanded JSON-LD of ``triples``, one node per subject, with ``@type`` and native
    integers (see module doc)."""
    nodes = _merged(json.loads(rdf_bytes(triples, RdfFormat.JSON_LD)))
    return [_native_integers(_types_as_keyword(node)) for node in nodes]


def _merged(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One node object per subject: pyoxigraph starts a new one whenever the subject changes."""
    by_id: dict[str, dict[str, Any]] = {}
    for node in nodes:
        merged = by_id.setdefault(node["@id"], {"@id": node["@id"]})
        for key, values in node.items():
            if key != "@id":
                merged.setdefault(key, []).extend(values)
    return list(by_id.values())


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
        and isinstance(value.get("@value"), str)
        and isinstance(value.get("@type"), str)
    ):
        native = native_integer(value["@type"], value["@value"])
        if not isinstance(native, str):
            return {**value, "@value": native}
    return value


def native_integer(datatype: str, lexical: str) -> int | str:
    """A literal's value as JSON-LD writes it here: a canonical ``xsd:integer`` that
    JSON parsers read exactly as a number, anything else as its lexical form."""
    if (
        datatype == XSD_INTEGER
        and _CANONICAL_INTEGER.fullmatch(lexical)
        and lexical != "-0"
        and abs(int(lexical)) <= _MAX_SAFE_INTEGER
    ):
        return int(lexical)
    return lexical
