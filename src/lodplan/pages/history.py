"""The pages of plans over time (lodplan.versions, docs/versions.md).

On a plan's page: its versions (each linked to its page, which says what changed),
and two follow-up lists — the actions that are *late* (their planned end has passed
and they are neither done nor abandoned) and those *without update* for
:data:`STALE_MONTHS` months (no status stated since, and not done). Both are judged on
the date of the plan's latest version when it has versions (what the collectivity
published then), else on the day the page is made.

On a version's page: what changed since the previous version (added, removed,
renamed, moved elements; status, budget and indicator changes), read from the
changes a build computed once (``site/queries/version-changes.rq``), with the CSV of
the same rows.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from lodplan.pages.formats import amount_text, date_text
from lodplan.pages.labels import store_label
from lodplan.pages.plans import Ref
from lodplan.pages.queries import group_rows, pick_text, run, text
from lodplan.publishing.representations import natural_key
from lodplan.store.base import ReadableStore

#: An action not done whose status was last stated longer ago than this is listed as
#: « without update » (a quarter: the rhythm of most follow-ups).
STALE_MONTHS = 3
#: Statuses after which an action is neither late nor waiting for an update.
CLOSED = {
    "https://w3id.org/lodplan/code/status/realisee",
    "https://w3id.org/lodplan/code/status/abandonnee",
}
AMOUNT_KINDS = "https://w3id.org/lodplan/code/amount-kind/"
#: The order changes are listed in (message keys ``history.change.<kind>``).
CHANGE_ORDER = ("added", "replaces", "removed", "title", "parent", "status", "budget",
                "indicator-value")  # fmt: skip


@dataclass(frozen=True)
class VersionRef:
    iri: str
    id: str
    label: str
    date: str  # as the page's language writes it
    iso: str
    current: bool


@dataclass(frozen=True)
class FollowUp:
    """An action of a follow-up list."""

    action: Ref
    status: str | None
    end: str  # planned end, as written in the page's language
    updated: str  # the day its status was last stated, or ""


@dataclass
class PlanHistory:
    versions: list[VersionRef] = field(default_factory=list)  # latest first
    on: str = ""  # the day the lists are judged on, as written
    late: list[FollowUp] = field(default_factory=list)
    stale: list[FollowUp] = field(default_factory=list)
    stale_months: int = STALE_MONTHS

    @property
    def empty(self) -> bool:
        return not (self.versions or self.late or self.stale)


@dataclass(frozen=True)
class ChangeLine:
    kind: str
    element: Ref
    before: str
    after: str


@dataclass
class VersionChanges:
    previous: Ref | None
    lines: list[ChangeLine] = field(default_factory=list)
    csv: str | None = None  # the download name of the same rows


def plan_history(
    store: ReadableStore, plan: str, lang: str, today: date | None = None
) -> PlanHistory:
    """The versions of ``plan`` and its follow-up lists."""
    history = PlanHistory()
    for iri, group in group_rows(run(store, "plan-versions", plan=plan), "version"):
        iso = text(group[0], "issued")
        history.versions.append(
            VersionRef(
                iri=iri,
                id=text(group[0], "id"),
                label=pick_text(group, "label", lang) or text(group[0], "id"),
                date=date_text(iso, lang) if iso else "",
                iso=iso,
                current=text(group[0], "current") == iri,
            )
        )
    history.versions.sort(key=lambda v: (v.iso, natural_key(v.id)), reverse=True)
    latest = history.versions[0].iso if history.versions else ""
    on = date.fromisoformat(latest) if latest else (today or datetime.now(UTC).date())
    history.on = date_text(on.isoformat(), lang)
    stale_before = _months_before(on, STALE_MONTHS)
    for iri, group in group_rows(run(store, "plan-follow-up", plan=plan), "element"):
        row = group[0]
        if text(row, "status") in CLOSED:
            continue
        end, updated = text(row, "end"), text(row, "updated")
        line = FollowUp(
            action=Ref(iri, pick_text(group, "label", lang) or iri),
            status=pick_text(group, "statusLabel", lang),
            end=date_text(end, lang) if end else "",
            updated=date_text(updated, lang) if updated else "",
        )
        try:
            if end and _period_end(end) < on:
                history.late.append(line)
            if updated and date.fromisoformat(updated[:10]) < stale_before:
                history.stale.append(line)
        except ValueError:  # a date no shape allows: left out of the lists, never a 500
            continue
    history.late.sort(key=lambda f: natural_key(f.action.label))
    history.stale.sort(key=lambda f: natural_key(f.action.label))
    return history


def version_changes(store: ReadableStore, version: str, lang: str) -> VersionChanges | None:
    """What changed in ``version`` since the previous one (None: not a version)."""
    rows = run(store, "version-changes", version=version)
    previous_iri = next((text(r, "previous") for r in rows if "previous" in r), "")
    changes = VersionChanges(
        Ref(previous_iri, pick_text(rows, "previousLabel", lang) or previous_iri)
        if previous_iri
        else None
    )
    lines = []
    for _, group in group_rows(rows, "change"):
        row = group[0]
        kind = text(row, "kind")
        element = text(row, "element")
        before = pick_text(group, "beforeLabel", lang) or text(row, "before")
        after = pick_text(group, "afterLabel", lang) or text(row, "after")
        if kind == "budget":
            before, after = _amount(store, before, lang), _amount(store, after, lang)
        lines.append(ChangeLine(kind, Ref(element, text(row, "label") or element), before, after))
    order = {kind: n for n, kind in enumerate(CHANGE_ORDER)}
    changes.lines = sorted(
        lines, key=lambda c: (order.get(c.kind, 99), natural_key(c.element.label), c.before)
    )
    if changes.previous is not None:
        plan_id, _, version_id = version.rsplit("/plan/", 1)[-1].partition("/version/")
        changes.csv = f"versions/{plan_id}/changes-{version_id}.csv"
    return changes


def _amount(store: ReadableStore, value: str, lang: str) -> str:
    """« depense-realisee 5000 » (a change's value) as people read it: « Dépense
    réalisée : 5 000 € »."""
    kind, _, amount = value.partition(" ")
    if not amount:
        return value
    label = store_label(store, AMOUNT_KINDS + kind, lang) or kind
    return f"{label} : {amount_text(amount, lang, 'EUR')}"


def _period_end(value: str) -> date:
    """The last day of an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``."""
    parts = value[:10].split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return date(year, 12, 31)
    month = int(parts[1])
    if len(parts) == 2:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, int(parts[2]))


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
