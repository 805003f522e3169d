"""The mapping engine: a mapping file and its source document in, a plan graph out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from lodplan.codelists import Vocabulary
from lodplan.errors import MappingError
from lodplan.iris import IriMinter
from lodplan.mapping.actors import Actor
from lodplan.mapping.common_words import CommonWords, bundled_common_words
from lodplan.mapping.coverage import Coverage, compute_coverage
from lodplan.mapping.graph import PlanGraphWriter, SourceFacts
from lodplan.mapping.mentions import (
    Mention,
    build_gazetteer,
    homonyms_elsewhere,
    is_only_a_name,
    mentions_in_ignored_lines,
    official_names,
    reconcile,
)
from lodplan.mapping.model import Outline, Span
from lodplan.mapping.readers import read_outline
from lodplan.mapping.reviews import Reviews
from lodplan.mapping.rules import apply_rules
from lodplan.mapping.spec import MappingSpec, load_mapping
from lodplan.mapping.spreadsheets import is_spreadsheet, spreadsheet_lines
from lodplan.mapping.text import clean_outline, markup_of
from lodplan.referentials.cog import CogReferential
from lodplan.referentials.places import Places

MAPPING_FILE = "mapping.yaml"


@dataclass(frozen=True)
class MappedPlan:
    spec: MappingSpec
    graph: Graph
    outline: Outline
    coverage: Coverage
    graph_iri: str
    mentions: list[Mention] = field(default_factory=list)

    @property
    def plan_id(self) -> str:
        return self.spec.plan.id


def find_mappings(directory: Path) -> list[Path]:
    """Mapping files of a mappings folder: one ``<plan>/mapping.yaml`` per plan, sorted."""
    return sorted(Path(directory).glob(f"*/{MAPPING_FILE}"))


def read_source_lines(spec: MappingSpec) -> tuple[list[str], str]:
    """The lines of the source document and its sha256, checked against the mapping."""
    raw = spec.source.path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if spec.source.sha256 and spec.source.sha256 != digest:
        raise MappingError(
            f"the source document changed since the mapping was written "
            f"(sha256 {digest}, mapping expects {spec.source.sha256}); "
            "review the mapping, then update source.sha256",
            file=spec.path,
            field="source.sha256",
        )
    if is_spreadsheet(spec):
        line_breaks = spec.reader.get("cell-line-breaks")
        return spreadsheet_lines(spec.source.path, raw, line_breaks), digest
    text = decode_source(spec, raw)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines], digest


def decode_source(spec: MappingSpec, raw: bytes) -> str:
    """The source's text in its declared encoding (``auto``: UTF-8, else Windows-1252,
    what Excel writes for a French « CSV (séparateur : point-virgule) »). A UTF-8
    byte-order mark is not text. A byte the encoding cannot read is an error that
    names its line and the encoding that would read the file."""
    return decode_bytes(raw, spec.source.encoding, spec.source.path)[0]


def decode_bytes(raw: bytes, declared: str, file: Path) -> tuple[str, str]:
    """``raw`` as text in ``declared`` (``auto``: UTF-8, else Windows-1252), without a
    UTF-8 byte-order mark, and the encoding that read it (see :func:`decode_source`)."""
    candidates = ["utf-8", "windows-1252"] if declared == "auto" else [declared]
    for encoding in candidates:
        try:
            return raw.decode(encoding).removeprefix("\ufeff"), encoding
        except UnicodeDecodeError as exc:
            failure = exc
    line = raw[: failure.start].count(b"\n") + 1
    hint = ""
    if declared.replace("_", "-").lower() in {"utf-8", "utf8"}:
        try:
            raw.decode("windows-1252")
            hint = (
                "; the file reads as windows-1252 (a CSV saved by Excel): declare "
                "source.encoding: windows-1252 (or auto)"
            )
        except UnicodeDecodeError:
            pass
    raise MappingError(
        f"not valid {declared if declared != 'auto' else 'UTF-8 nor Windows-1252'}: "
        f"{failure.reason}{hint}",
        file=file,
        line=line,
    )


def map_plan(
    mapping_file: Path,
    *,
    iris: IriMinter,
    vocabulary: Vocabulary,
    actors: dict[str, Actor],
    places: Places | None = None,
    cog: CogReferential | None = None,
    reviews: Reviews | None = None,
    common_words: CommonWords | None = None,
) -> MappedPlan:
    """Map one plan. With ``places`` (and ``cog``, ``reviews`` and ``common_words``,
    by default the bundled list), the places and organisations its text names are
    linked (see :mod:`lodplan.mapping.mentions`)."""
    spec = load_mapping(mapping_file)
    lines, digest = read_source_lines(spec)
    reviews = reviews or Reviews()
    # the names lodplan knows: without places, only the organisations (a reader
    # that tells highlighted names from actions still needs them)
    official = official_names(cog, spec.reconcile.communes_in) if cog else ()
    homonyms = homonyms_elsewhere(cog, spec.reconcile.communes_in) if cog else {}
    common = common_words if common_words is not None else bundled_common_words()
    gazetteer = build_gazetteer(
        places or Places(), actors, official, reviews.in_plan(spec.plan.id), common, homonyms
    )
    outline = read_outline(spec, lines, lambda text: is_only_a_name(gazetteer, text))
    for element in outline.walk():
        apply_rules(spec, element)
    clean_outline(outline, markup_of(spec))  # what people read, without extraction markup
    mentions: list[Mention] = []
    if places is not None:
        mentions = reconcile(
            spec.plan.id,
            outline,
            gazetteer,
            reviews,
            spec.plan.publisher,
            spec.reconcile.organisations_in,
        )
        mentions += mentions_in_ignored_lines(spec.plan.id, lines, outline.ignored, gazetteer)
    writer = PlanGraphWriter(spec, iris, vocabulary, actors, places or Places(), cog)
    graph = writer.write(outline, SourceFacts(digest, stated_spans(spec, lines)), mentions)
    coverage = compute_coverage(spec, lines, outline, graph)
    return MappedPlan(spec, graph, outline, coverage, iris.plan_graph(spec.plan.id), mentions)


def stated_spans(spec: MappingSpec, lines: list[str]) -> dict[str, Span]:
    """The spans of ``plan.stated``: each quote must be in the lines it cites."""
    spans = {}
    for name, stated in spec.plan.stated.items():
        field = f"plan.stated.{name}"
        if stated.end_line > len(lines):
            raise MappingError(f"line {stated.end_line} is past the end of the source",
                               file=spec.path, field=field)  # fmt: skip
        text = "\n".join(lines[stated.start_line - 1 : stated.end_line])
        if stated.quote is not None and stated.quote not in text:
            raise MappingError(f"{stated.quote!r} is not at lines {stated.start_line}-"
                               f"{stated.end_line}", file=spec.path, field=field)  # fmt: skip
        spans[name] = Span(stated.start_line, stated.end_line, stated.quote or text)
    return spans


__all__ = [
    "MAPPING_FILE", "MappedPlan", "decode_bytes", "find_mappings", "map_plan", "read_source_lines",
]  # fmt: skip
