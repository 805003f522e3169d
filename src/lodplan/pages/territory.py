"""What a territory's page says besides its triples: its key figures (population as
the page's language writes numbers), the intercommunality of a commune, the communes
of an intercommunality (paged), the plans covering it —
directly or through a territory containing it — and the plans its bodies publish.

Each comes from a query of ``site/queries/`` with the territory bound
(``territory-*.rq``), bounded for national data (an EPCI: up to a few hundred communes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import Literal

from lodplan.pages.formats import decimal_text
from lodplan.pages.paging import Paged
from lodplan.pages.plans import Ref
from lodplan.pages.queries import run, text
from lodplan.publishing.representations import natural_key
from lodplan.store.base import ReadableStore
from lodplan.terms import LP

COMMUNES_PER_PAGE = 100  # rows of a territory's list of communes
MAX_CONTAINER_DEPTH = 4  # steps up from a territory: commune → EPCI → a place made of EPCIs…
MAX_CONTAINERS = 30  # territories containing one, at most (a commune has 3 or 4)


@dataclass(frozen=True)
class KeyFigures:
    """Figures of the territory from one source, as a reader reads them."""

    description: str | None  # what the figures are ("Population municipale … 2023")
    population: str | None  # « 229 487 »
    year: str | None
    communes: str | None


@dataclass(frozen=True)
class CoveringPlan:
    plan: Ref
    through: list[Ref]  # the territories containing this one that the plan covers; [] directly


@dataclass(frozen=True)
class PublishedPlan:
    plan: Ref
    publisher: Ref


@dataclass(frozen=True)
class Commune:
    ref: Ref
    code: str | None


@dataclass
class TerritoryFacts:
    figures: list[KeyFigures] = field(default_factory=list)
    figure_iris: set[str] = field(default_factory=set)  # shown here, not among the facts
    intercommunalities: list[Ref] = field(default_factory=list)
    covering_plans: list[CoveringPlan] = field(default_factory=list)
    published_plans: list[PublishedPlan] = field(default_factory=list)
    communes: list[Commune] = field(default_factory=list)  # those of the page shown
    communes_paged: Paged[Commune] | None = None


def covering_plans(
    store: ReadableStore, territory: str, label: Callable[[str], str | None]
) -> list[CoveringPlan]:
    """The plans covering ``territory``, directly or through a territory containing it:
    those naming it first, then by title."""
    through: dict[str, set[str]] = defaultdict(set)
    for area in containing(store, territory):
        for row in run(store, "territory-covering-plans", area=area):
            through[text(row, "plan")].add(area)
    plans = []
    for plan, areas in through.items():
        direct = territory in areas
        plans.append(
            CoveringPlan(
                Ref(plan, label(plan) or plan),
                [] if direct else _refs(areas, label),
            )
        )
    return sorted(plans, key=lambda p: (bool(p.through), natural_key(p.plan.label)))


def containing(store: ReadableStore, territory: str) -> list[str]:
    """``territory`` and the territories containing it, nearest first: climbed one step
    at a time (a commune: its EPCI, département and region; then what contains those),
    at most :data:`MAX_CONTAINER_DEPTH` steps and :data:`MAX_CONTAINERS` territories."""
    found = [territory]
    frontier = [territory]
    for _ in range(MAX_CONTAINER_DEPTH):
        step = []
        for inner in frontier:
            for row in run(store, "territory-containers", territory=inner):
                container = text(row, "container")
                if container and container not in found and container not in step:
                    step.append(container)
        found += sorted(step)[: max(0, MAX_CONTAINERS - len(found))]
        frontier = [t for t in step if t in found]
        if not frontier or len(found) >= MAX_CONTAINERS:
            break
    return found


def published_plans(
    store: ReadableStore, territory: str, label: Callable[[str], str | None]
) -> list[PublishedPlan]:
    """The plans published by an actor whose territory is ``territory``, by title."""
    found = {
        (text(row, "plan"), text(row, "publisher"))
        for row in run(store, "territory-published-plans", territory=territory)
    }
    plans = [
        PublishedPlan(Ref(plan, label(plan) or plan), Ref(actor, label(actor) or actor))
        for plan, actor in found
    ]
    return sorted(plans, key=lambda p: (natural_key(p.plan.label), natural_key(p.publisher.label)))


def intercommunalities(
    store: ReadableStore, territory: str, label: Callable[[str], str | None]
) -> list[Ref]:
    """The intercommunalities a commune belongs to."""
    rows = run(store, "territory-intercommunalities", territory=territory)
    return _refs({text(row, "intercommunality") for row in rows}, label)


def communes(store: ReadableStore, territory: str) -> list[Commune]:
    """The communes of an intercommunality, by name."""
    by_iri: dict[str, Commune] = {}
    for row in run(store, "territory-communes", territory=territory):
        iri = text(row, "commune")
        name = row.get("label")
        by_iri[iri] = Commune(
            Ref(iri, name.value if isinstance(name, Literal) else iri),
            text(row, "code") or None,
        )
    return sorted(by_iri.values(), key=lambda c: (natural_key(c.ref.label), c.code or ""))


def key_figures(
    figures: list[str], literal: Callable[[str, str], str | None], lang: str
) -> list[KeyFigures]:
    """The key figures described by ``figures`` (parts of the page's resource), latest
    year first; ``literal(subject, predicate)`` reads their values."""
    description = "http://purl.org/dc/terms/description"
    found = []
    for iri in figures:
        population = literal(iri, str(LP.population))
        count = literal(iri, str(LP.communeCount))
        if population is None and count is None:
            continue
        found.append(
            KeyFigures(
                description=literal(iri, description),
                population=decimal_text(population, lang) if population is not None else None,
                year=literal(iri, str(LP.referenceYear)),
                communes=decimal_text(count, lang) if count is not None else None,
            )
        )
    return sorted(found, key=lambda f: f.year or "", reverse=True)


def _refs(iris: set[str], label: Callable[[str], str | None]) -> list[Ref]:
    refs = [Ref(iri, label(iri) or iri) for iri in iris if iri]
    return sorted(refs, key=lambda r: natural_key(r.label))
