"""Serializers of SPARQL SELECT/ASK results, written here because they must truncate.

pyoxigraph's own result serializer consumes the whole iterator; the query worker
needs to stop after ``max_rows`` rows, or before the body exceeds ``max_bytes``,
and say so (:func:`write_solutions`). Every format is written as a head, one
chunk per row and a tail, so a capped body is still a well-formed document
holding the rows that fit. These serializers follow the W3C specifications:

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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class SolutionsBody:
    body: bytes
    count: int  # rows written
    truncated_by: str | None  # None, "rows" (max_rows reached) or "bytes" (max_bytes reached)


def write_solutions(
    format_name: str,
    variables: Sequence[str],
    rows: Iterable[Row],
    *,
    max_rows: int | None = None,
    max_bytes: int | None = None,
) -> SolutionsBody:
    """SELECT results, reading ``rows`` only as far as needed.

    Writing stops before row ``max_rows + 1`` (there was more: truncated by
    ``"rows"``) or before the row that would make the body longer than
    ``max_bytes`` (truncated by ``"bytes"``); the head and tail are always written.
    """
    writer = _SOLUTION_WRITERS[format_name]
    head = writer.head(variables).encode("utf-8")
    tail = writer.tail.encode("utf-8")
    budget = None if max_bytes is None else max_bytes - len(head) - len(tail)
    chunks: list[bytes] = [head]
    size = count = 0
    truncated_by: str | None = None
    for row in rows:
        if max_rows is not None and count >= max_rows:
            truncated_by = "rows"
            break
        chunk = writer.row(variables, row, count == 0).encode("utf-8")
        if budget is not None and size + len(chunk) > budget:
            truncated_by = "bytes"
            break
        chunks.append(chunk)
        size += len(chunk)
        count += 1
    chunks.append(tail)
    return SolutionsBody(b"".join(chunks), count, truncated_by)


def serialize_solutions(format_name: str, variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    """SELECT results (``rows`` aligned with ``variables``; ``None`` is unbound), uncapped."""
    return write_solutions(format_name, variables, rows).body


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


# The same text as json.dumps({"head": …, "results": {"bindings": [...]}}, ensure_ascii=False).
def _json_head(variables: Sequence[str]) -> str:
    return (
        '{"head": {"vars": '
        + json.dumps(list(variables), ensure_ascii=False)
        + ('}, "results": {"bindings": [')
    )


def _json_row(variables: Sequence[str], row: Row, first: bool) -> str:
    binding = {
        name: json_term(term) for name, term in zip(variables, row, strict=True) if term is not None
    }
    return ("" if first else ", ") + json.dumps(binding, ensure_ascii=False)


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


def _xml_head(variables: Sequence[str]) -> str:
    declared = "".join(f"<variable name={_xml_attr(name)}/>\n" for name in variables)
    return f"{_XML_HEAD}<head>\n{declared}</head>\n<results>\n"


def _xml_row(variables: Sequence[str], row: Row, first: bool) -> str:
    bindings = "".join(
        f"<binding name={_xml_attr(name)}>{xml_term(term)}</binding>"
        for name, term in zip(variables, row, strict=True)
        if term is not None
    )
    return f"<result>{bindings}</result>\n"


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


def _csv_line(fields: Iterable[str]) -> str:
    return ",".join(map(csv_field, fields)) + "\r\n"


def _csv_row(variables: Sequence[str], row: Row, first: bool) -> str:
    return _csv_line(csv_term(term) for term in row)


def _csv_boolean(value: bool) -> bytes:
    return (_csv_line([ASK_COLUMN]) + _csv_line([str(value).lower()])).encode("utf-8")


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


def _tsv_line(fields: Iterable[str]) -> str:
    return "\t".join(fields) + "\n"


def _tsv_row(variables: Sequence[str], row: Row, first: bool) -> str:
    return _tsv_line(tsv_term(term) for term in row)


def _tsv_boolean(value: bool) -> bytes:
    return (_tsv_line([f"?{ASK_COLUMN}"]) + _tsv_line([str(value).lower()])).encode("utf-8")


@dataclass(frozen=True)
class _SolutionWriter:
    head: Callable[[Sequence[str]], str]
    row: Callable[[Sequence[str], Row, bool], str]  # (variables, row, is the first row)
    tail: str


_SOLUTION_WRITERS: dict[str, _SolutionWriter] = {
    JSON.name: _SolutionWriter(_json_head, _json_row, "]}}"),
    XML.name: _SolutionWriter(_xml_head, _xml_row, "</results>\n</sparql>\n"),
    CSV.name: _SolutionWriter(_csv_line, _csv_row, ""),
    TSV.name: _SolutionWriter(lambda names: _tsv_line(f"?{name}" for name in names), _tsv_row, ""),
}
_BOOLEAN_WRITERS: dict[str, Callable[[bool], bytes]] = {
    JSON.name: _json_boolean,
    XML.name: _xml_boolean,
    CSV.name: _csv_boolean,
    TSV.name: _tsv_boolean,
}
