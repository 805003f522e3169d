"""What the query worker must know about a query text before or after running it.

pyoxigraph parses and runs in one call and exposes no syntax tree, so three
questions are answered here with rdflib's SPARQL parser:

* does the query declare its own dataset (``FROM`` / ``FROM NAMED``)? pyoxigraph's
  ``use_default_graph_as_union`` would silently override it;
* does it use ``SERVICE``? pyoxigraph would then send HTTP requests from the server
  to any address the client names (and echo the answer in error messages): a
  public endpoint must refuse federation;
* is a text pyoxigraph rejected actually a SPARQL Update (answered "read-only")?

rdflib's parser (pyparsing) is not thread-safe: these functions must only be
called in the single-threaded query worker process. The parse is skipped when
the query does not even contain the words concerned, which is the common case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseResults
from rdflib.plugins.sparql.parserutils import CompValue

_MENTIONS_FROM = re.compile(r"from", re.IGNORECASE)
_MENTIONS_SERVICE = re.compile(r"service", re.IGNORECASE)
# A bare keyword: not part of a prefixed name, variable, blank node label or longer word.
_BARE_FROM = re.compile(r"(?<![\w:?$.\-])from(?![\w:\-])", re.IGNORECASE)
_BARE_SERVICE = re.compile(r"(?<![\w:?$.\-])service(?![\w:\-])", re.IGNORECASE)
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


def inspect_query(query: str) -> QueryFeatures:
    """Whether ``query`` declares a dataset and whether it uses ``SERVICE``.

    When rdflib cannot parse a query pyoxigraph may accept (newer syntax), the
    answer falls back to looking for the bare keywords, erring on the side of
    refusing ``SERVICE``.
    """
    if not (_MENTIONS_FROM.search(query) or _MENTIONS_SERVICE.search(query)):
        return QueryFeatures(has_dataset_clause=False, uses_service=False)
    tree = _parse_query(query)
    if tree is None:
        return QueryFeatures(
            has_dataset_clause=bool(_BARE_FROM.search(query)),
            uses_service=bool(_BARE_SERVICE.search(query)),
        )
    body = tree[1]
    return QueryFeatures(
        has_dataset_clause=bool(dict.get(body, "datasetClause")),
        uses_service=_contains(tree, "ServiceGraphPattern"),
    )


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
    except Exception:  # rdflib raises several exception types
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
