"""Interface messages in French (first) and English, from ``site/i18n/*.yaml``.

Each file maps a key to its texts: ``key: {fr: "…", en: "…"}``; texts may hold
``{name}`` fields filled by :meth:`Translator.__call__`. A text that depends on a
number gives one text per CLDR plural category of its language, chosen by Babel
from the ``count`` field: ``{fr: {one: "{count} action", other: "{count} actions"},
en: {...}}`` (French says « 0 action » and « 1,5 action »: category ``one``; English
"0 actions"). Whole numbers in fields are written as the language writes them
(« 526 052 », "526,052"). The data keep their own languages: labels are chosen by
:func:`label_languages`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from babel import Locale
from babel.numbers import format_decimal

from lodplan.bundled import site_dir
from lodplan.errors import LodplanError

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
#: The CLDR plural categories a message may give texts for ("other" is required).
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")

#: Fields holding quantities, written with the language's digit grouping.
QUANTITY_FIELDS = frozenset({"count", "total", "shown"})

#: A message's text in one language: plain, or one text per plural category.
Text = str | Mapping[str, str]


class MessagesError(LodplanError):
    """A messages file is malformed, or two files define one key."""


def normalise_language(requested: str | None) -> str:
    """A supported language for ``?lang=…`` (anything else: the default, French)."""
    return requested if requested in LANGUAGES else DEFAULT_LANGUAGE


def label_languages(lang: str) -> tuple[str, ...]:
    """Preferred label languages for a page in ``lang`` ("" is a plain literal)."""
    return ("en", "", "fr") if lang == "en" else ("fr", "", "en")


@dataclass(frozen=True)
class Translator:
    """The messages of one language: ``t("key", count=3)``."""

    lang: str
    texts: Mapping[str, Text]

    def __call__(self, key: str, **fields: object) -> str:
        try:
            text = self.texts[key]
        except KeyError:
            raise KeyError(f"no message {key!r} in site/i18n") from None
        if not isinstance(text, str):
            text = self._plural(key, text, fields.get("count"))
        if not fields:
            return text
        return text.format(**{name: self._field(name, value) for name, value in fields.items()})

    def raw(self, key: str) -> Text:
        """The text of ``key`` unfilled: a string, or its plural forms by CLDR category
        (for a script that fills it, choosing the form with ``Intl.PluralRules``)."""
        try:
            return self.texts[key]
        except KeyError:
            raise KeyError(f"no message {key!r} in site/i18n") from None

    def number(self, value: int | float) -> str:
        """A number as the page's language writes it (« 526 052 », "526,052")."""
        return format_decimal(value, locale=self.lang)

    def _plural(self, key: str, forms: Mapping[str, str], count: object) -> str:
        if not isinstance(count, int | float) or isinstance(count, bool):
            raise KeyError(f"message {key!r} has plural forms: give it a number as count=")
        category = Locale.parse(self.lang).plural_form(abs(count))
        return forms.get(category) or forms["other"]

    def _field(self, name: str, value: object) -> object:
        if name in QUANTITY_FIELDS and isinstance(value, int) and not isinstance(value, bool):
            return self.number(value)
        return value


class Messages:
    """Every message of the site, by key and language."""

    def __init__(self, by_key: Mapping[str, Mapping[str, Text]]) -> None:
        self.by_key = dict(by_key)

    @classmethod
    def load(cls, folder: Path) -> Messages:
        by_key: dict[str, dict[str, Text]] = {}
        origin: dict[str, Path] = {}
        for path in sorted(folder.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                raise MessagesError(f"{path}: expected a mapping of message keys")
            for key, texts in data.items():
                if key in by_key:
                    raise MessagesError(f"{path}: message {key!r} already defined in {origin[key]}")
                missing = [
                    lang for lang in LANGUAGES if not isinstance(texts, dict) or not texts.get(lang)
                ]
                if missing:
                    raise MessagesError(
                        f"{path}: message {key!r} has no text in {', '.join(missing)}"
                    )
                by_key[key] = {lang: _text(path, key, lang, texts[lang]) for lang in LANGUAGES}
                origin[key] = path
        return cls(by_key)

    def translator(self, lang: str) -> Translator:
        lang = normalise_language(lang)
        return Translator(lang, {key: texts[lang] for key, texts in self.by_key.items()})


def _text(path: Path, key: str, lang: str, text: object) -> Text:
    if not isinstance(text, dict):
        return str(text)
    unknown = sorted(set(map(str, text)) - set(PLURAL_CATEGORIES))
    if unknown or "other" not in text:
        problem = f"unknown categories {', '.join(unknown)}" if unknown else "no 'other' form"
        raise MessagesError(
            f"{path}: message {key!r} in {lang}: {problem} "
            f"(plural forms are {', '.join(PLURAL_CATEGORIES)})"
        )
    return {str(category): str(form) for category, form in text.items()}


@cache
def bundled_messages() -> Messages:
    """The messages of the bundled ``site/i18n/`` (read once per process)."""
    return Messages.load(site_dir() / "i18n")
