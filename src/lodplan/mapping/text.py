"""Clean text: the markup an extraction left in a source, taken out of what people read.

Extractions of PDFs write typography as markup: Markdown emphasis and links
(``**…**``, ``[…](#)``), superscripts (``1^{er}``, ``XXI^e``), HTML (``<b>``,
``<ul><li>``, ``&amp;``). Labels, descriptions, passages and date phrases are
published as plain text (pages, CSV, JSON-LD); the verbatim text, markup
included, stays in the provenance quote (``oa:exact``).

Which markup a source carries depends on how it was extracted, so a mapping
declares it (``source.markup``, a list of the families below); without it a
reader assumes the syntax it reads (``markdown`` for ``markdown-outline``,
``html`` for ``tabular``). :func:`clean_outline` is the one step of the mapping
that cleans every reader's output; readers call :func:`plain_text` for the text
they derive data from (descriptions whose dates are read, table cells).

Superscripts become plain letters ("1er", "XXIe"), the form French plain text
uses (Imprimerie nationale, the COG's names): it is what people type in a
search, sorts and compares as written, whereas the Unicode modifier letters
(ᵉ, ʳ) are phonetic symbols that many fonts lack.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from lodplan.mapping.model import Outline
from lodplan.referentials.places import fold

if TYPE_CHECKING:
    from lodplan.mapping.spec import MappingSpec

BACKSLASH_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|^~<>])")
_LINK = re.compile(r"\[(?P<text>(?:[^\]\\\n]|\\.)+)\]\((?P<target>[^)\s]*)\)")


def _markdown(text: str) -> str:
    text = _LINK.sub(lambda m: m["text"], text)  # a link keeps its words
    text = re.sub(r"\*\*(?P<t>[^*\n]+?)\*\*", r"\g<t>", text)
    text = re.sub(r"(?<![*\w])\*(?!\*)(?P<t>[^*\n]+?)(?<!\s)\*(?![*\w])", r"\g<t>", text)
    text = re.sub(r"\*\*|__", "", text)  # emphasis cut open by a line or a sentence
    text = re.sub(r"(?m)^[ \t]*[-*+][ \t]+", "", text)  # list bullets
    return BACKSLASH_ESCAPE.sub(r"\1", text)


def _superscript(text: str) -> str:
    # "1^{er}", "1^{ER}", "XXI^e", "27^e": the letters stay, written on the line
    return re.sub(r"\^\{(?P<t>[^{}\n]*)\}|\^(?P<l>[^\W\d_]+)", lambda m: m["t"] or m["l"], text)


_TAG = re.compile(r"<[^>]*>")


def _html(text: str) -> str:
    return html.unescape(_TAG.sub(" ", text))


MARKUP: dict[str, Callable[[str], str]] = {
    "markdown": _markdown,
    "superscript": _superscript,
    "html": _html,
}
READER_MARKUP: dict[str, tuple[str, ...]] = {
    "markdown-outline": ("markdown",),
    "tabular": ("html",),
}


def markup_of(spec: MappingSpec) -> tuple[str, ...]:
    """The markup families of a mapping's source: declared, or the reader's syntax."""
    if spec.source.markup is not None:
        return spec.source.markup
    return READER_MARKUP.get(spec.reader.get("type", ""), ())


def plain_text(text: str, markup: Iterable[str]) -> str:
    """``text`` without the declared markup, words a line break cut after a hyphen
    joined (:func:`join_broken_words`), whitespace normalised."""
    for family in markup:
        text = MARKUP[family](text)
    return re.sub(r"\s+", " ", join_broken_words(text)).strip()


_BROKEN_WORD = re.compile(r"(?P<first>[^\W\d_]+)-[ \t]*\r?\n[ \t]*(?P<second>[^\W\d_]+)")


def join_broken_words(text: str, words: Collection[str] | None = None) -> str:
    """Join a word that a line break of the source cut after a hyphen: "MIX
    INDUSTRIES-\\nSERVICES" is "MIX INDUSTRIES-SERVICES", not "INDUSTRIES- SERVICES".

    The hyphen is kept (a compound word), unless ``words`` — the words of the document,
    folded (:func:`lodplan.referentials.places.fold`) — holds the joined word and not
    its first part: then the break cut a word in syllables ("TRANSFRONTA-\\nLIERES" is
    "TRANSFRONTALIERES" where the document writes « transfrontalières »). Only a line
    break is joined: a hyphen followed by a space on one line is the source's."""

    def join(match: re.Match[str]) -> str:
        first, second = match["first"], match["second"]
        if words is not None and fold(first + second) in words and fold(first) not in words:
            return first + second
        return f"{first}-{second}"

    return _BROKEN_WORD.sub(join, text)


def document_words(lines: Iterable[str]) -> frozenset[str]:
    """The folded words of a document's lines (for :func:`join_broken_words`), the
    pieces of words cut by a hyphen and a line break left out."""
    text = _BROKEN_WORD.sub(" ", "\n".join(lines))
    return frozenset(fold(m.group()) for m in _WORD.finditer(text))


_WORD = re.compile(r"[^\W\d_]+")


def clean_outline(outline: Outline, markup: Iterable[str]) -> int:
    """Clean, in place, every text of ``outline`` that people read: labels, descriptions,
    passages, date phrases. Texts as read (``Element.text``, from which IRIs are minted)
    and quotes are untouched. Returns how many texts changed."""
    markup = tuple(markup)
    changed = 0

    def clean(value: str) -> str:
        nonlocal changed
        result = plain_text(value, markup)
        changed += result != value
        return result

    passages = list(outline.passages)
    for element in outline.walk():
        element.label = clean(element.label)
        if element.description is not None:
            element.description = clean(element.description)
        element.dates = [replace(d, text=clean(d.text)) for d in element.dates]
        passages += element.passages
    for passage in passages:
        passage.text = clean(passage.text)
        passage.dates = [replace(d, text=clean(d.text)) for d in passage.dates]
        if passage.label is not None:
            passage.label = clean(passage.label)
    return changed
