"""SHACL validation of a plan, with reports that point to the source lines.

Validation runs per plan (pyshacl costs ~70 µs per triple): the plan's graph is
checked against ``shapes/`` with the ontology and code lists mixed in, so that
class and code-list constraints can see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from lodplan.codelists import Vocabulary
from lodplan.resources import shapes_dir
from lodplan.terms import LP, PREFIXES

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


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

    def render(self) -> str:
        where = str(self.place) if self.place else "(no source line)"
        subject = f"{self.focus}" + (f" {self.path}" if self.path else "")
        lines = [f"{where}: {self.severity}: {subject}", f"    constraint: {self.constraint}"]
        if self.value is not None:
            lines.append(f"    value: {self.value}")
        lines += [f"    {lang}: {text}" for lang, text in sorted(self.messages.items())]
        return "\n".join(lines)


@dataclass
class ValidationReport:
    plan_id: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "violation" for f in self.findings)

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
        for file in sorted(self.shapes_directory.glob("*.ttl")):
            graph.parse(file, format="turtle")
        return graph

    @cached_property
    def _vocabulary_graph(self) -> Graph:
        return self.vocabulary.ontology + self.vocabulary.codelists

    def validate(self, plan_id: str, graph: Graph, source_file: Path) -> ValidationReport:
        # The vocabulary is added by a plain union rather than pyshacl's ont_graph,
        # whose "inoculation" clones nodes recursively and takes minutes on OWL lists.
        _, results, _ = validate(
            graph + self._vocabulary_graph,
            shacl_graph=self.shapes,
            inference="none",
            allow_warnings=True,
            advanced=True,
        )
        report = ValidationReport(plan_id)
        for result in results.subjects(SH.focusNode, None, unique=True):
            report.findings.append(_finding(results, result, graph, source_file))
        report.findings.sort(key=lambda f: (f.place.start_line if f.place else 0, f.focus))
        return report


def _finding(results: Graph, result, data: Graph, source_file: Path) -> Finding:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    messages = {
        (m.language or "und"): str(m)
        for m in results.objects(result, SH.resultMessage)
        if isinstance(m, Literal)
    }
    return Finding(
        focus=str(focus),
        severity=SEVERITY_NAMES.get(results.value(result, SH.resultSeverity), "violation"),
        constraint=_short(results.value(result, SH.sourceConstraintComponent)),
        path=_short(path) if isinstance(path, URIRef) else None,
        value=None if value is None else str(value),
        messages=messages,
        place=source_place(data, focus, source_file),
    )


def source_place(data: Graph, node, source_file: Path) -> SourcePlace | None:
    """The source lines of ``node``, or of the element a ``#`` sub-resource belongs to."""
    candidates = [node]
    if isinstance(node, URIRef) and "#" in node:
        candidates.append(URIRef(node.split("#", 1)[0]))
    for candidate in candidates:
        source = data.value(candidate, LP.source)
        if source is None and (candidate, LP.startLine, None) in data:
            source = candidate
        if source is not None:
            start, end = data.value(source, LP.startLine), data.value(source, LP.endLine)
            if start is not None and end is not None:
                return SourcePlace(source_file, int(start), int(end))
    return None


def _short(iri) -> str:
    text = str(iri)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    if text.startswith(str(SH)):
        return "sh:" + text[len(str(SH)) :]
    return text
