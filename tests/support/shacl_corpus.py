"""A mutation corpus for the SHACL shapes: every constraint broken in turn.

The base is a small plan that conforms to ``shapes/lodplan-shapes.ttl`` and has a
focus node for every shape with targets (``tests/fixtures/shacl-corpus/base.ttl``:
the 0.2 fixture of ``tests/test_ontology.py`` with a passage and key figures). Each
:class:`Mutation` is that base with one constraint broken: one constraint parameter
of one shape that reports results of its own (a shape with targets, or a property
shape of one; shapes used inside sh:or, sh:xone, sh:node or sh:qualifiedValueShape
report through their parent). Mutations are made from the shapes themselves (remove
the values for sh:minCount, add one for sh:maxCount, a literal for sh:nodeKind
sh:IRI…), so a new constraint is covered without writing anything; the few that
need a story (node-level sh:or, SPARQL targets, sequence paths, qualified values)
are written by hand in :data:`WRITTEN`.

Each mutation names the result it must give (focus node, shape, constraint
component); :func:`signature` describes a whole report in comparable terms, so
that two engines can be compared result by result. :func:`batch` puts many mutated
plans side by side in one graph (their IRIs moved apart), to validate a whole
corpus in one run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "shacl-corpus" / "base.ttl"
DATA = "http://data.test.example/"
CORPUS = DATA + "corpus/"  # nodes a mutation makes up
OUTSIDE_ANY_LIST = URIRef("https://w3id.org/lodplan/code/corpus/hors-liste")
STRANGE_DATATYPE = URIRef("urn:lodplan:corpus:datatype")  # no shape accepts it

# parameters whose component is reported under another name, or not at all
_COMPONENT_OF = {SH.qualifiedValueShape: None, SH.qualifiedValueShapesDisjoint: None}
_LOGICAL = (SH["or"], SH["and"], SH.xone)
_PARAMETERS = frozenset(
    SH[name]
    for name in (
        "and", "class", "closed", "datatype", "disjoint", "equals", "hasValue", "in",
        "languageIn", "lessThan", "lessThanOrEquals", "maxCount", "maxExclusive",
        "maxInclusive", "maxLength", "minCount", "minExclusive", "minInclusive", "minLength",
        "node", "nodeKind", "not", "or", "pattern", "qualifiedMaxCount", "qualifiedMinCount",
        "qualifiedValueShape", "uniqueLang", "xone",
    )
)  # fmt: skip


@dataclass(frozen=True)
class Mutation:
    """The base plan with one constraint broken, and the result that must say so."""

    id: str
    shape: Node  # the sh:sourceShape of the result
    component: URIRef  # its sh:sourceConstraintComponent
    focus: Node  # its sh:focusNode
    remove: tuple[tuple[Node, Node, Node], ...] = ()
    add: tuple[tuple[Node, Node, Node], ...] = ()
    update: str = ""  # a SPARQL Update instead (written by hand)

    def apply(self, base: Graph) -> Graph:
        """The mutated plan, read back from N-Triples as a build publishes it (literals
        made in Python, such as ``Literal(-1, datatype=XSD.decimal)``, become what
        their text says)."""
        graph = Graph()
        for triple in base:
            graph.add(triple)
        for triple in self.remove:
            graph.remove(triple)
        for triple in self.add:
            graph.add(triple)
        if self.update:
            graph.update(PREFIXES + self.update)
        return Graph().parse(data=graph.serialize(format="nt"), format="nt")


@dataclass(frozen=True)
class Constraint:
    """One constraint parameter of a shape that reports its own results."""

    shape: Node
    parameter: URIRef
    owners: tuple[
        Node, ...
    ]  # the shapes with targets it is checked for (itself, or via sh:property)

    @property
    def component(self) -> URIRef:
        name = str(self.parameter).removeprefix(str(SH))
        return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


def base_graph() -> Graph:
    return Graph().parse(FIXTURE, format="turtle")


def reported_constraints(shapes: Graph) -> list[Constraint]:
    """The (shape, parameter) pairs that give results of their own, in a stable order."""
    targeting = {
        s
        for p in (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
        for s in shapes.subjects(p, None)
    }
    owners: dict[Node, set[Node]] = {shape: {shape} for shape in targeting}
    for shape in targeting:
        for prop in shapes.objects(shape, SH.property):
            owners.setdefault(prop, set()).add(shape)
    found = []
    for shape, owned_by in owners.items():
        for parameter in set(shapes.predicates(shape, None)) & _PARAMETERS:
            if _COMPONENT_OF.get(parameter, parameter) is None:
                continue
            found.append(Constraint(shape, parameter, tuple(sorted(owned_by, key=str))))
    return sorted(found, key=lambda c: (shape_key(shapes, c.shape), str(c.parameter)))


def shape_key(shapes: Graph, shape: Node, report: Graph | None = None) -> str:
    """A name for a shape that does not depend on blank node labels: its IRI, or for a
    blank property shape, the shape that has it and its path. A report may hold a copy
    of a blank shape (pyshacl's): then the copy's path names it."""
    if isinstance(shape, URIRef):
        return str(shape)
    if (shape, None, None) not in shapes and report is not None:
        return f"[{path_key(report, report.value(shape, SH.path))}]"
    parent = next(iter(sorted(shapes.subjects(SH.property, shape), key=str)), None)
    owner = shape_key(shapes, parent) if parent is not None else "?"
    return f"{owner}[{path_key(shapes, shapes.value(shape, SH.path))}]"


def path_key(graph: Graph, path: Node | None) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return path.n3()
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + path_key(graph, inverse)
    if graph.value(path, RDF.first) is not None:
        return "(" + " ".join(path_key(graph, step) for step in Collection(graph, path)) + ")"
    return "?"  # a path this corpus does not describe


# --- what a report says, comparable between engines ---


def signature(report: Graph, shapes: Graph) -> set[tuple]:
    """Each result of a report: focus, path, component, severity, shape, value, messages."""
    found = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        found.add(
            (
                _term_key(report.value(result, SH.focusNode)),
                path_key(report, report.value(result, SH.resultPath)),
                str(report.value(result, SH.sourceConstraintComponent)),
                str(report.value(result, SH.resultSeverity)),
                _shape_name(shapes, shape, report),
                _term_key(report.value(result, SH.value)),
                frozenset((m.language, str(m)) for m in report.objects(result, SH.resultMessage)),
            )
        )
    return found


def _shape_name(shapes: Graph, shape: Node | None, report: Graph) -> str:
    """The shape of a result by its IRI, a blank one by its path (engines copy it or not)."""
    if shape is None:
        return ""
    if isinstance(shape, URIRef):
        return str(shape)
    graph = shapes if (shape, None, None) in shapes else report
    return f"[{path_key(graph, graph.value(shape, SH.path))}]"


def _term_key(term: Node | None) -> str:
    if term is None:
        return ""
    return "_:" if isinstance(term, BNode) else term.n3()


def fires(report: Graph, shapes: Graph, mutation: Mutation) -> bool:
    """Whether the report has the result the mutation must give."""
    name = _shape_name(shapes, mutation.shape, shapes)
    wanted = (mutation.focus.n3(), str(mutation.component), name)
    return any((s[0], s[2], s[4]) == wanted for s in signature(report, shapes))


# --- many mutated plans in one graph ---


def moved(term: Node, number: int) -> Node:
    """The term of the n-th plan of a batch (a literal that spells an IRI of the base
    too: a mutation may turn an IRI into such a literal, which can be a focus node)."""
    return _renamed(term, DATA, f"{DATA}m{number}/")


def _renamed(term: Node, old: str, new: str) -> Node:
    if isinstance(term, URIRef | Literal) and str(term).startswith(old):
        text = new + str(term)[len(old) :]
        if isinstance(term, URIRef):
            return URIRef(text)
        return Literal(text, lang=term.language, datatype=term.datatype)
    return term


def batch(graphs: Iterable[Graph]) -> Graph:
    """The graphs side by side: the IRIs of the n-th moved under ``{DATA}m{n}/``."""
    union = Graph()
    for number, graph in enumerate(graphs):
        for s, p, o in graph:
            union.add((moved(s, number), p, moved(o, number)))
    return union


def part_of_batch(report: Graph, number: int) -> Graph:
    """The results of a batched report about the n-th graph, its IRIs moved back."""
    prefix = f"{DATA}m{number}/"
    part = Graph()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if not str(focus).startswith(prefix):
            continue
        for s, p, o in _description(report, result):
            part.add((_back(s, prefix), p, _back(o, prefix)))
    return part


def _description(graph: Graph, node: Node) -> Iterator[tuple[Node, Node, Node]]:
    pending, seen = [node], set()
    while pending:
        subject = pending.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for s, p, o in graph.triples((subject, None, None)):
            yield s, p, o
            if isinstance(o, BNode):
                pending.append(o)


def _back(term: Node, prefix: str) -> Node:
    return _renamed(term, prefix, DATA)


# --- the mutations ---

PREFIXES = """\
BASE <http://data.test.example/>
PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
PREFIX lpsh: <https://w3id.org/lodplan/shapes#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""

LPSH = "https://w3id.org/lodplan/shapes#"


@dataclass(frozen=True)
class Written:
    """A mutation written by hand, for the constraint of ``shape`` (and its parameter)."""

    shape: str  # local name in lpsh:, or "<local name>[<path n3>]" for a blank property shape
    parameter: str
    focus: str  # relative to DATA
    update: str
    components: tuple[str, ...] = field(default=())  # more than one: qualified min and max


WRITTEN = [
    Written("TopLevelListedShape", "or", "plan/demo/element/1",
            "DELETE DATA { <plan/demo> lodplan:hasElement <plan/demo/element/1> }"),
    Written("ListedIsTopLevelShape", "or", "plan/demo/element/1.1",
            "INSERT DATA { <plan/demo> lodplan:hasElement <plan/demo/element/1.1> }"),
    Written("TopLevelIsLevelOneShape", "or", "plan/demo/element/1",
            """DELETE { <plan/demo/element/1> lodplan:level ?l }
               INSERT { <plan/demo/element/1> lodplan:level "2"^^xsd:integer }
               WHERE { <plan/demo/element/1> lodplan:level ?l }"""),
    Written("SamePlanAsParentShape", "or", "plan/demo/element/1.2",
            """DELETE { <plan/demo/element/1.2> lodplan:inPlan <plan/demo> }
               INSERT { <plan/demo/element/1.2> lodplan:inPlan <plan/other> .
                        <plan/other> a lodplan:Plan }
               WHERE {}"""),
    Written("PlanElementInvolvesShape[(<https://w3id.org/lodplan/ontology#involvement> "
            "<http://www.w3.org/ns/prov#agent>)]", "equals", "plan/demo/element/1.1",
            "DELETE DATA { <plan/demo/element/1.1> lodplan:involves <actor/demo> }"),
    Written("Tree-deeperThanParent", "lessThan", "plan/demo/element/1.2",
            """DELETE { <plan/demo/element/1.2> lodplan:level ?l }
               INSERT { <plan/demo/element/1.2> lodplan:level "1"^^xsd:integer }
               WHERE { <plan/demo/element/1.2> lodplan:level ?l }"""),
    Written("Tree-levelStep", "maxCount", "plan/demo/element/1.1",
            """DELETE { <plan/demo/element/1.1> lodplan:level ?l }
               INSERT { <plan/demo/element/1.1> lodplan:level "3"^^xsd:integer }
               WHERE { <plan/demo/element/1.1> lodplan:level ?l }"""),
    Written("Tree-order", "maxCount", "plan/demo/element/1.2",
            """DELETE { <plan/demo/element/1.2> lodplan:order ?o }
               INSERT { <plan/demo/element/1.2> lodplan:order "1"^^xsd:integer }
               WHERE { <plan/demo/element/1.2> lodplan:order ?o }"""),
    Written("PeriodOfTimeShape", "or", "plan/demo#period",
            "DELETE WHERE { <plan/demo#period> dcat:startDate ?s ; dcat:endDate ?e }"),
    Written("IndicatorValueShape", "or", "indicator/frequentation-ligne#target-2026",
            "DELETE WHERE { <indicator/frequentation-ligne#target-2026> lodplan:valueDate ?d }"),
    Written("AdoptionActShape", "or", "plan/demo#act-2024-057",
            """DELETE WHERE { <plan/demo#act-2024-057> dcterms:issued ?d ; skos:notation ?n ;
                                foaf:page ?p }"""),
    Written("BudgetLineShape", "xone", "plan/demo#budget-total",
            'INSERT DATA { <plan/demo#budget-total> lodplan:unit "ETP" }'),
    Written("SourceShape", "class", "plan/demo/element/1.1#source",
            "DELETE DATA { <plan/demo/element/1.1#source> a oa:SpecificResource }"),
    Written("Source-quote", "qualifiedMinCount", "plan/demo/element/1.1#source",
            """DELETE DATA { <plan/demo/element/1.1#source>
                                oa:hasSelector <plan/demo/element/1.1#quote> }"""),
    Written("Source-quote", "qualifiedMaxCount", "plan/demo/element/1.1#source",
            """INSERT DATA { <plan/demo/element/1.1#source> oa:hasSelector <corpus/quote-2> .
                             <corpus/quote-2> a oa:TextQuoteSelector ; oa:exact "bis" }"""),
    Written("Source-lines", "qualifiedMinCount", "plan/demo/element/1.1#source",
            """DELETE DATA { <plan/demo/element/1.1#source>
                                oa:hasSelector <plan/demo/element/1.1#lines> }"""),
    Written("Source-lines", "qualifiedMaxCount", "plan/demo/element/1.1#source",
            """INSERT DATA { <plan/demo/element/1.1#source> oa:hasSelector <corpus/lines-2> .
                             <corpus/lines-2> a oa:FragmentSelector ;
                                dcterms:conformsTo <http://tools.ietf.org/rfc/rfc5147> ;
                                rdf:value "line=3,6" }"""),
    Written("SourceDocument-checksum", "node", "source/demo",
            "DELETE WHERE { <source/demo#checksum> spdx:checksumValue ?v }"),
    Written("SourceDocument-sha256", "qualifiedMinCount", "source/demo",
            """DELETE { <source/demo#checksum> spdx:algorithm ?a }
               INSERT { <source/demo#checksum> spdx:algorithm spdx:checksumAlgorithm_md5 }
               WHERE { <source/demo#checksum> spdx:algorithm ?a }"""),
]  # fmt: skip


def mutations(shapes: Graph, vocabulary: Graph, base: Graph | None = None) -> list[Mutation]:
    """One mutation per reported constraint that can be broken from the shapes, and
    the written ones; the rest are listed by :func:`uncovered`."""
    base = base if base is not None else base_graph()
    maker = _Maker(shapes, vocabulary, base)
    found: list[Mutation] = [m for written in WRITTEN for m in _written(shapes, written)]
    covered = {(m.shape, m.component) for m in found}
    for constraint in reported_constraints(shapes):
        if (constraint.shape, constraint.component) in covered:
            continue
        mutation = maker.mutation(constraint)
        if mutation is not None:
            found.append(mutation)
    return found


def uncovered(shapes: Graph, found: list[Mutation]) -> list[str]:
    covered = {(m.shape, m.component) for m in found}
    return [
        f"{shape_key(shapes, c.shape)} {c.parameter.n3(shapes.namespace_manager)}"
        for c in reported_constraints(shapes)
        if (c.shape, c.component) not in covered
    ]


def _written(shapes: Graph, written: Written) -> list[Mutation]:
    local, _, path = written.shape.partition("[")
    shape: Node = URIRef(LPSH + local)
    if path:  # a blank property shape, named by its path
        [shape] = [
            prop
            for prop in shapes.objects(shape, SH.property)
            if path_key(shapes, shapes.value(prop, SH.path)) == path.removesuffix("]")
        ]
    constraint = Constraint(shape, SH[written.parameter], ())
    return [
        Mutation(
            id=f"{written.shape}/{written.parameter}",
            shape=shape,
            component=constraint.component,
            focus=URIRef(DATA + written.focus),
            update=written.update,
        )
    ]


class _Maker:
    """Breaks one constraint of a property shape on a focus node of the base."""

    def __init__(self, shapes: Graph, vocabulary: Graph, base: Graph) -> None:
        self.shapes = shapes
        self.base = base
        self.data = base + vocabulary
        self.subclasses: dict[Node, set[Node]] = {}
        for sub, sup in self.data.subject_objects(RDFS.subClassOf):
            self.subclasses.setdefault(sup, set()).add(sub)
        self.fresh = 0

    def mutation(self, constraint: Constraint) -> Mutation | None:
        shape, parameter = constraint.shape, constraint.parameter
        path = self.shapes.value(shape, SH.path)
        step = _step(self.shapes, path)
        if step is None:  # node-level, or a path the corpus cannot edit: written by hand
            return None
        argument = self.shapes.value(shape, parameter)
        make = getattr(self, "_" + str(parameter).removeprefix(str(SH)), None)
        if make is None:
            return None
        focus_nodes = self._focus_nodes(constraint.owners)
        # a focus node with values first; else a value is added rather than replaced
        candidates = [f for f in focus_nodes if self._values(f, step)] + focus_nodes
        for focus in candidates:
            values = sorted(self._values(focus, step))
            change = make(shape, focus, step, values, argument)
            if change is None:
                continue
            remove, add = change
            return Mutation(
                id=f"{shape_key(self.shapes, shape).removeprefix(LPSH)}/"
                f"{str(parameter).removeprefix(str(SH))}",
                shape=shape,
                component=constraint.component,
                focus=focus,
                remove=tuple(remove),
                add=tuple(add),
            )
        return None

    # -- reading the base --

    def _focus_nodes(self, owners: Iterable[Node]) -> list[Node]:
        found: set[Node] = set()
        for owner in owners:
            for cls in self.shapes.objects(owner, SH.targetClass):
                for sub in self._with_subclasses(cls):
                    found.update(self.data.subjects(RDF.type, sub))
            for predicate in self.shapes.objects(owner, SH.targetSubjectsOf):
                found.update(self.data.subjects(predicate, None))
            for predicate in self.shapes.objects(owner, SH.targetObjectsOf):
                found.update(self.data.objects(None, predicate))
        return sorted(n for n in found if isinstance(n, URIRef) and str(n).startswith(DATA))

    def _with_subclasses(self, cls: Node) -> set[Node]:
        found, pending = {cls}, [cls]
        while pending:
            for sub in self.subclasses.get(pending.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    pending.append(sub)
        return found

    def _values(self, focus: Node, step: tuple[Node, bool]) -> set[Node]:
        predicate, inverse = step
        if inverse:
            return set(self.base.subjects(predicate, focus))
        return set(self.base.objects(focus, predicate))

    def _made_up(self, name: str) -> URIRef:
        self.fresh += 1
        return URIRef(f"{CORPUS}{name}-{self.fresh}")

    # -- one maker per constraint parameter: (triples to remove, triples to add) --

    def _minCount(self, shape, focus, step, values, argument):  # noqa: N802
        keep = int(argument) - 1
        if len(values) <= keep:
            return None
        return [_triple(focus, step, v) for v in values[keep:]], []

    def _maxCount(self, shape, focus, step, values, argument):  # noqa: N802
        extra = self._other_values(shape, focus, step, values, int(argument) + 1 - len(values))
        if extra is None:
            return None
        added = [_triple(focus, step, v) for v in extra]
        cls = self.shapes.value(shape, SH["class"])
        if cls is not None:  # a made-up value is of the class the shape expects
            added += [(v, RDF.type, cls) for v in extra if str(v).startswith(CORPUS)]
        return [], added

    def _nodeKind(self, shape, focus, step, values, argument):  # noqa: N802
        value = self._first(shape, values)
        wrong = Literal(str(value)) if argument != SH.Literal else self._made_up("iri")
        return self._replace(focus, step, values[0] if values else None, wrong)

    def _datatype(self, shape, focus, step, values, argument):
        wrong = (
            Literal("corpus", lang="fr")
            if argument == XSD.string
            else Literal("corpus")
            if argument == RDF.langString
            else Literal("corpus", datatype=STRANGE_DATATYPE)
        )
        return self._replace(focus, step, values[0] if values else None, wrong)

    def _or(self, shape, focus, step, values, argument):
        # an sh:or of datatypes and node kinds: a literal of no known datatype fails them all
        members = list(Collection(self.shapes, argument))
        kinds = {SH.datatype, SH.nodeKind}
        if not all(set(self.shapes.predicates(m, None)) <= kinds for m in members):
            return None
        wrong = Literal("corpus", datatype=STRANGE_DATATYPE)
        return self._replace(focus, step, values[0] if values else None, wrong)

    def _minLength(self, shape, focus, step, values, argument):  # noqa: N802
        value = self._first(shape, values)
        if not isinstance(value, Literal):
            return None
        shorter = str(value)[: int(argument) - 1]
        return self._replace(focus, step, values[0] if values else None, _like(value, shorter))

    def _maxLength(self, shape, focus, step, values, argument):  # noqa: N802
        value = self._first(shape, values)
        if not isinstance(value, Literal):
            return None
        longer = _like(value, "x" * (int(argument) + 1))
        return self._replace(focus, step, values[0] if values else None, longer)

    def _pattern(self, shape, focus, step, values, argument):
        value = self._first(shape, values)
        wrong = _like(value, "!! corpus !!") if isinstance(value, Literal) else Literal("!!")
        return self._replace(focus, step, values[0] if values else None, wrong)

    def _in(self, shape, focus, step, values, argument):
        members = list(Collection(self.shapes, argument))
        wrong = OUTSIDE_ANY_LIST if all(isinstance(m, URIRef) for m in members) else Literal("?")
        return self._replace(focus, step, values[0] if values else None, wrong)

    def _class(self, shape, focus, step, values, argument):
        untyped = self._made_up("untyped")
        return self._replace(focus, step, values[0] if values else None, untyped)

    def _uniqueLang(self, shape, focus, step, values, argument):  # noqa: N802
        tagged = [v for v in values if isinstance(v, Literal) and v.language]
        if tagged:
            first = tagged[0]
            return [], [_triple(focus, step, Literal(f"{first} (bis)", lang=first.language))]
        pair = (Literal("corpus", lang="fr"), Literal("corpus bis", lang="fr"))
        return [], [_triple(focus, step, v) for v in pair]

    def _minInclusive(self, shape, focus, step, values, argument):  # noqa: N802
        return self._bound(focus, step, values, argument, -1)

    def _maxInclusive(self, shape, focus, step, values, argument):  # noqa: N802
        return self._bound(focus, step, values, argument, +1)

    def _bound(self, focus, step, values, argument, delta):
        if not values:
            return None
        value = values[0]
        if not isinstance(value, Literal) or not isinstance(argument.toPython(), int | Decimal):
            return None
        beyond = Literal(argument.toPython() + delta, datatype=value.datatype)
        return self._replace(focus, step, value, beyond)

    def _hasValue(self, shape, focus, step, values, argument):  # noqa: N802
        if argument not in values:
            return None
        return [_triple(focus, step, argument)], []

    def _equals(self, shape, focus, step, values, argument):
        if values:
            return [_triple(focus, step, values[0])], []
        return [], [_triple(focus, step, self._made_up("other"))]

    def _disjoint(self, shape, focus, step, values, argument):
        # the focus node as value of both: of the path and of the other property
        return [], [_triple(focus, step, focus), (focus, argument, focus)]

    def _lessThan(self, shape, focus, step, values, argument):  # noqa: N802
        return self._order(focus, step, values, argument, 0)

    def _lessThanOrEquals(self, shape, focus, step, values, argument):  # noqa: N802
        return self._order(focus, step, values, argument, 1)

    def _order(self, focus, step, values, argument, delta):
        other = sorted(self.base.objects(focus, argument))
        if not values or step[1] or not other or not isinstance(other[0], Literal):
            return None
        after = _later(other[0], delta)
        return None if after is None else self._replace(focus, step, values[0], after)

    # -- helpers --

    def _replace(self, focus, step, old, new):
        """``old`` replaced by ``new``; ``new`` added where there is no value."""
        return ([] if old is None else [_triple(focus, step, old)]), [_triple(focus, step, new)]

    def _first(self, shape, values) -> Node:
        """The value to spoil: the first one, or a valid one the shape would accept."""
        if values:
            return values[0]
        sample = _SAMPLES.get(self.shapes.value(shape, SH.datatype))
        if sample is not None:
            return sample
        kind = self.shapes.value(shape, SH.nodeKind)
        return Literal("corpus", lang="fr") if kind == SH.Literal else self._made_up("value")

    def _other_values(self, shape, focus, step, values, count) -> list[Node] | None:
        """``count`` values the path does not have yet, as valid as its own."""
        if count <= 0:
            return []
        listed = self.shapes.value(shape, SH["in"])
        if listed is not None:
            choice = [m for m in Collection(self.shapes, listed) if m not in values]
            if len(choice) >= count:
                return choice[:count]
            # a closed list of one: the extra values are outside it (sh:in fails too)
        literals = [v for v in values if isinstance(v, Literal)]
        if literals:
            return [_variant(literals[0], n) for n in range(1, count + 1)]
        predicate, inverse = step
        if not values and listed is None:  # the path has no value here: like those elsewhere
            elsewhere = sorted(
                self.base.subjects(predicate, None)
                if inverse
                else self.base.objects(None, predicate)
            )
            literals = [v for v in elsewhere if isinstance(v, Literal)]
            if literals:
                return [_variant(literals[0], n) for n in range(1, count + 1)]
            datatype = self.shapes.value(shape, SH.datatype)
            if datatype is not None:
                sample = _SAMPLES.get(datatype)
                return None if sample is None else [_variant(sample, n) for n in range(count)]
        return [self._made_up("value") for _ in range(count)]


_SAMPLES = {
    XSD.string: Literal("corpus"),
    RDF.langString: Literal("corpus", lang="fr"),
    XSD.integer: Literal(1),
    XSD.decimal: Literal(Decimal("1")),
    XSD.boolean: Literal(True),
    XSD.date: Literal(dt.date(2024, 1, 1)),
    XSD.gYear: Literal("2024", datatype=XSD.gYear),
    XSD.anyURI: Literal("https://corpus.example/", datatype=XSD.anyURI),
}


def _step(shapes: Graph, path: Node | None) -> tuple[Node, bool] | None:
    """A path of one predicate, forwards or inverse; None for anything else."""
    if isinstance(path, URIRef):
        return path, False
    if path is not None:
        inverse = shapes.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return inverse, True
    return None


def _triple(focus: Node, step: tuple[Node, bool], value: Node) -> tuple[Node, Node, Node]:
    predicate, inverse = step
    return (value, predicate, focus) if inverse else (focus, predicate, value)


def _like(value: Literal, text: str) -> Literal:
    if value.language:
        return Literal(text, lang=value.language)
    return Literal(text, datatype=value.datatype)


def _variant(value: Literal, number: int) -> Literal:
    """Another valid value of the same datatype."""
    python = value.toPython()
    if isinstance(python, bool):
        return Literal(not python) if number % 2 else value
    if isinstance(python, int | Decimal):
        return Literal(python + number, datatype=value.datatype)
    if isinstance(python, dt.date):
        return Literal(python + dt.timedelta(days=number), datatype=value.datatype)
    later = _later(value, number)
    if later is not None:
        return later
    return _like(value, f"{value} ({number})")


def _later(value: Literal, delta: int) -> Literal | None:
    """The same kind of date or number, ``delta`` units later (0: the same)."""
    python = value.toPython()
    if isinstance(python, bool):
        return None
    if isinstance(python, int | Decimal):
        return Literal(python + delta, datatype=value.datatype)
    if isinstance(python, dt.datetime):
        return Literal(python + dt.timedelta(days=delta), datatype=value.datatype)
    if isinstance(python, dt.date):
        return Literal(python + dt.timedelta(days=delta), datatype=value.datatype)
    if value.datatype == XSD.gYear:
        return Literal(str(int(str(value)[:4]) + delta), datatype=XSD.gYear)
    if value.datatype == XSD.gYearMonth:
        year, month = (int(x) for x in str(value)[:7].split("-"))
        month += delta
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
    return None
