"""The ontology and the SKOS code lists shipped in ``ontology/``, loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from lodplan.resources import ontology_dir
from lodplan.terms import COUNTRY


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

    @cached_property
    def countries_by_alpha2(self) -> dict[str, str]:
        """ISO 3166 alpha-2 code → country IRI of the EU authority table."""
        return {
            str(code): str(country)
            for country, code in self.codelists.subject_objects(SKOS.notation)
            if str(country).startswith(str(COUNTRY)) and isinstance(code, Literal)
        }


def _parse(files: list[Path]) -> Graph:
    graph = Graph()
    for file in files:
        graph.parse(file, format="turtle")
    return graph


def bundled_vocabulary() -> Vocabulary:
    return Vocabulary(ontology_dir())
