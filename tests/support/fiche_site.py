"""A store built from the fiche fixtures: what the pages, the per-plan CSV, the JSON-LD
and the example queries of docs/queries/ are checked on for the fields of a fiche action.

Three plans, each from its own fixture folder, built together with their actors merged:
``fiche-mappings/exempleville-pcaet`` (a commune's Excel export: every field of
``reader.fields``), ``preset-mappings/ville-exemple-projets`` (the national schema's
example table, read through its preset) and ``fiche-site-mappings/exempleville-suivi``
(a flat follow-up table with measured indicator values, a project without a pilote and
markup characters in a description).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.support.server import lodplan

FIXTURES = Path(__file__).parents[1] / "fixtures"
PLANS = {
    "exempleville-pcaet": FIXTURES / "fiche-mappings",
    "ville-exemple-projets": FIXTURES / "preset-mappings",
    "exempleville-suivi": FIXTURES / "fiche-site-mappings",
}
BASE = "http://fiche.test/"


def fiche_mappings(folder: Path) -> Path:
    """The three plans in one mappings folder (actors merged, the site's catalog)."""
    actors: dict = {}
    for plan, source in PLANS.items():
        shutil.copytree(source / plan, folder / plan)
        actors.update(yaml.safe_load((source / "actors.yaml").read_text("utf-8"))["actors"])
    document = {"lodplan-actors": 1, "actors": actors}
    (folder / "actors.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    shutil.copy(FIXTURES / "fiche-site-mappings" / "catalog.yaml", folder / "catalog.yaml")
    return folder


def build_fiche_store(folder: Path) -> Path:
    """A store of the three plans under ``folder`` (IRIs under :data:`BASE`)."""
    store = folder / "store"
    mappings = fiche_mappings(folder / "mappings")
    built = lodplan("build", "--store", str(store), "--base-iri", BASE, "--mappings", str(mappings))
    if built.returncode != 0:
        raise RuntimeError(f"lodplan build failed ({built.returncode}):\n{built.stderr}")
    return store
