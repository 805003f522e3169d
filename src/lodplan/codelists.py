"""The ontology and the SKOS code lists shipped in ``ontology/``, loaded once."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from lodplan.bundled import ontology_dir
from lodplan.terms import CODE, COUNTRY


def word_key(text: str) -> str:
    """How a word written in a cell is compared with a concept's names: case,
    Unicode form and spacing aside (accents count: « Etude » is not « Étude »)."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True)
class Vocabulary:
    """The ontology graph and the code-list graph of a lodplan installation."""

    directory: Path

    @cached_property
    def ontology(self) -> Graph:
        return _parse(sorted(self.directory.glob("*.ttl")))

    @cached_property
    def codelists(self) -> Graph:
        return _parse(sorted((self.directory / "codelists").glob("*.ttl")))

    def has_concept(self, iri: str) -> bool:
        return (URIRef(iri), SKOS.inScheme, None) in self.codelists

    def concept_words(self, scheme: str) -> dict[str, str]:
        """The words that name each concept of a list (``status``, ``sgpe-lever``…):
        its identifier, notation, preferred and alternative labels in every language,
        compared by :func:`word_key` → the concept's IRI. A word two concepts share
        names neither (it is left out, so a value map must decide)."""
        return _concept_words(self, scheme)

    def concepts(self, scheme: str) -> list[tuple[str, str]]:
        """(identifier, French label) of every concept of a list, in identifier order."""
        namespace = f"{CODE}{scheme}/"
        found = {}
        for concept in self.codelists.subjects(SKOS.inScheme, URIRef(f"{CODE}{scheme}")):
            labels = {
                o.language: str(o)
                for o in self.codelists.objects(concept, SKOS.prefLabel)
                if isinstance(o, Literal)
            }
            found[str(concept).removeprefix(namespace)] = labels.get("fr") or next(
                iter(labels.values()), ""
            )
        return sorted(found.items())

    @cached_property
    def countries_by_alpha2(self) -> dict[str, str]:
        """ISO 3166 alpha-2 code → country IRI of the EU authority table."""
        return {
            str(code): str(country)
            for country, code in self.codelists.subject_objects(SKOS.notation)
            if str(country).startswith(str(COUNTRY)) and isinstance(code, Literal)
        }


@cache
def _concept_words(vocabulary: Vocabulary, scheme: str) -> dict[str, str]:
    namespace = f"{CODE}{scheme}/"
    words: dict[str, set[str]] = {}
    graph = vocabulary.codelists
    for concept in graph.subjects(SKOS.inScheme, URIRef(f"{CODE}{scheme}")):
        names = [str(concept).removeprefix(namespace)]
        for predicate in (SKOS.notation, SKOS.prefLabel, SKOS.altLabel):
            names += [str(o) for o in graph.objects(concept, predicate)]
        for name in names:
            words.setdefault(word_key(name), set()).add(str(concept))
    return {word: next(iter(iris)) for word, iris in words.items() if len(iris) == 1}


def _parse(files: list[Path]) -> Graph:
    graph = Graph()
    for file in files:
        graph.parse(file, format="turtle")
    return graph


def bundled_vocabulary() -> Vocabulary:
    return Vocabulary(ontology_dir())
