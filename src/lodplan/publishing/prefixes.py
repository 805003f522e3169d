"""Prefixed names for display and the prefixes worth declaring in a serialization."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, Triple

from lodplan.terms import PREFIXES

# A local name shown after "prefix:" (a readable subset of Turtle's PN_LOCAL).
_LOCAL_NAME = re.compile(r"(?:[\w\-]|[\w.\-]*[\w\-])?")


def prefixed_name(iri: str, prefixes: dict[str, str] = PREFIXES) -> str | None:
    """``prefix:local`` for ``iri`` when a known namespace covers it, else ``None``."""
    best: tuple[str, str] | None = None
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    if best is None:
        return None
    local = iri[len(best[1]) :]
    return f"{best[0]}:{local}" if _LOCAL_NAME.fullmatch(local) else None


def used_prefixes(triples: Iterable[Triple], prefixes: dict[str, str] = PREFIXES) -> dict[str, str]:
    """The subset of ``prefixes`` whose namespace occurs in ``triples``.

    pyoxigraph declares every prefix it is given; passing only the used ones
    keeps a short description short.
    """
    iris: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, NamedNode):
                iris.add(term.value)
            elif isinstance(term, Literal) and term.datatype is not None:
                iris.add(term.datatype.value)
    return {
        prefix: namespace
        for prefix, namespace in prefixes.items()
        if any(iri.startswith(namespace) for iri in iris)
    }
