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


@dataclass(frozen=True)
class Identifier:
    """An identifier another system gives an element (a TET id, a national-schema UUID)."""

    notation: str
    agency: str | None = None  # who assigns it ("Territoires en Transitions")


@dataclass(frozen=True)
class StatusAssertion:
    """A status stated on a date (and the phase, completion, who states it)."""

    status: str | None  # concept id of the status list
    on: date | None  # the day the status is stated; None: the table does not say
    phase: str | None = None  # concept id of the phase list
    completion: str | None = None  # a decimal between 0 and 1, as text
    stated_by: str | None = None  # an actor id


@dataclass(frozen=True)
class BudgetLine:
    """An amount for an element: planned budget, spending, funding obtained…"""

    amount: str  # a decimal, as text (no float rounding)
    kind: str  # concept id of the amount-kind list
    currency: str | None = "EUR"
    unit: str | None = None  # when the amount is not money (ETP)
    nature: str | None = None  # investissement, fonctionnement
    year: int | None = None
    funder: str | None = None  # an actor id
    programme: str | None = None  # concept id of the funding-programme list
    tax_included: bool | None = None
    source_text: str = ""  # the cell as written


@dataclass(frozen=True)
class IndicatorValue:
    value: str  # a decimal, as text
    kind: str  # reference, cible, mesure, estimation
    on: str | None = None  # an xsd:date, gYearMonth or gYear lexical form


@dataclass(frozen=True)
class IndicatorRef:
    """An indicator an element follows, with the values its row gives."""

    label: str
    unit: str | None = None
    values: tuple[IndicatorValue, ...] = ()


@dataclass(frozen=True)
class Introduction:
    """The sentence that introduces the list an element is an item of (it ends with
    « : ») and names, after a verb the mapping declares, who does the list's items
    (« les projets d'entraide portés par le CCAS de Metz : »): the organisation named
    in that clause has the verb's role on every item (lodplan.mapping.mentions)."""

    line: int
    clause: str  # from the verb's clause start to the colon, as read (markup removed)
    roles: tuple[str, ...]  # the roles of the verbs found there (several: ambiguous)


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
    # the words a table cell names an involvement with, when they are more than the
    # actor's name (« DG pour renforcer les capacités d'ingénierie »): (actor, role) → text
    involvement_texts: dict[tuple[str, str], str] = field(default_factory=dict)
    dates: list[DateMention] = field(default_factory=list)
    figures: list[StatedFigures] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    children: list[Element] = field(default_factory=list)
    # set when the element's sentence (its description) holds other actions too
    clauses: Clauses | None = None
    # -- the fields of a fiche action (ontology 0.2), read from table columns ----
    stable_key: str | None = None  # the source's own id, used as the IRI key
    identifiers: list[Identifier] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)  # concept IRIs of the shared schemes
    # expected-results, means, target-audience → the text as written
    texts: dict[str, str] = field(default_factory=dict)
    # planned-start, planned-end, actual-start, actual-end → xsd lexical form
    schedule: dict[str, str] = field(default_factory=dict)
    status_assertions: list[StatusAssertion] = field(default_factory=list)
    budget_lines: list[BudgetLine] = field(default_factory=list)
    indicators: list[IndicatorRef] = field(default_factory=list)
    # set when the element is an item of a list whose introducing sentence names who
    # does its items (reader.actions.list-roles)
    introduced: Introduction | None = None

    def keep_written_name(self, involvement: tuple[str, str], name: str) -> None:
        """The words a source names an involvement with, published with it: nothing a
        table says of who is concerned is lost when a name is mapped to an actor
        (« DG pour renforcer les capacités d'ingénierie »)."""
        known = self.involvement_texts.get(involvement)
        if known is None:
            self.involvement_texts[involvement] = name
        elif name not in known.split(" ; "):
            self.involvement_texts[involvement] = f"{known} ; {name}"

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
    column: int | None = None  # the table column it was read from


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
    tags: dict[str, str] = field(default_factory=dict)  # tags cells name: id → label
    separator: str | None = None  # the delimiter a table's rows were split with
    # lines as published where cells of personal data are masked: line → its text
    masked_lines: dict[int, str] = field(default_factory=dict)

    def published_lines(self, lines: list[str]) -> list[str]:
        """The source's lines as lodplan publishes them (personal data masked)."""
        return [self.masked_lines.get(n, line) for n, line in enumerate(lines, start=1)]

    def walk(self):
        for element in self.elements:
            yield from element.walk()
