"""Plans over time: the versions of a plan, kept from build to build (docs/versions.md).

A plan whose mapping has a ``version`` section is *versioned*: the inputs of each
version published (its mapping folder: ``mapping.yaml`` and source) are kept in an
archive published with the build (in the embedded store, inside the build, carried
from build to build; with a remote engine, in the ``--downloads`` folder), never
served. Every build maps every version again from its archived inputs (the build
cache makes that cheap), so a change of lodplan re-renders old versions the same way
as the latest, and publishes:

* the latest version as the plan (``{base}graph/plan/<id>``, as any plan);
* for each older version, ``{base}graph/plan/<id>/version/<version-id>``: what it
  states that the later versions no longer do — its dated facts (status assertions,
  indicator values, budget lines, each ``lodplan:statedIn`` it), and the elements it
  had that were removed since (out of the plan's tree: ``dcterms:isPartOf`` the version);
* ``{base}graph/plan/<id>/history``: the versions (``lodplan:PlanVersion``, with their
  date, label, ``lodplan:previousVersion``, their source text and N-Triples), and what
  changed from each to the next (``lodplan:Change``: added, removed, title, status,
  budget, indicator values, replaces), computed once per build;
* files: ``versions/<id>/<version-id>.nt`` (the version as mapped),
  ``versions/<id>/<version-id>.txt`` (its source text), and
  ``versions/<id>/changes-<version-id>.csv`` (what changed from the previous version).

A build whose inputs for a versioned plan differ from its latest published version
stops unless told what they are: a new version (``--as-new-version``) or a correction
of the latest (``--replace``). An element that disappears while a new one appears
under the same parent, neither declared, is reported (a renamed element keeps its IRI
only when ``version.renamed`` says so).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode, RdfFormat, parse
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from lodplan.build_cache import files_digest, folder_files
from lodplan.codelists import bundled_vocabulary
from lodplan.dataset import DownloadFile, Memo, NamedGraph
from lodplan.errors import LodplanError
from lodplan.iris import IriMinter
from lodplan.mapping import MappedPlan, map_plan, read_source_lines
from lodplan.mapping.actors import load_actors
from lodplan.mapping.reviews import load_reviews
from lodplan.mapping.spec import MappingSpec, load_mapping
from lodplan.referentials.cog import bundled_cog
from lodplan.referentials.places import load_places
from lodplan.store.base import ARCHIVE_DIR
from lodplan.terms import LP, SCHEMA

INDEX_FILE = "versions.json"
#: ActivityStreams 2.0: the changes from a version to the next are its activities
AS = Namespace("https://www.w3.org/ns/activitystreams#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3's versions, which rdflib's lacks
CHANGE_CLASSES = {"added": AS.Create, "removed": AS.Delete}
#: What a build is told to do with a versioned plan whose inputs changed.
Progress = Callable[[str], None]


class VersionChoice(Enum):
    NEW = "as-new-version"
    REPLACE = "replace"


class VersionError(LodplanError):
    """A versioned plan's inputs cannot be published as they are: a choice to make, or
    a change to declare. Exit status 1, like other checks; nothing is published."""

    exit_code = 1


@dataclass(frozen=True)
class Inputs:
    """The inputs of one version: its mapping folder's files, by relative path."""

    files: dict[str, bytes]

    @property
    def digest(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        return digest.hexdigest()


@dataclass(frozen=True)
class Published:
    """A version in the archive, in order."""

    id: str
    digest: str


@dataclass(frozen=True)
class Summary:
    """What the differences between versions compare, per element IRI."""

    labels: dict[str, str]
    parents: dict[str, str]
    lines: dict[str, int]
    statuses: dict[str, str]
    budgets: dict[str, dict[str, Decimal]]
    values: dict[str, dict[str, str]]
    #: per element and amount kind: the currency (ISO 4217) or unit of its amounts
    units: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the amount kinds' concept IRIs, by the key ``budgets`` uses
    amount_kinds: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    """One version as mapped: its N-Triples, its source text, its summary."""

    ntriples: bytes
    source_text: bytes
    summary: Summary


@dataclass(frozen=True)
class ChangeRow:
    change: str  # added, removed, title, parent, status, budget, indicator-value, replaces
    element: str
    label: str
    before: str = ""  # an IRI (status, parent, replaces), a text, or "kind amount" (budget)
    after: str = ""
    # a budget change: the amount kind's concept, both amounts, their currency or unit
    amount_kind: str = ""
    before_amount: Decimal | None = None
    after_amount: Decimal | None = None
    unit: str = ""


@dataclass
class History:
    """What the versions of the build's plans add to it."""

    graphs: list[NamedGraph] = field(default_factory=list)
    downloads: list[DownloadFile] = field(default_factory=list)  # served
    archive: list[DownloadFile] = field(default_factory=list)  # kept, never served


#: The columns of a changes CSV (docs/versions.md): ``before``/``after`` as people read
#: them (a status's label in the plan's language, a title, a parent's title); the IRIs of
#: a status concept, a parent or a replaced element in their own columns; a budget change
#: as its amount kind's label and IRI, both amounts as numbers, and their currency or unit.
CSV_COLUMNS = ("version", "previous_version", "change", "element", "label", "before", "after",
               "before_iri", "after_iri", "amount_kind", "amount_kind_iri", "before_amount",
               "after_amount", "unit")  # fmt: skip
#: A label for an IRI (a status or amount-kind concept, an element), or "" when unknown.
LabelOf = Callable[[str], str]


def plan_history(
    plans: list[MappedPlan],
    plan_graphs: dict[str, NamedGraph],
    mappings_dir: Path,
    publisher: object,
    base_iri: str,
    *,
    choice: VersionChoice | None,
    memo: Memo,
    progress: Progress = lambda _: None,
) -> History:
    """The versions of every versioned plan of the build, with the inputs of the latest
    added to the archive as ``choice`` says (:class:`VersionError` if it must say)."""
    iris = IriMinter(base_iri)
    versioned = [plan for plan in plans if plan.spec.version is not None]
    archive = published_archive(publisher, needed=bool(versioned))
    index = read_index(archive)
    history = History()
    mapped = {plan.plan_id for plan in plans}
    for plan in plans:
        if plan.spec.version is None and index.get(plan.plan_id):
            raise VersionError(
                f"{plan.spec.path}: plan {plan.plan_id!r} has published versions "
                f"({', '.join(v.id for v in index[plan.plan_id])}): its mapping needs a "
                "version section (id, date) to publish its next one"
            )
    for plan in versioned:
        versions, inputs = _versions_to_publish(plan, index.get(plan.plan_id, []), archive, choice)
        for version, files in zip(versions, inputs, strict=True):
            history.archive += _archive_files(plan.plan_id, version.id, files)
        history.archive.append(_index_file(plan.plan_id, versions))
        made = _render_plan(
            plan, versions, inputs, plan_graphs[plan.graph_iri], mappings_dir, iris, memo
        )
        history.graphs += made.graphs
        history.downloads += made.downloads
        progress(
            f"{plan.plan_id}: {len(versions)} version(s), latest {versions[-1].id}"
            + (f", after {versions[-2].id}" if len(versions) > 1 else "")
        )
    for plan_id, versions in index.items():  # a plan whose folder is gone: kept, not shown
        if plan_id in mapped or not versions:
            continue
        progress(
            f"{plan_id}: not in the mappings; its {len(versions)} published version(s) are "
            "kept in the archive (not published) until its folder comes back"
        )
        assert archive is not None
        for version in versions:
            history.archive += _archive_files(
                plan_id, version.id, _read_inputs(archive / plan_id / version.id)
            )
        history.archive.append(_index_file(plan_id, versions))
    return history


def published_archive(publisher: object, *, needed: bool) -> Path | None:
    """Where the published build keeps its archive of versions' inputs (None: nowhere yet)."""
    from lodplan.store.embedded import DOWNLOADS_DIR, EmbeddedPublisher, current_build_dir
    from lodplan.store.remote import RemotePublisher

    if isinstance(publisher, EmbeddedPublisher):
        try:
            return current_build_dir(publisher.root) / DOWNLOADS_DIR / ARCHIVE_DIR
        except LodplanError:
            return None
    if isinstance(publisher, RemotePublisher):
        if publisher.downloads_dir is None:
            if needed:
                raise VersionError(
                    "versioned plans keep the inputs of their versions with the build's "
                    "files: give --downloads DIR with --graph-store"
                )
            return None
        return Path(publisher.downloads_dir) / ARCHIVE_DIR
    return None


def read_index(archive: Path | None) -> dict[str, list[Published]]:
    """The versions of each plan in the archive, in order."""
    if archive is None or not archive.is_dir():
        return {}
    index = {}
    for path in sorted(archive.glob(f"*/{INDEX_FILE}")):
        data = json.loads(path.read_text(encoding="utf-8"))
        index[path.parent.name] = [Published(v["id"], v["digest"]) for v in data["versions"]]
    return index


def _versions_to_publish(
    plan: MappedPlan, published: list[Published], archive: Path | None, choice: VersionChoice | None
) -> tuple[list[Published], list[Inputs]]:
    spec = plan.spec
    assert spec.version is not None
    current = plan_inputs(spec)
    latest = Published(spec.version.id, current.digest)
    older = [_read_inputs(archive / plan.plan_id / v.id) for v in published] if archive else []
    if not published:
        return [latest], [current]
    last = published[-1]
    where = f"{spec.path}: plan {plan.plan_id!r}"
    if last.digest == current.digest:
        return published, older
    if choice is None:
        raise VersionError(
            f"{where}: its inputs differ from its latest published version {last.id!r}. "
            f"Build with --as-new-version to publish them as version {spec.version.id!r} "
            f"(version {last.id!r} and the earlier ones are kept), or with --replace to "
            f"correct version {last.id!r} in place; the published store is unchanged"
        )
    ids = [v.id for v in published]
    if choice is VersionChoice.NEW:
        if spec.version.id in ids:
            raise VersionError(
                f"{where}: version.id {spec.version.id!r} is already published (published "
                f"versions: {', '.join(repr(i) for i in ids)}): give the new version its own "
                "id, or build with --replace to correct the latest one; the published store "
                "is unchanged"
            )
        last_date = _version_date(older[-1]) if older else None
        if last_date is not None and spec.version.date <= last_date:
            raise VersionError(
                f"{where}: version.date {spec.version.date.isoformat()} of the new version "
                f"{spec.version.id!r} is not after version.date {last_date.isoformat()} of "
                f"the latest published version {last.id!r}: a new version is of a later day "
                "(or build with --replace to correct the latest one); the published store "
                "is unchanged"
            )
        return [*published, latest], [*older, current]
    if spec.version.id in ids[:-1]:
        raise VersionError(
            f"{where}: --replace corrects the latest version {last.id!r}; version "
            f"{spec.version.id!r} is an earlier one"
        )
    return [*published[:-1], latest], [*older[:-1], current]


def plan_inputs(spec: MappingSpec) -> Inputs:
    """The files of a plan's mapping folder (its source must be among them)."""
    folder = spec.directory.resolve()
    source = spec.source.path.resolve()
    if not source.is_relative_to(folder):
        raise VersionError(
            f"{spec.path}: a versioned plan keeps its source in its own folder "
            f"({source} is outside {folder}), so that each version's inputs are kept"
        )
    return Inputs(
        {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder_files(folder)}
    )


def _version_date(inputs: Inputs) -> date | None:
    """The ``version.date`` of a published version's archived ``mapping.yaml`` (None: not
    readable as a day, which its build would have refused)."""
    try:
        data = yaml.safe_load(inputs.files.get("mapping.yaml", b"").decode("utf-8"))
        value = data["version"]["date"]
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except (yaml.YAMLError, UnicodeDecodeError, KeyError, TypeError, ValueError):
        return None


def _read_inputs(folder: Path) -> Inputs:
    return Inputs({p.relative_to(folder).as_posix(): p.read_bytes() for p in folder_files(folder)})


def _archive_files(plan_id: str, version_id: str, inputs: Inputs) -> list[DownloadFile]:
    return [
        DownloadFile(
            f"{ARCHIVE_DIR}/{plan_id}/{version_id}/{name}", "application/octet-stream", data
        )
        for name, data in sorted(inputs.files.items())
    ]


def _index_file(plan_id: str, versions: list[Published]) -> DownloadFile:
    data = {"plan": plan_id, "versions": [{"id": v.id, "digest": v.digest} for v in versions]}
    text = json.dumps(data, indent=2) + "\n"
    return DownloadFile(f"{ARCHIVE_DIR}/{plan_id}/{INDEX_FILE}", "application/json", text.encode())


# -- rendering ---------------------------------------------------------------------------


@dataclass
class _Made:
    graphs: list[NamedGraph] = field(default_factory=list)
    downloads: list[DownloadFile] = field(default_factory=list)


def _render_plan(
    plan: MappedPlan,
    versions: list[Published],
    inputs: list[Inputs],
    latest_graph: NamedGraph,
    mappings_dir: Path,
    iris: IriMinter,
    memo: Memo,
) -> _Made:
    plan_id = plan.plan_id
    shared = files_digest(
        Path(mappings_dir) / name for name in ("actors.yaml", "places.yaml", "reviews.yaml")
    )
    latest_text = "\n".join(plan.outline.published_lines(read_source_lines(plan.spec)[0]))
    rendered: list[Rendered] = []
    specs: list[MappingSpec] = []
    with tempfile.TemporaryDirectory(prefix="lodplan-versions-") as tmp:
        for number, (version, files) in enumerate(zip(versions, inputs, strict=True)):
            folder = Path(tmp) / version.id / plan_id
            for name, data in files.files.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
            if number == len(versions) - 1:  # the latest: mapped and checked by the build
                specs.append(plan.spec)
                ntriples = latest_graph.ntriples
                rendered.append(
                    Rendered(ntriples, latest_text.encode() + b"\n", summarise(ntriples))
                )
                continue
            key = f"{iris.base} {plan_id} {version.id} {version.digest} {shared}"
            make = functools.partial(_map_version, folder, mappings_dir, iris)
            try:
                specs.append(load_mapping(folder / "mapping.yaml"))
                rendered.append(memo("version", key, make))
            except LodplanError as exc:  # it names a file of the temporary folder
                where = str(exc).replace(f"{folder}/", "")
                raise VersionError(
                    f"{plan.spec.path}: version {version.id!r} of plan {plan_id!r}, as "
                    f"published, cannot be mapped again: {where} (in its archived inputs). "
                    "Correct the shared files (actors.yaml, places.yaml, reviews.yaml) it "
                    "needs; the published store is unchanged"
                ) from None
    made = _Made()
    history = Graph()
    plan_iri = URIRef(iris.plan(plan_id))
    later_subjects = _subjects(rendered[-1].ntriples)
    for number in range(len(versions) - 1, -1, -1):
        version, spec = versions[number], specs[number]
        assert spec.version is not None
        version_iri = URIRef(iris.plan_version(plan_id, version.id))
        download = f"versions/{plan_id}/{version.id}"
        _describe_version(history, plan_iri, version_iri, spec, iris, download)
        if number == len(versions) - 1:
            history.add((plan_iri, DCAT.hasCurrentVersion, version_iri))
        else:
            graph_iri = iris.version_graph(plan_id, version.id)
            kept = _older_version_graph(rendered[number].ntriples, later_subjects, version_iri)
            made.graphs.append(_named(graph_iri, kept))
            later_subjects |= _subjects(kept)
        made.downloads.append(
            DownloadFile(f"{download}.nt", "application/n-triples", rendered[number].ntriples)
        )
        made.downloads.append(
            DownloadFile(
                f"{download}.txt", "text/plain; charset=utf-8", rendered[number].source_text
            )
        )
        if number == 0:
            continue
        previous = versions[number - 1]
        previous_iri = URIRef(iris.plan_version(plan_id, previous.id))
        history.add((version_iri, LP.previousVersion, previous_iri))
        history.add((version_iri, PROV.wasRevisionOf, previous_iri))
        was, now = rendered[number - 1].summary, rendered[number].summary
        rows = changes(was, now, declared_replacements(was, now, spec))
        if number == len(versions) - 1:
            _check_declared(was, now, spec, previous.id)
        _describe_changes(history, version_iri, rows, iris, plan_id)
        label_of = vocabulary_labels(plan.spec.plan.language, was, now)
        made.downloads.append(
            DownloadFile(
                f"versions/{plan_id}/changes-{version.id}.csv",
                "text/csv; charset=utf-8",
                changes_csv(version.id, previous.id, rows, label_of),
            )
        )
    made.graphs.append(_named(iris.history_graph(plan_id), _ntriples(history)))
    return made


def _map_version(folder: Path, mappings_dir: Path, iris: IriMinter) -> Rendered:
    """An older version mapped from its archived inputs (with today's shared files)."""
    mappings = Path(mappings_dir)
    actors = load_actors(mappings / "actors.yaml")
    places = load_places(mappings / "places.yaml")
    reviews = load_reviews(mappings / "reviews.yaml", lambda _ref: True)
    plan = map_plan(
        folder / "mapping.yaml",
        iris=iris,
        vocabulary=bundled_vocabulary(),
        actors=actors,
        places=places,
        cog=bundled_cog(),
        reviews=reviews,
    )
    ntriples = _ntriples(plan.graph)
    text = "\n".join(plan.outline.published_lines(read_source_lines(plan.spec)[0])) + "\n"
    return Rendered(ntriples, text.encode(), summarise(ntriples))


def _describe_version(
    g: Graph, plan: URIRef, version: URIRef, spec: MappingSpec, iris: IriMinter, download: str
) -> None:
    assert spec.version is not None
    g.add((version, RDF.type, PROV.Entity))
    g.add((version, DCTERMS.isVersionOf, plan))
    g.add((plan, DCAT.hasVersion, version))
    g.add((version, DCAT.version, Literal(spec.version.id)))
    g.add((version, DCTERMS.issued, Literal(spec.version.date.isoformat(), datatype=XSD.date)))
    for lang, text in spec.version.label.items():
        g.add((version, RDFS.label, Literal(text, lang=lang)))
    if not spec.version.label:
        g.add((version, RDFS.label, Literal(spec.version.id)))
    files = f"{iris.base}download/{download}"
    g.add((version, DCTERMS.source, URIRef(f"{files}.txt")))
    g.add((version, RDFS.seeAlso, URIRef(f"{files}.nt")))


def _describe_changes(
    g: Graph, version: URIRef, rows: list[ChangeRow], iris: IriMinter, plan_id: str
) -> None:
    for number, row in enumerate(rows, start=1):
        change = URIRef(f"{version}#change-{number}")
        g.add((version, DCTERMS.hasPart, change))
        g.add((change, RDF.type, CHANGE_CLASSES.get(row.change, AS.Update)))
        g.add((change, DCTERMS.type, Literal(row.change)))
        g.add((change, AS.object, URIRef(row.element)))
        if row.label:
            g.add((change, AS.name, Literal(row.label)))
        for prop, value in ((AS.origin, row.before), (AS.result, row.after)):
            if value:
                is_iri = value.startswith(("http://", "https://"))
                g.add((change, prop, URIRef(value) if is_iri else Literal(value)))
        if row.change == "replaces":
            g.add((URIRef(row.element), DCTERMS.replaces, URIRef(row.before)))


def _older_version_graph(ntriples: bytes, later: set[str], version: URIRef) -> bytes:
    """What an older version states that the later ones no longer do: its dated facts
    (linked from their elements) and what it describes that they do not (removed
    elements, out of the plan's tree: ``dcterms:isPartOf`` the version)."""
    out_of_tree = {str(LP.inPlan), str(LP.partOf)}
    links = {str(LP.statusAssertion), str(LP.budgetLine)}
    element_types = {str(LP.Action), str(LP.Objective), str(LP.PlanElement)}
    lines = []
    for triple in parse(ntriples, format=RdfFormat.N_TRIPLES):
        subject, predicate, obj = (triple.subject, triple.predicate, triple.object)
        s = subject.value
        if s in later:
            if predicate.value in links and isinstance(obj, NamedNode) and obj.value not in later:
                lines.append(f"{triple} .")
            continue
        if predicate.value in out_of_tree:
            continue
        lines.append(f"{triple} .")
        if predicate.value == str(RDF.type) and getattr(obj, "value", "") in element_types:
            lines.append(f"<{s}> <{DCTERMS.isPartOf}> <{version}> .")
    return ("\n".join(sorted(set(lines))) + "\n").encode() if lines else b""


def _subjects(ntriples: bytes) -> set[str]:
    return {t.subject.value for t in parse(ntriples, format=RdfFormat.N_TRIPLES)}


def _ntriples(graph: Graph) -> bytes:
    lines = sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode() if lines else b""


def _named(iri: str, ntriples: bytes) -> NamedGraph:
    count = ntriples.count(b"\n")
    return NamedGraph(iri=iri, ntriples=ntriples, triple_count=count)


# the terms summarise() compares, as the strings pyoxigraph gives (made once)
_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)
_PREF_LABEL = str(SKOS.prefLabel)
_PART_OF = str(LP.partOf)
_STATUS = str(LP.status)
_SOURCE = str(LP.source)
_START_LINE = str(LP.startLine)
_BUDGET_LINE = str(LP.budgetLine)
_AMOUNT_KIND = str(LP.amountKind)
_AMOUNT = str(LP.amount)
_CURRENCY = str(SCHEMA.currency)
_UNIT = str(LP.unit)
_OF_INDICATOR = str(LP.ofIndicator)
_VALUE_KIND = str(LP.valueKind)
_VALUE_DATE = str(LP.valueDate)
_VALUE = str(RDF.value)
_LABELS = (_LABEL, _PREF_LABEL)

# -- differences ---------------------------------------------------------------------------


def summarise(ntriples: bytes) -> Summary:
    """The elements of a version and what the differences compare of them."""
    by_subject: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for triple in parse(ntriples, format=RdfFormat.N_TRIPLES):
        by_subject[triple.subject.value].append((triple.predicate.value, triple.object))
    element_types = {str(LP.Action), str(LP.Objective), str(LP.PlanElement)}
    labels: dict[str, str] = {}
    parents: dict[str, str] = {}
    lines: dict[str, int] = {}
    statuses: dict[str, str] = {}
    budgets: dict[str, dict[str, Decimal]] = {}
    units: dict[str, dict[str, str]] = {}
    amount_kinds: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    indicator_labels = {
        s: o.value for s, facts in by_subject.items() for p, o in facts if p == _LABEL
    }
    for subject, facts in by_subject.items():
        types = {o.value for p, o in facts if p == _TYPE}
        if not types & element_types:
            continue
        for predicate, obj in facts:
            if predicate in _LABELS:
                labels.setdefault(subject, obj.value)
            elif predicate == _PART_OF:
                parents[subject] = obj.value
            elif predicate == _STATUS:
                statuses[subject] = obj.value
            elif predicate == _SOURCE:
                for p, o in by_subject.get(obj.value, []):
                    if p == _START_LINE:
                        lines[subject] = int(o.value)
            elif predicate == _BUDGET_LINE:
                line = dict(by_subject.get(obj.value, []))
                kind_iri = line[_AMOUNT_KIND].value
                kind = kind_iri.rsplit("/", 1)[-1]
                amount_kinds[kind] = kind_iri
                totals = budgets.setdefault(subject, {})
                totals[kind] = totals.get(kind, Decimal(0)) + Decimal(line[_AMOUNT].value)
                unit = line.get(_CURRENCY) or line.get(_UNIT)
                if unit is not None:
                    units.setdefault(subject, {})[kind] = unit.value
    for subject, facts in by_subject.items():
        fact = dict(facts)
        if _OF_INDICATOR not in fact or "#" not in subject:
            continue
        element = subject.split("#", 1)[0]
        kind = fact[_VALUE_KIND].value.rsplit("/", 1)[-1]
        on = fact[_VALUE_DATE].value if _VALUE_DATE in fact else ""
        name = indicator_labels.get(fact[_OF_INDICATOR].value, "")
        series = values.setdefault(element, {})
        stated = f"{fact[_VALUE].value} ({on})" if on else fact[_VALUE].value
        what = f"{name} ({kind})"
        series[what] = "; ".join(sorted(filter(None, (series.get(what), stated))))
    return Summary(labels, parents, lines, statuses, budgets, values, units, amount_kinds)


def changes(
    before: Summary, after: Summary, replaced: Mapping[str, Iterable[str]] | None = None
) -> list[ChangeRow]:
    """What changed from one version to a later one, element by element in a stable order.
    ``replaced``: the elements of ``before`` each new element of ``after`` replaces (a
    split or merge, declared: :func:`declared_replacements`)."""
    rows: list[ChangeRow] = []
    old, new = set(before.labels), set(after.labels)
    replaced = replaced or {}
    for element in sorted(new - old):
        rows.append(ChangeRow("added", element, after.labels[element]))
        for previous in replaced.get(element, ()):
            rows.append(ChangeRow("replaces", element, after.labels[element], previous))
    for element in sorted(old - new):
        rows.append(ChangeRow("removed", element, before.labels[element]))
    for element in sorted(old & new):
        label = after.labels[element]
        if before.labels[element] != label:
            rows.append(ChangeRow("title", element, label, before.labels[element], label))
        if before.parents.get(element) != after.parents.get(element):
            rows.append(
                ChangeRow(
                    "parent", element, label,
                    before.parents.get(element, ""), after.parents.get(element, ""),
                )
            )  # fmt: skip
        if before.statuses.get(element) != after.statuses.get(element):
            rows.append(
                ChangeRow(
                    "status", element, label,
                    before.statuses.get(element, ""), after.statuses.get(element, ""),
                )
            )  # fmt: skip
        was, now = before.budgets.get(element, {}), after.budgets.get(element, {})
        for kind in sorted(set(was) | set(now)):
            if was.get(kind) != now.get(kind):
                unit = after.units.get(element, {}).get(kind) or before.units.get(element, {}).get(
                    kind, ""
                )
                kind_iri = after.amount_kinds.get(kind) or before.amount_kinds.get(kind, kind)
                rows.append(
                    ChangeRow(
                        "budget", element, label,
                        _amount(kind, was.get(kind)), _amount(kind, now.get(kind)),
                        kind_iri, was.get(kind), now.get(kind), unit,
                    )
                )  # fmt: skip
        was_values, now_values = before.values.get(element, {}), after.values.get(element, {})
        for what in sorted(set(was_values) | set(now_values)):
            if was_values.get(what) != now_values.get(what):
                rows.append(
                    ChangeRow(
                        "indicator-value", element, label,
                        _value(what, was_values.get(what)), _value(what, now_values.get(what)),
                    )
                )  # fmt: skip
    return rows


def _amount(kind: str, amount: Decimal | None) -> str:
    return "" if amount is None else f"{kind} {amount.normalize():f}"


def _value(what: str, value: str | None) -> str:
    return "" if value is None else f"{what}: {value}"


def _key(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def declared_replacements(
    before: Summary, after: Summary, spec: MappingSpec
) -> dict[str, list[str]]:
    """The elements of the previous version each new element replaces (declared in
    ``version.replaces`` of ``spec``, the later version's mapping)."""
    if spec.version is None or not spec.version.replaces:
        return {}
    old_by_key: dict[str, list[str]] = defaultdict(list)
    for element in before.labels:
        old_by_key[_key(element)].append(element)
    result = {}
    for element in after.labels:
        olds = spec.version.replaces.get(_key(element))
        if olds:
            result[element] = sorted(e for key in olds for e in old_by_key.get(key, ()))
    return result


def _check_declared(before: Summary, after: Summary, spec: MappingSpec, previous: str) -> None:
    """An element gone while another appears under the same parent, neither declared
    (renamed, removed, replaces), is reported: it may be the same element renamed."""
    assert spec.version is not None
    version = spec.version
    declared_old = set(version.removed) | {k for olds in version.replaces.values() for k in olds}
    declared_new = set(version.replaces)
    gone = [e for e in before.labels if e not in after.labels and _key(e) not in declared_old]
    came = [e for e in after.labels if e not in before.labels and _key(e) not in declared_new]
    problems = []
    for old in sorted(gone):
        for new in sorted(came):
            if before.parents.get(old) == after.parents.get(new):
                line = after.lines.get(new)
                problems.append(
                    f"{spec.source.path}:{line}: « {after.labels[new]} » is new in version "
                    f"{version.id!r} and « {before.labels[old]} » of version {previous!r}, "
                    "under the same parent, is gone: if it is the same element, declare it "
                    f"in version.renamed of {spec.path} ({_key(old)!r}: "
                    f"{after.labels[new]!r}) and it keeps its IRI; if not, list "
                    f"{_key(old)!r} in version.removed"
                )
                break
    old_keys = {_key(e) for e in before.labels}
    for key in sorted(declared_old - old_keys):
        problems.append(
            f"{spec.path}: version.removed or version.replaces names {key!r}, which no "
            f"element of version {previous!r} has"
        )
    if problems:
        raise VersionError("\n".join(problems))


def changes_csv(version: str, previous: str, rows: Iterable[ChangeRow], label_of: LabelOf) -> bytes:
    """The rows of :data:`CSV_COLUMNS` (``label_of`` names statuses, amount kinds and
    elements in the CSV's language)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow((version, previous, *change_record(row, label_of)))
    return out.getvalue().encode("utf-8")


def change_record(row: ChangeRow, label_of: LabelOf) -> tuple[str, ...]:
    """A change as the CSV's columns after ``version, previous_version``."""
    before, after, before_iri, after_iri = row.before, row.after, "", ""
    kind = kind_label = before_amount = after_amount = ""
    if row.change in ("status", "parent", "replaces"):  # IRIs: by their label
        before_iri, after_iri = row.before, row.after
        before = label_of(row.before) or row.before if row.before else ""
        after = label_of(row.after) or row.after if row.after else ""
    elif row.change == "budget":
        before = after = ""
        kind = row.amount_kind
        kind_label = label_of(kind) or kind.rsplit("/", 1)[-1]
        before_amount = _number(row.before_amount)
        after_amount = _number(row.after_amount)
    return (row.change, row.element, row.label, before, after, before_iri, after_iri,
            kind_label, kind, before_amount, after_amount, row.unit)  # fmt: skip


def _number(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount.normalize():f}"


def vocabulary_labels(lang: str, *summaries: Summary) -> LabelOf:
    """Labels in ``lang`` of the bundled code lists' concepts (statuses, amount kinds) and
    of the elements of ``summaries`` (the later one's title first)."""
    elements: dict[str, str] = {}
    for summary in summaries:
        elements.update(summary.labels)

    def label_of(iri: str) -> str:
        return elements.get(iri) or concept_label(iri, lang)

    return label_of


def concept_label(iri: str, lang: str) -> str:
    """A bundled concept's ``skos:prefLabel`` in ``lang`` (else in any language; "")."""
    return _concept_labels(lang).get(iri, "")


@functools.lru_cache(maxsize=4)
def _concept_labels(lang: str) -> dict[str, str]:
    """The bundled code lists' labels in ``lang`` (else another), read once per language
    with pyoxigraph (rdflib's graph of them costs seconds to parse)."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    folder = bundled_vocabulary().directory / "codelists"
    for path in sorted(folder.glob("*.ttl")):
        for triple in parse(path=str(path), format=RdfFormat.TURTLE):
            if triple.predicate.value == _PREF_LABEL and isinstance(triple.object, OxLiteral):
                found[triple.subject.value][triple.object.language or ""] = triple.object.value
    return {iri: by_lang.get(lang) or sorted(by_lang.values())[0] for iri, by_lang in found.items()}
