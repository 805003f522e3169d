"""What a build is made of, shared by every layer: its named graphs, its files, and what
each plan's files are made from. Neutral: it imports nothing of lodplan's, so mapping,
validation, referentials, store and publishing all use it without depending on each
other (tests/test_layers.py keeps it so)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Blobs(Protocol):
    """Where a build keeps bytes it does not need in memory, by their SHA-256 (the build
    cache's ``blobs/``); files kept there are never rewritten, so a published build can
    share them by hard links."""

    def keep(self, content: bytes, sha256: str) -> Path | None:
        """The file holding ``content`` (written if absent), or None: keep it in memory."""
        ...

    def still_used(self, path: Path) -> None:
        """A file :meth:`keep` gave an earlier build is used by this one too."""
        ...


class Memo(Blobs, Protocol):
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
    """The :class:`Memo` that keeps nothing: everything is made, and held in memory."""

    def __call__(self, kind: str, key: str, make: Callable[[], T]) -> T:
        return make()

    def get(self, kind: str, key: str) -> Any | None:
        return None

    def put(self, kind: str, key: str, value: Any) -> None:
        pass

    def keep(self, content: bytes, sha256: str) -> Path | None:
        return None

    def still_used(self, path: Path) -> None:
        pass


no_memo = NoMemo()


class _Contents:
    """Bytes held in memory, or in a file that holds exactly them (then read on demand,
    never kept: a national build's graphs and files would not fit in memory)."""

    __slots__ = ("_content", "_sha256", "_size", "path")

    def __init__(
        self,
        content: bytes | None,
        path: Path | None = None,
        sha256: str | None = None,
        size: int | None = None,
    ) -> None:
        if (content is None) == (path is None):
            raise ValueError("give either the content or the file that holds it")
        self._content, self.path = content, path
        self._sha256, self._size = sha256, size

    @property
    def available(self) -> bool:
        """Whether the bytes can be read (a kept file may have been removed since)."""
        return self.path is None or self.path.is_file()

    def read(self) -> bytes:
        if self._content is not None:
            return self._content
        assert self.path is not None
        return self.path.read_bytes()

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.read()).hexdigest()
        return self._sha256

    @property
    def size(self) -> int:
        if self._size is None:
            self._size = len(self._content) if self._content is not None else len(self.read())
        return self._size

    def kept_in(self, blobs: Blobs) -> _Contents:
        """The same bytes in a file of ``blobs``, if it keeps them."""
        if self.path is not None:
            blobs.still_used(self.path)
            return self
        kept = blobs.keep(self.read(), self.sha256)
        return self if kept is None else _Contents(None, kept, self.sha256, self.size)

    def __getstate__(self) -> tuple:
        return (self._content, self.path, self.sha256, self.size)

    def __setstate__(self, state: tuple) -> None:
        self._content, self.path, self._sha256, self._size = state


class NamedGraph:
    """One named graph of a build, as N-Triples bytes (what every engine ingests), in
    memory or in a file of the build cache (:meth:`kept_in`)."""

    __slots__ = ("_bytes", "iri", "triple_count")

    def __init__(self, iri: str, ntriples: bytes, triple_count: int) -> None:
        self.iri, self.triple_count = iri, triple_count
        self._bytes = _Contents(ntriples)

    @property
    def ntriples(self) -> bytes:
        return self._bytes.read()

    @property
    def sha256(self) -> str:
        """The digest of the graph's bytes: what tells a build which graphs changed."""
        return self._bytes.sha256

    @property
    def available(self) -> bool:
        return self._bytes.available

    def kept_in(self, blobs: Blobs) -> NamedGraph:
        """This graph with its bytes in a file of ``blobs`` (if it keeps them)."""
        kept = object.__new__(NamedGraph)
        kept.iri, kept.triple_count = self.iri, self.triple_count
        kept._bytes = self._bytes.kept_in(blobs)
        return kept

    def __getstate__(self) -> tuple:
        return (self.iri, self.triple_count, self._bytes)

    def __setstate__(self, state: tuple) -> None:
        self.iri, self.triple_count, self._bytes = state

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NamedGraph):
            return NotImplemented
        return (self.iri, self.triple_count, self.sha256) == (
            other.iri, other.triple_count, other.sha256
        )  # fmt: skip

    def __hash__(self) -> int:
        return hash((self.iri, self.sha256))

    def __repr__(self) -> str:
        return f"NamedGraph({self.iri!r}, {self.triple_count} triples, {self.sha256[:12]})"


class DownloadFile:
    """A file a build offers for download (dump, per-plan documents): its name
    under ``{base}download/``, its media type and its bytes (in memory, or in a file
    of the build cache: :meth:`kept_in`; a build's folder then links to it)."""

    __slots__ = ("_bytes", "media_type", "name")

    def __init__(self, name: str, media_type: str, content: bytes) -> None:
        self.name, self.media_type = name, media_type
        self._bytes = _Contents(content)

    @property
    def content(self) -> bytes:
        return self._bytes.read()

    @property
    def stored_at(self) -> Path | None:
        """The file that holds the bytes, if they are not in memory."""
        return self._bytes.path

    @property
    def byte_size(self) -> int:
        return self._bytes.size

    @property
    def sha256(self) -> str:
        return self._bytes.sha256

    @property
    def available(self) -> bool:
        return self._bytes.available

    def kept_in(self, blobs: Blobs) -> DownloadFile:
        """This file with its bytes in a file of ``blobs`` (if it keeps them)."""
        kept = object.__new__(DownloadFile)
        kept.name, kept.media_type = self.name, self.media_type
        kept._bytes = self._bytes.kept_in(blobs)
        return kept

    def __getstate__(self) -> tuple:
        return (self.name, self.media_type, self._bytes)

    def __setstate__(self, state: tuple) -> None:
        self.name, self.media_type, self._bytes = state

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DownloadFile):
            return NotImplemented
        return (self.name, self.media_type, self.sha256) == (
            other.name, other.media_type, other.sha256
        )  # fmt: skip

    def __hash__(self) -> int:
        return hash((self.name, self.sha256))

    def __repr__(self) -> str:
        return f"DownloadFile({self.name!r}, {self.media_type!r}, {self.byte_size} bytes)"


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
