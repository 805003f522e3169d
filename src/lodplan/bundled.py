"""Where lodplan finds its declarative parts (ontology, shapes, mappings, site).

In a source checkout they are the top-level folders of the repository; in an
installed wheel they are bundled under ``lodplan/_bundled`` (see pyproject).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_ROOT = _PACKAGE_DIR.parent.parent


def bundled_dir(name: str) -> Path:
    """Return the directory holding the bundled ``name`` (ontology, shapes, ...)."""
    for candidate in (_CHECKOUT_ROOT / name, _PACKAGE_DIR / "_bundled" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"lodplan's bundled '{name}' folder is missing from this installation")


def ontology_dir() -> Path:
    return bundled_dir("ontology")


def shapes_dir() -> Path:
    return bundled_dir("shapes")


def mappings_dir() -> Path:
    return bundled_dir("mappings")


def presets_dir() -> Path:
    return bundled_dir("presets")


def site_dir() -> Path:
    return bundled_dir("site")


def referentials_dir() -> Path:
    return bundled_dir("referentials")


def example_queries_dir() -> Path:
    """The example SPARQL queries (``docs/queries/*.rq``) and their answers (``*.csv``)."""
    return bundled_dir("docs/queries")
