"""Triples written as bytes in an RDF format: one function every layer uses."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize


def rdf_bytes(
    triples: Iterable[Triple], rdf_format: RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """``triples`` as ``rdf_format``, with ``prefixes`` where the format has them."""
    written = serialize(triples, format=rdf_format, prefixes=prefixes)
    assert written is not None  # without an output file, pyoxigraph returns the bytes
    return written


def term_text(term: NamedNode | BlankNode | Literal | Triple) -> str:
    """A term's lexical value (an IRI without its brackets); an RDF-star triple as written."""
    return str(term) if isinstance(term, Triple) else term.value
