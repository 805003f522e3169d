"""Serializers of SPARQL SELECT/ASK results, written here because they must truncate.

pyoxigraph's own result serializer consumes the whole iterator; the query worker
needs to stop after ``max_rows`` rows and say so. These serializers follow the
W3C specifications:

* JSON — https://www.w3.org/TR/sparql11-results-json/
* XML — https://www.w3.org/TR/rdf-sparql-XMLres/
* CSV and TSV — https://www.w3.org/TR/sparql11-results-csv-tsv/
  (CSV: RFC 4180 quoting, CRLF line ends, plain lexical values, no datatypes
  or languages; TSV: terms in their Turtle / N-Triples form, LF line ends).

CSV and TSV define no encoding of a boolean; an ASK result is written as a
one-column table ``_askResult`` with ``true`` or ``false`` (as Jena does).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from lodplan.publishing.negotiation import MediaFormat

Term = NamedNode | BlankNode | Literal | Triple
Row = Sequence[Term | None]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
ASK_COLUMN = "_askResult"

JSON = MediaFormat(
    "json",
    "SPARQL JSON",
    ("application/sparql-results+json", "application/json"),
    (".srj", ".json"),
    ("json", "srj"),
)
XML = MediaFormat(
    "xml",
    "SPARQL XML",
    ("application/sparql-results+xml", "application/xml", "text/xml"),
    (".srx", ".xml"),
    ("xml", "srx"),
)
CSV = MediaFormat("csv", "CSV", ("text/csv",), (".csv",), ("csv",))
TSV = MediaFormat("tsv", "TSV", ("text/tab-separated-values",), (".tsv",), ("tsv",))

#: Formats of SELECT and ASK results, in order of preference when the client is indifferent.
SOLUTION_FORMATS: tuple[MediaFormat, ...] = (JSON, XML, CSV, TSV)


def serialize_solutions(format_name: str, variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    """SELECT results (``rows`` aligned with ``variables``; ``None`` is unbound)."""
    return _SOLUTION_WRITERS[format_name](variables, rows)


def serialize_boolean(format_name: str, value: bool) -> bytes:
    """ASK results."""
    return _BOOLEAN_WRITERS[format_name](value)


# -- JSON ---------------------------------------------------------------------------


def json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        encoded: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            encoded["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype.value != XSD_STRING:
            encoded["datatype"] = term.datatype.value
        return encoded
    return {  # RDF-star / RDF 1.2 triple term
        "type": "triple",
        "value": {
            "subject": json_term(term.subject),
            "predicate": json_term(term.predicate),
            "object": json_term(term.object),
        },
    }


def _json_solutions(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    bindings = [
        {
            name: json_term(term)
            for name, term in zip(variables, row, strict=True)
            if term is not None
        }
        for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _json_boolean(value: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": value}).encode("utf-8")


# -- XML ----------------------------------------------------------------------------

# Characters XML 1.0 cannot carry, not even as character references.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{SPARQL_RESULTS_NS}">\n'


def _xml_text(text: str) -> str:
    # escape() leaves \r as is, and XML parsers normalise a raw CR to LF: keep it as a reference
    return escape(_XML_FORBIDDEN.sub("\ufffd", text)).replace("\r", "&#13;")


def _xml_attr(text: str) -> str:
    return quoteattr(
        _XML_FORBIDDEN.sub("\ufffd", text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
    )


def xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={_xml_attr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype is not None and term.datatype.value != XSD_STRING:
            datatype = _xml_attr(term.datatype.value)
            return f"<literal datatype={datatype}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    return (
        f"<triple><subject>{xml_term(term.subject)}</subject>"
        f"<predicate>{xml_term(term.predicate)}</predicate>"
        f"<object>{xml_term(term.object)}</object></triple>"
    )


def _xml_solutions(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    parts = [_XML_HEAD, "<head>\n"]
    parts += [f"<variable name={_xml_attr(name)}/>\n" for name in variables]
    parts.append("</head>\n<results>\n")
    for row in rows:
        parts.append("<result>")
        parts += [
            f"<binding name={_xml_attr(name)}>{xml_term(term)}</binding>"
            for name, term in zip(variables, row, strict=True)
            if term is not None
        ]
        parts.append("</result>\n")
    parts.append("</results>\n</sparql>\n")
    return "".join(parts).encode("utf-8")


def _xml_boolean(value: bool) -> bytes:
    return f"{_XML_HEAD}<head/>\n<boolean>{str(value).lower()}</boolean>\n</sparql>\n".encode()


# -- CSV ----------------------------------------------------------------------------

_CSV_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def csv_field(text: str) -> str:
    """RFC 4180: quote fields with quotes, commas or line breaks; double inner quotes."""
    if _CSV_NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_term(term: Term | None) -> str:
    """The plain value of a term: lexical form, IRI, ``_:label``; unbound is empty."""
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, NamedNode | Literal):
        return term.value
    return f"<< {tsv_term(term.subject)} {tsv_term(term.predicate)} {tsv_term(term.object)} >>"


def _csv_lines(lines: Iterable[Iterable[str]]) -> bytes:
    return "".join(",".join(map(csv_field, line)) + "\r\n" for line in lines).encode("utf-8")


def _csv_solutions(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    return _csv_lines([variables, *([csv_term(term) for term in row] for row in rows)])


def _csv_boolean(value: bool) -> bytes:
    return _csv_lines([[ASK_COLUMN], [str(value).lower()]])


# -- TSV ----------------------------------------------------------------------------

_NT_STRING_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
)
# Characters an IRIREF may not contain; written as \\u escapes (UCHAR) in TSV.
_IRI_ESCAPES = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def tsv_term(term: Term | None) -> str:
    """The Turtle / N-Triples encoding of a term (no tab or newline can remain)."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return "<" + _IRI_ESCAPES.sub(lambda m: f"\\u{ord(m.group()):04X}", term.value) + ">"
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        quoted = '"' + term.value.translate(_NT_STRING_ESCAPES) + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype is not None and term.datatype.value != XSD_STRING:
            return f"{quoted}^^{tsv_term(term.datatype)}"
        return quoted
    return f"<< {tsv_term(term.subject)} {tsv_term(term.predicate)} {tsv_term(term.object)} >>"


def _tsv_lines(lines: Iterable[Iterable[str]]) -> bytes:
    return "".join("\t".join(line) + "\n" for line in lines).encode("utf-8")


def _tsv_solutions(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    header = [f"?{name}" for name in variables]
    return _tsv_lines([header, *([tsv_term(term) for term in row] for row in rows)])


def _tsv_boolean(value: bool) -> bytes:
    return _tsv_lines([[f"?{ASK_COLUMN}"], [str(value).lower()]])


_SOLUTION_WRITERS: dict[str, Callable[[Sequence[str], Iterable[Row]], bytes]] = {
    JSON.name: _json_solutions,
    XML.name: _xml_solutions,
    CSV.name: _csv_solutions,
    TSV.name: _tsv_solutions,
}
_BOOLEAN_WRITERS: dict[str, Callable[[bool], bytes]] = {
    JSON.name: _json_boolean,
    XML.name: _xml_boolean,
    CSV.name: _csv_boolean,
    TSV.name: _tsv_boolean,
}
