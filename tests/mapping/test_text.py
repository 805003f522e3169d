"""Extraction markup taken out of what people read (issue 15.7): the families of
lodplan.mapping.text on small texts, the declaration in a mapping, and one small plan
mapped end to end (labels, descriptions, date phrases, passages clean; quotes and IRIs
as written)."""

from __future__ import annotations

import textwrap

import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS, RDFS

from lodplan.errors import MappingError
from lodplan.iris import IriMinter
from lodplan.mapping import map_plan
from lodplan.mapping.spec import load_mapping
from lodplan.mapping.text import document_words, join_broken_words, markup_of, plain_text
from lodplan.terms import LP
from tests.conftest import TEST_BASE
from tests.mapping.graph_helpers import quotes_of

CASES = [
    ("markdown", "**Gras** et *italique*", "Gras et italique"),
    ("markdown", "[Proxidon](#), plateforme", "Proxidon, plateforme"),
    ("markdown", "voir [le site \\(X\\)](https://twitter.com/x)", "voir le site (X)"),
    ("markdown", "- une métropole\n* qui innove", "une métropole qui innove"),
    ("markdown", "**LA MÉTROPOLE", "LA MÉTROPOLE"),  # emphasis cut open by a line
    ("markdown", "un tiret - au milieu, 2 * 3", "un tiret - au milieu, 2 * 3"),
    ("superscript", "Au 1^{er} janvier, le XXI^e siècle", "Au 1er janvier, le XXIe siècle"),
    ("superscript", "1^{ER} VICE-PRÉSIDENT, la 27^e Région", "1ER VICE-PRÉSIDENT, la 27e Région"),
    (
        "html",
        '<ul style="x"><li><b>Mobilité</b> &amp; transports</li></ul>',
        "Mobilité & transports",
    ),
    ("html", "<i>Marché public - TELT</i>", "Marché public - TELT"),
]


@pytest.mark.parametrize(("family", "text", "expected"), CASES)
def test_each_family_keeps_the_words(family, text, expected):
    assert plain_text(text, (family,)) == expected
    assert plain_text(expected, (family,)) == expected  # clean text stays as it is


def test_only_the_declared_families_are_taken_out():
    text = "1^{er} <b>x</b> **y** a < b"
    assert plain_text(text, ()) == text
    assert plain_text(text, ("markdown",)) == "1^{er} <b>x</b> y a < b"
    assert plain_text(text, ("superscript", "html")) == "1er x **y** a < b"


SOURCE = [
    "CHANTIER #1 LE XXI^e SIÈCLE",  # 1
    "- Au 1^{er} trimestre 2019, le **30^e anniversaire** sera fêté avec [la Cité](#).",  # 2
    "- Le 10^e festival, voir [le site](https://x.example).",  # 3
]
MAPPING = textwrap.dedent(
    """\
    lodplan-mapping: 1
    plan: {id: petit, title: {fr: Petit}, type: strategie, publisher: metz-metropole,
           language: fr}
    source: {file: source.md, title: {fr: Petit}, markup: MARKUP}
    dates: {assume-year: 2019}
    reader:
      type: markdown-outline
      headings:
        - {level: 1, pattern: 'CHANTIER #(?P<number>[0-9]+) (?P<title>[^\\n]+)',
           class: Objective, kind: chantier, level-name: Chantier}
      actions:
        under: chantier
        link-target: "#"
        description: sentence
        sections: {"1": [bold, link]}
      prose: {as: passages}
    """
)


def _map(tmp_path, vocabulary, actors, markup="[markdown, superscript]"):
    (tmp_path / "source.md").write_text("\n".join(SOURCE) + "\n", encoding="utf-8")
    path = tmp_path / "mapping.yaml"
    path.write_text(MAPPING.replace("MARKUP", markup), encoding="utf-8")
    return map_plan(path, iris=IriMinter(TEST_BASE), vocabulary=vocabulary, actors=actors)


def test_a_mapped_plan_reads_clean_and_quotes_verbatim(tmp_path, vocabulary, bundled_actors):
    graph = _map(tmp_path, vocabulary, bundled_actors).graph
    element = TEST_BASE + "plan/petit/element/1"
    assert str(graph.value(URIRef(element), RDFS.label)) == "LE XXIe SIÈCLE"
    anniversary = URIRef(element + "/30-e-anniversaire")  # IRIs: minted from the text as read
    assert str(graph.value(anniversary, RDFS.label)) == "30e anniversaire"
    sentence = "Au 1er trimestre 2019, le 30e anniversaire sera fêté avec la Cité."
    assert str(graph.value(anniversary, DCTERMS.description)) == sentence
    [date] = graph.objects(anniversary, LP.date)
    assert str(graph.value(date, LP.dateText)) == "1er trimestre 2019"
    assert quotes_of(graph, graph.value(anniversary, LP.source)) == ["**30^e anniversaire**"]
    labels = {str(graph.value(a, RDFS.label)) for a in graph.subjects(RDF.type, LP.Action)}
    assert labels == {"30e anniversaire", "la Cité"}
    [passage] = graph.objects(URIRef(element), LP.passage)
    assert str(graph.value(passage, RDF.value)) == "Le 10e festival, voir le site."
    assert quotes_of(graph, graph.value(passage, LP.source)) == [SOURCE[2]]


def test_without_the_declaration_a_reader_takes_out_its_own_syntax(
    tmp_path, vocabulary, bundled_actors
):
    graph = _map(tmp_path, vocabulary, bundled_actors, markup="[markdown]").graph
    labels = {str(graph.value(a, RDFS.label)) for a in graph.subjects(RDF.type, LP.Action)}
    assert labels == {"30^e anniversaire", "la Cité"}  # superscripts not declared: kept
    spec = load_mapping(tmp_path / "mapping.yaml")
    assert markup_of(spec) == ("markdown",)
    text = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(text.replace(", markup: [markdown]", ""))
    assert markup_of(load_mapping(tmp_path / "mapping.yaml")) == ("markdown",)  # the reader's


def test_an_unknown_markup_names_its_field(tmp_path, vocabulary, bundled_actors):
    with pytest.raises(
        MappingError, match=r"source\.markup\[1\]': 'latex' is not allowed; write one of 'markdown'"
    ):
        _map(tmp_path, vocabulary, bundled_actors, markup="[markdown, latex]")


def test_a_word_cut_by_a_line_break_after_its_hyphen_is_joined():
    # a compound keeps its hyphen, without the space the line break left
    assert plain_text("MIX INDUSTRIES-\nSERVICES", ()) == "MIX INDUSTRIES-SERVICES"
    assert join_broken_words("MIX INDUSTRIES-\nSERVICES") == "MIX INDUSTRIES-SERVICES"
    # a word cut in syllables is one word where the document writes it so elsewhere
    lines = ["LES COOPÉRATIONS TRANSFRONTA-", "LIERES", "des coopérations transfrontalières"]
    words = document_words(lines)
    assert "transfronta" not in words  # the pieces of the cut word are not words of it
    assert join_broken_words("\n".join(lines[:2]), words) == "LES COOPÉRATIONS TRANSFRONTALIERES"
    assert join_broken_words("INDUSTRIES-\nSERVICES", words | {"industries"}) == (
        "INDUSTRIES-SERVICES"
    )
    # a hyphen and a space on one line are the source's; numbers are not words
    assert plain_text("1- LE SOCLE", ()) == "1- LE SOCLE"
    assert plain_text("2019-\n2020", ()) == "2019- 2020"
