"""SELECT/ASK result serializers against the W3C formats (JSON, XML, CSV, TSV)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, parse_query_results

from lodplan.sparql.results import serialize_boolean, serialize_solutions

XSD = "http://www.w3.org/2001/XMLSchema#"
NS = "{http://www.w3.org/2005/sparql-results#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

VARIABLES = ["s", "label", "n", "b", "missing"]
TRICKY = 'Dit "bonjour", puis\r\npart\tvite, <b>&amp;</b> \\ fin'
ROWS = [
    [
        NamedNode("http://ex.org/a?x=1&y=2"),
        Literal(TRICKY, language="fr"),
        Literal("42", datatype=NamedNode(XSD + "integer")),
        BlankNode("b0"),
        None,
    ],
    [NamedNode("http://ex.org/b"), Literal("plain, simple"), None, None, None],
]


def _roundtrip(format_name: str, pyoxigraph_format: QueryResultsFormat) -> list[dict]:
    body = serialize_solutions(format_name, VARIABLES, ROWS)
    parsed = parse_query_results(body, format=pyoxigraph_format)
    assert [v.value for v in parsed.variables] == VARIABLES
    return [{name: solution[name] for name in VARIABLES} for solution in parsed]


@pytest.mark.parametrize(
    ("format_name", "pyoxigraph_format"),
    [
        ("json", QueryResultsFormat.JSON),
        ("xml", QueryResultsFormat.XML),
        ("tsv", QueryResultsFormat.TSV),
    ],
)
def test_lossless_formats_read_back_identically(format_name, pyoxigraph_format):
    rows = _roundtrip(format_name, pyoxigraph_format)
    assert rows[0]["s"] == ROWS[0][0]
    assert rows[0]["label"] == ROWS[0][1]
    assert rows[0]["n"] == ROWS[0][2]
    assert isinstance(rows[0]["b"], BlankNode)
    assert rows[0]["missing"] is None
    assert rows[1]["label"] == ROWS[1][1]
    assert rows[1]["n"] is None


def test_json_terms():
    document = json.loads(serialize_solutions("json", VARIABLES, ROWS))
    assert document["head"]["vars"] == VARIABLES
    first, second = document["results"]["bindings"]
    assert first["s"] == {"type": "uri", "value": "http://ex.org/a?x=1&y=2"}
    assert first["label"] == {"type": "literal", "value": TRICKY, "xml:lang": "fr"}
    assert first["n"] == {"type": "literal", "value": "42", "datatype": XSD + "integer"}
    assert first["b"] == {"type": "bnode", "value": "b0"}
    assert "missing" not in first  # unbound: no binding at all
    assert second["label"] == {"type": "literal", "value": "plain, simple"}  # no xsd:string


def test_xml_escapes_and_keeps_carriage_returns():
    body = serialize_solutions("xml", VARIABLES, ROWS)
    root = ET.fromstring(body)
    names = [v.get("name") for v in root.iter(NS + "variable")]
    assert names == VARIABLES
    first = root.find(f"{NS}results/{NS}result")
    bindings = {b.get("name"): b[0] for b in first}
    assert set(bindings) == {"s", "label", "n", "b"}
    assert bindings["s"].tag == NS + "uri" and bindings["s"].text == "http://ex.org/a?x=1&y=2"
    assert bindings["label"].text == TRICKY  # "\r" survives XML end-of-line normalisation
    assert bindings["label"].get(XML_LANG) == "fr"
    assert bindings["n"].get("datatype") == XSD + "integer"
    assert bindings["b"].tag == NS + "bnode"


def test_xml_replaces_characters_xml_cannot_carry():
    body = serialize_solutions("xml", ["x"], [[Literal("a\x00b\x1fc")]])
    literal = ET.fromstring(body).find(f"{NS}results/{NS}result/{NS}binding/{NS}literal")
    assert literal.text == "a\ufffdb\ufffdc"


def test_csv_is_rfc4180_with_plain_values():
    body = serialize_solutions("csv", VARIABLES, ROWS)
    text = body.decode("utf-8")
    assert text.startswith("s,label,n,b,missing\r\n")
    assert text.endswith("\r\n")
    assert '"Dit ""bonjour"", puis\r\npart\tvite, <b>&amp;</b> \\ fin"' in text
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert records == [
        VARIABLES,
        ["http://ex.org/a?x=1&y=2", TRICKY, "42", "_:b0", ""],  # no language, no datatype
        ["http://ex.org/b", "plain, simple", "", "", ""],
    ]


def test_tsv_uses_turtle_terms_and_escapes():
    lines = serialize_solutions("tsv", VARIABLES, ROWS).decode("utf-8").split("\n")
    assert lines[0] == "?s\t?label\t?n\t?b\t?missing"
    assert lines[1].split("\t") == [
        "<http://ex.org/a?x=1&y=2>",
        '"Dit \\"bonjour\\", puis\\r\\npart\\tvite, <b>&amp;</b> \\\\ fin"@fr',
        f'"42"^^<{XSD}integer>',
        "_:b0",
        "",
    ]
    assert lines[2].split("\t") == ["<http://ex.org/b>", '"plain, simple"', "", "", ""]
    assert lines[3] == ""  # every line ends with a newline


def test_tsv_escapes_iri_characters_that_would_break_the_format():
    body = serialize_solutions("tsv", ["x"], [[NamedNode("http://ex.org/a\u00e9b")]])
    assert body.decode().split("\n")[1] == "<http://ex.org/a\u00e9b>"  # Unicode kept


@pytest.mark.parametrize("value", [True, False])
def test_boolean_in_every_format(value):
    word = str(value).lower()
    assert json.loads(serialize_boolean("json", value)) == {"head": {}, "boolean": value}
    assert ET.fromstring(serialize_boolean("xml", value)).find(NS + "boolean").text == word
    assert serialize_boolean("csv", value).decode() == f"_askResult\r\n{word}\r\n"
    assert serialize_boolean("tsv", value).decode() == f"?_askResult\n{word}\n"
    parsed = parse_query_results(serialize_boolean("xml", value), format=QueryResultsFormat.XML)
    assert bool(parsed) is value


def test_no_rows_gives_just_the_header():
    assert serialize_solutions("csv", ["a", "b"], []) == b"a,b\r\n"
    assert json.loads(serialize_solutions("json", ["a"], []))["results"]["bindings"] == []
