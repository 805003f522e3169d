"""The table of actions (``/actions``, ``/plan/<id>/actions``): the actions of every plan
or of one, filtered as Territoires en Transitions users filter their fiches (statut,
pilote, "sans pilote", thématique, échéance) and by territory, actor and role, and by
the two follow-up lists of a plan's page (lodplan.pages.history): « en retard » and
« sans mise à jour depuis N mois »; sorted, paged, and downloadable as the CSV of
exactly the rows of the filtered view.

The table is made once per build and language, plan by plan (``site/queries/
actions-table.rq`` and ``plan-elements.rq`` with the plan bound: no query spans every
plan), into a SQLite file named by the build (beside the search index:
:mod:`lodplan.pages.build_files`). A request is then answered by SQLite: its
filters are bound parameters of a fixed statement, its order one of
:data:`SORTS`, its page a ``LIMIT``: bounded whatever the number of plans.
"""

from __future__ import annotations

import calendar
import csv
import functools
import io
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path

from pyoxigraph import Literal

from lodplan.errors import LodplanError
from lodplan.pages.build_files import BuildFile, build_file, write_sqlite
from lodplan.pages.formats import date_text
from lodplan.pages.labels import pick, store_label
from lodplan.pages.paging import Paged
from lodplan.pages.queries import group_rows, integer, run, text
from lodplan.pages.search import fold
from lodplan.publishing.representations import natural_key
from lodplan.store.base import ReadableStore, StoreInfo

PLAN_CLASS = "https://w3id.org/lodplan/ontology#Plan"
PILOT_ROLE = "https://w3id.org/lodplan/code/role/pilote"
ACTIONS_PER_PAGE = 50
MAX_OPTIONS = 300  # values a filter's list offers at most (the most frequent)
MAX_KEPT_OPTIONS = 2000  # plans whose filters' lists are kept in memory
TABLE_FORMAT = 3
#: The orders of the table by name: the SQL of the key (actions without one last), then
#: the document order ("order": the document order only).
SORTS = {
    "order": None,
    "label": "a.label_key",
    "status": "a.status_label",
    "end": "a.end_key",
    "plan": "a.plan_label",
}
DOCUMENT_ORDER = "a.plan_label, a.plan, a.position"
#: The query parameters of the table (what its links keep).
ACTION_PARAMETERS = ("plan", "status", "pilot", "without_pilot", "theme", "territory", "actor",
                     "role", "end_from", "end_to", "late", "months", "sort", "desc",
                     "format")  # fmt: skip
#: Statuses after which an action is neither late nor waiting for an update (as on a
#: plan's page, lodplan.pages.history.CLOSED).
CLOSED = ("https://w3id.org/lodplan/code/status/realisee",
          "https://w3id.org/lodplan/code/status/abandonnee")  # fmt: skip
MONTHS_RANGE = (1, 120)
#: In the bound parameters of a filter: the day of the request (:func:`_where`).
TODAY = object()
#: The CSV's columns (one row per action of the filtered view, in its order).
CSV_COLUMNS = ("plan", "plan_label", "code", "label", "status", "pilots", "other_actors",
               "themes", "planned_start", "planned_end", "territories", "action")  # fmt: skip


class ActionFilterError(LodplanError):
    """A filter of the table that cannot be read (a malformed date…)."""


@dataclass(frozen=True)
class ActionFilters:
    """What the table shows: its filters (``None``: no filter) and order, as in the URL."""

    plan: str | None = None
    status: str | None = None
    pilot: str | None = None
    without_pilot: bool = False
    theme: str | None = None
    territory: str | None = None
    actor: str | None = None
    role: str | None = None
    end_from: str | None = None  # YYYY-MM-DD
    end_to: str | None = None
    late: bool = False  # planned end passed, neither done nor abandoned
    months: int | None = None  # no status stated for more than this many months, not done
    sort: str = "order"
    descending: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ActionFilters:
        """The filters a query string gives (``?status=…&sort=end&desc=1``); an unknown
        order is the document's; a malformed date raises :class:`ActionFilterError`."""
        values: dict[str, object] = {}
        for name in ("plan", "status", "pilot", "theme", "territory", "actor", "role"):
            values[name] = (args.get(name) or "").strip() or None
        values["without_pilot"] = args.get("without_pilot") in ("1", "on", "true")
        for name in ("end_from", "end_to"):
            value = (args.get(name) or "").strip()
            if value:
                try:
                    values[name] = date.fromisoformat(value).isoformat()
                except ValueError:
                    raise ActionFilterError(
                        f"{name} must be a date written YYYY-MM-DD, not {value[:40]!r}"
                    ) from None
        values["late"] = args.get("late") in ("1", "on", "true")
        months = (args.get("months") or "").strip()
        if months:
            low, high = MONTHS_RANGE
            if not (months.isascii() and months.isdigit()) or not low <= int(months) <= high:
                raise ActionFilterError(
                    f"months must be a whole number of months from {low} to {high}, "
                    f"not {months[:20]!r}"
                )
            values["months"] = int(months)
        sort = args.get("sort") or "order"
        values["sort"] = sort if sort in SORTS else "order"
        values["descending"] = args.get("desc") in ("1", "true")
        return cls(**values)  # type: ignore[arg-type]

    def query(self, **changes: object) -> list[tuple[str, str]]:
        """The query string of these filters with ``changes`` (what links keep)."""
        chosen = replace(self, **changes)  # type: ignore[arg-type]
        pairs = []
        for item in fields(chosen):
            value = getattr(chosen, item.name)
            if item.name in ("without_pilot", "late"):
                value = "1" if value else None
            elif item.name == "descending":
                item_name, value = "desc", ("1" if value else None)
                if value:
                    pairs.append((item_name, value))
                continue
            elif item.name == "sort" and value == "order":
                value = None
            if value:
                pairs.append((item.name, str(value)))
        return pairs

    @property
    def active(self) -> bool:
        """Whether any filter (not the order) is set."""
        return any(
            getattr(self, name) for name in ("status", "pilot", "without_pilot", "theme",
                                             "territory", "actor", "role", "end_from", "end_to",
                                             "late", "months")
        )  # fmt: skip


@dataclass(frozen=True)
class Ref:
    iri: str
    label: str


@dataclass(frozen=True)
class Involvement:
    actor: Ref
    role: Ref | None


@dataclass
class ActionRow:
    """An action as a row of the table."""

    iri: str
    plan: Ref
    position: int  # in its plan's document order
    code: str | None
    label: str
    status: Ref | None = None
    start: str | None = None  # as the data give it: 2024-09-01, 2026-08, 2027
    end: str | None = None
    involvements: list[Involvement] = field(default_factory=list)
    themes: list[Ref] = field(default_factory=list)
    territories: list[Ref] = field(default_factory=list)
    updated: str | None = None  # the day its status was last stated (any version)
    plan_on: str | None = None  # the day its plan's follow-up is judged on: latest version's

    @property
    def pilots(self) -> list[Ref]:
        return [i.actor for i in self.involvements if i.role and i.role.iri == PILOT_ROLE]

    @property
    def others(self) -> list[Involvement]:
        return [i for i in self.involvements if not (i.role and i.role.iri == PILOT_ROLE)]

    def record(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_record(cls, record: str) -> ActionRow:
        data = json.loads(record)
        ref = lambda v: Ref(**v) if v else None  # noqa: E731
        return cls(
            iri=data["iri"], plan=Ref(**data["plan"]), position=data["position"],
            code=data["code"], label=data["label"], status=ref(data["status"]),
            start=data["start"], end=data["end"],
            involvements=[Involvement(Ref(**i["actor"]), ref(i["role"]))
                          for i in data["involvements"]],
            themes=[Ref(**t) for t in data["themes"]],
            territories=[Ref(**t) for t in data["territories"]],
            updated=data.get("updated"), plan_on=data.get("plan_on"),
        )  # fmt: skip


@dataclass(frozen=True)
class Option:
    """A value a filter offers, with how many actions of the scope have it."""

    iri: str
    label: str
    count: int


# --- made once per build ------------------------------------------------------------


def collect_actions(store: ReadableStore, lang: str) -> Iterator[ActionRow]:
    """Every action of the build, plan by plan, labels in ``lang`` when the data have
    them."""
    for plan in sorted(store.subjects_of_type(PLAN_CLASS)):
        plan_ref = Ref(plan, store_label(store, plan, lang) or plan.rsplit("/", 1)[-1])
        positions = _document_positions(store, plan)
        issued = [text(r, "issued") for r in run(store, "plan-versions", plan=plan)]
        on = max(filter(None, issued), default=None)  # its latest version's day
        for iri, rows in group_rows(run(store, "actions-table", plan=plan), "action"):
            row = _row(iri, rows, plan_ref, positions.get(iri, len(positions)), lang)
            row.plan_on = on
            yield row


def _document_positions(store: ReadableStore, plan: str) -> dict[str, int]:
    """Each element's place in the plan's document order (depth first, siblings by their
    order then code)."""
    children: dict[str, list[tuple[tuple, str]]] = defaultdict(list)
    for iri, rows in group_rows(run(store, "plan-elements", plan=plan), "element"):
        key = (integer(rows[0], "order", 10**9), natural_key(text(rows[0], "notation") or ""))
        children[text(rows[0], "parent") or plan].append((key, iri))
    positions: dict[str, int] = {}
    pending = [plan]
    while pending:  # an explicit stack: plans may be deep
        parent = pending.pop()
        if parent != plan:
            positions[parent] = len(positions)
        for _, child in sorted(children.get(parent, []), reverse=True):
            if child not in positions:
                pending.append(child)
    return positions


def _row(iri: str, rows: list, plan: Ref, position: int, lang: str) -> ActionRow:
    by_field: dict[str, list] = defaultdict(list)
    for row in rows:
        by_field[text(row, "field")].append(row)

    def refs(name: str) -> list[Ref]:
        found = []
        for value, group in group_rows(by_field[name], "value"):
            found.append(Ref(value, _label(group, "valueLabel", lang) or _tail(value)))
        return sorted(found, key=lambda ref: natural_key(ref.label))

    label = pick([r["value"] for r in by_field["label"] if isinstance(r.get("value"), Literal)],
                 lang)  # fmt: skip
    codes = sorted(text(r, "value") for r in by_field["code"])
    status = refs("status")
    if not status and by_field["stated"]:  # the latest dated status
        latest = max(by_field["stated"], key=lambda r: text(r, "extra"))
        status = [s for s in refs("stated") if s.iri == text(latest, "value")]
    involvements = []
    for (actor, role), group in _grouped(by_field["involvement"], ("value", "extra")).items():
        role_ref = Ref(role, _label(group, "extraLabel", lang) or _tail(role)) if role else None
        involvements.append(
            Involvement(Ref(actor, _label(group, "valueLabel", lang) or _tail(actor)), role_ref)
        )
    involvements.sort(key=lambda i: (i.role is None, i.role.label if i.role else "",
                                     natural_key(i.actor.label)))  # fmt: skip
    return ActionRow(
        iri=iri,
        plan=plan,
        position=position,
        code=codes[0] if codes else None,
        label=label or _tail(iri),
        status=status[0] if status else None,
        start=min((text(r, "value") for r in by_field["start"]), default=None),
        end=max((text(r, "value") for r in by_field["end"]), default=None),
        involvements=involvements,
        themes=refs("theme"),
        territories=refs("territory"),
        updated=max(
            filter(None, (text(r, "extra")[:10] for r in by_field["stated"])), default=None
        ),
    )


def _grouped(rows: Iterable, names: tuple[str, str]) -> dict[tuple[str, str], list]:
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for row in rows:
        groups[(text(row, names[0]), text(row, names[1]))].append(row)
    return groups


def _label(rows: Iterable, name: str, lang: str) -> str | None:
    return pick([row[name] for row in rows if isinstance(row.get(name), Literal)], lang)


def _tail(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1]


def period_end(value: str | None) -> str | None:
    """The last day of a date of the data ("2025-06" → "2025-06-30"), as « late » compares
    it; None for what is not one."""
    key = date_key(value)
    if key is None or not value:
        return None
    try:
        year, month, day = (int(part) for part in key.split("-"))
        parts = value[:10].split("-")
        if len(parts) == 1:
            return date(year, 12, 31).isoformat()
        if len(parts) == 2:
            return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def months_before(day: str, months: int) -> str:
    """``day`` (YYYY-MM-DD) ``months`` months earlier, the day kept within the month (as
    the plan's page counts: lodplan.pages.history)."""
    on = date.fromisoformat(day)
    month = on.month - months
    year = on.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(on.day, calendar.monthrange(year, month)[1])).isoformat()


def date_key(value: str | None) -> str | None:
    """A date of the data as the range filter compares it: "2026" → "2026-01-01",
    "2026-08" → "2026-08-01" (a period counts from its first day)."""
    if not value:
        return None
    parts = value[:10].split("-")
    if not parts[0].isdigit():
        return None
    return "-".join([parts[0].zfill(4), *[*parts[1:], "01", "01"][:2]])


# --- the table file -----------------------------------------------------------------


def table_file(folder: Path, info: StoreInfo, lang: str) -> Path:
    """The table of one build in one language (:func:`lodplan.pages.build_files.build_file`)."""
    return build_file(folder, "actions", info, lang, TABLE_FORMAT)


_SCHEMA = """
CREATE TABLE actions(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, plan TEXT NOT NULL,
                     plan_label TEXT NOT NULL, position INTEGER NOT NULL, label_key TEXT,
                     status TEXT, status_label TEXT, end_key TEXT, end_last TEXT,
                     updated TEXT, plan_on TEXT, record TEXT NOT NULL);
CREATE TABLE links(action INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
                   label TEXT NOT NULL, role TEXT, role_label TEXT);
CREATE INDEX actions_plan ON actions(plan, position);
CREATE INDEX actions_order ON actions(plan_label, plan, position);
CREATE INDEX links_value ON links(kind, value, role);
CREATE INDEX links_action ON links(action, kind);
"""

#: The filters as SQL conditions on ``a`` (the action), each with its bound parameters.
_CONDITIONS: dict[str, tuple[str, Callable[[ActionFilters], tuple]]] = {
    "plan": ("a.plan = ?", lambda f: (f.plan,)),
    "status": ("a.status = ?", lambda f: (f.status,)),
    "pilot": ("EXISTS (SELECT 1 FROM links l WHERE l.action = a.id AND l.kind = 'actor' "
              "AND l.value = ? AND l.role = ?)", lambda f: (f.pilot, PILOT_ROLE)),
    "without_pilot": ("NOT EXISTS (SELECT 1 FROM links l WHERE l.action = a.id "
                      "AND l.kind = 'actor' AND l.role = ?)", lambda f: (PILOT_ROLE,)),
    "theme": ("EXISTS (SELECT 1 FROM links l WHERE l.action = a.id AND l.kind = 'theme' "
              "AND l.value = ?)", lambda f: (f.theme,)),
    "territory": ("EXISTS (SELECT 1 FROM links l WHERE l.action = a.id "
                  "AND l.kind = 'territory' AND l.value = ?)", lambda f: (f.territory,)),
    "actor": ("EXISTS (SELECT 1 FROM links l WHERE l.action = a.id AND l.kind = 'actor' "
              "AND l.value = ? AND (? IS NULL OR l.role = ?))",
              lambda f: (f.actor, f.role, f.role)),
    "role": ("EXISTS (SELECT 1 FROM links l WHERE l.action = a.id AND l.kind = 'actor' "
             "AND l.role = ?)", lambda f: (f.role,)),
    "end_from": ("a.end_key >= ?", lambda f: (f.end_from,)),
    "end_to": ("a.end_key <= ?", lambda f: (f.end_to,)),
    # the follow-up lists of a plan's page, judged on the day of the plan's latest version
    # (else on the day of the request: TODAY)
    "late": ("a.end_last < COALESCE(a.plan_on, ?) AND a.status IS NOT ? "
             "AND a.status IS NOT ?", lambda f: (TODAY, *CLOSED)),
    "months": ("a.updated < months_before(COALESCE(a.plan_on, ?), ?) "
               "AND a.status IS NOT ? AND a.status IS NOT ?",
               lambda f: (TODAY, f.months, *CLOSED)),
}  # fmt: skip


_STATUS_OPTIONS = """
SELECT a.status, a.status_label, count(*) FROM actions a
WHERE (? IS NULL OR a.plan = ?) AND a.status IS NOT NULL
GROUP BY a.status ORDER BY a.status_label"""
_LINK_OPTIONS = """
SELECT l.value, min(l.label), count(DISTINCT a.id) AS n FROM links l
JOIN actions a ON a.id = l.action
WHERE (? IS NULL OR a.plan = ?) AND l.kind = ? AND (? IS NULL OR l.role = ?)
GROUP BY l.value ORDER BY n DESC, min(l.label) LIMIT ?"""
_ROLE_OPTIONS = """
SELECT l.role, min(l.role_label), count(DISTINCT a.id) FROM links l
JOIN actions a ON a.id = l.action
WHERE (? IS NULL OR a.plan = ?) AND l.kind = 'actor' AND l.role IS NOT NULL
GROUP BY l.role ORDER BY min(l.role_label)"""
#: The filters that offer linked values: (filter, kind of link, role).
_LINK_FILTERS = (
    ("pilot", "actor", PILOT_ROLE),
    ("theme", "theme", None),
    ("territory", "territory", None),
    ("actor", "actor", None),
)


class ActionTable(BuildFile[ActionRow]):
    """The actions of one build in one language, in a SQLite file (made once:
    :meth:`open_or_build`)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._options: dict[str | None, dict[str, list[Option]]] = {}  # by plan

    @staticmethod
    def write(path: Path, items: Iterable[ActionRow]) -> None:
        write_table(path, items)

    def _connect(self) -> sqlite3.Connection:
        db = super()._connect()
        db.create_function("months_before", 2, _months_before, deterministic=True)
        return db

    def plans(self) -> list[Ref]:
        """The plans that have actions, by label."""
        with self._connect() as db:
            rows = db.execute("SELECT DISTINCT plan, plan_label FROM actions "
                              "ORDER BY plan_label, plan").fetchall()  # fmt: skip
        return [Ref(iri, label) for iri, label in rows]

    def page(self, filters: ActionFilters, number: int, size: int = ACTIONS_PER_PAGE,
             today: date | None = None) -> Paged[ActionRow] | None:  # fmt: skip
        """Page ``number`` of the filtered view; ``None`` past its last page. ``today``: the
        day the follow-up filters judge plans without versions on (default: today)."""
        where, parameters = _where(filters, today)
        with self._connect() as db:
            total = db.execute(f"SELECT count(*) FROM actions a WHERE {where}",  # noqa: S608
                               parameters).fetchone()[0]  # fmt: skip
            if not 1 <= number <= max(1, -(-total // size)):
                return None
            rows = db.execute(
                f"SELECT a.record FROM actions a WHERE {where} "  # noqa: S608
                f"ORDER BY {_order(filters)} LIMIT ? OFFSET ?",
                (*parameters, size, (number - 1) * size),
            ).fetchall()
        return Paged([ActionRow.from_record(r) for (r,) in rows], number, size, total)

    def rows(self, filters: ActionFilters, today: date | None = None) -> Iterator[ActionRow]:
        """Every row of the filtered view, in its order (the CSV)."""
        where, parameters = _where(filters, today)
        with self._connect() as db:
            cursor = db.execute(
                f"SELECT a.record FROM actions a WHERE {where} "  # noqa: S608
                f"ORDER BY {_order(filters)}",
                parameters,
            )
            for (record,) in cursor:
                yield ActionRow.from_record(record)

    def options(self, plan: str | None) -> dict[str, list[Option]]:
        """What each filter offers among the actions of ``plan`` (every plan: ``None``):
        statuses, pilots, themes, territories, actors and roles, each with its count (kept:
        the table does not change)."""
        if plan in self._options:
            return self._options[plan]
        found: dict[str, list[Option]] = {}
        with self._connect() as db:
            rows = db.execute(_STATUS_OPTIONS, (plan, plan)).fetchall()
            found["status"] = [Option(*row) for row in rows]
            for name, kind, role in _LINK_FILTERS:
                cursor = db.execute(_LINK_OPTIONS, (plan, plan, kind, role, role, MAX_OPTIONS))
                options = [Option(*row) for row in cursor]
                found[name] = sorted(options, key=lambda option: natural_key(fold(option.label)))
            found["role"] = [Option(*row) for row in db.execute(_ROLE_OPTIONS, (plan, plan))]
        if len(self._options) < MAX_KEPT_OPTIONS:
            self._options[plan] = found
        return found

    def label(self, iri: str) -> str | None:
        """The label the table gives ``iri`` (a plan, status, actor, role, theme…)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT label FROM (SELECT plan AS v, plan_label AS label FROM actions "
                "UNION ALL SELECT status, status_label FROM actions "
                "UNION ALL SELECT value, label FROM links "
                "UNION ALL SELECT role, role_label FROM links) WHERE v = ? LIMIT 1",
                (iri,),
            ).fetchone()
        return row[0] if row else None


def _where(filters: ActionFilters, today: date | None = None) -> tuple[str, tuple]:
    conditions: list[str] = ["1"]
    parameters: list[object] = []
    day = (today or datetime.now(UTC).date()).isoformat()
    for name, (condition, bound) in _CONDITIONS.items():
        if getattr(filters, name) and not (name == "role" and filters.actor):
            conditions.append(condition)
            parameters.extend(day if value is TODAY else value for value in bound(filters))
    return " AND ".join(conditions), tuple(parameters)


@functools.lru_cache(maxsize=4096)  # a few days (each plan's latest version) × a few N
def _months_before(day: str, months: int) -> str | None:
    """:func:`months_before` as the table's SQL function (NULL for what is not a day)."""
    try:
        return months_before(day, int(months))
    except (TypeError, ValueError):
        return None


def _order(filters: ActionFilters) -> str:
    """The ``ORDER BY`` of the view: made of the constants of :data:`SORTS` only."""
    key = SORTS[filters.sort]
    direction = " DESC" if filters.descending else ""
    if key is None:
        if not filters.descending:
            return DOCUMENT_ORDER
        return "a.plan_label DESC, a.plan DESC, a.position DESC"
    return f"{key} IS NULL, {key}{direction}, {DOCUMENT_ORDER}"


def write_table(path: Path, actions: Iterable[ActionRow]) -> None:
    """Write the table of ``actions`` at ``path`` (atomically)."""

    def fill(db: sqlite3.Connection) -> None:
        for number, row in enumerate(actions, 1):
            db.execute(
                "INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (number, row.iri, row.plan.iri, row.plan.label, row.position,
                 fold(row.label), row.status.iri if row.status else None,
                 row.status.label if row.status else None, date_key(row.end),
                 period_end(row.end), row.updated, row.plan_on, row.record()),
            )  # fmt: skip
            links = [("actor", i.actor.iri, i.actor.label, i.role.iri if i.role else None,
                      i.role.label if i.role else None) for i in row.involvements]  # fmt: skip
            links += [("theme", t.iri, t.label, None, None) for t in row.themes]
            links += [("territory", t.iri, t.label, None, None) for t in row.territories]
            db.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?)",
                           [(number, *link) for link in links])  # fmt: skip

    write_sqlite(path, _SCHEMA, fill)


def browser_record(
    row: ActionRow, lang: str, href: Callable[[str], str | None]
) -> dict[str, object]:
    """``row`` as the static export's ``assets/actions.js`` filters, sorts and shows it:
    its fields, the server's sort keys (``label_key``, ``end_key``), its planned end as
    ``lang`` writes it, and ``href(iri)`` of its page, its plan's and its actors'."""
    record = asdict(row)
    record.update(
        href=href(row.iri),
        label_key=fold(row.label),
        end_key=date_key(row.end),
        end_text=date_text(row.end, lang) if row.end else None,
    )
    record["plan"]["href"] = href(row.plan.iri)
    for involvement in record["involvements"]:
        involvement["actor"]["href"] = href(involvement["actor"]["iri"])
    return record


def actions_csv(rows: Iterable[ActionRow]) -> Iterator[str]:
    """The rows as CSV (RFC 4180), :data:`CSV_COLUMNS`, a line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Iterable[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    for row in rows:
        yield line([
            row.plan.iri, row.plan.label, row.code or "", row.label,
            row.status.label if row.status else "",
            " ; ".join(p.label for p in row.pilots),
            " ; ".join(f"{i.actor.label} ({i.role.label})" if i.role else i.actor.label
                       for i in row.others),
            " ; ".join(t.label for t in row.themes), row.start or "", row.end or "",
            " ; ".join(t.label for t in row.territories), row.iri,
        ])  # fmt: skip
