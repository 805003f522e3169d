"""The description of a build (VoID): the dataset at the base IRI and each of its named graphs.

Every data graph IRI under the base dereferences to its description, RDF
clients asking for the base IRI itself get the dataset, and the whole graph is
served at ``{base}.well-known/void`` (VoID §7.2).

Statistics are counted on the N-Triples of each graph, terms compared by a 64-bit
digest of their N-Triples form (a collision among ten million terms has a chance of
about one in 200,000; digests are smaller than the terms, and let an incremental
build keep each graph's counts and merge them with the others'): ``void:triples``,
``void:entities`` (distinct IRI subjects), ``void:classes`` (distinct objects of
``rdf:type``), ``void:properties`` (distinct predicates), ``void:distinctSubjects``,
``void:distinctObjects`` (literals included), a class partition per class (its IRI instances as
``void:entities``) and a property partition per predicate (its ``void:triples``).
The dataset's counts are those of the union of its graphs, except
``void:triples``: the sum over the graphs, the number of lines of the dump.

Partitions get IRIs derived from their class or property IRI alone,
``{dataset}#class-{local name}-{hash}``: stable whatever else the data holds,
readable as anchors of the dataset's page, and dereferenceable with their
dataset (blank nodes would need canonicalising and are not served with a
description).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import RdfFormat, parse
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, VOID, XSD

from lodplan.dataset import Memo, no_memo
from lodplan.iris import IriMinter
from lodplan.publishing.downloads import (
    DOWNLOAD_PATH,
    DUMP_NQUADS_NAME,
    PLAN_DUMP_SUFFIXES,
    PLANS_DIR,
    PlanFiles,
)
from lodplan.store.base import NamedGraph
from lodplan.terms import PREFIXES

#: Where the whole description is served, relative to the base IRI (RFC 8615, VoID §7.2).
VOID_PATH = ".well-known/void"
#: Vocabularies reported by ``void:vocabulary`` besides the namespaces of ``PREFIXES``.
OTHER_VOCABULARIES = frozenset({"http://purl.org/vocab/vann/"})
KNOWN_VOCABULARIES = frozenset(PREFIXES.values()) | OTHER_VOCABULARIES
#: The kind of :class:`Memo` entries that keep each graph's part of the description.
VOID_MEMO = "void"
TITLES = {"fr": "Plans publiés avec lodplan", "en": "Plans published with lodplan"}
DOCUMENT_TITLES = {
    "fr": "Description VoID des plans publiés avec lodplan",
    "en": "VoID description of the plans published with lodplan",
}
GRAPH_LABELS = {
    "ontology": ("Ontologie lodplan", "lodplan ontology"),
    "codelists": ("Listes de codes lodplan", "lodplan code lists"),
    "actors": ("Acteurs", "Actors"),
}

_RDF_TYPE = f"<{RDF.type}>".encode()
_PARTITION_LOCAL_NAME = re.compile(r"[^A-Za-z0-9_-]")


class _UnusualLineError(ValueError):
    """A line the fast N-Triples reader does not handle: the graph is parsed properly."""


@dataclass
class Statistics:
    """What VoID counts in one graph, or in several merged; terms in their N-Triples form."""

    triples: int = 0
    #: the digests of the subjects (:func:`term_digest`: odd for an IRI, an entity)
    subjects: set[int] = field(default_factory=set)
    objects: set[int] = field(default_factory=set)
    #: predicate → number of triples
    predicates: dict[bytes, int] = field(default_factory=dict)
    #: class (object of rdf:type) → the digests of its instances that are IRIs (entities)
    instances: dict[bytes, set[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, ntriples: bytes) -> Statistics:
        try:
            statistics = cls._count(_split_ntriples(ntriples))
            if not any(b"\\" in iri for iri in (*statistics.predicates, *statistics.instances)):
                return statistics
        except _UnusualLineError:
            pass
        return cls._count(_parsed_ntriples(ntriples))  # escapes, comments, odd spacing

    @classmethod
    def _count(cls, triples: Iterable[tuple[bytes, bytes, bytes]]) -> Statistics:
        subjects: set[bytes] = set()
        objects: set[bytes] = set()
        predicates: dict[bytes, int] = {}
        instances: dict[bytes, set[bytes]] = {}
        for subject, predicate, obj in triples:
            subjects.add(subject)
            objects.add(obj)
            predicates[predicate] = predicates.get(predicate, 0) + 1
            if predicate == _RDF_TYPE:
                members = instances.setdefault(obj, set())
                if subject[:1] == b"<":
                    members.add(subject)
        digests = {term: term_digest(term) for term in subjects}
        return cls(
            sum(predicates.values()),
            set(digests.values()),
            {term_digest(term) for term in objects},
            predicates,
            {c: {digests[member] for member in members} for c, members in instances.items()},
        )

    def merge(self, other: Statistics) -> None:
        self.triples += other.triples
        self.subjects |= other.subjects
        self.objects |= other.objects
        for predicate, count in other.predicates.items():
            self.predicates[predicate] = self.predicates.get(predicate, 0) + count
        for class_, members in other.instances.items():
            self.instances.setdefault(class_, set()).update(members)

    @property
    def entities(self) -> int:
        return sum(subject & 1 for subject in self.subjects)

    def class_entities(self) -> dict[str, int]:
        """IRI classes → number of IRI instances (blank-node classes are counted, not listed)."""
        return {_iri(c): len(m) for c, m in self.instances.items() if c[:1] == b"<"}

    def property_triples(self) -> dict[str, int]:
        return {_iri(p): count for p, count in self.predicates.items()}

    def vocabularies(self) -> set[str]:
        """Namespaces (IRI up to its last ``#`` or ``/``) of the classes and properties
        used, when they are known vocabularies (not every prefix of a data IRI)."""
        terms = [*self.class_entities(), *self.property_triples()]
        return {namespace(term) for term in terms} & KNOWN_VOCABULARIES


def term_digest(term: bytes) -> int:
    """A term's 64-bit digest, odd for an IRI (``<…>``) and even for anything else."""
    digest = int.from_bytes(hashlib.blake2b(term, digest_size=8).digest(), "little")
    return digest | 1 if term[:1] == b"<" else digest & ~1


def namespace(iri: str) -> str:
    return iri[: max(iri.rfind("#"), iri.rfind("/")) + 1]


def partition_iri(dataset: str, kind: str, term: str) -> str:
    """``{dataset}#{kind}-{local name}-{hash of term}``: stable, readable, unique per term."""
    local = _PARTITION_LOCAL_NAME.sub("", term[len(namespace(term)) :])[:40]
    digest = hashlib.sha256(term.encode("utf-8")).hexdigest()[:10]
    return f"{dataset}#{kind}-{local}-{digest}" if local else f"{dataset}#{kind}-{digest}"


def dataset_description(
    iris: IriMinter, graphs: list[NamedGraph], plans: Iterable[PlanFiles]
) -> Graph:
    """The VoID description of ``graphs`` (the data of a build, not this description)."""
    description = Graph()
    description.parse(data=description_graph(iris, graphs, plans).ntriples, format="nt")
    return description


def description_graph(
    iris: IriMinter,
    graphs: list[NamedGraph],
    plans: Iterable[PlanFiles],
    memo: Memo = no_memo,
) -> NamedGraph:
    """The VoID description of ``graphs`` as the named graph ``{base}graph/void``: sorted
    N-Triples. Each graph's part (its counts, partitions, labels) is kept in ``memo`` by
    the graph's digest, so an incremental build counts only the graphs that changed; the
    dataset's counts are merged from the parts' term digests."""
    by_graph = {plan.graph_iri: plan for plan in plans}
    dataset = URIRef(iris.base)
    lines: set[bytes] = set()
    total = Statistics()
    triples = 0
    for graph in graphs:
        plan = by_graph.get(graph.iri)
        key = json.dumps([iris.base, graph.iri, graph.sha256, graph.triple_count,
                          plan and [plan.plan_id, plan.plan_iri, plan.title]])  # fmt: skip
        statistics, part = memo(VOID_MEMO, key, functools.partial(_graph_part, iris, graph, plan))
        lines.update(part)
        total.merge(statistics)
        triples += graph.triple_count
    head = Graph()
    _add_dataset_metadata(head, iris, dataset)
    for graph in graphs:
        head.add((dataset, VOID.subset, URIRef(graph.iri)))
    _add_statistics(head, dataset, total, triples)
    lines.update(_ntriples_lines(head))
    lines.discard(b"")
    body = b"\n".join(sorted(lines)) + b"\n"
    return NamedGraph(iri=iris.graph("void"), ntriples=body, triple_count=len(lines))


def _graph_part(
    iris: IriMinter, graph: NamedGraph, plan: PlanFiles | None
) -> tuple[Statistics, frozenset[bytes]]:
    """A graph's counts, and the lines of the description that are about it alone."""
    node = URIRef(graph.iri)
    statistics = Statistics.of(graph.ntriples)
    part = Graph()
    _add_statistics(part, node, statistics, graph.triple_count)
    _add_graph_metadata(part, iris, node, plan)
    return statistics, frozenset(_ntriples_lines(part))


def _ntriples_lines(graph: Graph) -> Iterator[bytes]:
    for line in graph.serialize(format="nt", encoding="utf-8").splitlines():
        if line.strip():
            yield line


def _add_dataset_metadata(description: Graph, iris: IriMinter, dataset: URIRef) -> None:
    """The dataset's titles, endpoint, URI space and dump, and the document describing it."""
    document = URIRef(iris.base + VOID_PATH)
    description.add((document, RDF.type, VOID.DatasetDescription))
    description.add((document, FOAF.primaryTopic, dataset))
    for lang, title in DOCUMENT_TITLES.items():
        description.add((document, DCTERMS.title, Literal(title, lang=lang)))
    for lang, title in TITLES.items():
        description.add((dataset, RDFS.label, Literal(title, lang=lang)))
        description.add((dataset, DCTERMS.title, Literal(title, lang=lang)))
    description.add((dataset, VOID.sparqlEndpoint, URIRef(iris.base + "sparql")))
    description.add((dataset, VOID.uriSpace, Literal(iris.base)))
    # the N-Quads that RDF clients load from their URL (served from lodplan.nq.gz)
    dump = URIRef(iris.base + DOWNLOAD_PATH + DUMP_NQUADS_NAME)
    description.add((dataset, VOID.dataDump, dump))


def _add_graph_metadata(
    description: Graph, iris: IriMinter, node: URIRef, plan: PlanFiles | None
) -> None:
    for text, lang in _labels(iris, str(node), plan):
        description.add((node, RDFS.label, Literal(text, lang=lang)))
    if plan is not None:
        description.add((node, FOAF.primaryTopic, URIRef(plan.plan_iri)))
        for suffix in PLAN_DUMP_SUFFIXES:
            dump = f"{iris.base}{DOWNLOAD_PATH}{PLANS_DIR}/{plan.plan_id}{suffix}"
            description.add((node, VOID.dataDump, URIRef(dump)))


def _add_statistics(description: Graph, node: URIRef, statistics: Statistics, triples: int) -> None:
    add = description.add
    add((node, RDF.type, VOID.Dataset))
    counts = {
        VOID.triples: triples,
        VOID.entities: statistics.entities,
        VOID.classes: len(statistics.instances),
        VOID.properties: len(statistics.predicates),
        VOID.distinctSubjects: len(statistics.subjects),
        VOID.distinctObjects: len(statistics.objects),
    }
    for predicate, count in counts.items():
        add((node, predicate, _integer(count)))
    for vocabulary in statistics.vocabularies():
        add((node, VOID.vocabulary, URIRef(vocabulary)))
    for cls, entities in statistics.class_entities().items():
        partition = URIRef(partition_iri(str(node), "class", cls))
        add((node, VOID.classPartition, partition))
        add((partition, VOID["class"], URIRef(cls)))
        add((partition, VOID.entities, _integer(entities)))
    for prop, count in statistics.property_triples().items():
        partition = URIRef(partition_iri(str(node), "property", prop))
        add((node, VOID.propertyPartition, partition))
        add((partition, VOID.property, URIRef(prop)))
        add((partition, VOID.triples, _integer(count)))


def _labels(iris: IriMinter, graph_iri: str, plan: PlanFiles | None) -> list[tuple[str, str]]:
    if plan is not None:
        title = plan.title
        return [(f"Graphe du plan « {title} »", "fr"), (f"Graph of the plan “{title}”", "en")]
    name = graph_iri.removeprefix(iris.graph(""))
    french, english = GRAPH_LABELS.get(name, (name, name))
    return [(f"Graphe : {french}", "fr"), (f"Graph: {english}", "en")]


def _split_ntriples(ntriples: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """Subject, predicate and object of each line, as written.

    IRIs and blank node labels hold no whitespace in N-Triples, so the first two
    fields end at the first two runs of whitespace; the object is the rest, up to
    the final ``.`` (a literal may hold spaces and dots). Anything else (a
    comment after the ``.``, tokens not separated) raises :class:`_UnusualLineError`.
    """
    for line in ntriples.split(b"\n"):
        fields = line.split(None, 2)
        if not fields or fields[0][:1] == b"#":  # blank line, comment
            continue
        if len(fields) < 3:
            raise _UnusualLineError(line)
        subject, predicate, rest = fields
        rest = rest.rstrip()
        if not (
            rest.endswith(b".")
            and subject[:1] in (b"<", b"_")
            and predicate[:1] == b"<"
            and predicate[-1:] == b">"
        ):
            raise _UnusualLineError(line)
        yield subject, predicate, rest[:-1].rstrip()


def _parsed_ntriples(ntriples: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    for quad in parse(ntriples, format=RdfFormat.N_TRIPLES):
        yield str(quad.subject).encode(), str(quad.predicate).encode(), str(quad.object).encode()


def _iri(term: bytes) -> str:
    return term[1:-1].decode("utf-8")


def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)
