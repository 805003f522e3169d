"""Is a text the source's words? The check of curated descriptions and labels.

A person who curates an outline from an OCR corrects what the OCR misread, and
nothing else. :func:`first_words_not_found` tells whether a ``text`` is made of
the words of a ``source`` passage (the cited lines, joined with ``"\\n"``) under
that rule — strict on words, lenient on the OCR's noise:

* compared letter by letter, letters and digits only: spaces, line breaks,
  punctuation, quotes and apostrophes aside (the OCR drops apostrophes, "lacces";
  splits words at line ends with a hyphen, "renfor-\\ncer"), accents aside (the OCR
  loses them: "periode");
* OCR characters folded to what they stand for: ``ª`` → ``a``, ``°`` → ``o``,
  ligatures (``œ`` → ``oe``);
* **case is kept**, except that a word the source sets in capitals (a heading:
  "ETAT DES LIEUX") may be written in ordinary case, a capital the OCR put inside
  a word ("Vvie") may be lower-cased, and the first letter of the text or of a
  sentence may change case;
* a misreading of at most :data:`NOISE` letters may differ, on either side, between
  two runs of at least :data:`RUN` letters that match (``difféerents`` and
  ``différents``, ``1°`` and ``1er``);
* the text may leave out source text only when what it leaves out is whole
  sentences (it follows a sentence's end — ``.``, ``!``, ``?``, ``:``, ``;``, ``…`` —
  and ends with one), or is anchored at a line break: the rest of a line, whole
  lines, the start of a line (the other column the OCR interleaved, a list it does
  not take). It selects the source's sentences and lines; it does not cut words
  out of them.

Anything else — a word added, replaced or reordered, a rewording — is not the
source's words: the function returns the first words of ``text`` it could not find.
"""

from __future__ import annotations

import difflib
import itertools
import unicodedata
from dataclasses import dataclass
from typing import Any

NOISE = 2  # letters an OCR misreading may add, drop or change between matching runs
RUN = 3  # letters in a row that count as a match (shorter: a coincidence)
_FOLD = {"ª": "a", "º": "o", "°": "o", "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}
_SENTENCE_ENDS = ".!?:;…"


@dataclass(frozen=True)
class _Stream:
    """The letters and digits of a text, accents folded, each with its offset in it."""

    chars: str
    offsets: list[int]
    text: str


def _stream(text: str) -> _Stream:
    chars: list[str] = []
    offsets: list[int] = []
    for offset, char in enumerate(text):
        folded = _FOLD.get(char)
        if folded is None:
            decomposed = unicodedata.normalize("NFKD", char)
            folded = "".join(c for c in decomposed if c.isalnum())
        for c in folded:
            chars.append(c)
            offsets.append(offset)
    return _Stream("".join(chars), offsets, text)


def first_words_not_found(text: str, source: str) -> str | None:
    """``None`` when ``text`` is the words of ``source`` (see the module's rule),
    else the first words of ``text`` that are not found."""
    mine, theirs = _stream(text), _stream(source)
    if not mine.chars:
        return None
    matcher = difflib.SequenceMatcher(
        None, mine.chars.casefold(), theirs.chars.casefold(), autojunk=False
    )
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= RUN]
    if not blocks:
        return _words_from(mine, 0)
    # what precedes the first run, and follows the last, is text the source lacks
    if blocks[0].a > NOISE:
        return _words_from(mine, 0)
    for before, after in itertools.pairwise(blocks):
        mine_gap = after.a - (before.a + before.size)
        theirs_gap = after.b - (before.b + before.size)
        if mine_gap > NOISE:
            return _words_from(mine, before.a + before.size)
        if theirs_gap > NOISE and not _left_out_whole(mine, theirs, before, after):
            return _words_from(mine, before.a + before.size)
    last = blocks[-1]
    if len(mine.chars) - (last.a + last.size) > NOISE:
        return _words_from(mine, last.a + last.size)
    for block in blocks:
        for i in range(block.size):
            a, b = block.a + i, block.b + i
            if mine.chars[a] != theirs.chars[b] and not _case_may_differ(mine, a, theirs, b):
                return _words_from(mine, a)
    return None


def _left_out_whole(mine: _Stream, source: _Stream, before: Any, after: Any) -> bool:
    """Whether the source text left out between two matching runs holds a line break
    or a sentence's end. Where the letters at the runs' ends could be matched on
    either side of what is left out (difflib may take "cultu|re" in "CIRCULAI|RE"),
    every such place is tried."""
    text, folded = mine.chars.casefold(), source.chars.casefold()
    first, end = before.b + before.size, after.b
    if _holds_break(source, first, end):
        return True
    for k in range(1, min(before.size, end - first) + 1):  # the gap earlier
        if text[before.a + before.size - k] != folded[end - k]:
            break
        if _holds_break(source, first - k, end - k):
            return True
    for k in range(1, min(after.size, end - first) + 1):  # the gap later
        if text[after.a + k - 1] != folded[first + k - 1]:
            break
        if _holds_break(source, first + k, end + k):
            return True
    return False


def _holds_break(source: _Stream, first: int, end: int) -> bool:
    """Whether the source text between letters ``first`` and ``end`` may be left out:
    whole sentences (it starts at a sentence's end and ends with one), or the rest of
    a line or the start of one (the other column the OCR put on the line)."""
    start = source.offsets[first - 1] + 1 if first > 0 else 0
    stop = source.offsets[end] if end < len(source.offsets) else len(source.text)
    skipped = source.text[start:stop]
    closing = ' \t\n»”")]'
    first_char, last_char = skipped.lstrip(closing)[:1], skipped.rstrip(closing)[-1:]
    if first_char and last_char and first_char in _SENTENCE_ENDS and last_char in _SENTENCE_ENDS:
        return True
    if "\n" not in skipped:
        return False
    head, tail = skipped.split("\n", 1)[0], skipped.rsplit("\n", 1)[1]
    return not any(c.isalnum() for c in head) or not any(c.isalnum() for c in tail)


def _case_may_differ(mine: _Stream, a: int, source: _Stream, b: int) -> bool:
    return (
        _in_capitals(source, b)
        or _misread_capital(source, b)
        or _starts_sentence(mine, a)
        or _starts_sentence(source, b)
    )


def _word_at(stream: _Stream, index: int) -> str:
    """The word holding the letter, an elided article included ("D’ACTION")."""
    text, offset = stream.text, stream.offsets[index]
    start = offset
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "'’"):
        start -= 1
    end = offset
    while end < len(text) and (text[end].isalnum() or text[end] in "'’"):
        end += 1
    return text[start:end]


def _in_capitals(stream: _Stream, index: int) -> bool:
    """A letter of a word the source sets in capitals: two letters or more, or one
    on a line set in capitals ("A DESTINATION DES PARTIES PRENANTES")."""
    word = [c for c in _word_at(stream, index) if c.isalpha()]
    if not word or not all(c.isupper() for c in word):
        return False
    if len(word) >= 2:
        return True
    offset = stream.offsets[index]
    start = stream.text.rfind("\n", 0, offset) + 1
    end = stream.text.find("\n", offset)
    line = [c for c in stream.text[start : end if end >= 0 else None] if c.isalpha()]
    return len(line) >= 2 and all(c.isupper() for c in line)


def _misread_capital(stream: _Stream, index: int) -> bool:
    """A capital inside a word not set in capitals, or doubled by a lower-case copy of
    itself: the OCR's misreading ("Vvie")."""
    offset = stream.offsets[index]
    char, after = stream.text[offset], stream.text[offset + 1 : offset + 2]
    word = _word_at(stream, index)
    if not char.isupper() or _in_capitals(stream, index):
        return False
    return not word.startswith(char) or after == char.lower()  # inside, or doubled: "Vvie"


def _starts_sentence(stream: _Stream, index: int) -> bool:
    offset = stream.offsets[index]
    if index > 0 and stream.offsets[index - 1] == offset:  # inside a folded character
        return False
    before = stream.text[:offset].rstrip(" \t\n«“\"'(’-–—•")
    return not before or before[-1] in _SENTENCE_ENDS


def _words_from(stream: _Stream, index: int, count: int = 8) -> str:
    offset = stream.offsets[index] if index < len(stream.offsets) else len(stream.text)
    while offset > 0 and stream.text[offset - 1].isalnum():  # from the word's start
        offset -= 1
    words = stream.text[offset:].split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")
