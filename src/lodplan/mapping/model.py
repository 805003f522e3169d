"""What a mapping produces before it becomes RDF: a plan and its tree of elements.

Readers build this model from a source; rules enrich it; :mod:`.graph` turns it
into RDF. Keeping the model plain makes readers easy to test and to add.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Span:
    """A place in the source: lines (1-based, inclusive) and the verbatim text there."""

    start_line: int
    end_line: int
    quote: str


@dataclass(frozen=True)
class DateMention:
    """A date or period written in the source, to the precision the text states."""

    start: date
    end: date
    precision: str  # concept of the date-precision scheme: jour, mois, saison, annee
    text: str  # the verbatim phrase
    role: str = "evenement"


@dataclass(frozen=True)
class StatedFigures:
    """Figures of a territory that the source states (population, communes, year)."""

    territory: str  # a place reference (commune:…, epci:…, a places.yaml id)
    text: str  # verbatim, found in the element's lines
    population: int | None = None
    communes: int | None = None
    year: int | None = None


@dataclass
class Passage:
    """Text the source gives an element (or the plan) that is not itself an element:
    a chantier's narrative paragraph, a préambule. Published verbatim with its
    provenance and the places and organisations it names."""

    span: Span
    text: str  # as read, markup removed
    label: str | None = None  # the document's name for it ("Préambule"), if any
    mentions: list[str] = field(default_factory=list)  # place references, actor:<id>
    dates: list[DateMention] = field(default_factory=list)  # stated in its text


@dataclass(frozen=True)
class Clauses:
    """When one sentence holds several actions: the part of it that is this action's
    own (the names there are its own) and the parts whose action the text does not
    decide (a name there waits for a review instead of going onto every action)."""

    own: str  # the action's clause, as read (markup included)
    undecided: tuple[str, ...] = ()  # given on the first action of the sentence only
    actions: tuple[str, ...] = ()  # the texts of every action of the sentence


@dataclass
class Element:
    """One node of a plan's tree (an objective at any level, or an action)."""

    cls: str  # "Objective" or "Action"
    kind: str  # concept of the element-kind scheme
    level_name: str  # the document's own word for the level
    text: str  # text as read, before rules
    span: Span
    notation: str | None = None
    label: str = ""
    key: str = ""  # last IRI segment, unique among siblings
    description: str | None = None
    # the editor's words about the element (a curated outline's ``editorial``): never
    # the source's, published as skos:editorialNote apart from the description
    editorial_notes: list[str] = field(default_factory=list)
    alt_labels: list[str] = field(default_factory=list)  # other names the source gives it
    status: str | None = None
    priority: str | None = None
    categories: list[str] = field(default_factory=list)
    territories: list[str] = field(default_factory=list)  # territory references, see rules
    involvements: list[tuple[str, str]] = field(default_factory=list)  # (actor id, role)
    dates: list[DateMention] = field(default_factory=list)
    figures: list[StatedFigures] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    children: list[Element] = field(default_factory=list)
    # set when the element's sentence (its description) holds other actions too
    clauses: Clauses | None = None

    def walk(self):
        """This element and all its descendants, depth first in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class SpanIgnore:
    """A declaration that some sentences or cells of the source are left out, and why.

    A span (a sentence of a prose line, a non-empty cell of a table) is ignored when
    it is on one of ``lines`` (any line if empty), in ``column`` (tables) if given,
    and holds ``text`` (verbatim, markup aside) or matches ``pattern`` if given.
    """

    reason: str
    where: str  # the declaration, for errors: "reader.ignore[3]"
    lines: frozenset[int] = frozenset()
    text: str | None = None
    pattern: re.Pattern[str] | None = None
    column: int | None = None
    file: Path | None = None  # where it is declared, if not the mapping file
    must_match: bool = True  # a declaration that leaves out nothing is stale (an error)


@dataclass(frozen=True)
class ReadValue:
    """Text of the source that a reader turned into a value rather than a text: an
    actor's name in a services column, a priority written in a cell. Coverage counts
    it as carried by that value."""

    line: int
    text: str
    value: str  # what it became: "actor metz-metropole-mobilite", "priority haute"


@dataclass
class Outline:
    """What a reader returns: the top-level elements, the plan's own spans, ignored lines.

    Lines inside the span of an element or of the plan are used; lines in
    ``ignored`` are accounted for with a declared reason. Inside used lines, each
    sentence (or cell) must be carried by the published text or by a value, or
    left out by a ``span_ignores`` declaration (see :mod:`lodplan.mapping.coverage`).
    """

    elements: list[Element]
    plan_spans: dict[str, Span] = field(default_factory=dict)  # e.g. {"title": Span}
    passages: list[Passage] = field(default_factory=list)  # the plan's own narrative
    ignored: dict[int, str] = field(default_factory=dict)  # line -> reason
    span_ignores: list[SpanIgnore] = field(default_factory=list)  # sentences, cells
    values: list[ReadValue] = field(default_factory=list)

    def walk(self):
        for element in self.elements:
            yield from element.walk()
