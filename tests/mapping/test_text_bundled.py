"""The bundled plans as published read clean (issue 15.7): no extraction markup in any
label, title, description, passage or date phrase of the store, the per-plan CSV or the
JSON-LD documents, while the provenance quotes keep the markup as the source wrote it.

Reads the session's build of the bundled plans (``bundled_build``)."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from lodplan.store.embedded import EmbeddedStore

PLANS = (
    "metz-codev-actions",
    "metz-projet-metropolitain",
    "mot-programme-2023",
    "pnfc-feuille-de-route",
    "pompey-projet-de-territoire",
)
# every kind of markup found in the five sources (Markdown emphasis, links and bullets,
# superscripts, HTML tags and entities)
MARKUP = re.compile(
    r"\*\*|__|(?<![*\w])\*[^*\s]|\[[^\]\n]+\]\([^)\s]*\)|</?[a-zA-Z][^>]*>|&(?:[a-z]+|#\d+);"
    r"|\^\{|\^[^\W\d_]|^\s*[-*+]\s"
)
READ = """
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
    SELECT ?s ?p ?text WHERE {
      GRAPH ?g {
        VALUES ?p { rdfs:label dcterms:title dcterms:description rdf:value lodplan:dateText
                    skos:prefLabel skos:definition lodplan:levelName }
        ?s ?p ?text
      }
      FILTER(STRSTARTS(STR(?g), STR(<graph/plan/>)) && isLiteral(?text))
    }
"""
QUOTES = """
    PREFIX oa: <http://www.w3.org/ns/oa#>
    SELECT ?quote WHERE {
      GRAPH ?g { ?selector oa:exact ?quote }
      FILTER(STRSTARTS(STR(?g), STR(<graph/plan/>)))
    }
"""


@pytest.fixture(scope="module")
def store(bundled_build):
    return EmbeddedStore(bundled_build.store)


def _absolute(query: str, base: str) -> str:
    return query.replace("<graph/plan/>", f"<{base}graph/plan/>")


def test_no_label_description_or_passage_holds_markup(store, bundled_build):
    rows = store.select(_absolute(READ, bundled_build.base))
    assert len(rows) > 1000  # every plan's texts
    marked = [(r["s"].value, r["p"].value, r["text"].value) for r in rows]
    marked = [m for m in marked if MARKUP.search(m[2])]
    assert marked == []


def test_the_quotes_keep_the_markup_verbatim(store, bundled_build):
    quotes = [r["quote"].value for r in store.select(_absolute(QUOTES, bundled_build.base))]
    kinds = Counter(
        kind
        for quote in quotes
        for kind, pattern in {
            "bold": r"\*\*",
            "link": r"\]\(#\)",
            "superscript": r"\^\{er\}|\^e\b",
            "html list": r"<li>",
            "bold tag": r"<b>",
            "italic tag": r"<i>",
            "entity": r"&amp;",
        }.items()
        if re.search(pattern, quote)
    )
    assert set(kinds) == {
        "bold",
        "link",
        "superscript",
        "html list",
        "bold tag",
        "italic tag",
        "entity",
    }, kinds


@pytest.mark.parametrize("plan", PLANS)
def test_downloads_read_clean(store, plan):
    csv_path = store.download(f"plans/{plan}.csv")
    assert csv_path is not None
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert lines  # the header at least (the plan's actions, if any)
    assert [line for line in lines if MARKUP.search(line)] == []
    document = json.loads(store.download(f"plans/{plan}.jsonld").read_text(encoding="utf-8"))
    assert [text for text in _texts(document) if MARKUP.search(text)] == []


def _texts(node, key=None):
    """Every string of a JSON-LD document but IRIs and quotes (``exact``, and the
    ``prefix`` and ``suffix`` around a name a link quotes: fragments of a sentence,
    which may start with what looks like a list's dash)."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name not in ("exact", "prefix", "suffix", "id", "@id", "@context"):
                yield from _texts(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value, key)
    elif isinstance(node, str):
        yield node
