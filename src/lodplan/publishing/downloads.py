"""Files a build offers for download: the full dump and, per plan, JSON-LD, Turtle,
N-Quads, CSV and the text of its source document.

They are made once per build from the build's graphs, so their size and checksum
are known before publication (for the catalog to announce), and they are served
as they are (``{base}download/<name>``). The dump is every data graph as N-Quads,
gzipped; the description graphs that announce it (VoID, catalog) are not in it.

The per-plan CSV has one row per action, its columns declared by the CSVW
metadata template ``site/csv/actions.csv-metadata.json`` and filled by the
queries beside it, each run once for the whole build and read plan by plan (a
query per plan costs in proportion to the store: quadratic over every EPCI); the
same table is also a workbook for spreadsheets (``plans/<id>.xlsx``,
:mod:`lodplan.publishing.workbooks`).
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import io
import itertools
import json
import multiprocessing
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from multiprocessing.pool import Pool
from pathlib import Path
from typing import TypeVar

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QuerySolution,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    Variable,
)

from lodplan.bundled import ontology_dir, shapes_dir, site_dir
from lodplan.dataset import Blobs, DownloadFile, Memo, NamedGraph, PlanFiles, no_memo
from lodplan.publishing import frames
from lodplan.publishing.jsonld import JsonLdContext
from lodplan.publishing.workbooks import XLSX_MEDIA_TYPE, WorkbookAbout, actions_workbook
from lodplan.terms import PREFIXES

DOWNLOAD_PATH = "download/"  # files of a build are served at {base}download/<name>
#: The whole dump as a file: gzipped N-Quads, what people download.
DUMP_NAME = "lodplan.nq.gz"
#: The same dump as N-Quads, for RDF clients that load it from its URL: served from
#: the gzipped file (``Content-Encoding: gzip`` to a client that accepts it, plain
#: N-Quads to one that does not), never written out (94 MB for the bundled plans).
DUMP_NQUADS_NAME = "lodplan.nq"
#: The files of a plan that are RDF dumps of its graph (VoID ``void:dataDump``): each
#: loads from its URL in an RDF client (``.nq`` is served from the ``.nq.gz`` file).
PLAN_DUMP_SUFFIXES = (".ttl", ".nq", ".jsonld")
GZIP_SUFFIX = ".gz"
#: The media type of a gzipped file served as a file (RFC 6713), as the catalog's
#: ``dcat:compressFormat`` names it; the N-Quads inside are ``application/n-quads``.
GZIP_MEDIA_TYPE = "application/gzip"
NQUADS_MEDIA_TYPE = "application/n-quads"
#: What spreadsheets need to read the CSV as UTF-8: Excel reads a CSV without it in
#: the ANSI code page (Windows-1252 in French), LibreOffice's text import dialog
#: preselects UTF-8 when it sees it. CSVW parsers decode with the Encoding Standard,
#: whose UTF-8 decode skips it.
UTF8_BOM = "\ufeff"
PLANS_DIR = "plans"
MULTI_VALUE_SEPARATOR = " | "
ROLE_COLUMNS = ("pilote", "partenaire", "service-concerne", "financeur", "beneficiaire",
                "mentionne")  # fmt: skip


#: The day a file of a plan was first published (ISO date), given the plan id and the
#: file: see :func:`lodplan.publishing.catalog.publication_dates`.
PublicationDate = Callable[[str, DownloadFile], str]


#: Date roles (code list date-role) that bound an action's own span in the CSV.
STARTING_ROLES = frozenset({"debut", "periode"})
ENDING_ROLES = frozenset({"fin", "echeance", "periode"})


def memory_store(graphs: Iterable[NamedGraph]) -> Store:
    """The graphs in an in-memory store: the files need labels from other graphs.
    ``load``, not ``bulk_load``: in memory, the bulk loader's batching only costs
    (a fifth to a third of the time, benchmarks/plan_files.py)."""
    store = Store()
    for graph in graphs:
        store.load(graph.ntriples, format=RdfFormat.N_TRIPLES, to_graph=NamedNode(graph.iri))
    return store


def make_downloads(
    store: Store,
    graphs: list[NamedGraph],
    plans: Iterable[PlanFiles],
    context: JsonLdContext,
    published: PublicationDate | None = None,
    memo: Memo = no_memo,
    workers: int = 1,
) -> list[DownloadFile]:
    """The dump of ``graphs`` and, for each plan, its nested JSON-LD document (framed
    with ``context``), its graph in Turtle and N-Quads, its CSV and the same table as a
    workbook, dated by ``published`` from the plan's CSV (default: today, UTC);
    ``store`` holds ``graphs`` (see :func:`memory_store`).

    The CSV's queries run once for the whole build (:meth:`ActionTable.every`) and are
    read plan by plan: each plan's rows are dropped once its files are made. With a
    ``memo`` (an incremental build), the files of a plan whose graph and the graphs its
    CSV reads labels from are unchanged are those an earlier build made, and so is the
    dump's part for each unchanged graph.

    With ``workers`` above 1, what does not read ``store`` (JSON-LD, N-Quads, CSV,
    workbook, the dump's parts) is made in that many forked processes, plan by plan in
    order; the store is read in this process only (the tables, the Turtle). The files
    are the same bytes either way."""
    plans = list(plans)
    by_iri = {graph.iri: graph for graph in graphs}
    shared = _shared_key(graphs, plans, context)
    keys = {plan.plan_iri: _plan_key(plan, by_iri[plan.graph_iri], shared) for plan in plans}
    made: dict[str, _PlanDownloads] = {}
    for plan in plans:
        kept = memo.get(PLAN_FILES_MEMO, keys[plan.plan_iri])
        if kept is not None and all(file.available for file in kept.files):
            made[plan.plan_iri] = kept.kept_in(memo)
    missing = [plan for plan in plans if plan.plan_iri not in made]
    day_of = published or _today
    plan_graphs = {plan.graph_iri for plan in plans}
    dump_keys = {graph.iri: f"{graph.iri} {graph.sha256}" for graph in graphs}
    parts: dict[str, bytes] = {}  # the dump's part of each graph that is not a plan's
    for graph in graphs:
        if graph.iri not in plan_graphs and (part := memo.get(DUMP_MEMO, dump_keys[graph.iri])):
            parts[graph.iri] = part
    unmade = [g for g in graphs if g.iri not in plan_graphs and g.iri not in parts]
    global _WORKER_FILES
    _WORKER_FILES = _FilesContext(by_iri, context, day_of, memo)
    try:
        with _processes(min(workers, len(missing) + len(unmade))) as processes:
            made_parts = [processes.soon(gzipped_part, graph.iri) for graph in unmade]
            jobs = (
                (plan, table, plan_turtle(store, plan))
                for plan, table in _tables(store, missing, every=len(missing) > len(plans) // 10)
            )
            for plan, downloads in processes.ordered(_plan_files_of, jobs):
                made[plan.plan_iri] = downloads.kept_in(memo)  # used by this build
                memo.put(PLAN_FILES_MEMO, keys[plan.plan_iri], made[plan.plan_iri])
            for graph, part in zip(unmade, made_parts, strict=True):
                parts[graph.iri] = part()
                memo.put(DUMP_MEMO, dump_keys[graph.iri], parts[graph.iri])
    finally:
        _WORKER_FILES = None
    every: list[DownloadFile] = []
    for plan in plans:
        downloads = made[plan.plan_iri]
        day = day_of(plan.plan_id, downloads.files[3])  # dated as its CSV
        if downloads.workbook is None or not downloads.workbook.available or downloads.day != day:
            downloads = _PlanDownloads(
                downloads.files, downloads.table, day, plan_workbook(downloads.table, day)
            ).kept_in(memo)
            memo.put(PLAN_FILES_MEMO, keys[plan.plan_iri], downloads)
        assert downloads.workbook is not None
        every += [*downloads.files, downloads.workbook]
        if plan.source_lines:
            every.append(source_text(plan))
        parts[plan.graph_iri] = downloads.files[2].content  # its N-Quads: the dump's part
    dump = DownloadFile(DUMP_NAME, GZIP_MEDIA_TYPE, b"".join(parts[g.iri] for g in graphs))
    return [dump, *every, *vocabulary_files()]


@dataclass(frozen=True)
class _FilesContext:
    """What a forked process making files reads, inherited instead of sent."""

    graphs: dict[str, NamedGraph]
    context: JsonLdContext
    day_of: PublicationDate
    memo: Memo


_WORKER_FILES: _FilesContext | None = None


def gzipped_part(graph_iri: str) -> bytes:
    """The dump's part of a graph of the build being made (in a forked process)."""
    assert _WORKER_FILES is not None
    return gzipped_nquads([_WORKER_FILES.graphs[graph_iri]])


def _plan_files_of(
    job: tuple[PlanFiles, ActionTable, DownloadFile],
) -> tuple[PlanFiles, _PlanDownloads]:
    """A plan's files, from its table and Turtle read from the store by the parent."""
    assert _WORKER_FILES is not None
    plan, table, turtle = job
    shared = _WORKER_FILES
    graph = shared.graphs[plan.graph_iri]
    files = [
        plan_jsonld(graph, plan, shared.context),
        turtle,
        plan_nquads(graph, plan),
        *plan_csv(table),
    ]
    day = shared.day_of(plan.plan_id, files[3])
    downloads = _PlanDownloads(files, table, day, plan_workbook(table, day))
    return plan, downloads.kept_in(shared.memo)  # kept by their digest: no bytes sent back


T = TypeVar("T")
R = TypeVar("R")


class _Processes:
    """Functions run on items in this process, or in forked processes (``pool``)."""

    def __init__(self, pool: Pool | None, workers: int) -> None:
        self.pool, self.workers = pool, workers

    def soon(self, function: Callable[[T], R], item: T) -> Callable[[], R]:
        """``function(item)``, started now in a process if there are some; call the
        result to wait for it."""
        if self.pool is None:
            return functools.partial(function, item)
        return self.pool.apply_async(function, (item,)).get

    def ordered(self, function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``function(item)`` for each item, in order; a bounded number of items handed
        out ahead, so that the items' generator runs here as the results come."""
        pending: deque[Callable[[], R]] = deque()
        for item in items:
            pending.append(self.soon(function, item))
            if len(pending) >= 4 * self.workers:
                yield pending.popleft()()
        while pending:
            yield pending.popleft()()


@contextmanager
def _processes(workers: int) -> Iterator[_Processes]:
    if workers <= 1:
        yield _Processes(None, 1)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield _Processes(pool, workers)


PLAN_FILES_MEMO = "plan-files"
DUMP_MEMO = "dump-part"


@dataclass(frozen=True)
class _PlanDownloads:
    """What an incremental build keeps of a plan's files: its JSON-LD, Turtle, N-Quads and
    CSV files, its table, and the workbook made from it for the ``day`` it is dated."""

    files: list[DownloadFile]
    table: ActionTable
    day: str | None = None
    workbook: DownloadFile | None = None

    def kept_in(self, blobs: Blobs) -> _PlanDownloads:
        """The same files, their bytes in ``blobs``' files when it keeps them."""
        workbook = self.workbook.kept_in(blobs) if self.workbook is not None else None
        return _PlanDownloads(
            [file.kept_in(blobs) for file in self.files], self.table, self.day, workbook
        )


def _tables(
    store: Store, plans: list[PlanFiles], *, every: bool
) -> Iterable[tuple[PlanFiles, ActionTable]]:
    """The plans' tables: from one run of each query for the build when many plans need
    theirs, else plan by plan (a run for the build costs what the whole store costs)."""
    if every:
        return ActionTable.every(store, plans)
    return ((plan, ActionTable.of(store, plan)) for plan in sorted(plans, key=_by_iri))


def _by_iri(plan: PlanFiles) -> str:
    return plan.plan_iri


def _shared_key(graphs: list[NamedGraph], plans: list[PlanFiles], context: JsonLdContext) -> str:
    """What every plan's files depend on besides its own graph: the other graphs (labels of
    actors, places, concepts), the JSON-LD context."""
    own = {plan.graph_iri for plan in plans}
    digest = hashlib.sha256(f"{context.url}\n".encode() + context.path.read_bytes())
    for graph in graphs:
        if graph.iri not in own:
            digest.update(f"{graph.iri} {graph.sha256}\n".encode())
    return digest.hexdigest()


def _plan_key(plan: PlanFiles, graph: NamedGraph, shared: str) -> str:
    fields = (plan.plan_id, plan.plan_iri, plan.graph_iri, plan.title, plan.licence,
              plan.source_iri, graph.sha256, shared)  # fmt: skip
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


SOURCES_DIR = "sources"
#: The vocabulary files every build offers whole: the ontology (its terms, not only
#: its header as ``/resource?iri=`` describes it) and the SHACL shapes.
ONTOLOGY_FILE = "ontology/lodplan.ttl"
SHAPES_FILE = "shapes/lodplan-shapes.ttl"


def vocabulary_files() -> list[DownloadFile]:
    """``ontology/lodplan.ttl`` and ``shapes/lodplan-shapes.ttl``, as bundled."""
    return [
        DownloadFile(ONTOLOGY_FILE, "text/turtle", (ontology_dir() / "lodplan.ttl").read_bytes()),
        DownloadFile(
            SHAPES_FILE, "text/turtle", (shapes_dir() / "lodplan-shapes.ttl").read_bytes()
        ),
    ]


def source_text_name(plan_id: str) -> str:
    """The download name of a plan's source text: ``sources/<plan-id>.txt``."""
    return f"{SOURCES_DIR}/{plan_id}.txt"


def source_text(plan: PlanFiles) -> DownloadFile:
    """The source's lines as UTF-8 text, numbered as the provenance counts them."""
    text = "".join(line + "\n" for line in plan.source_lines)
    return DownloadFile(
        source_text_name(plan.plan_id), "text/plain; charset=utf-8", text.encode("utf-8")
    )


def full_dump(graphs: list[NamedGraph], memo: Memo = no_memo) -> DownloadFile:
    """Every graph as N-Quads, gzipped (no timestamp in the header: same data, same bytes):
    one gzip member per graph, one after the other (RFC 1952 §2.2, read whole by gzip
    tools and libraries), so that a graph's part is compressed again only when it changed."""
    parts = [
        memo(DUMP_MEMO, f"{graph.iri} {graph.sha256}", functools.partial(gzipped_nquads, [graph]))
        for graph in graphs
    ]
    return DownloadFile(DUMP_NAME, GZIP_MEDIA_TYPE, b"".join(parts))


def plan_nquads(graph: NamedGraph, plan: PlanFiles) -> DownloadFile:
    """The plan's graph alone as gzipped N-Quads: its named graph travels with it."""
    name = f"{PLANS_DIR}/{plan.plan_id}.nq.gz"
    return DownloadFile(name, GZIP_MEDIA_TYPE, gzipped_nquads([graph]))


def stored_name(name: str) -> str:
    """The file a download name is served from: ``X.nq`` from ``X.nq.gz``."""
    return name + GZIP_SUFFIX if name.endswith(".nq") else name


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, in hexadecimal: what its ETag is made from, so that the
    same bytes keep their ETag from one build to the next (read once per file)."""
    stat = path.stat()
    return _digest(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _digest(path: str, size: int, mtime_ns: int) -> str:  # size, mtime: a rewritten file
    with Path(path).open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def gunzipped_chunks(path: Path, chunk_size: int = 1 << 16) -> Iterator[bytes]:
    """The uncompressed bytes of a gzipped file, piece by piece (the whole dump
    uncompressed is 30 times its file)."""
    with gzip.open(path, "rb") as file:
        while chunk := file.read(chunk_size):
            yield chunk


def gzipped_nquads(graphs: Iterable[NamedGraph]) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as out:
        for graph in graphs:
            for chunk in nquads_chunks(graph):
                out.write(chunk)
    return buffer.getvalue()


#: A line of N-Triples whose end is not `` .`` after a term (extra spaces before it).
_SPACED_END = re.compile(rb"[ \t\x0b\x0c] \.\n")


def nquads_chunks(graph: NamedGraph, size: int = 1 << 22) -> Iterator[bytes]:
    """The graph's N-Triples as N-Quads ("<s> <p> <o> ." → "<s> <p> <o> <g> ."), in
    pieces of about ``size`` bytes. N-Triples as lodplan writes them (one triple a
    line, " ." at its end, nothing else) are rewritten a piece at a time; any other
    layout line by line."""
    data, suffix = graph.ntriples, f" <{graph.iri}> .\n".encode()
    if (
        data.endswith(b" .\n")
        and b"\r" not in data
        and data.count(b"\n") == data.count(b" .\n")
        and not _SPACED_END.search(data)
    ):
        start = 0
        while start < len(data):
            end = data.find(b"\n", start + size)
            end = len(data) if end < 0 else end + 1
            yield data[start:end].replace(b" .\n", suffix)
            start = end
        return
    for line in data.splitlines():
        if line.strip():
            yield line.rstrip()[:-1].rstrip() + suffix


def plan_jsonld(graph: NamedGraph, plan: PlanFiles, context: JsonLdContext) -> DownloadFile:
    """The plan as one nested JSON-LD document (:mod:`lodplan.publishing.frames`)."""
    document = frames.plan_document(graph.ntriples, plan.plan_iri, context)
    name = f"{PLANS_DIR}/{plan.plan_id}.jsonld"
    return DownloadFile(name, "application/ld+json", frames.to_bytes(document))


def plan_turtle(store: Store, plan: PlanFiles) -> DownloadFile:
    content = store.dump(
        format=RdfFormat.TURTLE, from_graph=NamedNode(plan.graph_iri), prefixes=PREFIXES
    )
    assert content is not None  # dumped to bytes: no output file given
    return DownloadFile(f"{PLANS_DIR}/{plan.plan_id}.ttl", "text/turtle", content)


@dataclass(frozen=True)
class ActionTable:
    """The actions of a plan as the CSV and the workbook hold them: the CSVW metadata
    (its columns), and one row per action, every value as the CSV writes it."""

    plan: PlanFiles
    metadata: dict
    rows: list[dict[str, str]]

    @classmethod
    def of(cls, store: Store, plan: PlanFiles) -> ActionTable:
        """The table of one plan, from its own queries (one run of each per plan)."""
        return cls._made(plan, _action_rows(_PlanRows.of(store, plan.plan_iri)))

    @classmethod
    def every(
        cls, store: Store, plans: Iterable[PlanFiles]
    ) -> Iterator[tuple[PlanFiles, ActionTable]]:
        """The table of each plan, in plan IRI order, from one run of each query for the
        whole build: the same tables as :meth:`of`, without running every query again
        for each plan (which costs in proportion to the store, not to the plan)."""
        wanted = {plan.plan_iri: plan for plan in plans}
        for plan_iri, rows in _PlanRows.every(store, sorted(wanted)):
            plan = wanted[plan_iri]
            yield plan, cls._made(plan, _action_rows(rows))

    @classmethod
    def _made(cls, plan: PlanFiles, rows: list[dict[str, str]]) -> ActionTable:
        metadata = csv_metadata_template()
        metadata["url"] = f"{plan.plan_id}.csv"  # relative to the metadata file, beside it
        metadata["dc:title"] = f"Actions du plan « {plan.title} »"
        metadata["dc:source"] = {"@id": plan.plan_iri}
        if plan.licence:
            metadata["dc:license"] = {"@id": plan.licence}
        return cls(plan, metadata, rows)

    @property
    def columns(self) -> list[dict]:
        return self.metadata["tableSchema"]["columns"]


def plan_csv(table: ActionTable) -> list[DownloadFile]:
    """The plan's actions as CSV (RFC 4180, UTF-8 with a byte order mark) and its CSVW
    metadata. The header row is the columns' names, which each column's ``titles`` hold
    (CSVW compatibility of the metadata with the file's header is case-sensitive)."""
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    names = [column["name"] for column in table.columns]
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    for row in table.rows:
        writer.writerow(row)
    name = f"{PLANS_DIR}/{table.plan.plan_id}.csv"
    described = json.dumps(table.metadata, ensure_ascii=False, indent=2).encode() + b"\n"
    return [
        DownloadFile(name, "text/csv", buffer.getvalue().encode("utf-8")),
        DownloadFile(f"{name}-metadata.json", "application/csvm+json", described),
    ]


def plan_workbook(table: ActionTable, published: str) -> DownloadFile:
    """The same table as an ``.xlsx`` workbook for spreadsheets (see
    :mod:`lodplan.publishing.workbooks`), dated ``published`` (ISO date)."""
    plan = table.plan
    about = WorkbookAbout(
        title=table.metadata["dc:title"],
        plan_title=plan.title,
        plan_iri=plan.plan_iri,
        published=published,
        licence=plan.licence,
        source_iri=plan.source_iri,
        description=table.metadata.get("dc:description", ""),
    )
    content = actions_workbook(table.columns, table.rows, about)
    return DownloadFile(f"{PLANS_DIR}/{plan.plan_id}.xlsx", XLSX_MEDIA_TYPE, content)


def _today(plan_id: str, file: DownloadFile) -> str:
    return datetime.now(UTC).date().isoformat()


def csv_metadata_template() -> dict:
    return json.loads(_metadata_text())


@functools.cache
def _metadata_text() -> str:
    return (site_dir() / "csv" / "actions.csv-metadata.json").read_text(encoding="utf-8")


#: The queries beside the CSVW template (``site/csv/<name>.rq``) that fill the table.
CSV_QUERIES = ("elements", "involvements", "territories", "notes", "dates", "statuses",
               "budget", "themes", "identifiers")  # fmt: skip


@functools.cache
def _query(name: str) -> str:
    return (site_dir() / "csv" / f"{name}.rq").read_text(encoding="utf-8")


def _select(store: Store, name: str, plan_iri: str | None = None) -> QuerySolutions:
    """The rows of query ``name``: one plan's, or every plan's (ordered by plan)."""
    bound: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {}
    if plan_iri is not None:
        bound[Variable("plan")] = NamedNode(plan_iri)
    solutions = store.query(_query(name), use_default_graph_as_union=True, substitutions=bound)
    assert isinstance(solutions, QuerySolutions)
    return solutions


@dataclass(frozen=True)
class _PlanRows:
    """One plan's rows of every CSV query, by query name."""

    rows: dict[str, list[QuerySolution]]

    def __getitem__(self, name: str) -> list[QuerySolution]:
        return self.rows.get(name, [])

    @classmethod
    def of(cls, store: Store, plan_iri: str) -> _PlanRows:
        return cls({name: list(_select(store, name, plan_iri)) for name in CSV_QUERIES})

    @classmethod
    def every(cls, store: Store, plan_iris: list[str]) -> Iterator[tuple[str, _PlanRows]]:
        """``(plan IRI, its rows)`` for each of ``plan_iris`` (sorted), each query run
        once for all plans and read in step with the others: its solutions come
        plan by plan (``ORDER BY ?plan``), so only one plan's rows are held at a time."""
        streams = {name: _by_plan(_select(store, name)) for name in CSV_QUERIES}
        heads = {name: next(stream, None) for name, stream in streams.items()}
        for plan_iri in plan_iris:
            rows: dict[str, list[QuerySolution]] = {}
            for name, stream in streams.items():
                while (head := heads[name]) is not None and head[0] < plan_iri:
                    heads[name] = next(stream, None)  # a plan not built: skipped
                if head is not None and head[0] == plan_iri:
                    rows[name] = head[1]
                    heads[name] = next(stream, None)
            yield plan_iri, cls(rows)


def _by_plan(solutions: QuerySolutions) -> Iterator[tuple[str, list[QuerySolution]]]:
    """Solutions ordered by ``?plan``, grouped; an order other than the IRIs' own
    (code points, as SPARQL orders IRIs) would make the merge miss rows: refused."""
    previous = ""
    for plan_iri, group in itertools.groupby(solutions, key=lambda s: _value(s, "plan")):
        if plan_iri <= previous and previous:
            raise RuntimeError(f"CSV query rows not ordered by plan IRI: {plan_iri}")
        previous = plan_iri
        yield plan_iri, list(group)


def _value(solution, name: str) -> str:
    term = solution[name]
    return "" if term is None else term.value


def _action_rows(query_rows: _PlanRows) -> list[dict[str, str]]:
    elements = {_value(s, "element"): s for s in query_rows["elements"]}
    actors: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s in query_rows["involvements"]:
        actors[_value(s, "element")][_value(s, "role")].add(_value(s, "actor"))
    territories: dict[str, set[str]] = defaultdict(set)
    for s in query_rows["territories"]:
        territories[_value(s, "element")].add(_value(s, "name") or _value(s, "territory"))
    notes: dict[str, set[str]] = defaultdict(set)
    for s in query_rows["notes"]:
        notes[_value(s, "element")].add(_value(s, "note"))
    dates: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for s in query_rows["dates"]:
        role = _value(s, "role").rsplit("/", 1)[-1]
        dates[_value(s, "element")].append(
            (_value(s, "start"), _value(s, "end"), _value(s, "text"), role)
        )

    fiches = _fiche_columns(query_rows)

    def ancestors(iri: str) -> list[str]:
        chain: list[str] = []
        parent = _value(elements[iri], "parent")
        while parent:
            chain.insert(0, parent)
            parent = _value(elements[parent], "parent")
        return chain

    def position(iri: str) -> tuple[int, ...]:
        return tuple(int(_value(elements[e], "order")) for e in [*ancestors(iri), iri])

    rows = []
    for iri, element in elements.items():
        if _value(element, "isAction") != "true":
            continue
        stated = sorted(set(dates[iri]))
        row = {
            "iri": iri,
            "position": ".".join(map(str, position(iri))),
            "code": _value(element, "code"),
            "level": _value(element, "level"),
            "label": _value(element, "label"),
            "parents": MULTI_VALUE_SEPARATOR.join(
                " ".join(filter(None, (_value(elements[p], "code"), _value(elements[p], "label"))))
                for p in ancestors(iri)
            ),
            "description": _value(element, "description"),
            "editorial_note": MULTI_VALUE_SEPARATOR.join(sorted(notes[iri])),
            "territories": MULTI_VALUE_SEPARATOR.join(sorted(territories[iri])),
            "dates": MULTI_VALUE_SEPARATOR.join(text for _, _, text, _ in stated),
            # the action's own span: an event it cites (a signature, a forum) is no start
            "start_date": min((d[0] for d in stated if d[3] in STARTING_ROLES), default=""),
            "end_date": max((d[1] for d in stated if d[3] in ENDING_ROLES), default=""),
            "status": _value(element, "status"),
            "priority": _value(element, "priority"),
            "source_lines": f"{_value(element, 'startLine')}-{_value(element, 'endLine')}",
        }
        for role in ROLE_COLUMNS:
            row[role.replace("-", "_")] = MULTI_VALUE_SEPARATOR.join(sorted(actors[iri][role]))
        row.update(
            {
                "phase": _value(element, "phase"),
                "planned_start": _value(element, "plannedStart"),
                "planned_end": _value(element, "plannedEnd"),
                "actual_start": _value(element, "actualStart"),
                "actual_end": _value(element, "actualEnd"),
                **fiches.get(iri, {}),
            }
        )
        if not row["phase"]:
            row["phase"] = fiches.get(iri, {}).get("_phase", "")
        row.pop("_phase", None)
        rows.append((position(iri), row))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


PLANNED_BUDGET = "https://w3id.org/lodplan/code/amount-kind/budget-previsionnel"


def _fiche_columns(query_rows: _PlanRows) -> dict[str, dict[str, str]]:
    """The columns of a fiche action, by element: the latest status assertion's date,
    completion (and phase, for elements without their own), the planned budget in
    euros, the funding lines, the themes and the identifiers."""
    columns: dict[str, dict[str, str]] = defaultdict(dict)
    latest: dict[str, tuple[str, str, str]] = {}  # element → (date, phase, completion)
    for s in query_rows["statuses"]:
        element, day = _value(s, "element"), _value(s, "date")
        stated = (day, _value(s, "phase"), _value(s, "completion"))
        if element not in latest or stated > latest[element]:
            latest[element] = stated
    for element, (day, phase, completion) in latest.items():
        columns[element].update(
            status_date=day[:10], _phase=phase, completion_percent=_percent(completion)
        )
    planned: dict[str, Decimal] = defaultdict(Decimal)
    funding: dict[str, set[str]] = defaultdict(set)
    for s in query_rows["budget"]:
        element, amount = _value(s, "element"), _value(s, "amount")
        currency, unit = _value(s, "currency"), _value(s, "unit")
        if _value(s, "kind") == PLANNED_BUDGET:
            if currency == "EUR":
                planned[element] += Decimal(amount)
            continue
        who = ", ".join(filter(None, (_value(s, "funder"), _value(s, "programme"))))
        kind = _value(s, "kindLabel") or _value(s, "kind").rsplit("/", 1)[-1]
        head = f"{kind} ({who})" if who else kind
        funding[element].add(f"{head} : {_plain(amount)} {currency or unit}".rstrip())
    for element, total in planned.items():
        columns[element]["budget_previsionnel"] = _plain(str(total))
    for element, lines in funding.items():
        columns[element]["financements"] = MULTI_VALUE_SEPARATOR.join(sorted(lines))
    themes: dict[str, set[str]] = defaultdict(set)
    for s in query_rows["themes"]:
        notation, label = _value(s, "notation"), _value(s, "label")
        numbered = any(c.isdigit() for c in notation)
        text = " ".join(filter(None, (notation if numbered else "", label or notation)))
        themes[_value(s, "element")].add(text or _value(s, "theme"))
    for element, texts in themes.items():
        columns[element]["themes"] = MULTI_VALUE_SEPARATOR.join(sorted(texts))
    identifiers: dict[str, set[str]] = defaultdict(set)
    for s in query_rows["identifiers"]:
        agency, notation = _value(s, "agency"), _value(s, "notation")
        identifiers[_value(s, "element")].add(f"{agency} : {notation}" if agency else notation)
    for element, codes in identifiers.items():
        columns[element]["identifiers"] = MULTI_VALUE_SEPARATOR.join(sorted(codes))
    return columns


def _plain(amount: str) -> str:
    """A decimal as CSVW reads it: no exponent, no trailing zeros after the point."""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return amount
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(share: str) -> str:
    """A completion from 0 to 1 as a percentage (0.35 → 35)."""
    try:
        return _plain(str(Decimal(share) * 100)) if share else ""
    except InvalidOperation:
        return ""
