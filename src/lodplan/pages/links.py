"""Where the links of a page lead: on the server, or between the files of a static export.

A page never builds a URL itself: it asks its :class:`Links`. On the server a
resource under the data base IRI is at its own path (``/plan/p``), a resource
the store describes outside it at ``/resource?iri=…``, a term of the lodplan
ontology on the ontology page. In a static export every page is a file
(``plan/p.html``, its data ``plan/p.ttl``…) and links are relative, so that the
export works from any folder of any static host (or from disk).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from lodplan.pages.i18n import DEFAULT_LANGUAGE
from lodplan.terms import LP

ONTOLOGY_NAMESPACE = str(LP)
VOID_PAGE = ".well-known/void"  # the page describing the dataset {base} and its parts
#: Addresses the server answers by negotiation that a static export writes as a plain
#: file (a static host serves a file by its extension).
STATIC_FILES = {".well-known/void": "void.ttl"}
_WEB_IRI = re.compile(r"https?://", re.IGNORECASE)
_NUMBERED = re.compile(r"-page-[0-9]+$")


def is_web_iri(iri: str) -> bool:
    """Whether ``iri`` may become a link: http(s) only (no ``javascript:``, ``data:``…)."""
    return bool(_WEB_IRI.match(iri))


class Links(Protocol):
    @property
    def lang(self) -> str:  # read-only: the links of one page are in one language
        ...

    def resource(self, iri: str, *, known: bool = True) -> str | None:
        """The page of ``iri``; ``known=False``: the store does not describe it
        (the IRI itself, if it is a web IRI). ``None``: no link."""
        ...

    def data(self, iri: str, extension: str) -> str:
        """``iri`` (described by the store) in another format: ``.ttl``, ``.jsonld``, ``.csv``…"""
        ...

    def page(self, name: str, fragment: str = "") -> str:
        """A page of the site: ``""`` (home), ``search``, ``charts``, ``ontology``, ``sparql``,
        ``validation/<plan-id>``, ``catalog``…"""
        ...

    def file(self, name: str) -> str:
        """A file served as is: ``download/…``, ``assets/…``, ``catalog.ttl``…"""
        ...

    def in_language(self, lang: str) -> str:
        """The current page in another language."""
        ...

    def numbered(self, number: int) -> str:
        """Page ``number`` of the current page's list (:mod:`lodplan.pages.paging`)."""
        ...


@dataclass(frozen=True)
class ServerLinks:
    """Links of a page served by ``lodplan serve``: absolute paths under ``root``."""

    data_base: str
    root: str = ""  # the application's mount point (SCRIPT_NAME)
    lang: str = DEFAULT_LANGUAGE
    current: str = ""  # the current page's path under root, without query

    def resource(self, iri: str, *, known: bool = True) -> str | None:
        if iri == self.data_base:
            return self.page("")
        if iri.startswith(self.data_base + "#"):  # a part of the dataset's description
            return self.file(VOID_PAGE) + _fragment(iri[len(self.data_base) + 1 :])
        if iri.startswith(self.data_base):
            path, _, fragment = iri[len(self.data_base) :].partition("#")
            return self._with_lang(f"{self.root}/{_path_reference(path)}") + _fragment(fragment)
        if iri.startswith(ONTOLOGY_NAMESPACE):
            return self.page("ontology", iri[len(ONTOLOGY_NAMESPACE) :])
        if not is_web_iri(iri):
            return None
        if not known:
            return iri
        query = f"iri={quote(iri, safe=':/')}"
        if self.lang != DEFAULT_LANGUAGE:
            query += f"&lang={self.lang}"
        return f"{self.root}/resource?{query}"

    def data(self, iri: str, extension: str) -> str:
        if iri.startswith(self.data_base) and "#" not in iri:
            return f"{self.root}/{_path_reference(iri[len(self.data_base) :])}{extension}"
        fmt = extension.lstrip(".")
        return f"{self.root}/resource?iri={quote(iri, safe=':/')}&format={fmt}"

    def page(self, name: str, fragment: str = "") -> str:
        return self._with_lang(f"{self.root}/{name}") + _fragment(fragment)

    def file(self, name: str) -> str:
        return f"{self.root}/{name}"

    def in_language(self, lang: str) -> str:
        path = f"{self.root}/{self.current}"  # current may hold a query (without lang)
        if lang == DEFAULT_LANGUAGE:
            return path
        return f"{path}{'&' if '?' in path else '?'}lang={lang}"

    def numbered(self, number: int) -> str:
        path, _, query = self.current.partition("?")  # current holds the page's parameters
        kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "page"]
        if number > 1:
            kept.append(("page", str(number)))
        if self.lang != DEFAULT_LANGUAGE:
            kept.append(("lang", self.lang))
        url = f"{self.root}/{path}"
        return f"{url}?{urlencode(kept)}" if kept else url

    def _with_lang(self, url: str) -> str:
        return url if self.lang == DEFAULT_LANGUAGE else f"{url}?lang={self.lang}"


@dataclass(frozen=True)
class StaticLinks:
    """Links between the files of a static export, relative to the current page.

    French pages are at the root, English ones under ``en/``; data files and
    assets exist once, at the root.
    """

    data_base: str
    current: str  # the file of the current page, from the export root: "plan/p.html"
    lang: str = DEFAULT_LANGUAGE

    def resource(self, iri: str, *, known: bool = True) -> str | None:
        if iri.startswith(ONTOLOGY_NAMESPACE):
            return self.page("ontology", iri[len(ONTOLOGY_NAMESPACE) :])
        if not is_web_iri(iri):
            return None
        if not (iri.startswith(self.data_base) or known):
            return iri
        path, _, fragment = iri.partition("#")
        if iri.startswith(self.data_base) and fragment:
            return self._relative(self._html(local_file(path, self.data_base))) + _fragment(
                fragment
            )
        return self._relative(self._html(local_file(iri, self.data_base)))

    def data(self, iri: str, extension: str) -> str:
        return self._relative(local_file(iri, self.data_base) + extension)

    def page(self, name: str, fragment: str = "") -> str:
        return self._relative(self._html(name or "index")) + _fragment(fragment)

    def file(self, name: str) -> str:
        return self._relative(STATIC_FILES.get(name, name))

    def in_language(self, lang: str) -> str:
        here = self.current.removeprefix("en/")
        return self._relative(here if lang == DEFAULT_LANGUAGE else f"en/{here}")

    def numbered(self, number: int) -> str:
        return self._relative(numbered_file(self.current, number))

    def _html(self, name: str) -> str:
        prefix = "" if self.lang == DEFAULT_LANGUAGE else f"{self.lang}/"
        return f"{prefix}{name}.html"

    def _relative(self, target: str) -> str:
        start = posixpath.dirname(self.current) or "."
        relative = _path_reference(posixpath.relpath(target, start))
        # "a:b" would read as a scheme
        return "./" + relative if ":" in relative.split("/", 1)[0] else relative


def numbered_file(file: str, number: int) -> str:
    """The export file of page ``number`` of the list of the page ``file``:
    ``index.html`` (or ``index-page-3.html``) → ``index-page-2.html``; page 1 is
    ``index.html``."""
    stem = _NUMBERED.sub("", file.removesuffix(".html"))
    return f"{stem}.html" if number <= 1 else f"{stem}-page-{number}.html"


def local_file(iri: str, data_base: str) -> str:
    """The export file name of ``iri``, without extension.

    ``{base}plan/p`` → ``plan/p``; the base itself → ``index``; an IRI outside
    the base → ``ext/<host>/<path>`` (its fragment, if any, ``--<fragment>``).
    """
    if iri == data_base:
        return "index"
    if iri.startswith(data_base):
        local = iri[len(data_base) :]
        return local[:-1] + "/index" if local.endswith("/") else local
    parts = urlsplit(iri)
    name = parts.netloc + (parts.path or "/")
    if name.endswith("/"):
        name += "index"
    if parts.query:
        name += "--" + parts.query
    if parts.fragment:
        name += "--" + parts.fragment
    return "ext/" + re.sub(r"[^\w./\-]", "_", name)


def _path_reference(path: str) -> str:
    """A path as a URI reference: Unicode and reserved characters percent-encoded."""
    return quote(path, safe="/-._~!$&'()*+,;=:@")


def _fragment(fragment: str) -> str:
    return "#" + quote(fragment, safe="-._~") if fragment else ""
