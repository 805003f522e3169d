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

Between any two versions of a plan (``/plan/<id>/changes?from=…&to=…``): the same
differences, computed from the two versions as published (their N-Triples files,
``versions/<id>/<version-id>.nt``, each summarised as the build summarises them:
:func:`lodplan.versions.summarise`) — one plan's files, never a query over every plan;
the pages keep each version's summary per build.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urlencode

from lodplan.errors import LodplanError
from lodplan.mapping.graph import ISO_639_1_TO_3
from lodplan.pages.formats import amount_text, date_text
from lodplan.pages.labels import store_label
from lodplan.pages.plans import Ref
from lodplan.pages.queries import group_rows, pick_text, run, text
from lodplan.publishing.representations import natural_key
from lodplan.store.base import ReadableStore
from lodplan.versions import CSV_COLUMNS, ChangeRow, Summary, change_record, changes, summarise

#: An action not done whose status was last stated longer ago than this is listed as
#: « without update » (a quarter: the rhythm of most follow-ups).
STALE_MONTHS = 3
#: What ``?months=`` may ask for (ten years at most).
MONTHS_RANGE = (1, 120)
MONTHS_PARAMETER = "months"
#: Statuses after which an action is neither late nor waiting for an update.
CLOSED = {
    "https://w3id.org/lodplan/code/status/realisee",
    "https://w3id.org/lodplan/code/status/abandonnee",
}
AMOUNT_KINDS = "https://w3id.org/lodplan/code/amount-kind/"
REPLACES = "http://purl.org/dc/terms/replaces"
LANGUAGE = "http://purl.org/dc/terms/language"
#: The EU language authority's codes (dcterms:language of a plan) → plan.language.
LANGUAGE_CODES = {three: two for two, three in ISO_639_1_TO_3.items()}
_CURRENCY = re.compile(r"[A-Z]{3}")  # an ISO 4217 code (else a unit: « ETP »)
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
    compare: str | None = None  # the query of the changes page for the same two versions


class ChangesRequestError(LodplanError):
    """A request for the changes between two versions that names no pair of them:
    ``status`` 400 (missing, equal or reversed) or 404 (no such version)."""

    def __init__(self, status: int, parameter: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.parameter = parameter


@dataclass
class PairChanges:
    """What changed from version ``start`` to the later version ``end`` of a plan."""

    plan: Ref
    plan_id: str
    versions: list[VersionRef]  # latest first
    start: VersionRef
    end: VersionRef
    lines: list[ChangeLine] = field(default_factory=list)
    rows: list[ChangeRow] = field(default_factory=list)  # the same, for the CSV
    label_of: Callable[[str], str] = lambda _iri: ""  # the CSV's: in the plan's language

    @property
    def csv_name(self) -> str:
        return f"changes-{self.plan_id}-{self.start.id}-to-{self.end.id}.csv"

    def csv(self) -> bytes:
        """The rows of the page, in its order, as the columns of the changes CSV
        (:data:`lodplan.versions.CSV_COLUMNS`)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in self.rows:
            writer.writerow((self.end.id, self.start.id, *change_record(row, self.label_of)))
        return out.getvalue().encode("utf-8")


def stale_months(value: str | None) -> int:
    """The ``?months=`` of the « without update » list: a whole number of months from 1 to
    120 (:data:`STALE_MONTHS` when absent); :class:`ChangesRequestError` names the
    parameter otherwise."""
    if value is None or value == "":
        return STALE_MONTHS
    low, high = MONTHS_RANGE
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise ChangesRequestError(
            400,
            MONTHS_PARAMETER,
            f"months must be a whole number of months from {low} to {high} ({value[:20]!r} given)",
        )
    return int(value)


def plan_history(
    store: ReadableStore,
    plan: str,
    lang: str,
    today: date | None = None,
    months: int = STALE_MONTHS,
) -> PlanHistory:
    """The versions of ``plan`` and its follow-up lists (« without update » for more than
    ``months`` months)."""
    history = PlanHistory(stale_months=months)
    history.versions = plan_versions(store, plan, lang)
    latest = history.versions[0].iso if history.versions else ""
    on = date.fromisoformat(latest) if latest else (today or datetime.now(UTC).date())
    history.on = date_text(on.isoformat(), lang)
    stale_before = _months_before(on, months)
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


def changes_page(iri: str, base: str) -> str | None:
    """The path (under the site's root) of the changes page of the plan of ``iri`` (a plan
    or one of its versions), or None."""
    if not iri.startswith(base + "plan/"):
        return None
    plan_id = iri[len(base + "plan/") :].split("/", 1)[0].split("#", 1)[0]
    return f"plan/{plan_id}/changes" if plan_id else None


def plan_versions(store: ReadableStore, plan: str, lang: str) -> list[VersionRef]:
    """The versions of ``plan``, latest first (none: a plan published without versions)."""
    versions = []
    for iri, group in group_rows(run(store, "plan-versions", plan=plan), "version"):
        iso = text(group[0], "issued")
        versions.append(
            VersionRef(
                iri=iri,
                id=text(group[0], "id"),
                label=pick_text(group, "label", lang) or text(group[0], "id"),
                date=date_text(iso, lang) if iso else "",
                iso=iso,
                current=text(group[0], "current") == iri,
            )
        )
    versions.sort(key=lambda v: (v.iso, natural_key(v.id)), reverse=True)
    return versions


def version_summary(store: ReadableStore, plan_id: str, version_id: str) -> Summary | None:
    """A version as published (its N-Triples file), summarised as the build summarises
    versions to compare them; None when the build has no such file."""
    path = store.download(f"versions/{plan_id}/{version_id}.nt")
    return None if path is None else summarise(path.read_bytes())


def pair_changes(
    store: ReadableStore,
    plan: str,
    start_id: str | None,
    end_id: str | None,
    lang: str,
    summary_of: Callable[[str, str], Summary | None] | None = None,
) -> PairChanges:
    """What changed from version ``start_id`` (``?from=``) to the later version ``end_id``
    (``?to=``) of ``plan`` (its IRI). :class:`ChangesRequestError` names the parameter of
    a pair that is not one: missing, unknown, equal, or reversed. ``summary_of(plan_id,
    version_id)``: a version's summary (default :func:`version_summary`; the site keeps
    them per build)."""
    plan_id = plan.rstrip("/").rsplit("/", 1)[-1]
    versions = plan_versions(store, plan, lang)
    if not versions:
        raise ChangesRequestError(404, "plan", f"plan {plan_id!r} has no published versions")
    by_id = {v.id: v for v in versions}
    chosen = []
    for parameter, value in (("from", start_id), ("to", end_id)):
        if not value:
            raise ChangesRequestError(
                400, parameter, f"{parameter} is missing: give the id of a version of "
                f"plan {plan_id!r} ({', '.join(sorted(by_id, key=natural_key))})",
            )  # fmt: skip
        if value not in by_id:
            raise ChangesRequestError(
                404, parameter, f"{parameter}={value[:60]!r} names no version of plan "
                f"{plan_id!r} ({', '.join(sorted(by_id, key=natural_key))})",
            )  # fmt: skip
        chosen.append(by_id[value])
    start, end = chosen
    if start.id == end.id:
        raise ChangesRequestError(
            400, "to", f"from and to both name version {start.id!r}: choose two versions"
        )
    order = [v.id for v in reversed(versions)]  # oldest first
    if order.index(start.id) > order.index(end.id):
        raise ChangesRequestError(
            400, "from", f"from={start.id!r} is later than to={end.id!r}: from names the "
            "earlier version",
        )  # fmt: skip
    read = summary_of or (lambda p, v: version_summary(store, p, v))
    before, after = read(plan_id, start.id), read(plan_id, end.id)
    for parameter, version, summary in (("from", start, before), ("to", end, after)):
        if summary is None:
            raise ChangesRequestError(
                404, parameter, f"version {version.id!r} of plan {plan_id!r} has no "
                "published data file in this build",
            )  # fmt: skip
    assert before is not None and after is not None
    replaced = {
        element: [old for old in _iris(store, element, REPLACES) if old in before.labels]
        for element in set(after.labels) - set(before.labels)
    }
    rows = changes(before, after, {k: sorted(v) for k, v in replaced.items() if v})
    elements = {**before.labels, **after.labels}

    def labels_in(language: str) -> Callable[[str], str]:
        concepts: dict[str, str] = {}  # statuses, amount kinds: a few, asked on many rows

        def label_of(iri: str) -> str:
            if iri in elements:
                return elements[iri]
            if iri not in concepts:
                concepts[iri] = store_label(store, iri, language) or ""
            return concepts[iri]

        return label_of

    label_of = labels_in(lang)
    plan_lang = plan_language(store, plan) or lang

    pair = PairChanges(
        Ref(plan, store_label(store, plan, lang) or plan_id), plan_id, versions, start, end,
        label_of=label_of if plan_lang == lang else labels_in(plan_lang),
    )  # fmt: skip
    lines = [(_pair_line(row, label_of, lang), row) for row in rows]
    order_of = {kind: n for n, kind in enumerate(CHANGE_ORDER)}
    lines.sort(  # as a version's page orders them; whatever the page's language (the CSV)
        key=lambda pair: (
            order_of.get(pair[0].kind, 99),
            natural_key(pair[0].element.label),
            pair[1].amount_kind,
            pair[1].before,
        )
    )
    pair.lines = [line for line, _ in lines]
    pair.rows = [row for _, row in lines]
    return pair


def plan_language(store: ReadableStore, plan: str) -> str | None:
    """The language of ``plan`` (``dcterms:language``, an EU authority IRI) as its
    two-letter code, as ``plan.language`` of its mapping gives it."""
    for term in store.objects(plan, LANGUAGE):
        code = LANGUAGE_CODES.get(getattr(term, "value", "").rsplit("/", 1)[-1])
        if code:
            return code
    return None


def _iris(store: ReadableStore, subject: str, predicate: str) -> list[str]:
    return [t.value for t in store.objects(subject, predicate) if hasattr(t, "value")]


def _pair_line(row: ChangeRow, label_of: Callable[[str], str], lang: str) -> ChangeLine:
    before, after = row.before, row.after
    if row.change in ("status", "parent", "replaces"):
        before = (label_of(before) or before) if before else ""
        after = (label_of(after) or after) if after else ""
    elif row.change == "budget":
        kind = label_of(row.amount_kind) or row.amount_kind.rsplit("/", 1)[-1]
        before = _budget_text(kind, row.before_amount, row.unit, lang)
        after = _budget_text(kind, row.after_amount, row.unit, lang)
    return ChangeLine(row.change, Ref(row.element, row.label or row.element), before, after)


def _budget_text(kind: str, amount: Decimal | None, unit: str, lang: str) -> str:
    if amount is None:
        return ""
    currency = unit if _CURRENCY.fullmatch(unit or "") else None
    value = amount_text(f"{amount.normalize():f}", lang, currency, None if currency else unit)
    return f"{kind} : {value}"


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
        previous_id = previous_iri.rsplit("/version/", 1)[-1]
        changes.compare = urlencode([("from", previous_id), ("to", version_id)])
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
