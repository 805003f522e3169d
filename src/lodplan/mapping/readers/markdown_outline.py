"""Reader for Markdown-like prose outlines (brochures extracted to text).

Headings are found by regular expressions declared per level and matched over
the text from the start of a line, so that one heading may span several lines
(its span is then start..end line, its quote the verbatim lines joined by
"\\n"). Inside the sections that declare them, inline markers — links
``[…](#)``, ``**bold**``, ``*italic*`` — flag actions: one Action per marked
item, under the current heading of the declared level. The other lines of such
a section (its narrative) are passages of it (``prose: {as: passages}``) or
ignored with the reason ``prose`` gives; lines outside the sections are the
plan's own passages (``passages``), ignored with a declared reason, or
reported as unaccounted.

Order of the decisions for a line: ``insets`` (a box read whole as one element,
its questions as labelled passages); ``passages`` and ``ignore`` rules with
``lines``; heading patterns; marked actions; the other ``ignore`` rules; the
``prose`` of the section; otherwise the line is unaccounted.

When one sentence holds several actions, each gets its clause of it
(:class:`~lodplan.mapping.model.Clauses`, cut at the declared
``actions.clauses.separators``): the names there are its own, the names no clause
holds wait for a review. A highlighted text that is only a name (``is_name``) is an
action only when its clause holds one of the words of ``actions.names``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lodplan.errors import MappingError
from lodplan.mapping.dates import bundled_date_cues, find_dates
from lodplan.mapping.model import (
    Clauses,
    DateMention,
    Element,
    Introduction,
    Outline,
    Passage,
    Span,
    SpanIgnore,
)
from lodplan.mapping.readers.common import is_span_ignore, span_ignore
from lodplan.mapping.spec import MappingSpec, line_numbers
from lodplan.mapping.text import document_words, join_broken_words, markup_of, plain_text

MARKERS = {
    "link": re.compile(r"\[(?P<text>(?:[^\]\\\n]|\\.)+)\]\((?P<target>[^)\s]*)\)"),
    "bold": re.compile(r"\*\*(?P<text>[^*\n]+?)\*\*"),
    "italic": re.compile(r"(?<![*\w])\*(?!\*)(?P<text>[^*\n]+?)(?<!\s)\*(?![*\w])"),
}
# A sentence ends at . ! ? or … followed by a space and a capital, a quote or a marker.
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ«\[*])")
BACKSLASH_ESCAPE = re.compile(r"\\(.)")
# where an action's own clause ends when the mapping declares no clause separators
_CLAUSE_END = re.compile(r"[,;:.!?]")
_LIST_ITEM = re.compile(r"^\s*[-*+]\s+\S")


@dataclass(frozen=True)
class _Heading:
    level: int
    pattern: re.Pattern[str]
    cls: str
    kind: str
    level_name: str
    field: str
    notation: str = "{number}"  # from the groups; notations are element IRIs, so unique


@dataclass(frozen=True)
class _Ignore:
    reason: str
    lines: frozenset[int] = frozenset()
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class _PlanPassages:
    lines: frozenset[int]
    label: str | None = None


@dataclass(frozen=True)
class _Partner:
    pattern: re.Pattern[str]
    actors: tuple[str, ...]
    role: str
    in_item: bool = False  # search the highlighted item only, not its whole sentence


@dataclass(frozen=True)
class _Inset:
    """A box of the document that presents one project under questions of its own
    ("Quoi ?", "Pour qui ?"…): one element, its questions as labelled passages."""

    first: int
    last: int
    title: tuple[int, int]
    cls: str
    kind: str
    level_name: str
    sections: tuple[str, ...]
    description: str | None
    partners: tuple[_Partner, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Marked:
    start: int  # offset in the line
    kind: str
    quote: str  # the marker as written
    text: str  # its text, escapes removed

    @property
    def end(self) -> int:
        return self.start + len(self.quote)


# whether a text is only the name of a place or an organisation (lodplan.mapping.mentions)
IsName = Callable[[str], bool]


def read_markdown_outline(
    spec: MappingSpec, lines: list[str], is_name: IsName | None = None
) -> Outline:
    """``is_name`` tells a text that is only a name; it is needed when the mapping
    declares ``reader.actions.names`` (highlighted names that are not actions)."""
    config = _Config.from_spec(spec)
    if config.names is not None and is_name is None:
        raise MappingError(
            "reading highlighted names needs the places and organisations lodplan knows",
            file=spec.path,
            field="reader.actions.names",
        )
    return _Reading(config, lines, is_name).run()


class _Reading:
    def __init__(self, config: _Config, lines: list[str], is_name: IsName | None = None) -> None:
        self.c = config
        self.lines = lines
        self.is_name = is_name
        self.roots: list[Element] = []
        self.current: dict[int, Element] = {}  # heading level → current element
        self.ignored: dict[int, str] = {}
        self.plan_spans: dict[str, Span] = {}
        self.passages: list[Passage] = []
        self.used_exclusions: set[int] = set()
        self.used_contexts: set[int] = set()
        self.rest_ignored: list[SpanIgnore] = []  # the rest of action lines, prose ignored

    @cached_property
    def words(self) -> frozenset[str]:
        """The document's words: a heading cut after a hyphen by a line break is one word
        if the document writes it so elsewhere (:func:`join_broken_words`)."""
        return document_words(self.lines)

    def run(self) -> Outline:
        c, lines = self.c, self.lines
        if c.title_lines:
            first, last = c.title_lines
            self.plan_spans["title"] = Span(first, last, "\n".join(lines[first - 1 : last]))
        number = 1
        while number <= len(lines):
            text = lines[number - 1]
            if not text.strip() or self._in_title(number):
                number += 1
                continue
            inset = next((i for i in c.insets if i.first == number), None)
            if inset is not None:
                number = self._inset(inset)
                continue
            declared = next((p for p in c.passages if number in p.lines), None)
            if declared is not None:
                number = self._plan_passage(number, declared)
                continue
            reason = next((i.reason for i in c.ignore if number in i.lines), None)
            if reason is not None:
                self.ignored[number] = reason
                number += 1
                continue
            heading = self._heading_at(number)
            if heading is not None:
                number = heading + 1
                continue
            if not self._actions_at(number, text):
                self._account(number, text)
            number += 1
        for index, item in enumerate(c.exclude):
            if index not in self.used_exclusions:
                raise MappingError(
                    f"line {item['line']} has no marked item {item['text']!r}",
                    file=c.spec.path,
                    field=f"reader.actions.exclude[{index}]",
                )
        for index, item in enumerate(c.contexts):
            if index not in self.used_contexts:
                raise MappingError(
                    f"line {item['line']} has no marked item {item['text']!r}",
                    file=c.spec.path,
                    field=f"reader.actions.contexts[{index}]",
                )
        return Outline(
            self.roots,
            self.plan_spans,
            self.passages,
            self.ignored,
            span_ignores=[*c.span_ignores, *self.rest_ignored],
        )

    def _plan_passage(self, number: int, declared: _PlanPassages) -> int:
        """One passage of the plan per paragraph (non-empty lines); the next line to read."""
        end = number
        while end + 1 in declared.lines and self.lines[end].strip():
            end += 1
        quote = "\n".join(self.lines[number - 1 : end])
        text = plain_text(quote, self.c.markup)
        self.passages.append(self._passage(Span(number, end, quote), text, declared.label))
        return end + 1

    def _inset(self, inset: _Inset) -> int:
        """Read a declared inset as one element; the next line to read."""
        parent = self._section() or next(
            (self.current[level] for level in sorted(self.current, reverse=True)), None
        )
        if parent is None:
            raise MappingError("an inset before any heading", file=self.c.spec.path,
                               field="reader.insets")  # fmt: skip
        first, last = inset.title
        title = plain_text("\n".join(self.lines[first - 1 : last]), self.c.markup)
        quote = "\n".join(self.lines[inset.first - 1 : inset.last])
        element = Element(inset.cls, inset.kind, inset.level_name, title,
                          Span(inset.first, inset.last, quote))  # fmt: skip
        blocks: list[tuple[str | None, list[int]]] = [(None, [])]  # (section, its lines)
        for number in range(last + 1, inset.last + 1):
            text = self.lines[number - 1].strip()
            if text in inset.sections:
                blocks.append((text, []))
            elif text:
                blocks[-1][1].append(number)
        for label, numbers in blocks:
            if not numbers:  # a question the source leaves without an answer
                continue
            block = "\n".join(self.lines[numbers[0] - 1 : numbers[-1]])
            plain = plain_text(block, self.c.markup)
            element.passages.append(Passage(Span(numbers[0], numbers[-1], block), plain, label))
            if label is not None and label == inset.description:
                element.description = plain
        whole = plain_text(quote, self.c.markup)
        for partner in inset.partners:
            if partner.pattern.search(whole):
                for actor in partner.actors:
                    if (actor, partner.role) not in element.involvements:
                        element.involvements.append((actor, partner.role))
        parent.children.append(element)
        return inset.last + 1

    def _in_title(self, number: int) -> bool:
        title = self.c.title_lines
        return title is not None and title[0] <= number <= title[1]

    def _heading_at(self, number: int) -> int | None:
        """Read a heading starting at ``number``; return its last line, or None."""
        rest = "\n".join(self.lines[number - 1 :])
        for heading in self.c.headings:
            match = heading.pattern.match(rest)
            if match is None or not match.group(0).strip():
                continue
            end = number + match.group(0).rstrip("\n").count("\n")
            quote = "\n".join(self.lines[number - 1 : end])
            groups = match.groupdict()
            if "title" not in groups or not groups["title"]:
                raise MappingError(
                    "the heading pattern matched without its group (?P<title>...)",
                    file=self.c.spec.source.path,
                    line=number,
                )
            element = Element(
                heading.cls,
                heading.kind,
                heading.level_name,
                _clean(groups["title"], self.words),
                Span(number, end, quote),
                notation=heading.notation.format(**groups) if groups.get("number") else None,
            )
            if groups.get("description"):
                element.description = _clean(groups["description"], self.words)
            parent = next(
                (self.current[level] for level in sorted(self.current, reverse=True)
                 if level < heading.level),
                None,
            )  # fmt: skip
            if parent is None and heading.level != self.c.headings_min_level:
                raise MappingError(
                    f"a {heading.level_name} heading before any heading of a higher level",
                    file=self.c.spec.source.path,
                    line=number,
                )
            (parent.children if parent else self.roots).append(element)
            self.current = {k: v for k, v in self.current.items() if k < heading.level}
            self.current[heading.level] = element
            return end
        return None

    def _section(self) -> Element | None:
        return self.current.get(self.c.actions_level) if self.c.actions_level else None

    def _actions_at(self, number: int, text: str) -> bool:
        section = self._section()
        if section is None:
            return False
        markers = self.c.sections.get(section.notation or section.text)
        if markers is None:
            raise MappingError(
                f"no markers declared for the section {section.notation or section.text!r} "
                f"(line {section.span.start_line})",
                file=self.c.spec.path,
                field="reader.actions.sections",
            )
        highlighted = _marked(text, markers, self.c.link_target)
        candidates = [m for m in highlighted if not self._excluded(number, m)]
        actions = [m for m in candidates if not self._only_a_name(text, m, candidates)]
        read = [self._action(number, text, marked) for marked in actions]
        elements = [element for element, _ in read]
        self._attribute(number, text, actions, elements)
        self._introduced(number, text, actions, elements)
        section.children.extend(elements)
        # a line whose highlighted words are all excluded or only names is narrative
        consumed = bool(elements) or (bool(highlighted) and not candidates)
        if consumed:  # the sentences no action holds: the section's narrative
            self._rest_of_line(number, text, section, [where for _, where in read])
        return consumed

    def _introduced(
        self, number: int, line: str, marked: list[_Marked], elements: list[Element]
    ) -> None:
        """A list's items get the clause of the sentence that introduces the list
        (:class:`Introduction`); that clause is not the own text of an action of the
        introducing sentence (its names are the list's, not that action's)."""
        if _LIST_ITEM.match(line):
            introduction = self._introduction_of(number)
            for element in elements:
                element.introduced = introduction
        found = self._introducing_clause(number)
        if found is None:
            return
        start, end = found
        for item, element in zip(marked, elements, strict=True):
            s_start, s_end = _sentence_span(line, item.start)
            if not (s_start <= start < s_end) or item.start >= start:
                continue  # another sentence, or the item is in the clause itself
            clause = line[start:end]
            if element.clauses is None:
                own = line[s_start:start].rstrip()
                element.clauses = Clauses(own=own, actions=(item.text,))
            else:
                own = element.clauses.own.replace(clause, " ")
                element.clauses = Clauses(own, element.clauses.undecided, element.clauses.actions)

    def _introducing_clause(self, number: int) -> tuple[int, int] | None:
        """Where, in line ``number``, the clause that introduces the list after it is:
        from the clause separator before the last declared verb to the final colon."""
        if not self.c.list_roles or number >= len(self.lines):
            return None
        line = self.lines[number - 1].rstrip()
        if not line.endswith(":") or not self._list_follows(number):
            return None
        s_start, _ = _sentence_span(line, len(line) - 1)
        sentence = line[s_start:]
        verbs = [m for pattern, _ in self.c.list_roles for m in pattern.finditer(sentence)]
        if not verbs:
            return None
        last = max(m.start() for m in verbs)  # the clause that ends at the colon
        cuts = [
            m.end()
            for m in (self.c.separators or _CLAUSE_END).finditer(sentence, 0, last)
            if m.end() > m.start()
        ]
        return s_start + (max(cuts) if cuts else 0), len(line) - 1

    def _list_follows(self, number: int) -> bool:
        following = (text for text in self.lines[number:] if text.strip())
        return bool(_LIST_ITEM.match(next(following, "")))

    def _introduction_of(self, number: int) -> Introduction | None:
        """The introduction of the list whose item is line ``number``, if the sentence
        before the list names who does its items (``actions.list-roles``)."""
        above = number - 1
        while above >= 1 and (
            not self.lines[above - 1].strip() or _LIST_ITEM.match(self.lines[above - 1])
        ):
            above -= 1
        found = self._introducing_clause(above) if above >= 1 else None
        if found is None:
            return None
        clause = self.lines[above - 1][found[0] : found[1]]
        roles = tuple(
            dict.fromkeys(role for pattern, role in self.c.list_roles if pattern.search(clause))
        )
        return Introduction(above, plain_text(clause, self.c.markup), roles)

    def _only_a_name(self, line: str, marked: _Marked, candidates: list[_Marked]) -> bool:
        """A highlighted text that is only the name of a place or an organisation is not
        an action, unless its clause says what is done with it (``names.actions-when``):
        its sentence, or, in a sentence of several, its clause and the text no other
        clause holds on either side of it (a common lead-in: "l'ouverture du …")."""
        if self.c.names is None or self.is_name is None or not self.is_name(marked.text):
            return False
        start, end = _sentence_span(line, marked.start)
        together = [m for m in candidates if _sentence_span(line, m.start) == (start, end)]
        first, last = 0, end - start  # alone in its sentence: the whole sentence
        if len(together) > 1:  # its clause and the undecided text around it
            own, _ = _clauses(line[start:end], [(m.start - start, m.end - start)
                                                for m in together], self.c.separators)  # fmt: skip
            i = together.index(marked)
            first = own[i - 1][1] if i > 0 else 0
            last = own[i + 1][0] if i + 1 < len(own) else end - start
        clause = line[start + first : marked.start] + " " + line[marked.end : start + last]
        return not self.c.names.search(plain_text(clause, self.c.markup))

    def _attribute(self, number: int, line: str, marked: list[_Marked],
                   elements: list[Element]) -> None:  # fmt: skip
        """The clause of each action whose sentence holds other actions too (see Clauses)."""
        by_sentence: dict[tuple[int, int], list[int]] = {}
        for index, item in enumerate(marked):
            by_sentence.setdefault(_sentence_span(line, item.start), []).append(index)
        for (start, end), indexes in by_sentence.items():
            if len(indexes) < 2:
                continue
            sentence = line[start:end]
            items = [(marked[i].start - start, marked[i].end - start) for i in indexes]
            own, undecided = _clauses(sentence, items, self.c.separators)
            declared = {i: self._declared_context(number, marked[i]) for i in indexes}
            covered = [  # the parts of the sentence a declared context gives an action
                (sentence.find(c), sentence.find(c) + len(c))
                for c in declared.values() if c is not None and c in sentence
            ]  # fmt: skip
            if all(c is not None for c in declared.values()):
                undecided = []  # a person gave every action of the sentence its part
            pieces = tuple(
                plain
                for a, b in _without(undecided, covered)
                if (plain := plain_text(sentence[a:b], self.c.markup))
            )
            texts = tuple(marked[i].text for i in indexes)
            for position, (i, (a, b)) in enumerate(zip(indexes, own, strict=True)):
                context = declared[i]
                clause = context if context is not None else sentence[a:b]
                elements[i].clauses = Clauses(
                    plain_text(clause, self.c.markup), pieces if position == 0 else (), texts
                )

    def _declared_context(self, number: int, marked: _Marked) -> str | None:
        return next(
            (item["context"] for item in self.c.contexts
             if item["line"] == number and item["text"] == marked.text),
            None,
        )  # fmt: skip

    def _rest_of_line(
        self, number: int, line: str, section: Element, carried: list[tuple[int, int]]
    ) -> None:
        """The sentences of an action's line that no action holds are the section's
        narrative, like its other lines: passages (``prose: {as: passages}``), or
        ignored with the reason ``prose`` gives."""
        start = 0
        pieces = []
        for first, last in sorted(carried):
            pieces.append((start, first))
            start = max(start, last)
        pieces.append((start, len(line)))
        for first, last in pieces:
            quote = line[first:last].strip()
            plain = plain_text(quote, self.c.markup)
            if not any(c.isalnum() for c in plain):
                continue
            if self.c.prose_as_passages:
                section.passages.append(self._passage(Span(number, number, quote), plain))
            elif self.c.prose is not None:
                self.rest_ignored.append(
                    SpanIgnore(self.c.prose, "reader.prose", frozenset({number}), text=plain,
                               must_match=False)
                )  # fmt: skip

    def _excluded(self, number: int, marked: _Marked) -> bool:
        for index, item in enumerate(self.c.exclude):
            if item["line"] == number and item["text"] == marked.text:
                self.used_exclusions.add(index)
                return True
        return False

    def _action(self, number: int, line: str, marked: _Marked) -> tuple[Element, tuple[int, int]]:
        """The action of a marked item, and where its text (sentence or context) is."""
        a = self.c
        element = Element(a.action_cls, a.action_kind, a.action_level_name, marked.text,
                          Span(number, number, marked.quote))  # fmt: skip
        context = _sentence(line, marked.start)
        for index, item in enumerate(a.contexts):
            if item["line"] == number and item["text"] == marked.text:
                self.used_contexts.add(index)
                context = item["context"]
                if context not in line or marked.quote not in context:
                    raise MappingError(
                        "the context must be verbatim in the line and hold the marked item",
                        file=a.spec.path,
                        field=f"reader.actions.contexts[{index}]",
                    )
        # where the context is: the occurrence that holds the marked item
        where = line.rfind(context, 0, marked.start + len(context))
        plain = plain_text(context, a.markup)  # dates are read from the clean sentence
        if a.description == "sentence":
            element.description = plain
        element.dates.extend(self._dates(plain, number, self._own_clause(context, marked)))
        for partner in a.partners:
            if partner.pattern.search(marked.text if partner.in_item else plain):
                for actor in partner.actors:
                    if (actor, partner.role) not in element.involvements:
                        element.involvements.append((actor, partner.role))
        described = a.description == "sentence" and where >= 0
        held = (where, where + len(context)) if described else (0, 0)
        return element, held

    def _own_clause(self, context: str, marked: _Marked) -> tuple[int, int] | None:
        """Where, in the plain text of ``context``, the marked item's own clause is: from
        the item to the first clause separator after it (the mapping's, else , ; : .).
        A date there after « depuis » starts the action (« les *actions* menées …
        depuis 2017 »)."""
        at = context.find(marked.quote)
        if at < 0:
            return None
        after = at + len(marked.quote)
        separators = self.c.separators or _CLAUSE_END
        found = separators.search(context, after)
        end = found.start() if found is not None else len(context)
        markup = self.c.markup
        return len(plain_text(context[:at], markup)), len(plain_text(context[:end], markup)) + 1

    def _dates(
        self, plain: str, number: int, action_clause: tuple[int, int] | None = None
    ) -> list[DateMention]:
        """The dates of a text, read with the mapping's ``dates`` (none without it)."""
        d = self.c.spec.dates
        if d is None:
            return []
        try:
            return find_dates(plain, assume_year=d.assume_year, role=d.role, years=d.years,
                              not_dates=d.not_dates, periods=d.periods,
                              cues=bundled_date_cues(d.language),
                              action_clause=action_clause)  # fmt: skip
        except ValueError as exc:
            raise MappingError(str(exc), file=self.c.spec.source.path, line=number) from None

    def _passage(self, span: Span, plain: str, label: str | None = None) -> Passage:
        """A passage of narrative, with the dates its text states."""
        return Passage(span, plain, label, dates=self._dates(plain, span.start_line))

    def _account(self, number: int, text: str) -> None:
        reason = next(
            (i.reason for i in self.c.ignore if i.pattern and i.pattern.search(text)), None
        )
        section = self._section()
        if reason is None and section is not None:
            if self.c.prose_as_passages:
                plain = plain_text(text, self.c.markup)
                section.passages.append(self._passage(Span(number, number, text), plain))
                return
            reason = self.c.prose
        if reason is not None:
            self.ignored[number] = reason


def _marked(text: str, kinds: tuple[str, ...], link_target: str | None) -> list[_Marked]:
    found: list[_Marked] = []
    taken: list[tuple[int, int]] = []
    for kind in ("link", "bold", "italic"):  # bold before italic: ** is not two *
        for match in MARKERS[kind].finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append(match.span())
            if kind not in kinds:
                continue
            if kind == "link" and link_target is not None and match["target"] != link_target:
                continue
            clean = _clean(BACKSLASH_ESCAPE.sub(r"\1", match["text"]))
            found.append(_Marked(match.start(), kind, match.group(0), clean))
    return sorted(found, key=lambda m: m.start)


def _sentence(line: str, offset: int) -> str:
    start, end = _sentence_span(line, offset)
    return line[start:end]


def _sentence_span(line: str, offset: int) -> tuple[int, int]:
    """Start and end, in ``line``, of the sentence holding ``offset``."""
    start = 0
    for end in SENTENCE_END.finditer(line):
        if end.start() >= offset:
            return start, end.start()
        start = end.end()
    return start, len(line)


def _without(
    ranges: list[tuple[int, int]], removed: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The parts of ``ranges`` outside every range of ``removed``."""
    for r_start, r_end in removed:
        ranges = [
            part
            for start, end in ranges
            for part in ((start, min(end, r_start)), (max(start, r_end), end))
            if part[0] < part[1]
        ]
    return ranges


def _clauses(
    sentence: str, items: list[tuple[int, int]], separators: re.Pattern[str] | None
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Cut a sentence holding several highlighted items into the clause of each.

    ``items`` are (start, end) offsets in document order. Between two items, the text
    before the first separator is the previous item's, the text after the last one the
    next item's; the text between them, a gap without a separator, what comes before
    the first item's clause (the sentence's common lead-in) and after the last item's
    are undecided: the text does not say which action they belong to. Returns the
    (start, end) of each item's clause and the undecided ranges."""

    def cuts(low: int, high: int) -> list[tuple[int, int]]:
        if separators is None:
            return []
        return [m.span() for m in separators.finditer(sentence, low, high) if m.end() > m.start()]

    starts = [a for a, _ in items]
    ends = [b for _, b in items]
    undecided = []
    lead = cuts(0, items[0][0])
    if lead:
        starts[0] = lead[-1][1]
    undecided.append((0, lead[-1][0] if lead else items[0][0]))
    for i in range(len(items) - 1):
        low, high = items[i][1], items[i + 1][0]
        gap = cuts(low, high)
        if not gap:
            undecided.append((low, high))
            continue
        ends[i], starts[i + 1] = gap[0][0], gap[-1][1]
        undecided.append((gap[0][1], gap[-1][0]))
    tail = cuts(items[-1][1], len(sentence))
    if tail:
        ends[-1] = tail[0][0]
    undecided.append((tail[0][1] if tail else items[-1][1], len(sentence)))
    return list(zip(starts, ends, strict=True)), [(a, b) for a, b in undecided if a < b]


def _clean(text: str, words: Collection[str] | None = None) -> str:
    text = join_broken_words(re.sub(r"\*\*|__", "", text), words)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class _Config:
    spec: MappingSpec
    headings: tuple[_Heading, ...]
    headings_min_level: int
    title_lines: tuple[int, int] | None
    actions_level: int | None
    action_cls: str
    action_kind: str
    action_level_name: str
    sections: dict[str, tuple[str, ...]]
    link_target: str | None
    description: str | None
    exclude: tuple[dict[str, Any], ...]
    contexts: tuple[dict[str, Any], ...]
    partners: tuple[_Partner, ...]
    # verbs by which the sentence that introduces a list names who does its items
    list_roles: tuple[tuple[re.Pattern[str], str], ...]
    separators: re.Pattern[str] | None  # between the clauses of one sentence
    names: re.Pattern[str] | None  # words that make a highlighted name an action
    prose: str | None  # the reason a section's narrative is ignored
    prose_as_passages: bool
    passages: tuple[_PlanPassages, ...]
    insets: tuple[_Inset, ...]
    ignore: tuple[_Ignore, ...]
    span_ignores: tuple[SpanIgnore, ...]  # sentences left out, for coverage
    markup: tuple[str, ...]  # what plain_text takes out (lodplan.mapping.text)

    @classmethod
    def from_spec(cls, spec: MappingSpec) -> _Config:
        reader = spec.reader

        def fail(message: str, key: str) -> MappingError:
            return MappingError(message, file=spec.path, field=f"reader.{key}")

        allowed = {"type", "title-lines", "headings", "actions", "insets", "prose", "passages",
                   "ignore"}  # fmt: skip
        extra = sorted(set(reader) - allowed)
        if extra:
            raise fail(f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(sorted(allowed))}",
                       extra[0])  # fmt: skip
        headings = []
        for i, item in enumerate(reader.get("headings") or []):
            where = f"headings[{i}]"
            try:
                pattern = re.compile(item["pattern"])
                heading = _Heading(int(item["level"]), pattern, item["class"], item["kind"],
                                   item["level-name"], where,
                                   str(item.get("notation", "{number}")))  # fmt: skip
            except KeyError as exc:
                raise fail("is required", f"{where}.{exc.args[0]}") from None
            except re.error as exc:
                raise fail(f"invalid regular expression: {exc}", f"{where}.pattern") from None
            except (TypeError, ValueError) as exc:
                raise fail(f"malformed: {exc}", where) from None
            if "title" not in pattern.groupindex:
                raise fail("must define a named group (?P<title>...)", f"{where}.pattern")
            headings.append(heading)
        if not headings:
            raise fail("declare at least one heading pattern", "headings")
        title_lines = reader.get("title-lines")
        if title_lines is not None and (not isinstance(title_lines, list) or len(title_lines) != 2):
            raise fail("expected [first line, last line]", "title-lines")
        actions = reader.get("actions") or {}
        levels = {h.kind: h.level for h in headings}
        under = actions.get("under")
        if actions and under not in levels:
            raise fail(f"{under!r} is not the kind of a declared heading", "actions.under")
        sections = {}
        for name, kinds in (actions.get("sections") or {}).items():
            kinds = tuple(kinds or ())
            for kind in kinds:
                if kind not in MARKERS:
                    raise fail(f"unknown marker {kind!r}; known: {', '.join(MARKERS)}",
                               f"actions.sections.{name}")  # fmt: skip
            sections[str(name)] = kinds
        description = actions.get("description")
        if description not in (None, "sentence"):
            raise fail("only 'sentence' is understood", "actions.description")
        partners = []
        for i, item in enumerate(actions.get("partners") or []):
            try:
                partners.append(_Partner(re.compile(item["pattern"]), tuple(item["actors"]),
                                         item.get("role", "partenaire"),
                                         item.get("in", "sentence") == "item"))  # fmt: skip
            except KeyError as exc:
                raise fail("is required", f"actions.partners[{i}].{exc.args[0]}") from None
            except re.error as exc:
                raise fail(f"invalid regular expression: {exc}",
                           f"actions.partners[{i}].pattern") from None  # fmt: skip
        list_roles = []
        for i, item in enumerate(actions.get("list-roles") or []):
            where = f"actions.list-roles[{i}]"
            if not isinstance(item, dict) or set(item) != {"pattern", "role"}:
                raise fail("needs the verb's pattern and the role it gives", where)
            if not isinstance(item["role"], str) or not item["role"]:
                raise fail("a concept of the role list (pilote, partenaire, …)", f"{where}.role")
            try:
                list_roles.append((re.compile(str(item["pattern"])), item["role"]))
            except re.error as exc:
                raise fail(f"invalid regular expression: {exc}", f"{where}.pattern") from None
        separators = names = None
        clauses = actions.get("clauses")
        if clauses is not None:
            found = clauses.get("separators") if isinstance(clauses, dict) else None
            if (
                not isinstance(found, list)
                or not found
                or not all(isinstance(x, str) and x for x in found)
            ):
                raise fail("a list of regular expressions", "actions.clauses.separators")
            try:
                separators = re.compile("|".join(f"(?:{x})" for x in found))
            except re.error as exc:
                raise fail(f"invalid regular expression: {exc}",
                           "actions.clauses.separators") from None  # fmt: skip
        declared_names = actions.get("names")
        if declared_names is not None:
            words = declared_names.get("actions-when") if isinstance(declared_names, dict) else None
            if not isinstance(words, str) or not words:
                raise fail("a regular expression: the words that make a highlighted name an "
                           "action", "actions.names.actions-when")  # fmt: skip
            try:
                names = re.compile(words)
            except re.error as exc:
                raise fail(f"invalid regular expression: {exc}",
                           "actions.names.actions-when") from None  # fmt: skip
        for key in ("exclude", "contexts"):
            for i, item in enumerate(actions.get(key) or []):
                needed = ("line", "text", "reason") if key == "exclude" else (
                    "line", "text", "context")  # fmt: skip
                for name in needed:
                    if not item.get(name):
                        raise fail("is required", f"actions.{key}[{i}].{name}")
        ignores = []
        span_ignores = []
        for i, item in enumerate(reader.get("ignore") or []):
            if is_span_ignore(item):  # sentences of lines, not whole lines
                try:
                    numbers = line_numbers(item.get("lines") or [])
                except ValueError as exc:
                    raise fail(str(exc), f"ignore[{i}].lines") from None
                span_ignores.append(
                    span_ignore(item, f"reader.ignore[{i}]", numbers,
                                lambda m, f: MappingError(m, file=spec.path, field=f))
                )  # fmt: skip
                continue
            if not item.get("reason"):
                raise fail("every ignored line needs a reason", f"ignore[{i}]")
            try:
                numbers = line_numbers(item.get("lines") or [])
            except ValueError as exc:
                raise fail(str(exc), f"ignore[{i}].lines") from None
            try:
                matching = re.compile(item["pattern"]) if item.get("pattern") else None
            except re.error as exc:
                raise fail(f"invalid regular expression: {exc}", f"ignore[{i}].pattern") from None
            if not numbers and matching is None:
                raise fail("declare 'lines' or 'pattern'", f"ignore[{i}]")
            ignores.append(_Ignore(item["reason"], frozenset(numbers), matching))
        plan_passages = []
        for i, item in enumerate(reader.get("passages") or []):
            try:
                numbers = line_numbers(item["lines"])
            except (KeyError, TypeError):
                raise fail("declare the 'lines' of the plan's passages", f"passages[{i}]") from None
            except ValueError as exc:
                raise fail(str(exc), f"passages[{i}].lines") from None
            plan_passages.append(_PlanPassages(frozenset(numbers), item.get("label")))
        insets = _insets(reader.get("insets") or [], fail)
        for inset in insets:  # an inset is read whole: nothing else may claim its lines
            box = set(range(inset.first, inset.last + 1))
            claims = [(f"ignore[{i}].lines", x.lines) for i, x in enumerate(ignores)] + [
                (f"passages[{i}].lines", x.lines) for i, x in enumerate(plan_passages)
            ]
            for where, claimed in claims:
                if box & claimed:
                    raise fail(f"lines {inset.first}-{inset.last} are an inset's", where)
        prose = reader.get("prose")
        if isinstance(prose, dict) and prose != {"as": "passages"}:
            raise fail("is a reason to ignore the narrative, or {as: passages}", "prose")
        return cls(
            spec=spec,
            headings=tuple(headings),
            headings_min_level=min(h.level for h in headings),
            title_lines=tuple(title_lines) if title_lines else None,
            actions_level=levels.get(str(under)) if under else None,
            action_cls=actions.get("class", "Action"),
            action_kind=actions.get("kind", "action"),
            action_level_name=actions.get("level-name", "Action"),
            sections=sections,
            link_target=actions.get("link-target"),
            description=description,
            exclude=tuple(actions.get("exclude") or ()),
            contexts=tuple(actions.get("contexts") or ()),
            partners=tuple(partners),
            list_roles=tuple(list_roles),
            separators=separators,
            names=names,
            prose=prose if isinstance(prose, str) else None,
            prose_as_passages=isinstance(prose, dict),
            passages=tuple(plan_passages),
            insets=tuple(insets),
            ignore=tuple(ignores),
            span_ignores=tuple(span_ignores),
            markup=markup_of(spec),
        )


def _insets(items: Any, fail: Callable[[str, str], MappingError]) -> list[_Inset]:
    insets = []
    if not isinstance(items, list):
        raise fail("a list of insets", "insets")
    for i, item in enumerate(items):
        where = f"insets[{i}]"
        if not isinstance(item, dict):
            raise fail("an inset: lines, class, kind, level-name, sections", where)
        allowed = {"lines", "title", "class", "kind", "level-name", "sections", "description",
                   "partners"}  # fmt: skip
        extra = sorted(set(item) - allowed)
        if extra:
            raise fail(f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(sorted(allowed))}",
                       f"{where}.{extra[0]}")  # fmt: skip
        try:
            numbers = sorted(line_numbers(item["lines"]))
        except KeyError:
            raise fail("is required", f"{where}.lines") from None
        except ValueError as exc:
            raise fail(str(exc), f"{where}.lines") from None
        if not numbers or numbers != list(range(numbers[0], numbers[-1] + 1)):
            raise fail("one range of lines 'a-b'", f"{where}.lines")
        title = item.get("title", numbers[0])
        title_lines = (title, title) if isinstance(title, int) else tuple(title)
        if (
            len(title_lines) != 2
            or not numbers[0] <= title_lines[0] <= title_lines[1] <= numbers[-1]
        ):
            raise fail("a line, or [first, last], inside the inset's lines", f"{where}.title")
        sections = item.get("sections") or []
        if not isinstance(sections, list) or not all(isinstance(x, str) for x in sections):
            raise fail("the questions or headings of the inset, as written", f"{where}.sections")
        description = item.get("description")
        if description is not None and description not in sections:
            raise fail(f"{description!r} is not one of its sections", f"{where}.description")
        partners = []
        for j, partner in enumerate(item.get("partners") or []):
            try:
                partners.append(_Partner(re.compile(partner["pattern"]), tuple(partner["actors"]),
                                         partner.get("role", "partenaire")))  # fmt: skip
            except KeyError as exc:
                raise fail("is required", f"{where}.partners[{j}].{exc.args[0]}") from None
            except re.error as exc:
                raise fail(f"invalid regular expression: {exc}",
                           f"{where}.partners[{j}].pattern") from None  # fmt: skip
        for key in ("class", "kind", "level-name"):
            if not item.get(key):
                raise fail("is required", f"{where}.{key}")
        insets.append(_Inset(numbers[0], numbers[-1], (title_lines[0], title_lines[1]),
                             item["class"], item["kind"], item["level-name"], tuple(sections),
                             description, tuple(partners)))  # fmt: skip
    return insets
