"""Embedded, persistent store on pyoxigraph (RocksDB), with atomic build swaps.

Layout of a store directory::

    STORE/
      current            -> builds/<build-id>   (symlink, swapped atomically)
      builds/<build-id>/
        data/            pyoxigraph database
        downloads/       files offered for download (dump, per-plan files)
        manifest.json    StoreInfo of that build

A build writes a fresh ``builds/<id>`` directory and only then repoints
``current`` with an atomic rename, so readers always see either the previous
complete build or the new complete build. One build at a time holds the store's
lock (``.lock``, from before mapping to the swap): it first removes what builds
killed while publishing left (folders without a manifest, temporary links), and
after its swap keeps only itself and the build it replaced, which a server may
still be reading.
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    Variable,
)

from lodplan.errors import LodplanError
from lodplan.store.base import (
    RDF_SUBJECT,
    DownloadFile,
    NamedGraph,
    Solution,
    StoreInfo,
    StoreWriteError,
    describe_with_fragments,
    file_in,
    file_names,
    is_valid_iri,
    with_bindings,
    write_downloads,
)

CURRENT_LINK = "current"
BUILDS_DIR = "builds"
DATA_DIR = "data"
DOWNLOADS_DIR = "downloads"
MANIFEST = "manifest.json"
#: Beside the manifest: the digest of each graph, so that the next build copies the
#: database and replaces only the graphs that changed.
GRAPH_DIGESTS = "graph-digests.json"
#: Above this share of changed triples, a new database is written whole instead.
REWRITE_SHARE = 0.5
LOCK_FILE = ".lock"
UNCHANGED = "the published build is unchanged"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class StoreNotBuiltError(LodplanError, FileNotFoundError):
    """Raised when a store directory has no published build yet."""


class EmbeddedPublisher:
    """Writes builds into a store directory and swaps them in atomically."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._reserved = False  # this publisher holds the store's lock

    @contextmanager
    def reserve(self) -> Iterator[None]:
        """Hold the store's build lock, for a whole build: a second build on the store is
        refused at once (:class:`~lodplan.errors.LodplanError`), not after its checks.

        First removes the leftovers of builds killed while publishing. Re-entrant:
        :meth:`publish` inside it does not lock again (two locks of one process conflict).
        """
        if self._reserved:
            yield
            return
        with _exclusive_lock(self.root):
            self._reserved = True
            try:
                self._remove_leftovers()
                yield
            finally:
                self._reserved = False

    def publish(
        self,
        graphs: Iterable[NamedGraph],
        *,
        base_iri: str,
        build_id: str,
        downloads: Sequence[DownloadFile] = (),
    ) -> StoreInfo:
        with self.stage(graphs) as staged:
            return staged.commit(base_iri=base_iri, build_id=build_id, downloads=downloads)

    @contextmanager
    def stage(self, graphs: Iterable[NamedGraph]) -> Iterator[StagedBuild]:
        """A new build's database holding ``graphs``, writable and queryable until
        :meth:`StagedBuild.commit` publishes it. Left without a commit (an error, or
        none made) it is removed, and the published build stays as it was."""
        with self.reserve():
            builds = self.root / BUILDS_DIR
            previous = _link_target(self.root / CURRENT_LINK)
            stamp = datetime.now(UTC)
            staged: StagedBuild | None = None
            try:
                builds.mkdir(exist_ok=True)
                build_dir = builds / f"{stamp:%Y%m%dT%H%M%S%f}-staged"
                build_dir.mkdir()
                staged = StagedBuild(self, build_dir, stamp, previous)
                staged.load_initial(list(graphs))
                yield staged
            except BaseException as exc:
                self._discard(staged)
                if isinstance(exc, OSError):  # disk full, quota, permissions: what, where
                    where = exc.filename or (staged.build_dir if staged else builds)
                    raise StoreWriteError(where, exc, note=UNCHANGED) from exc
                raise
            if staged.info is None:  # never committed
                self._discard(staged)
                return
            self._prune(keep={staged.build_dir.resolve(), previous})

    def _discard(self, staged: StagedBuild | None) -> None:
        if staged is None:
            return
        staged.close()
        # never the build just swapped in (a failure syncing the store folder after it)
        if _link_target(self.root / CURRENT_LINK) != staged.build_dir.resolve():
            shutil.rmtree(staged.build_dir, ignore_errors=True)

    def _swap_current(self, build_dir: Path) -> None:
        link = self.root / CURRENT_LINK
        tmp_link = self.root / f".{CURRENT_LINK}.{os.getpid()}"
        try:
            tmp_link.unlink(missing_ok=True)
            tmp_link.symlink_to(build_dir.relative_to(self.root))
            tmp_link.replace(link)  # rename(2) is atomic: readers see old or new, never none
        except OSError as exc:  # it would name the link's target, relative to the store
            raise OSError(exc.errno, exc.strerror, str(tmp_link)) from exc
        _fsync_dir(self.root)

    def _prune(self, keep: set[Path | None]) -> None:
        """Remove every build but the new one and the one it replaced (a server may be
        answering a request from it): older builds, builds that never got swapped in."""
        for build in (self.root / BUILDS_DIR).iterdir():
            if build.is_dir() and not build.is_symlink() and build.resolve() not in keep:
                shutil.rmtree(build, ignore_errors=True)

    def _remove_leftovers(self) -> None:
        """Remove what builds killed while publishing left: build folders without a
        manifest, temporary ``current`` links. Under the lock, so no build is writing.

        Never the current build, nor any complete one: a folder without a manifest was
        never swapped in, so no server reads it; complete builds wait for :meth:`_prune`.
        """
        current = _link_target(self.root / CURRENT_LINK)
        builds = self.root / BUILDS_DIR
        for build in builds.iterdir() if builds.is_dir() else ():
            if build.is_symlink() or not build.is_dir() or build.resolve() == current:
                continue
            if not (build / MANIFEST).exists():
                shutil.rmtree(build, ignore_errors=True)
        for link in self.root.glob(f".{CURRENT_LINK}.*"):
            if link.is_symlink():
                link.unlink(missing_ok=True)


class StagedBuild:
    """A build being written: its database is the one it will publish, open for writing
    (and for the queries that make its downloads, instead of a copy in memory)."""

    def __init__(
        self, publisher: EmbeddedPublisher, build_dir: Path, stamp: datetime, previous: Path | None
    ) -> None:
        self.publisher, self.build_dir, self.stamp = publisher, build_dir, stamp
        self.previous = previous
        self.graphs: dict[str, NamedGraph] = {}
        self.info: StoreInfo | None = None
        self._store: Store | None = None
        self._copied = False

    @property
    def store(self) -> Store:
        assert self._store is not None, "the staged database is closed"
        return self._store

    def load_initial(self, graphs: list[NamedGraph]) -> None:
        """Hold exactly ``graphs``: a copy of the previous build's database in which the
        graphs that changed are replaced, when most of it is unchanged (a checkpoint:
        RocksDB's immutable files are shared by hard links, so copying costs nothing);
        else a new database."""
        data_dir = self.build_dir / DATA_DIR
        changed = _changed_graphs(self.previous, graphs)
        try:
            if changed is not None:
                Store.read_only(str(changed.database)).backup(str(data_dir))
                self._copied = True
            self._store = Store(str(data_dir))
            for iri in changed.removed if changed else ():
                self.store.remove_graph(NamedNode(iri))
            self._load(changed.loaded if changed else graphs)
        except OSError as exc:  # pyoxigraph's: a message naming RocksDB's file, no errno
            raise StoreWriteError(exc.filename or data_dir, exc, note=UNCHANGED) from exc
        self.graphs = {graph.iri: graph for graph in graphs}

    def add(self, graphs: Iterable[NamedGraph]) -> None:
        """Add graphs made from the staged ones (the catalog, the dataset description)."""
        graphs = [graph for graph in graphs if graph.iri not in self.graphs]
        self._load(graphs)
        self.graphs.update((graph.iri, graph) for graph in graphs)

    def _load(self, graphs: Iterable[NamedGraph]) -> None:
        for graph in graphs:
            self.store.bulk_load(
                graph.ntriples, format=RdfFormat.N_TRIPLES, to_graph=NamedNode(graph.iri)
            )

    def commit(
        self, *, base_iri: str, build_id: str, downloads: Sequence[DownloadFile] = ()
    ) -> StoreInfo:
        """Publish the staged database with ``downloads``: swapped in atomically."""
        self.store.flush()
        if not self._copied:  # a copy keeps the previous build's compacted files
            self.store.optimize()
        self.close()  # RocksDB closed before anyone opens the build read-only
        final = self.build_dir.with_name(f"{self.stamp:%Y%m%dT%H%M%S%f}-{build_id[:12]}")
        self.build_dir.rename(final)
        self.build_dir = final
        write_downloads(final / DOWNLOADS_DIR, downloads)
        digests = {iri: graph.sha256 for iri, graph in sorted(self.graphs.items())}
        _write_durably(final / GRAPH_DIGESTS, json.dumps(digests, indent=0) + "\n")
        counts = {iri: graph.triple_count for iri, graph in self.graphs.items()}
        info = StoreInfo(build_id, base_iri, self.stamp.isoformat(timespec="seconds"), counts)
        _write_durably(final / MANIFEST, json.dumps(_info_to_json(info), indent=2) + "\n")
        _fsync_tree(final)
        self.publisher._swap_current(final)
        self.info = info
        return info

    def close(self) -> None:
        if self._store is not None:
            store, self._store = self._store, None
            del store


class EmbeddedStore:
    """Read side of an embedded store; follows build swaps without a restart."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._opened_build: Path | None = None
        self._store: Store | None = None
        self._info: StoreInfo | None = None
        self._refresh()

    @property
    def data_path(self) -> Path:
        """Path of the database of the build currently served (for query workers)."""
        self._refresh()
        assert self._opened_build is not None
        return self._opened_build / DATA_DIR

    def info(self) -> StoreInfo:
        self._refresh()
        assert self._info is not None
        return self._info

    def describe(self, iri: str) -> list[Triple]:
        if not is_valid_iri(iri):
            return []
        store = self._current_store()

        def triples_about(subject: NamedNode | BlankNode):
            return (q.triple for q in store.quads_for_pattern(subject, None, None, None))

        def statements_about(subject: NamedNode):
            quads = store.quads_for_pattern(None, NamedNode(RDF_SUBJECT), subject, None)
            return (q.subject for q in quads if isinstance(q.subject, NamedNode))

        return describe_with_fragments(iri, triples_about, statements_about)

    def graph_triples(self, graph_iri: str) -> list[Triple]:
        if not is_valid_iri(graph_iri):
            return []
        quads = self._current_store().quads_for_pattern(None, None, None, NamedNode(graph_iri))
        return [quad.triple for quad in quads]

    def objects(self, subject: str, predicate: str) -> list:
        if not (is_valid_iri(subject) and is_valid_iri(predicate)):
            return []
        quads = self._current_store().quads_for_pattern(
            NamedNode(subject), NamedNode(predicate), None, None
        )
        return list(dict.fromkeys(quad.object for quad in quads))

    def subjects_of_type(self, class_iri: str) -> list[str]:
        quads = self._current_store().quads_for_pattern(None, RDF_TYPE, NamedNode(class_iri), None)
        return sorted({q.subject.value for q in quads if isinstance(q.subject, NamedNode)})

    def download(self, name: str) -> Path | None:
        self._refresh()
        assert self._opened_build is not None
        return file_in(self._opened_build / DOWNLOADS_DIR, name)

    def download_names(self) -> list[str]:
        """The name of every file :meth:`download` gives (``plans/p.ttl``…), sorted."""
        self._refresh()
        assert self._opened_build is not None
        return file_names(self._opened_build / DOWNLOADS_DIR)

    def select(self, query: str, bindings: Mapping[str, str] | None = None) -> list[Solution]:
        solutions = self._solutions(query, bindings)
        if not isinstance(solutions, QuerySolutions):
            raise ValueError("select() runs SELECT queries; use describe() for a graph")
        names = [variable.value for variable in solutions.variables]
        return [
            {name: term for name in names if (term := solution[name]) is not None}
            for solution in solutions
        ]

    def _solutions(self, query: str, bindings: Mapping[str, str] | None) -> object:
        """The answer of ``query`` with ``bindings``: given to pyoxigraph as substitutions
        (SEP-0007: the variables are bound before evaluation) when the query projects them,
        else as a trailing ``VALUES``. pyoxigraph joins a trailing ``VALUES`` after
        evaluating the whole query: with one plan bound, the plans' counts took 6.6 s at a
        million triples (every plan counted, then one kept), with substitutions 27 ms."""
        store = self._current_store()
        with_values = with_bindings(query, bindings)  # refuses what is no name or no IRI
        if bindings:
            substitutions: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
                Variable(name): NamedNode(iri) for name, iri in bindings.items()
            }
            try:
                return store.query(
                    query, use_default_graph_as_union=True, substitutions=substitutions
                )
            except RuntimeError:  # a bound variable the query does not project
                pass
        return store.query(with_values, use_default_graph_as_union=True)

    def raw(self) -> Store:
        """The underlying pyoxigraph store (read-only), for services that need patterns."""
        return self._current_store()

    def pinned(self) -> EmbeddedStore:
        """The build this store last opened (call :meth:`info` first to have the current
        one), as one request sees it from start to end: its lookups never look for a newer
        build (the next request sees a new one). Every lookup of the store itself resolves
        ``current`` (a file-system call): an actor's page at national scale, 1,450 label
        lookups, spent 0.54 of its 1.36 s there."""
        view = copy.copy(self)  # the same opened database
        view.__class__ = _PinnedStore
        return view

    def _current_store(self) -> Store:
        self._refresh()
        assert self._store is not None
        return self._store

    def _refresh(self) -> None:
        build = current_build_dir(self.root)
        if build == self._opened_build:
            return
        with self._lock:
            if build == self._opened_build:
                return
            self._info = read_manifest(build)
            self._store = Store.read_only(str(build / DATA_DIR))
            self._opened_build = build


@dataclass(frozen=True)
class _Changes:
    """What turns the previous build's database into the new one."""

    database: Path  # the previous build's
    removed: list[str]  # graphs gone or changed: removed from the copy
    loaded: list[NamedGraph]  # graphs new or changed: loaded into it


def _changed_graphs(previous: Path | None, graphs: list[NamedGraph]) -> _Changes | None:
    """The changes from the previous build's database, or None when writing a new
    database is better: no previous build (or one without graph digests), or most
    triples changed."""
    if previous is None or not (previous / DATA_DIR).is_dir():
        return None
    try:
        old = json.loads((previous / GRAPH_DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(old, dict):
        return None
    new = {graph.iri: graph.sha256 for graph in graphs}
    loaded = [graph for graph in graphs if old.get(graph.iri) != graph.sha256]
    removed = sorted(iri for iri, digest in old.items() if new.get(iri) != digest)
    total = sum(graph.triple_count for graph in graphs) or 1
    if sum(graph.triple_count for graph in loaded) > REWRITE_SHARE * total:
        return None
    return _Changes(previous / DATA_DIR, removed, loaded)


class _PinnedStore(EmbeddedStore):
    """An :class:`EmbeddedStore` that stays on the build it was pinned to."""

    def _refresh(self) -> None:
        return


def current_build_dir(root: Path) -> Path:
    link = Path(root) / CURRENT_LINK
    try:
        return link.resolve(strict=True)
    except FileNotFoundError:
        raise StoreNotBuiltError(
            f"no build published in store '{root}': run 'lodplan build --store {root}' first"
        ) from None


def _link_target(link: Path) -> Path | None:
    """The folder a symbolic link leads to, or None (no link, or a dangling one)."""
    try:
        return link.resolve(strict=True)
    except OSError:  # RuntimeError too for a loop, before Python 3.13
        return None


def read_manifest(build_dir: Path) -> StoreInfo:
    data = json.loads((build_dir / MANIFEST).read_text())
    return StoreInfo(
        build_id=data["build_id"],
        base_iri=data["base_iri"],
        built_at=data["built_at"],
        graphs={k: int(v) for k, v in data["graphs"].items()},
    )


@contextmanager
def _exclusive_lock(root: Path) -> Iterator[None]:
    """One build at a time per store: a second one would prune the first one's files.

    An advisory ``flock`` on ``root/.lock``, released by the kernel when its holder
    dies (a killed build never blocks the next one). The file holds the holder's pid.
    """
    path = root / LOCK_FILE
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+b", buffering=0)  # unbuffered: nothing left to flush at close
    except OSError as exc:
        raise StoreWriteError(exc.filename or path, exc, note=UNCHANGED) from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read(32).decode("ascii", "replace").strip()
            by = f" (process {holder})" if holder.isdigit() else ""
            raise LodplanError(
                f"another build is running on the store {root}{by}; try again when it is done"
            ) from None
        try:
            with suppress(OSError):  # who holds it: for the message above only
                handle.truncate(0)
                handle.write(f"{os.getpid()}\n".encode())
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_durably(path: Path, text: str) -> None:
    try:
        with path.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:  # a write that fails names no file
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def _fsync_tree(directory: Path) -> None:
    """Flush a finished build to disk before it is swapped in (a crash must not expose it
    half-written)."""
    for path in sorted(directory.rglob("*"), reverse=True):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        else:
            _fsync_dir(path)
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _info_to_json(info: StoreInfo) -> dict[str, object]:
    return {
        "build_id": info.build_id,
        "base_iri": info.base_iri,
        "built_at": info.built_at,
        "graphs": info.graphs,
    }
