"""The SPARQL queries behind the pages, read from ``site/queries/<name>.rq``.

Queries are files, so that a re-user can read (and run at ``/sparql``) what a
page shows. Values reach them only as bound IRIs (:meth:`ReadableStore.select`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from pyoxigraph import Literal

from lodplan.bundled import site_dir
from lodplan.pages.labels import pick
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


def group_rows(rows: Iterable[Solution], key: str) -> list[tuple[str, list[Solution]]]:
    """Rows grouped by the value bound to ``key``, in first-seen order (a query gives
    one row per label language and per optional value: one group per resource)."""
    groups: dict[str, list[Solution]] = {}
    for row in rows:
        if key in row:
            groups.setdefault(row[key].value, []).append(row)
    return list(groups.items())


def pick_text(rows: Iterable[Solution], name: str, lang: str) -> str | None:
    """Among the literals bound to ``name`` in ``rows``, the one a page in ``lang`` prefers."""
    return pick({value for row in rows if isinstance(value := row.get(name), Literal)}, lang)
