"""Interfaces shared by the embedded and the remote store."""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Store, Triple

from lodplan.dataset import DownloadFile, NamedGraph  # re-exported: the store's types
from lodplan.errors import LodplanError
from lodplan.iris import is_skolem_iri

Term = NamedNode | BlankNode | Literal
#: One solution of a SELECT query: variable name (without ``?``) → bound term.
Solution = dict[str, Term]
_FORBIDDEN_IN_IRI = set('<>"{}|^`\\ ') | {chr(c) for c in range(0x21)}


@dataclass(frozen=True)
class StoreInfo:
    """What a published build is: its identity, base IRI and graphs.

    ``build_id`` changes with every build whose content differs; it is the seed
    of HTTP ETags, so a client's cache stays valid exactly as long as the data.
    """

    build_id: str
    base_iri: str
    built_at: str
    graphs: dict[str, int] = field(default_factory=dict)

    @property
    def triple_count(self) -> int:
        return sum(self.graphs.values())


class ReadableStore(Protocol):
    """The read side used by the publishing services."""

    def info(self) -> StoreInfo:
        """Information about the build currently served."""
        ...

    def describe(self, iri: str) -> list[Triple]:
        """Triples about ``iri`` across all graphs, with those of its ``#`` sub-resources.

        Returns an empty list when the store knows nothing about ``iri``.
        """
        ...

    def objects(self, subject: str, predicate: str) -> list[Term]:
        """Values of ``predicate`` for ``subject`` across all graphs (e.g. labels of links)."""
        ...

    def subjects_of_type(self, class_iri: str) -> list[str]:
        """IRIs of the resources typed ``class_iri`` (e.g. the plans for the home page)."""
        ...

    def download(self, name: str) -> Path | None:
        """The file of the served build offered as ``{base}download/<name>``, if any."""
        ...

    def graph_triples(self, graph_iri: str) -> list[Triple]:
        """Every triple of one named graph (small description graphs: catalog, VoID)."""
        ...

    def select(self, query: str, bindings: Mapping[str, str] | None = None) -> list[Solution]:
        """Solutions of a SELECT ``query`` over the union of all graphs.

        ``bindings`` gives IRIs to variables (``{"plan": "https://…"}``); they
        reach the query as a trailing ``VALUES`` clause (:func:`with_bindings`),
        never by editing its text. Unbound variables are absent from a solution.
        """
        ...


class DatasetPublisher(Protocol):
    """The write side used by ``lodplan build``."""

    def reserve(self) -> AbstractContextManager[None]:
        """Held by a build from before mapping to the end of :meth:`publish`: where
        builds can lock their target, a second build is refused at once."""
        ...

    def publish(
        self,
        graphs: Iterable[NamedGraph],
        *,
        base_iri: str,
        build_id: str,
        downloads: Sequence[DownloadFile] = (),
    ) -> StoreInfo:
        """Make ``graphs`` (and ``downloads``) the published dataset, replacing the
        previous one as a whole.

        Implementations must never leave a half-written dataset visible: either
        the new build is served afterwards, or the previous one still is.
        """
        ...

    def stage(self, graphs: Iterable[NamedGraph]) -> AbstractContextManager[StagedBuild]:
        """``graphs`` staged for a build that adds to them and then publishes them
        (:meth:`StagedBuild.commit`); nothing is published without the commit."""
        ...


class StagedBuild(Protocol):
    """A build's graphs, queryable before they are published (see
    :meth:`DatasetPublisher.stage`)."""

    @property
    def store(self) -> Store:
        """The staged graphs, for the queries that make the build's files."""
        ...

    def add(self, graphs: Iterable[NamedGraph]) -> None:
        """Add graphs made from the staged ones (catalog, dataset description)."""
        ...

    def commit(
        self, *, base_iri: str, build_id: str, downloads: Sequence[DownloadFile] = ()
    ) -> StoreInfo:
        """Publish every staged graph and ``downloads``, replacing the published dataset."""
        ...


class MemoryStagedBuild:
    """Staging in memory, for a publisher that cannot stage where it publishes (a
    remote engine): the graphs are sent to it on :meth:`commit`."""

    def __init__(self, publisher: DatasetPublisher, graphs: Iterable[NamedGraph]) -> None:
        self.publisher = publisher
        self.graphs: list[NamedGraph] = []
        self.store = Store()
        self.add(graphs)

    def add(self, graphs: Iterable[NamedGraph]) -> None:
        for graph in graphs:
            self.store.bulk_load(
                graph.ntriples, format=RdfFormat.N_TRIPLES, to_graph=NamedNode(graph.iri)
            )
            self.graphs.append(graph)

    def commit(
        self, *, base_iri: str, build_id: str, downloads: Sequence[DownloadFile] = ()
    ) -> StoreInfo:
        return self.publisher.publish(
            self.graphs, base_iri=base_iri, build_id=build_id, downloads=downloads
        )


@contextmanager
def staged_in_memory(
    publisher: DatasetPublisher, graphs: Iterable[NamedGraph]
) -> Iterator[MemoryStagedBuild]:
    with publisher.reserve():
        yield MemoryStagedBuild(publisher, graphs)


def describe_with_fragments(
    iri: str,
    triples_about: Callable[[NamedNode | BlankNode], Iterable[Triple]],
    statements_about: Callable[[NamedNode], Iterable[NamedNode]] = lambda subject: (),
) -> list[Triple]:
    """Triples about ``iri`` and, recursively, about the ``iri#…`` resources, the
    skolem IRIs and the blank nodes it points to, and the ``iri#…`` statements about it.

    ``#`` sub-resources (provenance, selectors, dates, a dataset's period…) and what
    stands for a blank node (the skolem IRIs of an ontology's OWL lists, see
    :func:`lodplan.iris.is_skolem_iri`) belong to their resource's document, so they are
    described with it. So do the ``rdf:Statement`` resources ``iri#…`` whose ``rdf:subject`` is
    ``iri`` (a plan's stated facts with their lines), which nothing points to: a
    concise bounded description includes the reifications of its statements.
    ``statements_about`` finds them. Duplicates (the same triple in several graphs)
    are dropped; order is that of discovery.
    """
    seen: set[Triple] = set()
    ordered: list[Triple] = []
    start = NamedNode(iri)
    own_statements = [s for s in statements_about(start) if s.value.startswith(iri + "#")]
    pending: list[NamedNode | BlankNode] = [start, *dict.fromkeys(own_statements)]
    visited: set[NamedNode | BlankNode] = set(pending)
    while pending:
        for triple in triples_about(pending.pop(0)):
            if triple in seen:
                continue
            seen.add(triple)
            ordered.append(triple)
            target = triple.object
            own = isinstance(target, BlankNode) or (
                isinstance(target, NamedNode)
                and (target.value.startswith(iri + "#") or is_skolem_iri(target.value))
            )
            if own and isinstance(target, NamedNode | BlankNode) and target not in visited:
                visited.add(target)
                pending.append(target)
    return ordered


def sparql_iri(iri: str) -> str:
    """Serialise ``iri`` as a SPARQL IRIREF, refusing anything that could escape it.

    The only way lodplan puts a value into a query's text (the SPARQL Protocol
    has no parameter binding).
    """
    if not iri or any(char in _FORBIDDEN_IN_IRI for char in iri):
        raise ValueError(f"not an IRI that can be used in a query: {iri!r}")
    return f"<{iri}>"


def with_bindings(query: str, bindings: Mapping[str, str] | None) -> str:
    """``query`` followed by a ``VALUES`` clause binding each variable to its IRI.

    A trailing ``VALUES`` (SPARQL 1.1 §10.2.2) joins with the whole query; engines
    push it down like a bound pattern. Variable names must be plain names.
    """
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not _VARIABLE_NAME.fullmatch(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    variables = " ".join(f"?{name}" for name in names)
    values = " ".join(sparql_iri(bindings[name]) for name in names)
    return f"{query.rstrip()}\nVALUES ({variables}) {{ ({values}) }}\n"


def with_inner_bindings(query: str, bindings: Mapping[str, str] | None) -> str:
    """``query`` with a ``VALUES`` clause binding each variable to its IRI at the start of
    its ``WHERE`` group, for engines that mishandle a trailing ``VALUES`` on a variable the
    query does not project (Virtuoso 7: "No column"). The same solutions for the queries
    lodplan binds (a bound variable is projected, or not grouped away), and the engine
    starts from the bound value."""
    if not bindings:
        return query
    values = with_bindings("", bindings).strip()
    code = _NOT_CODE.sub(lambda match: " " * len(match.group()), query)
    where = _WHERE_GROUP.search(code)
    opening = where.end() if where else code.find("{") + 1
    if opening <= 0:
        raise ValueError("not a query with a WHERE group: its variables cannot be bound")
    return f"{query[:opening]} {values}\n{query[opening:]}"


# What is not code in a SPARQL text (strings, IRI references, comments, escapes in
# prefixed names): the braces and keywords in them do not count. As in
# lodplan.sparql.inspection, which this layer does not import.
_NOT_CODE = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
      | '(?:[^'\\\n\r]|\\.)*(?:'|(?=[\n\r])|\Z)
      | "(?:[^"\\\n\r]|\\.)*(?:"|(?=[\n\r])|\Z)
      | <[^<>"{}|^`\\\x00-\x20]*>
      | \#[^\n\r]*
      | \\.
    """,
    re.VERBOSE | re.DOTALL,
)
_WHERE_GROUP = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)

RDF_SUBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"

_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_valid_iri(iri: str) -> bool:
    """Whether ``iri`` is an absolute IRI a store can look up (requests may carry anything)."""
    try:
        NamedNode(iri)
    except ValueError:
        return False
    return True


def write_downloads(directory: Path, files: Sequence[DownloadFile]) -> None:
    """Write ``files`` under ``directory``; a name never leads outside it. A file whose
    bytes the build cache keeps is a hard link to the cache's (never rewritten) file:
    an incremental build writes only what changed.

    An :class:`OSError` (a full disk…) names the file that could not be written.
    """
    for file in files:
        path = directory / file.name
        if not path.resolve().is_relative_to(directory.resolve()):
            raise ValueError(f"a download must be written under {directory}: {file.name!r}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if file.stored_at is None or not _linked(file.stored_at, path):
                path.write_bytes(file.content)
        except OSError as exc:
            if exc.filename is not None:
                raise
            raise OSError(exc.errno, exc.strerror, str(path)) from exc  # write(2) names none


def _linked(source: Path, target: Path) -> bool:
    """Whether ``target`` could be made a hard link to ``source`` (not across file
    systems, nor where links are not allowed)."""
    try:
        os.link(source, target)
    except OSError:
        return False
    return True


class StoreUnavailableError(LodplanError):
    """The store cannot answer now (a remote engine that is down or too slow): the server
    answers ``503`` with ``Retry-After``, never a ``500``."""


#: The folder of a build's files that keeps the inputs of every published version of the
#: versioned plans (lodplan.versions): carried from build to build, never served (a
#: source may hold what its published text masks).
ARCHIVE_DIR = ".versions"


def file_in(directory: Path | None, name: str) -> Path | None:
    """The file ``name`` of a build's files folder, if it exists and is served; a name
    never leads outside it (``../manifest.json``) nor into the archive of versions."""
    if directory is None or name.split("/", 1)[0] == ARCHIVE_DIR:
        return None
    root = directory.resolve()
    try:
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
    except (OSError, ValueError):  # a name the file system refuses (too long, NUL…)
        return None
    return path


def file_names(directory: Path | None) -> list[str]:
    """The name of every file served from ``directory`` (``plans/p.ttl``…), sorted."""
    if directory is None or not directory.is_dir():
        return []
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file()
        and not path.is_symlink()
        and path.relative_to(directory).parts[0] != ARCHIVE_DIR
    )


class StoreWriteError(LodplanError):
    """A build could not write into its store: a full disk or quota, permissions…

    One line naming what could not be written, why, and ``note`` (what became of the
    published data); the command exits with status 2 (``LodplanError``).
    """

    def __init__(self, path: Path | str, error: OSError, *, note: str = "") -> None:
        self.path = Path(path)
        self.error = error
        reason = " ".join(str(error.strerror or error).split())  # RocksDB's may span lines
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            reason += " (free some space, then build again)"
        super().__init__(f"cannot write {path}: {reason}" + (f"; {note}" if note else ""))


def replace_directory(target: Path, files: Sequence[DownloadFile]) -> None:
    """Make ``target`` hold exactly ``files``: written beside it, then swapped in, so a
    failure leaves the previous files in place."""
    target = Path(target)
    fresh = target.with_name(f".{target.name}.new-{os.getpid()}")
    stale = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        fresh.mkdir(parents=True)
        write_downloads(fresh, files)
        if target.exists():
            target.rename(stale)
        fresh.rename(target)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        if stale.exists() and not target.exists():
            stale.rename(target)
        raise
    shutil.rmtree(stale, ignore_errors=True)
