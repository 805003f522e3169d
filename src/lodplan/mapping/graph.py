"""Writing the RDF of a mapped plan, in the lodplan ontology.

Everything gets an IRI (no blank nodes): rebuilds are byte-for-byte identical
and every node can be dereferenced. Sub-resources of an element (provenance,
dates, involvements, name links) are ``#`` IRIs served with their element.

Each place or organisation a name in the text was linked to (see
:mod:`lodplan.mapping.mentions`) carries its evidence: a ``lodplan:NameLink`` (a Web
Annotation that identifies what the words designate) with the words and their
sentence (``oa:exact``, ``oa:prefix``, ``oa:suffix``), the lines, the rule that
knows the name, the confidence, and the evidence or the reviewer's reason.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from lodplan.codelists import Vocabulary
from lodplan.errors import MappingError
from lodplan.iris import IriMinter, slugify
from lodplan.mapping.actors import Actor
from lodplan.mapping.model import (
    BudgetLine,
    DateMention,
    Element,
    IndicatorRef,
    Outline,
    Passage,
    Span,
    StatusAssertion,
)
from lodplan.mapping.rules import COUNTRY_REF
from lodplan.mapping.spec import MappingSpec, TagSpec
from lodplan.referentials.cog import CogReferential
from lodplan.referentials.places import Places, official_code
from lodplan.terms import (
    ADMS,
    AMOUNT_KIND,
    DATE_PRECISION,
    DATE_ROLE,
    ELEMENT_KIND,
    EXPENDITURE_NATURE,
    FUNDING_PROGRAMME,
    INDICATOR_VALUE_KIND,
    LP,
    OA,
    PHASE,
    PLAN_TYPE,
    PRIORITY,
    RFC5147,
    ROLE,
    SCHEMA,
    SPDX,
    STATUS,
    TERRITORY_KIND,
)

if TYPE_CHECKING:
    from lodplan.mapping.mentions import Mention

LINKED = ("unique", "reviewed")  # the decisions of mentions that are published
LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language/"
ISO_639_1_TO_3 = {"fr": "FRA", "en": "ENG", "de": "DEU", "it": "ITA", "es": "SPA", "nl": "NLD"}
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class SourceFacts:
    """What the build measured of the source document."""

    sha256: str
    # where the source states the plan's facts (plan.stated), quotes checked at their lines
    stated: dict[str, Span] = field(default_factory=dict)


class PlanGraphWriter:
    """Turns a mapping's outline into the named graph of its plan."""

    def __init__(
        self,
        spec: MappingSpec,
        iris: IriMinter,
        vocabulary: Vocabulary,
        actors: dict[str, Actor],
        places: Places | None = None,
        cog: CogReferential | None = None,
    ) -> None:
        self.spec = spec
        self.iris = iris
        self.vocabulary = vocabulary
        self.actors = actors
        self.places = places or Places()
        self.cog = cog
        self.lang = spec.plan.language
        self.graph = Graph()
        self.plan_iri = URIRef(iris.plan(spec.plan.id))
        # the dated facts (status assertions, values, budget lines) of a versioned plan
        # are stated in its version and minted per version, so versions accumulate them
        version = spec.version
        self.stated_in = (
            URIRef(iris.plan_version(spec.plan.id, version.id)) if version else self.plan_iri
        )
        self.fact_prefix = f"v-{version.id}-" if version else ""
        # an element renamed in this version keeps the key (the IRI) it had
        self.kept_keys = {new: old for old, new in version.renamed.items()} if version else {}
        self.document = URIRef(iris.source(spec.plan.id))
        self._minted: set[URIRef] = set()
        self._codes: Counter[str] = Counter()
        self._renamed: set[str] = set()

    def write(
        self, outline: Outline, facts: SourceFacts, mentions: Sequence[Mention] = ()
    ) -> Graph:
        """The plan's graph; ``mentions``: the names found in its text, whose links
        (unique or reviewed) are published with their evidence."""
        self._name_links: dict[int, list[Mention]] = defaultdict(list)
        for mention in mentions:
            holder = mention.passage if mention.passage is not None else mention.element
            if mention.decision in LINKED and mention.target is not None and holder is not None:
                self._name_links[id(holder)].append(mention)
        self._plan(outline)
        self._stated(facts.stated)
        self._source_document(facts)
        self._tags(outline.tags)
        self._territories()
        assign_keys(outline.elements)
        self._codes = Counter(e.notation for e in outline.walk() if e.notation)
        for order, element in enumerate(outline.elements, start=1):
            node = self._element(element, None, order, 1)
            self.graph.add((self.plan_iri, LP.hasElement, node))
        self._passages(self.plan_iri, outline.passages, None)
        if unused := sorted(set(self.kept_keys) - self._renamed):
            raise MappingError(
                f"no element of this version has the key {unused[0]!r} (keys end the "
                "elements' IRIs; a title can be given instead)",
                file=self.spec.path,
                field="version.renamed",
            )
        return self.graph

    # -- plan and its document -------------------------------------------------

    def _plan(self, outline: Outline) -> None:
        plan, g, spec = self.plan_iri, self.graph, self.spec.plan
        g.add((plan, RDF.type, LP.Plan))
        for lang, title in spec.title.items():
            g.add((plan, DCTERMS.title, Literal(title, lang=lang)))
            g.add((plan, RDFS.label, Literal(title, lang=lang)))
        for lang, text in spec.description.items():
            g.add((plan, DCTERMS.description, Literal(text.strip(), lang=lang)))
        g.add((plan, DCTERMS.identifier, Literal(spec.id)))
        g.add((plan, LP.planType, self._concept(PLAN_TYPE, spec.type, "plan.type")))
        if spec.status:
            g.add((plan, LP.status, self._concept(STATUS, spec.status, "plan.status")))
        g.add((plan, DCTERMS.publisher, self._actor(spec.publisher, "plan.publisher")))
        if spec.adopted_by:
            g.add((plan, LP.adoptedBy, self._actor(spec.adopted_by, "plan.adopted-by")))
        if spec.issued:
            g.add((plan, DCTERMS.issued, self._issued()))
        for creator in spec.creators:
            g.add((plan, DCTERMS.creator, self._actor(creator, "plan.creators")))
        language = ISO_639_1_TO_3.get(spec.language)
        if language is None:
            raise MappingError("unknown language code", file=self.spec.path, field="plan.language")
        g.add((plan, DCTERMS.language, URIRef(LANGUAGE_AUTHORITY + language)))
        if spec.period:
            period = URIRef(f"{plan}#period")
            g.add((plan, DCTERMS.temporal, period))
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            g.add((period, DCAT.startDate, Literal(spec.period[0], datatype=XSD.date)))
            g.add((period, DCAT.endDate, Literal(spec.period[1], datatype=XSD.date)))
        for ref in spec.territories:
            g.add((plan, DCTERMS.spatial, self._territory(ref, None)))
        g.add((plan, LP.sourceDocument, self.document))
        g.add((plan, PROV.wasDerivedFrom, self.document))
        if "title" in outline.plan_spans:
            self._provenance(plan, outline.plan_spans["title"])

    def _issued(self) -> Literal:
        issued = self.spec.plan.issued
        if isinstance(issued, str):  # "YYYY-MM": the month the source states
            return Literal(issued, datatype=XSD.gYearMonth)
        return Literal(issued, datatype=XSD.date)

    def _stated(self, stated: dict[str, Span]) -> None:
        """Each plan fact with the lines that state it: an ``rdf:Statement`` of the fact
        (``{plan}#stated-{fact}[-n]``) whose ``lodplan:source`` cites the lines."""
        plan = self.plan_iri
        for name, span in stated.items():
            field_path = f"plan.stated.{name}"
            triples = self._fact_triples(name, field_path)
            if not triples:
                self._fail(f"states a fact the plan does not declare ({name})", field_path, None)
            for n, (subject, predicate, value) in enumerate(triples, start=1):
                node = URIRef(f"{plan}#stated-{name}" + (f"-{n}" if len(triples) > 1 else ""))
                self.graph.add((node, RDF.type, RDF.Statement))
                self.graph.add((node, RDF.subject, subject))
                self.graph.add((node, RDF.predicate, predicate))
                self.graph.add((node, RDF.object, value))
                self._provenance(node, span)

    def _fact_triples(self, name: str, field_path: str) -> list[tuple]:
        """The triples of the plan that state the fact ``name`` of ``plan.stated``."""
        plan, spec = self.plan_iri, self.spec.plan
        if name == "territories":
            return [(plan, DCTERMS.spatial, self._territory(r, None)) for r in spec.territories]
        if name == "creators":
            return [(plan, DCTERMS.creator, self._actor(a, field_path)) for a in spec.creators]
        if name == "publisher":
            return [(plan, DCTERMS.publisher, self._actor(spec.publisher, field_path))]
        if name == "adopted-by" and spec.adopted_by:
            return [(plan, LP.adoptedBy, self._actor(spec.adopted_by, field_path))]
        if name == "issued" and spec.issued:
            return [(plan, DCTERMS.issued, self._issued())]
        if name in ("period-start", "period-end") and spec.period:
            day, predicate = (
                (spec.period[0], DCAT.startDate) if name == "period-start"
                else (spec.period[1], DCAT.endDate)
            )  # fmt: skip
            return [(URIRef(f"{plan}#period"), predicate, Literal(day, datatype=XSD.date))]
        return []

    def _source_document(self, facts: SourceFacts) -> None:
        doc, g, source = self.document, self.graph, self.spec.source
        g.add((doc, RDF.type, LP.SourceDocument))
        for lang, title in source.title.items():
            g.add((doc, DCTERMS.title, Literal(title, lang=lang)))
            g.add((doc, RDFS.label, Literal(title, lang=lang)))
        g.add((doc, DCTERMS.identifier, Literal(source.path.name)))
        g.add((doc, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + source.media_type)))
        if source.original:  # the document this text was extracted from
            g.add((doc, DCTERMS.source, URIRef(source.original)))
        checksum = URIRef(f"{doc}#checksum")
        g.add((doc, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(facts.sha256, datatype=XSD.hexBinary)))

    def _tags(self, cell_tags: dict[str, str]) -> None:
        """The plan's tags: those the mapping declares, and those a table's cells name."""
        tags = dict(self.spec.tags)
        for tag_id, label in cell_tags.items():
            if tag_id in tags:
                self._fail(f"the tag {tag_id!r} is both declared and read from cells", "tags", None)
            tags[tag_id] = TagSpec(tag_id, {self.lang: label}, {}, None)
        if not tags:
            return
        g = self.graph
        scheme = URIRef(self.iris.tag_scheme(self.spec.plan.id))
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        title = next(iter(self.spec.plan.title.values()))
        for label in (
            Literal(f"Étiquettes — {title}", lang="fr"),
            Literal(f"Tags — {title}", lang="en"),
        ):
            g.add((scheme, RDFS.label, label))
            g.add((scheme, SKOS.prefLabel, label))
        for tag in tags.values():
            node = URIRef(self.iris.tag(self.spec.plan.id, tag.id))
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, SKOS.inScheme, scheme))
            g.add((node, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, node))
            for lang, text in tag.label.items():
                g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
                g.add((node, RDFS.label, Literal(text, lang=lang)))
            for lang, text in tag.definition.items():
                g.add((node, SKOS.definition, Literal(text, lang=lang)))
            if tag.notation:
                g.add((node, SKOS.notation, Literal(tag.notation)))

    def _territories(self) -> None:
        for territory in self.spec.territories.values():
            node = URIRef(self.iris.territory(territory.id))
            self.graph.add((node, RDF.type, LP.Territory))
            self.graph.add((node, RDF.type, DCTERMS.Location))
            for lang, text in territory.label.items():
                self.graph.add((node, RDFS.label, Literal(text, lang=lang)))
            kind = self._concept(TERRITORY_KIND, territory.kind, f"territories.{territory.id}.kind")
            self.graph.add((node, LP.territoryKind, kind))

    # -- elements ---------------------------------------------------------------

    def _element(self, element: Element, parent: URIRef | None, order: int, level: int) -> URIRef:
        g = self.graph
        node = self._element_iri(element, parent)
        if node in self._minted:
            raise MappingError(
                f"two elements would get the IRI {node}: give them distinct codes",
                file=self.spec.source.path,
                line=element.span.start_line,
            )
        self._minted.add(node)
        g.add((node, RDF.type, LP[element.cls]))
        g.add((node, RDFS.label, Literal(element.label, lang=self.lang)))
        g.add((node, LP.kind, self._concept(ELEMENT_KIND, element.kind, "reader.levels", element)))
        g.add((node, LP.levelName, Literal(element.level_name, lang=self.lang)))
        g.add((node, LP.level, Literal(level, datatype=XSD.integer)))
        g.add((node, LP.order, Literal(order, datatype=XSD.integer)))
        g.add((node, LP.inPlan, self.plan_iri))
        if element.notation:
            g.add((node, SKOS.notation, Literal(element.notation)))
        if element.description:
            g.add((node, DCTERMS.description, Literal(element.description, lang=self.lang)))
        for alt in element.alt_labels:
            g.add((node, SKOS.altLabel, Literal(alt, lang=self.lang)))
        for note in element.editorial_notes:
            g.add((node, SKOS.editorialNote, Literal(note, lang=self.lang)))
        if parent is not None:
            g.add((node, LP.partOf, parent))
            g.add((parent, LP.hasPart, node))
        self._element_facts(node, element)
        self._provenance(node, element.span)
        self._links(node, element, element.span, element)
        self._figures(node, element)
        self._passages(node, element.passages, element)
        for child_order, child in enumerate(element.children, start=1):
            self._element(child, node, child_order, level + 1)
        return node

    def _element_iri(self, element: Element, parent: URIRef | None) -> URIRef:
        """``element/<code>`` for a top element or one whose code is unique in the plan
        (1.2.3, D4, chantier 7); else the parent's IRI and the element's key (a code
        local to its parent, like "Étape 1", or a slug of its text)."""
        key = self.kept_keys.get(element.key, element.key)
        if key != element.key:
            self._renamed.add(element.key)
        if element.stable_key:  # the source's own id: unique in the plan, checked on minting
            return URIRef(self.iris.coded_element(self.spec.plan.id, key))
        if parent is None or (element.notation and self._codes[element.notation] == 1):
            return URIRef(self.iris.coded_element(self.spec.plan.id, key))
        return URIRef(f"{parent}/{key}")

    def _element_facts(self, node: URIRef, element: Element) -> None:
        g = self.graph
        if element.status:
            g.add((node, LP.status, self._concept(STATUS, element.status, "status", element)))
        if element.priority:
            concept = self._concept(PRIORITY, element.priority, "priority", element)
            g.add((node, LP.priority, concept))
        for tag_id in element.categories:
            g.add((node, LP.category, URIRef(self.iris.tag(self.spec.plan.id, tag_id))))
        for ref in element.territories:
            g.add((node, LP.territory, self._territory(ref, element)))
        for actor_ref, role in element.involvements:
            actor_id = self._actor_id(actor_ref, element)
            agent = self._actor(actor_id, "actors", element)
            involvement = URIRef(f"{node}#involvement-{actor_id}-{role}")
            g.add((node, LP.involvement, involvement))
            g.add((node, LP.involves, agent))
            g.add((involvement, RDF.type, LP.Involvement))
            g.add((involvement, PROV.agent, agent))
            g.add((involvement, PROV.hadRole, self._concept(ROLE, role, "role", element)))
            written = element.involvement_texts.get((actor_ref, role))
            if written and written not in self.actors[actor_id].names():
                g.add((involvement, DCTERMS.description, Literal(written, lang=self.lang)))
        self._dates(node, element.dates, element)
        self._fiche_facts(node, element)

    def _fiche_facts(self, node: URIRef, element: Element) -> None:
        """The fields of a fiche action (ontology 0.2) read from a table's columns."""
        g = self.graph
        for number, identifier in enumerate(element.identifiers, start=1):
            held = URIRef(f"{node}#identifier-{number}")
            g.add((node, ADMS.identifier, held))
            g.add((held, RDF.type, ADMS.Identifier))
            g.add((held, SKOS.notation, Literal(identifier.notation)))
            if identifier.agency:
                g.add((held, ADMS.schemaAgency, Literal(identifier.agency)))
        for theme in element.themes:
            g.add((node, LP.theme, URIRef(theme)))
        for name, text in element.texts.items():
            g.add((node, LP[FICHE_TEXTS[name]], Literal(text, lang=self.lang)))
        for name, lexical in element.schedule.items():
            g.add((node, LP[SCHEDULE_DATES[name]], _date_literal(lexical)))
        for number, assertion in enumerate(element.status_assertions, start=1):
            if assertion.on is None:  # the table gives no date: the element's own facts
                self._undated_status(node, assertion, element)
                continue
            stated = URIRef(f"{node}#{self.fact_prefix}status-{number}")
            g.add((node, LP.statusAssertion, stated))
            g.add((stated, RDF.type, LP.StatusAssertion))
            g.add((stated, LP.statusDate, Literal(assertion.on, datatype=XSD.date)))
            g.add((stated, LP.statedIn, self.stated_in))
            if assertion.status:
                concept = self._concept(STATUS, assertion.status, "status", element)
                g.add((stated, LP.status, concept))
            if assertion.phase:
                concept = self._concept(PHASE, assertion.phase, "phase", element)
                g.add((stated, LP.phase, concept))
                g.add((node, LP.phase, concept))
            if assertion.completion is not None:
                share = Literal(assertion.completion, datatype=XSD.decimal)
                g.add((stated, LP.completion, share))
            if assertion.stated_by:
                g.add((stated, LP.statedBy, self._actor(assertion.stated_by, "stated-by", element)))
        for number, line in enumerate(element.budget_lines, start=1):
            self._budget_line(
                node, URIRef(f"{node}#{self.fact_prefix}budget-{number}"), line, element
            )
        for indicator in element.indicators:
            self._indicator(node, indicator, element)

    def _undated_status(self, node: URIRef, assertion: StatusAssertion, element: Element) -> None:
        if assertion.phase:
            self.graph.add(
                (node, LP.phase, self._concept(PHASE, assertion.phase, "phase", element))
            )
        if assertion.completion is not None:
            share = Literal(assertion.completion, datatype=XSD.decimal)
            self.graph.add((node, LP.completion, share))

    def _budget_line(self, node: URIRef, held: URIRef, line: BudgetLine, element: Element) -> None:
        g = self.graph
        g.add((node, LP.budgetLine, held))
        g.add((held, RDF.type, LP.BudgetLine))
        g.add((held, LP.amount, Literal(line.amount, datatype=XSD.decimal)))
        g.add((held, LP.amountKind, self._concept(AMOUNT_KIND, line.kind, "amount-kind", element)))
        g.add((held, LP.statedIn, self.stated_in))
        if line.currency:
            g.add((held, SCHEMA.currency, Literal(line.currency)))
        if line.unit:
            g.add((held, LP.unit, Literal(line.unit)))
        if line.nature:
            nature = self._concept(EXPENDITURE_NATURE, line.nature, "nature", element)
            g.add((held, LP.expenditureNature, nature))
        if line.year is not None:
            g.add((held, LP.fiscalYear, Literal(str(line.year), datatype=XSD.gYear)))
        if line.funder:
            g.add((held, LP.funder, self._actor(line.funder, "funder", element)))
        if line.programme:
            programme = self._concept(FUNDING_PROGRAMME, line.programme, "programme", element)
            g.add((held, LP.fundingProgramme, programme))
        if line.tax_included is not None:
            g.add((held, LP.taxIncluded, Literal(line.tax_included)))

    def _indicator(self, node: URIRef, indicator: IndicatorRef, element: Element) -> None:
        """An indicator of the plan (one IRI per name in the plan, shared by the elements
        that follow it) and the values this element's row gives it."""
        g = self.graph
        held = URIRef(f"{self.plan_iri}/indicator/{slugify(indicator.label)}")
        g.add((node, LP.indicator, held))
        g.add((held, RDF.type, LP.Indicator))
        g.add((held, RDFS.label, Literal(indicator.label, lang=self.lang)))
        if indicator.unit:
            g.add((held, LP.unit, Literal(indicator.unit)))
        for value in indicator.values:
            stem = f"{value.kind}-{value.on or 'undated'}"
            measured = URIRef(
                f"{node}#{self.fact_prefix}indicator-{slugify(indicator.label)}-{stem}"
            )
            g.add((measured, RDF.type, LP.IndicatorValue))
            g.add((measured, LP.ofIndicator, held))
            g.add((measured, RDF.value, Literal(value.value, datatype=XSD.decimal)))
            kind = self._concept(INDICATOR_VALUE_KIND, value.kind, "value-kind", element)
            g.add((measured, LP.valueKind, kind))
            g.add((measured, LP.statedIn, self.stated_in))
            g.add((measured, PROV.wasDerivedFrom, self.document))
            if value.on:
                g.add((measured, LP.valueDate, _date_literal(value.on)))

    def _dates(self, node: URIRef, dates: list[DateMention], element: Element | None) -> None:
        """The dates stated in the text of an element or a passage."""
        g = self.graph
        stem = f"{node}-" if "#" in node else f"{node}#"  # a passage is already a fragment
        for number, mention in enumerate(dates, start=1):
            dated = URIRef(f"{stem}date-{number}")
            g.add((node, LP.date, dated))
            g.add((dated, RDF.type, LP.DateMention))
            g.add((dated, LP.startDate, Literal(mention.start, datatype=XSD.date)))
            g.add((dated, LP.endDate, Literal(mention.end, datatype=XSD.date)))
            precision = self._concept(DATE_PRECISION, mention.precision, "dates", element)
            g.add((dated, LP.datePrecision, precision))
            g.add((dated, LP.dateRole, self._concept(DATE_ROLE, mention.role, "dates", element)))
            g.add((dated, LP.dateText, Literal(mention.text, lang=self.lang)))

    def _figures(self, node: URIRef, element: Element) -> None:
        """Figures the plan states for a territory, beside those of the COG."""
        g = self.graph
        for number, figures in enumerate(element.figures, start=1):
            stated = URIRef(f"{node}#figures-{number}")
            g.add((self._territory(figures.territory, element), LP.keyFigures, stated))
            g.add((stated, RDF.type, LP.KeyFigures))
            if figures.population is not None:
                g.add((stated, LP.population, Literal(figures.population, datatype=XSD.integer)))
            if figures.communes is not None:
                g.add((stated, LP.communeCount, Literal(figures.communes, datatype=XSD.integer)))
            if figures.year is not None:
                year = Literal(f"{figures.year:04d}", datatype=XSD.gYear)
                g.add((stated, LP.referenceYear, year))
            g.add((stated, DCTERMS.description, Literal(
                f"Selon le plan : « {figures.text} »", lang=self.lang
            )))  # fmt: skip
            g.add((stated, PROV.wasDerivedFrom, self.document))
            g.add((stated, LP.source, URIRef(f"{node}#source")))

    def _passages(self, owner: URIRef, passages: list[Passage], element: Element | None) -> None:
        """Narrative of the plan or an element, verbatim, with what it names."""
        g = self.graph
        for order, passage in enumerate(passages, start=1):
            node = URIRef(f"{owner}#passage-{order}")
            g.add((owner, LP.passage, node))
            g.add((node, RDF.type, LP.Passage))
            g.add((node, LP.order, Literal(order, datatype=XSD.integer)))
            g.add((node, RDF.value, Literal(passage.text, lang=self.lang)))
            if passage.label:
                g.add((node, RDFS.label, Literal(passage.label, lang=self.lang)))
            self._provenance(node, passage.span)
            self._dates(node, passage.dates, element)
            self._links(node, passage, passage.span, element)
            for ref in passage.mentions:
                if ref.startswith("actor:"):
                    named = self._actor(ref.removeprefix("actor:"), "passages", element)
                else:
                    named = self._territory(ref, element)
                g.add((node, LP.mentions, named))

    def _links(
        self, node: URIRef, holder: Element | Passage, span: Span, element: Element | None
    ) -> None:
        """The name links of an element or passage, with their evidence."""
        g = self.graph
        stem = f"{node}-" if "#" in node else f"{node}#"
        for number, mention in enumerate(self._name_links.get(id(holder), ()), start=1):
            assert mention.target is not None
            link = URIRef(f"{stem}name-{number}")
            ref = mention.target.ref
            if ref.startswith("actor:"):
                body = self._actor(ref.removeprefix("actor:"), "actors", element)
            else:
                body = self._territory(ref, element)
            g.add((node, LP.nameLink, link))
            g.add((link, RDF.type, LP.NameLink))
            g.add((link, OA.motivatedBy, OA.identifying))
            g.add((link, OA.hasBody, body))
            g.add((link, LP.linkRule, Literal(mention.rule)))
            g.add((link, LP.linkConfidence, Literal(mention.confidence)))
            note = mention.reason if mention.review is not None else mention.evidence
            if note:
                g.add((link, RDFS.comment, Literal(note)))
            # the words are in the holder's lines, or on the line the mention names (the
            # sentence that introduces the list an item is in)
            inside = span.start_line <= mention.line <= span.end_line
            words = Span(*((span.start_line, span.end_line) if inside else
                           (mention.line, mention.line)), mention.text)  # fmt: skip
            target = self._specific_resource(link, words, mention.prefix, mention.suffix)
            g.add((link, OA.hasTarget, target))

    def _provenance(self, node: URIRef, span: Span) -> None:
        self.graph.add((node, LP.source, self._specific_resource(node, span)))
        self.graph.add((node, PROV.wasDerivedFrom, self.document))

    def _specific_resource(
        self, node: URIRef, span: Span, prefix: str = "", suffix: str = ""
    ) -> URIRef:
        """``{node}#source`` (``{node}-source`` for a ``#`` node): the lines of the source
        document and the quote ``span`` gives, with what precedes and follows it."""
        g = self.graph
        # a passage's IRI is already a fragment (#passage-2): its parts are #passage-2-…
        stem = f"{node}-" if "#" in node else f"{node}#"
        source = URIRef(f"{stem}source")
        quote = URIRef(f"{stem}quote")
        lines = URIRef(f"{stem}lines")
        g.add((source, RDF.type, OA.SpecificResource))
        g.add((source, OA.hasSource, self.document))
        g.add((source, OA.hasSelector, quote))
        g.add((source, OA.hasSelector, lines))
        g.add((source, LP.startLine, Literal(span.start_line, datatype=XSD.integer)))
        g.add((source, LP.endLine, Literal(span.end_line, datatype=XSD.integer)))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(span.quote)))
        if prefix:
            g.add((quote, OA.prefix, Literal(prefix)))
        if suffix:
            g.add((quote, OA.suffix, Literal(suffix)))
        g.add((lines, RDF.type, OA.FragmentSelector))
        g.add((lines, DCTERMS.conformsTo, URIRef(RFC5147)))
        # RFC 5147 counts line boundaries from 0: lines n..m (1-based) are "line=n-1,m".
        g.add((lines, RDF.value, Literal(f"line={span.start_line - 1},{span.end_line}")))
        return source

    # -- references ---------------------------------------------------------------

    def _concept(self, namespace, concept_id: str, field: str, element: Element | None = None):
        iri = namespace[concept_id]
        if not self.vocabulary.has_concept(str(iri)):
            self._fail(f"{concept_id!r} is not a concept of {namespace}", field, element)
        return iri

    def _actor_id(self, ref: str, element: Element) -> str:
        """An actor named by its id, or by its SIREN (``siren:<9 digits>``, from a table)."""
        if not ref.startswith("siren:"):
            return ref
        siren = ref.removeprefix("siren:")
        found = [a.id for a in self.actors.values() if a.siren == siren]
        if len(found) != 1:
            self._fail(
                f"no actor of actors.yaml has siren {siren}; declare it (id, type, label and "
                f"siren: '{siren}')"
                if not found
                else f"several actors of actors.yaml have siren {siren}: {', '.join(found)}",
                "actors",
                element,
            )
        return found[0]

    def _actor(self, actor_id: str, field: str, element: Element | None = None) -> URIRef:
        if actor_id not in self.actors:
            self._fail(
                f"actor {actor_id!r} is not declared in mappings/actors.yaml", field, element
            )
        return URIRef(self.iris.actor(actor_id))

    def _territory(self, ref: str, element: Element | None) -> URIRef:
        if ref.startswith(COUNTRY_REF):
            code = ref.removeprefix(COUNTRY_REF)
            country = self.vocabulary.countries_by_alpha2.get(code)
            if country is None:
                self._fail(f"country code {code!r} is not in the country code list", "", element)
            return URIRef(country)
        if ref in self.spec.territories or ref in self.places.territories:
            return URIRef(self.iris.territory(ref))
        official = official_code(ref)
        if official is not None:  # a territory of the COG
            if self.cog is not None and not self.cog.has(*official):
                self._fail(f"{ref!r} is not in the Code officiel géographique", "", element)
            return URIRef(self.iris.official_territory(*official))
        self._fail(
            f"territory {ref!r} is declared neither in 'territories' nor in places.yaml, "
            "and is not a COG reference (commune:<code>, epci:<SIREN>…)",
            "",
            element,
        )

    def _fail(self, message: str, field: str, element: Element | None) -> NoReturn:
        if element is not None:
            raise MappingError(message, file=self.spec.source.path, line=element.span.start_line)
        raise MappingError(message, file=self.spec.path, field=field or None)


FICHE_TEXTS = {
    "expected-results": "expectedResults", "means": "means", "target-audience": "targetAudience",
}  # fmt: skip
SCHEDULE_DATES = {
    "planned-start": "plannedStartDate", "planned-end": "plannedEndDate",
    "actual-start": "actualStartDate", "actual-end": "actualEndDate",
}  # fmt: skip


def _date_literal(lexical: str) -> Literal:
    """A day, a month or a year, typed by its precision (xsd:date, gYearMonth, gYear)."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(lexical)]
    return Literal(lexical, datatype=datatype)


def assign_keys(siblings: list[Element]) -> None:
    """Give every element a key unique among its siblings: its code, else a slug of its text.

    The slug is taken from the text as written (markup aside), not from the label
    the rules produce, so that refining a mapping's rules does not change IRIs.
    """
    used: set[str] = set()
    for element in siblings:
        base = (
            slugify(element.stable_key)
            if element.stable_key
            else element.notation or slugify(re.sub(r"<[^>]*>", " ", element.text))
        )
        key, suffix = base, 2
        while key in used:
            key, suffix = f"{base}-{suffix}", suffix + 1
        used.add(key)
        element.key = key
        assign_keys(element.children)
