"""The store behind lodplan: a small interface, an embedded and a remote implementation.

* :class:`~lodplan.store.base.ReadableStore` is what the web layer needs: the
  description of one resource, the solutions of a query, the build's files and
  information about the published build.
* :class:`~lodplan.store.base.DatasetPublisher` is what a build needs: replace
  the published named graphs by a new, validated set, all at once.
* :mod:`lodplan.store.embedded` implements both on pyoxigraph (one machine);
  :mod:`lodplan.store.remote` implements them on an existing SPARQL engine
  (Virtuoso, Fuseki, ...) over the SPARQL 1.1 Protocol and Graph Store Protocol.

:func:`open_store` chooses one from the deployment's one setting,
:class:`~lodplan.config.StoreLocation`.
"""

from __future__ import annotations

from lodplan.config import StoreLocation
from lodplan.errors import ConfigError
from lodplan.store.base import DatasetPublisher, NamedGraph, ReadableStore, StoreInfo

__all__ = ["DatasetPublisher", "NamedGraph", "ReadableStore", "StoreInfo", "open_store"]


def open_store(location: StoreLocation, base_iri: str | None = None) -> ReadableStore:
    """The store at ``location``: the embedded store's folder, or a remote engine.

    An engine may hold the builds of several deployments: ``base_iri`` says which one
    to serve; without it, the only one the engine holds (else :class:`ConfigError`).
    """
    if not location.remote:
        from lodplan.store.embedded import EmbeddedStore

        return EmbeddedStore(location.path)
    from lodplan.store.remote import RemoteEndpoint, RemoteStore, published_base_iris

    assert location.sparql_endpoint is not None
    endpoint = RemoteEndpoint(query_url=location.sparql_endpoint)
    if base_iri is None:
        bases = published_base_iris(endpoint)
        if not bases:
            raise ConfigError(
                f"no lodplan build is published at {location.sparql_endpoint}: run "
                "'lodplan build --graph-store URL' first"
            )
        if len(bases) > 1:
            raise ConfigError(
                f"the engine at {location.sparql_endpoint} holds the builds of "
                f"{len(bases)} deployments ({', '.join(bases)}): say which with --base-iri"
            )
        base_iri = bases[0]
    return RemoteStore(
        endpoint,
        base_iri,
        downloads_dir=location.downloads,
        scoped=location.dataset == "build",
    )
