"""French dates written in plan texts, parsed to the precision they state.

"7 mars 2023" is a day, "mars 2023" a month, "au printemps 2019" a season,
"27-28 juin" a range of days. Every mention keeps its verbatim phrase and is
given as bounds (first and last day) so that queries can compare any precision.
A date whose year is neither written nor declared by the mapping is not typed.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from lodplan.mapping.model import DateMention

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip
# Meteorological seasons: (first month, last month); winter runs into the next year.
SEASONS = {"printemps": (3, 5), "été": (6, 8), "ete": (6, 8), "automne": (9, 11), "hiver": (12, 2)}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_SEASON = "|".join(sorted(SEASONS, key=len, reverse=True))
_YEAR = r"(?P<year>(?:19|20)[0-9]{2})"
_DAYS = re.compile(
    rf"\b(?P<day>[0-9]{{1,2}})(?:er)?(?:\s*-\s*(?P<last_day>[0-9]{{1,2}}))?\s+"
    rf"(?P<month>{_MONTH})\b(?:\s+{_YEAR}\b)?",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(rf"\b(?P<month>{_MONTH})\s+{_YEAR}\b", re.IGNORECASE)
_SEASON_RE = re.compile(rf"\b(?P<season>{_SEASON})\b(?:\s+{_YEAR}\b)?", re.IGNORECASE)


def find_dates(text: str, *, assume_year: int | None = None, role: str = "evenement"):
    """Yield the :class:`DateMention` of ``text`` in reading order."""
    found: list[tuple[int, DateMention]] = []
    taken: list[range] = []

    def free(match: re.Match[str]) -> bool:
        return not any(match.start() in r or match.end() - 1 in r for r in taken)

    for match in _DAYS.finditer(text):
        year = _year(match, assume_year)
        if year is None:
            continue
        month = MONTHS[match["month"].lower()]
        try:
            first = date(year, month, int(match["day"]))
            last = date(year, month, int(match["last_day"])) if match["last_day"] else first
        except ValueError:
            raise ValueError(f"{match.group(0)!r} is not a valid date in {year}") from None
        found.append((match.start(), DateMention(first, last, "jour", match.group(0), role)))
        taken.append(range(match.start(), match.end()))
    for match in _MONTH_YEAR.finditer(text):
        if not free(match):
            continue
        year, month = int(match["year"]), MONTHS[match["month"].lower()]
        first, last = date(year, month, 1), _month_end(year, month)
        found.append((match.start(), DateMention(first, last, "mois", match.group(0), role)))
        taken.append(range(match.start(), match.end()))
    for match in _SEASON_RE.finditer(text):
        year = _year(match, assume_year)
        if year is None or not free(match):
            continue
        first_month, last_month = SEASONS[match["season"].lower()]
        end_year = year + 1 if last_month < first_month else year
        first, last = date(year, first_month, 1), _month_end(end_year, last_month)
        found.append((match.start(), DateMention(first, last, "saison", match.group(0), role)))
        taken.append(range(match.start(), match.end()))
    return [mention for _, mention in sorted(found, key=lambda item: item[0])]


def _year(match: re.Match[str], assume_year: int | None) -> int | None:
    return int(match["year"]) if match["year"] else assume_year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
