"""Sentences of French prose, for coverage (:mod:`lodplan.mapping.coverage`).

A documented rule rather than a library. Measured on the five bundled sources,
the candidates each mis-split French that these plans write: ``sentencex``
(maintained) keeps "…, etc. L'obtention du statut…" as one sentence, cuts
"METZMETROPOLE.FR" and the initials of a photo credit ("P. GISSELBRECHT") and
makes a footnote mark ("²") a sentence of its own; ``pysbd`` (unmaintained since
2021) cuts "À VOS CÔTÉS !" from its closing "»". Coverage needs a boundary it can
explain in one paragraph, and the same one everywhere, so here it is:

A sentence ends after ``.``, ``!``, ``?`` or ``…`` — with the closing quotes,
brackets and footnote marks that follow it — when a space and then a capital
letter, a digit or an opening quote or bracket come next; except after an
abbreviation: a single capital letter (an initial: "P. Gisselbrecht") or one of
:data:`ABBREVIATIONS` ("M.", "Mme.", "cf.", "n°."). "etc." ends a sentence when
a capital follows, which is how the plans use it.
"""

from __future__ import annotations

import re

# Words written with a period that rarely end a French sentence (lower-cased).
ABBREVIATIONS = frozenset({
    "m", "mm", "mme", "mmes", "mlle", "mlles", "me", "dr", "pr", "st", "ste", "cf", "av",
    "bd", "boul", "fig", "p", "pp", "art", "chap", "vol", "n°", "no", "env", "hab", "min",
    "max", "éd", "coll", "dir", "réf", "tél", "ex", "vs", "c.-à-d", "j.-c",
})  # fmt: skip
_END = re.compile(
    r"[.!?…]+(?:\s?[»\"”’)\]]|[\u00b9\u00b2\u00b3\u2070-\u2079°*])*"  # closing quotes, notes
    r"(?=\s+[A-ZÀ-ÖØ-Þ0-9«\"“(\[])"  # then a space and what opens a sentence
)
_WORD_BEFORE = re.compile(r"(\S+)$")


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of ``text``, surrounding spaces excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if match.group(0).startswith(".") and _abbreviation(text[start : match.start()]):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return [trimmed for s, e in spans if (trimmed := _trim(text, s, e)) is not None]


def _abbreviation(before: str) -> bool:
    word = _WORD_BEFORE.search(before)
    if word is None:
        return False
    token = word.group(1).lstrip('«("“[')
    return (len(token) == 1 and token.isupper()) or token.lower() in ABBREVIATIONS


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
