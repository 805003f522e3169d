"""The SPARQL queries behind the pages, read from ``site/queries/<name>.rq``.

Queries are files, so that a re-user can read (and run at ``/sparql``) what a
page shows. Values reach them only as bound IRIs (:meth:`ReadableStore.select`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lodplan.resources import site_dir
from lodplan.store.base import ReadableStore, Solution

QUERY_DIR = "queries"


@cache
def query_text(name: str, folder: Path | None = None) -> str:
    """The text of ``site/queries/<name>.rq`` (read once per process)."""
    path = (folder or site_dir() / QUERY_DIR) / f"{name}.rq"
    return path.read_text(encoding="utf-8")


def run(store: ReadableStore, name: str, **iris: str) -> list[Solution]:
    """Solutions of the named query with ``iris`` bound (``plan="https://…"``)."""
    return store.select(query_text(name), iris)


def text(solution: Solution, name: str, default: str = "") -> str:
    """The lexical value bound to ``name``, or ``default``."""
    term = solution.get(name)
    return term.value if term is not None else default


def integer(solution: Solution, name: str, default: int = 0) -> int:
    value = text(solution, name)
    try:
        return int(value)
    except ValueError:
        return default
