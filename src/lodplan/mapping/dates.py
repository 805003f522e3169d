"""French dates written in plan texts, parsed to the precision they state.

"7 mars 2023" is a day, "les 18 et 19 mars 2019" two days,
"au premier semestre 2019" or "1er trimestre 2019" a period of months,
"du 30 juin au 2 juillet 2023" a period of days,
"mars 2023" or "en juillet" a month, "mars-avril 2023" a period of months,
"au printemps 2019" a season, "2021-2027" a period of years, and — when the
mapping asks for it — "2024" a year. Every mention keeps its verbatim phrase and
is given as bounds (first and last day), so that queries can compare any
precision. A date whose year is neither written nor declared by the mapping
(``assume-year``) is not typed.

The words just before a date say what it is for the element (its *role*, a concept
of the code list date-role): « dès janvier 2019 » is a start, « d'ici à 2025 » a
deadline, « jusqu'en 2021 » an end, « depuis 2017 » the start of something ongoing
when the date is in the action's own clause, an event elsewhere. These cues are data
(``referentials/date-cues/date-cues.yaml``, French and English), and a cue stays in
the date's text (« lancement est prévu au 1er trimestre 2019 »).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from lodplan.bundled import referentials_dir
from lodplan.errors import MappingError
from lodplan.mapping.model import DateMention

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip
# Meteorological seasons: (first month, last month); winter runs into the next year.
SEASONS = {"printemps": (3, 5), "été": (6, 8), "ete": (6, 8), "automne": (9, 11), "hiver": (12, 2)}
PERIOD_ROLE = "periode"
START_ROLE = "debut"
DATE_CUES_FORMAT_VERSION = 1
# the concepts of the code list date-role (ontology/codelists/date-role.ttl)
DATE_ROLES = ("debut", "echeance", "evenement", "fin", "periode")
CUE_KEYS = {"roles", "ongoing", "within", "links"}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_SEASON = "|".join(sorted(SEASONS, key=len, reverse=True))
_YEAR = r"(?:19|20)[0-9]{2}"
_DAY = r"[0-9]{1,2}(?:er)?"
_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class NamedPeriod:
    """A name the document gives to a period it states elsewhere, and its days."""

    text: str
    start: date
    end: date


@dataclass(frozen=True)
class _Reading:
    """One way dates are written: a pattern and how its match becomes bounds."""

    pattern: re.Pattern[str]
    read: Callable[[re.Match[str], int | None], tuple[date, date] | None]
    precision: str
    role: str | None = None  # None: the role the mapping declares


@dataclass(frozen=True)
class DateCues:
    """The cue words of one language (see ``referentials/date-cues/date-cues.yaml``)."""

    language: str
    roles: tuple[tuple[str, str], ...] = ()  # (cue as declared, role)
    ongoing: tuple[str, ...] = ()  # "depuis": a start in the action's own clause
    within: tuple[str, ...] = ()  # "début", "fin": kept in the text, role unchanged
    links: tuple[str, ...] = ()  # words between a cue and its date ("au", "le")

    @functools.cached_property
    def _role_of(self) -> dict[str, str]:
        return {_fold_cue(cue): role for cue, role in self.roles} | {
            _fold_cue(cue): ONGOING for cue in self.ongoing
        }

    @functools.cached_property
    def _before(self) -> re.Pattern[str] | None:
        """A cue, then link words, at the end of the text before a date."""
        cues = [cue for cue, _ in self.roles] + list(self.ongoing)
        if not cues:
            return None
        links = _alternatives([*self.links, *self.within])
        tail = rf"(?:\s*(?<=[\s'’-])(?:{links}))*\s*$" if links else r"\s*$"
        return re.compile(rf"(?<!\w)(?P<cue>{_alternatives(cues)}){tail}", _FLAGS)

    @functools.cached_property
    def _leading(self) -> re.Pattern[str] | None:
        """A cue at the start of a date's own phrase ("dès le mois de mars")."""
        cues = [cue for cue, _ in self.roles] + list(self.ongoing)
        return re.compile(rf"^(?P<cue>{_alternatives(cues)})(?=[\s'’])", _FLAGS) if cues else None

    @functools.cached_property
    def _within(self) -> re.Pattern[str] | None:
        if not self.within:
            return None
        return re.compile(rf"(?<![\w'’-])(?:{_alternatives(self.within)})\s*$", _FLAGS)

    def read(self, text: str, start: int, phrase: str) -> tuple[int, str | None]:
        """Where a date's text begins (the cue or "within" word before ``start``, else
        ``start``) and the role its cue gives (``ONGOING`` for "depuis"), if any."""
        window = max(0, start - 80)  # the words just before (a word cut there is seen whole)
        for pattern in (self._before, self._within):
            match = pattern.search(text, window, start) if pattern is not None else None
            if match is not None:
                cue = match.groupdict().get("cue")
                role = self._role_of.get(_fold_cue(cue)) if cue else None
                return match.start(), role
        leading = self._leading.match(phrase) if self._leading is not None else None
        if leading is not None:
            return start, self._role_of.get(_fold_cue(leading["cue"]))
        return start, None


ONGOING = "ongoing"  # a role decided by where the date is (see DateCues.ongoing)


def _fold_cue(text: str) -> str:
    folded = re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip()
    return folded.replace("' ", "'")


def _alternatives(phrases: Iterable[str]) -> str:
    """One regular expression for ``phrases``, longest first, spaces and apostrophes
    written either way."""
    written = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        pattern = re.escape(_fold_cue(phrase)).replace("\\ ", r"\s+").replace("'", r"['’]\s*")
        written.append(pattern)
    return "|".join(written)


def find_dates(
    text: str,
    *,
    assume_year: int | None = None,
    role: str = "evenement",
    years: bool = False,
    not_dates: Iterable[str] = (),
    periods: Iterable[NamedPeriod] = (),
    cues: DateCues | None = None,
    action_clause: tuple[int, int] | None = None,
) -> list[DateMention]:
    """The :class:`DateMention` of ``text`` in reading order.

    ``years`` also reads a lone year ("Borders Forum 2024"); ``not_dates`` are
    phrases in which numbers are names, not dates ("Agenda Territorial 2030");
    ``periods`` are names the document gives to a period it states elsewhere ("les
    100 jours": from 30 January to 9 May 2019), read as that period. ``cues``
    (default: the bundled French cues; :data:`NO_CUES` for none) give a date its
    role from the words before it, and their words to its text; ``action_clause`` is
    where in ``text`` the action's own clause is: a date there after « depuis »
    starts the action, elsewhere it is an event.
    """
    cues = cues if cues is not None else bundled_date_cues("fr")
    taken = [m.span() for phrase in not_dates for m in re.finditer(re.escape(phrase), text)]
    found: list[tuple[int, DateMention]] = []

    def overlaps(first: int, last: int) -> bool:
        return any(first < end and start < last for start, end in taken)

    def add(match: re.Match[str], bounds: tuple[date, date], precision: str, own: str) -> None:
        begin, cue_role = cues.read(text, match.start(), match.group(0))
        if begin < match.start() and overlaps(begin, match.start()):
            begin, cue_role = match.start(), None  # the words before are another date's
        if cue_role == ONGOING:
            inside = action_clause is not None and (
                action_clause[0] <= match.start() < action_clause[1]
            )
            cue_role = START_ROLE if inside else role
        phrase = text[begin : match.end()]
        found.append((begin, DateMention(*bounds, precision, phrase, cue_role or own)))
        taken.append((begin, match.end()))

    for period in periods:
        for match in re.finditer(rf"(?<!\w){re.escape(period.text)}(?!\w)", text, _FLAGS):
            if not overlaps(*match.span()):
                add(match, (period.start, period.end), "jour", PERIOD_ROLE)
    for reading in _READINGS if years else _READINGS[:-1]:
        for match in reading.pattern.finditer(text):
            if overlaps(*match.span()):
                continue
            try:
                bounds = reading.read(match, assume_year)
            except ValueError:
                raise ValueError(f"{match.group(0)!r} is not a valid date") from None
            if bounds is not None:
                add(match, bounds, reading.precision, reading.role or role)
    return [mention for _, mention in sorted(found, key=lambda item: item[0])]


NO_CUES = DateCues("none")


def bundled_date_cues_path() -> Path:
    return referentials_dir() / "date-cues" / "date-cues.yaml"


@functools.cache
def bundled_date_cues(language: str = "fr") -> DateCues:
    """The cues shipped with lodplan for ``language`` (read once per process)."""
    return load_date_cues(bundled_date_cues_path())[language]


def load_date_cues(path: Path) -> dict[str, DateCues]:
    """The cues of every language of a date-cues file, checked: a clear error naming
    the file and the key, never a traceback."""
    try:
        data: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"cannot read the date cues: {exc}", file=path) from None

    def fail(message: str, where: str | None = None) -> MappingError:
        return MappingError(message, file=path, field=where)

    if not isinstance(data, dict) or data.get("lodplan-date-cues") != DATE_CUES_FORMAT_VERSION:
        raise fail(f"this lodplan reads date cues format {DATE_CUES_FORMAT_VERSION}",
                   "lodplan-date-cues")  # fmt: skip
    if set(data) - {"lodplan-date-cues", "languages"}:
        raise fail(
            f"unknown key(s) {', '.join(sorted(set(data) - {'lodplan-date-cues', 'languages'}))}"
        )
    languages = data.get("languages")
    if not isinstance(languages, dict) or not languages:
        raise fail("must map languages (fr, en) to their cues", "languages")
    result = {}
    for language, fields in languages.items():
        where = f"languages.{language}"
        if not isinstance(fields, dict) or set(fields) - CUE_KEYS:
            raise fail(f"must map some of {', '.join(sorted(CUE_KEYS))} to lists", where)

        def phrases(value: Any, key: str) -> tuple[str, ...]:
            if not isinstance(value or [], list) or not all(
                isinstance(p, str) and p.strip() for p in value or []
            ):
                raise fail("must be a list of words", key)
            return tuple(value or ())

        roles = fields.get("roles") or {}
        if not isinstance(roles, dict):
            raise fail("must map roles of the code list date-role to lists", f"{where}.roles")
        pairs = []
        for role, cues in roles.items():
            if role not in DATE_ROLES:
                raise fail(f"{role!r} is not a concept of the code list date-role "
                           f"({', '.join(DATE_ROLES)})", f"{where}.roles")  # fmt: skip
            pairs += [(cue, role) for cue in phrases(cues, f"{where}.roles.{role}")]
        result[str(language)] = DateCues(
            str(language),
            tuple(pairs),
            phrases(fields.get("ongoing"), f"{where}.ongoing"),
            phrases(fields.get("within"), f"{where}.within"),
            phrases(fields.get("links"), f"{where}.links"),
        )
    return result


def _year(written: str | None, assume_year: int | None) -> int | None:
    return int(written) if written else assume_year


def _day(text: str) -> int:
    return int(text.lower().removesuffix("er"))


def _month(text: str) -> int:
    return MONTHS[text.lower()]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _day_period(m: re.Match[str], assume_year: int | None):
    year = _year(m["year"], assume_year)
    if year is None:
        return None
    first_month = _month(m["m1"]) if m["m1"] else _month(m["m2"])
    return date(year, first_month, _day(m["d1"])), date(year, _month(m["m2"]), _day(m["d2"]))


def _days(m: re.Match[str], assume_year: int | None):
    year = _year(m["year"], assume_year)
    if year is None:
        return None
    month = _month(m["month"])
    first = date(year, month, _day(m["day"]))
    return first, date(year, month, _day(m["last"])) if m["last"] else first


def _month_period(m: re.Match[str], assume_year: int | None):
    year = _year(m["year"], assume_year)
    if year is None:
        return None
    return date(year, _month(m["m1"]), 1), _month_end(year, _month(m["m2"]))


def _one_month(m: re.Match[str], assume_year: int | None):
    year = _year(m["year"], assume_year)
    if year is None:
        return None
    month = _month(m["month"])
    return date(year, month, 1), _month_end(year, month)


def _season(m: re.Match[str], assume_year: int | None):
    year = _year(m["year"], assume_year)
    if year is None:
        return None
    first_month, last_month = SEASONS[m["season"].lower()]
    end_year = year + 1 if last_month < first_month else year
    return date(year, first_month, 1), _month_end(end_year, last_month)


def _part_of_year(m: re.Match[str], assume_year: int | None):
    year = _year(m["year"], assume_year)
    if year is None:
        return None
    rank = {"p": 1, "1": 1, "s": 2, "d": 2, "2": 2, "t": 3, "3": 3, "q": 4, "4": 4}
    index = rank[m["ordinal"][0].lower()]
    months = 6 if m["unit"].lower() == "semestre" else 3
    if index > 12 // months:
        return None
    first = (index - 1) * months + 1
    return date(year, first, 1), _month_end(year, first + months - 1)


def _years(m: re.Match[str], _assume_year: int | None):
    first, last = int(m["first"]), int(m["last"])
    if last < first:
        return None
    return date(first, 1, 1), date(last, 12, 31)


def _lone_year(m: re.Match[str], _assume_year: int | None):
    year = int(m["year"])
    return date(year, 1, 1), date(year, 12, 31)


# Most specific first: a phrase read by one reading is not read again by the next.
_READINGS = (
    _Reading(
        re.compile(
            rf"\bdu\s+(?P<d1>{_DAY})(?:\s+(?P<m1>{_MONTH}))?\s+au\s+(?P<d2>{_DAY})\s+"
            rf"(?P<m2>{_MONTH})\b(?:\s+(?P<year>{_YEAR})\b)?",
            _FLAGS,
        ),
        _day_period,
        "jour",
        PERIOD_ROLE,
    ),
    _Reading(
        re.compile(
            rf"\b(?P<day>{_DAY})(?:\s*(?:-|et)\s*(?P<last>{_DAY}))?\s+(?P<month>{_MONTH})\b"
            rf"(?:\s+(?P<year>{_YEAR})\b)?",
            _FLAGS,
        ),
        _days,
        "jour",
    ),
    _Reading(
        re.compile(
            rf"\b(?P<m1>{_MONTH})\s*(?:-|à|au)\s*(?P<m2>{_MONTH})\s+(?P<year>{_YEAR})\b", _FLAGS
        ),
        _month_period,
        "mois",
        PERIOD_ROLE,
    ),
    _Reading(
        re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<year>{_YEAR})\b", _FLAGS), _one_month, "mois"
    ),
    _Reading(
        # a month without its year only after a word that makes it a date ("en juillet")
        re.compile(
            rf"\b(?:en|courant|début|fin|mi-?|d[eè]s|avant|après)(?:\s+le\s+mois\s+de)?"
            rf"\s+(?P<month>{_MONTH})\b"
            r"(?P<year>)",
            _FLAGS,
        ),
        _one_month,
        "mois",
    ),
    _Reading(
        # "été" is also a verb ("a été lancé"): a season needs its year or an article before it
        re.compile(
            rf"(?:\b(?:au|en|à\s+l'|à\s+l’|cet|ce|l'|l’|d'|d’)\s*(?P<season>{_SEASON})\b"
            rf"(?:\s+(?P<year>{_YEAR})\b)?)",
            _FLAGS,
        ),
        _season,
        "saison",
    ),
    _Reading(
        # "au premier semestre 2019", "1^{er} trimestre 2019" (superscript markup kept verbatim)
        re.compile(
            r"\b(?P<ordinal>premier|1(?:er|\^\{er\})|second|deuxième|2(?:e|nd|\^\{e\})|"
            r"troisième|3(?:e|\^\{e\})|quatrième|4(?:e|\^\{e\}))\s+"
            rf"(?P<unit>semestre|trimestre)\b(?:\s+(?P<year>{_YEAR})\b)?",
            _FLAGS,
        ),
        _part_of_year,
        "mois",
        PERIOD_ROLE,
    ),
    _Reading(
        # "2019 2021": an extraction may leave a space where the dash or line break was
        re.compile(rf"\b(?P<first>{_YEAR})(?:\s*[-–/]\s*|\s+)(?P<last>{_YEAR})\b"),
        _years,
        "annee",
        PERIOD_ROLE,
    ),
    _Reading(re.compile(rf"\b(?P<year>{_YEAR})\b"), _lone_year, "annee"),  # only if asked
)
