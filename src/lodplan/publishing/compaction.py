"""JSON-LD compaction without pyld's generic algorithm, for contexts like lodplan's.

pyld compacts value by value: for each one it builds the list of preferred
containers and types, walks the inverse context, and for every IRI value scans
every term of the context for a prefix. A plan of a few thousand triples takes
it about a second, which at 1,250 plans is the longest step of a build. Here
the same decisions are taken once per context, property and *shape* of value
(a node, a literal of a datatype, a literal of a language, a plain string) and
kept; IRIs are compacted with an index of the context's prefixes.

What is decided follows pyld's compaction algorithm (JSON-LD 1.1 API §6.2–6.5)
step by step, restricted to what lodplan's context uses: prefixes, keyword
aliases, terms with an IRI and an optional ``@type`` coercion (a datatype or
``@id``), and type-scoped contexts of the same kind, which do not propagate.
The context itself is processed by pyld, so both read it alike. Anything else
(containers, ``@language`` or ``@direction``, ``@vocab``, ``@base``, reverse
terms, ``@type: @vocab`` or ``@none``, property-scoped contexts, ``@propagate``,
a value with a direction) raises :class:`UnsupportedError`: the caller then uses
pyld, which stays the reference (``tests/publishing/test_compaction.py`` checks
every term of the bundled contexts against it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from pyld import jsonld

#: A value's shape, all term selection depends on: ``("@id",)`` for a node or a
#: node reference, ``("@type", datatype)``, ``("@language", tag)``, ``("@null",)``
#: for a string without language or datatype.
Shape = tuple[str, ...]
NODE: Shape = ("@id",)
PLAIN: Shape = ("@null",)
_VALUE = object()  # where a value object template puts the literal's value

_TERM_KEYS = frozenset({"@id", "@type", "@context", "_prefix", "_term_has_colon", "protected",
                        "reverse"})  # fmt: skip
_CONTEXT_KEYS = frozenset({"mappings", "processingMode", "@version", "_uuid", "previousContext"})
_UNSUPPORTED_COERCIONS = frozenset({"@vocab", "@none", "@json"})
_MAX_CACHED_IRIS = 100_000  # IRIs a prefix shortens: code lists, ontologies (bounded)


class UnsupportedError(Exception):
    """The context or the data needs a part of JSON-LD compaction this module leaves
    to pyld."""


class Literal(NamedTuple):
    """A literal as expanded JSON-LD gives it: its ``@value`` and its :data:`Shape`
    (``("@type", datatype)``, ``("@language", tag)`` or :data:`PLAIN`)."""

    value: str | int
    shape: Shape

    @classmethod
    def typed(cls, value: str | int, datatype: str) -> Literal:
        return cls(value, _shape("@type", datatype))

    @classmethod
    def tagged(cls, value: str, language: str) -> Literal:
        return cls(value, _shape("@language", language))

    @classmethod
    def plain(cls, value: str) -> Literal:
        return cls(value, PLAIN)

    def expanded(self) -> dict[str, Any]:
        """The value object of expanded JSON-LD."""
        if self.shape is PLAIN:
            return {"@value": self.value}
        return {"@value": self.value, self.shape[0]: self.shape[1]}


@functools.cache
def _shape(kind: str, name: str) -> Shape:
    return (kind, name)  # one tuple per datatype or language: keys of the caches


class ActiveContext:
    """One active context (a processed context, possibly with type-scoped contexts
    applied) and the decisions taken with it so far."""

    def __init__(
        self,
        processed: Mapping[str, Any],
        process: Callable[[Mapping[str, Any], Any], Mapping[str, Any]],
        previous: ActiveContext | None = None,
    ) -> None:
        unknown = set(processed) - _CONTEXT_KEYS
        if unknown:  # @vocab, @base, @language, @direction
            raise UnsupportedError(f"context keys {sorted(unknown)}")
        self._processed = processed
        self._process = process
        #: The context a node object reverts to (type-scoped contexts do not propagate).
        self.previous = previous
        self.mappings: Mapping[str, Any] = processed["mappings"]
        self._by_type: dict[str, dict[str, str]] = {}  # IRI → type (or @none) → term
        self._by_language: dict[str, dict[str, str]] = {}  # IRI → @none → term
        self._prefixes: dict[int, dict[str, list[str]]] = {}  # length → prefix IRI → terms
        self._prefix_terms: set[str] = set()
        self._index()
        #: Every IRI a prefix can shorten begins with one of these stems.
        self._stem = min(self._prefixes, default=0)
        self._stems = {iri[: self._stem] for p in self._prefixes.values() for iri in p}
        self._iris: dict[tuple[str, bool], str] = {}
        self._terms: dict[tuple[str, Shape], str] = {}
        self._vocab: dict[str, str] = {}
        self._values: dict[tuple[str, Shape], tuple[tuple[str, Any], ...] | None] = {}
        self._references: dict[str, str | None] = {}
        self._scoped: dict[tuple[str, ...], ActiveContext] = {}
        #: The keys of ``@id``, ``@type`` and ``@included`` (their aliases).
        self.id_key, self.type_key = self.alias("@id"), self.alias("@type")
        self.included_key = self.alias("@included")

    def _index(self) -> None:
        """The inverse context (pyld's ``_get_inverse_context``) for terms without
        container, language or direction, and the prefixes by length."""
        for term, mapping in sorted(self.mappings.items(), key=lambda kv: (len(kv[0]), kv[0])):
            if mapping is None:
                raise UnsupportedError(f"null term {term}")
            if set(mapping) - _TERM_KEYS or mapping.get("reverse"):
                raise UnsupportedError(f"term {term}: {sorted(mapping)}")
            iri, coercion = mapping.get("@id"), mapping.get("@type")
            if not isinstance(iri, str) or coercion in _UNSUPPORTED_COERCIONS:
                raise UnsupportedError(f"term {term}")
            if coercion is not None:
                self._by_type.setdefault(iri, {}).setdefault(coercion, term)
            else:
                self._by_language.setdefault(iri, {}).setdefault("@none", term)
                self._by_type.setdefault(iri, {}).setdefault("@none", term)
            if ":" not in term and not iri.startswith("@"):
                self._prefixes.setdefault(len(iri), {}).setdefault(iri, []).append(term)
            if mapping.get("_prefix"):
                if ":" in term:
                    raise UnsupportedError(f"prefix term with a colon: {term}")
                self._prefix_terms.add(term)

    # -- IRIs and terms ---------------------------------------------------------------

    def term(self, iri: str, shape: Shape) -> str:
        """The key of property ``iri`` for a value of ``shape`` (IRI compaction with
        ``vocab`` and a value: pyld's ``_compact_iri`` then ``_select_term``)."""
        key = (iri, shape)
        found = self._terms.get(key)
        if found is None:
            found = self._select(iri, shape) or self._iri(iri, vocab=True)
            if self.scoped_context(found) is not None:
                raise UnsupportedError(f"property-scoped context on {found}")
            self._terms[key] = found
        return found

    def _select(self, iri: str, shape: Shape) -> str | None:
        kind = shape[0]
        preferred: tuple[str, ...]
        if kind == "@id":
            table, preferred = self._by_type, ("@id", "@vocab", "@none")
        elif kind == "@type":
            table, preferred = self._by_type, (shape[1], "@none")
        elif kind == "@language":
            table, preferred = self._by_language, (shape[1], "@none")
        else:
            table, preferred = self._by_language, ("@null", "@none")
        terms = table.get(iri, {})
        return next((terms[p] for p in preferred if p in terms), None)

    def vocab(self, iri: str) -> str:
        """A type, a datatype or a keyword, compacted (``vocab`` without a value)."""
        found = self._vocab.get(iri)
        if found is None:
            terms = self._by_type.get(iri, {})
            term = terms.get("@id") or terms.get("@none")
            found = self._vocab[iri] = term or self._iri(iri, vocab=True, has_value=False)
        return found

    def iri(self, iri: str) -> str:
        """An ``@id`` compacted: a compact IRI, else the IRI (the base is empty)."""
        return self._iri(iri, vocab=False, has_value=False)

    def _iri(self, iri: str, *, vocab: bool, has_value: bool = True) -> str:
        if iri.startswith("@"):
            return iri  # a keyword without alias
        if iri[: self._stem] not in self._stems:  # no prefix IRI begins so (most data IRIs)
            if iri.partition(":")[0] in self._prefix_terms:
                raise UnsupportedError(f"IRI confused with a prefix: {iri}")
            return iri
        key = (iri, has_value)
        found = self._iris.get(key)
        if found is None:
            if len(self._iris) > _MAX_CACHED_IRIS:
                self._iris.clear()
            found = self._iris[key] = self._curie(iri, has_value)
        return found

    def _curie(self, iri: str, has_value: bool) -> str:
        candidate: str | None = None
        for length, prefixes in self._prefixes.items():
            if length >= len(iri) or iri[:length] not in prefixes:
                continue
            suffix = iri[length:]
            for term in prefixes[iri[:length]]:
                curie = f"{term}:{suffix}"
                defined = self.mappings.get(curie)
                usable = (bool(self.mappings[term].get("_prefix")) and defined is None) or (
                    not has_value and defined is not None and defined.get("@id") == iri
                )
                if usable and (
                    candidate is None or (len(curie), curie) < (len(candidate), candidate)
                ):
                    candidate = curie
        if candidate is not None:
            return candidate
        if iri.partition(":")[0] in self._prefix_terms:
            raise UnsupportedError(f"IRI confused with a prefix: {iri}")
        return iri

    def alias(self, keyword: str) -> str:
        return self.vocab(keyword)

    # -- values -----------------------------------------------------------------------

    def value(self, term: str, literal: Literal) -> Any:
        """A literal under ``term`` (pyld's ``_compact_value``): its value alone when
        the term's coercion says the rest, else a value object."""
        key = (term, literal.shape)
        if key in self._values:
            template = self._values[key]
        else:
            template = self._values[key] = self._value_template(term, literal)
        if template is None:
            return literal.value
        return {k: literal.value if v is _VALUE else v for k, v in template}

    def _value_template(self, term: str, literal: Literal) -> tuple[tuple[str, Any], ...] | None:
        mapping = self.mappings.get(term) or {}
        kind = literal.shape[0]
        if kind == "@type":
            datatype = literal.shape[1]
            if datatype == mapping.get("@type"):
                return None
            return ((self.alias("@type"), self.vocab(datatype)), (self.alias("@value"), _VALUE))
        if kind == "@language":
            return ((self.alias("@language"), literal.shape[1]), (self.alias("@value"), _VALUE))
        return None

    def reference(self, term: str, iri: str) -> Any:
        """A node reference under ``term``: the IRI alone if the term is coerced to
        ``@id``, else ``{"id": …}``."""
        if term not in self._references:
            mapping = self.mappings.get(term) or {}
            self._references[term] = None if mapping.get("@type") == "@id" else self.alias("@id")
        wrapper = self._references[term]
        compacted = self.iri(iri)
        return compacted if wrapper is None else {wrapper: compacted}

    def scoped_context(self, term: str) -> Any:
        """The type-scoped context of a (compacted) type, if any."""
        mapping = self.mappings.get(term)
        return None if mapping is None else mapping.get("@context")

    # -- node objects -----------------------------------------------------------------

    def for_node(self, types: tuple[str, ...]) -> ActiveContext:
        """The context a node object of ``types`` (sorted IRIs) is compacted with,
        this one being its parent's: the parent's type-scoped contexts reverted,
        the node's own applied (pyld's ``_compact`` for a node object)."""
        found = self._scoped.get(types)
        if found is None:
            base = self.previous or self
            found = base
            for type_ in types:
                local = self.scoped_context(base.vocab(type_))  # looked up in the input context
                if local is not None:
                    if isinstance(local, Mapping) and "@propagate" in local:
                        raise UnsupportedError("@propagate in a type-scoped context")
                    found = found._with(local)
            self._scoped[types] = found
        return found

    def _with(self, local: Any) -> ActiveContext:
        return ActiveContext(
            self._process(self._processed, local), self._process, self.previous or self
        )


def active_context(url: str, load_document: Callable[..., dict[str, Any]]) -> ActiveContext:
    """The context published at ``url`` (read with ``load_document``), processed by pyld."""
    processor = jsonld.JsonLdProcessor()
    options = {"documentLoader": load_document, "processingMode": "json-ld-1.1", "base": ""}

    def process(active: Mapping[str, Any], local: Any) -> Mapping[str, Any]:
        try:
            return processor.process_context(active, local, options)
        except jsonld.JsonLdError as error:
            raise UnsupportedError(f"context processing: {error}") from error

    initial = processor.process_context(None, None, options)
    return ActiveContext(process(initial, url), process)
