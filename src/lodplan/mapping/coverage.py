"""Accounting for every sentence and every cell of a source: nothing may be lost silently.

Coverage counts **text spans**: each sentence of a prose line (split by
:mod:`lodplan.mapping.sentences`) and each non-empty cell of a table (the
``tabular`` and ``coded-outline`` readers). A span is

* *carried* when its words are in what the data publishes for the lines it is
  on — the label, description, passages (``rdf:value``), notation, provenance
  quote (``oa:exact``) or date phrases of an element, passage or plan fact that cites
  the line — or in a value a reader made of it (an actor's name, a priority);
  texts are compared as people read them: the source's markup taken out
  (``source.markup``), spaces normalised, and found at word boundaries; a span
  may be carried by several texts together (one sentence holding two actions:
  each action's part of it);
* *ignored* when the mapping says why: its whole line is ignored, or a span
  declaration (``text``, ``span-pattern``, ``column``) leaves it out;
* *unaccounted* otherwise — which fails the build.

A sentence or cell without a letter or digit (a bullet, a rule, a lone "»") is
not a span: it holds nothing to lose. Lines keep their own account (used: cited
by what the data publishes; ignored; unaccounted), reported beside the spans.
"""

from __future__ import annotations

import csv
import difflib
import io
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from lodplan.errors import MappingError
from lodplan.mapping.model import Outline, SpanIgnore
from lodplan.mapping.sentences import sentences
from lodplan.mapping.spec import MappingSpec
from lodplan.mapping.text import markup_of, plain_text
from lodplan.terms import LP, OA

USED, IGNORED, UNACCOUNTED = "used", "ignored", "unaccounted"  # lines
CARRIED = "carried"  # spans: carried, ignored, unaccounted
TABLE_READERS = frozenset({"tabular", "coded-outline"})


@dataclass(frozen=True)
class LineStatus:
    line: int
    status: str
    detail: str  # what uses the line, or why it is ignored
    text: str


@dataclass(frozen=True)
class SpanStatus:
    """One sentence (or cell) of the source and how the data accounts for it."""

    line: int
    column: int | None  # 1-based, for a table's cells (as the source line holds them)
    text: str  # as people read it: markup aside, spaces normalised
    status: str
    detail: str  # what carries it, or why it is ignored

    @property
    def where(self) -> str:
        return f"{self.line}" if self.column is None else f"{self.line}, column {self.column}"


@dataclass
class Coverage:
    source: Path
    lines: list[LineStatus] = field(default_factory=list)
    spans: list[SpanStatus] = field(default_factory=list)
    unit: str = "sentence"  # what a span is here: "sentence" or "cell"

    def count(self, status: str) -> int:
        """Lines with ``status`` (used, ignored, unaccounted)."""
        return sum(1 for line in self.lines if line.status == status)

    def span_count(self, status: str | None = None) -> int:
        """Spans with ``status`` (carried, ignored, unaccounted), or all of them."""
        return sum(1 for span in self.spans if status is None or span.status == status)

    @property
    def unaccounted(self) -> list[SpanStatus]:
        """The sentences or cells that are neither carried nor ignored with a reason."""
        return [span for span in self.spans if span.status == UNACCOUNTED]

    def ignored_reasons(self) -> Counter[str]:
        """Why spans are ignored, with how many each reason covers."""
        return Counter(span.detail for span in self.spans if span.status == IGNORED)

    def summary(self) -> str:
        unit = "cells" if self.unit == "cell" else "sentences"
        return (
            f"{self.span_count()} {unit}: {self.span_count(CARRIED)} carried, "
            f"{self.span_count(IGNORED)} ignored, {len(self.unaccounted)} unaccounted "
            f"(lines: {self.count(USED)} used, {self.count(IGNORED)} ignored, "
            f"{self.count(UNACCOUNTED)} unaccounted)"
        )


def compute_coverage(
    spec: MappingSpec, lines: list[str], outline: Outline, graph: Graph
) -> Coverage:
    """How the plan's ``graph`` (and ``outline``'s declarations) account for ``lines``."""
    markup = markup_of(spec)
    texts = published_texts(graph)
    for name, span in outline.plan_spans.items():  # the plan's own facts (title, publisher)
        for number in range(span.start_line, span.end_line + 1):
            texts.setdefault(number, []).append((f"plan {name}", span.quote))
    for value in outline.values:
        texts.setdefault(value.line, []).append((value.value, value.text))
    table = spec.reader.get("type") in TABLE_READERS
    coverage = Coverage(spec.source.path, unit="cell" if table else "sentence")
    matched: set[int] = set()  # span declarations that left out a span
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        first_span = len(coverage.spans)
        pieces = _pieces(texts.get(number, ()), markup)
        folded = (
            [(node, _fold(text)) for node, text in texts.get(number, ())]
            if spec.coverage.compare == "ocr"
            else []
        )
        for column, unit in _units(spec, raw, table, outline.separator):
            text = normalise(unit, markup)
            spans = [(0, len(text))] if table else sentences(text)
            marks = _marks(text, pieces)
            for start, end in spans:
                if not any(c.isalnum() for c in text[start:end]):
                    continue
                status = _status(
                    number, column, text, (start, end), marks, outline, matched, markup, folded
                )
                coverage.spans.append(status)
        coverage.lines.append(
            _line_status(number, raw, texts, outline, coverage.spans[first_span:])
        )
    for index, declared in enumerate(outline.span_ignores):
        if index not in matched and declared.must_match:
            raise MappingError(
                "this ignore declaration leaves out no sentence or cell of the source "
                f"(lines {sorted(declared.lines) or 'any'}, text {declared.text!r}, "
                f"pattern {declared.pattern.pattern if declared.pattern else None!r}): "
                "it is stale, or what it names is carried by the data; correct or remove it",
                file=declared.file or spec.path,
                field=declared.where,
            )
    return coverage


def _line_status(
    number: int,
    raw: str,
    texts: dict[int, list[tuple[str, str]]],
    outline: Outline,
    spans: list[SpanStatus],
) -> LineStatus:
    """Used when the data cites the line; ignored when the mapping ignores it, or each
    of its sentences; unaccounted otherwise."""
    if number in texts:
        return LineStatus(number, USED, texts[number][0][0], raw)
    if number in outline.ignored:
        return LineStatus(number, IGNORED, outline.ignored[number], raw)
    if spans and all(span.status == IGNORED for span in spans):
        return LineStatus(number, IGNORED, "; ".join(dict.fromkeys(s.detail for s in spans)), raw)
    return LineStatus(number, UNACCOUNTED, "", raw)


def normalise(text: str, markup: Iterable[str]) -> str:
    """Text as people read it: the declared markup taken out, spaces normalised."""
    return plain_text(text.replace("\u00a0", " "), markup)


def published_texts(graph: Graph) -> dict[int, list[tuple[str, str]]]:
    """Line → (node, text) for every text the graph publishes with provenance: label,
    description, passage value, notation, date phrases and quote of what cites the line."""
    by_line: dict[int, list[tuple[str, str]]] = {}
    for node, source in sorted(graph.subject_objects(LP.source)):
        start, end = graph.value(source, LP.startLine), graph.value(source, LP.endLine)
        if start is None or end is None:
            continue
        found = [
            str(o)
            for p in (RDFS.label, DCTERMS.description, RDF.value, SKOS.notation)
            for o in graph.objects(node, p)
            if isinstance(o, Literal)
        ]
        for dated in graph.objects(node, LP.date):
            found += [str(o) for o in graph.objects(dated, LP.dateText)]
        for selector in graph.objects(source, OA.hasSelector):
            found += [str(o) for o in graph.objects(selector, OA.exact)]
        for number in range(int(str(start)), int(str(end)) + 1):
            by_line.setdefault(number, []).extend((str(node), text) for text in found)
    return by_line


def _pieces(texts: Iterable[tuple[str, str]], markup: Iterable[str]) -> list[tuple[str, str]]:
    """Each text cut at its line breaks (a quote spans lines), as people read it."""
    pieces = []
    for node, text in texts:
        for piece in text.split("\n"):
            clean = normalise(piece, markup)
            if any(c.isalnum() for c in clean):
                pieces.append((node, clean))
    return pieces


def _units(
    spec: MappingSpec, raw: str, table: bool, separator: str | None = None
) -> list[tuple[int | None, str]]:
    """The line itself (prose), or its non-empty cells with their column (tables);
    ``separator``: the delimiter the reader split the rows with."""
    if not table:
        return [(None, raw)]
    reader = spec.reader
    kind, fmt = reader.get("type"), reader.get("format", "tsv")
    if kind == "tabular" and fmt == "csv":
        delimiter = separator or reader.get("separator", ",")
        cells = next(csv.reader(io.StringIO(raw), delimiter=delimiter), [])
    elif kind == "tabular" and fmt == "xlsx":
        cells = raw.split("\t")
    else:
        cells = raw.split(reader.get("separator", "\t"))
    return [(column, cell) for column, cell in enumerate(cells, start=1) if cell.strip()]


def _marks(text: str, pieces: list[tuple[str, str]]) -> list[str | None]:
    """For each character of ``text``, the node whose published text holds it."""
    marks: list[str | None] = [None] * len(text)
    for node, piece in pieces:
        if text and _contains(piece, text):
            for i in range(len(text)):
                marks[i] = marks[i] or node
            continue
        for start in _occurrences(text, piece):
            for i in range(start, start + len(piece)):
                marks[i] = marks[i] or node
    return marks


def _contains(haystack: str, needle: str) -> bool:
    return any(True for _ in _occurrences(haystack, needle))


def _occurrences(haystack: str, needle: str) -> Iterable[int]:
    """Starts of ``needle`` in ``haystack`` at word boundaries."""
    start = haystack.find(needle)
    while start >= 0:
        if _bounded(haystack, needle, start, start + len(needle)):
            yield start
        start = haystack.find(needle, start + 1)


def _bounded(haystack: str, needle: str, start: int, end: int) -> bool:
    before = haystack[start - 1] if start > 0 else " "
    after = haystack[end] if end < len(haystack) else " "
    return not (before.isalnum() and needle[:1].isalnum()) and not (
        after.isalnum() and needle[-1:].isalnum()
    )


def _status(
    number: int,
    column: int | None,
    text: str,
    span: tuple[int, int],
    marks: list[str | None],
    outline: Outline,
    matched: set[int],
    markup: tuple[str, ...] = (),
    folded: list[tuple[str, str]] | None = None,
) -> SpanStatus:
    start, end = span
    words = text[start:end]
    if number in outline.ignored:
        return SpanStatus(number, column, words, IGNORED, outline.ignored[number])
    carriers = [marks[i] for i in range(start, end) if text[i].isalnum()]
    if all(carriers):
        carrier = Counter(c for c in carriers if c).most_common(1)[0][0]
        return SpanStatus(number, column, words, CARRIED, carrier)
    through_ocr = _read_through_ocr(_fold(words), folded or [])
    if through_ocr is not None:
        return SpanStatus(number, column, words, CARRIED, through_ocr)
    for index, declared in enumerate(outline.span_ignores):
        if _declared(declared, number, column, words, markup):
            matched.add(index)
            return SpanStatus(number, column, words, IGNORED, declared.reason)
    return SpanStatus(number, column, words, UNACCOUNTED, "")


def _fold(text: str) -> str:
    """Letters and digits only, accents and case aside: what an OCR and its corrected
    reading share ("leau" and "l'eau", "a" and "à")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


# A span is read through an OCR when a published text holds ≥ 80 % of its letters, in
# order, in runs of 3 or more, within a stretch at most 1.5 times its length.
OCR_SHARE, OCR_RUN, OCR_STRETCH = 0.8, 3, 1.5


def _read_through_ocr(span: str, folded: list[tuple[str, str]]) -> str | None:
    """The node whose published text holds ``span`` up to a few misread letters."""
    if not span:
        return None
    for node, text in folded:
        if span in text:
            return node
    if len(span) < 2 * OCR_RUN:  # too short to tell a misreading from a coincidence
        return None
    for node, text in folded:
        longest = difflib.SequenceMatcher(None, span, text, autojunk=False).find_longest_match()
        if longest.size < OCR_RUN:
            continue
        # the stretch of the text where the span would be, with room for misreadings
        slack = int((OCR_STRETCH - 1) * len(span))
        first = max(0, longest.b - longest.a - slack)
        window = text[first : longest.b - longest.a + len(span) + slack]
        matcher = difflib.SequenceMatcher(None, span, window, autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size >= OCR_RUN]
        if not blocks or sum(b.size for b in blocks) < OCR_SHARE * len(span):
            continue
        if blocks[-1].b + blocks[-1].size - blocks[0].b <= OCR_STRETCH * len(span):
            return node
    return None


def _declared(
    declared: SpanIgnore, number: int, column: int | None, words: str, markup: tuple[str, ...]
) -> bool:
    if declared.lines and number not in declared.lines:
        return False
    if declared.column is not None and declared.column != column:
        return False
    if declared.text is not None and normalise(declared.text, markup) not in words:
        return False
    return declared.pattern is None or declared.pattern.search(words) is not None
