"""The ontology page: every term of ``ontology/lodplan.ttl``, its code lists and,
beside each class, the SHACL shapes that check its instances.

The files are read with rdflib once per process (:func:`bundled_ontology_docs`)
into a view model that keeps both languages of every text; the template picks
the page's language first and shows the other one too. Terms, shapes and
schemes are listed in file order (rdflib's memory store keeps insertion order):
the order in which the authors explain them.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, VANN
from rdflib.term import Node

from lodplan.bundled import ontology_dir, shapes_dir
from lodplan.pages.i18n import label_languages
from lodplan.pages.links import Links
from lodplan.pages.render import PageRenderer
from lodplan.publishing.prefixes import prefixed_name
from lodplan.terms import LP, ONTOLOGY_IRI, PREFIXES

TEMPLATE = "ontology.html"
ONTOLOGY_FILE = "lodplan.ttl"
SHAPES_FILE = "lodplan-shapes.ttl"

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_KINDS = (
    (OWL.ObjectProperty, "object"),
    (OWL.DatatypeProperty, "datatype"),
    (OWL.AnnotationProperty, "annotation"),
    (RDF.Property, "other"),
)
CHARACTERISTICS = (
    (OWL.FunctionalProperty, "functional"),
    (OWL.InverseFunctionalProperty, "inverse-functional"),
    (OWL.TransitiveProperty, "transitive"),
    (OWL.SymmetricProperty, "symmetric"),
    (OWL.AsymmetricProperty, "asymmetric"),
    (OWL.ReflexiveProperty, "reflexive"),
    (OWL.IrreflexiveProperty, "irreflexive"),
)
# Links to other vocabularies, in the order they are shown (message key = local name).
ALIGNMENTS = (
    OWL.equivalentClass,
    OWL.equivalentProperty,
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
    RDFS.seeAlso,
)
# SHACL parameters given their own rendering (not listed as generic parameters).
_SHAPE_FIELDS = {
    SH.path,
    SH.name,
    SH.description,
    SH.message,
    SH.minCount,
    SH.maxCount,
    SH.severity,
    SH.property,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
    SH.declare,
    SH.prefixes,
    SH.order,
    SH.group,
}
# Parameters that have a message in site/i18n/ontology.yaml ("ontology.sh.<name>").
KNOWN_PARAMETERS = frozenset(
    [
        "datatype",
        "class",
        "node",
        "nodeKind",
        "in",
        "hasValue",
        "pattern",
        "flags",
        "languageIn",
        "uniqueLang",
        "minLength",
        "maxLength",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
        "or",
        "and",
        "xone",
        "not",
        "qualifiedValueShape",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "qualifiedValueShapesDisjoint",
        "closed",
        "ignoredProperties",
        "deactivated",
    ]
)
_LIST_PARAMETERS = {SH["in"], SH.languageIn, SH.ignoredProperties}
_SHAPE_LIST_PARAMETERS = {SH["or"], SH["and"], SH.xone}
_SHAPE_PARAMETERS = {SH["not"], SH.node, SH.qualifiedValueShape}
# Names of terms and IRIs inside definitions, made into links.
_MENTION = re.compile(
    r"(?P<iri>https?://[^\s<>\"«»()]*[^\s<>\"«»().,;:!?])"
    r"|(?<![\w/#@.:-])(?P<prefix>[a-z][a-z0-9]*):(?P<local>[A-Za-z_](?:[\w-]*\w)?)"
)


# --- the view model ---------------------------------------------------------------


@dataclass(frozen=True)
class LangText:
    """One text in one language (``""``: a literal without language)."""

    lang: str
    text: str
    segments: tuple[str | Ref, ...] = ()  # the text with the terms it names as links


@dataclass(frozen=True)
class Texts:
    """The values of one annotation in every language the file gives."""

    items: tuple[LangText, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.items)

    def primary(self, lang: str) -> LangText | None:
        """The text a page in ``lang`` shows first."""
        order = label_languages(lang)

        def rank(item: LangText) -> int:
            language = item.lang.lower()
            return order.index(language) if language in order else len(order)

        return min(self.items, key=rank) if self.items else None

    def others(self, lang: str) -> tuple[LangText, ...]:
        """The texts in the other languages, shown next to the primary one."""
        first = self.primary(lang)
        return tuple(item for item in self.items if item is not first)

    def text(self, lang: str) -> str:
        first = self.primary(lang)
        return first.text if first else ""


NO_TEXT = Texts()


@dataclass(frozen=True)
class Ref:
    """A link to a term: of this ontology (``term``), a shape or code list on this
    page, a concept the store describes, or a term of another vocabulary."""

    iri: str
    name: str  # prefixed name, or the IRI
    kind: str  # "term" | "shape" | "scheme" | "concept" | "external"
    anchor: str = ""  # id on the ontology page (term, shape, scheme)
    label: Texts = NO_TEXT


@dataclass(frozen=True)
class LiteralValue:
    text: str
    kind: str = "literal"


@dataclass(frozen=True)
class ClassExpression:
    """A named class (``operator`` ""), or a union / intersection of named classes;
    ``other``: an OWL expression the page does not spell out."""

    operator: str
    members: tuple[Ref, ...]


@dataclass(frozen=True)
class Alignment:
    key: str  # local name of the predicate: closeMatch, seeAlso…
    name: str  # its prefixed name
    targets: tuple[Ref, ...]


@dataclass(frozen=True)
class Notes:
    label: Texts
    definition: Texts
    comment: Texts
    scope_note: Texts
    example: Texts


@dataclass(frozen=True)
class Parameter:
    """A SHACL constraint parameter: ``sh:datatype xsd:integer``, ``sh:in (…)``."""

    key: str  # message key suffix, "" when the page has no name for it
    name: str  # "sh:datatype"
    values: tuple[Value, ...]
    any_of: bool = False  # the values are alternatives (an sh:or of datatypes)


@dataclass(frozen=True)
class Constraint:
    """A property shape, a node shape's own constraints, or an anonymous shape."""

    ref: Ref | None  # None: a blank node
    path: tuple[str | Ref, ...]  # SHACL path, as operators and terms
    name: Texts
    description: Texts
    cardinality: str  # "1..1", "0..*", "0" (must be absent), "" (not constrained)
    severity: str  # "violation", "warning", "info" or ""
    messages: Texts
    parameters: tuple[Parameter, ...]
    properties: tuple[Constraint, ...]  # sh:property of a node shape
    kind: str = "constraint"


Value = Ref | LiteralValue | Constraint


@dataclass(frozen=True)
class Target:
    key: str  # "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf",
    #           "implicit" (the shape is a class), "sparql", "other"
    values: tuple[Ref | LiteralValue, ...] = ()
    query: str = ""


@dataclass(frozen=True)
class NodeShapeDoc:
    ref: Ref
    label: Texts
    comment: Texts
    targets: tuple[Target, ...]
    body: Constraint

    def target_classes(self) -> list[str]:
        return [
            value.iri
            for target in self.targets
            if target.key in ("targetClass", "implicit")
            for value in target.values
            if isinstance(value, Ref)
        ]


@dataclass(frozen=True)
class ClassDoc:
    ref: Ref
    notes: Notes
    superclasses: tuple[ClassExpression, ...]
    subclasses: tuple[Ref, ...]
    disjoint: tuple[Ref, ...]
    alignments: tuple[Alignment, ...]
    properties: tuple[Ref, ...]  # whose domain includes the class
    range_of: tuple[Ref, ...]  # whose range includes the class
    shapes: tuple[NodeShapeDoc, ...]  # described here
    shared_shapes: tuple[Ref, ...]  # described under another class they also target
    inherited_shapes: tuple[Ref, ...]  # superclasses whose shapes apply too


@dataclass(frozen=True)
class PropertyDoc:
    ref: Ref
    notes: Notes
    kind: str  # "object", "datatype", "annotation", "other"
    characteristics: tuple[str, ...]
    domains: tuple[ClassExpression, ...]
    ranges: tuple[ClassExpression, ...]
    superproperties: tuple[Ref, ...]
    subproperties: tuple[Ref, ...]
    inverses: tuple[Ref, ...]
    chain: tuple[Ref, ...]  # owl:propertyChainAxiom
    alignments: tuple[Alignment, ...]
    code_lists: tuple[Ref, ...]  # the schemes its shapes take values from
    shapes: tuple[Ref, ...]  # the node shapes that constrain it


@dataclass(frozen=True)
class ConceptDoc:
    ref: Ref
    notation: str
    label: Texts
    alt_labels: Texts  # joined per language
    definition: Texts


@dataclass(frozen=True)
class SchemeDoc:
    ref: Ref
    label: Texts
    definition: Texts
    comment: Texts
    source: tuple[Ref, ...]
    concepts: tuple[ConceptDoc, ...]
    used_by: tuple[Ref, ...]


@dataclass(frozen=True)
class Header:
    iri: str
    title: Texts
    description: Texts
    comment: Texts
    version: str
    version_iri: str
    licence: tuple[Ref, ...]
    creators: tuple[str, ...]
    created: str
    namespace: str
    prefix: str
    see_also: tuple[Ref, ...]


@dataclass(frozen=True)
class OntologyDocs:
    header: Header
    shapes_header: Header
    classes: tuple[ClassDoc, ...]
    object_properties: tuple[PropertyDoc, ...]
    datatype_properties: tuple[PropertyDoc, ...]
    other_properties: tuple[PropertyDoc, ...]  # annotation properties and plain rdf:Property
    schemes: tuple[SchemeDoc, ...]
    other_shapes: tuple[NodeShapeDoc, ...]  # not targeting a class of this ontology
    reused_classes: tuple[Ref, ...]  # other vocabularies' terms the file declares
    reused_properties: tuple[Ref, ...]

    @property
    def properties(self) -> tuple[PropertyDoc, ...]:
        return self.object_properties + self.datatype_properties + self.other_properties

    def anchors(self) -> list[str]:
        """Every id the page gives: terms, node and property shapes, code lists."""
        terms: list[ClassDoc | PropertyDoc] = [*self.classes, *self.properties]
        ids = [doc.ref.anchor for doc in terms]
        ids += [scheme.ref.anchor for scheme in self.schemes]
        for shape in self.node_shapes():
            ids.append(shape.ref.anchor)
            ids += [c.ref.anchor for c in shape.body.properties if c.ref and c.ref.anchor]
        return ids

    def node_shapes(self) -> list[NodeShapeDoc]:
        return [shape for doc in self.classes for shape in doc.shapes] + list(self.other_shapes)


@dataclass(frozen=True)
class Sources:
    """The files the page documents."""

    ontology: Path
    codelists: tuple[Path, ...]
    shapes: tuple[Path, ...]

    @classmethod
    def bundled(cls) -> Sources:
        folder = ontology_dir()
        return cls(
            ontology=folder / ONTOLOGY_FILE,
            codelists=tuple(sorted((folder / "codelists").glob("*.ttl"))),
            shapes=(shapes_dir() / SHAPES_FILE,),
        )


# --- entry points -----------------------------------------------------------------


@cache
def bundled_ontology_docs() -> OntologyDocs:
    """The documentation of the bundled ontology, code lists and shapes (read once)."""
    return load_ontology_docs(Sources.bundled())


def load_ontology_docs(sources: Sources) -> OntologyDocs:
    return _Builder(
        _parse([sources.ontology]), _parse(sources.codelists), _parse(sources.shapes)
    ).build()


def ontology_page_context(docs: OntologyDocs | None = None) -> dict[str, Any]:
    """What ``ontology.html`` needs besides links and messages."""
    return {"docs": docs or bundled_ontology_docs()}


def render_ontology_page(
    renderer: PageRenderer, links: Links, docs: OntologyDocs | None = None
) -> str:
    """The ontology page as HTML, for the server or the static export."""
    return renderer.render(TEMPLATE, links, **ontology_page_context(docs))


def _parse(files: Iterable[Path]) -> Graph:
    graph = Graph(bind_namespaces="none")  # only the prefixes the files declare
    for path in files:
        graph.parse(path, format="turtle")
    return graph


# --- building ----------------------------------------------------------------------


class _Builder:
    """Reads the three graphs into the view model (one use: it tracks the ids it gave)."""

    def __init__(self, ontology: Graph, codelists: Graph, shapes: Graph) -> None:
        self.ontology, self.codelists, self.shapes = ontology, codelists, shapes
        self.prefixes: dict[str, str] = dict(PREFIXES)
        for graph in (ontology, codelists, shapes):
            for prefix, namespace in graph.namespaces():
                if prefix and prefix not in self.prefixes:
                    self.prefixes[prefix] = str(namespace)
        self.terms: dict[str, str] = self._lodplan_terms()
        self.schemes: list[Node] = list(_unique(codelists.subjects(RDF.type, SKOS.ConceptScheme)))
        self.concept_scheme: dict[str, str] = {
            str(c): str(s) for c, s in codelists.subject_objects(SKOS.inScheme)
        }
        self.node_shapes: list[URIRef] = self._node_shape_nodes()
        self.node_shape_set: set[Node] = set(self.node_shapes)
        self._anchors: set[str] = set()

    def build(self) -> OntologyDocs:
        shapes = [self._node_shape(node) for node in self.node_shapes]
        classes = [iri for iri, kind in self.terms.items() if kind == "class"]
        owners = self._shape_owners(shapes, classes)
        value_lists = self._value_lists(shapes)
        properties = [
            self._property(iri, shapes, value_lists)
            for iri, kind in self.terms.items()
            if kind != "class"
        ]
        return OntologyDocs(
            header=self._header(self.ontology, _ontology_node(self.ontology, ONTOLOGY_IRI)),
            shapes_header=self._header(self.shapes, _ontology_node(self.shapes, "")),
            classes=tuple(self._class(iri, shapes, owners) for iri in classes),
            object_properties=tuple(p for p in properties if p.kind == "object"),
            datatype_properties=tuple(p for p in properties if p.kind == "datatype"),
            other_properties=tuple(p for p in properties if p.kind in ("annotation", "other")),
            schemes=tuple(self._scheme(node, value_lists) for node in self.schemes),
            other_shapes=tuple(s for s in shapes if owners.get(s.ref.iri) is None),
            reused_classes=self._reused(CLASS_TYPES),
            reused_properties=self._reused(tuple(t for t, _ in PROPERTY_KINDS)),
        )

    # terms and references

    def _lodplan_terms(self) -> dict[str, str]:
        """IRI → "class" or property kind, for the terms the file defines in its namespace."""
        terms: dict[str, str] = {}
        kinds = [(rdf_type, "class") for rdf_type in CLASS_TYPES] + list(PROPERTY_KINDS)
        for rdf_type, kind in kinds:
            for subject in self.ontology.subjects(RDF.type, rdf_type):
                if isinstance(subject, URIRef) and _local(subject, str(LP)):
                    terms.setdefault(str(subject), kind)
        return terms

    def ref(self, node: Node) -> Ref:
        iri = str(node)
        name = prefixed_name(iri, self.prefixes) or iri
        if name.endswith(":"):  # a namespace itself: "lodplan:" says less than its IRI
            name = iri
        if iri in self.terms:
            return Ref(
                iri,
                name,
                "term",
                _local(node, str(LP)),
                self._texts(self.ontology, node, RDFS.label),
            )
        if node in self.node_shape_set or (node, RDF.type, SH.PropertyShape) in self.shapes:
            return Ref(
                iri, name, "shape", _shape_anchor(iri), self._texts(self.shapes, node, RDFS.label)
            )
        if (node, RDF.type, SKOS.ConceptScheme) in self.codelists:
            return Ref(
                iri,
                iri,
                "scheme",
                _scheme_anchor(iri),
                self._texts(self.codelists, node, SKOS.prefLabel),
            )
        if iri in self.concept_scheme:
            return Ref(iri, name, "concept", "", self._texts(self.codelists, node, SKOS.prefLabel))
        return Ref(iri, name, "external")

    def _texts(self, graph: Graph, node: Node, predicate: URIRef, *, rich: bool = False) -> Texts:
        items = []
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal):
                text = str(value)
                segments = self._segments(text) if rich else (text,)
                items.append(LangText(value.language or "", text, segments))
        return Texts(tuple(items))

    def _segments(self, text: str) -> tuple[str | Ref, ...]:
        """``text`` with the terms and IRIs it names turned into references."""
        segments: list[str | Ref] = []
        position = 0
        for match in _MENTION.finditer(text):
            iri = match["iri"] or self._expand(match["prefix"], match["local"])
            if iri is None:
                continue
            segments += [text[position : match.start()], self.ref(URIRef(iri))]
            position = match.end()
        segments.append(text[position:])
        return tuple(segment for segment in segments if segment != "")

    def _expand(self, prefix: str, local: str) -> str | None:
        namespace = self.prefixes.get(prefix)
        if namespace is None:
            return None
        iri = namespace + local
        # a lodplan name that is not a term is left as text (no link to a missing anchor)
        return None if namespace == str(LP) and iri not in self.terms else iri

    def _refs(self, graph: Graph, node: Node, predicate: URIRef) -> tuple[Ref, ...]:
        return tuple(
            self.ref(o) for o in _unique(graph.objects(node, predicate)) if isinstance(o, URIRef)
        )

    def _notes(self, graph: Graph, node: Node) -> Notes:
        return Notes(
            label=self._texts(graph, node, RDFS.label),
            definition=self._texts(graph, node, SKOS.definition, rich=True),
            comment=self._texts(graph, node, RDFS.comment, rich=True),
            scope_note=self._texts(graph, node, SKOS.scopeNote, rich=True),
            example=self._texts(graph, node, SKOS.example, rich=True),
        )

    def _expression(self, node: Node) -> ClassExpression:
        if isinstance(node, URIRef):
            return ClassExpression("", (self.ref(node),))
        for operator, predicate in (("union", OWL.unionOf), ("intersection", OWL.intersectionOf)):
            members = self.ontology.value(node, predicate)
            if members is not None:
                named = [m for m in Collection(self.ontology, members) if isinstance(m, URIRef)]
                return ClassExpression(operator, tuple(self.ref(m) for m in named))
        return ClassExpression("other", ())

    def _alignments(self, node: URIRef) -> tuple[Alignment, ...]:
        found = []
        for predicate in ALIGNMENTS:
            targets = self._refs(self.ontology, node, predicate)
            if targets:
                name = prefixed_name(str(predicate), self.prefixes) or str(predicate)
                found.append(Alignment(_local(predicate), name, targets))
        return tuple(found)

    def _reused(self, types: tuple[URIRef, ...]) -> tuple[Ref, ...]:
        found = (
            subject
            for rdf_type in types
            for subject in self.ontology.subjects(RDF.type, rdf_type)
            if isinstance(subject, URIRef) and str(subject) not in self.terms
        )
        return tuple(self.ref(subject) for subject in _unique(found))

    # classes and properties

    def _class(
        self, iri: str, shapes: list[NodeShapeDoc], owners: dict[str, str | None]
    ) -> ClassDoc:
        node = URIRef(iri)
        supers = [o for o in self.ontology.objects(node, RDFS.subClassOf)]
        with_shapes = {owner for owner in owners.values() if owner}
        return ClassDoc(
            ref=self.ref(node),
            notes=self._notes(self.ontology, node),
            superclasses=tuple(self._expression(o) for o in supers),
            subclasses=tuple(
                self.ref(s)
                for s in self.ontology.subjects(RDFS.subClassOf, node)
                if isinstance(s, URIRef)
            ),
            disjoint=self._disjoint(node),
            alignments=self._alignments(node),
            properties=self._properties_about(node, RDFS.domain),
            range_of=self._properties_about(node, RDFS.range),
            shapes=tuple(s for s in shapes if owners.get(s.ref.iri) == iri),
            shared_shapes=tuple(
                s.ref for s in shapes if iri in s.target_classes() and owners.get(s.ref.iri) != iri
            ),
            inherited_shapes=tuple(
                self.ref(URIRef(c)) for c in self._ancestors(node) if c in with_shapes
            ),
        )

    def _disjoint(self, node: URIRef) -> tuple[Ref, ...]:
        found = list(self.ontology.objects(node, OWL.disjointWith))
        found += list(self.ontology.subjects(OWL.disjointWith, node))
        return tuple(self.ref(n) for n in _unique(found) if isinstance(n, URIRef))

    def _ancestors(self, node: URIRef) -> list[str]:
        seen: list[str] = []
        pending = list(self.ontology.objects(node, RDFS.subClassOf))
        while pending:
            current = pending.pop(0)
            if isinstance(current, URIRef) and str(current) not in seen:
                seen.append(str(current))
                pending += list(self.ontology.objects(current, RDFS.subClassOf))
        return seen

    def _properties_about(self, node: URIRef, predicate: URIRef) -> tuple[Ref, ...]:
        """The lodplan properties whose domain (range) is ``node`` or a union holding it."""
        found = []
        for iri, kind in self.terms.items():
            if kind == "class":
                continue
            for value in self.ontology.objects(URIRef(iri), predicate):
                if any(m.iri == str(node) for m in self._expression(value).members):
                    found.append(URIRef(iri))
        return tuple(self.ref(p) for p in _unique(found))

    def _property(
        self, iri: str, shapes: list[NodeShapeDoc], value_lists: dict[str, list[str]]
    ) -> PropertyDoc:
        node = URIRef(iri)
        chain = self.ontology.value(node, OWL.propertyChainAxiom)
        inverses = list(self.ontology.objects(node, OWL.inverseOf))
        inverses += list(self.ontology.subjects(OWL.inverseOf, node))
        constraining = [s for s in shapes if iri in set(_paths(s.body))]
        return PropertyDoc(
            ref=self.ref(node),
            notes=self._notes(self.ontology, node),
            kind=self.terms[iri],
            characteristics=tuple(
                key for t, key in CHARACTERISTICS if (node, RDF.type, t) in self.ontology
            ),
            domains=tuple(self._expression(o) for o in self.ontology.objects(node, RDFS.domain)),
            ranges=tuple(self._expression(o) for o in self.ontology.objects(node, RDFS.range)),
            superproperties=self._refs(self.ontology, node, RDFS.subPropertyOf),
            subproperties=tuple(
                self.ref(s)
                for s in self.ontology.subjects(RDFS.subPropertyOf, node)
                if isinstance(s, URIRef)
            ),
            inverses=tuple(self.ref(n) for n in _unique(inverses) if isinstance(n, URIRef)),
            chain=tuple(self.ref(m) for m in Collection(self.ontology, chain)) if chain else (),
            alignments=self._alignments(node),
            code_lists=tuple(self.ref(URIRef(s)) for s in value_lists.get(iri, ())),
            shapes=tuple(s.ref for s in constraining),
        )

    def _value_lists(self, shapes: list[NodeShapeDoc]) -> dict[str, list[str]]:
        """Property IRI → the schemes of the concepts its shapes allow (sh:in) as values."""
        found: dict[str, list[str]] = {}
        for shape in shapes:
            for constraint in _constraints(shape.body):
                if len(constraint.path) != 1 or not isinstance(constraint.path[0], Ref):
                    continue
                schemes = found.setdefault(constraint.path[0].iri, [])
                for parameter in constraint.parameters:
                    if parameter.key == "in":
                        schemes += [
                            self.concept_scheme[v.iri]
                            for v in parameter.values
                            if isinstance(v, Ref) and v.iri in self.concept_scheme
                        ]
        return {iri: list(dict.fromkeys(schemes)) for iri, schemes in found.items() if schemes}

    # code lists

    def _scheme(self, node: Node, value_lists: dict[str, list[str]]) -> SchemeDoc:
        iri = str(node)
        members = list(self.codelists.objects(node, SKOS.hasTopConcept))
        members += [c for c in self.codelists.subjects(SKOS.inScheme, node)]
        return SchemeDoc(
            ref=self.ref(node),
            label=self._texts(self.codelists, node, SKOS.prefLabel),
            definition=self._texts(self.codelists, node, SKOS.definition, rich=True),
            comment=self._texts(self.codelists, node, RDFS.comment, rich=True),
            source=self._refs(self.codelists, node, DCTERMS.source),
            concepts=tuple(self._concept(c, iri) for c in _unique(members)),
            used_by=tuple(
                self.ref(URIRef(p)) for p, schemes in value_lists.items() if iri in schemes
            ),
        )

    def _concept(self, node: Node, scheme: str) -> ConceptDoc:
        alt: dict[str, list[str]] = {}
        for value in self.codelists.objects(node, SKOS.altLabel):
            if isinstance(value, Literal):
                alt.setdefault(value.language or "", []).append(str(value))
        notation = self.codelists.value(node, SKOS.notation)
        ref = self.ref(node)
        anchor = f"code-{_last_segment(scheme)}-{_last_segment(str(node))}"
        return ConceptDoc(
            ref=Ref(ref.iri, ref.name, ref.kind, anchor, ref.label),
            notation=str(notation) if notation is not None else "",
            label=self._texts(self.codelists, node, SKOS.prefLabel),
            alt_labels=Texts(
                tuple(LangText(lang, ", ".join(v), (", ".join(v),)) for lang, v in alt.items())
            ),
            definition=self._texts(self.codelists, node, SKOS.definition, rich=True),
        )

    # headers

    def _header(self, graph: Graph, node: URIRef) -> Header:
        def one(predicate: URIRef) -> str:
            value = graph.value(node, predicate)
            return str(value) if value is not None else ""

        return Header(
            iri=str(node),
            title=self._texts(graph, node, DCTERMS.title) or self._texts(graph, node, RDFS.label),
            description=self._texts(graph, node, DCTERMS.description, rich=True),
            comment=self._texts(graph, node, RDFS.comment, rich=True),
            version=one(OWL.versionInfo),
            version_iri=one(OWL.versionIRI),
            licence=self._refs(graph, node, DCTERMS.license),
            creators=tuple(str(c) for c in graph.objects(node, DCTERMS.creator)),
            created=one(DCTERMS.created),
            namespace=one(VANN.preferredNamespaceUri),
            prefix=one(VANN.preferredNamespacePrefix),
            see_also=self._refs(graph, node, RDFS.seeAlso),
        )

    # shapes

    def _node_shape_nodes(self) -> list[URIRef]:
        """Named node shapes: declared, or recognised by a target."""
        candidates = list(self.shapes.subjects(RDF.type, SH.NodeShape))
        for predicate in (
            SH.targetClass,
            SH.targetNode,
            SH.targetSubjectsOf,
            SH.targetObjectsOf,
            SH.target,
        ):
            candidates += [s for s in self.shapes.subjects(predicate, None)]
        return [n for n in _unique(candidates) if isinstance(n, URIRef)]

    def _node_shape(self, node: URIRef) -> NodeShapeDoc:
        self._anchors.add(_shape_anchor(str(node)))
        return NodeShapeDoc(
            ref=self.ref(node),
            label=self._texts(self.shapes, node, RDFS.label),
            comment=self._texts(self.shapes, node, RDFS.comment, rich=True),
            targets=self._targets(node),
            body=self._constraint(node),
        )

    def _targets(self, node: URIRef) -> tuple[Target, ...]:
        targets = []
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            values = tuple(self._value(v) for v in self.shapes.objects(node, predicate))
            if values:
                targets.append(Target(_local(predicate), values))  # type: ignore[arg-type]
        if any((node, RDF.type, t) in self.shapes for t in CLASS_TYPES):
            targets.append(Target("implicit", (self.ref(node),)))
        for target in self.shapes.objects(node, SH.target):
            query = self.shapes.value(target, SH.select)
            if query is not None:
                targets.append(Target("sparql", query=textwrap.dedent(str(query)).strip()))
            else:
                targets.append(Target("other"))
        return tuple(targets)

    def _shape_owners(
        self, shapes: list[NodeShapeDoc], classes: list[str]
    ) -> dict[str, str | None]:
        """Shape IRI → the lodplan class it is described under (its first targeted one)."""
        return {
            shape.ref.iri: next((c for c in shape.target_classes() if c in classes), None)
            for shape in shapes
        }

    def _constraint(self, node: Node) -> Constraint:
        ref = self.ref(node) if isinstance(node, URIRef) else None
        if ref is not None and ref.anchor and node not in self.node_shape_set:
            # a property shape gets its id where it is first shown
            if ref.anchor in self._anchors:
                ref = Ref(ref.iri, ref.name, ref.kind, "", ref.label)
            else:
                self._anchors.add(ref.anchor)
        path = self.shapes.value(node, SH.path)
        return Constraint(
            ref=ref,
            path=self._path(path) if path is not None else (),
            name=self._texts(self.shapes, node, SH.name),
            description=self._texts(self.shapes, node, SH.description, rich=True),
            cardinality=self._cardinality(node),
            severity=_local(self.shapes.value(node, SH.severity) or URIRef("")).lower(),
            messages=self._texts(self.shapes, node, SH.message),
            parameters=self._parameters(node),
            properties=tuple(self._constraint(p) for p in self.shapes.objects(node, SH.property)),
        )

    def _cardinality(self, node: Node) -> str:
        low, high = self.shapes.value(node, SH.minCount), self.shapes.value(node, SH.maxCount)
        if low is None and high is None:
            return ""
        lowest = int(str(low)) if low is not None else 0
        if high is not None and int(str(high)) == 0:
            return "0"
        return f"{lowest}..{int(str(high)) if high is not None else '*'}"

    def _parameters(self, node: Node) -> tuple[Parameter, ...]:
        grouped: dict[URIRef, list[Node]] = {}
        for predicate, value in self.shapes.predicate_objects(node):
            if (
                isinstance(predicate, URIRef)
                and _local(predicate, str(SH))
                and predicate not in _SHAPE_FIELDS
            ):
                grouped.setdefault(predicate, []).append(value)
        return tuple(self._parameter(p, values) for p, values in grouped.items())

    def _parameter(self, predicate: URIRef, values: list[Node]) -> Parameter:
        local = _local(predicate)
        key = local if local in KNOWN_PARAMETERS else ""
        name = prefixed_name(str(predicate), self.prefixes) or str(predicate)
        if predicate in _LIST_PARAMETERS:
            members = [m for v in values for m in Collection(self.shapes, v)]
            return Parameter(key, name, tuple(self._value(m) for m in members))
        if predicate in _SHAPE_LIST_PARAMETERS:
            members = [m for v in values for m in Collection(self.shapes, v)]
            datatypes = [self._only_datatype(m) for m in members]
            if predicate == SH["or"] and members and all(datatypes):
                name = prefixed_name(str(SH.datatype), self.prefixes) or str(SH.datatype)
                return Parameter("datatype", name, tuple(datatypes), any_of=True)  # type: ignore[arg-type]
            return Parameter(key, name, tuple(self._shape_value(m) for m in members))
        if predicate in _SHAPE_PARAMETERS:
            return Parameter(key, name, tuple(self._shape_value(v) for v in values))
        if len(values) == 1 and isinstance(values[0], Literal) and values[0].value is True:
            return Parameter(key, name, ())  # sh:uniqueLang true: the name says it all
        return Parameter(key, name, tuple(self._value(v) for v in values))

    def _only_datatype(self, node: Node) -> Ref | None:
        """The datatype of a shape that says nothing else (members of an sh:or of datatypes)."""
        pairs = list(self.shapes.predicate_objects(node))
        if isinstance(node, BNode) and len(pairs) == 1 and pairs[0][0] == SH.datatype:
            return self.ref(pairs[0][1])
        return None

    def _shape_value(self, node: Node) -> Value:
        return self.ref(node) if isinstance(node, URIRef) else self._constraint(node)

    def _value(self, node: Node) -> Ref | LiteralValue:
        if isinstance(node, URIRef):
            return self.ref(node)
        return LiteralValue(str(node))

    def _path(self, node: Node) -> tuple[str | Ref, ...]:
        """A SHACL path in the syntax of SPARQL property paths: ``^p``, ``p / q``, ``(p | q)*``."""
        if isinstance(node, URIRef):
            return (self.ref(node),)
        if (node, RDF.first, None) in self.shapes:
            return _joined([self._path(m) for m in Collection(self.shapes, node)], " / ")
        alternatives = self.shapes.value(node, SH.alternativePath)
        if alternatives is not None:
            members = [self._path(m) for m in Collection(self.shapes, alternatives)]
            return ("(", *_joined(members, " | "), ")")
        for predicate, operator in (
            (SH.inversePath, "^"),
            (SH.zeroOrMorePath, "*"),
            (SH.oneOrMorePath, "+"),
            (SH.zeroOrOnePath, "?"),
        ):
            inner = self.shapes.value(node, predicate)
            if inner is not None:
                tokens = self._path(inner)
                if len(tokens) > 1 and tokens[0] != "(":
                    tokens = ("(", *tokens, ")")
                return (operator, *tokens) if operator == "^" else (*tokens, operator)
        return ("?",)


# --- helpers ----------------------------------------------------------------------


def _ontology_node(graph: Graph, default: str) -> URIRef:
    """The subject typed owl:Ontology in ``graph`` (``default`` if none)."""
    found = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    return found if isinstance(found, URIRef) else URIRef(default)


def _constraints(constraint: Constraint) -> Iterator[Constraint]:
    """``constraint`` and every constraint nested in it (properties, sh:or members…)."""
    yield constraint
    for child in constraint.properties:
        yield from _constraints(child)
    for parameter in constraint.parameters:
        for value in parameter.values:
            if isinstance(value, Constraint):
                yield from _constraints(value)


def _paths(constraint: Constraint) -> Iterator[str]:
    """The IRIs of the properties on the paths of ``constraint`` and of its nested shapes."""
    for nested in _constraints(constraint):
        for token in nested.path:
            if isinstance(token, Ref):
                yield token.iri


def _joined(parts: list[tuple[str | Ref, ...]], separator: str) -> tuple[str | Ref, ...]:
    tokens: list[str | Ref] = []
    for index, part in enumerate(parts):
        if index:
            tokens.append(separator)
        tokens += part
    return tuple(tokens)


def _unique(nodes: Iterable[Node]) -> Iterator[Node]:
    seen: set[Node] = set()
    for node in nodes:
        if node not in seen:
            seen.add(node)
            yield node


def _local(node: Node, namespace: str = "") -> str:
    """The local name of ``node`` (after ``namespace`` if given: "" when outside it)."""
    iri = str(node)
    if namespace:
        return iri[len(namespace) :] if iri.startswith(namespace) else ""
    return re.split(r"[#/]", iri)[-1]


def _last_segment(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _shape_anchor(iri: str) -> str:
    return "shape-" + _local(URIRef(iri))


def _scheme_anchor(iri: str) -> str:
    return "scheme-" + _last_segment(iri)
