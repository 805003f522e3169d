"""The build pipeline: mappings → plan graphs → coverage and SHACL checks → publication.

Nothing is published unless every plan maps, accounts for every sentence and cell of its source and
validates: a failed build leaves the published dataset untouched. A build holds
its target (:meth:`DatasetPublisher.reserve`) from the start, so a second build on
the same store is refused before it maps anything.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from lodplan.build_cache import BuildCache, files_digest, folder_files
from lodplan.codelists import Vocabulary, bundled_vocabulary
from lodplan.dataset import Memo, no_memo
from lodplan.description import description_graph
from lodplan.errors import LodplanError, MappingError
from lodplan.iris import IriMinter
from lodplan.mapping import MappedPlan, find_mappings, map_plan, read_source_lines
from lodplan.mapping.actors import Actor, actors_graph, load_actors
from lodplan.mapping.mentions import WHICH_ACTION, Mention
from lodplan.mapping.model import Outline
from lodplan.mapping.reviews import ACTOR_PREFIX, Review, Reviews, load_reviews
from lodplan.mapping.spec import load_mapping
from lodplan.publishing.catalog import (
    CATALOG_FILE,
    DEFAULT_LICENCE,
    CatalogSpec,
    DatasetSpec,
    catalog_graph,
    check_catalog_references,
    load_catalog_spec,
    publication_dates,
    served_history,
)
from lodplan.publishing.changes import record_changes, served_change_log
from lodplan.publishing.downloads import PlanFiles, make_downloads
from lodplan.publishing.jsonld import bundled_contexts
from lodplan.referentials.cog import CogReferential, bundled_cog
from lodplan.referentials.geo import Box
from lodplan.referentials.places import (
    COUNTRY_PREFIX,
    Places,
    load_places,
    official_code,
    places_graph,
    reference_iri,
)
from lodplan.store.base import DatasetPublisher, NamedGraph, StoreInfo
from lodplan.validation import ValidationReport, Validator, validation_files
from lodplan.versions import VersionChoice, plan_history

ACTORS_FILE = "actors.yaml"
PLACES_FILE = "places.yaml"
REVIEWS_FILE = "reviews.yaml"
Progress = Callable[[str], None]


class BuildChecksFailedError(LodplanError):
    """Coverage or SHACL checks failed; the message is the full readable report."""


@dataclass
class CheckedPlans:
    """Plans mapped and checked, with their reports (the result of ``lodplan validate``)."""

    plans: list[MappedPlan] = field(default_factory=list)
    reports: list[ValidationReport] = field(default_factory=list)
    extra_graphs: dict[str, Graph] = field(default_factory=dict)
    #: the digest of the files the extra graphs are made from, besides lodplan's own
    extra_inputs: str = ""
    # Each plan as N-Triples, made as soon as it is checked: ~10x smaller than its
    # rdflib graph, which a build then drops (memory grows with the number of plans).
    plan_graphs: dict[str, NamedGraph] = field(default_factory=dict)
    # Graphs made without rdflib (the COG: ~500k triples), published as they are
    referential_graphs: dict[str, NamedGraph] = field(default_factory=dict)
    # the older versions of versioned plans and their history (lodplan.versions)
    history_graphs: dict[str, NamedGraph] = field(default_factory=dict)
    # reviews written for these plans that decided nothing: stale, or a typo
    unused_reviews: list[Review] = field(default_factory=list)
    reviews_path: Path | None = None
    catalog: CatalogSpec | None = None  # the deployment's catalog.yaml

    @property
    def ok(self) -> bool:
        coverage_ok = all(not plan.coverage.unaccounted for plan in self.plans)
        return (
            coverage_ok
            and not self.mentions_to_review
            and not self.unused_reviews
            and all(report.conforms for report in self.reports)
        )

    @property
    def mentions_to_review(self) -> list[Mention]:
        return [m for plan in self.plans for m in plan.mentions if m.needs_review]

    def render_problems(self) -> str:
        parts = []
        for plan in self.plans:
            for span in plan.coverage.unaccounted:
                what = "sentence" if span.column is None else f"cell (column {span.column})"
                parts.append(
                    f"{plan.coverage.source}:{span.line}: unaccounted {what}, neither carried "
                    f"by the data nor ignored with a reason: {span.text[:100]!r}"
                )
        for plan in self.plans:
            for mention in plan.mentions:
                if mention.needs_review:
                    parts.append(_review_problem(plan, mention))
        for review in self.unused_reviews:
            where = f" at lines {sorted(review.lines)}" if review.lines else ""
            parts.append(
                f"{self.reviews_path}: the review of {review.name!r} for "
                f"{', '.join(sorted(review.plans))}{where} decides no mention: correct or remove it"
            )
        parts += [report.render() for report in self.reports if report.findings]
        return "\n".join(parts)


@functools.lru_cache(maxsize=2)
def _cog_graph(base_iri: str) -> NamedGraph:
    # ~500k triples, 1.5 s to write, identical for every build on the same base IRI
    return bundled_cog().named_graph(IriMinter(base_iri))


def _review_problem(plan: MappedPlan, mention: Mention) -> str:
    if mention.decision == WHICH_ACTION:  # what it designates is known, not whose it is
        return f"{plan.spec.source.path}:{mention.line}: {mention.text!r}: {mention.reason}"
    candidates = ", ".join(f"{c.ref} ({c.label})" for c in mention.candidates)
    verb = "may name" if mention.decision == "probable" else "could designate"
    why = f" ({mention.evidence})" if mention.decision == "probable" else ""
    return (
        f"{plan.spec.source.path}:{mention.line}: {mention.text!r}{why} {verb} "
        f"{candidates} in « {mention.context} »: decide in {REVIEWS_FILE} (reviews: name, "
        "target, reason; lodplan reconcile --to-review lists every mention to decide)"
    )


def check_plans(
    mappings_dir: Path,
    base_iri: str,
    *,
    vocabulary: Vocabulary | None = None,
    progress: Progress = lambda _: None,
    keep_graphs: bool = True,
    cache: BuildCache | None = None,
) -> CheckedPlans:
    """Map every plan of ``mappings_dir`` and check coverage and shapes.

    With ``keep_graphs=False`` (a build) each plan's rdflib graph and outline are
    released once the plan is checked and serialised. With a ``cache`` (only with
    ``keep_graphs=False``), a plan whose inputs have not changed since a build that
    used the same cache is not mapped nor checked again: its result is reused.
    """
    if cache is not None and keep_graphs:
        raise ValueError("a cached plan keeps no graph: use keep_graphs=False")
    vocabulary = vocabulary or bundled_vocabulary()
    iris = IriMinter(base_iri)
    mapping_files = find_mappings(mappings_dir)
    if not mapping_files:
        raise LodplanError(f"no */mapping.yaml found in {mappings_dir}")
    mappings = Path(mappings_dir)
    actors = load_actors(mappings / ACTORS_FILE)
    places = load_places(mappings / PLACES_FILE)
    cog = bundled_cog()
    countries = vocabulary.countries_by_alpha2
    is_place = _place_checker(places, cog, countries)
    _check_place_references(places, is_place)
    _check_actor_territories(actors, is_place, mappings / ACTORS_FILE)
    reviews = load_reviews(
        mappings / REVIEWS_FILE,
        lambda ref: (
            ref.removeprefix(ACTOR_PREFIX) in actors
            if ref.startswith(ACTOR_PREFIX)
            else is_place(ref)
        ),
    )
    validator = Validator(vocabulary)  # compiled once, before workers fork, if any maps
    checked = CheckedPlans()

    def siren_of(ref: str) -> str | None:  # an EPCI's code is its SIREN
        official = official_code(ref)
        return official[1] if official and official[0] == "epci" and cog.has(*official) else None

    shared_actors = actors_graph(
        actors, iris, lambda ref: reference_iri(ref, iris, countries), siren_of
    )
    shared_places = places_graph(places, iris, countries, lambda ref: _official_box(cog, ref))
    checked.extra_graphs = {
        iris.graph("ontology"): vocabulary.ontology,
        iris.graph("codelists"): vocabulary.codelists,
        iris.graph("actors"): shared_actors,
        iris.graph("places"): shared_places,
    }
    # the shared graphs are made from the bundled vocabulary and COG (lodplan's own digest)
    # and from these files
    checked.extra_inputs = files_digest([mappings / ACTORS_FILE, mappings / PLACES_FILE])
    memo = cache if cache is not None else no_memo
    checked.referential_graphs[iris.graph("cog")] = memo(
        "cog", base_iri, lambda: _cog_graph(base_iri)
    )
    for name, graph, path in (
        ("actors", shared_actors, mappings / ACTORS_FILE),
        ("places", shared_places, mappings / PLACES_FILE),
    ):
        checked.reports.append(
            memo("report", f"{name} {path.resolve()} {base_iri} {checked.extra_inputs}",
                 functools.partial(validator.validate, name, graph, path))
        )  # fmt: skip
    context = _PlanContext(iris, vocabulary, actors, places, cog, reviews, validator, keep_graphs)
    total = len(mapping_files)
    keys = _plan_keys(cache, mappings, base_iri, mapping_files) if cache else {}
    for number, (plan, report, named, summary) in enumerate(
        _map_and_check_all(context, mapping_files, cache, keys), start=1
    ):
        progress(f"[{number}/{total}] {plan.plan_id}: {summary}")
        checked.plan_graphs[plan.graph_iri] = named
        checked.plans.append(plan)
        checked.reports.append(report)
    checked.reviews_path = reviews.path
    checked.unused_reviews = _unused_reviews(reviews, checked.plans)
    checked.catalog = load_catalog_spec(mappings / CATALOG_FILE)
    check_catalog_references(checked.catalog, dataset_specs(checked, base_iri), actors.keys())
    return checked


BUILD_WORKERS_ENV = "LODPLAN_BUILD_WORKERS"


@dataclass(frozen=True)
class _PlanContext:
    """What mapping and checking any plan needs: shared, read-only."""

    iris: IriMinter
    vocabulary: Vocabulary
    actors: dict[str, Actor]
    places: Places
    cog: CogReferential
    reviews: Reviews
    validator: Validator
    keep_graphs: bool


PlanResult = tuple[MappedPlan, ValidationReport, NamedGraph, str]
_WORKER_CONTEXT: _PlanContext | None = None  # a forked worker's copy of the context


def build_workers(plans: int) -> int:
    """Processes that map and check plans, and then make their files: one per core
    (``$LODPLAN_BUILD_WORKERS`` caps it; 1 works in this process), never more than the
    plans."""
    wanted = os.environ.get(BUILD_WORKERS_ENV, "").strip()
    try:
        cap = int(wanted) if wanted else (os.cpu_count() or 1)
    except ValueError:
        raise LodplanError(f"{BUILD_WORKERS_ENV}={wanted!r} is not a number of processes") from None
    return max(1, min(cap, plans))


#: The shared files of a mappings folder that any plan's mapping may depend on.
SHARED_FILES = (ACTORS_FILE, PLACES_FILE, REVIEWS_FILE)
PLAN_CACHE = "plans"
SOURCE_CACHE = "mapping-sources"


def _plan_keys(
    cache: BuildCache, mappings: Path, base_iri: str, files: list[Path]
) -> dict[Path, str]:
    """Each plan's cache key: the digest of every input it is made from. A plan whose
    mapping cannot be read gets none: it is mapped, and fails with its own error."""
    shared = files_digest(mappings / name for name in SHARED_FILES)
    keys = {}
    for file in files:
        if (source := _source_of(cache, file)) is None:
            continue
        own = files_digest([*folder_files(file.parent), source])
        keys[file] = cache.key(base_iri, shared, str(file.resolve()), own)
    return keys


def _source_of(cache: BuildCache, file: Path) -> Path | None:
    """The source document a mapping file reads, kept by the file's bytes: reading a
    mapping (YAML, its typed model) costs ~35 ms, a national build has 1,255."""
    key = f"{file.resolve()} {hashlib.sha256(file.read_bytes()).hexdigest()}"
    if (known := cache.get(SOURCE_CACHE, key)) is not None:
        return Path(known)
    try:
        source = load_mapping(file).source.path
    except LodplanError:
        return None
    cache.put(SOURCE_CACHE, key, str(source))
    return source


def _map_and_check_all(
    context: _PlanContext,
    files: list[Path],
    cache: BuildCache | None = None,
    keys: dict[Path, str] | None = None,
) -> Iterator[PlanResult]:
    """Each plan mapped, checked and serialised, in the order of ``files``; with a
    ``cache``, the result of a plan whose key it holds is reused, others are stored.

    Plans are independent: with several cores they are mapped and validated in
    forked processes, which inherit the context (the COG, the shapes) instead of
    receiving it; results come back in order, so builds stay byte-identical."""
    keys = keys or {}
    reused: dict[Path, PlanResult] = {}
    if cache is not None:
        for file, key in keys.items():
            result = cache.load(PLAN_CACHE, key)
            if result is not None and result[2].available:  # its graph's file is there
                plan, report, named, summary = result
                reused[file] = (plan, report, named.kept_in(cache), summary)
    fresh = _map_and_check_each(context, [file for file in files if file not in reused])
    for file in files:
        if file in reused:
            plan, report, named, summary = reused[file]
            yield plan, report, named, f"unchanged since the last build; {summary}"
            continue
        plan, report, named, summary = next(fresh)
        if cache is not None:  # the graph's bytes go to the cache's files, not memory
            named = named.kept_in(cache)
            if file in keys:
                cache.save(PLAN_CACHE, keys[file], (plan, report, named, summary))
        yield plan, report, named, summary
    if cache is not None:
        cache.keep_only(PLAN_CACHE, set(keys.values()))


def _map_and_check_each(context: _PlanContext, files: list[Path]) -> Iterator[PlanResult]:
    if not files:
        return
    context.validator.prepare()
    workers = build_workers(len(files))
    if workers == 1:
        for file in files:
            yield _map_and_check(context, file)
        return
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = context
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_map_and_check_in_worker, files)
    finally:
        _WORKER_CONTEXT = None


def _map_and_check_in_worker(file: Path) -> PlanResult:
    assert _WORKER_CONTEXT is not None
    return _map_and_check(_WORKER_CONTEXT, file)


def _map_and_check(context: _PlanContext, mapping_file: Path) -> PlanResult:
    plan = map_plan(
        mapping_file,
        iris=context.iris,
        vocabulary=context.vocabulary,
        actors=context.actors,
        places=context.places,
        cog=context.cog,
        reviews=context.reviews,
    )
    named = _as_named_graph(plan.graph_iri, plan.graph, context.iris)
    # the validator reads the plan as N-Triples too: these, unless blank nodes were relabelled
    ntriples = None if b"_:" in named.ntriples else named.ntriples.decode()
    report = context.validator.validate(plan.plan_id, plan.graph, plan.spec.source.path, ntriples)
    summary = (
        f"{len(plan.graph)} triples; {plan.coverage.summary()}; {report.render().splitlines()[0]}"
    )
    if not context.keep_graphs:
        # the masks of personal data are kept: the published source text needs them
        kept = Outline(elements=[], masked_lines=plan.outline.masked_lines)
        # of the coverage, a build needs only what stops it (most of a cached plan's bytes)
        coverage = replace(plan.coverage, lines=[], spans=plan.coverage.unaccounted)
        plan = replace(plan, graph=Graph(), outline=kept, coverage=coverage)
    return plan, report, named, summary


def _unused_reviews(reviews: Reviews, plans: list[MappedPlan]) -> list[Review]:
    """Reviews for given plans, all of them checked here, that decided no mention
    (compared by value: plans mapped in other processes hold copies of them)."""
    mapped = {plan.plan_id for plan in plans}
    used = {m.review for plan in plans for m in plan.mentions if m.review is not None}
    return [r for r in reviews.items if r.plans and r.plans <= mapped and r not in used]


def _official_box(cog: CogReferential, ref: str) -> Box | None:
    """The bounding box of a COG territory reference; None for anything else."""
    official = official_code(ref)
    return cog.box(*official) if official is not None else None


def _place_checker(
    places: Places, cog: CogReferential, countries: dict[str, str]
) -> Callable[[str], bool]:
    """Whether a reference designates a known place: in the COG, a country, places.yaml."""

    def is_place(ref: str) -> bool:
        official = official_code(ref)
        if official is not None:
            return cog.has(*official)
        if ref.startswith(COUNTRY_PREFIX):
            return ref.removeprefix(COUNTRY_PREFIX) in countries
        return ref in places.territories

    return is_place


def _check_place_references(places: Places, is_place: Callable[[str], bool]) -> None:
    """Every reference in places.yaml designates a known place (not only a well-formed one)."""
    for ref, where in places.references():
        if not is_place(ref):
            raise MappingError(
                f"{ref!r} is not a known place (the COG, a country of the country list, "
                "a territory of places.yaml)",
                file=places.path or PLACES_FILE,
                field=where,
            )


def _check_actor_territories(
    actors: dict[str, Actor], is_place: Callable[[str], bool], path: Path
) -> None:
    for actor in actors.values():
        if actor.territory and not is_place(actor.territory):
            raise MappingError(
                f"{actor.territory!r} is not a known place (the COG, a country:<ISO alpha-2>, "
                "an id of places.yaml)",
                file=path,
                field=f"actors.{actor.id}.territory",
            )


def named_graphs(
    checked: CheckedPlans,
    base_iri: str,
    memo: Memo = no_memo,
    files: list[PlanFiles] | None = None,
) -> list[NamedGraph]:
    """Every graph of the build, and last the description of the others (VoID);
    ``files``: the plans' :func:`plan_files`, if the caller has them."""
    iris = IriMinter(base_iri)
    extra = [
        memo("graph", f"{iri} {checked.extra_inputs}",
             functools.partial(_as_named_graph, iri, graph, iris))
        for iri, graph in checked.extra_graphs.items()
    ]  # fmt: skip
    named = sorted(
        [
            *extra,
            *checked.referential_graphs.values(),
            *checked.plan_graphs.values(),
            *checked.history_graphs.values(),
        ],
        key=lambda graph: graph.iri,
    )
    files = files if files is not None else plan_files(checked, base_iri)
    return [*named, description_graph(iris, named, files, memo)]


def build_id_of(graphs: list[NamedGraph]) -> str:
    """A content hash: equal data gives an equal build id (and equal ETags)."""
    digest = hashlib.sha256()
    for graph in graphs:
        digest.update(f"{graph.iri} {graph.sha256}\n".encode())
    return digest.hexdigest()


def build(
    mappings_dir: Path,
    publisher: DatasetPublisher,
    base_iri: str,
    *,
    progress: Progress = lambda _: None,
    cache: BuildCache | None = None,
    versions: VersionChoice | None = None,
) -> tuple[CheckedPlans, StoreInfo]:
    """Map, check and publish every plan of ``mappings_dir``; with a ``cache``, plans
    whose inputs did not change since the last build are reused, not made again (the
    result is the same, byte for byte). ``versions`` says what the changed inputs of a
    versioned plan are: a new version, or a correction of the latest (lodplan.versions)."""
    with publisher.reserve():  # before mapping: a concurrent build is refused at once
        return _check_and_publish(mappings_dir, publisher, base_iri, progress, cache, versions)


def _check_and_publish(
    mappings_dir: Path,
    publisher: DatasetPublisher,
    base_iri: str,
    progress: Progress,
    cache: BuildCache | None,
    versions: VersionChoice | None = None,
) -> tuple[CheckedPlans, StoreInfo]:
    checked = check_plans(mappings_dir, base_iri, progress=progress, keep_graphs=False, cache=cache)
    if not checked.ok:
        raise BuildChecksFailedError(checked.render_problems())
    memo = cache if cache is not None else no_memo
    versions_made = plan_history(
        checked.plans, checked.plan_graphs, mappings_dir, publisher, base_iri,
        choice=versions, memo=memo, progress=progress,
    )  # fmt: skip
    checked.history_graphs = {graph.iri: graph for graph in versions_made.graphs}
    files = plan_files(checked, base_iri)
    graphs = named_graphs(checked, base_iri, memo, files)
    description = IriMinter(base_iri).graph("void")  # describes the dump: not in it
    data = [graph for graph in graphs if graph.iri != description]
    with publisher.stage(data) as staged:
        progress("making the downloads: dump, and per plan JSON-LD, Turtle, N-Quads, CSV and XLSX")
        context = bundled_contexts().current(base_iri)
        history = served_history(publisher, base_iri)  # dct:modified kept for unchanged files
        changes = record_changes(  # what changed since the published build: the feed
            served_change_log(publisher, base_iri), data, base_iri,
            description=next(g for g in graphs if g.iri == description),
        )  # fmt: skip
        published = publication_dates(history, base_iri, changes.day)  # workbooks: as their CSV
        downloads = make_downloads(
            staged.store, data, files, context, published, memo=memo,
            workers=build_workers(len(files)),
        )  # fmt: skip
        downloads += validation_files(checked.reports, files, mappings_dir, memo)  # SHACL reports
        progress("making the DCAT catalog")
        assert checked.catalog is not None
        catalog = catalog_graph(
            checked.catalog, dataset_specs(checked, base_iri), staged.store, downloads,
            base_iri, history=history, now=changes.time, data_modified=changes.last_time,
            memo=memo,
        )  # fmt: skip
        added = [catalog, *(graph for graph in graphs if graph.iri == description)]
        staged.add(added)
        graphs = [*data, *added]
        progress(f"publishing {len(graphs)} graphs and {len(downloads)} files")
        downloads += [*versions_made.downloads, *versions_made.archive]
        build_id = build_id_of(graphs)
        downloads.append(changes.log(build_id).download())  # published with the build only
        info = staged.commit(base_iri=base_iri, build_id=build_id, downloads=downloads)
    progress(f"published build {info.build_id[:12]}: {info.triple_count} triples")
    if cache is not None:
        cache.forget_unused()
    return checked, info


def dataset_specs(checked: CheckedPlans, base_iri: str) -> list[DatasetSpec]:
    """What each plan's mapping says about the dataset publishing it."""
    iris = IriMinter(base_iri)
    return [
        DatasetSpec(
            plan_id=plan.plan_id,
            plan_iri=iris.plan(plan.plan_id),
            mapping_path=plan.spec.path,
            publisher=plan.spec.plan.publisher,
            licence=plan.spec.plan.licence,
            themes=plan.spec.plan.themes,
            keywords=plan.spec.plan.keywords,
        )
        for plan in checked.plans
    ]


def plan_files(checked: CheckedPlans, base_iri: str) -> list[PlanFiles]:
    iris = IriMinter(base_iri)
    default_licence = checked.catalog.licence if checked.catalog else DEFAULT_LICENCE
    return [
        PlanFiles(
            plan.plan_id,
            iris.plan(plan.plan_id),
            plan.graph_iri,
            next(iter(plan.spec.plan.title.values())),
            tuple(plan.outline.published_lines(read_source_lines(plan.spec)[0])),
            licence=plan.spec.plan.licence or default_licence,
            source_iri=iris.source(plan.plan_id),
        )
        for plan in checked.plans
    ]


def skolemised(graph: Graph, graph_iri: str, iris: IriMinter) -> Graph:
    """``graph`` with every blank node replaced by its skolem IRI (:meth:`IriMinter.skolem`)."""

    def term(node):
        return URIRef(iris.skolem(graph_iri, str(node))) if isinstance(node, BNode) else node

    result = Graph()
    for subject, predicate, obj in graph:
        result.add((term(subject), predicate, term(obj)))
    return result


def _as_named_graph(iri: str, graph: Graph, iris: IriMinter) -> NamedGraph:
    # Sorted N-Triples: identical bytes on every build of the same data. No blank node
    # is published: each (the OWL lists of the ontology) becomes a skolem IRI, which a
    # remote engine can be asked about like any resource, derived from its canonical
    # label (a hash of what surrounds it), so the same data gets the same IRIs.
    if any(isinstance(term, BNode) for triple in graph for term in triple):
        graph = skolemised(to_canonical_graph(graph), iri, iris)
    lines = sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())
    return NamedGraph(iri=iri, ntriples=("\n".join(lines) + "\n").encode(), triple_count=len(lines))
