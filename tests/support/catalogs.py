"""Small catalogs published for the catalog tests: a few plans, their files, one store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pyoxigraph import Store

from lodplan.publishing.catalog import (
    DEFAULT_LICENCE,
    CatalogPublisher,
    CatalogSpec,
    DatasetSpec,
    catalog_graph,
    load_distribution_kinds,
)
from lodplan.store.base import DownloadFile
from lodplan.store.embedded import EmbeddedPublisher

#: The time of the builds these catalogs stand for: the same catalog, the same bytes.
BUILT_AT = "2026-01-05T10:00:00Z"


def plan_downloads(plan_ids: Sequence[str]) -> list[DownloadFile]:
    """The files the catalog announces for each plan (content: a few bytes)."""
    return [
        DownloadFile(kind.file_name(plan_id), kind.media_type, plan_id.encode())
        for plan_id in plan_ids
        for kind in load_distribution_kinds()
    ]


def publish_catalog(
    root: Path, base: str, plan_ids: Sequence[str], *, title: str = "C", data: Store | None = None
) -> None:
    """Publish into ``root`` the catalog of ``plan_ids`` (their data: ``data``, if any)."""
    spec = CatalogSpec({"fr": title}, {"fr": "D"}, CatalogPublisher(name={"fr": "E"}),
                       DEFAULT_LICENCE, ("GOVE",))  # fmt: skip
    datasets = [
        DatasetSpec(p, f"{base}plan/{p}", root / f"{p}.yaml", publisher="x") for p in plan_ids
    ]
    catalog = catalog_graph(spec, datasets, data or Store(), plan_downloads(plan_ids), base,
                            now=BUILT_AT)  # fmt: skip
    EmbeddedPublisher(root).publish([catalog], base_iri=base, build_id="build-1")
