"""Representations of the published resources, independent of HTTP.

A resource's description comes from the store by pattern lookups only
(:meth:`ReadableStore.describe`); RDF syntaxes are written by pyoxigraph, JSON-LD
is compacted by pyld with lodplan's context, HTML is rendered by Jinja with
autoescaping. Every representation is cached per build: the cache key holds the
store's ``build_id``, so a new build makes old entries unreachable (they age out
of the LRU) and no explicit invalidation is needed.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import jinja2
from pyoxigraph import BlankNode, Literal, NamedNode, Triple, serialize
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

import lodplan
from lodplan.publishing.jsonld import CONTEXT_DIR, ContextVersions, JsonLdCompactor
from lodplan.publishing.jsonld import CONTEXT_PATH as CONTEXT_PATH  # re-exported
from lodplan.publishing.negotiation import HTML, JSONLD, RESOURCE_FORMATS, MediaFormat, by_name
from lodplan.publishing.prefixes import prefixed_name, used_prefixes
from lodplan.resources import ontology_dir, site_dir
from lodplan.store.base import ReadableStore
from lodplan.terms import LP

# ontology/context.jsonld: a copy of the current version (ontology/context/), kept equal by a test
CONTEXT_FILE = "context.jsonld"
RESOURCE_PATH = "resource"  # {base}resource?iri=… describes IRIs outside the base
DEFAULT_CACHE_SIZE = 4096
#: Languages preferred for labels; "" is a literal without language tag.
LABEL_LANGUAGES = ("fr", "", "en")

_RDF_TYPE = NamedNode(str(RDF.type))
_LABEL_PREDICATES = tuple(NamedNode(str(p)) for p in (RDFS.label, SKOS.prefLabel, DCTERMS.title))
_XSD_STRING = str(XSD.string)
_RDF_LANG_STRING = str(RDF.langString)

T = TypeVar("T")


@dataclass(frozen=True)
class Representation:
    """A serialized description. ``etag`` is the opaque tag, without quotes."""

    body: bytes
    media_type: str
    etag: str
    format: MediaFormat


@dataclass(frozen=True)
class TermView:
    """How one RDF term is shown in HTML: text, optional link and annotation."""

    text: str
    href: str | None = None
    title: str | None = None
    note: str | None = None
    kind: str = "iri"  # iri | literal | bnode
    language: str | None = None  # of a literal, for the page's lang attribute


@dataclass(frozen=True)
class PropertyView:
    predicate: TermView
    values: list[TermView]


@dataclass(frozen=True)
class NodeView:
    """One subject of the page: the resource itself or one of its ``#`` sub-resources."""

    iri: str
    anchor: str | None
    label: str | None
    types: list[TermView]
    properties: list[PropertyView]


@dataclass(frozen=True)
class AlternateLink:
    label: str
    media_type: str
    href: str


@dataclass(frozen=True)
class ResourcePage:
    """Everything the HTML template needs; built here so that routes stay thin."""

    iri: str
    label: str | None
    nodes: list[NodeView]
    alternates: list[AlternateLink] = field(default_factory=list)


@dataclass(frozen=True)
class PlanSummary:
    iri: str
    label: str

    @property
    def identifier(self) -> str:
        """The plan id, last segment of ``{base}plan/<id>`` (names its download files)."""
        return self.iri.rsplit("/", 1)[-1]

    @property
    def href(self) -> str | None:
        """The link to the plan (``None`` for an IRI a browser should not follow)."""
        return self.iri if is_web_iri(self.iri) else None


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
        self._plans = LRUCache(4)

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

    def page(self, iri: str) -> ResourcePage | None:
        """The view model of the HTML page of ``iri``, ``None`` if unknown."""
        triples = self.triples(iri)
        return self._page(iri, triples) if triples else None

    def plans(self) -> list[PlanSummary]:
        """The plans of the current build (``?s a lodplan:Plan``), sorted by label."""
        return self._plans.get_or_compute(self.build_id(), self._find_plans)

    def context_bytes(self) -> bytes:
        """The current context, served at :attr:`context_url` and ``{base}context.jsonld``."""
        return self.context_path.read_bytes()

    def context_version_bytes(self, version: str) -> bytes | None:
        """A published context version (``{base}context/<version>.jsonld``), else ``None``."""
        path = self.contexts.path_of(version)
        return path.read_bytes() if path is not None else None

    def alternate_href(self, iri: str, fmt: MediaFormat) -> str:
        """A reference, relative to the document, to ``iri`` in ``fmt``.

        ``./name.ext`` for an IRI under the base; ``?iri=…&format=…`` for an IRI
        outside it, whose document is ``{base}resource?iri=…``.
        """
        if not self._under_data_base(iri):
            return f"?iri={_query_value(iri)}&format={fmt.names[0]}"
        last_segment = iri.rsplit("/", 1)[-1]
        return f"./{last_segment}{fmt.extension}"

    def resource_link(self, iri: str) -> str:
        """Where this site describes ``iri``, an IRI outside the base (``{base}resource?iri=…``)."""
        return f"{self.base_iri}{RESOURCE_PATH}?iri={_query_value(iri)}"

    def _under_data_base(self, iri: str) -> bool:
        return iri.startswith(self._store.info().base_iri)

    def _triples_of(self, build_id: str, iri: str) -> list[Triple]:
        return self._triples.get_or_compute((build_id, iri), lambda: self._store.describe(iri))

    # -- rendering -----------------------------------------------------------------

    def _render(self, iri: str, triples: list[Triple], fmt: MediaFormat) -> bytes:
        if any(isinstance(t.object, BlankNode) for t in triples):
            triples = stable_blank_nodes(triples)
        if fmt is HTML:
            return self._render_html(self._page(iri, triples))
        if fmt is JSONLD:
            return self._render_jsonld(triples)
        assert fmt.rdf_format is not None
        return serialize(triples, format=fmt.rdf_format, prefixes=used_prefixes(triples))

    def _render_jsonld(self, triples: list[Triple]) -> bytes:
        return self._compactor.to_bytes(triples)

    def _render_html(self, page: ResourcePage) -> bytes:
        return self._templates.get_template("resource.html").render(page=page).encode("utf-8")

    # -- view model ----------------------------------------------------------------

    def _page(self, iri: str, triples: list[Triple]) -> ResourcePage:
        by_subject: dict[str, list[Triple]] = {}
        for triple in triples:
            by_subject.setdefault(_term_key(triple.subject), []).append(triple)
        local_labels = {s: _pick_label(ts) for s, ts in by_subject.items()}
        label_of = self._label_lookup(local_labels)
        on_page = {s for s in by_subject if s.startswith(iri + "#")}
        link_of = self._link_lookup(label_of, on_page)
        # the resource first, then its sub-resources in the order the description reaches them
        nodes = [
            self._node(subject, iri, subject_triples, label_of, link_of)
            for subject, subject_triples in sorted(by_subject.items(), key=lambda i: i[0] != iri)
        ]
        alternates = [
            AlternateLink(fmt.label, fmt.media_type, self.alternate_href(iri, fmt))
            for fmt in RESOURCE_FORMATS
            if fmt is not HTML
        ]
        return ResourcePage(iri, local_labels.get(iri), nodes, alternates)

    def _node(
        self,
        subject: str,
        iri: str,
        triples: list[Triple],
        label_of: Callable[[str], str | None],
        link_of: Callable[[str], str | None],
    ) -> NodeView:
        def view(term: Any) -> TermView:
            return term_view(term, label_of, link_of=link_of)

        types = [view(t.object) for t in triples if t.predicate == _RDF_TYPE]
        grouped: dict[str, list[Triple]] = {}
        for triple in triples:
            if triple.predicate != _RDF_TYPE:
                grouped.setdefault(triple.predicate.value, []).append(triple)
        properties = [
            PropertyView(
                predicate=predicate_view(predicate, link_of),
                values=sorted((view(t.object) for t in group), key=_value_sort_key),
            )
            for predicate, group in grouped.items()
        ]
        properties.sort(key=lambda p: natural_key(p.predicate.text))
        anchor = subject[len(iri) + 1 :] if subject.startswith(iri + "#") else None
        return NodeView(subject, anchor, label_of(subject), types, properties)

    def _label_lookup(self, known: dict[str, str | None]) -> Callable[[str], str | None]:
        """Labels of IRIs: from the page's own triples, else from the store by pattern."""
        cache: dict[str, str | None] = dict(known)

        def label_of(iri: str) -> str | None:
            if iri not in cache:
                cache[iri] = _store_label(self._store, iri)
            return cache[iri]

        return label_of

    def _link_lookup(
        self, label_of: Callable[[str], str | None], on_page: set[str]
    ) -> Callable[[str], str | None]:
        """Where a link to an IRI should lead.

        Sub-resources shown on the page: their anchor. Other IRIs under the base
        and IRIs the store knows nothing about: the IRI itself. IRIs outside the
        base that the store describes (ontology terms, code-list concepts, whose
        persistent IRIs may not redirect here yet): ``{base}resource?iri=…``.
        Only http(s) IRIs become links.
        """
        data_base = self._store.info().base_iri

        def link_of(iri: str) -> str | None:
            if iri in on_page:
                return "#" + iri.split("#", 1)[1]
            if not is_web_iri(iri):
                return None
            if iri.startswith(data_base) or label_of(iri) is None:
                return iri
            return self.resource_link(iri)

        return link_of

    def _find_plans(self) -> list[PlanSummary]:
        plans = [
            PlanSummary(iri, _store_label(self._store, iri) or iri)
            for iri in self._store.subjects_of_type(str(LP.Plan))
        ]
        return sorted(plans, key=lambda p: natural_key(p.label))


# -- term display helpers (pure functions, reused by the SPARQL pages) ----------------


_WEB_IRI = re.compile(r"https?://", re.IGNORECASE)


def is_web_iri(iri: str) -> bool:
    """Whether ``iri`` may become a link: http(s) only (no ``javascript:``, ``data:``…)."""
    return bool(_WEB_IRI.match(iri))


def _direct_link(iri: str) -> str | None:
    return iri if is_web_iri(iri) else None


def predicate_view(iri: str, link_of: Callable[[str], str | None] = _direct_link) -> TermView:
    short = prefixed_name(iri)
    return TermView(text=short or iri, href=link_of(iri), title=iri)


def term_view(
    term: Any,
    label_of: Callable[[str], str | None] = lambda _: None,
    on_page: set[str] | frozenset[str] = frozenset(),
    *,
    link_of: Callable[[str], str | None] = _direct_link,
) -> TermView:
    """Display of an object term: http(s) IRIs are links (shown by label when known).

    ``link_of`` says where an IRI leads (``None``: shown as text, not a link);
    IRIs in ``on_page`` lead to their anchor on the page.
    """
    if isinstance(term, NamedNode):
        iri = term.value
        label = label_of(iri)
        href = "#" + iri.split("#", 1)[1] if iri in on_page else link_of(iri)
        shown = label or prefixed_name(iri) or iri
        return TermView(text=shown, href=href, title=iri, note=None, kind="iri")
    if isinstance(term, Literal):
        return TermView(
            text=term.value, note=_literal_note(term), kind="literal", language=term.language
        )
    if isinstance(term, BlankNode):
        return TermView(text=f"_:{term.value}", kind="bnode")
    return TermView(text=str(term), kind="literal")  # RDF-star triple terms


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key where "1.10" comes after "1.9" (numbering of plan elements)."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in _DIGITS.split(text))


_DIGITS = re.compile(r"(\d+)")


def _query_value(iri: str) -> str:
    """``iri`` as the value of a URL query parameter (readable: ``:`` and ``/`` kept)."""
    return quote(iri, safe=":/")


def _literal_note(literal: Literal) -> str | None:
    if literal.language:
        return f"@{literal.language}"
    datatype = literal.datatype.value if literal.datatype is not None else _XSD_STRING
    if datatype in (_XSD_STRING, _RDF_LANG_STRING):
        return None
    return prefixed_name(datatype) or datatype


def _value_sort_key(view: TermView) -> tuple[Any, ...]:
    return (view.kind != "iri", natural_key(view.text))


def _term_key(term: Any) -> str:
    return term.value if isinstance(term, NamedNode) else f"_:{term.value}"


def _pick_label(triples: Sequence[Triple]) -> str | None:
    """The preferred label among a subject's triples (rdfs:label, skos:prefLabel, title)."""
    for predicate in _LABEL_PREDICATES:
        candidates = [
            t.object for t in triples if t.predicate == predicate and isinstance(t.object, Literal)
        ]
        if candidates:
            return preferred_literal(candidates)
    return None


def _store_label(store: ReadableStore, iri: str) -> str | None:
    for predicate in _LABEL_PREDICATES:
        candidates = [
            value for value in store.objects(iri, predicate.value) if isinstance(value, Literal)
        ]
        if candidates:
            return preferred_literal(candidates)
    return None


def preferred_literal(literals: Sequence[Literal]) -> str:
    """The value of the literal in the preferred language (``LABEL_LANGUAGES``)."""

    def rank(literal: Literal) -> tuple[int, str]:
        language = (literal.language or "").lower()
        order = LABEL_LANGUAGES.index(language) if language in LABEL_LANGUAGES else 99
        return (order, literal.value)

    return min(literals, key=rank).value


def _resolve_format(fmt: MediaFormat | str) -> MediaFormat:
    if isinstance(fmt, MediaFormat):
        return fmt
    found = by_name(fmt) or next((f for f in RESOURCE_FORMATS if f.name == fmt), None)
    if found is None:
        raise ValueError(f"unknown resource format {fmt!r}")
    return found
