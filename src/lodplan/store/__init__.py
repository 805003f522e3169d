"""The store behind lodplan: a small interface, an embedded and a remote implementation.

* :class:`~lodplan.store.base.ReadableStore` is what the web layer needs: the
  description of one resource and information about the published build.
* :class:`~lodplan.store.base.DatasetPublisher` is what a build needs: replace
  the published named graphs by a new, validated set, all at once.
* :mod:`lodplan.store.embedded` implements both on pyoxigraph (one machine);
  :mod:`lodplan.store.remote` implements them on an existing SPARQL engine
  (Virtuoso, Fuseki, ...) over the SPARQL 1.1 Protocol and Graph Store Protocol.
"""

from lodplan.store.base import DatasetPublisher, NamedGraph, ReadableStore, StoreInfo

__all__ = ["DatasetPublisher", "NamedGraph", "ReadableStore", "StoreInfo"]
