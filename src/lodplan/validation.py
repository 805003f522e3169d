"""SHACL validation of a plan, with reports that point to the source lines.

Validation runs per plan: the plan's graph is checked against ``shapes/`` with the
ontology and code lists mixed in, so that class and code-list constraints can see
them. The engine is pyshacl-turbo (SHACL in Rust, shapes compiled once per process):
it gives the same results as pyshacl, the reference, on the mutation corpus of
``tests/validation/test_shacl_corpus.py`` (every constraint of the shapes broken
in turn) and is about 20 times faster (``docs/performance.md``, "SHACL at scale").
``$LODPLAN_SHACL_ENGINE=pyshacl`` validates with pyshacl instead, where installed.

A report also records what was checked (:class:`ValidationRun`: shapes that
found focus nodes, triples, validator and version, shapes digest, time), and a build
publishes it as files (:func:`validation_files`): ``validation/<id>.ttl``, the
SHACL report graph, and ``validation/<id>.json``, the summary the site's
validation pages read; ``validation/index.json`` lists them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import Any, Protocol, cast

import pyoxigraph
import pyshacl_turbo
from pyshacl_turbo.rdf import Input as TurboInput
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS, XSD
from rdflib.paths import NegatedPath
from rdflib.paths import Path as RdflibPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from lodplan.bundled import shapes_dir
from lodplan.codelists import Vocabulary
from lodplan.dataset import Blobs, DownloadFile, Memo, PlanFiles, no_memo
from lodplan.errors import LodplanError
from lodplan.terms import LP, PREFIXES

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
SEVERITIES = ("violation", "warning", "info")  # most severe first
SHAPES_NAMESPACE = "https://w3id.org/lodplan/shapes#"
#: Files of a build: ``validation/<id>.ttl`` and ``.json`` per report, and the index.
VALIDATION_DIR = "validation"
VALIDATION_INDEX = f"{VALIDATION_DIR}/index.json"
SUMMARY_FORMAT = 1  # version of the JSON summaries (key "lodplan-validation")
#: Reports of the graphs every plan shares (build.check_plans), not of a plan.
SHARED_REPORTS = ("actors", "places")
MAX_EXCERPT_LINES = 12  # source lines quoted per result
#: The SHACL engine: pyshacl-turbo, or pyshacl (the reference) where installed.
ENGINE_ENV = "LODPLAN_SHACL_ENGINE"
TURBO = "pyshacl-turbo"
REFERENCE = "pyshacl"
ENGINES = (TURBO, REFERENCE)
# SHACL Core's constraint parameters (as pyshacl lists them), but sh:property
_NODE_CONSTRAINTS = frozenset(
    SH[name]
    for name in (
        "and", "class", "closed", "datatype", "disjoint", "equals", "hasValue",
        "ignoredProperties", "in", "languageIn", "lessThan", "lessThanOrEquals", "maxCount",
        "maxExclusive", "maxInclusive", "maxLength", "minCount", "minExclusive", "minInclusive",
        "minLength", "node", "nodeKind", "not", "or", "pattern", "qualifiedMaxCount",
        "qualifiedMinCount", "qualifiedValueShape", "qualifiedValueShapesDisjoint", "sparql",
        "uniqueLang", "xone",
    )
)  # fmt: skip


@dataclass(frozen=True)
class SourcePlace:
    file: Path
    start_line: int
    end_line: int

    def __str__(self) -> str:
        lines = (
            str(self.start_line)
            if self.start_line == self.end_line
            else f"{self.start_line}-{self.end_line}"
        )
        return f"{self.file}:{lines}"


@dataclass(frozen=True)
class Finding:
    """One SHACL result, in terms a mapping author can act on."""

    focus: str
    severity: str
    constraint: str
    path: str | None
    value: str | None
    messages: dict[str, str]
    place: SourcePlace | None
    shape: str | None = None  # the shape whose constraint failed (sh:sourceShape)
    shape_names: dict[str, str] = field(default_factory=dict)  # its sh:name per language
    focus_labels: dict[str, str] = field(default_factory=dict)  # per language ("" untagged)

    def render(self) -> str:
        where = str(self.place) if self.place else "(no source line)"
        subject = f"{self.focus}" + (f" {self.path}" if self.path else "")
        lines = [f"{where}: {self.severity}: {subject}", f"    constraint: {self.constraint}"]
        if self.value is not None:
            lines.append(f"    value: {self.value}")
        lines += [f"    {lang}: {text}" for lang, text in sorted(self.messages.items())]
        return "\n".join(lines)


@dataclass(frozen=True)
class ShapeTarget:
    kind: str  # "class", "node", "subjects-of", "objects-of", "sparql"
    value: str | None  # a prefixed name; None for a SPARQL target


@dataclass(frozen=True)
class ShapeUse:
    """A shape with targets, and how many focus nodes it found in the validated data."""

    iri: str
    name: str  # prefixed: lpsh:PlanShape
    labels: dict[str, str]
    comments: dict[str, str]
    targets: tuple[ShapeTarget, ...]
    constraints: int  # property shapes and node-level constraint parameters
    focus_nodes: int


@dataclass(frozen=True)
class ValidationRun:
    """What one validation checked: what a reader needs to trust its report."""

    validated_at: str  # ISO 8601, UTC
    duration_s: float  # the engine's run
    data_triples: int  # the plan's graph
    vocabulary_triples: int  # ontology and code lists, validated with it
    validated_triples: int  # their union
    shapes: tuple[ShapeUse, ...]
    shapes_files: tuple[tuple[str, str], ...]  # (file name, sha256)
    validator_version: str
    validator: str = REFERENCE  # the engine: pyshacl-turbo or pyshacl


@dataclass
class ValidationReport:
    plan_id: str
    findings: list[Finding] = field(default_factory=list)
    run: ValidationRun | None = None
    graph: Graph | None = None  # the SHACL validation report as the engine returned it
    #: names this report (and its copies: pickled, cached) among every report ever made
    token: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        found = Counter(f.severity for f in self.findings)
        return {severity: found[severity] for severity in SEVERITIES}

    def render(self) -> str:
        if not self.findings:
            return f"{self.plan_id}: conforms"
        header = f"{self.plan_id}: {'conforms with warnings' if self.conforms else 'FAILS'}"
        return "\n".join([header, *(f.render() for f in self.findings)])


class Validator:
    """Validates plan graphs against lodplan's shapes.

    ``engine`` is :data:`TURBO` (the default) or :data:`REFERENCE` (pyshacl);
    ``$LODPLAN_SHACL_ENGINE`` chooses it when not given. Both validate the plan's
    graph together with the ontology and the code lists, without inference, with
    SHACL-AF targets, and give the same report (tests/test_shacl_corpus.py), but where
    a value of a datatype neither knows is compared: pyshacl-turbo then reports it, as
    SHACL says, and pyshacl does not (the value breaks its sh:datatype in both).
    """

    def __init__(
        self,
        vocabulary: Vocabulary,
        shapes_directory: Path | None = None,
        engine: str | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        self.shapes_directory = shapes_directory or shapes_dir()
        self.engine = engine or os.environ.get(ENGINE_ENV, "").strip() or TURBO
        if self.engine not in ENGINES:
            raise LodplanError(
                f"SHACL engine {self.engine!r} (${ENGINE_ENV}): choose one of {', '.join(ENGINES)}"
            )

    @cached_property
    def shapes(self) -> Graph:
        graph = Graph()
        for file in self._shape_files:
            graph.parse(file, format="turtle")
        graph.bind("lpsh", SHAPES_NAMESPACE)
        return graph

    @cached_property
    def _shape_files(self) -> list[Path]:
        return sorted(self.shapes_directory.glob("*.ttl"))

    @cached_property
    def shapes_digests(self) -> tuple[tuple[str, str], ...]:
        return tuple(
            (file.name, hashlib.sha256(file.read_bytes()).hexdigest()) for file in self._shape_files
        )

    @cached_property
    def vocabulary_graph(self) -> Graph:
        """The ontology and the code lists, validated with every plan."""
        return self.vocabulary.ontology + self.vocabulary.codelists

    @cached_property
    def _vocabulary_ntriples(self) -> str:
        return _ntriples(self.vocabulary_graph)

    @cached_property
    def _targets(self) -> FocusNodes:
        return FocusNodes(self.shapes, self.vocabulary_graph, self._vocabulary_ntriples)

    @cached_property
    def _engine(self) -> _Engine:
        if self.engine == REFERENCE:
            return _Pyshacl(self.shapes, self.vocabulary_graph)
        return _Turbo(self.shapes, self._vocabulary_ntriples)

    def prepare(self) -> Validator:
        """Read and compile the shapes and the vocabulary now: a build does it once,
        before its worker processes fork, rather than once in each of them."""
        _ = self._engine, self._targets, self._shape_uses, self._vocabulary_subjects
        return self

    def validate(
        self, plan_id: str, graph: Graph, source_file: Path, ntriples: str | None = None
    ) -> ValidationReport:
        """The report on ``graph``; ``ntriples`` is the same graph as N-Triples, if the
        caller has it (with the graph's own blank node labels), to spare writing it."""
        vocabulary = self.vocabulary_graph
        validated_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        started = time.perf_counter()
        plan_ntriples = ntriples if ntriples is not None else _ntriples(graph)
        results = self._engine.report(graph, plan_ntriples)
        duration = time.perf_counter() - started
        report = ValidationReport(plan_id, graph=results)
        for result in results.subjects(SH.focusNode, None, unique=True):
            report.findings.append(self._finding(results, result, graph, source_file))
        report.findings.sort(key=_finding_order)
        focus_nodes = self._targets.counts(graph, plan_ntriples)
        report.run = ValidationRun(
            validated_at=validated_at,
            duration_s=round(duration, 3),
            data_triples=len(graph),
            vocabulary_triples=len(vocabulary),
            validated_triples=len(graph) + len(vocabulary) - self._common_triples(graph),
            shapes=tuple(
                replace(use, focus_nodes=focus_nodes[shape.node])
                for shape, use in zip(self._targets.shapes, self._shape_uses, strict=True)
            ),
            shapes_files=self.shapes_digests,
            validator_version=self._engine.version,
            validator=self._engine.name,
        )
        return report

    @cached_property
    def _vocabulary_subjects(self) -> frozenset[Node]:
        return frozenset(self.vocabulary_graph.subjects(unique=True))

    def _common_triples(self, plan: Graph) -> int:
        """Triples of the plan the vocabulary also has (counted once in their union)."""
        vocabulary = self.vocabulary_graph
        return sum(
            1
            for subject in self._vocabulary_subjects
            if (subject, None, None) in plan
            for triple in plan.triples((subject, None, None))
            if triple in vocabulary
        )

    @cached_property
    def _shape_uses(self) -> list[ShapeUse]:
        """What a report says of each shape with targets, but its focus nodes."""
        return [self._shape_use(shape) for shape in self._targets.shapes]

    def _shape_use(self, shape: TargetingShape) -> ShapeUse:
        # The engines' reports do not say which shapes found focus nodes: FocusNodes
        # finds them again, as pyshacl's targets do.
        node = shape.node
        targets = [ShapeTarget("node", _short(n)) for n in shape.nodes]
        targets += [ShapeTarget("class", _short(c)) for c in shape.classes]
        targets += [ShapeTarget("subjects-of", _short(p)) for p in shape.subjects_of]
        targets += [ShapeTarget("objects-of", _short(p)) for p in shape.objects_of]
        targets += [ShapeTarget("sparql", None) for _ in shape.sparql]
        properties = len(set(self.shapes.objects(node, SH.property)))
        parameters = {p for p in self.shapes.predicates(node) if p in _NODE_CONSTRAINTS}
        return ShapeUse(
            iri=str(node),
            name=_short(node),
            labels=_texts([self.shapes], node, RDFS.label),
            comments=_texts([self.shapes], node, RDFS.comment),
            targets=tuple(targets),
            constraints=properties + len(parameters),
            focus_nodes=0,
        )

    def _finding(self, results: Graph, result: Node, plan: Graph, source_file: Path) -> Finding:
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        shape = results.value(result, SH.sourceShape)
        # sorted: engines (and pyshacl from one run to the next) list them in any order
        messages = dict(
            sorted(
                ((m.language or "und"), str(m))
                for m in results.objects(result, SH.resultMessage)
                if isinstance(m, Literal)
            )
        )
        return Finding(
            focus=str(focus),
            severity=SEVERITY_NAMES.get(
                cast(URIRef, results.value(result, SH.resultSeverity)), "violation"
            ),
            constraint=_short(results.value(result, SH.sourceConstraintComponent)),
            path=_short(path) if isinstance(path, URIRef) else None,
            value=None if value is None else str(value),
            messages=messages,
            place=source_place(plan, focus, source_file),
            shape=_short(shape) if isinstance(shape, URIRef) else None,
            shape_names=_texts([self.shapes], shape, SH.name) if shape is not None else {},
            focus_labels=_labels([plan, self.vocabulary_graph], focus),
        )


# --- the engines ---


class _Engine(Protocol):
    name: str
    version: str

    def report(self, plan: Graph, plan_ntriples: str) -> Graph:
        """The SHACL validation report of the plan with the vocabulary."""
        ...


class _Turbo:
    """pyshacl-turbo: shapes compiled once; the plan and the vocabulary handed over as
    N-Triples, which its native parser reads exactly (no rdflib graph is copied:
    ``pyshacl_turbo.rdf.Input``, the type its own loaders make, hence the pinned
    minor version)."""

    name = TURBO

    def __init__(self, shapes: Graph, vocabulary_ntriples: str) -> None:
        self._program = pyshacl_turbo.compile_shapes(shapes, advanced=True)
        self._vocabulary = vocabulary_ntriples
        self.version = pyshacl_turbo.__version__

    def report(self, plan: Graph, plan_ntriples: str) -> Graph:
        data = TurboInput(self._vocabulary + plan_ntriples, "nt", None, {})
        _, results, _ = self._program.validate(data, allow_warnings=True)
        return cast(Graph, results)


class _Pyshacl:
    """pyshacl, the reference: the plan's graph and the vocabulary as one rdflib graph
    (not pyshacl's ont_graph, whose "inoculation" clones nodes recursively and takes
    minutes on OWL lists)."""

    name = REFERENCE

    def __init__(self, shapes: Graph, vocabulary: Graph) -> None:
        try:
            self._pyshacl = import_module("pyshacl")
        except ImportError:
            raise LodplanError(
                f"${ENGINE_ENV}={REFERENCE}, but pyshacl is not installed "
                "(pip install 'lodplan[test]')"
            ) from None
        self._shapes = shapes
        self._vocabulary = vocabulary
        self.version = str(self._pyshacl.__version__)

    def report(self, plan: Graph, plan_ntriples: str) -> Graph:
        _, results, _ = self._pyshacl.validate(
            plan + self._vocabulary,
            shacl_graph=self._shapes,
            inference="none",
            allow_warnings=True,
            advanced=True,
        )
        return cast(Graph, results)


# --- the focus nodes of each shape (what a report's "shapes" say) ---

_TARGET_PREDICATES = (
    SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target,
)  # fmt: skip


@dataclass(frozen=True)
class TargetingShape:
    """A shape that declares targets, read from the shapes graph as pyshacl reads it."""

    node: Node
    nodes: tuple[Node, ...]
    classes: tuple[Node, ...]  # sh:targetClass, then the shape itself if it is a class
    subjects_of: tuple[Node, ...]
    objects_of: tuple[Node, ...]
    sparql: tuple[str, ...]  # SELECT ?this queries of SPARQL targets, with their prefixes


def targeting_shapes(shapes: Graph) -> list[TargetingShape]:
    """The shapes with targets, ordered by IRI."""
    candidates = {s for p in _TARGET_PREDICATES for s in shapes.subjects(p, None)}
    candidates |= set(shapes.subjects(RDF.type, SH.NodeShape))
    candidates |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    classes = {RDFS.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}
    found = []
    for node in candidates:
        implicit = [node] if classes & set(shapes.objects(node, RDF.type)) else []
        shape = TargetingShape(
            node=node,
            nodes=tuple(shapes.objects(node, SH.targetNode)),
            classes=(*shapes.objects(node, SH.targetClass), *implicit),
            subjects_of=tuple(shapes.objects(node, SH.targetSubjectsOf)),
            objects_of=tuple(shapes.objects(node, SH.targetObjectsOf)),
            sparql=tuple(_sparql_target(shapes, node, t) for t in shapes.objects(node, SH.target)),
        )
        if shape.nodes or shape.classes or shape.subjects_of or shape.objects_of or shape.sparql:
            found.append(shape)
    return sorted(found, key=lambda shape: str(shape.node))


def _sparql_target(shapes: Graph, shape: Node, target: Node) -> str:
    select = shapes.value(target, SH.select)
    if select is None:
        raise LodplanError(
            f"{shape}: only SPARQL targets with sh:select are supported (sh:target {target})"
        )
    declarations = {}
    pending, seen = list(shapes.objects(target, SH.prefixes)), set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for declaration in shapes.objects(node, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                declarations[str(prefix)] = str(namespace)
        pending.extend(shapes.objects(node, OWL_IMPORTS))
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(declarations.items()))
    return header + str(select)


OWL_IMPORTS = URIRef("http://www.w3.org/2002/07/owl#imports")
_VOCABULARY_GRAPH = pyoxigraph.NamedNode("urn:lodplan:validation:vocabulary")


class FocusNodes:
    """The focus nodes each shape with targets finds in a plan and the vocabulary, with
    pyshacl's semantics: a class target finds the instances of its subclasses
    (rdfs:subClassOf*, in the data), a SPARQL target the ?this of its SELECT.

    The vocabulary's share is found once; SPARQL targets run in a pyoxigraph store
    holding the vocabulary (one per process) and, for the time of a call, the plan."""

    def __init__(self, shapes: Graph, vocabulary: Graph, vocabulary_ntriples: str) -> None:
        self.shapes = targeting_shapes(shapes)
        self._vocabulary = vocabulary
        self._vocabulary_ntriples = vocabulary_ntriples
        self._subclasses = _subclasses([vocabulary])
        self._in_vocabulary = {
            shape.node: self._regular([vocabulary], shape, self._subclasses)
            for shape in self.shapes
        }
        self._store: pyoxigraph.Store | None = None
        self._store_pid = 0
        # only the triples SPARQL targets can match are loaded (None: all of them)
        self._read = predicates_read(q for shape in self.shapes for q in shape.sparql)

    def counts(self, plan: Graph, plan_ntriples: str) -> dict[Node, int]:
        if (None, RDFS.subClassOf, None) in plan:  # the plan declares classes: all again
            subclasses = _subclasses([plan, self._vocabulary])
            graphs = [plan, self._vocabulary]
            in_vocabulary: dict[Node, set[Node]] = {shape.node: set() for shape in self.shapes}
        else:
            subclasses, graphs, in_vocabulary = self._subclasses, [plan], self._in_vocabulary
        selected = self._selected(plan_ntriples)
        found: dict[tuple, set[Node]] = {}  # instances of a class, subjects of a predicate…
        counts = {}
        for shape in self.shapes:
            nodes = self._regular(graphs, shape, subclasses, found) | in_vocabulary[shape.node]
            for query in shape.sparql:
                nodes |= selected[query]
            counts[shape.node] = len(nodes)
        return counts

    @staticmethod
    def _regular(
        graphs: list[Graph],
        shape: TargetingShape,
        subclasses: dict[Node, tuple[Node, ...]],
        found: dict[tuple, set[Node]] | None = None,
    ) -> set[Node]:
        """The focus nodes of the shape's targets but SPARQL ones, in ``graphs``."""
        found = {} if found is None else found

        def nodes_of(kind: str, term: Node) -> set[Node]:
            key = (kind, term)
            if key not in found:
                nodes: set[Node] = set()
                for graph in graphs:
                    if kind == "class":
                        for cls in subclasses.get(term, (term,)):
                            nodes.update(graph.subjects(RDF.type, cls))
                    elif kind == "subjects-of":
                        nodes.update(graph.subjects(term, None))
                    else:
                        nodes.update(graph.objects(None, term))
                found[key] = nodes
            return found[key]

        nodes: set[Node] = set(shape.nodes)
        for kind, terms in (
            ("class", shape.classes),
            ("subjects-of", shape.subjects_of),
            ("objects-of", shape.objects_of),
        ):
            for term in terms:
                nodes |= nodes_of(kind, term)
        return nodes

    def _selected(self, plan_ntriples: str) -> dict[str, set[Node]]:
        queries = {query for shape in self.shapes for query in shape.sparql}
        if not queries:
            return {}
        store = self._vocabulary_store()
        plan = _lines_with(plan_ntriples, self._read)
        store.load(plan, format=pyoxigraph.RdfFormat.N_TRIPLES)  # keeps blank node labels
        try:
            return {
                query: {
                    _rdflib_term(solution["this"])
                    for solution in cast(
                        pyoxigraph.QuerySolutions,
                        store.query(query, use_default_graph_as_union=True),
                    )
                    if solution["this"] is not None
                }
                for query in queries
            }
        finally:
            store.clear_graph(pyoxigraph.DefaultGraph())

    def _vocabulary_store(self) -> pyoxigraph.Store:
        # one store per process: a build's workers are forked
        if self._store is None or self._store_pid != os.getpid():
            store = pyoxigraph.Store()
            store.extend(
                pyoxigraph.Quad(t.subject, t.predicate, t.object, _VOCABULARY_GRAPH)
                for t in pyoxigraph.parse(
                    _lines_with(self._vocabulary_ntriples, self._read),
                    format=pyoxigraph.RdfFormat.N_TRIPLES,
                    rename_blank_nodes=False,
                )
            )
            self._store, self._store_pid = store, os.getpid()
        return self._store


def predicates_read(queries: Iterable[str]) -> frozenset[str] | None:
    """The predicates (as N-Triples terms) that the triple patterns and property paths
    of SPARQL queries can match; None when some pattern can match any predicate (a
    variable, a negated property set), or a query cannot be read."""
    found: set[str] = set()

    def predicate(term: Any) -> bool:
        if isinstance(term, URIRef):
            found.add(term.n3())
            return True
        if isinstance(term, NegatedPath) or not isinstance(term, RdflibPath):
            return False  # a variable, or any predicate but some
        parts = [
            *getattr(term, "args", ()),
            getattr(term, "arg", None),
            getattr(term, "path", None),
        ]
        return all(predicate(part) for part in parts if part is not None)

    def walk(node: Any) -> bool:
        if isinstance(node, dict):  # rdflib's algebra: CompValue
            return all(
                all(predicate(p) for _, p, _ in value) if key == "triples" else walk(value)
                for key, value in node.items()
            )
        if isinstance(node, list | tuple):
            return all(walk(item) for item in node)
        return True

    for query in queries:
        try:
            algebra = prepareQuery(query).algebra
        except Exception:
            return None
        if not walk(algebra):
            return None
    return frozenset(found)


def _lines_with(ntriples: str, predicates: frozenset[str] | None) -> str:
    """The N-Triples lines whose predicate is one of ``predicates`` (None: all)."""
    if predicates is None:
        return ntriples
    return "".join(
        line
        for line in ntriples.splitlines(keepends=True)
        if line.split(" ", 2)[1:2] and line.split(" ", 2)[1] in predicates
    )


def _subclasses(graphs: list[Graph]) -> dict[Node, tuple[Node, ...]]:
    """Each class with its subclasses (itself first), over rdfs:subClassOf*."""
    direct: dict[Node, set[Node]] = {}
    for graph in graphs:
        for sub, sup in graph.subject_objects(RDFS.subClassOf):
            direct.setdefault(sup, set()).add(sub)
    closure = {}
    for cls in direct:
        found, pending = [cls], list(direct[cls])
        while pending:
            sub = pending.pop()
            if sub not in found:
                found.append(sub)
                pending.extend(direct.get(sub, ()))
        closure[cls] = tuple(found)
    return closure


def _rdflib_term(term) -> Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected focus node {term!r}")


def _ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt")


def _finding_order(finding: Finding) -> tuple:
    """By source line and focus node, then by what was checked: the same order whatever
    order the engine listed its results in."""
    return (
        finding.place.start_line if finding.place else 0,
        finding.focus,
        finding.path or "",
        finding.constraint,
        finding.shape or "",
        finding.value or "",
        finding.severity,
    )


def source_place(data: Graph, node, source_file: Path) -> SourcePlace | None:
    """The source lines of ``node``, or of the element a ``#`` sub-resource belongs to."""
    for candidate in _with_owner(node):
        source = data.value(candidate, LP.source)
        if source is None and (candidate, LP.startLine, None) in data:
            source = candidate
        if source is not None:
            start, end = data.value(source, LP.startLine), data.value(source, LP.endLine)
            lines = _line_number(start), _line_number(end)
            if lines[0] is not None and lines[1] is not None:
                return SourcePlace(source_file, lines[0], lines[1])
    return None


def _line_number(value: Node | None) -> int | None:
    """A line number; None for anything else (a report about a bad one must not fail)."""
    if not isinstance(value, Literal):
        return None
    number = value.toPython()
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def _with_owner(node) -> list:
    """``node``, then (for ``…#fragment``) the resource whose document holds it."""
    if isinstance(node, URIRef) and "#" in node:
        return [node, URIRef(node.split("#", 1)[0])]
    return [node]


def _labels(graphs: Sequence[Graph], node) -> dict[str, str]:
    for candidate in _with_owner(node):
        for predicate in (RDFS.label, SKOS.prefLabel):
            labels = _texts(graphs, candidate, predicate)
            if labels:
                return labels
    return {}


def _texts(graphs: Sequence[Graph], node, predicate) -> dict[str, str]:
    """Literal values by language tag ("" for an untagged one), one per language, in
    the union of ``graphs``."""
    values = {value for graph in graphs for value in graph.objects(node, predicate)}
    texts: dict[str, str] = {}
    for value in sorted(values):  # type: ignore[type-var]
        if isinstance(value, Literal):
            texts.setdefault(value.language or "", str(value))
    return texts


def _short(iri) -> str:
    text = str(iri)
    for prefix, namespace in [*PREFIXES.items(), ("lpsh", SHAPES_NAMESPACE)]:
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    if text.startswith(str(SH)):
        return "sh:" + text[len(str(SH)) :]
    return text


# --- the files a build publishes ---


def report_file_names(report_id: str) -> tuple[str, str]:
    """The download names of a report: its Turtle graph and its JSON summary."""
    return f"{VALIDATION_DIR}/{report_id}.ttl", f"{VALIDATION_DIR}/{report_id}.json"


def validation_files(
    reports: Iterable[ValidationReport],
    plans: Iterable[PlanFiles],
    root: Path,
    memo: Memo = no_memo,
) -> list[DownloadFile]:
    """Each report as Turtle and JSON summary, and the index of their summaries.

    ``plans`` name the reports' plans (IRI, title, source lines); ``root`` is the
    mappings folder, to which source file names are made relative. With a ``memo``, the
    files of a report an earlier build made them from (a plan reused unchanged) are kept.
    """
    by_id = {plan.plan_id: plan for plan in plans}
    files: list[DownloadFile] = []
    entries = []
    for report in reports:
        plan = by_id.get(report.plan_id)
        key = json.dumps([report.token, str(Path(root).resolve()), plan and [
            plan.plan_iri, plan.title, hashlib.sha256("\n".join(plan.source_lines).encode())
            .hexdigest()]])  # fmt: skip
        kept = memo.get(REPORT_FILES_MEMO, key)
        if kept is None or not all(file.available for file in kept[:2]):  # files gone
            kept = _report_files(report, plan, root, memo)
            memo.put(REPORT_FILES_MEMO, key, kept)
        turtle, summary, entry = kept
        files += [turtle.kept_in(memo), summary.kept_in(memo)]
        entries.append(entry)
    index = {"lodplan-validation-index": SUMMARY_FORMAT, "reports": entries}
    files.append(DownloadFile(VALIDATION_INDEX, "application/json", _json_bytes(index)))
    return files


REPORT_FILES_MEMO = "report-files"


def _report_files(
    report: ValidationReport, plan: PlanFiles | None, root: Path, blobs: Blobs
) -> tuple[DownloadFile, DownloadFile, dict[str, Any]]:
    """A report's Turtle and JSON files, and its entry in the index."""
    summary = report_summary(report, plan, root)
    turtle_name, summary_name = report_file_names(report.plan_id)
    turtle = DownloadFile(turtle_name, "text/turtle", report_turtle(report))
    summary_file = DownloadFile(summary_name, "application/json", _json_bytes(summary))
    entry = {key: summary[key] for key in _INDEX_KEYS}
    return turtle.kept_in(blobs), summary_file.kept_in(blobs), entry


_INDEX_KEYS = ("id", "kind", "subject", "title", "conforms", "counts", "triples",
               "validated_at", "validator", "shapes_files")  # fmt: skip


def report_turtle(report: ValidationReport) -> bytes:
    """The SHACL report graph in Turtle, dated, with the graph it is about."""
    graph = Graph()
    for prefix, namespace in [*PREFIXES.items(), ("sh", str(SH)), ("lpsh", SHAPES_NAMESPACE)]:
        graph.bind(prefix, namespace)
    if report.graph is not None:
        graph += report.graph
        if report.run is not None:
            for node in graph.subjects(SH.conforms, None):
                created = Literal(report.run.validated_at, datatype=XSD.dateTime)
                graph.add((node, DCTERMS.created, created))
    return graph.serialize(format="turtle").encode("utf-8")


def report_summary(report: ValidationReport, plan: PlanFiles | None, root: Path) -> dict[str, Any]:
    """The JSON summary of a report (what ``validation/<id>.json`` holds)."""
    run = report.run
    lines = _source_lines(plan, report, root)
    shared = plan is None and report.plan_id in SHARED_REPORTS
    turtle_name, summary_name = report_file_names(report.plan_id)
    return {
        "lodplan-validation": SUMMARY_FORMAT,
        "id": report.plan_id,
        "kind": "shared" if shared else "plan",
        "subject": plan.plan_iri if plan else None,
        "graph": plan.graph_iri if plan else None,
        "title": plan.title if plan else None,
        "conforms": report.conforms,
        "counts": report.counts(),
        "validated_at": run.validated_at if run else None,
        "duration_seconds": run.duration_s if run else None,
        "triples": {
            "data": run.data_triples,
            "vocabulary": run.vocabulary_triples,
            "validated": run.validated_triples,
        }
        if run
        else None,
        "validator": {
            "name": run.validator if run else TURBO,
            "version": run.validator_version if run else pyshacl_turbo.__version__,
            "inference": "none",
            "advanced": True,
        },
        "shapes_files": [
            {"name": name, "sha256": digest} for name, digest in (run.shapes_files if run else ())
        ],
        "shapes": [_shape_summary(shape) for shape in (run.shapes if run else ())],
        "results": [_result_summary(f, root, lines) for f in report.findings],
        "files": {"turtle": turtle_name, "summary": summary_name},
    }


def _shape_summary(shape: ShapeUse) -> dict[str, Any]:
    return {
        "iri": shape.iri,
        "name": shape.name,
        "label": shape.labels,
        "comment": shape.comments,
        "targets": [{"kind": t.kind, "value": t.value} for t in shape.targets],
        "constraints": shape.constraints,
        "focus_nodes": shape.focus_nodes,
    }


def _result_summary(finding: Finding, root: Path, lines: Sequence[str] | None) -> dict[str, Any]:
    return {
        "severity": finding.severity,
        "focus": finding.focus,
        "focus_label": finding.focus_labels,
        "path": finding.path,
        "value": finding.value,
        "constraint": finding.constraint,
        "shape": finding.shape,
        "shape_name": finding.shape_names,
        "messages": finding.messages,
        "source": _place_summary(finding.place, root, lines),
    }


def _place_summary(
    place: SourcePlace | None, root: Path, lines: Sequence[str] | None
) -> dict[str, Any] | None:
    if place is None:
        return None
    last = min(place.end_line, place.start_line + MAX_EXCERPT_LINES - 1)
    excerpt = list(lines[place.start_line - 1 : last]) if lines else []
    return {
        "file": _relative(place.file, root),
        "start_line": place.start_line,
        "end_line": place.end_line,
        "lines": excerpt,  # from start_line, at most MAX_EXCERPT_LINES
        "truncated": last < place.end_line,
    }


def _source_lines(
    plan: PlanFiles | None, report: ValidationReport, root: Path
) -> Sequence[str] | None:
    """The lines results quote: the plan's source as the mapping read it (spreadsheet
    rows as lines), or the shared YAML file a shared graph was made from."""
    if plan is not None and plan.source_lines:
        return plan.source_lines
    files = {f.place.file for f in report.findings if f.place is not None}
    if plan is None and len(files) == 1:
        path = files.pop()
        if path.is_file() and path.suffix in (".yaml", ".yml"):
            return path.read_text(encoding="utf-8").splitlines()
    return None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.name  # outside the mappings: no path of the build machine


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
