"""SHACL validation of a plan, with reports that point to the source lines.

Validation runs per plan (pyshacl costs ~70 µs per triple): the plan's graph is
checked against ``shapes/`` with the ontology and code lists mixed in, so that
class and code-list constraints can see them.

A report also records what was checked (:class:`ValidationRun`: shapes that
found focus nodes, triples, validator version, shapes digest, time), and a build
publishes it as files (:func:`validation_files`): ``validation/<id>.ttl``, the
SHACL report graph, and ``validation/<id>.json``, the summary the site's
validation pages read; ``validation/index.json`` lists them.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import pyshacl
from pyshacl import validate
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS
from pyshacl.shape import Shape
from pyshacl.shapes_graph import ShapesGraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from lodplan.codelists import Vocabulary
from lodplan.dataset import DownloadFile, PlanFiles
from lodplan.resources import shapes_dir
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
_NODE_CONSTRAINTS = frozenset(ALL_CONSTRAINT_PARAMETERS) - {SH.property}


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
    duration_s: float  # pyshacl's run
    data_triples: int  # the plan's graph
    vocabulary_triples: int  # ontology and code lists, validated with it
    validated_triples: int  # their union
    shapes: tuple[ShapeUse, ...]
    shapes_files: tuple[tuple[str, str], ...]  # (file name, sha256)
    validator_version: str


@dataclass
class ValidationReport:
    plan_id: str
    findings: list[Finding] = field(default_factory=list)
    run: ValidationRun | None = None
    graph: Graph | None = None  # the SHACL validation report as pyshacl returned it

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
    """Validates plan graphs against lodplan's shapes."""

    def __init__(self, vocabulary: Vocabulary, shapes_directory: Path | None = None) -> None:
        self.vocabulary = vocabulary
        self.shapes_directory = shapes_directory or shapes_dir()

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
    def _targeting_shapes(self) -> list[Shape]:
        """pyshacl's own view of the shapes that declare targets (what it validates from)."""
        shapes = []
        for shape in ShapesGraph(self.shapes).shapes:
            shape.set_advanced(True)  # SPARQL targets, as validate(advanced=True) reads them
            if any(list(targets) for targets in shape.target()) or shape.advanced_target():
                shapes.append(shape)
        return sorted(shapes, key=lambda shape: str(shape.node))

    @cached_property
    def _vocabulary_graph(self) -> Graph:
        return self.vocabulary.ontology + self.vocabulary.codelists

    def validate(self, plan_id: str, graph: Graph, source_file: Path) -> ValidationReport:
        # The vocabulary is added by a plain union rather than pyshacl's ont_graph,
        # whose "inoculation" clones nodes recursively and takes minutes on OWL lists.
        data = graph + self._vocabulary_graph
        validated_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        started = time.perf_counter()
        _, results, _ = validate(
            data,
            shacl_graph=self.shapes,
            inference="none",
            allow_warnings=True,
            advanced=True,
        )
        duration = time.perf_counter() - started
        report = ValidationReport(plan_id, graph=results)
        for result in results.subjects(SH.focusNode, None, unique=True):
            report.findings.append(self._finding(results, result, graph, data, source_file))
        report.findings.sort(key=lambda f: (f.place.start_line if f.place else 0, f.focus))
        report.run = ValidationRun(
            validated_at=validated_at,
            duration_s=round(duration, 3),
            data_triples=len(graph),
            vocabulary_triples=len(self._vocabulary_graph),
            validated_triples=len(data),
            shapes=tuple(self._shape_use(shape, data) for shape in self._targeting_shapes),
            shapes_files=self.shapes_digests,
            validator_version=pyshacl.__version__,
        )
        return report

    def _shape_use(self, shape: Shape, data: Graph) -> ShapeUse:
        # pyshacl's report does not say which shapes found focus nodes: they are found
        # again, ~8% of the validation time (mostly the SPARQL targets, run again).
        node = shape.node
        nodes, classes, implicit, objects_of, subjects_of = map(list, shape.target())
        targets = [ShapeTarget("node", _short(n)) for n in nodes]
        targets += [ShapeTarget("class", _short(c)) for c in [*classes, *implicit]]
        targets += [ShapeTarget("subjects-of", _short(p)) for p in subjects_of]
        targets += [ShapeTarget("objects-of", _short(p)) for p in objects_of]
        targets += [ShapeTarget("sparql", None) for _ in shape.advanced_target()]
        properties = len(set(self.shapes.objects(node, SH.property)))
        parameters = {p for p in self.shapes.predicates(node) if p in _NODE_CONSTRAINTS}
        return ShapeUse(
            iri=str(node),
            name=_short(node),
            labels=_texts(self.shapes, node, RDFS.label),
            comments=_texts(self.shapes, node, RDFS.comment),
            targets=tuple(targets),
            constraints=properties + len(parameters),
            focus_nodes=len(shape.focus_nodes(data)),
        )

    def _finding(
        self, results: Graph, result: Node, plan: Graph, data: Graph, source_file: Path
    ) -> Finding:
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        shape = results.value(result, SH.sourceShape)
        messages = {
            (m.language or "und"): str(m)
            for m in results.objects(result, SH.resultMessage)
            if isinstance(m, Literal)
        }
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
            shape_names=_texts(self.shapes, shape, SH.name) if shape is not None else {},
            focus_labels=_labels(data, focus),
        )


def source_place(data: Graph, node, source_file: Path) -> SourcePlace | None:
    """The source lines of ``node``, or of the element a ``#`` sub-resource belongs to."""
    for candidate in _with_owner(node):
        source = data.value(candidate, LP.source)
        if source is None and (candidate, LP.startLine, None) in data:
            source = candidate
        if source is not None:
            start, end = data.value(source, LP.startLine), data.value(source, LP.endLine)
            if start is not None and end is not None:
                return SourcePlace(source_file, int(start), int(end))
    return None


def _with_owner(node) -> list:
    """``node``, then (for ``…#fragment``) the resource whose document holds it."""
    if isinstance(node, URIRef) and "#" in node:
        return [node, URIRef(node.split("#", 1)[0])]
    return [node]


def _labels(data: Graph, node) -> dict[str, str]:
    for candidate in _with_owner(node):
        for predicate in (RDFS.label, SKOS.prefLabel):
            labels = _texts(data, candidate, predicate)
            if labels:
                return labels
    return {}


def _texts(graph: Graph, node, predicate) -> dict[str, str]:
    """Literal values by language tag ("" for an untagged one), one per language."""
    texts: dict[str, str] = {}
    for value in sorted(graph.objects(node, predicate)):  # type: ignore[type-var]
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
    reports: Iterable[ValidationReport], plans: Iterable[PlanFiles], root: Path
) -> list[DownloadFile]:
    """Each report as Turtle and JSON summary, and the index of their summaries.

    ``plans`` name the reports' plans (IRI, title, source lines); ``root`` is the
    mappings folder, to which source file names are made relative.
    """
    by_id = {plan.plan_id: plan for plan in plans}
    files: list[DownloadFile] = []
    entries = []
    for report in reports:
        summary = report_summary(report, by_id.get(report.plan_id), root)
        turtle_name, summary_name = report_file_names(report.plan_id)
        files.append(DownloadFile(turtle_name, "text/turtle", report_turtle(report)))
        files.append(DownloadFile(summary_name, "application/json", _json_bytes(summary)))
        entries.append({key: summary[key] for key in _INDEX_KEYS})
    index = {"lodplan-validation-index": SUMMARY_FORMAT, "reports": entries}
    files.append(DownloadFile(VALIDATION_INDEX, "application/json", _json_bytes(index)))
    return files


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
            "name": "pyshacl",
            "version": run.validator_version if run else pyshacl.__version__,
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
