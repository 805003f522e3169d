"""Numbers, amounts and dates as a reader of the page's language writes them.

Formats come from the Unicode CLDR through Babel: « 1 200 000 € » and « 35 % »
in French (narrow no-break spaces), "€1,200,000" and "35%" in English. Dates keep
the precision the data give: a day (« 1 septembre 2024 »), a month (« mars
2026 »), a year (« 2026 »). A value that is not what its type says is shown as it
is written (a foreign store may hold anything).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent

from lodplan.pages.i18n import normalise_language

_MONTH = re.compile(r"^(-?\d{4,})-(\d{2})$")
_YEAR = re.compile(r"^-?\d{4,}$")


def number(value: str | None) -> Decimal | None:
    """``value`` as a decimal number, ``None`` if it is not one."""
    if value is None:
        return None
    try:
        result = Decimal(value.strip())
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def decimal_text(value: str, lang: str) -> str:
    """A number as the language writes it (« 1 200,5 »); else ``value`` as it is."""
    amount = number(value)
    if amount is None:
        return value
    return format_decimal(amount, locale=normalise_language(lang))


def amount_text(value: str, lang: str, currency: str | None = None, unit: str | None = None) -> str:
    """An amount with its currency (« 1 200 000 € », cents only when there are some)
    or its unit (« 2,5 ETP »)."""
    amount = number(value)
    if amount is None:
        return " ".join(part for part in (value, currency or unit) if part)
    locale = normalise_language(lang)
    if currency:
        pattern = Locale.parse(locale).currency_formats["standard"].pattern
        if amount == amount.to_integral_value():
            pattern = pattern.replace(".00", "")  # a whole amount is written without cents
        return format_currency(amount, currency, pattern, locale=locale, currency_digits=False)
    text = format_decimal(amount, locale=locale)
    return f"{text}\u00a0{unit}" if unit else text


def percent_text(value: str, lang: str) -> str:
    """A share from 0 to 1 as a percentage (0.35 → « 35 % »)."""
    share = number(value)
    if share is None:
        return value
    return format_percent(share, locale=normalise_language(lang))


def date_text(value: str | date, lang: str) -> str:
    """An ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` at its own precision (or a
    :class:`~datetime.date`, a day)."""
    locale = normalise_language(lang)
    if isinstance(value, date):
        return format_date(value, "long", locale=locale)
    if _YEAR.match(value):
        return value
    month = _MONTH.match(value)
    try:
        if month:
            day = date(int(month.group(1)), int(month.group(2)), 1)
            return format_skeleton("yMMMM", day, locale=locale)
        return format_date(date.fromisoformat(value[:10]), "long", locale=locale)
    except ValueError:
        return value
