"""The home page's plans and a plan's tree, as the document names and numbers them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from lodplan.pages.formats import amount_text, date_text
from lodplan.pages.queries import group_rows, integer, pick_text, run, text
from lodplan.publishing.representations import natural_key
from lodplan.store.base import ReadableStore, Solution
from lodplan.terms import LP


@dataclass(frozen=True)
class Ref:
    """A link to a resource, by its label."""

    iri: str
    label: str


@dataclass(frozen=True)
class PlanCard:
    """What the home page says of a plan."""

    iri: str
    identifier: str
    title: str
    description: str | None
    publisher: Ref | None
    territories: list[Ref]
    start: str | None
    end: str | None
    plan_type: str | None
    top_elements: int = 0
    objectives: int = 0
    actions: int = 0
    actors: int = 0
    dated: int = 0


@dataclass
class TreeNode:
    """An element of a plan's tree, with what a reader needs to see without opening it."""

    iri: str
    code: str | None
    label: str
    level_name: str | None
    is_action: bool
    order: int
    status: str | None = None
    priority: str | None = None
    phase: str | None = None
    planned_start: str | None = None  # at the precision the data give (« mars 2026 »)
    planned_end: str | None = None
    budget: str | None = None  # the planned budget (« 1 200 000 € »)
    actors: list[tuple[Ref, str | None]] = field(default_factory=list)  # actor, role
    territories: list[Ref] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    children: list[TreeNode] = field(default_factory=list)

    @property
    def action_count(self) -> int:
        """Actions in this subtree (this element included)."""
        return int(self.is_action) + sum(child.action_count for child in self.children)


def plan_cards(store: ReadableStore, lang: str) -> list[PlanCard]:
    """The plans of the store, sorted by title, with their counts."""
    counts = every_plan_counts(store)
    cards = [
        _card(iri, rows, counts[iri], lang) for iri, rows in group_rows(run(store, "plans"), "plan")
    ]
    return sorted(cards, key=lambda card: natural_key(card.title))


def plan_list(store: ReadableStore, lang: str) -> list[PlanCard]:
    """The plans of the store, sorted by title, without their counts (:func:`with_counts`):
    what a page of the home page's list is cut from."""
    cards = [_card(iri, rows, {}, lang) for iri, rows in group_rows(run(store, "plans"), "plan")]
    return sorted(cards, key=lambda card: natural_key(card.title))


def plan_card(store: ReadableStore, plan_iri: str, lang: str) -> PlanCard | None:
    """One plan with its counts (a plan's page); ``None`` if the store has no such plan."""
    rows = run(store, "plans", plan=plan_iri)
    if not rows:
        return None
    return with_counts(store, _card(plan_iri, rows, {}, lang))


def every_plan_counts(store: ReadableStore) -> dict[str, dict[str, int]]:
    """What the home page counts, for every plan at once (``plan-counts.rq``): plan →
    counted thing → count."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in run(store, "plan-counts"):
        counts[text(row, "plan")][text(row, "what")] = integer(row, "count")
    return counts


def with_counts(
    store: ReadableStore, card: PlanCard, every: dict[str, dict[str, int]] | None = None
) -> PlanCard:
    """``card`` with the counts of its plan: from ``every`` plan's counts when given, else
    counted from that plan's rows only."""
    if every is not None:
        counts = every.get(card.iri, {})
    else:
        found: dict[str, set[str]] = defaultdict(set)
        for row in run(store, "plan-count-items", plan=card.iri):
            found[text(row, "what")].add(text(row, "thing"))
        counts = {what: len(things) for what, things in found.items()}
    return replace(
        card,
        top_elements=counts.get(str(LP.hasElement), 0),
        objectives=counts.get(str(LP.Objective), 0),
        actions=counts.get(str(LP.Action), 0),
        actors=counts.get(str(LP.involves), 0),
        dated=counts.get(str(LP.date), 0),
    )


def plan_tree(store: ReadableStore, plan_iri: str, lang: str) -> list[TreeNode]:
    """The top elements of a plan, each with its parts, in document order."""
    elements = group_rows(run(store, "plan-elements", plan=plan_iri), "element")
    nodes = {iri: _node(iri, rows, lang) for iri, rows in elements}
    _add_involvements(nodes, run(store, "plan-involvements", plan=plan_iri), lang)
    for iri, rows in group_rows(run(store, "plan-territories", plan=plan_iri), "element"):
        if iri in nodes:
            nodes[iri].territories = _refs(rows, "territory", "territoryLabel", lang)
    for iri, rows in group_rows(run(store, "plan-dates", plan=plan_iri), "element"):
        if iri in nodes:
            nodes[iri].dates = sorted({_date_text(row, lang) for row in rows} - {""})
    for iri, rows in group_rows(run(store, "plan-budgets", plan=plan_iri), "element"):
        if iri in nodes:
            nodes[iri].budget = " + ".join(
                amount_text(text(row, "total"), lang, text(row, "currency")) for row in rows
            )
    parents = {iri: text(rows[0], "parent") for iri, rows in elements}
    roots: list[TreeNode] = []
    for iri, node in nodes.items():
        parent = nodes.get(parents.get(iri, ""))
        (parent.children if parent is not None else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=_document_order)
    return sorted(roots, key=_document_order)


def _card(iri: str, rows: list[Solution], counts: dict[str, int], lang: str) -> PlanCard:
    publisher = _refs(rows, "publisher", "publisherLabel", lang)
    return PlanCard(
        iri=iri,
        identifier=text(rows[0], "identifier") or iri.rsplit("/", 1)[-1],
        title=pick_text(rows, "label", lang) or iri,
        description=pick_text(rows, "description", lang),
        publisher=publisher[0] if publisher else None,
        territories=_refs(rows, "spatial", "spatialLabel", lang),
        start=text(rows[0], "start") or None,
        end=text(rows[0], "end") or None,
        plan_type=pick_text(rows, "typeLabel", lang),
        top_elements=counts.get(str(LP.hasElement), 0),
        objectives=counts.get(str(LP.Objective), 0),
        actions=counts.get(str(LP.Action), 0),
        actors=counts.get(str(LP.involves), 0),
        dated=counts.get(str(LP.date), 0),
    )


def _node(iri: str, rows: list[Solution], lang: str) -> TreeNode:
    start, end = text(rows[0], "plannedStart"), text(rows[0], "plannedEnd")
    return TreeNode(
        iri=iri,
        code=text(rows[0], "notation") or None,
        label=pick_text(rows, "label", lang) or iri.rsplit("/", 1)[-1],
        level_name=pick_text(rows, "levelName", lang),
        is_action=any(text(row, "class") == str(LP.Action) for row in rows),
        order=integer(rows[0], "order", 0),
        status=pick_text(rows, "statusLabel", lang),
        priority=pick_text(rows, "priorityLabel", lang),
        phase=pick_text(rows, "phaseLabel", lang),
        planned_start=date_text(start, lang) if start else None,
        planned_end=date_text(end, lang) if end else None,
    )


def _add_involvements(nodes: dict[str, TreeNode], rows: list[Solution], lang: str) -> None:
    for iri, element_rows in group_rows(rows, "element"):
        if iri not in nodes:
            continue
        by_actor: dict[tuple[str, str], list[Solution]] = defaultdict(list)
        for row in element_rows:
            by_actor[(text(row, "actor"), text(row, "role"))].append(row)
        nodes[iri].actors = sorted(
            (
                (
                    Ref(actor, pick_text(group, "actorLabel", lang) or actor),
                    pick_text(group, "roleLabel", lang),
                )
                for (actor, _), group in by_actor.items()
            ),
            key=lambda pair: (pair[1] or "", natural_key(pair[0].label)),
        )


def _date_text(row: Solution, lang: str) -> str:
    """A date as the document states it (« 29 mai 2021 »), else its span in words: never
    both, which would say one date twice."""
    stated = text(row, "text")
    if stated:
        return stated
    start, end = text(row, "start"), text(row, "end")
    if not start:
        return date_text(end, lang) if end else ""
    if not end or start == end:
        return date_text(start, lang)
    return f"{date_text(start, lang)} – {date_text(end, lang)}"


def _document_order(node: TreeNode) -> tuple[int, tuple]:
    return (node.order, natural_key(node.code or node.label))


def _refs(rows: list[Solution], iri_name: str, label_name: str, lang: str) -> list[Ref]:
    refs = [
        Ref(iri, pick_text(group, label_name, lang) or iri)
        for iri, group in group_rows(rows, iri_name)
    ]
    return sorted(refs, key=lambda ref: natural_key(ref.label))
