"""The page of one resource, for people: what it is, in words, where it comes from.

From the resource's description (its triples and those of its ``#`` parts) and a
few queries: the properties with human labels, its place in its plan
(breadcrumb, parts), the actors by role, what points to it (an actor's
involvements across plans, the actions concerning a territory, the elements
using a concept), and its provenance — the verbatim quote and the lines around
it in the source document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from lodplan.pages.fiche import SHOWN_PROPERTIES as FICHE_PROPERTIES
from lodplan.pages.fiche import Fiche, element_fiche
from lodplan.pages.formats import date_text, decimal_text
from lodplan.pages.history import (
    STALE_MONTHS,
    PlanHistory,
    VersionChanges,
    plan_history,
    version_changes,
)
from lodplan.pages.i18n import bundled_messages
from lodplan.pages.incoming import bundled_rules, group_of
from lodplan.pages.labels import known_label, pick, store_label, term_label
from lodplan.pages.paging import INVOLVEMENTS_PER_PAGE, Paged, page_of
from lodplan.pages.plans import PlanCard, Ref, TreeNode, plan_card, plan_tree
from lodplan.pages.queries import run, text
from lodplan.pages.territory import (
    COMMUNES_PER_PAGE,
    TerritoryFacts,
    communes,
    covering_plans,
    intercommunalities,
    key_figures,
    published_plans,
)
from lodplan.publishing.downloads import source_text_name
from lodplan.publishing.representations import LRUCache, natural_key
from lodplan.store.base import ReadableStore
from lodplan.terms import LP

OA = "http://www.w3.org/ns/oa#"
DCAT = "http://www.w3.org/ns/dcat#"
PROV = "http://www.w3.org/ns/prov#"
IGEO = "http://rdf.insee.fr/def/geo#"
ORG = "http://www.w3.org/ns/org#"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Literals written as numbers or dates of the page's language (« 526 052 », « 29 mai 2021 »).
_NUMBER_TYPES = {XSD + name for name in ("integer", "decimal", "double", "float", "long", "int",
                 "nonNegativeInteger", "positiveInteger")}  # fmt: skip
_DATE_TYPES = {XSD + "date", XSD + "gYearMonth", XSD + "dateTime"}
SKOS_CONCEPT = str(SKOS.Concept)
CONTEXT_LINES = 3  # source lines shown before and after a quote
MAX_INCOMING = 200  # per property; the rest is counted, and reachable by SPARQL
#: Graphs whose links to a resource the page lists: what plans, actors and places
#: say. The referentials (34,875 communes pointing to their département) and the
#: descriptions (catalog, VoID) are not "incoming links" a reader looks for.
INCOMING_GRAPHS = ("graph/plan/", "graph/actors", "graph/places")

#: Shown in their own sections, not among the facts.
_SHOWN_APART = {
    str(RDF.type), str(RDFS.label), str(SKOS.prefLabel), str(DCTERMS.title),
    str(DCTERMS.description), str(SKOS.notation), str(LP.levelName), str(LP.partOf),
    str(LP.hasPart), str(LP.hasElement), str(LP.involvement), str(LP.involves),
    str(LP.source), str(LP.passage), str(LP.order), str(LP.level), str(SKOS.definition),
    str(SKOS.editorialNote),
}  # fmt: skip
_ELEMENT_CLASSES = {str(LP.Action), str(LP.Objective), str(LP.PlanElement)}
_TERRITORY_CLASSES = {str(LP.Territory), IGEO + "Commune", IGEO + "Departement",
                      IGEO + "Region", IGEO + "Intercommunalite"}  # fmt: skip
_ACTOR_CLASSES = {ORG + "Organization", ORG + "OrganizationalUnit"}
_MEMBERS = IGEO + "subdivisionDirecte"  # an intercommunality's communes
_PARENT_PROPERTIES = (IGEO + "subdivisionDe", str(DCTERMS.isPartOf), ORG + "unitOf")


@dataclass(frozen=True)
class Value:
    """A value as a reader sees it: text, maybe a link to a resource."""

    text: str
    iri: str | None = None
    known: bool = True  # the store describes ``iri`` (else: an outside link)
    language: str | None = None


@dataclass(frozen=True)
class Fact:
    label: str
    property_iri: str
    values: list[Value]


@dataclass(frozen=True)
class Involvement:
    element: Ref
    code: str | None
    plan: Ref
    role: str | None
    through: Ref | None = None  # the service of the organisation named, if not itself


@dataclass(frozen=True)
class IncomingGroup:
    label: str  # "cité par" the property (when no group of site/incoming.yaml takes it)
    property_iri: str
    items: list[Ref]
    total: int
    key: str | None = None  # the group of site/incoming.yaml: its message "incoming.<key>"


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str
    quoted: bool
    # on a source document's page, the ranges cited by the data that start on this line
    # (their anchors: "L12-L15")
    ranges: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """Where a text of the page was read: the quote, its lines, their surroundings."""

    anchor: str  # the ``#`` part of the page holding it ("source", "passage-3-source")
    quote: str
    start: int
    end: int
    source: Ref | None
    context: list[SourceLine]
    original: str | None = None  # the original document (a PDF), where it is published

    @property
    def fragment(self) -> str:
        """The anchor of the quoted lines on the source document's page."""
        return line_range(self.start, self.end)


@dataclass(frozen=True)
class Passage:
    text: str
    order: int
    provenance: Provenance | None
    mentions: list[Ref]
    label: str | None = None  # the part of the text it belongs to ("Pour qui ?")


@dataclass
class ResourceView:
    iri: str
    title: str
    kind: str  # plan | element | action | actor | territory | concept | source | other
    type_labels: list[str]  # every rdf:type, by its human name (the technical data show them)
    code: str | None = None
    level_name: str | None = None
    description: str | None = None
    # the editor's words (skos:editorialNote), shown apart from the source's, labelled
    editorial_notes: list[str] = field(default_factory=list)
    breadcrumb: list[Ref] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    actors: list[tuple[str | None, list[Ref]]] = field(default_factory=list)  # role → actors
    parts: list[TreeNode] = field(default_factory=list)
    plan: PlanCard | None = None
    tree: list[TreeNode] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)  # those of this page
    involvements_paged: Paged[Involvement] | None = None
    parents: list[Ref] = field(default_factory=list)
    incoming: list[IncomingGroup] = field(default_factory=list)
    provenance: Provenance | None = None
    passages: list[Passage] = field(default_factory=list)
    source_lines: list[SourceLine] = field(default_factory=list)  # a source document's text
    properties: list[tuple[str, list[Fact]]] = field(default_factory=list)  # every triple
    fiche: Fiche | None = None  # an element's status, schedule, budget, themes, indicators
    original: str | None = None  # a source document: the original it was extracted from
    territory: TerritoryFacts | None = None  # a territory's figures, communes, plans
    history: PlanHistory | None = None  # a plan's versions, late and stale actions
    changes: VersionChanges | None = None  # what a version of a plan changed


class ResourcePages:
    """Builds :class:`ResourceView` s from a store (labels looked up once per view)."""

    def __init__(self, store: ReadableStore) -> None:
        self.store = store
        self._trees = LRUCache(16)  # every element page shows its part of its plan's tree

    def view(
        self,
        iri: str,
        triples: Sequence[Triple],
        lang: str,
        page: int = 1,
        months: int = STALE_MONTHS,
    ) -> ResourceView | None:
        """The view of ``iri`` described by ``triples`` (non-empty), in ``lang``, with page
        ``page`` of its long lists (an actor's involvements); ``None`` past their last page
        (other resources have none: they ignore ``page``). ``months``: a plan's actions
        « without update » are those without a status stated for more than that."""
        builder = _ViewBuilder(self.store, iri, triples, lang, self.tree, months)
        view = builder.build()
        if view.kind == "territory" and view.territory is not None:
            communes_paged = page_of(view.territory.communes, page, COMMUNES_PER_PAGE)
            if communes_paged is None:
                return None
            view.territory.communes = list(communes_paged.items)
            view.territory.communes_paged = communes_paged
            return view
        if view.kind != "actor":  # no long list to page
            return view
        paged = page_of(view.involvements, page, INVOLVEMENTS_PER_PAGE)
        if paged is None:
            return None
        view.involvements = list(paged.items)
        view.involvements_paged = paged
        return view

    def tree(self, plan_iri: str, lang: str) -> list[TreeNode]:
        """The tree of a plan, computed once per build and language."""
        key = (self.store.info().build_id, plan_iri, lang)
        return self._trees.get_or_compute(key, lambda: plan_tree(self.store, plan_iri, lang))


class _ViewBuilder:
    def __init__(
        self,
        store: ReadableStore,
        iri: str,
        triples: Sequence[Triple],
        lang: str,
        tree: Callable[[str, str], list[TreeNode]],
        months: int = STALE_MONTHS,
    ) -> None:
        self.store = store
        self.tree = tree
        self.months = months
        self.iri = iri
        self.lang = lang
        self.by_subject: dict[str, list[Triple]] = defaultdict(list)
        for triple in triples:
            self.by_subject[_key(triple.subject)].append(triple)
        self._labels: dict[str, str | None] = {}
        self.data_base = store.info().base_iri
        self.t = bundled_messages().translator(lang)

    # -- the view --------------------------------------------------------------------

    def build(self) -> ResourceView:
        own = self.by_subject.get(self.iri, [])
        types = self.values(self.iri, str(RDF.type))
        type_iris = {term.value for term in types if isinstance(term, NamedNode)}
        view = ResourceView(
            iri=self.iri,
            title=self.label(self.iri) or self.iri,
            kind=_kind(type_iris),
            type_labels=[term_label(t, self.lang) for t in sorted(type_iris)],
            code=self.literal(self.iri, str(SKOS.notation)),
            level_name=self.literal(self.iri, str(LP.levelName)),
            description=self.literal(self.iri, str(DCTERMS.description))
            or self.literal(self.iri, str(SKOS.definition)),
        )
        view.editorial_notes = self.editorial_notes(self.iri)
        if view.kind in ("element", "action"):
            fiche = element_fiche(self.store, self.iri, self.lang, self.first, self.label)
            view.fiche = None if fiche.empty else fiche
        view.facts = self.facts(own, shown_apart=FICHE_PROPERTIES if view.fiche else frozenset())
        view.actors = self.actors()
        view.provenance = self.provenance(self.iri)
        view.passages = self.passages()
        view.properties = self.all_properties()
        if view.kind in ("element", "action"):
            view.breadcrumb = self.breadcrumb()
            view.parts = self.parts()
        elif view.kind == "plan":
            view.plan = plan_card(self.store, self.iri, self.lang)
            view.tree = self.tree(self.iri, self.lang)
            history = plan_history(self.store, self.iri, self.lang, months=self.months)
            view.history = None if history.empty else history
        elif view.kind == "actor":
            view.involvements = self.involvements()
        elif view.kind == "source":
            view.source_lines = self.source_text(self.iri)
            view.original = self.original(self.iri)
        if view.kind in ("territory", "actor"):
            view.parents = self.refs(
                p for prop in _PARENT_PROPERTIES for p in self.iris(self.iri, prop)
            )
        if view.kind == "territory":
            view.territory = self.territory()
            view.facts = _without(view.facts, view.territory.figure_iris)
            if view.territory.communes:  # listed in their own section, by pages
                view.facts = [f for f in view.facts if f.property_iri != _MEMBERS]
        if self.values(self.iri, str(DCTERMS.isVersionOf)):
            view.changes = version_changes(self.store, self.iri, self.lang)
            if view.changes is not None:  # its parts are the changes, in their own table
                view.facts = [f for f in view.facts if f.property_iri != str(DCTERMS.hasPart)]
        view.incoming = self.incoming(view.kind)
        return view

    def territory(self) -> TerritoryFacts:
        figures = [f for f in self.iris(self.iri, str(LP.keyFigures)) if f in self.by_subject]
        facts = TerritoryFacts(
            figures=key_figures(figures, self.literal, self.lang),
            intercommunalities=intercommunalities(self.store, self.iri, self.label),
            covering_plans=covering_plans(self.store, self.iri, self.label),
            published_plans=published_plans(self.store, self.iri, self.label),
            communes=communes(self.store, self.iri),
        )
        facts.figure_iris = set(figures) if facts.figures else set()
        return facts

    def facts(self, triples: list[Triple], shown_apart: frozenset[str] = frozenset()) -> list[Fact]:
        grouped: dict[str, list[Value]] = defaultdict(list)
        for triple in triples:
            predicate = triple.predicate.value
            if predicate in _SHOWN_APART or predicate in shown_apart:
                continue
            grouped[predicate].append(self.value(triple.object))
        facts = [
            Fact(term_label(predicate, self.lang), predicate, _sorted_values(values))
            for predicate, values in grouped.items()
        ]
        return sorted(facts, key=lambda fact: natural_key(fact.label))

    def actors(self) -> list[tuple[str | None, list[Ref]]]:
        by_role: dict[str | None, list[Ref]] = defaultdict(list)
        for involvement in self.iris(self.iri, str(LP.involvement)):
            role = next(iter(self.iris(involvement, PROV + "hadRole")), None)
            role_label = (self.label(role) if role else None) or role
            for agent in self.iris(involvement, PROV + "agent"):
                by_role[role_label].append(Ref(agent, self.label(agent) or agent))
        return sorted(
            (
                (role, sorted(refs, key=lambda r: natural_key(r.label)))
                for role, refs in by_role.items()
            ),
            key=lambda pair: natural_key(pair[0] or ""),
        )

    def breadcrumb(self) -> list[Ref]:
        """The plan, then the ancestors of the element, outermost first."""
        chain: list[Ref] = []
        current = self.iri
        seen = {current}
        while True:
            parent = next(iter(self._objects(current, str(LP.partOf))), None)
            if parent is None or parent in seen:
                break
            seen.add(parent)
            chain.append(Ref(parent, self._element_title(parent)))
            current = parent
        plan = next(iter(self.iris(self.iri, str(LP.inPlan))), None)
        if plan is not None:
            chain.append(Ref(plan, self.label(plan) or plan))
        return list(reversed(chain))

    def parts(self) -> list[TreeNode]:
        plan = next(iter(self.iris(self.iri, str(LP.inPlan))), None)
        if plan is None:
            return []
        found = _find(self.tree(plan, self.lang), self.iri)
        return found.children if found is not None else []

    def involvements(self) -> list[Involvement]:
        rows = run(self.store, "actor-involvements", actor=self.iri)
        keys = dict.fromkeys(
            (text(row, "element"), text(row, "plan"), text(row, "role"), text(row, "agent"))
            for row in rows
        )  # one per element, role and actor named (the organisation or one of its services)
        involvements = [
            Involvement(
                element=Ref(element, self.label(element) or element),
                code=self._notation(element),
                plan=Ref(plan, self.label(plan) or plan),
                role=(self.label(role) if role else None),
                through=(
                    Ref(agent, self.label(agent) or agent) if agent and agent != self.iri else None
                ),
            )
            for element, plan, role, agent in keys
        ]
        return sorted(
            involvements,
            key=lambda i: (
                natural_key(i.plan.label),
                natural_key(i.code or ""),
                natural_key(i.element.label),
            ),
        )

    def _notation(self, iri: str) -> str | None:
        codes = [
            t.value for t in self.store.objects(iri, str(SKOS.notation)) if isinstance(t, Literal)
        ]
        return min(codes) if codes else None

    def incoming(self, kind: str) -> list[IncomingGroup]:
        """What the plans, actors and places say about this resource, grouped by meaning
        (``site/incoming.yaml``), else by property."""
        shown_elsewhere = set(_STRUCTURE)  # the breadcrumb and the tree show them
        links: dict[tuple[str, str], set[str]] = defaultdict(set)  # (subject, property) → types
        for row in run(self.store, "incoming", target=self.iri):
            graph, subject = text(row, "graph"), row.get("subject")
            if not isinstance(subject, NamedNode) or not self._listed_graph(graph):
                continue
            predicate = text(row, "property")
            if subject.value.split("#", 1)[0] == self.iri or predicate in shown_elsewhere:
                continue
            types = links[(subject.value, predicate)]
            if "type" in row:
                types.add(text(row, "type"))
        rules = bundled_rules()
        grouped: dict[tuple[int, str], set[str]] = defaultdict(set)  # (rank, group) → documents
        for (linking, predicate), types in links.items():
            rule = group_of(rules, predicate, frozenset(types))
            if rule is not None and kind in rule.elsewhere:
                continue
            key = (rules.index(rule), rule.id) if rule else (len(rules), predicate)
            grouped[key].add(linking.split("#", 1)[0])  # a passage, a date… → its element
        result = []
        for (rank, name), documents in grouped.items():
            ordered = sorted(documents)[:MAX_INCOMING]
            refs = sorted(
                (Ref(d, self._element_title(d)) for d in ordered),
                key=lambda r: natural_key(r.label),
            )
            grouped_by_meaning = rank < len(rules)
            result.append(
                IncomingGroup(
                    label="" if grouped_by_meaning else term_label(name, self.lang),
                    property_iri="" if grouped_by_meaning else name,
                    items=refs,
                    total=len(documents),
                    key=name if grouped_by_meaning else None,
                )
            )
        return sorted(
            result, key=lambda g: (g.key is None, _rank(rules, g.key), natural_key(g.label))
        )

    def provenance(self, subject: str) -> Provenance | None:
        source = next(iter(self.iris(subject, str(LP.source))), None)
        if source is None:
            return None
        start = _int(self.literal(source, str(LP.startLine)))
        end = _int(self.literal(source, str(LP.endLine))) or start
        quote = ""
        for selector in self.iris(source, OA + "hasSelector"):
            quote = self.literal(selector, OA + "exact") or quote
        document = next(iter(self.iris(source, OA + "hasSource")), None)
        context = self.source_context(document, start, end or start) if document and start else []
        return Provenance(
            anchor=source.split("#", 1)[1] if "#" in source else "",
            quote=quote,
            start=start or 0,
            end=end or 0,
            source=Ref(document, self.label(document) or document) if document else None,
            context=context,
            original=self.original(document) if document else None,
        )

    def original(self, document: str) -> str | None:
        """Where the original of a source document is published (``dcterms:source``)."""
        if document in self.by_subject:
            found = self.iris(document, str(DCTERMS.source))
        else:
            found = self._objects(document, str(DCTERMS.source))
        return min(found) if found else None

    def passages(self) -> list[Passage]:
        passages = []
        for passage in self.iris(self.iri, str(LP.passage)):
            passages.append(
                Passage(
                    text=self.literal(passage, str(RDF.value)) or "",
                    order=_int(self.literal(passage, str(LP.order))) or 0,
                    provenance=self.provenance(passage),
                    mentions=self.refs(self.iris(passage, str(LP.mentions))),
                    label=self.literal(passage, str(RDFS.label)),
                )
            )
        return sorted(passages, key=lambda p: p.order)

    def all_properties(self) -> list[tuple[str, list[Fact]]]:
        """Every triple of the description, by subject: the resource, then its parts."""
        sections = []
        for subject, triples in sorted(self.by_subject.items(), key=lambda i: i[0] != self.iri):
            grouped: dict[str, list[Value]] = defaultdict(list)
            for triple in triples:
                grouped[triple.predicate.value].append(self.value(triple.object))
            facts = [
                Fact(term_label(p, self.lang), p, _sorted_values(v)) for p, v in grouped.items()
            ]
            sections.append((subject, sorted(facts, key=lambda f: natural_key(f.label))))
        return sections

    # -- source text -------------------------------------------------------------------

    def source_context(self, document: str, start: int, end: int) -> list[SourceLine]:
        lines = self._source_lines(document)
        first, last = max(1, start - CONTEXT_LINES), min(len(lines), end + CONTEXT_LINES)
        return [SourceLine(n, lines[n - 1], start <= n <= end) for n in range(first, last + 1)]

    def source_text(self, document: str) -> list[SourceLine]:
        """The document's lines, each with the anchors of the cited ranges starting there."""
        lines = self._source_lines(document)
        starting: dict[int, set[str]] = defaultdict(set)
        for row in run(self.store, "source-ranges", document=document):
            start = _int(text(row, "start")) or 0
            end = _int(text(row, "end")) or start
            if 1 <= start < end <= len(lines):  # one line: its own anchor (#L12) is the range
                starting[start].add(line_range(start, end))
        return [
            SourceLine(n, line, False, tuple(sorted(starting.get(n, ()), key=natural_key)))
            for n, line in enumerate(lines, 1)
        ]

    def _source_lines(self, document: str) -> list[str]:
        """The text of a source document, as the build published it (``sources/<id>.txt``)."""
        prefix = self.data_base + "source/"
        if not document.startswith(prefix):
            return []
        path = self.store.download(source_text_name(document[len(prefix) :]))
        if path is None:
            return []
        return path.read_text(encoding="utf-8").split("\n")[:-1]

    # -- terms ---------------------------------------------------------------------------

    def value(self, term: object) -> Value:
        if isinstance(term, NamedNode):
            local = self.by_subject.get(term.value)
            if local is not None and term.value.startswith(self.iri + "#"):
                return Value(self._fragment_text(term.value), term.value)
            label = self.label(term.value)
            document = term.value.split("#", 1)[0]
            if label is None and document != term.value and document.startswith(self.data_base):
                return self._part_of_another(term.value, document)
            if label is None:  # a term or a shared value the site names (« français »)
                named = known_label(term.value, self.lang)
                return Value(named or term.value, term.value, known=False)
            return Value(label, term.value)
        if isinstance(term, Literal):
            return Value(self._literal_text(term), language=term.language)
        if isinstance(term, BlankNode):
            return Value(self._fragment_text(_key(term)))
        return Value(str(term))

    def _literal_text(self, literal: Literal) -> str:
        """A number or a date as the page's language writes it; any other text as it is."""
        datatype = literal.datatype.value if literal.datatype else ""
        if datatype in _NUMBER_TYPES:
            return decimal_text(literal.value, self.lang)
        if datatype in _DATE_TYPES:
            return date_text(literal.value, self.lang)
        return literal.value

    def _part_of_another(self, iri: str, document: str) -> Value:
        """A ``#`` part of another resource (figures a plan states for a territory):
        its values in words, linked to the resource whose page describes it."""
        triples = [
            t
            for t in self.store.describe(iri)
            if isinstance(t.subject, NamedNode) and t.subject.value == iri
        ]
        words = [
            f"{term_label(t.predicate.value, self.lang)} {t.object.value}"
            for t in triples
            if isinstance(t.object, Literal) and t.predicate.value != str(DCTERMS.description)
        ]
        description = pick(
            [
                t.object
                for t in triples
                if isinstance(t.object, Literal) and t.predicate.value == str(DCTERMS.description)
            ],
            self.lang,
        )
        text = " · ".join(sorted(words) + ([description] if description else []))
        return Value(text or iri, document)

    def label(self, iri: str) -> str | None:
        if iri not in self._labels:
            local = self.by_subject.get(iri)
            label = None
            if local is not None:
                label = pick(
                    [
                        t.object
                        for t in local
                        if t.predicate.value in _LABELS and isinstance(t.object, Literal)
                    ],
                    self.lang,
                )
            self._labels[iri] = label or store_label(self.store, iri, self.lang)
        return self._labels[iri]

    def refs(self, iris: Iterable[str]) -> list[Ref]:
        refs = {iri: Ref(iri, self.label(iri) or iri) for iri in iris}
        return sorted(refs.values(), key=lambda r: natural_key(r.label))

    def values(self, subject: str, predicate: str) -> list:
        return [
            t.object for t in self.by_subject.get(subject, []) if t.predicate.value == predicate
        ]

    def iris(self, subject: str, predicate: str) -> list[str]:
        return [v.value for v in self.values(subject, predicate) if isinstance(v, NamedNode)]

    def editorial_notes(self, subject: str) -> list[str]:
        """The editor's notes on ``subject``: in the page's language, else every one."""
        notes = [v for v in self.values(subject, str(SKOS.editorialNote)) if isinstance(v, Literal)]
        own = [v for v in notes if v.language == self.lang]
        return sorted(v.value for v in (own or notes))

    def literal(self, subject: str, predicate: str) -> str | None:
        return pick(
            [v for v in self.values(subject, predicate) if isinstance(v, Literal)], self.lang
        )

    def first(self, predicate: str) -> tuple[str, str | None] | None:
        """The resource's value of ``predicate``: its literal in the page's language,
        else its first IRI, as (value, language)."""
        values = self.values(self.iri, predicate)
        literals = [v for v in values if isinstance(v, Literal)]
        if literals:
            chosen = pick(literals, self.lang)
            language = next((v.language for v in literals if v.value == chosen), None)
            return (chosen, language) if chosen is not None else None
        iris = sorted(v.value for v in values if isinstance(v, NamedNode))
        return (iris[0], None) if iris else None

    def _objects(self, subject: str, predicate: str) -> list[str]:
        if subject in self.by_subject:
            return self.iris(subject, predicate)
        return [t.value for t in self.store.objects(subject, predicate) if isinstance(t, NamedNode)]

    def _element_title(self, iri: str) -> str:
        codes = [
            t.value for t in self.store.objects(iri, str(SKOS.notation)) if isinstance(t, Literal)
        ]
        label = self.label(iri) or iri
        return f"{codes[0]} {label}" if codes else label

    def _fragment_text(self, key: str) -> str:
        """A ``#`` part or blank node shown inline: a date, an involvement, a period…"""
        triples = self.by_subject.get(key, [])
        stated = self.literal(key, str(LP.dateText))
        if stated is not None:  # a date: as the plan says it (its span is in its facts)
            return stated
        bodies = self.iris(key, OA + "hasBody")
        if bodies:  # a name link: the words, what they name, and why
            words = [
                self.literal(selector, OA + "exact")
                for target in self.iris(key, OA + "hasTarget")
                for selector in self.iris(target, OA + "hasSelector")
            ]
            named = self.label(bodies[0]) or bodies[0]
            why = [self.literal(key, str(p)) for p in (LP.linkRule, LP.linkConfidence)]
            said = next((w for w in words if w), None)
            head = f"« {said} » → {named}" if said else named
            return f"{head} ({', '.join(w for w in why if w)})"
        start = self.literal(key, DCAT + "startDate")
        end = self.literal(key, DCAT + "endDate")
        if start or end:  # a period of time
            return " – ".join(date_text(d, self.lang) if d else "…" for d in (start, end))
        partition = self._partition_text(key)
        if partition is not None:
            return partition
        label = self.label(key)
        if label is not None:
            return label
        parts = [
            t.object.value
            for t in triples
            if isinstance(t.object, Literal) and t.predicate.value != str(RDF.value)
        ]
        return " · ".join(parts) if parts else key.rsplit("#", 1)[-1]

    def _partition_text(self, key: str) -> str | None:
        """A part of the VoID description: what it counts (« Action : 1 350 ressources »)."""
        counted = self.iris(key, VOID + "class")
        message, number = "void.class_partition", self.literal(key, VOID + "entities")
        if not counted:
            counted = self.iris(key, VOID + "property")
            message, number = "void.property_partition", self.literal(key, VOID + "triples")
        if not counted or number is None or _int(number) is None:
            return None
        return self.t(message, term=term_label(counted[0], self.lang), count=_int(number))

    def _listed_graph(self, graph: str) -> bool:
        return any(graph.startswith(self.data_base + prefix) for prefix in INCOMING_GRAPHS)


_LABELS = {str(RDFS.label), str(SKOS.prefLabel), str(DCTERMS.title)}
_STRUCTURE = (str(LP.hasPart), str(LP.partOf), str(LP.hasElement), str(LP.inPlan))


def _kind(types: set[str]) -> str:
    if str(LP.Plan) in types:
        return "plan"
    if str(LP.Action) in types:
        return "action"
    if types & _ELEMENT_CLASSES:
        return "element"
    if types & _ACTOR_CLASSES:
        return "actor"
    if types & _TERRITORY_CLASSES:
        return "territory"
    if SKOS_CONCEPT in types:
        return "concept"
    if str(LP.SourceDocument) in types:
        return "source"
    return "other"


def _rank(rules: Sequence[object], key: str | None) -> int:
    return next((n for n, rule in enumerate(rules) if getattr(rule, "id", None) == key), 0)


def _without(facts: list[Fact], iris: set[str]) -> list[Fact]:
    """``facts`` without the values linking to ``iris`` (shown in a section of their own)."""
    if not iris:
        return facts
    kept = [
        Fact(fact.label, fact.property_iri, [v for v in fact.values if v.iri not in iris])
        for fact in facts
    ]
    return [fact for fact in kept if fact.values]


def line_range(start: int, end: int) -> str:
    """The anchor of lines ``start`` to ``end`` on a source document's page: ``L12-L15``
    (``L12`` for one line)."""
    return f"L{start}" if end <= start else f"L{start}-L{end}"


def _find(nodes: list[TreeNode], iri: str) -> TreeNode | None:
    for node in nodes:
        if node.iri == iri:
            return node
        found = _find(node.children, iri)
        if found is not None:
            return found
    return None


def _sorted_values(values: list[Value]) -> list[Value]:
    unique = list({(v.text, v.iri): v for v in values}.values())
    return sorted(unique, key=lambda v: (v.iri is None, natural_key(v.text)))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _key(term: object) -> str:
    return term.value if isinstance(term, NamedNode) else f"_:{term.value}"  # type: ignore[attr-defined]
