"""The SQLite files the site makes once per build and language (the search index,
:mod:`lodplan.pages.search`; the table of actions, :mod:`lodplan.pages.actions`), kept in
a cache folder (:func:`cache_dir`) that a server's processes and a static export of the
same build share.

A file is named by its kind, the build (:func:`build_key`), the language and the
version of its format (:func:`build_file`); the first process that needs it writes it
into a new file renamed into place (:func:`write_sqlite`: readers see a whole file or
none), and every process then opens it read-only (:class:`BuildFile`). When a site moves
on to a new build, the files of the builds it served before the previous one are removed
(:class:`ServedBuilds`).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable
from hashlib import sha256
from pathlib import Path
from typing import Generic, Self, TypeVar

from lodplan.store.base import StoreInfo

CACHE_ENV = "LODPLAN_CACHE_DIR"

Item = TypeVar("Item")


def cache_dir() -> Path:
    """Where the files are kept: ``$LODPLAN_CACHE_DIR``, else a folder of the system's
    temporary directory."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "lodplan-cache"


def build_key(info: StoreInfo) -> str:
    """The build as file names say it: its identity, base IRI and time (two builds of
    the same data under other IRIs, or in two stores, differ)."""
    return sha256(f"{info.build_id}\n{info.base_iri}\n{info.built_at}".encode()).hexdigest()[:24]


def build_file(folder: Path, kind: str, info: StoreInfo, lang: str, version: int) -> Path:
    """The file of ``kind`` of one build in one language, in format ``version``."""
    return folder / f"{kind}-{build_key(info)}-{lang}-v{version}.sqlite"


def write_sqlite(path: Path, schema: str, fill: Callable[[sqlite3.Connection], None]) -> None:
    """Write a SQLite file at ``path`` (atomically): ``schema``, then ``fill(db)``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}")
    try:
        db = sqlite3.connect(fresh)
        try:
            db.executescript(schema)
            fill(db)
            db.commit()
        finally:
            db.close()
        fresh.replace(path)
    finally:
        fresh.unlink(missing_ok=True)


class BuildFile(Generic[Item]):
    """One build's file, read-only (made once: :meth:`open_or_build`). A kind of file
    says how it is written from its items (:meth:`write`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @staticmethod
    def write(path: Path, items: Iterable[Item]) -> None:
        raise NotImplementedError

    @classmethod
    def open_or_build(cls, path: Path, collect: Callable[[], Iterable[Item]]) -> Self:
        """The file at ``path``, written first from ``collect()`` if there is none (into a
        new file renamed into place: readers see a whole file or none)."""
        if not path.is_file():
            cls.write(path, collect())
        return cls(path)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)


class ServedBuilds:
    """The builds one site has served files of, and the folders they are in: when a new
    build comes, the files of the builds before the previous one are removed.

    Why the previous one stays: a store keeps the build it replaced besides the new one
    (:meth:`lodplan.store.embedded.EmbeddedPublisher._prune`), as a server's processes
    may still be answering requests from it: another process of the site that has not
    seen the new build yet reads that build's files. Older builds are gone from the store,
    so no process reads their files any more.

    Why only builds this site has served: the cache folder is shared (by default one
    folder of the system's temporary directory), by other stores' sites too (two sites
    on one machine, test sessions), and a file's name does not say whose build it is:
    removing every other build's files would pull another site's current index from
    under it. The limit: the files of builds served only by a process that has stopped
    (a server restarted) are left in place.
    """

    KEPT = 2  # the build served now and the one before it

    def __init__(self) -> None:
        self._folders: dict[str, set[Path]] = {}  # by build key, oldest first
        self._lock = threading.Lock()

    def serve(self, folder: Path, info: StoreInfo) -> None:
        """Files of ``info``'s build are served from ``folder``: remove those of the
        builds served before the previous one."""
        key = build_key(info)
        with self._lock:
            if key in self._folders:
                self._folders[key].add(folder)
                return
            self._folders[key] = {folder}
            old = list(self._folders)[: -self.KEPT]
            gone = [(k, self._folders.pop(k)) for k in old]
        for old_key, folders in gone:
            remove_build_files(folders, old_key)


def remove_build_files(folders: Iterable[Path], key: str) -> None:
    """Remove the files of the build ``key`` from ``folders`` (those half-written by a
    process that was stopped too)."""
    for folder in folders:
        try:
            names = [path for path in folder.iterdir() if f"-{key}-" in path.name]
        except OSError:  # the folder is gone: nothing to remove
            continue
        for path in names:
            path.unlink(missing_ok=True)
