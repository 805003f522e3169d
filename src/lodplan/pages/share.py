"""What a page says of itself when it is shared or printed.

A link pasted in a message or a social network shows the plan (OpenGraph and
Twitter card ``<meta>``: title, description, address, site name, language); the
page names its canonical address (``<link rel="canonical">``: the resource's own
IRI, in the page's language); printed, its footer gives that address and the day
of the data (the build's date), so that a sheet of paper says where it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date

from lodplan.pages.i18n import DEFAULT_LANGUAGE, normalise_language
from lodplan.pages.links import ServerLinks, is_web_iri
from lodplan.store.base import StoreInfo

DESCRIPTION_LENGTH = 200  # characters of a shared link's description (cards cut there)
#: ``og:locale`` of each language of the site.
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@dataclass(frozen=True)
class PageMeta:
    """The page as a shared link or a printed sheet presents it."""

    title: str
    description: str
    url: str | None  # the canonical address of the page (None in a static export)
    data_date: str  # the day of the data, as the page's language writes it
    locale: str
    alternate_locales: tuple[str, ...]
    kind: str = "website"  # og:type


def canonical_url(iri: str, info: StoreInfo, lang: str) -> str | None:
    """The address of the page of ``iri`` in ``lang``: the IRI itself when the data
    live under the base IRI (``?lang=en`` in English), else the server's page of it;
    ``None`` for an IRI that cannot be an address."""
    base = info.base_iri
    if not is_web_iri(base):
        return None
    links = ServerLinks(data_base=base, root=base.rstrip("/"), lang=normalise_language(lang))
    if iri == base:
        return base if lang == DEFAULT_LANGUAGE else f"{base}?lang={lang}"
    url = links.resource(iri)
    return url if url is not None and is_web_iri(url) else None


def page_meta(
    title: str,
    description: str | None,
    iri: str,
    info: StoreInfo,
    lang: str,
    *,
    kind: str = "",
    addressable: bool = True,
) -> PageMeta:
    """The meta of the page of ``iri``. ``addressable``: the page is served at the
    address of its IRI (by ``lodplan serve``); a static export's pages, hosted anywhere,
    name no canonical address (their share link is the page itself)."""
    url = canonical_url(iri, info, lang) if addressable else None
    lang = normalise_language(lang)
    return PageMeta(
        title=title,
        description=shorten(description or "", DESCRIPTION_LENGTH),
        url=url,
        data_date=data_date(info, lang),
        locale=LOCALES[lang],
        alternate_locales=tuple(v for k, v in LOCALES.items() if k != lang),
        kind="article" if kind in ("plan", "element", "action") else "website",
    )


def data_date(info: StoreInfo, lang: str) -> str:
    """The day the build was made (« 7 décembre 2026 »), else its stamp as written."""
    try:
        built = datetime.fromisoformat(info.built_at)
    except ValueError:
        return info.built_at
    return format_date(built.date(), "long", locale=normalise_language(lang))


def shorten(text: str, length: int) -> str:
    """``text`` on one line, cut at a word before ``length`` characters (with « … »)."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[: length - 1].rsplit(" ", 1)[0] or flat[: length - 1]
    return cut.rstrip(" ,;:.") + "…"
