"""Charts for people who would rather look than read: actions per plan and per
top-level element, the actors most involved, the calendar of dated actions.

The numbers come from the aggregations of ``site/queries/chart-*.rq``; this module
turns them into chart models that already hold their geometry, so that the
templates (``site/templates/_charts.html``) only draw. Charts are SVG made on the
server: they work without JavaScript and in the static export.

Geometry: horizontal positions are percentages of the chart's width and vertical
ones CSS pixels, and the SVG has no ``viewBox``: on a 320 px phone bars get
shorter while labels keep the page's font size (a ``viewBox`` would shrink the text
with the drawing). Each label has its own line above its bar, wrapped to a width a
phone can show and shortened with "…" beyond two lines; the full text is in the
mark's tooltip and in the data table that follows every chart.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from pyoxigraph import Literal

from lodplan.pages.labels import pick
from lodplan.pages.links import Links
from lodplan.pages.paging import CHART_PLANS_PER_PAGE, Paged, page_of
from lodplan.pages.plans import TreeNode
from lodplan.pages.queries import group_rows, integer, pick_text, run, text
from lodplan.pages.render import PageRenderer
from lodplan.publishing.representations import LRUCache, natural_key
from lodplan.store.base import ReadableStore, Solution

TOP_ACTORS = 25
#: Label lines are wrapped to this many "average characters" (capitals count more):
#: what fits at the site's font size on a 320 px phone.
LINE_WIDTH = 38.0
MAX_LINES = 2
LINE_HEIGHT = 16  # px between label lines; the first baseline is FONT_ASCENT below a row's top
FONT_ASCENT = 13
BAR_HEIGHT = 14
ROW_GAP = 12
BAR_SPAN = 88.0  # % of the width the longest bar takes; the rest holds its value
AXIS_HEIGHT = 24  # px above the first timeline row, for the years
AXIS_LABELS = 8  # at most this many year labels, so that they never overlap on a phone
PLOT_LEFT, PLOT_WIDTH = 2.0, 96.0  # % of the width the time axis spans (marks at its ends show)
POINT_BELOW = 1.5  # % of the width: a shorter date is drawn as a point, not a span
ELLIPSIS = "…"

_CACHE = LRUCache(maxsize=32)

Category = tuple[str, str, Mapping[int, float]]  # iri, label, series rank → value


# --- models --------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One kind of quantity a bar is made of (a role); ``rank`` orders the series and
    names their colour (CSS class ``series-<rank>``); 0 is the single series."""

    rank: int
    label: str


@dataclass(frozen=True)
class Line:
    """A line of a label, drawn at baseline ``y``."""

    text: str
    y: int


@dataclass(frozen=True)
class Segment:
    """The part of a bar that one series makes: from ``x`` over ``width`` (% of the width)."""

    series: Series
    value: float
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    """One category: its resource, full label, total and (if drawn) its geometry."""

    iri: str
    label: str
    value: float
    counts: Mapping[int, float]  # series rank → value (the table's columns)
    lines: tuple[Line, ...] = ()
    segments: tuple[Segment, ...] = ()
    bar_y: int = 0  # top of the bar
    end: float = 0.0  # where the bar ends (% of the width): its value is written there
    value_text: str = ""  # the value as written on the bar, when not a count (« 410 MWh »)

    @property
    def value_y(self) -> int:
        return self.bar_y + BAR_HEIGHT - 3


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart; ``kind`` names its messages (``charts.<kind>.*``).

    ``bars`` holds every category, for the table; ``drawn`` those in the drawing
    (categories with a value of 0 may be left out). ``subject`` is the plan a
    per-plan chart is about.
    """

    key: str  # unique on a page: ids "chart-<key>-…"
    kind: str
    bars: tuple[Bar, ...]
    series: tuple[Series, ...]
    height: int
    subject_iri: str = ""
    subject_label: str = ""
    left_out: int = 0  # categories beyond the ones shown (actors past the top 25)

    bar_height: int = BAR_HEIGHT
    left_out_most: float = 0  # the largest value among them

    @property
    def drawn(self) -> tuple[Bar, ...]:
        return tuple(bar for bar in self.bars if bar.lines)

    @property
    def total(self) -> float:
        return sum(bar.value for bar in self.bars)

    @property
    def largest(self) -> Bar | None:
        """The first of the bars with the largest value."""
        return max(self.drawn, key=lambda bar: bar.value, default=None)

    @property
    def empty_categories(self) -> int:
        """Categories left out of the drawing."""
        return len(self.bars) - len(self.drawn)

    @property
    def stacked(self) -> bool:
        return len(self.series) > 1 or any(series.rank for series in self.series)


@dataclass(frozen=True)
class Mark:
    """A date an action states, on the time axis: a span, or a point when too short to see."""

    iri: str  # the date mention
    text: str  # as the document writes it
    role: str  # event, deadline, period…
    start: date
    end: date
    x: float
    width: float

    @property
    def point(self) -> bool:
        return self.width < POINT_BELOW

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class TimelineRow:
    """A dated action: its label (drawn after its dates as written) and its marks."""

    iri: str
    label: str
    dates_text: str
    lines: tuple[Line, ...]
    marks: tuple[Mark, ...]
    bar_y: int

    @property
    def mark_y(self) -> int:
        return self.bar_y + BAR_HEIGHT // 2


@dataclass(frozen=True)
class Tick:
    """A year on the axis: its gridline at ``x``, its label (every few years) at ``label_x``."""

    year: int
    x: float
    label_x: float
    labelled: bool


@dataclass(frozen=True)
class Timeline:
    """The dated actions of one plan on a time axis shared by every plan of the page."""

    key: str
    plan_iri: str
    plan_label: str
    rows: tuple[TimelineRow, ...]
    ticks: tuple[Tick, ...]
    height: int
    first_year: int
    last_year: int
    bar_height: int = BAR_HEIGHT
    axis_y: int = AXIS_HEIGHT - 6  # where gridlines start, below the years
    axis_end: float = PLOT_LEFT + PLOT_WIDTH

    @property
    def marks(self) -> int:
        return sum(len(row.marks) for row in self.rows)


@dataclass(frozen=True)
class ChartsPage:
    """Every chart of the ``/charts`` page, for one build and one language (or, with
    ``paged``, those of one page of its plans: :meth:`page`)."""

    per_plan: BarChart
    per_top: tuple[BarChart, ...]  # one per plan, in the order of ``per_plan``
    actors: BarChart
    timelines: tuple[Timeline, ...]  # the plans that have dated actions
    undated_plans: tuple[tuple[str, str], ...]  # (iri, label) of the other plans
    plans: tuple[tuple[str, str, int], ...] = ()  # (iri, label, actions), most actions first
    paged: Paged[tuple[str, str, int]] | None = None

    def page(self, number: int, size: int | None = None) -> ChartsPage | None:
        """The charts of page ``number`` of the plans (most actions first): their bars,
        their axes, their calendars; the actors of every plan. ``None`` past the last."""
        paged = page_of(self.plans, number, size or CHART_PLANS_PER_PAGE)
        if paged is None:
            return None
        if paged.count == 1:
            return replace(self, paged=paged)
        shown = {iri for iri, _, _ in paged.items}
        return replace(
            self,
            per_plan=_per_plan_chart(list(paged.items)),
            per_top=tuple(chart for chart in self.per_top if chart.subject_iri in shown),
            timelines=tuple(t for t in self.timelines if t.plan_iri in shown),
            undated_plans=tuple(p for p in self.undated_plans if p[0] in shown),
            paged=paged,
        )


# --- entry points --------------------------------------------------------------------


def charts_page(store: ReadableStore, lang: str) -> ChartsPage:
    """The charts of the current build in ``lang`` (computed once per build and language:
    they sum up every plan)."""
    key = (store, store.info().build_id, lang)
    return _CACHE.get_or_compute(key, lambda: _compute(store, lang))


def plan_axis_chart(tree: list[TreeNode], plan_iri: str, plan_label: str) -> BarChart:
    """Actions per top-level element of one plan (for the plan's page, macro ``bar_chart``
    of ``_charts.html``), from the plan's tree (:func:`lodplan.pages.plans.plan_tree`):
    what ``chart-actions-per-top.rq`` counts for that plan, without asking the store
    about every plan."""
    categories = [
        (
            node.iri,
            element_label(node.level_name, node.code or "", node.label) or node.iri,
            {0: node.action_count},
        )
        for node in tree
    ]
    return bar_chart("plan-top", "per_top", categories, subject=(plan_iri, plan_label))


def plan_timeline(
    store: ReadableStore, plan_iri: str, plan_label: str, lang: str
) -> Timeline | None:
    """The dated actions of one plan (macro ``timeline`` of ``_charts.html``), on an axis
    from its first year to its last; ``None`` if the plan dates no action."""
    rows = run(store, "plan-timeline", plan=plan_iri)
    timelines = timeline_charts(rows, {plan_iri: plan_label}, lang)
    return replace(timelines[0], key="plan-timeline") if timelines else None


def render_charts_page(
    store: ReadableStore, renderer: PageRenderer, links: Links, page: int = 1
) -> str:
    """Page ``page`` of the ``/charts`` page as HTML, for the server and the static export
    alike (an empty page past the last: see :func:`render_charts`)."""
    return render_charts(store, renderer, links, page) or ""


def render_charts(
    store: ReadableStore, renderer: PageRenderer, links: Links, page: int = 1
) -> str | None:
    """Page ``page`` of the ``/charts`` page; ``None`` past its last page."""
    charts = charts_page(store, links.lang).page(page)
    if charts is None:
        return None
    return renderer.render("charts.html", links, charts=charts)


def _per_plan_chart(plans: list[tuple[str, str, int]]) -> BarChart:
    return bar_chart(
        "per-plan",
        "per_plan",
        [(iri, label, {0: count}) for iri, label, count in plans],
        draw_zero=True,
    )


def _compute(store: ReadableStore, lang: str) -> ChartsPage:
    plans = _plans(run(store, "chart-actions-per-plan"), lang)
    per_plan = _per_plan_chart(plans)
    tops = _tops_by_plan(run(store, "chart-actions-per-top"), lang)
    per_top = tuple(
        bar_chart(f"top-{n}", "per_top", tops.get(iri, []), subject=(iri, label))
        for n, (iri, label, _) in enumerate(plans, start=1)
    )
    labels = {iri: label for iri, label, _ in plans}
    timelines = timeline_charts(run(store, "chart-timeline"), labels, lang)
    dated = {timeline.plan_iri for timeline in timelines}
    return ChartsPage(
        per_plan=per_plan,
        per_top=per_top,
        actors=actors_chart(run(store, "chart-actors"), lang),
        timelines=timelines,
        undated_plans=tuple((iri, label) for iri, label, _ in plans if iri not in dated),
        plans=tuple(plans),
    )


# --- bar charts ----------------------------------------------------------------------


def bar_chart(
    key: str,
    kind: str,
    categories: Iterable[Category],
    *,
    series: Iterable[Series] = (Series(0, ""),),
    subject: tuple[str, str] = ("", ""),
    left_out: int = 0,
    left_out_most: int = 0,
    draw_zero: bool = False,
) -> BarChart:
    """Lay out ``categories`` (in the given order) as bars scaled to the largest total;
    categories with a total of 0 are drawn (a label and "0") only if ``draw_zero``."""
    ordered_series = sorted(series, key=lambda s: s.rank)
    items = [(iri, label, dict(counts)) for iri, label, counts in categories]
    largest = max((sum(counts.values()) for _, _, counts in items), default=0)
    bars: list[Bar] = []
    y = 0
    for iri, label, counts in items:
        value = sum(counts.values())
        if value <= 0 and not draw_zero:
            bars.append(Bar(iri, label, value, counts))
            continue
        lines = _label_lines(label, y)
        bar_y = y + len(lines) * LINE_HEIGHT
        segments = _segments(counts, ordered_series, largest) if value > 0 else ()
        bars.append(Bar(iri, label, value, counts, lines, segments, bar_y, _end(segments)))
        y = bar_y + BAR_HEIGHT + ROW_GAP
    used = {rank for _, _, counts in items for rank, value in counts.items() if value}
    return BarChart(
        key=key,
        kind=kind,
        bars=tuple(bars),
        series=tuple(s for s in ordered_series if s.rank in used),
        height=max(y - ROW_GAP + 2, 0),
        subject_iri=subject[0],
        subject_label=subject[1],
        left_out=left_out,
        left_out_most=left_out_most,
    )


def _segments(
    counts: Mapping[int, float], series: Iterable[Series], largest: float
) -> tuple[Segment, ...]:
    segments = []
    x = 0.0
    for one in series:
        value = counts.get(one.rank, 0)
        if value <= 0:
            continue
        width = BAR_SPAN * value / largest
        segments.append(Segment(one, value, round(x, 3), round(width, 3)))
        x += width
    return tuple(segments)


def _end(segments: tuple[Segment, ...]) -> float:
    return round(segments[-1].x + segments[-1].width, 3) if segments else 0.0


def _plans(rows: list[Solution], lang: str) -> list[tuple[str, str, int]]:
    """(iri, label, actions) of every plan, most actions first."""
    plans = [
        (iri, pick_text(group, "label", lang) or iri, integer(group[0], "actions"))
        for iri, group in group_rows(rows, "plan")
    ]
    return sorted(plans, key=lambda plan: (-plan[2], natural_key(plan[1])))


def _tops_by_plan(rows: list[Solution], lang: str) -> dict[str, list[Category]]:
    """The top-level elements of each plan in document order, with their action counts."""
    by_plan: dict[str, list[tuple[tuple, Category]]] = defaultdict(list)
    for iri, group in group_rows(rows, "top"):
        notation = pick_text(group, "notation", lang) or ""
        label = element_label(
            pick_text(group, "levelName", lang), notation, pick_text(group, "label", lang)
        )
        order = (integer(group[0], "order", 0), natural_key(notation or label))
        category = (iri, label or iri, {0: integer(group[0], "actions")})
        by_plan[text(group[0], "plan")].append((order, category))
    return {
        plan: [category for _, category in sorted(tops, key=lambda top: top[0])]
        for plan, tops in by_plan.items()
    }


def element_label(level_name: str | None, notation: str, label: str | None) -> str:
    """An element as the document names it: "Axe 1 · Label", "Ambition A1 · Label", "Label"."""
    code = " ".join(part for part in (level_name if notation else None, notation) if part)
    return " · ".join(part for part in (code, label) if part)


def actors_chart(rows: list[Solution], lang: str, top: int = TOP_ACTORS) -> BarChart:
    """The ``top`` actors involved in the most distinct elements, split by their role."""
    series: dict[int, list[Literal]] = defaultdict(list)
    actors: list[tuple[str, str, dict[int, int]]] = []
    for iri, group in group_rows(rows, "actor"):
        counts: dict[int, int] = {}
        for row in group:
            rank = integer(row, "rank", 9)
            counts[rank] = integer(row, "elements")
            if isinstance(row.get("roleLabel"), Literal):
                series[rank].append(row["roleLabel"])  # type: ignore[arg-type]
        actors.append((iri, actor_label(group, lang) or iri, counts))
    actors.sort(key=lambda actor: (-sum(actor[2].values()), natural_key(actor[1])))
    return bar_chart(
        "actors",
        "actors",
        actors[:top],
        series=[Series(rank, pick(labels, lang) or "") for rank, labels in series.items()],
        left_out=max(len(actors) - top, 0),
        left_out_most=max((sum(counts.values()) for *_, counts in actors[top:]), default=0),
    )


def actor_label(rows: list[Solution], lang: str) -> str | None:
    """An actor's label, with its organisation's for a unit ("Aménagement (Metz Métropole)")."""
    label = pick_text(rows, "label", lang)
    organisation = pick_text(rows, "unitOfLabel", lang)
    return f"{label} ({organisation})" if label and organisation else label


# --- timeline ------------------------------------------------------------------------


class _Date(NamedTuple):
    start: date
    end: date
    iri: str
    text: str  # as written
    role: str


@dataclass(frozen=True)
class _DatedAction:
    plan: str
    iri: str
    label: str
    dates: tuple[_Date, ...]  # earliest first

    @property
    def dates_text(self) -> str:
        return " ; ".join(dict.fromkeys(d.text for d in self.dates if d.text))


def timeline_charts(
    rows: list[Solution], plan_labels: Mapping[str, str], lang: str
) -> tuple[Timeline, ...]:
    """One timeline per plan with dated actions (plans in the order of ``plan_labels``),
    on a common axis from the first year stated to the last."""
    actions = _dated_actions(rows, lang)
    if not actions:
        return ()
    axis = _TimeAxis(
        min(d.start for action in actions for d in action.dates).year,
        max(d.end for action in actions for d in action.dates).year,
    )
    by_plan: dict[str, list[_DatedAction]] = defaultdict(list)
    for action in actions:
        by_plan[action.plan].append(action)
    order = {iri: n for n, iri in enumerate(plan_labels)}
    plans = sorted(by_plan, key=lambda iri: (order.get(iri, len(order)), iri))
    return tuple(
        _timeline(f"timeline-{n}", iri, plan_labels.get(iri, iri), by_plan[iri], axis)
        for n, iri in enumerate(plans, start=1)
    )


def _dated_actions(rows: list[Solution], lang: str) -> list[_DatedAction]:
    actions = []
    for iri, group in group_rows(rows, "element"):
        dates = []
        for date_iri, date_rows in group_rows(group, "date"):
            start, end = _day(text(date_rows[0], "start")), _day(text(date_rows[0], "end"))
            if start is None or end is None or end < start:
                continue  # not a span of days (the shapes require one; a foreign store may not)
            stated = pick_text(date_rows, "text", lang) or ""
            role = pick_text(date_rows, "dateRoleLabel", lang) or ""
            dates.append(_Date(start, end, date_iri, stated, role))
        if dates:
            notation = pick_text(group, "notation", lang) or ""
            label = " · ".join(p for p in (notation, pick_text(group, "label", lang)) if p) or iri
            actions.append(_DatedAction(text(group[0], "plan"), iri, label, tuple(sorted(dates))))
    return actions


@dataclass(frozen=True)
class _TimeAxis:
    first_year: int
    last_year: int

    @property
    def days(self) -> int:
        return (date(self.last_year + 1, 1, 1) - date(self.first_year, 1, 1)).days

    def x(self, day: date) -> float:
        """Position of the start of ``day`` (% of the width)."""
        share = (day - date(self.first_year, 1, 1)).days / self.days
        return round(PLOT_LEFT + PLOT_WIDTH * share, 3)

    def width(self, start: date, end: date) -> float:
        """Width of the days from ``start`` to ``end`` inclusive."""
        return round(self.x(date.fromordinal(end.toordinal() + 1)) - self.x(start), 3)

    def ticks(self) -> tuple[Tick, ...]:
        years = range(self.first_year, self.last_year + 1)
        step = math.ceil(len(years) / AXIS_LABELS)
        ticks = []
        for year in years:
            x, following = self.x(date(year, 1, 1)), self.x(date(year + 1, 1, 1))
            labelled = (year - self.first_year) % step == 0
            ticks.append(Tick(year, x, round((x + following) / 2, 3), labelled))
        return tuple(ticks)


def _timeline(
    key: str, plan: str, plan_label: str, actions: list[_DatedAction], axis: _TimeAxis
) -> Timeline:
    rows = []
    y = AXIS_HEIGHT
    for action in sorted(actions, key=lambda a: (a.dates[0].start, natural_key(a.label))):
        stated = action.dates_text
        lines = _label_lines(f"{stated} — {action.label}" if stated else action.label, y)
        bar_y = y + len(lines) * LINE_HEIGHT
        marks = tuple(
            Mark(d.iri, d.text, d.role, d.start, d.end, axis.x(d.start), axis.width(d.start, d.end))
            for d in action.dates
        )
        rows.append(TimelineRow(action.iri, action.label, stated, lines, marks, bar_y))
        y = bar_y + BAR_HEIGHT + ROW_GAP
    return Timeline(
        key=key,
        plan_iri=plan,
        plan_label=plan_label,
        rows=tuple(rows),
        ticks=axis.ticks(),
        height=y - ROW_GAP + 2,
        first_year=axis.first_year,
        last_year=axis.last_year,
    )


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# --- text ----------------------------------------------------------------------------


def wrap(text: str, width: float = LINE_WIDTH, max_lines: int = MAX_LINES) -> list[str]:
    """``text`` in at most ``max_lines`` lines of at most ``width`` (see :func:`text_width`);
    what does not fit ends the last line with "…"."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while text_width(word) > width:  # a word longer than a line is cut
            head = _fit(word, width) or word[0]
            lines.append(head)
            word = word[len(head) :]
        current = word
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines
    rest = " ".join(lines[max_lines - 1 :])
    last = _fit(rest, width - text_width(ELLIPSIS))
    if rest[len(last)] != " " and last.rfind(" ") > len(last) // 2:
        last = last[: last.rfind(" ")]  # end on a whole word when one is near
    return [*lines[: max_lines - 1], last.rstrip(" ,;:·—-") + ELLIPSIS]


def _fit(text: str, width: float) -> str:
    """The longest start of ``text`` within ``width``."""
    size = 0.0
    for index, char in enumerate(text):
        size += _char_width(char)
        if size > width:
            return text[:index]
    return text


def text_width(text: str) -> float:
    """Width of ``text`` in average characters of a proportional font (capitals count 1.3)."""
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> float:
    if char.isupper() or char in "mwMW@%&—":
        return 1.3
    if char in " ilI.,;:'’!|()[]":
        return 0.5
    return 1.0


def _label_lines(label: str, top: int) -> tuple[Line, ...]:
    return tuple(
        Line(line, top + FONT_ASCENT + index * LINE_HEIGHT)
        for index, line in enumerate(wrap(label))
    )
