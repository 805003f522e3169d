"""What the query service must know about a query text before or after running it.

pyoxigraph parses and runs in one call and exposes no syntax tree, so these
questions are answered here:

* does the query declare its own dataset (``FROM`` / ``FROM NAMED``)? pyoxigraph's
  ``use_default_graph_as_union`` would silently override it;
* does it use ``SERVICE``? pyoxigraph would then send HTTP requests from the server
  to any address the client names (and echo the answer): a public endpoint must
  refuse federation. This check fails closed: a query rdflib cannot parse (newer
  syntax pyoxigraph accepts, such as ``LATERAL``) is refused as soon as its text
  holds the word ``SERVICE`` anywhere;
* is it nested so deeply that parsing it would overflow the worker's stack?
* is a text pyoxigraph rejected actually a SPARQL Update (answered "read-only")?

The first two use rdflib's SPARQL parser, which (pyparsing) is not thread-safe:
:func:`inspect_query` and :func:`looks_like_update` must only be called in the
single-threaded query worker process. The parse is skipped when the query does
not even contain the words concerned, which is the common case.
:func:`nesting_depth` and :func:`expression_size` are plain scans, safe anywhere
(the service calls them before sending a query to a worker).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseResults
from rdflib.plugins.sparql.parserutils import CompValue

_MENTIONS_FROM = re.compile(r"from", re.IGNORECASE)
_MENTIONS_SERVICE = re.compile(r"service", re.IGNORECASE)
#: Fallback when rdflib cannot parse: the word anywhere, even in a string or a name.
_WORD_SERVICE = re.compile(r"\bservice\b", re.IGNORECASE)
# A bare keyword in the code of a query (strings, IRIs and comments blanked out):
# not part of a prefixed name, variable, blank node label or longer word. A "."
# before it is allowed: it ends the previous triple ("?s a ?t .SERVICE <…>").
_BARE_FROM = re.compile(r"(?<![\w:?$.\-])from(?![\w:\-])", re.IGNORECASE)
_BARE_SERVICE = re.compile(r"(?<![\w:?$\-])service(?![\w:\-])", re.IGNORECASE)
# What is not code in a SPARQL text, after the SPARQL 1.1 grammar's terminals:
# long and short strings (a short one cannot span lines), IRI references,
# comments and the backslash escapes of prefixed names (ex:a\(b).
_NOT_CODE = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
      | '(?:[^'\\\n\r]|\\.)*(?:'|(?=[\n\r])|\Z)
      | "(?:[^"\\\n\r]|\\.)*(?:"|(?=[\n\r])|\Z)
      | <[^<>"{}|^`\\\x00-\x20]*>
      | \#[^\n\r]*
      | \\.
    """,
    re.VERBOSE | re.DOTALL,
)
# For the size and depth limits: the same, except that a span between < and > holding
# brackets or operators stays code. pyoxigraph may read such a span as "less than …
# greater than" (``1<((…))>0``) rather than as an IRI: hiding it would hide its depth.
_NOT_CODE_FOR_LIMITS = re.compile(
    _NOT_CODE.pattern.replace("<[^<>", "<(?![^<>]*[()\\[\\]!+*])[^<>", 1),
    re.VERBOSE | re.DOTALL,
)
_BRACKETS = re.compile(r"[(\[{)\]}]")
_OPENING = frozenset("([{")
# A token of the code: a word (keyword, name, number) or one punctuation character.
_TOKEN = re.compile(r"\w+|[^\s\w]")
# A run of prefix operators (``!!!x``, ``- - -1``, ``^^^p``): each nests the parse one level.
_PREFIX_OPERATORS = re.compile(r"(?:[!^+\-]\s*){2,}")
_UPDATE_START = re.compile(
    r"""\A(?:\s+|\#[^\n]*(?:\n|\Z)                    # blanks and comments
        |PREFIX\s+[^\s:]*:\s*<[^>\s]*>|BASE\s*<[^>\s]*>  # prologue
       )*
       (?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class QueryFeatures:
    has_dataset_clause: bool
    uses_service: bool
    checked: bool = True  # False: rdflib could not parse it, the text alone was judged


def inspect_query(query: str) -> QueryFeatures:
    """Whether ``query`` declares a dataset and whether it (may) use ``SERVICE``.

    A query rdflib parses is judged on its syntax tree, plus a scan of its code
    for a bare ``SERVICE`` keyword (in case the two parsers read a text
    differently): the word in a string, an IRI, a comment, a variable or a
    prefixed name is not federation. A query rdflib cannot parse (pyoxigraph
    may still accept it) is judged on its text alone and refused as federated
    when the word ``SERVICE`` occurs anywhere: there is no tree to tell a
    keyword from a string.
    """
    if not (_MENTIONS_FROM.search(query) or _MENTIONS_SERVICE.search(query)):
        return QueryFeatures(has_dataset_clause=False, uses_service=False)
    code = code_text(query)
    tree = _parse_query(query)
    if tree is None:
        return QueryFeatures(
            has_dataset_clause=bool(_BARE_FROM.search(code)),
            uses_service=bool(_WORD_SERVICE.search(query)),
            checked=False,
        )
    body = tree[1]
    return QueryFeatures(
        has_dataset_clause=bool(dict.get(body, "datasetClause")),
        uses_service=_contains(tree, "ServiceGraphPattern") or bool(_BARE_SERVICE.search(code)),
    )


def code_text(query: str) -> str:
    """``query`` with its strings, IRI references and comments replaced by a blank."""
    return _NOT_CODE.sub(" ", query)


def without_comments(query: str) -> str:
    """``query`` with its comments replaced by a blank (strings and IRIs kept as they are)."""
    return _NOT_CODE.sub(lambda m: " " if m.group().startswith("#") else m.group(), query)


def nesting_depth(query: str) -> int:
    """The deepest nesting of ``(``, ``[`` and ``{`` in the code of ``query``, or the
    longest run of prefix operators if deeper (:func:`prefix_operator_depth`).

    Brackets in strings, IRIs and comments do not count. A closing bracket
    without an opening one is ignored (the query is malformed anyway), so that
    it cannot hide the depth of what follows.
    """
    depth = deepest = 0
    for match in _BRACKETS.finditer(_NOT_CODE_FOR_LIMITS.sub(" ", query)):
        if match.group() in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return max(deepest, prefix_operator_depth(query))


def prefix_operator_depth(query: str) -> int:
    """The longest run of prefix operators (``!``, ``-``, ``+``, ``^``) in the code of ``query``.

    Counted as nesting: ``!!!!x`` is parsed as four nested negations.
    """
    runs = _PREFIX_OPERATORS.findall(_NOT_CODE_FOR_LIMITS.sub(" ", query))
    return max((sum(1 for c in run if not c.isspace()) for run in runs), default=0)


def expression_size(query: str) -> int:
    """How many tokens ``query`` holds: words, punctuation, strings, IRIs (comments are free)."""
    spans = _NOT_CODE_FOR_LIMITS.finditer(query)
    literals = sum(1 for match in spans if not match.group().startswith("#"))
    return literals + sum(1 for _ in _TOKEN.finditer(_NOT_CODE_FOR_LIMITS.sub(" ", query)))


def looks_like_update(text: str) -> bool:
    """Whether a text that is not a valid query is a SPARQL Update (possibly malformed)."""
    if _UPDATE_START.search(text):
        return True
    from rdflib.plugins.sparql.parser import parseUpdate  # worker only (not thread-safe)

    try:
        parseUpdate(text)
    except Exception:  # any parse failure means "not an update"
        return False
    return True


def _parse_query(query: str) -> Any | None:
    from rdflib.plugins.sparql.parser import parseQuery  # worker only (not thread-safe)

    try:
        return parseQuery(query)
    except Exception:  # rdflib raises several exception types (RecursionError too)
        return None


def _contains(node: Any, name: str) -> bool:
    """Whether rdflib's parse tree ``node`` holds a component called ``name``."""
    # ParseResults is registered as a Mapping (of its named results): test it first
    if isinstance(node, list | tuple | ParseResults):
        return any(_contains(item, name) for item in node)
    if isinstance(node, CompValue):
        # plain dict access: CompValue.get() and attribute access have their own semantics
        return node.name == name or any(_contains(value, name) for value in dict.values(node))
    return False


def function_iris(query: str, base_iri: str | None, prefixes: dict[str, str]) -> set[str] | None:
    """The IRIs ``query`` calls as functions (casts like ``xsd:integer(…)``, extension
    functions, custom aggregates), resolved against its prologue, ``prefixes`` and
    ``base_iri``; ``None`` when rdflib cannot parse and translate it (nothing is known).

    An engine runs the functions its IRIs name: Virtuoso's ``bif:`` functions include
    ``bif:http_get`` (an outbound request) and file access. A query forwarded to an
    engine may only call XSD casts (:data:`STANDARD_FUNCTIONS`), the functions SPARQL
    itself names being keywords.
    """
    from rdflib import Namespace
    from rdflib.plugins.sparql.algebra import translateQuery  # worker only (not thread-safe)

    tree = _parse_query(query)
    if tree is None:
        return None
    namespaces = {prefix: Namespace(iri) for prefix, iri in prefixes.items()}
    try:
        algebra = translateQuery(tree, base=base_iri, initNs=namespaces).algebra
    except Exception:  # rdflib refuses what it cannot translate (several exception types)
        return None
    found: set[str] = set()
    _collect_functions(algebra, found)
    return found


#: The namespace of the only functions a forwarded query may call: the XSD casts.
STANDARD_FUNCTIONS = "http://www.w3.org/2001/XMLSchema#"


def _collect_functions(node: Any, found: set[str]) -> None:
    if isinstance(node, CompValue):
        if node.name == "Function":
            found.add(str(dict.get(node, "iri")))
        for value in dict.values(node):
            _collect_functions(value, found)
    elif isinstance(node, list | tuple | ParseResults):
        for item in node:
            _collect_functions(item, found)
