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
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from lodplan.mapping.model import Outline

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
    """``text`` without the declared markup, whitespace normalised."""
    for family in markup:
        text = MARKUP[family](text)
    return re.sub(r"\s+", " ", text).strip()


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
