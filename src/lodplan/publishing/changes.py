"""The change log of a deployment, kept from build to build: what each build changed.

Each build that publishes compares the named graphs it publishes with those of the
build it replaces (by their SHA-256, :attr:`NamedGraph.sha256`) and appends one event
per graph created, updated or deleted, with the build's time and id. The log is a
file of the build, ``changes/log.json`` among its downloads: it is published with the
build and only with it (the embedded store swaps a build's folder in atomically; a
remote engine's build writes it to its ``--downloads`` folder), so a failed or killed
build appends nothing. The next build reads it from the published build
(:func:`served_change_log`). A first build, or one whose published build has no log
(or a log made for another base IRI), records every graph as created.

Nothing here knows what a graph holds: an event's *object* is what the dataset
description (VoID, ``foaf:primaryTopic``) says the graph is about — a plan, a version of
a plan — else the graph itself. The change feed (:mod:`lodplan.publishing.feed`) and
the catalog's ``dct:modified`` are made from this log.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from pyoxigraph import NamedNode, RdfFormat, parse

from lodplan.dataset import DownloadFile, NamedGraph
from lodplan.errors import LodplanError

#: The log's name among a build's files (``{base}download/changes/log.json``).
LOG_FILE = "changes/log.json"
LOG_MEDIA_TYPE = "application/json"
LOG_FORMAT_VERSION = 1
FOAF_PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"

Change = Literal["create", "update", "delete"]
CHANGES: tuple[Change, ...] = ("create", "update", "delete")


@dataclass(frozen=True)
class ChangeEvent:
    """One graph created, updated or deleted by one build."""

    sequence: int  # from 1, in the order of the log: what names the feed's member
    change: Change
    graph: str  # the named graph's IRI
    object: str  # what the graph is about (a plan), else the graph
    time: str  # the build's time, ISO 8601 in UTC (``2026-03-01T10:00:00Z``)
    build: str  # the build's id


@dataclass(frozen=True)
class PublishedGraph:
    """A graph as the last build published it."""

    sha256: str
    object: str


@dataclass(frozen=True)
class ChangeLog:
    """Every event since the first build, and the graphs the last build published."""

    base_iri: str
    events: tuple[ChangeEvent, ...] = ()
    graphs: Mapping[str, PublishedGraph] = field(default_factory=dict)

    def last_changed(self) -> dict[str, str]:
        """Each published graph's IRI → the time of the build that last changed it."""
        times: dict[str, str] = {}
        for event in self.events:
            times[event.graph] = event.time
        return {iri: times[iri] for iri in self.graphs if iri in times}

    def to_bytes(self) -> bytes:
        data = {
            "lodplan-changes": LOG_FORMAT_VERSION,
            "base_iri": self.base_iri,
            "graphs": {
                iri: {"sha256": graph.sha256, "object": graph.object}
                for iri, graph in sorted(self.graphs.items())
            },
            "events": [
                {
                    "sequence": e.sequence,
                    "change": e.change,
                    "graph": e.graph,
                    "object": e.object,
                    "time": e.time,
                    "build": e.build,
                }
                for e in self.events
            ],
        }
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    def download(self) -> DownloadFile:
        """The log as a file of the build."""
        return DownloadFile(LOG_FILE, LOG_MEDIA_TYPE, self.to_bytes())


class ChangeLogError(LodplanError):
    """A change log that cannot be read (named with what is wrong in it)."""


def read_change_log(content: bytes, where: str = LOG_FILE) -> ChangeLog:
    """The log in ``content`` (:meth:`ChangeLog.to_bytes`); :class:`ChangeLogError` if
    it is not one."""
    try:
        data = json.loads(content)
        if data.get("lodplan-changes") != LOG_FORMAT_VERSION:
            raise ChangeLogError(f"{where}: not a change log of format {LOG_FORMAT_VERSION}")
        events = tuple(
            ChangeEvent(
                sequence=int(e["sequence"]),
                change=_change(e["change"], where),
                graph=str(e["graph"]),
                object=str(e["object"]),
                time=str(e["time"]),
                build=str(e["build"]),
            )
            for e in data["events"]
        )
        graphs = {
            str(iri): PublishedGraph(str(g["sha256"]), str(g["object"]))
            for iri, g in data["graphs"].items()
        }
        return ChangeLog(str(data["base_iri"]), events, graphs)
    except ChangeLogError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ChangeLogError(f"{where}: not a change log ({type(exc).__name__}: {exc})") from None


def _change(value: object, where: str) -> Change:
    for change in CHANGES:
        if value == change:
            return change
    raise ChangeLogError(f"{where}: unknown change {value!r} (one of {', '.join(CHANGES)})")


@dataclass(frozen=True)
class PendingChanges:
    """What a build changed, before it knows its id (made from its content, the catalog
    included, whose dates come from here): :meth:`log` completes the log with it."""

    previous: ChangeLog
    time: str
    changes: tuple[tuple[Change, str, str], ...]  # (change, graph, object)
    graphs: Mapping[str, PublishedGraph]

    @property
    def last_time(self) -> str | None:
        """The time of the last build that changed anything, this one included."""
        if self.changes:
            return self.time
        return self.previous.events[-1].time if self.previous.events else None

    @property
    def day(self) -> date:
        """The build's day (UTC)."""
        return date.fromisoformat(self.time[:10])

    def log(self, build_id: str) -> ChangeLog:
        first = len(self.previous.events) + 1
        events = tuple(
            ChangeEvent(first + n, change, graph, obj, self.time, build_id)
            for n, (change, graph, obj) in enumerate(self.changes)
        )
        return replace(
            self.previous, events=(*self.previous.events, *events), graphs=dict(self.graphs)
        )


def record_changes(
    previous: ChangeLog | None,
    graphs: Iterable[NamedGraph],
    base_iri: str,
    *,
    description: NamedGraph | None = None,
    now: datetime | None = None,
) -> PendingChanges:
    """The changes from the graphs ``previous`` says are published to ``graphs``:
    created (new IRI), updated (other digest), deleted (gone), in the order of their IRIs.

    ``description``: the build's VoID description, whose ``foaf:primaryTopic`` of a graph
    is the object of its events. The time is ``now`` (UTC), never before the log's last
    event: the log stays in order even if the clock went back."""
    if previous is None or previous.base_iri != base_iri:
        previous = ChangeLog(base_iri)
    topics = _primary_topics(description) if description is not None else {}
    time = format_time(now or build_time())
    if previous.events and previous.events[-1].time > time:
        time = previous.events[-1].time
    published: dict[str, PublishedGraph] = {}
    for graph in sorted(graphs, key=lambda g: g.iri):
        published[graph.iri] = PublishedGraph(graph.sha256, topics.get(graph.iri, graph.iri))
    changes: list[tuple[Change, str, str]] = []
    for iri in sorted({*previous.graphs, *published}):
        before, after = previous.graphs.get(iri), published.get(iri)
        if before is None and after is not None:
            changes.append(("create", iri, after.object))
        elif before is not None and after is None:
            changes.append(("delete", iri, before.object))
        elif before is not None and after is not None and before.sha256 != after.sha256:
            changes.append(("update", iri, after.object))
    return PendingChanges(previous, time, tuple(changes), published)


#: A build's time, when set (seconds since 1970): reproducible builds' convention.
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def build_time() -> datetime:
    """Now, or ``$SOURCE_DATE_EPOCH`` when it is set: two builds of the same inputs at that
    time give the same bytes (the catalog's dates are the build's time)."""
    epoch = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not epoch:
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise LodplanError(
            f"{SOURCE_DATE_EPOCH}={epoch!r} is not a time (seconds since 1970-01-01)"
        ) from None


def format_time(moment: datetime) -> str:
    """``moment`` in UTC to the second, as the log and the catalog write it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _primary_topics(description: NamedGraph) -> dict[str, str]:
    topics: dict[str, str] = {}
    for quad in parse(description.ntriples, format=RdfFormat.N_TRIPLES):
        if quad.predicate.value == FOAF_PRIMARY_TOPIC and isinstance(quad.object, NamedNode):
            topics.setdefault(quad.subject.value, quad.object.value)
    return topics


def served_change_log(publisher: object, base_iri: str) -> ChangeLog | None:
    """The log of the build a publisher's store serves now; ``None`` if there is none
    (nothing published, a build made before logs, a remote engine without ``--downloads``).

    A log that is there but cannot be read stops the build (:class:`ChangeLogError`):
    starting a new one would announce every graph as created to the harvesters."""
    from lodplan.store.base import file_in
    from lodplan.store.embedded import DOWNLOADS_DIR, EmbeddedPublisher, current_build_dir
    from lodplan.store.remote import RemotePublisher

    path: Path | None = None
    try:
        if isinstance(publisher, EmbeddedPublisher):
            path = file_in(current_build_dir(publisher.root) / DOWNLOADS_DIR, LOG_FILE)
        elif isinstance(publisher, RemotePublisher):
            path = file_in(publisher.downloads_dir, LOG_FILE)
    except LodplanError:  # nothing published yet
        return None
    if path is None:
        return None
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ChangeLogError(f"{path}: cannot read the change log: {exc.strerror}") from None
    return read_change_log(content, str(path))
