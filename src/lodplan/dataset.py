"""What a build is made of, shared by every layer: its named graphs, its files, and what
each plan's files are made from. Neutral: it imports nothing of lodplan's, so mapping,
validation, referentials, store and publishing all use it without depending on each
other (tests/test_layers.py keeps it so)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Memo(Protocol):
    """What an earlier build made, kept by a key that names every input it was made from
    (:class:`lodplan.build_cache.BuildCache`; :class:`NoMemo` keeps nothing)."""

    def __call__(self, kind: str, key: str, make: Callable[[], T]) -> T:
        """The value kept for ``key``, else ``make()``, kept."""
        ...

    def get(self, kind: str, key: str) -> Any | None:
        """The value kept for ``key``, or None (then :meth:`put` it once made)."""
        ...

    def put(self, kind: str, key: str, value: Any) -> None: ...


class NoMemo:
    """The :class:`Memo` that keeps nothing: everything is made."""

    def __call__(self, kind: str, key: str, make: Callable[[], T]) -> T:
        return make()

    def get(self, kind: str, key: str) -> Any | None:
        return None

    def put(self, kind: str, key: str, value: Any) -> None:
        pass


no_memo = NoMemo()


@dataclass(frozen=True)
class NamedGraph:
    """One named graph of a build, as N-Triples bytes (what every engine ingests)."""

    iri: str
    ntriples: bytes
    triple_count: int

    @cached_property
    def sha256(self) -> str:
        """The digest of the graph's bytes: what tells a build which graphs changed."""
        return hashlib.sha256(self.ntriples).hexdigest()


@dataclass(frozen=True)
class DownloadFile:
    """A file a build offers for download (dump, per-plan documents): its name
    under ``{base}download/``, its media type and its bytes."""

    name: str
    media_type: str
    content: bytes

    @property
    def byte_size(self) -> int:
        return len(self.content)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class PlanFiles:
    """What the downloads of one plan are made from."""

    plan_id: str
    plan_iri: str
    graph_iri: str
    title: str
    #: The source document as the mapping read it (spreadsheet rows as lines): the
    #: text whose line numbers the provenance of every element refers to.
    source_lines: tuple[str, ...] = ()
    #: The plan's licence (an IRI: its mapping's, else the catalog's) and the IRI of its
    #: source document, which the workbook states.
    licence: str | None = None
    source_iri: str | None = None
