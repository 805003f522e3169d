"""Human names for IRIs: labels of resources from the store, of properties and
classes from the ontology and from ``site/labels.ttl`` (the reused vocabularies)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import rdflib
from pyoxigraph import Literal
from rdflib.namespace import DCTERMS, RDFS, SKOS

from lodplan.bundled import ontology_dir, site_dir
from lodplan.pages.i18n import label_languages
from lodplan.publishing.prefixes import prefixed_name
from lodplan.publishing.representations import preferred_literal
from lodplan.store.base import ReadableStore

LABEL_PREDICATES = (str(RDFS.label), str(SKOS.prefLabel), str(DCTERMS.title))


def pick(literals: Iterable[Literal], lang: str) -> str | None:
    """The value of the literal in the language a page in ``lang`` prefers."""
    candidates = [literal for literal in literals if isinstance(literal, Literal)]
    return preferred_literal(candidates, label_languages(lang)) if candidates else None


def store_label(store: ReadableStore, iri: str, lang: str) -> str | None:
    """The label the store gives ``iri`` (rdfs:label, else skos:prefLabel, else title)."""
    for predicate in LABEL_PREDICATES:
        label = pick(store.objects(iri, predicate), lang)  # type: ignore[arg-type]
        if label is not None:
            return label
    return None


def known_label(iri: str, lang: str) -> str | None:
    """The ontology's or ``site/labels.ttl``'s label of ``iri`` (a term, or a value from
    a shared table such as the EU's languages: « français »), ``None`` if it has none."""
    labels = _term_labels().get(iri)
    return pick(labels, lang) if labels else None


def term_label(iri: str, lang: str) -> str:
    """A property's or class's human name: the ontology's or ``site/labels.ttl``'s label,
    else its prefixed name, else the IRI."""
    labels = _term_labels().get(iri)
    if labels:
        chosen = pick(labels, lang)
        if chosen:
            return chosen
    return prefixed_name(iri) or iri


@cache
def _term_labels() -> dict[str, list[Literal]]:
    graph = rdflib.Graph()
    graph.parse(ontology_dir() / "lodplan.ttl", format="turtle")
    graph.parse(site_dir() / "labels.ttl", format="turtle")
    labels: dict[str, list[Literal]] = {}
    for subject, value in graph.subject_objects(RDFS.label):
        if isinstance(subject, rdflib.URIRef) and isinstance(value, rdflib.Literal):
            labels.setdefault(str(subject), []).append(
                Literal(str(value), language=value.language)
                if value.language
                else Literal(str(value))
            )
    return labels
