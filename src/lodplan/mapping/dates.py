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
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from lodplan.mapping.model import DateMention

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip
# Meteorological seasons: (first month, last month); winter runs into the next year.
SEASONS = {"printemps": (3, 5), "été": (6, 8), "ete": (6, 8), "automne": (9, 11), "hiver": (12, 2)}
PERIOD_ROLE = "periode"

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


def find_dates(
    text: str,
    *,
    assume_year: int | None = None,
    role: str = "evenement",
    years: bool = False,
    not_dates: Iterable[str] = (),
    periods: Iterable[NamedPeriod] = (),
) -> list[DateMention]:
    """The :class:`DateMention` of ``text`` in reading order.

    ``years`` also reads a lone year ("Borders Forum 2024"); ``not_dates`` are
    phrases in which numbers are names, not dates ("Agenda Territorial 2030");
    ``periods`` are names the document gives to a period it states elsewhere ("les
    100 jours": from 30 January to 9 May 2019), read as that period.
    """
    taken = [m.span() for phrase in not_dates for m in re.finditer(re.escape(phrase), text)]
    found: list[tuple[int, DateMention]] = []
    for period in periods:
        for match in re.finditer(rf"(?<!\w){re.escape(period.text)}(?!\w)", text, _FLAGS):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            mention = DateMention(period.start, period.end, "jour", match.group(0), PERIOD_ROLE)
            found.append((match.start(), mention))
            taken.append(match.span())
    for reading in _READINGS if years else _READINGS[:-1]:
        for match in reading.pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            try:
                bounds = reading.read(match, assume_year)
            except ValueError:
                raise ValueError(f"{match.group(0)!r} is not a valid date") from None
            if bounds is None:
                continue
            mention = DateMention(*bounds, reading.precision, match.group(0), reading.role or role)
            found.append((match.start(), mention))
            taken.append(match.span())
    return [mention for _, mention in sorted(found, key=lambda item: item[0])]


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
