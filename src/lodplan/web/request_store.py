"""The store as one request sees it: its build information read once per request.

Pages, resources and the catalog ask the store for its build information (base IRI,
build id for ETags and caches) many times while answering one request — 8 to 15 —
and each asks costs a file-system resolution (embedded) or a SPARQL request (a remote
engine). Within a request the answer is read once and reused, which also gives every
part of the response the same build.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import g, has_request_context

from lodplan.store.base import ReadableStore, Solution, StoreInfo, Triple

_KEY = "lodplan_store_info"


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

    def describe(self, iri: str) -> list[Triple]:
        return self.store.describe(iri)

    def objects(self, subject: str, predicate: str) -> list[Any]:
        return self.store.objects(subject, predicate)

    def subjects_of_type(self, class_iri: str) -> list[str]:
        return self.store.subjects_of_type(class_iri)

    def download(self, name: str) -> Path | None:
        return self.store.download(name)

    def graph_triples(self, graph_iri: str) -> list[Triple]:
        return self.store.graph_triples(graph_iri)

    def select(self, query: str, bindings: Mapping[str, str] | None = None) -> list[Solution]:
        return self.store.select(query, bindings)
