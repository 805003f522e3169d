"""The « fiche action » of an element, as a Territoires en Transitions user reads one.

What ontology 0.2 says of an action besides its place in the plan: its dated
status (with phase and completion), its schedule at the precision the source
gives, its budget and funding lines, its themes by scheme, the texts of the fiche
(expected results, means, target audience), the identifiers other systems give
it, and its indicators with their values against their targets (each as a small
chart, :mod:`lodplan.pages.charts`).

The facts of the element come from its description; its status assertions,
budget lines, themes, identifiers and indicators from the queries
``site/queries/element-*.rq`` (an indicator's values may be stated by other plans
than the element's). Amounts, numbers and dates are written in the page's
language (:mod:`lodplan.pages.formats`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from lodplan.pages.charts import BarChart, Series, bar_chart
from lodplan.pages.formats import amount_text, date_text, number, percent_text
from lodplan.pages.plans import Ref
from lodplan.pages.queries import group_rows, pick_text, run, text
from lodplan.publishing.representations import natural_key
from lodplan.store.base import ReadableStore, Solution
from lodplan.terms import LP

#: The schedule of an action, in the order a fiche gives it (message keys ``fiche.<key>``).
SCHEDULE = (
    ("planned_start", str(LP.plannedStartDate)),
    ("planned_end", str(LP.plannedEndDate)),
    ("actual_start", str(LP.actualStartDate)),
    ("actual_end", str(LP.actualEndDate)),
)
#: The texts of a fiche (message keys ``fiche.<key>``).
TEXTS = (
    ("expected_results", str(LP.expectedResults)),
    ("means", str(LP.means)),
    ("target_audience", str(LP.targetAudience)),
)
#: What the fiche shows: the page's other sections leave these properties to it.
SHOWN_PROPERTIES = frozenset(
    {iri for _, iri in SCHEDULE + TEXTS}
    | {
        str(p)
        for p in (LP.status, LP.phase, LP.statusAssertion, LP.budgetLine, LP.theme, LP.indicator)
    }
    | {"http://www.w3.org/ns/adms#identifier"}
)
ADMS_IDENTIFIER = "http://www.w3.org/ns/adms#identifier"
CODE_LIST = "https://w3id.org/lodplan/code/"
PLANNED_BUDGET = CODE_LIST + "amount-kind/budget-previsionnel"
VALUE_KIND = CODE_LIST + "indicator-value-kind/"
#: Series of an indicator's chart by kind of value (their rank names their colour).
KIND_SERIES = {"reference": 1, "mesure": 2, "cible": 3, "estimation": 4}


@dataclass(frozen=True)
class StatusLine:
    """One dated status assertion."""

    date: str  # as the page's language writes it
    iso: str
    status: str | None
    phase: str | None
    completion: str | None  # « 35 % »
    stated_by: str | None
    stated_in: Ref | None = None  # the plan, or the plan's version, that states it


@dataclass(frozen=True)
class BudgetLine:
    kind: str | None
    amount: str
    planned: bool  # a planned budget (not a funding line)
    nature: str | None
    year: str | None
    funder: Ref | None
    programme: str | None
    tax_included: bool | None


@dataclass(frozen=True)
class Theme:
    iri: str
    label: str
    code: str | None

    @property
    def numbered(self) -> bool:
        """Whether the code is a number people cite (SDG 7, M57 90-84), not a slug."""
        return bool(self.code) and any(c.isdigit() for c in self.code or "")


@dataclass(frozen=True)
class ThemeGroup:
    scheme: Ref | None
    themes: list[Theme]


@dataclass(frozen=True)
class IndicatorPoint:
    iri: str
    date: str
    iso: str
    kind: str  # reference, cible, mesure, estimation (or "")
    kind_label: str
    value: str  # as the page's language writes it, with its unit


@dataclass(frozen=True)
class IndicatorView:
    iri: str
    label: str
    unit: str | None
    points: list[IndicatorPoint]
    chart: BarChart | None
    target: IndicatorPoint | None = None  # the latest target
    latest: IndicatorPoint | None = None  # the latest measured value


@dataclass
class Fiche:
    statuses: list[StatusLine] = field(default_factory=list)  # latest first
    status: str | None = None  # the element's status in its plan
    phase: str | None = None
    schedule: list[tuple[str, str]] = field(default_factory=list)  # key, text
    texts: list[tuple[str, str, str | None]] = field(default_factory=list)  # key, text, language
    budget: list[BudgetLine] = field(default_factory=list)
    planned_total: str | None = None
    themes: list[ThemeGroup] = field(default_factory=list)
    identifiers: list[tuple[str | None, str]] = field(default_factory=list)  # agency, code
    indicators: list[IndicatorView] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.statuses or self.status or self.phase or self.schedule or self.texts
            or self.budget or self.themes or self.identifiers or self.indicators
        )  # fmt: skip


#: A value of the element: (IRI or lexical value, language) of ``predicate``, the
#: literal in the page's language when there are several.
First = Callable[[str], tuple[str, str | None] | None]
Label = Callable[[str], str | None]


def element_fiche(store: ReadableStore, iri: str, lang: str, first: First, label: Label) -> Fiche:
    """The fiche of element ``iri``; ``first`` and ``label`` read its description."""
    fiche = Fiche()
    status_iri = first(str(LP.status))
    fiche.status = label(status_iri[0]) if status_iri else None
    phase_iri = first(str(LP.phase))
    fiche.phase = label(phase_iri[0]) if phase_iri else None
    for key, predicate in SCHEDULE:
        value = first(predicate)
        if value:
            fiche.schedule.append((key, date_text(value[0], lang)))
    for key, predicate in TEXTS:
        value = first(predicate)
        if value:
            fiche.texts.append((key, value[0], value[1]))
    # each query starts from a property of the element: none is run for an element
    # without it (most elements of plans written as text)
    if first(str(LP.statusAssertion)):
        fiche.statuses = _statuses(run(store, "element-status", element=iri), lang)
    if first(str(LP.budgetLine)):
        rows = run(store, "element-budget", element=iri)
        fiche.budget, fiche.planned_total = _budget(rows, lang)
    if first(str(LP.theme)):
        fiche.themes = _themes(run(store, "element-themes", element=iri), lang)
    if first(ADMS_IDENTIFIER):
        fiche.identifiers = sorted(
            {
                (text(row, "agency") or None, text(row, "notation"))
                for row in run(store, "element-identifiers", element=iri)
            },
            key=lambda pair: (natural_key(pair[0] or ""), natural_key(pair[1])),
        )
    if first(str(LP.indicator)):
        fiche.indicators = _indicators(run(store, "element-indicators", element=iri), lang)
    return fiche


def _statuses(rows: list[Solution], lang: str) -> list[StatusLine]:
    """The element's status timeline, latest first: a status restated unchanged by a
    later version of the plan (same day, status, phase, completion) is shown once,
    with the version that stated it first."""
    lines: list[tuple[tuple[str, str], StatusLine]] = []
    for _, group in group_rows(rows, "assertion"):
        iso = text(group[0], "date")
        completion = text(group[0], "completion")
        stated_in = text(group[0], "statedIn")
        source = (
            Ref(stated_in, pick_text(group, "statedInLabel", lang) or stated_in)
            if stated_in
            else None
        )
        line = StatusLine(
            date=date_text(iso, lang) if iso else "",
            iso=iso,
            status=pick_text(group, "statusLabel", lang) or _local(text(group[0], "status")),
            phase=pick_text(group, "phaseLabel", lang) or _local(text(group[0], "phase")),
            completion=percent_text(completion, lang) if completion else None,
            stated_by=pick_text(group, "statedByLabel", lang),
            stated_in=source,
        )
        lines.append(((text(group[0], "statedOn"), stated_in), line))
    shown: dict[tuple, StatusLine] = {}
    for _, line in sorted(lines, key=lambda pair: pair[0]):  # the first statement first
        shown.setdefault((line.iso, line.status, line.phase, line.completion), line)
    return sorted(shown.values(), key=lambda line: line.iso, reverse=True)


def _budget(rows: list[Solution], lang: str) -> tuple[list[BudgetLine], str | None]:
    lines: list[tuple[tuple, BudgetLine]] = []
    planned: dict[str, Decimal] = {}  # currency → total of the planned budget lines
    for _, group in group_rows(rows, "line"):
        row = group[0]
        value, currency = text(row, "amount"), text(row, "currency") or None
        kind = text(row, "kind")
        funder = text(row, "funder")
        tax = text(row, "taxIncluded")
        line = BudgetLine(
            kind=pick_text(group, "kindLabel", lang) or _local(kind) or None,
            amount=amount_text(value, lang, currency, text(row, "unit") or None),
            planned=kind == PLANNED_BUDGET,
            nature=pick_text(group, "natureLabel", lang),
            year=text(row, "year") or None,
            funder=Ref(funder, pick_text(group, "funderLabel", lang) or funder) if funder else None,
            programme=pick_text(group, "programmeLabel", lang)
            or _local(text(row, "programme"))
            or None,
            tax_included=None if not tax else tax in ("true", "1"),
        )
        amount = number(value)
        if line.planned and currency and amount is not None:
            planned[currency] = planned.get(currency, Decimal(0)) + amount
        order = (not line.planned, line.funder is not None, line.year or "", natural_key(value))
        lines.append((order, line))
    totals = [amount_text(str(total), lang, currency) for currency, total in planned.items()]
    return [line for _, line in sorted(lines, key=lambda pair: pair[0])], " + ".join(totals) or None


def _themes(rows: list[Solution], lang: str) -> list[ThemeGroup]:
    by_scheme: dict[str, tuple[Ref | None, dict[str, Theme]]] = {}
    for iri, group in group_rows(rows, "theme"):
        scheme = text(group[0], "scheme")
        code = text(group[0], "notation") or None
        theme = Theme(iri, pick_text(group, "label", lang) or code or _local(iri), code)
        if scheme not in by_scheme:
            scheme_ref = Ref(scheme, pick_text(group, "schemeLabel", lang) or scheme)
            by_scheme[scheme] = (scheme_ref if scheme else None, {})
        by_scheme[scheme][1][iri] = theme
    groups = [
        ThemeGroup(ref, sorted(themes.values(), key=lambda t: natural_key(t.code or t.label)))
        for ref, themes in by_scheme.values()
    ]
    return sorted(groups, key=lambda g: natural_key(g.scheme.label if g.scheme else "~"))


def _indicators(rows: list[Solution], lang: str) -> list[IndicatorView]:
    views = []
    for n, (iri, group) in enumerate(group_rows(rows, "indicator"), start=1):
        label = pick_text(group, "label", lang) or _local(iri)
        unit = pick_text(group, "unit", lang)
        points: list[tuple[str, Decimal | None, IndicatorPoint]] = []
        for value_iri, value_rows in group_rows(group, "value"):
            row = value_rows[0]
            kind = text(row, "kind")
            code = kind[len(VALUE_KIND) :] if kind.startswith(VALUE_KIND) else ""
            iso = text(row, "date")
            raw = text(row, "number")
            value_unit = pick_text(value_rows, "valueUnit", lang) or unit
            point = IndicatorPoint(
                iri=value_iri,
                date=date_text(iso, lang) if iso else "",
                iso=iso,
                kind=code,
                kind_label=pick_text(value_rows, "kindLabel", lang) or _local(kind),
                value=amount_text(raw, lang, unit=value_unit),
            )
            if any(p.kind == code and p.iso == iso and v == number(raw) for _, v, p in points):
                continue  # restated unchanged by a later version of the plan: shown once
            points.append((iso, number(raw), point))
        points.sort(key=lambda p: (p[0], KIND_SERIES.get(p[2].kind, 9)))
        targets = [p for _, _, p in points if p.kind == "cible"]
        measured = [p for _, _, p in points if p.kind == "mesure"]
        views.append(
            IndicatorView(
                iri=iri,
                label=label,
                unit=unit,
                points=[p for _, _, p in points],
                chart=_indicator_chart(f"indicator-{n}", label, points),
                target=targets[-1] if targets else None,
                latest=measured[-1] if measured else None,
            )
        )
    return sorted(views, key=lambda view: natural_key(view.label))


def _indicator_chart(
    key: str,
    label: str,
    points: list[tuple[str, Decimal | None, IndicatorPoint]],
) -> BarChart | None:
    """The values of an indicator as bars in date order, one colour per kind of value."""
    drawn = [(value, point) for _, value, point in points if value is not None]
    if not drawn:
        return None
    kind_labels = {point.kind: point.kind_label for _, point in drawn}
    series = [
        Series(KIND_SERIES.get(kind, 9), kind_label) for kind, kind_label in kind_labels.items()
    ]
    categories = [
        (
            point.iri,
            " · ".join(part for part in (point.date, point.kind_label) if part),
            {KIND_SERIES.get(point.kind, 9): float(value)},
        )
        for value, point in drawn
    ]
    chart = bar_chart(key, "indicator", categories, series=series, subject=("", label),
                      draw_zero=True)  # fmt: skip
    texts = {point.iri: point.value for _, point in drawn}
    return replace(chart, bars=tuple(replace(bar, value_text=texts[bar.iri]) for bar in chart.bars))


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri else ""
