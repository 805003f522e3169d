"""The store as one request sees it: one build, its information read once per request.

Pages, resources and the catalog ask the store for its build information (base IRI,
build id for ETags and caches) many times while answering one request — 8 to 15 —
and each asks costs a file-system resolution (embedded) or a SPARQL request (a remote
engine). Within a request the answer is read once and reused, which also gives every
part of the response the same build. A store that can be pinned to its current build
(:meth:`lodplan.store.embedded.EmbeddedStore.pinned`) is, for the request: its
lookups (a page may make a thousand label lookups) no longer look for a new build each.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import g, has_request_context

from lodplan.store.base import ReadableStore, Solution, StoreInfo, Triple

_KEY = "lodplan_store_info"
_PINNED_KEY = "lodplan_pinned_store"


class RequestScopedStore:
    """A :class:`ReadableStore` whose ``info()`` is read once per request."""

    def __init__(self, store: ReadableStore) -> None:
        self.store = store

    def __getattr__(self, name: str) -> Any:  # what only one kind of store has (its root)
        return getattr(self.store, name)

    def info(self) -> StoreInfo:
        if not has_request_context():
            return self.store.info()
        cached: dict[int, StoreInfo] = g.setdefault(_KEY, {})
        if id(self.store) not in cached:
            cached[id(self.store)] = self.store.info()
        return cached[id(self.store)]

    def for_this_request(self) -> ReadableStore:
        """The store pinned to its build for this request (itself if it cannot be)."""
        if not has_request_context():
            return self.store
        pinned: dict[int, ReadableStore] = g.setdefault(_PINNED_KEY, {})
        if id(self.store) not in pinned:
            self.info()  # the build of this request: the one pinned
            pin = getattr(self.store, "pinned", None)
            pinned[id(self.store)] = pin() if pin is not None else self.store
        return pinned[id(self.store)]

    def describe(self, iri: str) -> list[Triple]:
        return self.for_this_request().describe(iri)

    def objects(self, subject: str, predicate: str) -> list[Any]:
        return self.for_this_request().objects(subject, predicate)

    def subjects_of_type(self, class_iri: str) -> list[str]:
        return self.for_this_request().subjects_of_type(class_iri)

    def download(self, name: str) -> Path | None:
        return self.for_this_request().download(name)

    def graph_triples(self, graph_iri: str) -> list[Triple]:
        return self.for_this_request().graph_triples(graph_iri)

    def select(self, query: str, bindings: Mapping[str, str] | None = None) -> list[Solution]:
        return self.for_this_request().select(query, bindings)
