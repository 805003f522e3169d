"""Representations of the published resources, independent of HTTP.

A resource's description comes from the store by pattern lookups only
(:meth:`ReadableStore.describe`); RDF syntaxes are written by pyoxigraph, JSON-LD
is compacted by pyld with lodplan's context (pages for people, in HTML, are
made by :mod:`lodplan.pages`). Every representation is cached per build: the cache key holds the
store's ``build_id``, so a new build makes old entries unreachable (they age out
of the LRU) and no explicit invalidation is needed.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from pyoxigraph import BlankNode, Literal, Triple

import lodplan
from lodplan.bundled import ontology_dir, site_dir
from lodplan.publishing.jsonld import CONTEXT_DIR, ContextVersions, JsonLdCompactor
from lodplan.publishing.jsonld import CONTEXT_PATH as CONTEXT_PATH  # re-exported
from lodplan.publishing.negotiation import HTML, JSONLD, RESOURCE_FORMATS, MediaFormat, by_name
from lodplan.publishing.prefixes import used_prefixes
from lodplan.publishing.serialization import rdf_bytes
from lodplan.store.base import ReadableStore

# ontology/context.jsonld: a copy of the current version (ontology/context/), kept equal by a test
CONTEXT_FILE = "context.jsonld"
RESOURCE_PATH = "resource"  # {base}resource?iri=… describes IRIs outside the base
DEFAULT_CACHE_SIZE = 4096
#: Languages preferred for labels; "" is a literal without language tag.
LABEL_LANGUAGES = ("fr", "", "en")


T = TypeVar("T")


@dataclass(frozen=True)
class Representation:
    """A serialized description. ``etag`` is the opaque tag, without quotes."""

    body: bytes
    media_type: str
    etag: str
    format: MediaFormat


class LRUCache:
    """A small thread-safe LRU; values are computed outside the lock."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(
        self, key: Hashable, compute: Callable[[], T], *, keep: Callable[[T], bool] = bool
    ) -> T:
        """The cached value of ``key``, else ``compute()``, stored only if ``keep(value)``.

        Empty values are not kept by default, so that probes of unknown IRIs
        cannot evict the descriptions of real ones.
        """
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = compute()
        if not keep(value):
            return value
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._data)


def stable_blank_nodes(triples: Sequence[Triple]) -> list[Triple]:
    """``triples`` with each blank node named after the triple that first points to it.

    A store relabels blank nodes when it loads a build, so the same data would be
    written with other labels by another build of the same data: same ETag, other
    bytes. Descriptions list a blank node's referrer before the node's own triples.
    """
    labels: dict[BlankNode, BlankNode] = {}

    def rename(term: Any, referrer: str = "") -> Any:
        if not isinstance(term, BlankNode):
            return term
        if term not in labels:
            digest = hashlib.sha256(referrer.encode()).hexdigest()[:20]
            labels[term] = BlankNode(f"b{digest}")
        return labels[term]

    renamed = []
    for triple in triples:
        subject = rename(triple.subject, str(triple.subject))
        referrer = f"{subject}\x00{triple.predicate}\x00{len(labels)}"
        renamed.append(Triple(subject, triple.predicate, rename(triple.object, referrer)))
    return renamed


def make_etag(build_id: str, iri: str, format_name: str, seed: str = "") -> str:
    """A strong validator: same build, resource, format and presentation ⇒ same bytes.

    ``seed`` stands for what shapes the bytes besides the data: the code version,
    the JSON-LD context and the templates (see :func:`presentation_fingerprint`).
    """
    parts = (seed, build_id, iri, format_name)
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:40]


def presentation_fingerprint(context_path: Path, templates: jinja2.Environment) -> str:
    """A digest of lodplan's version, the JSON-LD context file and every template."""
    digest = hashlib.sha256(f"lodplan {lodplan.__version__}\x00".encode())
    try:
        digest.update(context_path.read_bytes())
    except OSError:
        digest.update(b"no context")
    loader = templates.loader
    if loader is not None:
        for name in sorted(templates.list_templates()):
            source = loader.get_source(templates, name)[0]
            digest.update(f"\x00{name}\x00{source}".encode())
    return digest.hexdigest()


def make_template_environment(templates: Path | None = None) -> jinja2.Environment:
    """Jinja environment for the site templates; autoescaping is always on."""
    folder = templates if templates is not None else site_dir() / "templates"
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class ResourceService:
    """Describes resources of a store in every offered format, with a per-build cache."""

    def __init__(
        self,
        store: ReadableStore,
        *,
        base_iri: str,
        context_path: Path | None = None,
        templates: jinja2.Environment | None = None,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        self._store = store
        self.base_iri = base_iri
        # a folder of versions (lodplan's own: ontology/context/) or one unversioned file
        self.contexts = ContextVersions.from_path(context_path or ontology_dir() / CONTEXT_DIR)
        self.jsonld_context = self.contexts.current(base_iri)
        self.context_url = self.jsonld_context.url  # what documents reference: a versioned URL
        self.context_path = self.contexts.current_path
        self._compactor = JsonLdCompactor(self.jsonld_context)
        self._templates = templates or make_template_environment()
        self._templates.globals.setdefault("site_base", base_iri)
        #: Part of every ETag: representations change with the code and presentation too.
        self.etag_seed = presentation_fingerprint(self.context_path, self._templates)
        self._triples = LRUCache(cache_size)
        self._bodies = LRUCache(cache_size)

    # -- public API ----------------------------------------------------------------

    @property
    def store(self) -> ReadableStore:
        return self._store

    def build_id(self) -> str:
        return self._store.info().build_id

    def exists(self, iri: str) -> bool:
        return bool(self.triples(iri))

    def triples(self, iri: str) -> list[Triple]:
        """The description of ``iri`` (with its ``#`` sub-resources), cached per build."""
        return self._triples_of(self.build_id(), iri)

    def represent(self, iri: str, fmt: MediaFormat | str) -> Representation | None:
        """``iri`` serialized as ``fmt`` (a format or a ``?format=`` name), ``None`` if unknown."""
        media_format = _resolve_format(fmt)
        build_id = self.build_id()
        triples = self._triples_of(build_id, iri)
        if not triples:
            return None
        key = (build_id, iri, media_format.name)
        body = self._bodies.get_or_compute(key, lambda: self._render(iri, triples, media_format))
        return Representation(
            body=body,
            media_type=media_format.media_type,
            etag=make_etag(build_id, iri, media_format.name, self.etag_seed),
            format=media_format,
        )

    def context_bytes(self) -> bytes:
        """The current context, served at :attr:`context_url` and ``{base}context.jsonld``."""
        return self.context_path.read_bytes()

    def context_version_bytes(self, version: str) -> bytes | None:
        """A published context version (``{base}context/<version>.jsonld``), else ``None``."""
        path = self.contexts.path_of(version)
        return path.read_bytes() if path is not None else None

    def _triples_of(self, build_id: str, iri: str) -> list[Triple]:
        return self._triples.get_or_compute((build_id, iri), lambda: self._store.describe(iri))

    # -- rendering -----------------------------------------------------------------

    def _render(self, iri: str, triples: list[Triple], fmt: MediaFormat) -> bytes:
        if any(isinstance(t.object, BlankNode) for t in triples):
            triples = stable_blank_nodes(triples)
        if fmt is HTML:  # pages for people are lodplan.pages' concern
            raise ValueError("HTML pages are rendered by lodplan.pages.site.SitePages")
        if fmt is JSONLD:
            return self._render_jsonld(triples)
        assert fmt.rdf_format is not None
        return rdf_bytes(triples, fmt.rdf_format, used_prefixes(triples))

    def _render_jsonld(self, triples: list[Triple]) -> bytes:
        return self._compactor.to_bytes(triples)


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key where "1.10" comes after "1.9" (numbering of plan elements)."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in _DIGITS.split(text))


_DIGITS = re.compile(r"(\d+)")


def preferred_literal(
    literals: Sequence[Literal], languages: Sequence[str] = LABEL_LANGUAGES
) -> str:
    """The value of the literal in the first of ``languages`` ("" is no language tag);
    other languages last; ties broken by value, so the choice is stable."""

    def rank(literal: Literal) -> tuple[int, str]:
        language = (literal.language or "").lower()
        order = languages.index(language) if language in languages else len(languages)
        return (order, literal.value)

    return min(literals, key=rank).value


def _resolve_format(fmt: MediaFormat | str) -> MediaFormat:
    if isinstance(fmt, MediaFormat):
        return fmt
    found = by_name(fmt) or next((f for f in RESOURCE_FORMATS if f.name == fmt), None)
    if found is None:
        raise ValueError(f"unknown resource format {fmt!r}")
    return found
