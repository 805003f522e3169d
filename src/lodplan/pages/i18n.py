"""Interface messages in French (first) and English, from ``site/i18n/*.yaml``.

Each file maps a key to its texts: ``key: {fr: "…", en: "…"}``; texts may hold
``{name}`` fields filled by :meth:`Translator.__call__`. The data keep their own
languages: labels are chosen by :func:`label_languages`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from lodplan.bundled import site_dir
from lodplan.errors import LodplanError

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"


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
    texts: Mapping[str, str]

    def __call__(self, key: str, **fields: object) -> str:
        try:
            text = self.texts[key]
        except KeyError:
            raise KeyError(f"no message {key!r} in site/i18n") from None
        return text.format(**fields) if fields else text


class Messages:
    """Every message of the site, by key and language."""

    def __init__(self, by_key: Mapping[str, Mapping[str, str]]) -> None:
        self.by_key = dict(by_key)

    @classmethod
    def load(cls, folder: Path) -> Messages:
        by_key: dict[str, dict[str, str]] = {}
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
                by_key[key] = {lang: str(texts[lang]) for lang in LANGUAGES}
                origin[key] = path
        return cls(by_key)

    def translator(self, lang: str) -> Translator:
        lang = normalise_language(lang)
        return Translator(lang, {key: texts[lang] for key, texts in self.by_key.items()})


@cache
def bundled_messages() -> Messages:
    """The messages of the bundled ``site/i18n/`` (read once per process)."""
    return Messages.load(site_dir() / "i18n")
